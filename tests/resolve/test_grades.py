"""The grade gold set: 42 small multi-report incidents, hand-written, covering every
grade (after Airwars). Each incident's articles go through the real pipeline and the
resolver; they must form one incident with the expected grade.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corroborate.extract.pipeline import Pipeline
from corroborate.model import Article, Incident
from corroborate.resolve import Resolver
from corroborate.resolve.members import make_member
from corroborate.resolve.reconcile import GRADES

GOLD = Path(__file__).parent.parent / "data" / "grades" / "incidents.jsonl"
CASES: list[dict[str, Any]] = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines()]


class _Incidents:
    """An in-memory incident source for the resolver."""

    def __init__(self) -> None:
        self.by_id: dict[str, Incident] = {}

    def candidate_incidents(self, **_: Any) -> list[Incident]:
        return list(self.by_id.values())

    def incident_of_report(self, report_id: str) -> Incident | None:
        return next(
            (i for i in self.by_id.values() if any(m.report_id == report_id for m in i.members)),
            None,
        )


def resolve_case(case: dict[str, Any], pipeline: Pipeline) -> list[Incident]:
    source, resolver = _Incidents(), Resolver()
    for a in case["articles"]:
        article = Article.create(
            a["text"], external_id=a["id"], outlet=a["outlet"], published=a["published"]
        )
        extraction = pipeline.extract(article)
        for i, report in enumerate(extraction.events[:1]):
            member = make_member(f"{article.id}:{i}", article, report, language=extraction.language)
            placed = resolver.place(member, source=source)
            source.by_id[placed.incident.incident_id] = placed.incident
    return list(source.by_id.values())


def test_the_gold_set_covers_every_grade() -> None:
    assert len(CASES) >= 40
    counts = {g: sum(c["grade"] == g for c in CASES) for g in GRADES}
    assert all(n >= 5 for n in counts.values()), counts
    assert sum(len(c["articles"]) >= 2 for c in CASES) >= 36


#: What the gold set must reach (a measure of the whole path: extraction of each
#: article, merging, origins and the claim patterns).
MIN_MERGED = 0.75
MIN_GRADED = 0.70


@pytest.fixture(scope="module")
def outcomes(pipeline: Pipeline) -> dict[str, tuple[bool, str | None, str]]:
    """Per case: whether its articles formed one incident, its grade, and why."""
    out: dict[str, tuple[bool, str | None, str]] = {}
    for case in CASES:
        incidents = resolve_case(case, pipeline)
        whole = len(incidents) == 1 and len(incidents[0].members) == len(case["articles"])
        best = max(incidents, key=lambda i: len(i.members)) if incidents else None
        out[case["incident"]] = (
            whole,
            best.grade if best else None,
            best.grade_reason if best else "no event",
        )
    return out


def test_reports_of_one_incident_merge(outcomes: dict[str, tuple[bool, str | None, str]]) -> None:
    apart = sorted(k for k, (whole, _, _) in outcomes.items() if not whole)
    assert 1 - len(apart) / len(CASES) >= MIN_MERGED, f"not merged: {apart}"


def test_grades_match_the_gold(outcomes: dict[str, tuple[bool, str | None, str]]) -> None:
    wrong = {
        c["incident"]: (c["grade"], outcomes[c["incident"]][1], outcomes[c["incident"]][2])
        for c in CASES
        if outcomes[c["incident"]][1] != c["grade"]
    }
    assert 1 - len(wrong) / len(CASES) >= MIN_GRADED, f"wrong grades: {wrong}"


@pytest.mark.parametrize("grade", ["Confirmed", "Fair", "Weak", "Contested", "Discounted"])
def test_every_grade_is_reached(
    grade: str, outcomes: dict[str, tuple[bool, str | None, str]]
) -> None:
    cases = [c for c in CASES if c["grade"] == grade]
    right = [c for c in cases if outcomes[c["incident"]][1] == grade]
    # (An article whose only event is one it refutes yields no report today,
    # so Discounted is reached only through retractions and denials it can
    # attach: see the closing notes; the bar is low on purpose.)
    assert len(right) >= len(cases) // 4, f"{grade}: {len(right)} of {len(cases)}"
