"""The alerts page and API: the monitor's notifications, newest first, targets masked."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from corroborate.store.base import Store
from corroborate.store.monitor import AlertRecord
from corroborate.web.views import mask_target
from tests.web.conftest import Seeded
from tests.web.html_tools import parse
from tests.web.test_web_security import assert_safe_html

SCRIPT = "<script>alert(1)</script>"


def record(store: Any, n: int, **kw: Any) -> None:
    base = {
        "dedup_key": f"k{n}",
        "rule": "new-incident",
        "incident_id": "inc-mr-1",
        "change": "new",
        "channel": "webhook:ops",
        "target": "https://hooks.example/services/T000/B000/SECRETSECRET?token=abc",
        "status": "sent",
        "payload": {"incident": {"sub_event_type": "Air/drone strike", "country": "Mauritania"}},
    }
    store.record_alert(AlertRecord(**{**base, **kw}))


def test_alerts_page_lists_alerts_with_targets_masked(
    client: TestClient, store: Store, seeded: Seeded
) -> None:
    record(store, 1)
    record(
        store,
        2,
        incident_id="inc-ml-1",
        status="failed",
        error=f"ConnectError: {SCRIPT}",
        channel="email:desk",
        target="desk@example.org",
        attempts=3,
    )
    html = client.get("/alerts").text
    assert_safe_html(html)
    page = parse(html)
    assert "/alerts" in page.attrs("href")  # in the navigation
    rows = html.split("<tbody>")[1].split("</tbody>")[0].count("<tr")
    assert rows == 2
    assert "SECRETSECRET" not in html and "token=abc" not in html
    assert "https://hooks.example/…" in html
    assert "desk@example.org" in html
    assert "ConnectError: &lt;script&gt;" in html
    assert "Air/drone strike, Mauritania" in html
    assert "/incidents/inc-ml-1" in page.attrs("href")

    only = client.get("/alerts", params={"incident_id": "inc-ml-1"}).text
    assert only.split("<tbody>")[1].count("<tr") == 1

    data = client.get("/api/alerts").json()
    assert [a["incident_id"] for a in data["alerts"]] == ["inc-ml-1", "inc-mr-1"]
    assert data["alerts"][1]["target"] == "https://hooks.example/…"
    assert data["alerts"][0]["status"] == "failed" and data["alerts"][0]["attempts"] == 3
    one = client.get("/api/alerts", params={"incident_id": "inc-mr-1", "limit": 5}).json()
    assert len(one["alerts"]) == 1 and one["limit"] == 5


def test_alerts_page_pages(client: TestClient, store: Store, seeded: Seeded) -> None:
    for n in range(101):
        record(store, n)
    html = client.get("/alerts").text
    assert html.split("<tbody>")[1].count("<tr") == 100
    assert 'href="/alerts?offset=100">older' in html
    second = client.get("/alerts", params={"offset": 100}).text
    assert second.split("<tbody>")[1].count("<tr") == 1
    assert 'href="/alerts">← newer' in second


def test_no_alerts(client: TestClient) -> None:
    r = client.get("/alerts")
    assert r.status_code == 200 and "No alerts" in r.text
    assert client.get("/api/alerts").json()["alerts"] == []


def test_mask_target() -> None:
    assert mask_target("https://h.example:8443/x/y?z=1") == "https://h.example:8443/…"
    assert mask_target("a@b.example,c@d.example") == "a@b.example,c@d.example"
    assert mask_target("") == ""
    assert mask_target("http://[bad") == "(URL)"
