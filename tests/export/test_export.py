"""Exports: ACLED CSV, GeoJSON, JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pycountry
import pytest

from corroborate.export import (
    ACLED_COLUMNS,
    acled_country,
    acled_date,
    acled_row,
    disorder_type,
    incident_properties,
    write_acled_csv,
    write_geojson,
    write_jsonl,
)
from corroborate.model import Figures, Incident
from corroborate.store import SQLiteStore
from tests.store.factories import incident, member, report

EXPECTED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def _csv_rows(incidents: list[Incident]) -> tuple[list[str], list[dict[str, str]]]:
    out = io.StringIO()
    assert write_acled_csv(incidents, out) == len(incidents)
    out.seek(0)
    reader = csv.DictReader(out)
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _two_outlet_incident() -> Incident:
    return incident(
        "inc-1",
        members=(
            member("a:0", report(), outlet="Sahara Media"),
            member("b:0", report(), outlet="Alakhbar"),
            member("c:0", report(), outlet="Sahara Media"),
        ),
    )


def test_csv_header_is_acled_column_set() -> None:
    header, rows = _csv_rows([])
    assert header == EXPECTED_COLUMNS
    assert list(ACLED_COLUMNS) == EXPECTED_COLUMNS
    assert rows == []


def test_csv_row_follows_acled_conventions() -> None:
    header, rows = _csv_rows([_two_outlet_incident()])
    assert header == EXPECTED_COLUMNS
    (row,) = rows
    assert row["event_id_cnty"].startswith("MRT") and row["event_id_cnty"][3:].isdigit()
    assert row["event_date"] == "16 January 2022"
    assert row["year"] == "2022"
    assert row["time_precision"] == "1"
    assert row["disorder_type"] == "Political violence"
    assert row["event_type"] == "Explosions/Remote violence"
    assert row["sub_event_type"] == "Air/drone strike"
    assert row["actor1"] == "Military Forces of Morocco"
    assert row["inter1"] == "1" and row["inter2"] == "7"
    assert row["interaction"] == "17"
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["iso"] == "478"
    assert row["region"] == "Western Africa"
    assert row["country"] == "Mauritania"
    assert row["admin1"] == "Tiris Zemmour"
    assert row["location"] == "Bir Moghrein"
    assert row["latitude"] == "25.2333" and row["longitude"] == "-11.5833"
    assert row["geo_precision"] == "2"
    assert row["source"] == "Sahara Media; Alakhbar"
    assert row["notes"].startswith("On 16 January 2022")
    assert row["fatalities"] == "2"
    assert row["timestamp"] == "1642500000"  # 2022-01-18T10:00:00Z
    for empty in ("assoc_actor_1", "assoc_actor_2", "admin2", "admin3", "source_scale", "tags"):
        assert row[empty] == ""


def test_event_id_is_stable() -> None:
    a = acled_row(incident("inc-1"))["event_id_cnty"]
    assert a == acled_row(incident("inc-1", fatalities=Figures(best=9)))["event_id_cnty"]
    assert a != acled_row(incident("inc-2"))["event_id_cnty"]


def test_western_sahara_is_filed_under_morocco() -> None:
    inc = incident("inc-ws", country="Western Sahara", admin1="Oued Ed-Dahab")
    (row,) = _csv_rows([inc])[1]
    assert row["country"] == "Morocco"
    assert row["iso"] == "504"
    assert row["region"] == "Northern Africa"
    assert row["event_id_cnty"].startswith("MAR")
    assert row["admin1"] == "Oued Ed-Dahab"
    assert inc.record.country == "Western Sahara"  # the record itself is unchanged


def test_unknown_values_are_empty() -> None:
    inc = incident(
        "inc-u",
        event_date=None,
        time_precision=None,
        actor1=None,
        inter1=None,
        actor2=None,
        inter2=None,
        civilian_targeting=False,
        country=None,
        admin1=None,
        location=None,
        latitude=None,
        longitude=None,
        geo_precision=None,
        fatalities=Figures(),
        updated=None,
    )
    inc = Incident(incident_id=inc.incident_id, record=inc.record)
    row = acled_row(inc)
    assert row["fatalities"] == "0"  # as ACLED does
    assert row["event_id_cnty"].startswith("XXX")
    for column in (
        "event_date",
        "year",
        "time_precision",
        "inter1",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "country",
        "latitude",
        "source",
        "timestamp",
    ):
        assert row[column] == "", column


def test_unknown_country_is_kept_as_written() -> None:
    row = acled_row(incident("inc-n", country="Atlantis"))
    assert row["country"] == "Atlantis"
    assert row["iso"] == "" and row["region"] == ""


@pytest.mark.parametrize(
    ("inter1", "inter2", "expected"),
    [(7, 1, "17"), (1, 7, "17"), (6, None, "60"), (None, 3, "30"), (2, 2, "22")],
)
def test_interaction(inter1: int | None, inter2: int | None, expected: str) -> None:
    assert acled_row(incident("i", inter1=inter1, inter2=inter2))["interaction"] == expected


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "expected"),
    [
        ("Battles", "Armed clash", "Political violence"),
        ("Explosions/Remote violence", "Grenade", "Political violence"),
        ("Violence against civilians", "Attack", "Political violence"),
        ("Protests", "Peaceful protest", "Demonstrations"),
        ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
        ("Riots", "Violent demonstration", "Demonstrations"),
        ("Riots", "Mob violence", "Political violence"),
        ("Strategic developments", "Arrests", "Strategic developments"),
    ],
)
def test_disorder_type(event_type: str, sub_event_type: str, expected: str) -> None:
    assert disorder_type(event_type, sub_event_type) == expected


def test_acled_date() -> None:
    assert acled_date("2022-01-16") == "16 January 2022"
    assert acled_date("2021-12-05") == "05 December 2021"
    assert acled_date(None) == ""


@pytest.mark.parametrize(
    ("name", "acled_name", "iso", "region"),
    [
        ("Iran, Islamic Republic of", "Iran", 364, "Middle East"),
        (
            "Congo, The Democratic Republic of the",
            "Democratic Republic of Congo",
            180,
            "Middle Africa",
        ),
        ("Armenia", "Armenia", 51, "Caucasus and Central Asia"),
        ("Afghanistan", "Afghanistan", 4, "South Asia"),
        ("Mexico", "Mexico", 484, "Central America"),
        ("Sudan", "Sudan", 729, "Northern Africa"),
        ("Ukraine", "Ukraine", 804, "Europe"),
        ("Myanmar", "Myanmar", 104, "Southeast Asia"),
        ("Kosovo", "Kosovo", None, "Europe"),
    ],
)
def test_acled_country(name: str, acled_name: str, iso: int | None, region: str) -> None:
    country = acled_country(name)
    assert country is not None
    assert (country.name, country.numeric, country.region) == (acled_name, iso, region)


def test_every_iso_country_has_a_region() -> None:
    for entry in pycountry.countries:
        country = acled_country(entry.alpha_2)
        assert country is not None and country.region, entry.name


def test_geojson_is_a_valid_feature_collection() -> None:
    located = _two_outlet_incident()
    unlocated = incident("inc-2", latitude=None, longitude=None)
    out = io.StringIO()
    assert write_geojson([located, unlocated, incident("inc-3")], out) == 2
    doc = json.loads(out.getvalue())
    assert doc["type"] == "FeatureCollection"
    assert doc["skipped"] == 1
    assert len(doc["features"]) == 2
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for value in feature["properties"].values():
            assert value is None or isinstance(value, str | int | float | bool)
    first = doc["features"][0]
    assert first["id"] == "inc-1"
    assert first["geometry"]["coordinates"] == [-11.5833, 25.2333]
    props = first["properties"]
    assert props["fatalities_best"] == 2 and props["fatalities_high"] == 5
    assert props["outlets"] == "Sahara Media; Alakhbar"
    assert props["n_reports"] == 3
    assert props == json.loads(json.dumps(incident_properties(located)))


def test_geojson_empty_and_bad_coordinates() -> None:
    out = io.StringIO()
    bad = [incident("x", latitude=float("nan")), incident("y", latitude=95.0)]
    assert write_geojson(bad, out) == 0
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": [], "skipped": 2}


def test_jsonl_round_trips() -> None:
    incidents = [_two_outlet_incident(), incident("inc-2", country="Western Sahara")]
    out = io.StringIO()
    assert write_jsonl(incidents, out) == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    back = [Incident.from_dict(json.loads(line)) for line in lines]
    assert [i.to_dict() for i in back] == [i.to_dict() for i in incidents]
    assert json.loads(lines[1])["country"] == "Western Sahara"


def test_export_from_store(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "x.db") as store:
        store.save_incident(_two_outlet_incident())
        store.save_incident(incident("inc-ws", country="Western Sahara"))
        path = tmp_path / "out.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            assert write_acled_csv(store.iter_incidents(), fh) == 2
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["country"] for r in rows) == ["Mauritania", "Morocco"]
