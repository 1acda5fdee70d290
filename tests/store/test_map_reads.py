"""The store's reads for the web app: map points and cells, day counts,
report and article listings, and the bulk incident path (every backend)."""

from __future__ import annotations

import pytest

from corroborate.errors import StoreError
from corroborate.model import Extraction, Figures
from corroborate.store.base import IncidentFilter, Store
from tests.store.factories import article, incident, member, report


def _seed(store: Store) -> dict[str, str]:
    """Three incidents with one article each: Mauritania (2), Mali (1); one undated."""
    rids: dict[str, str] = {}
    texts = {
        "a": "A drone struck prospectors near the border.",
        "b": "Another drone strike near Bir Moghrein killed two.",
        "c": "Soldiers clashed with rebels near Gao.",
    }
    for key, text in texts.items():
        art = article(text, outlet=f"Outlet {key}", published=f"2022-01-1{len(rids)}")
        store.add_article(art)
        rids[key] = store.add_extraction(
            art.id, Extraction(id=art.id, language="en", events=(report(),))
        )[0].report_id
    store.save_incident(incident("inc-a", members=(member(rids["a"], report()),)))
    store.save_incident(
        incident(
            "inc-b",
            members=(member(rids["b"], report()),),
            event_date="2022-01-18",
            latitude=25.3,
            longitude=-11.6,
            fatalities=Figures(best=7),
        )
    )
    store.save_incident(
        incident(
            "inc-c",
            members=(member(rids["c"], report()),),
            event_type="Battles",
            sub_event_type="Armed clash",
            country="Mali",
            admin1="Gao",
            location="Gao",
            latitude=16.27,
            longitude=-0.04,
            event_date=None,
            fatalities=Figures(),
        )
    )
    return rids


def test_points_filter_and_viewport(store: Store) -> None:
    _seed(store)
    points, total = store.incident_points()
    assert total == 3
    assert [p["incident_id"] for p in points] == ["inc-b", "inc-a", "inc-c"]
    assert points[0]["fatalities_best"] == 7 and points[0]["latitude"] == pytest.approx(25.3)
    points, total = store.incident_points(IncidentFilter(admin1="gao"))
    assert [p["incident_id"] for p in points] == ["inc-c"] and total == 1
    # a box around Mali only; then one crossing the antimeridian that holds nothing
    points, total = store.incident_points(bbox=(10.0, -5.0, 20.0, 5.0))
    assert [p["incident_id"] for p in points] == ["inc-c"]
    assert store.incident_points(bbox=(10.0, 170.0, 30.0, -170.0)) == ([], 0)
    points, total = store.incident_points(bbox=(10.0, -20.0, 30.0, -170.0))
    assert total == 3
    points, total = store.incident_points(limit=1)
    assert len(points) == 1 and total == 3


def test_cells_bin_by_grid_and_type(store: Store) -> None:
    _seed(store)
    cells = store.incident_cells(cell=10.0)
    by_type = {(c["row"], c["col"], c["event_type"]): c for c in cells}
    mauritania = by_type[(2, -2, "Explosions/Remote violence")]
    assert mauritania["n"] == 2 and mauritania["fatalities"] == 9
    assert mauritania["latitude"] == pytest.approx((25.2333 + 25.3) / 2)
    assert mauritania["bounds"] == (25.0, -12.0, 25.5, -11.5)  # the 0.5-degree grid cells
    assert by_type[(1, -1, "Battles")]["n"] == 1
    assert store.incident_cells(IncidentFilter(country="Mali"), cell=10.0)[0]["n"] == 1
    assert store.incident_cells(cell=10.0, bbox=(-10.0, 100.0, 10.0, 120.0)) == []
    # cells off the index grid are binned directly
    fine = store.incident_cells(cell=0.05)
    assert sorted(c["n"] for c in fine) == [1, 1, 1]
    gao = next(c for c in fine if c["event_type"] == "Battles")
    assert (gao["row"], gao["col"]) == (325, -1)
    assert gao["bounds"] == pytest.approx((16.25, -0.05, 16.3, 0.0))
    # the same totals at every cell size
    for cell in (0.5, 1.0, 2.0, 5.0, 45.0, 0.2, 0.3):
        assert sum(c["n"] for c in store.incident_cells(cell=cell)) == 3
    with pytest.raises(StoreError):
        store.incident_cells(cell=0)


def test_days(store: Store) -> None:
    _seed(store)
    assert sorted(store.incident_days()) == [
        ("2022-01-16", "Explosions/Remote violence", 1),
        ("2022-01-18", "Explosions/Remote violence", 1),
    ]
    assert store.incident_days(IncidentFilter(country="Mali")) == []


def test_list_reports_and_articles(store: Store) -> None:
    rids = _seed(store)
    reports, total = store.list_reports()
    assert total == 3 and {r.report_id for r in reports} == set(rids.values())
    reports, total = store.list_reports(IncidentFilter(country="Mali"))
    assert total == 1 and reports[0].report_id == rids["c"]
    assert reports[0].extra["outlet"] == "Outlet c"
    reports, total = store.list_reports(limit=2, offset=2)
    assert len(reports) == 1 and total == 3
    articles, total = store.list_articles()
    assert total == 3 and [a.outlet for a in articles] == ["Outlet c", "Outlet b", "Outlet a"]
    articles, total = store.list_articles(IncidentFilter(q="drone"))
    assert total == 2 and {a.outlet for a in articles} == {"Outlet a", "Outlet b"}
    articles, total = store.list_articles(IncidentFilter(country="Mali"), limit=5)
    assert [a.outlet for a in articles] == ["Outlet c"]


def test_bulk_add_incidents(store: Store) -> None:
    many = [
        incident(f"bulk-{n:03d}", event_date=f"2022-02-{n % 28 + 1:02d}", latitude=10.0 + n / 10)
        for n in range(50)
    ]
    assert store.bulk_add_incidents(many) == 50
    page, total = store.list_incidents(limit=5)
    assert total == 50 and page[0].record.event_date == "2022-02-28"
    assert store.get_incident("bulk-007") == many[7]
    # again: replaced, not doubled
    store.bulk_add_incidents(many[:10])
    assert store.list_incidents(limit=1)[1] == 50
