"""The data endpoints of the web app: map, timeline, reports, articles, history,
exports; and the map/timeline helpers (bbox parsing, cells, weeks)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from corroborate.export.acled import ACLED_COLUMNS
from corroborate.store.base import Store
from corroborate.web import create_app, mapdata
from tests.web.conftest import Seeded

# --- /api/map and /api/timeline ---------------------------------------------------


def placed(seeded: Seeded) -> set[str]:
    return {
        i.incident_id
        for i in seeded.incidents.values()
        if i.record.latitude is not None and i.record.longitude is not None
    }


def test_map_points(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/map").json()
    assert body["mode"] == "points"
    assert body["total"] == 3
    assert {p["incident_id"] for p in body["points"]} == placed(seeded)
    assert body["in_view"] == len(placed(seeded))
    point = next(p for p in body["points"] if p["incident_id"] == "inc-fr-1")
    assert point == {
        "incident_id": "inc-fr-1",
        "event_date": "2021-03-03",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "location": "Lyon",
        "admin1": "Auvergne-Rhône-Alpes",
        "country": "France",
        "latitude": 45.76,
        "longitude": 4.84,
        "fatalities_best": None,
        "grade": "Weak",
        "n_reports": 1,
    }


def test_map_viewport_and_filters(client: TestClient) -> None:
    europe = client.get("/api/map", params={"bbox": "35,-10,60,20", "zoom": 4}).json()
    assert [p["incident_id"] for p in europe["points"]] == ["inc-fr-1"]
    assert europe["total"] == 3  # every match, in view or not
    # longitudes past the antimeridian are wrapped (Leaflet's world copies)
    wrapped = client.get("/api/map", params={"bbox": "35,350,60,380"}).json()
    assert [p["incident_id"] for p in wrapped["points"]] == ["inc-fr-1"]
    only = client.get("/api/map", params={"country": "France", "admin1": "auvergne-rhône-alpes"})
    assert [p["incident_id"] for p in only.json()["points"]] == ["inc-fr-1"]
    assert client.get("/api/map", params={"bbox": "1,2,3"}).status_code == 422
    assert client.get("/api/map", params={"bbox": "50,0,10,5"}).status_code == 422
    assert client.get("/api/map", params={"zoom": 40}).status_code == 422
    assert client.get("/api/map", params={"date_from": "soon"}).status_code == 422


def test_map_cells_when_many(
    client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 1)
    body = client.get("/api/map", params={"zoom": 1}).json()
    assert body["mode"] == "cells"
    assert body["cell"] == mapdata.cell_size(1)
    assert sum(c["n"] for c in body["cells"]) == body["in_view"] == len(placed(seeded))
    for cell in body["cells"]:
        assert sum(cell["types"].values()) == cell["n"]


def test_timeline(client: TestClient) -> None:
    body = client.get("/api/timeline").json()
    assert body["types"][0] in ("Battles", "Explosions/Remote violence", "Protests")
    weeks = body["weeks"]
    assert weeks[0]["week"] == "2021-03-01"  # the Monday of 2021-03-03
    assert sum(sum(w["counts"].values()) for w in weeks) == 3
    # every week between the first and the last, empty ones too
    assert (
        len(weeks)
        == (
            mapdata.dt.date.fromisoformat(weeks[-1]["week"])
            - mapdata.dt.date.fromisoformat(weeks[0]["week"])
        ).days
        // 7
        + 1
    )
    mali = client.get("/api/timeline", params={"country": "Mali"}).json()
    assert mali["types"] == ["Battles"]
    assert [sum(w["counts"].values()) for w in mali["weeks"]] == [1]


# --- reports, articles, history -----------------------------------------------------


def test_reports(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/reports").json()
    assert body["total"] == 4 and len(body["reports"]) == 4
    mali = client.get("/api/reports", params={"country": "Mali"}).json()
    assert mali["total"] == 1
    one = mali["reports"][0]
    assert one["incident_id"] == "inc-ml-1"
    assert one["report"]["event_type"] == "Battles"
    assert client.get(f"/api/reports/{one['report_id']}").json() == one
    assert client.get("/api/reports/nope:0").status_code == 404
    page = client.get("/api/reports", params={"limit": 3, "offset": 3}).json()
    assert len(page["reports"]) == 1 and page["total"] == 4


def test_articles(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/articles").json()
    assert body["total"] == 4
    found = client.get("/api/articles", params={"q": "drone"}).json()
    assert found["total"] == 2
    assert {a["outlet"] for a in found["articles"]} == {"Sahara Press", "Nouakchott Info"}
    any_id = next(iter(seeded.articles))
    assert client.get(f"/api/articles/{any_id}").json()["text"] == seeded.articles[any_id].text
    assert client.get("/api/articles/nope").status_code == 404


def test_history(store: Store, seeded: Seeded) -> None:
    store.log_incident_event(
        "inc-mr-1", action="merge", reason="same strike", detail={"merged": ["a", "b"]}
    )
    with TestClient(create_app(store)) as c:
        body = c.get("/api/incidents/inc-mr-1/history").json()
        assert [e["action"] for e in body["events"]] == ["merge"]
        assert c.get("/api/incidents/nope/history").status_code == 404
        html = c.get("/incidents/inc-mr-1").text
        assert "same strike" in html and "merged: a, b" in html


# --- exports --------------------------------------------------------------------------


def test_export_csv(client: TestClient) -> None:
    r = client.get("/export/incidents.csv", params={"country": "Mali"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == list(ACLED_COLUMNS)
    assert [row["country"] for row in rows] == ["Mali"]


def test_export_geojson_and_jsonl(client: TestClient, seeded: Seeded) -> None:
    geo = client.get("/export/incidents.geojson").json()
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == len(placed(seeded))
    lines = client.get("/export/incidents.jsonl", params={"event_type": "Protests"}).text
    records = [json.loads(x) for x in lines.splitlines()]
    assert [r["incident_id"] for r in records] == ["inc-fr-1"]
    assert client.get("/export/incidents.xml").status_code == 404
    assert client.get("/export/incidents.csv", params={"min_fatalities": "-1"}).status_code == 422


def test_openapi_lists_the_new_endpoints(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/map",
        "/api/timeline",
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/incidents/{incident_id}/history",
        "/export/incidents.{fmt}",
    } <= paths


# --- helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("10,20,30,40", (10.0, 20.0, 30.0, 40.0)),
        ("10,-200,30,-170", (10.0, 160.0, 30.0, -170.0)),
        ("-90,-400,90,400", (-90.0, -180.0, 90.0, 180.0)),
        ("0,170,10,180", (0.0, 170.0, 10.0, 180.0)),
    ],
)
def test_parse_bbox(raw: str | None, expected: Any) -> None:
    assert mapdata.parse_bbox(raw) == expected


@pytest.mark.parametrize("raw", ["1,2,3", "a,b,c,d", "10,0,5,1", "-100,0,0,1", "nan,0,1,1"])
def test_parse_bbox_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        mapdata.parse_bbox(raw)


@given(st.integers(min_value=0, max_value=18))
def test_cell_size_shrinks_with_zoom(zoom: int) -> None:
    assert mapdata.cell_size(zoom) >= mapdata.cell_size(zoom + 1)
    assert mapdata.cell_size(zoom) > 0


@given(st.dates().map(lambda d: d.isoformat()))
def test_week_start_is_a_monday_within_six_days(day: str) -> None:
    week = mapdata.week_start(day)
    assert week is not None
    monday = mapdata.dt.date.fromisoformat(week)
    assert monday.weekday() == 0
    assert 0 <= (mapdata.dt.date.fromisoformat(day) - monday).days <= 6


def test_merge_cells_sums_types() -> None:
    rows = [
        {"row": 1, "col": 2, "event_type": "Battles", "n": 3, "fatalities": 4,
         "latitude": 10.0, "longitude": 20.0, "bounds": (9.0, 19.0, 11.0, 21.0)},
        {"row": 1, "col": 2, "event_type": "Riots", "n": 1, "fatalities": 0,
         "latitude": 14.0, "longitude": 24.0, "bounds": (14.0, 24.0, 14.0, 24.0)},
        {"row": 0, "col": 0, "event_type": None, "n": 1, "fatalities": 0,
         "latitude": 1.0, "longitude": 1.0, "bounds": (1.0, 1.0, 1.0, 1.0)},
    ]  # fmt: skip
    cells = mapdata.merge_cells(rows)
    assert cells[0] == {
        "latitude": 11.0,
        "longitude": 21.0,
        "n": 4,
        "fatalities": 4,
        "types": {"Battles": 3, "Riots": 1},
        "bounds": [9.0, 19.0, 14.0, 24.0],
    }
    assert cells[1]["types"] == {"unknown": 1}


def test_weekly_counts_sparse_when_centuries_apart() -> None:
    out = mapdata.weekly_counts([("1900-01-01", "Battles", 1), ("2020-01-06", "Riots", 2)])
    assert [w["week"] for w in out["weeks"]] == ["1900-01-01", "2020-01-06"]
    assert out["types"] == ["Riots", "Battles"]
    assert mapdata.weekly_counts([("not a date", "Battles", 1)]) == {"weeks": [], "types": []}
