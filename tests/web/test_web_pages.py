"""The HTML pages: the incident list with its map, the dossier, the 404 page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from corroborate.store.base import Store
from corroborate.web import create_app
from tests.web.conftest import TEXT_A, Seeded
from tests.web.html_tools import parse


def test_list_page_renders_incidents(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    page = parse(html)
    assert "<title>Incidents — Test corroborate</title>" in html
    for incident_id in ("inc-mr-1", "inc-ml-1", "inc-fr-1"):
        assert page.count("a", href=f"/incidents/{incident_id}") == 1
    assert "Showing 1–3 of 3 incidents." in html
    # the columns
    assert "Air/drone strike" in html
    assert "near the border with Western Sahara, Tiris Zemmour" in html
    assert "Military Forces of Morocco vs Civilians (Mauritania)" in html
    assert "2–2–5" in html  # fatalities low–best–high
    assert "2 reports" in html and "2 outlets" in html
    assert "Corroborated" in html
    assert "undated" not in html


def test_list_page_has_offline_map(client: TestClient) -> None:
    page = parse(client.get("/").text)
    maps = [a for t, a in page.tags if a.get("id") == "map"]
    assert len(maps) == 1
    m = maps[0]
    assert m["data-world"] == "/static/vendor/world-atlas/countries-50m.json"
    assert m["data-admin1"] == "/static/vendor/admin1/admin1.json"
    assert m["data-dossier"] == "/incidents/"
    api = urlsplit(m["data-api"] or "")
    assert api.path == "/api/map"
    assert parse_qs(api.query) == {}
    timeline = next(a for t, a in page.tags if a.get("id") == "timeline")
    assert timeline["data-api"] == "/api/timeline"
    scripts = page.attrs("src")
    assert scripts == [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/topojson-client/topojson-client.min.js",
        "/static/colors.js",
        "/static/map.js",
        "/static/timeline.js",
    ]
    assert "/static/vendor/leaflet/leaflet.css" in page.attrs("href")
    assert page.inline_scripts == []
    # the map's data URL works
    body = client.get(m["data-api"] or "").json()
    assert body["total"] == 3


def test_list_page_filters_are_kept_in_query_string(client: TestClient) -> None:
    r = client.get("/", params={"country": "Mali", "event_type": "Battles", "date_from": ""})
    page = parse(r.text)
    assert page.count("a", href="/incidents/inc-ml-1") == 1
    assert page.count("a", href="/incidents/inc-mr-1") == 0
    # the form shows the active filters
    assert page.count("input", name="country", value="Mali") == 1
    selected = [a.get("value") for t, a in page.tags if t == "option" and "selected" in a]
    assert selected == ["Battles"]
    m = next(a for t, a in page.tags if a.get("id") == "map")
    q = parse_qs(urlsplit(m["data-api"] or "").query)
    assert q == {"country": ["Mali"], "event_type": ["Battles"]}
    # the timeline and the exports take the same filters
    t = next(a for t, a in page.tags if a.get("id") == "timeline")
    assert parse_qs(urlsplit(t["data-api"] or "").query) == q
    exports = [a["href"] or "" for t, a in page.tags if t == "a" and "download" in a]
    assert [urlsplit(e).path for e in exports] == [
        "/export/incidents.csv",
        "/export/incidents.geojson",
        "/export/incidents.jsonl",
    ]
    assert all(parse_qs(urlsplit(e).query) == q for e in exports)


def test_list_page_date_filter_and_bad_dates(client: TestClient) -> None:
    r = client.get("/", params={"date_from": "2022-01-01", "date_to": "2022-12-31"})
    page = parse(r.text)
    assert page.count("a", href="/incidents/inc-mr-1") == 1
    assert "Showing 1–1 of 1 incident." in r.text
    bad = client.get("/", params={"date_from": "yesterday"})
    assert bad.status_code == 200
    assert "Ignored: date_from: expected a date as YYYY-MM-DD" in bad.text
    assert "Showing 1–3 of 3 incidents." in bad.text


def test_list_page_no_match(client: TestClient) -> None:
    r = client.get("/", params={"country": "Atlantis"})
    assert "No incidents match these filters." in r.text
    assert "<table" not in r.text


def test_list_page_pagination_links(client: TestClient) -> None:
    r = client.get("/", params={"limit": 1, "country": ""})
    page = parse(r.text)
    assert "Showing 1–1 of 3 incidents." in r.text
    assert page.count("a", href="/?offset=1&limit=1") == 1
    r2 = client.get("/?offset=1&limit=1")
    page2 = parse(r2.text)
    assert page2.count("a", href="/?limit=1") == 1  # previous
    assert page2.count("a", href="/?offset=2&limit=1") == 1  # next


def test_dossier_shows_sources_side_by_side(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/incidents/inc-mr-1")
    assert r.status_code == 200
    html = r.text
    page = parse(html)
    inc = seeded.incidents["inc-mr-1"]
    assert inc.record.summary in html
    assert "Corroborated" in html
    assert "2 independent outlets agree on type, place and date" in html
    # the comparison table: one column per source, next to the reconciled value
    compare = html[
        html.index('<table class="compare">') : html.index(
            "</table>", html.index('<table class="compare">')
        )
    ]
    assert compare.count('<th><a href="#source-') == 2
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">Outlet.*?</tr>", compare, re.S)
    assert row is not None
    assert row.group(0).index("Sahara Press") < row.group(0).index("Nouakchott Info")
    fat = re.search(r"<tr class=\"differs\">\s*<th scope=\"row\">Fatalities.*?</tr>", compare, re.S)
    assert fat is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", fat.group(0))
    assert cells == ["2–2–5", "2–2–5", "3–3–3"]
    assert "according to Zahret Chinguetti (newspaper)" in compare
    assert "the agency (agency) said" in compare
    assert "2022-01-17" in compare and "2022-01-18" in compare
    assert "At least two people died and another three victims" in compare  # the quote
    # one section per source, with its article linked
    assert page.count("section", id="source-1") == 1
    assert page.count("section", id="source-2") == 1
    assert "https://sahara.example/strike" in page.attrs("href")
    assert "Prospectors killed in strike" in html


def test_dossier_highlights_evidence_and_loaded_terms(client: TestClient) -> None:
    html = client.get("/incidents/inc-mr-1").text
    assert (
        '<mark class="ev" title="fatalities (rules v1)">'
        "At least two people died and another three victims</mark>"
    ) in html
    assert (
        '<mark class="ev" title="sub_event_type (rules v1)">a drone struck their vehicle</mark>'
        in html
    )
    assert '<mark class="ev" title="sub_event_type (rules v1)">drone strike</mark>' in html
    assert '<mark class="loaded" title="loaded term: cowardly">cowardly</mark>' in html
    assert '<mark class="loaded" title="loaded term: barbaric">barbaric</mark>' in html
    assert "3 of 3 evidence spans marked" in html
    assert "2 of 2 evidence spans marked" in html
    # the whole article text is there, in order, outside the marks
    text = re.sub(r"<[^>]+>", "", html)
    assert TEXT_A.split("\n\n")[1][:60] in text


def test_dossier_of_incident_without_url_or_coordinates(client: TestClient) -> None:
    r = client.get("/incidents/inc-ml-1")
    assert r.status_code == 200
    assert "Mali Daily" in r.text
    assert "Military Forces of Mali (State forces)" in r.text
    assert "JNIM (Rebel groups)" in r.text


def test_unknown_incident_is_404_page(client: TestClient) -> None:
    r = client.get("/incidents/does-not-exist")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Not found" in r.text
    assert "does-not-exist" in r.text
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


def test_unknown_page_is_404_page(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")


def test_empty_store(store: Store) -> None:
    with TestClient(create_app(store)) as c:
        r = c.get("/")
        assert r.status_code == 200
        assert "No incidents." in r.text
        assert c.get("/api/incidents").json() == {
            "incidents": [],
            "total": 0,
            "limit": 100,
            "offset": 0,
        }


def test_head_requests(client: TestClient) -> None:
    assert client.head("/").status_code == 200
    assert client.head("/incidents/inc-mr-1").status_code == 200
    assert client.head("/incidents/nope").status_code == 404


def test_links_follow_root_path(store: Store, seeded: Seeded) -> None:
    with TestClient(create_app(store), root_path="/corr") as c:
        page = parse(c.get("/corr/").text)
        assert all(u.startswith("/corr/") for u in page.urls())
        m = next(a for t, a in page.tags if a.get("id") == "map")
        assert (m["data-api"] or "").startswith("/corr/api/map")
        docs = parse(c.get("/corr/docs").text)
        assert all(u.startswith("/corr/static/") for u in docs.urls())
        assert c.get("/corr/api/nothing").headers["content-type"] == "application/json"
