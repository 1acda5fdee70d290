"""Alerts: rules over incident changes, webhook and e-mail to local servers, sent once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from corroborate.model import Figures, Incident, Report
from corroborate.monitor.alerts import Alerter
from corroborate.monitor.config import (
    AlertRule,
    EmailChannel,
    MonitorConfig,
    WebhookChannel,
)
from corroborate.store.monitor import MonitorStore
from tests.monitor.conftest import FeedServer, SMTPServer


def _incident(
    incident_id: str = "inc-000000000001",
    *,
    country: str = "Mali",
    admin1: str = "Mopti",
    event_type: str = "Violence against civilians",
    killed: int | None = 7,
    grade: str = "Weak",
    origins: int = 1,
    location: str = "Bandiagara",
) -> Incident:
    record = Report(
        event_type=event_type,
        sub_event_type="Attack",
        event_date="2023-03-22",
        country=country,
        admin1=admin1,
        location=location,
        latitude=14.35,
        longitude=-3.61,
        civilian_targeting=True,
        fatalities=Figures(low=killed, best=killed, high=killed),
        summary="On 22 March 2023, an attack on civilians in Bandiagara. <b>7</b> killed.",
    )
    return Incident(
        incident_id=incident_id, record=record, grade=grade, origins=origins, grade_reason="test"
    )


def _config(
    server: FeedServer | None = None,
    smtp: SMTPServer | None = None,
    *rules: AlertRule,
) -> MonitorConfig:
    webhooks = (WebhookChannel(name="team", url=server.url("/hook")),) if server else ()
    emails = (
        (
            EmailChannel(
                name="desk",
                host=smtp.host,
                port=smtp.port,
                sender="monitor@test.example",
                to=("desk@test.example",),
            ),
        )
        if smtp
        else ()
    )
    return MonitorConfig(webhooks=webhooks, emails=emails, rules=rules)


MALI = AlertRule(name="Mali deaths", region=("Mali",), min_fatalities=5, on=("match",))


def test_an_alert_is_sent_once_by_webhook_and_email_and_not_twice(
    feed_server: FeedServer, smtp_server: SMTPServer, monitor_store: MonitorStore
) -> None:
    alerter = Alerter(_config(feed_server, smtp_server, MALI), monitor_store)
    inc = _incident()

    assert alerter.check([inc]) == 2
    assert alerter.check([inc]) == 0  # the same change: nothing new
    assert alerter.check([replace(inc, grade="Fair")]) == 0  # "match" fires once per incident

    [posted] = feed_server.posts("/hook")
    assert posted["rule"] == "Mali deaths"
    assert posted["change"] == "match"
    assert posted["incident"]["incident_id"] == inc.incident_id
    assert posted["incident"]["fatalities"] == {"low": 7, "best": 7, "high": 7}
    assert feed_server.hits("/hook", "POST")[0].headers["Content-Type"] == "application/json"
    [mail] = smtp_server.messages
    assert mail["To"] == "desk@test.example"
    assert "Mali deaths" in mail["Subject"] and "Bandiagara" in mail["Subject"]
    assert "Fatalities (low/best/high): 7 / 7 / 7" in mail.get_payload()
    records = monitor_store.list_alerts()
    assert sorted(r.channel for r in records) == ["email:desk", "webhook:team"]
    assert {r.status for r in records} == {"sent"}
    assert all(r.sent_at for r in records)
    assert records[0].payload and records[0].payload["incident"]["country"] == "Mali"
    assert monitor_store.list_alerts(incident_id="inc-other") == []


def test_a_second_alerter_on_the_same_store_does_not_resend(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    config = _config(feed_server, None, MALI)
    Alerter(config, monitor_store).check([_incident()])
    Alerter(config, monitor_store).check([_incident()])  # e.g. after a restart
    assert len(feed_server.posts("/hook")) == 1


@pytest.mark.parametrize(
    ("incident", "matches"),
    [
        (_incident(), True),
        (_incident(country="Niger", admin1="Tillaberi"), False),
        (_incident(country="Mali", admin1="Mopti", killed=4), False),
        (_incident(killed=None), False),
    ],
)
def test_rules_filter_region_and_fatalities(
    feed_server: FeedServer, monitor_store: MonitorStore, incident: Incident, matches: bool
) -> None:
    Alerter(_config(feed_server, None, MALI), monitor_store).check([incident])
    assert len(feed_server.posts("/hook")) == (1 if matches else 0)


def test_region_matches_admin1_and_event_types_filter(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    rule = AlertRule(name="Mopti battles", region=("mopti",), event_type=("Battles",))
    alerter = Alerter(_config(feed_server, None, rule), monitor_store)
    alerter.check([_incident("inc-a")])  # violence against civilians
    alerter.check([_incident("inc-b", event_type="Battles")])
    assert [p["incident"]["incident_id"] for p in feed_server.posts("/hook")] == ["inc-b"]


def test_grade_changes_and_new_origins_are_alerted_once_each(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    rule = AlertRule(name="moves", on=("grade-change", "new-origin"))
    alerter = Alerter(_config(feed_server, None, rule), monitor_store)
    weak = _incident(grade="Weak", origins=1)

    alerter.check([weak])  # first look: the state to compare with
    assert feed_server.posts("/hook") == []
    alerter.check([replace(weak, grade="Fair", origins=2)])
    alerter.check([replace(weak, grade="Fair", origins=2)])

    changes = sorted((p["change"], p["detail"]) for p in feed_server.posts("/hook"))
    assert changes == [
        ("grade-change", "grade changed from Weak to Fair"),
        ("new-origin", "confirmed by a new independent origin (1 → 2)"),
    ]
    assert feed_server.posts("/hook")[0]["previous"] == {"grade": "Weak", "origins": 1}


def test_change_trigger_fires_per_change(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    rule = AlertRule(name="any change", on=("change",))
    alerter = Alerter(_config(feed_server, None, rule), monitor_store)
    inc = _incident()
    alerter.check([inc])
    alerter.check([inc])
    alerter.check([replace(inc, record=replace(inc.record, fatalities=Figures(7, 9, 12)))])
    alerter.check([replace(inc, record=replace(inc.record, fatalities=Figures(7, 9, 12)))])
    assert [p["change"] for p in feed_server.posts("/hook")] == ["change"]


def test_a_failed_webhook_is_recorded_and_retried_until_sent(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    feed_server.post_status = 500
    alerter = Alerter(_config(feed_server, None, MALI), monitor_store)
    alerter.check([_incident()])
    [failed] = monitor_store.list_alerts()
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "500" in failed.error

    feed_server.post_status = 200
    assert alerter.retry_failed() == 1
    [sent] = monitor_store.list_alerts()
    assert (sent.status, sent.attempts, sent.error) == ("sent", 2, "")
    assert alerter.retry_failed() == 0
    assert alerter.check([_incident()]) == 0
    assert len(feed_server.posts("/hook")) == 2  # the failed try and the good one


def test_attempts_are_capped(feed_server: FeedServer, monitor_store: MonitorStore) -> None:
    feed_server.post_status = 503
    config = replace(_config(feed_server, None, MALI), max_attempts=2)
    alerter = Alerter(config, monitor_store)
    alerter.check([_incident()])
    alerter.retry_failed()
    alerter.retry_failed()
    alerter.check([_incident()])
    assert len(feed_server.posts("/hook")) == 2
    [record] = monitor_store.list_alerts()
    assert (record.status, record.attempts) == ("failed", 2)


def test_without_channels_alerts_are_recorded_on_the_log_channel(
    monitor_store: MonitorStore,
) -> None:
    alerter = Alerter(_config(None, None, MALI), monitor_store)
    alerter.check([_incident()])
    alerter.check([_incident()])
    [record] = monitor_store.list_alerts()
    assert (record.channel, record.status) == ("log", "sent")


def test_rule_channels_pick_where_alerts_go(
    feed_server: FeedServer, smtp_server: SMTPServer, monitor_store: MonitorStore
) -> None:
    rule = replace(MALI, channels=("desk",))
    Alerter(_config(feed_server, smtp_server, rule), monitor_store).check([_incident()])
    assert feed_server.posts("/hook") == []
    assert len(smtp_server.messages) == 1


def test_mail_subject_cannot_be_split_by_article_text(
    smtp_server: SMTPServer, monitor_store: MonitorStore
) -> None:
    inc = _incident(location="Bandiagara\r\nBcc: victim@example.org")
    Alerter(_config(None, smtp_server, MALI), monitor_store).check([inc])
    [mail] = smtp_server.messages
    assert mail["Bcc"] is None  # the text stays inside the subject (folded, not split)
    assert "Bandiagara Bcc: victim@example.org" in " ".join(str(mail["Subject"]).split())
    assert smtp_server.envelopes[0][1] == ["<desk@test.example>"]
