"""Golden extraction cases: tests/data/golden/NAME.txt (or .json input) and NAME.expected.json.

An expected file lists, for the document's events in order, the fields that
must hold: exact values, or for a few keys a constraint:
- ``"latitude_min"`` / ``"latitude_max"`` / ``"longitude_min"`` / ``"longitude_max"``;
- ``"geo_precision_in"``: allowed values;
- ``"sources_include"``: source names that must be among the event's sources;
- ``"evidence_fields"``: fields that must carry evidence;
plus, at document level, ``"events_count"``, ``"violent_events"`` and ``"loaded_terms_min"`` with
``"loaded_terms_among"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corroborate.extract.pipeline import Pipeline
from corroborate.model import Article

GOLDEN = Path(__file__).parent.parent / "data" / "golden"
CASES = sorted(p.name.removesuffix(".expected.json") for p in GOLDEN.glob("*.expected.json"))


def _article(name: str) -> Article:
    txt = GOLDEN / f"{name}.txt"
    if txt.exists():
        return Article.create(txt.read_text("utf-8"), external_id=name)
    meta = json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))
    return Article.create(
        meta["text"],
        external_id=name,
        published=meta.get("published"),
        outlet=meta.get("outlet"),
        title=meta.get("title"),
    )


def _check_event(event: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for key, want in expected.items():
        if key.endswith("_min"):
            assert event[key[:-4]] is not None and event[key[:-4]] >= want, where + key
        elif key.endswith("_max"):
            assert event[key[:-4]] is not None and event[key[:-4]] <= want, where + key
        elif key == "geo_precision_in":
            assert event["geo_precision"] in want, where + key
        elif key == "sources_include":
            names = {s["name"] for s in event["sources"]}
            assert set(want) <= names, f"{where}: sources {names}"
        elif key == "evidence_fields":
            fields = {e["field"] for e in event["evidence"]}
            assert set(want) <= fields, f"{where}: evidence for {fields}"
        else:
            assert event[key] == want, f"{where}{key}: {event[key]!r} != {want!r}"


@pytest.mark.parametrize("name", CASES)
def test_golden(pipeline: Pipeline, name: str) -> None:
    article = _article(name)
    out = pipeline.extract(article).to_dict()
    expected = json.loads((GOLDEN / f"{name}.expected.json").read_text("utf-8"))
    if "events_count" in expected:
        assert len(out["events"]) == expected["events_count"], out["events"]
    if "violent_events" in expected:
        violent = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
        n = sum(1 for e in out["events"] if e["event_type"] in violent)
        assert n == expected["violent_events"], out["events"]
    for i, want in enumerate(expected.get("events", [])):
        _check_event(out["events"][i], want, f"{name} event {i}: ")
    if "loaded_terms_min" in expected:
        found = {t["text"].lower() for t in out["framing"]["loaded_terms"]}
        among = {t.lower() for t in expected["loaded_terms_among"]}
        assert len(found & among) >= expected["loaded_terms_min"], found
    for event in out["events"]:
        for ev in event["evidence"]:
            assert article.text[ev["start"] : ev["end"]] == ev["text"]
            assert ev["extractor"] and ev["version"]
