"""The JSON API: paging, filters, one incident, stats."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from corroborate.store.base import Store
from corroborate.web import create_app
from tests.web.conftest import Seeded


def ids(body: dict[str, Any]) -> list[str]:
    return [i["incident_id"] for i in body["incidents"]]


def test_list_returns_total_and_default_paging(client: TestClient) -> None:
    r = client.get("/api/incidents")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["total"] == 3
    assert body["limit"] == 100
    assert body["offset"] == 0
    # newest event first, no default date window
    assert ids(body) == ["inc-ml-1", "inc-mr-1", "inc-fr-1"]


def test_list_items_are_incident_dicts(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/incidents").json()
    by_id = {i["incident_id"]: i for i in body["incidents"]}
    assert by_id["inc-mr-1"] == seeded.incidents["inc-mr-1"].to_dict()
    assert by_id["inc-mr-1"]["outlets"] == ["Sahara Press", "Nouakchott Info"]


def test_paging(client: TestClient) -> None:
    first = client.get("/api/incidents", params={"limit": 2}).json()
    second = client.get("/api/incidents", params={"limit": 2, "offset": 2}).json()
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert (second["total"], second["limit"], second["offset"]) == (3, 2, 2)
    assert len(first["incidents"]) == 2
    assert len(second["incidents"]) == 1
    assert set(ids(first)).isdisjoint(ids(second))
    beyond = client.get("/api/incidents", params={"offset": 50}).json()
    assert beyond["incidents"] == [] and beyond["total"] == 3


def test_limit_max_is_1000(client: TestClient) -> None:
    assert client.get("/api/incidents", params={"limit": 1000}).status_code == 200
    assert client.get("/api/incidents", params={"limit": 1001}).status_code == 422
    assert client.get("/api/incidents", params={"limit": 0}).status_code == 422
    assert client.get("/api/incidents", params={"offset": -1}).status_code == 422


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "Mali"}, {"inc-ml-1"}),
        ({"country": "mauritania"}, {"inc-mr-1"}),
        ({"admin1": "Gao"}, {"inc-ml-1"}),
        ({"event_type": "Protests"}, {"inc-fr-1"}),
        ({"sub_event_type": "Air/drone strike"}, {"inc-mr-1"}),
        ({"date_from": "2022-01-01"}, {"inc-mr-1", "inc-ml-1"}),
        ({"date_to": "2022-01-16"}, {"inc-mr-1", "inc-fr-1"}),
        ({"date_from": "2022-01-16", "date_to": "2022-01-16"}, {"inc-mr-1"}),
        ({"actor": "morocco"}, {"inc-mr-1"}),
        ({"actor": "JNIM"}, {"inc-ml-1"}),
        ({"min_fatalities": 1}, {"inc-mr-1"}),
        ({"grade": "Weak"}, {"inc-ml-1", "inc-fr-1"}),
        ({"q": "prospectors"}, {"inc-mr-1"}),
        ({"q": "Lyon"}, {"inc-fr-1"}),
        ({"country": "Mali", "event_type": "Protests"}, set()),
        # empty values (as a submitted form sends them) mean "no filter"
        (
            {"country": "", "date_from": "", "min_fatalities": ""},
            {"inc-mr-1", "inc-ml-1", "inc-fr-1"},
        ),
    ],
)
def test_filters(client: TestClient, params: dict[str, Any], expected: set[str]) -> None:
    r = client.get("/api/incidents", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(ids(body)) == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "16/01/2022"},
        {"date_to": "2022-13-01"},
        {"min_fatalities": "many"},
        {"min_fatalities": "-1"},
        {"date_from": "2023-01-01", "date_to": "2022-01-01"},
    ],
)
def test_bad_filters_are_422(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/api/incidents", params=params)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_one_incident(client: TestClient, seeded: Seeded) -> None:
    r = client.get("/api/incidents/inc-mr-1")
    assert r.status_code == 200
    assert r.json() == seeded.incidents["inc-mr-1"].to_dict()


def test_unknown_incident_is_404_json(client: TestClient) -> None:
    r = client.get("/api/incidents/nope")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert "nope" in r.json()["detail"]


def test_unknown_api_path_is_404_json(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")


def test_stats(client: TestClient) -> None:
    r = client.get("/api/stats")
    assert r.status_code == 200
    body = r.json()
    assert body["articles"] == 4
    assert body["reports"] == 4
    assert body["incidents"] == 3
    assert body["rejects"] == 0
    assert body["rejects_by_reason"] == {}


def test_openapi_lists_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/incidents", "/api/incidents/{incident_id}", "/api/stats"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/incidents"]["get"]["parameters"]}
    assert params == {
        "limit",
        "offset",
        "country",
        "admin1",
        "event_type",
        "sub_event_type",
        "date_from",
        "date_to",
        "actor",
        "min_fatalities",
        "grade",
        "q",
    }
    # the HTML pages are not part of the API schema
    assert "/" not in spec["paths"]


def test_store_errors_become_500(store: Store) -> None:
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        store.close()
        r = c.get("/api/stats")
        assert r.status_code == 500
        assert r.json()["detail"].startswith("store-error: ")
        page = c.get("/")
        assert page.status_code == 500
        assert "Error 500" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
