"""What the pages show: formatting of values and the view of one incident's dossier.

Plain functions over the model and a store; no HTTP here. Everything
returned is plain text (escaped later by Jinja2) except the article text,
which :mod:`corroborate.web.highlight` turns into safe markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from corroborate.model import ACTOR_TYPES, Evidence, Figures, Incident, IncidentMember, Report
from corroborate.store.base import Store
from corroborate.web.highlight import highlight, place_evidence, place_loaded_terms
from corroborate.web.security import safe_href

__all__ = [
    "AlertView",
    "ComparisonRow",
    "Dossier",
    "HistoryEntry",
    "MemberView",
    "actor_label",
    "actors",
    "alert_json",
    "alert_view",
    "article_hash",
    "build_dossier",
    "date_label",
    "figures",
    "grade_class",
    "history",
    "mask_target",
    "place",
    "sources_label",
]

_PRECISION = {1: "", 2: " (within a week)", 3: " (month only)"}
#: Relations written after the source ("the agency said"); others go before it
#: ("according to Zahret Chinguetti").
_VERB_RELATIONS = frozenset({"said", "reported", "claimed", "stated", "announced", "outlet"})
_GEO_PRECISION = {1: "town", 2: "near a town / part of a region", 3: "region only"}


def figures(f: Figures) -> str:
    """A count as ``low–best–high`` with ``?`` for an unknown part; ``—`` when all unknown."""
    if not f.known:
        return "—"

    def part(v: int | None) -> str:
        return "?" if v is None else str(v)

    return f"{part(f.low)}–{part(f.best)}–{part(f.high)}"


def date_label(r: Report) -> str:
    if not r.event_date:
        return "undated"
    return r.event_date + _PRECISION.get(r.time_precision or 1, "")


def place(r: Report, *, with_country: bool = True) -> str:
    parts = [r.location, r.admin1, r.country if with_country else None]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return ", ".join(seen) if seen else "—"


def actor_label(name: str | None, inter: int | None) -> str:
    if not name:
        return "—"
    kind = ACTOR_TYPES.get(inter) if inter is not None else None
    return f"{name} ({kind})" if kind else name


def actors(r: Report) -> str:
    a1 = r.actor1 or "unknown actor"
    return f"{a1} vs {r.actor2}" if r.actor2 else a1


def sources_label(r: Report) -> str:
    """The attribution of a report: ``according to Zahret Chinguetti (newspaper); …``."""
    if not r.sources:
        return "—"
    out = []
    for s in r.sources:
        who = s.name + (f" ({s.kind})" if s.kind and s.kind != "unknown" else "")
        relation = (s.relation or "").strip()
        if not relation:
            out.append(who)
        elif relation in _VERB_RELATIONS:
            out.append(f"{who} {relation}")
        else:
            out.append(f"{relation} {who}")
    return "; ".join(out)


def grade_class(grade: str) -> str:
    """A CSS class for a grade: ``grade-`` plus its lower-case letters and digits."""
    return "grade-" + ("".join(c for c in grade.lower() if c.isalnum()) or "none")


def article_hash(report_id: str) -> str:
    """The article hash of a report id ``"<article hash>:<event index>"``."""
    return report_id.rsplit(":", 1)[0]


@dataclass(frozen=True, slots=True)
class MemberView:
    """One member report of an incident with its article, ready for the page."""

    number: int
    member: IncidentMember
    title: str | None
    href: str | None  # the article URL when it is a safe http(s) link
    text_html: Markup | None  # None when the article is not in the store
    evidence_total: int
    unplaced: tuple[Evidence, ...]
    loaded_terms: tuple[str, ...]
    framing_score: float | None


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One field across the sources: the reconciled value and each source's value."""

    label: str
    reconciled: str
    values: tuple[str, ...]
    differs: bool


@dataclass(frozen=True, slots=True)
class Dossier:
    incident: Incident
    fields: tuple[tuple[str, str], ...]
    members: tuple[MemberView, ...]
    comparison: tuple[ComparisonRow, ...]


def _member_view(store: Store, number: int, member: IncidentMember) -> MemberView:
    digest = article_hash(member.report_id)
    article = store.get_article(digest)
    extraction = store.get_extraction(digest)
    evidence = member.report.evidence
    loaded = extraction.framing.loaded_terms if extraction is not None else ()
    text_html: Markup | None = None
    unplaced: tuple[Evidence, ...] = evidence
    if article is not None:
        ev_spans, lost = place_evidence(article.text, evidence)
        spans = ev_spans + place_loaded_terms(article.text, loaded)
        text_html = highlight(article.text, spans)
        unplaced = tuple(lost)
    return MemberView(
        number=number,
        member=member,
        title=article.title if article is not None else None,
        href=safe_href(member.url or (article.url if article is not None else None)),
        text_html=text_html,
        evidence_total=len(evidence),
        unplaced=unplaced,
        loaded_terms=tuple(dict.fromkeys(t.text for t in loaded)),
        framing_score=extraction.framing.score if extraction is not None else None,
    )


_COMPARED: tuple[tuple[str, Callable[[Report], str]], ...] = (
    ("Event type", lambda r: f"{r.event_type} / {r.sub_event_type}"),
    ("Event date", date_label),
    ("Place", place),
    ("Actors", actors),
    ("Fatalities (low–best–high)", lambda r: figures(r.fatalities)),
    ("Civilian fatalities", lambda r: figures(r.civilian_fatalities)),
    ("Injuries", lambda r: figures(r.injuries)),
    ("Attribution / sources", sources_label),
)


def _comparison(incident: Incident) -> tuple[ComparisonRow, ...]:
    members: Sequence[IncidentMember] = incident.members
    rows = [
        ComparisonRow("Outlet", "", tuple(m.outlet or "—" for m in members), False),
        ComparisonRow("Published", "", tuple(m.published or "—" for m in members), False),
    ]
    for label, get in _COMPARED:
        values = tuple(get(m.report) for m in members)
        rows.append(ComparisonRow(label, get(incident.record), values, len(set(values)) > 1))
    rows.append(ComparisonRow("Quote", "", tuple(m.quote or "—" for m in members), False))
    return tuple(rows)


def _fields(incident: Incident) -> tuple[tuple[str, str], ...]:
    r = incident.record
    coords = (
        f"{r.latitude:.4f}, {r.longitude:.4f}"
        if r.latitude is not None and r.longitude is not None
        else "—"
    )
    geo = _GEO_PRECISION.get(r.geo_precision) if r.geo_precision is not None else None
    return (
        ("Event type", r.event_type),
        ("Sub-event type", r.sub_event_type),
        ("Event date", date_label(r)),
        ("Actor 1", actor_label(r.actor1, r.inter1)),
        ("Actor 1 country", r.actor1_country or "—"),
        ("Actor 2", actor_label(r.actor2, r.inter2)),
        ("Actor 2 country", r.actor2_country or "—"),
        ("Civilian targeting", "yes" if r.civilian_targeting else "no"),
        ("Location", r.location or "—"),
        ("Admin 1", r.admin1 or "—"),
        ("Country", r.country or "—"),
        ("Coordinates", coords + (f" (precision {r.geo_precision}: {geo})" if geo else "")),
        ("Fatalities (low–best–high)", figures(r.fatalities)),
        ("Civilian fatalities", figures(r.civilian_fatalities)),
        ("Injuries", figures(r.injuries)),
        ("Attribution / sources", sources_label(r)),
        (
            "Reports / outlets / independent origins",
            f"{len(incident.members)} / {len(incident.outlets)} / {incident.origins}",
        ),
        ("First recorded", incident.created or "—"),
        ("Last updated", incident.updated or "—"),
    )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of an incident's history, as plain text for the page."""

    at: str
    action: str
    reason: str
    detail: str
    who: str = ""


def history(events: Sequence[Mapping[str, Any]]) -> tuple[HistoryEntry, ...]:
    """An incident's log (``Store.incident_events``) as lines for the dossier, oldest first.

    ``detail`` becomes ``key: value`` pairs (lists joined by commas), except
    ``who`` (the analyst behind a review entry), which gets a column of its own."""
    out = []
    for event in events:
        detail = event.get("detail") or {}
        parts = []
        who = ""
        if isinstance(detail, Mapping):
            for key, value in detail.items():
                if key == "who":
                    who = str(value or "")
                    continue
                if isinstance(value, Mapping):
                    value = ", ".join(f"{k}={v}" for k, v in value.items())
                elif isinstance(value, list | tuple):
                    value = ", ".join(str(v) for v in value)
                parts.append(f"{key}: {value}")
        out.append(
            HistoryEntry(
                at=str(event.get("at") or ""),
                action=str(event.get("action") or ""),
                reason=str(event.get("reason") or ""),
                detail="; ".join(parts),
                who=who,
            )
        )
    return tuple(out)


def mask_target(target: str) -> str:
    """Where an alert went, safe to show: a URL cut to its scheme and host (webhook
    paths and queries often hold secrets); anything else (e-mail addresses) as is."""
    if "://" not in target:
        return target
    try:
        parts = urlsplit(target)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(URL)"
    return f"{parts.scheme}://{host}{port}/…" if host else "(URL)"


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as the alerts page shows it."""

    created: str
    sent_at: str
    rule: str
    change: str
    incident_id: str
    channel: str
    target: str
    status: str
    attempts: int
    error: str
    summary: str


def _payload_summary(payload: Mapping[str, Any] | None) -> str:
    incident = (payload or {}).get("incident")
    if not isinstance(incident, Mapping):
        return ""
    bits = [
        str(incident.get(k) or "")
        for k in ("sub_event_type", "event_date", "location", "country")
        if incident.get(k)
    ]
    return ", ".join(bits)


def alert_view(alert: Any) -> AlertView:
    """An :class:`~corroborate.store.monitor.AlertRecord` for the alerts page."""
    return AlertView(
        created=alert.created or "",
        sent_at=alert.sent_at or "",
        rule=alert.rule,
        change=alert.change,
        incident_id=alert.incident_id,
        channel=alert.channel,
        target=mask_target(alert.target or ""),
        status=alert.status,
        attempts=alert.attempts,
        error=alert.error or "",
        summary=_payload_summary(alert.payload),
    )


def alert_json(alert: Any) -> dict[str, Any]:
    """An alert for the API: its record with the target masked."""
    out: dict[str, Any] = alert.to_dict()
    out["target"] = mask_target(alert.target or "")
    return out


def build_dossier(store: Store, incident: Incident) -> Dossier:
    """Everything the dossier page shows for ``incident``."""
    return Dossier(
        incident=incident,
        fields=_fields(incident),
        members=tuple(_member_view(store, n, m) for n, m in enumerate(incident.members, start=1)),
        comparison=_comparison(incident),
    )
