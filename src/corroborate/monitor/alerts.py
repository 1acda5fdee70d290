"""Alerts: rules over incidents, notified once per incident change by webhook or e-mail.

:class:`Alerter` looks at an incident after it changed (a report joined it,
its grade moved), compares it with the state it had when last looked at
(kept in the store), and for each rule it matches decides which changes to
notify:

* ``match``: the incident matches the rule (once per incident and rule);
* ``change``: a matching incident changed (its type, figures, grade, origins);
* ``grade-change``: its grade moved (Weak → Fair, …);
* ``new-origin``: one more independent origin reported it.

Each change has a dedup key (rule, incident, change); a notification is
sent at most once per key and channel, and recorded with its outcome. A
failed one is tried again on a later look (see :meth:`Alerter.retry_failed`),
up to ``max_attempts``. Without channels, alerts are recorded on the
``log`` channel only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.message import EmailMessage
from functools import partial
from typing import Any

import httpx

from corroborate.model import Incident
from corroborate.monitor.config import AlertRule, EmailChannel, MonitorConfig, WebhookChannel
from corroborate.store._common import now
from corroborate.store.monitor import AlertRecord, IncidentState, MonitorStore

__all__ = ["Alert", "Alerter", "incident_payload", "signature"]

log = logging.getLogger("corroborate.monitor.alerts")

_GRADE_RANK = {"Discounted": 0, "Contested": 1, "Weak": 2, "Fair": 3, "Confirmed": 4}
_LOG_CHANNEL = "log"


@dataclass(frozen=True, slots=True)
class Alert:
    """One change of one incident that one rule wants notified."""

    rule: str
    change: str  # match, change, grade-change, new-origin
    dedup_key: str
    incident: Incident
    detail: str
    previous: dict[str, Any]


def signature(incident: Incident) -> str:
    """A short hash of what an analyst would call a change of the incident."""
    r = incident.record
    parts = [
        r.event_type,
        r.sub_event_type,
        r.event_date,
        r.country,
        r.admin1,
        r.location,
        r.fatalities.low,
        r.fatalities.best,
        r.fatalities.high,
        r.civilian_fatalities.low,
        r.civilian_fatalities.high,
        incident.grade,
        incident.origins,
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def _rule_matches(rule: AlertRule, inc: Incident) -> bool:
    r = inc.record
    if rule.region:
        wanted = {x.casefold() for x in rule.region}
        if not any(v is not None and v.casefold() in wanted for v in (r.country, r.admin1)):
            return False
    if rule.event_type and r.event_type not in rule.event_type:
        return False
    if rule.min_fatalities is not None:
        best = r.fatalities.best if r.fatalities.best is not None else r.fatalities.high
        if best is None or best < rule.min_fatalities:
            return False
    if rule.min_grade is not None:
        return _GRADE_RANK.get(inc.grade, 0) >= _GRADE_RANK.get(rule.min_grade, 0)
    return True


def incident_payload(inc: Incident) -> dict[str, Any]:
    """What a notification says about an incident (no article text beyond the summary)."""
    r = inc.record
    return {
        "incident_id": inc.incident_id,
        "event_date": r.event_date,
        "event_type": r.event_type,
        "sub_event_type": r.sub_event_type,
        "country": r.country,
        "admin1": r.admin1,
        "location": r.location,
        "latitude": r.latitude,
        "longitude": r.longitude,
        "actor1": r.actor1,
        "actor2": r.actor2,
        "fatalities": r.fatalities.to_dict(),
        "civilian_targeting": r.civilian_targeting,
        "civilian_fatalities": r.civilian_fatalities.to_dict(),
        "grade": inc.grade,
        "grade_reason": inc.grade_reason,
        "origins": inc.origins,
        "outlets": list(inc.outlets),
        "summary": r.summary,
    }


def _place(inc: Incident) -> str:
    r = inc.record
    return ", ".join(x for x in (r.location, r.admin1, r.country) if x) or "an unknown place"


def _killed(inc: Incident) -> str:
    f = inc.record.fatalities
    if f.best is None:
        return "no fatalities reported"
    if f.low == f.high:
        return f"{f.best} killed"
    return f"{f.low}–{f.high} killed"


class Alerter:
    """Evaluates rules on changed incidents and sends what is due, once."""

    def __init__(
        self,
        config: MonitorConfig,
        store: MonitorStore,
        *,
        client: httpx.Client | None = None,
        smtp_factory: Callable[[EmailChannel], smtplib.SMTP] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self._client = client
        self._smtp_factory = smtp_factory or _connect_smtp
        self.sent = 0
        self.failed = 0

    # --- deciding ------------------------------------------------------

    def changes(self, inc: Incident) -> list[Alert]:
        """The alerts due for ``inc`` now, before dedup; records its new state."""
        prev = self.store.get_incident_state(inc.incident_id)
        sig = signature(inc)
        due: list[Alert] = []
        previous = {"grade": prev.grade, "origins": prev.origins} if prev is not None else {}
        for rule in self.config.rules:
            if not _rule_matches(rule, inc):
                continue
            base = f"{rule.name}|{inc.incident_id}"

            def add(change: str, key: str, detail: str, rule: AlertRule = rule) -> None:
                due.append(
                    Alert(
                        rule=rule.name,
                        change=change,
                        dedup_key=key,
                        incident=inc,
                        detail=detail,
                        previous=previous,
                    )
                )

            if "match" in rule.on:
                add("match", f"{base}|match", f"matches the rule '{rule.name}'")
            if "change" in rule.on and prev is not None and prev.signature != sig:
                add("change", f"{base}|change|{sig}", "changed")
            if "grade-change" in rule.on and prev is not None and prev.grade != inc.grade:
                add(
                    "grade-change",
                    f"{base}|grade|{prev.grade}->{inc.grade}|{prev.origins}",
                    f"grade changed from {prev.grade} to {inc.grade}",
                )
            before = prev.origins if prev is not None else 1
            if "new-origin" in rule.on and inc.origins > before:
                add(
                    "new-origin",
                    f"{base}|origins|{inc.origins}",
                    f"confirmed by a new independent origin ({before} → {inc.origins})",
                )
        self.store.save_incident_state(
            IncidentState(
                incident_id=inc.incident_id, grade=inc.grade, origins=inc.origins, signature=sig
            )
        )
        return due

    def check(self, incidents: Iterable[Incident]) -> int:
        """Evaluate and notify changed incidents; returns how many notifications went out."""
        before = self.sent
        for inc in incidents:
            for alert in self.changes(inc):
                self.notify(alert)
        return self.sent - before

    # --- sending -------------------------------------------------------

    def _channels(self, rule_name: str) -> list[WebhookChannel | EmailChannel]:
        rule = next((r for r in self.config.rules if r.name == rule_name), None)
        wanted = set(rule.channels) if rule is not None and rule.channels else None
        every: list[WebhookChannel | EmailChannel] = [*self.config.webhooks, *self.config.emails]
        return [c for c in every if wanted is None or c.name in wanted]

    def notify(self, alert: Alert) -> None:
        """Send ``alert`` on each of its rule's channels where it was not sent yet."""
        payload = self.payload(alert)
        channels = self._channels(alert.rule)
        if not channels:
            self._once(alert, payload, _LOG_CHANNEL, "", lambda: None)
            return
        for channel in channels:
            if isinstance(channel, WebhookChannel):
                self._once(
                    alert,
                    payload,
                    f"webhook:{channel.name}",
                    channel.url,
                    partial(self._post, channel, payload),
                )
            else:
                self._once(
                    alert,
                    payload,
                    f"email:{channel.name}",
                    ",".join(channel.to),
                    partial(self._mail_payload, channel, payload),
                )

    def payload(self, alert: Alert) -> dict[str, Any]:
        return {
            "source": "corroborate",
            "rule": alert.rule,
            "change": alert.change,
            "detail": alert.detail,
            "previous": alert.previous,
            "incident": incident_payload(alert.incident),
        }

    def _once(
        self,
        alert: Alert,
        payload: dict[str, Any],
        channel: str,
        target: str,
        send: Callable[[], None],
    ) -> None:
        earlier = self.store.get_alert(alert.dedup_key, channel=channel, target=target)
        if earlier is not None and (
            earlier.status == "sent" or earlier.attempts >= self.config.max_attempts
        ):
            return
        attempts = (earlier.attempts if earlier is not None else 0) + 1
        self._attempt(
            AlertRecord(
                dedup_key=alert.dedup_key,
                rule=alert.rule,
                incident_id=alert.incident.incident_id,
                change=alert.change,
                channel=channel,
                target=target,
                status="sent",
                attempts=attempts,
                payload=payload,
                created=earlier.created if earlier is not None else None,
            ),
            send,
        )

    def _attempt(self, record: AlertRecord, send: Callable[[], None]) -> None:
        try:
            send()
        except Exception as exc:  # any channel failure is recorded and retried later
            self.failed += 1
            message = f"{type(exc).__name__}: {exc}"[:500]
            log.warning(
                "alert %s (%s) on %s failed: %s",
                record.rule,
                record.incident_id,
                record.channel,
                message,
            )
            self.store.record_alert(replace(record, status="failed", error=message))
            return
        self.sent += 1
        log.info(
            "alert %s: %s %s (%s) via %s",
            record.rule,
            record.incident_id,
            record.change,
            (record.payload or {}).get("detail", ""),
            record.channel,
        )
        self.store.record_alert(replace(record, status="sent", error="", sent_at=now()))

    def retry_failed(self) -> int:
        """Try again the failed notifications that have attempts left; returns how many went."""
        before = self.sent
        channels: dict[str, WebhookChannel | EmailChannel] = {
            f"webhook:{c.name}": c for c in self.config.webhooks
        }
        channels.update({f"email:{c.name}": c for c in self.config.emails})
        for record in self.store.list_alerts(limit=500):
            if record.status != "failed" or record.attempts >= self.config.max_attempts:
                continue
            channel = channels.get(record.channel)
            if channel is None:
                continue
            payload = record.payload or {}
            retry = replace(record, attempts=record.attempts + 1)
            if isinstance(channel, WebhookChannel):
                self._attempt(retry, partial(self._post, channel, payload))
            else:
                self._attempt(retry, partial(self._mail_payload, channel, payload))
        return self.sent - before

    def _post(self, channel: WebhookChannel, payload: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json", **channel.headers}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if self._client is not None:
            response = self._client.post(
                channel.url, content=body, headers=headers, timeout=channel.timeout
            )
        else:
            with httpx.Client(trust_env=False, follow_redirects=False) as client:
                response = client.post(
                    channel.url, content=body, headers=headers, timeout=channel.timeout
                )
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"the webhook answered HTTP {response.status_code}")

    def _mail_payload(self, channel: EmailChannel, payload: dict[str, Any]) -> None:
        inc = payload.get("incident") or {}
        msg = EmailMessage()
        place = ", ".join(
            str(x) for x in (inc.get("location"), inc.get("admin1"), inc.get("country")) if x
        )
        subject = (
            f"[corroborate] {payload.get('rule')}: {inc.get('sub_event_type')} in "
            f"{place or 'an unknown place'} ({inc.get('event_date') or 'undated'})"
        )
        msg["Subject"] = " ".join(subject.split())  # no header injection through newlines
        msg["From"] = channel.sender
        msg["To"] = ", ".join(channel.to)
        msg.set_content(_mail_body(payload))
        smtp = self._smtp_factory(channel)
        try:
            smtp.send_message(msg)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _mail_body(payload: dict[str, Any]) -> str:
    inc = payload.get("incident") or {}
    f = inc.get("fatalities") or {}
    lines = [
        f"Rule: {payload.get('rule')}",
        f"Change: {payload.get('detail')}",
        "",
        f"Incident {inc.get('incident_id')}",
        f"Date: {inc.get('event_date') or 'undated'}",
        f"Type: {inc.get('event_type')} / {inc.get('sub_event_type')}",
        "Place: "
        + (
            ", ".join(
                str(x) for x in (inc.get("location"), inc.get("admin1"), inc.get("country")) if x
            )
            or "unknown"
        ),
        f"Fatalities (low/best/high): {f.get('low')} / {f.get('best')} / {f.get('high')}",
        f"Grade: {inc.get('grade')} ({inc.get('grade_reason')})",
        f"Independent origins: {inc.get('origins')}",
        f"Outlets: {', '.join(inc.get('outlets') or [])}",
        "",
        str(inc.get("summary") or ""),
        "",
        f"See it with: corroborate show {inc.get('incident_id')}",
    ]
    return "\n".join(lines) + "\n"


def _connect_smtp(channel: EmailChannel) -> smtplib.SMTP:
    if channel.ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            channel.host,
            channel.port,
            timeout=channel.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout)
        if channel.starttls:
            smtp.starttls(context=ssl.create_default_context())
    if channel.username:
        password = os.environ.get(channel.password_env or "", "")
        if not password:
            smtp.close()
            raise RuntimeError(
                f"no SMTP password: set the environment variable {channel.password_env!r}"
            )
        smtp.login(channel.username, password)
    return smtp
