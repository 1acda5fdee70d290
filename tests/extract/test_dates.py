"""Event dates (corroborate.extract.dates)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.dates import DateMention, DateRules, find_dates, pick_event_date

DATA = Path(__file__).parent.parent / "data"
RULES = DateRules.load("en", "fr", "ar")
CASES: list[dict[str, Any]] = json.loads((DATA / "golden" / "dates_cases.json").read_text("utf-8"))[
    "cases"
]
WED = dt.date(2022, 1, 19)  # a Wednesday


def _dates(text: str, published: dt.date | None = WED, language: str = "en") -> list[Any]:
    return [
        (m.text, m.date, m.precision, m.kind)
        for m in find_dates(text, published=published, rules=RULES, language=language)
    ]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_golden_pairs(case: dict[str, Any]) -> None:
    published = dt.date.fromisoformat(case["published"]) if case["published"] else None
    found = find_dates(
        case["text"], published=published, rules=RULES, language=case.get("language", "en")
    )
    got = [[m.text, m.date.isoformat() if m.date else None, m.precision, m.kind] for m in found]
    assert got == case["mentions"]


def test_seed_article_has_no_resolvable_date_without_publication_date() -> None:
    seed = (DATA / "seed-article.txt").read_text("utf-8")
    mentions = find_dates(seed, published=None, rules=RULES)
    assert [m.text for m in mentions] == ["A few days ago", "last November"]
    assert all(m.date is None and m.precision is None for m in mentions)
    anchor = seed.index("liquidated")
    assert pick_event_date(mentions, anchor=anchor, text=seed) is None


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (dt.date(2022, 1, 18), dt.date(2022, 1, 18)),  # published on the Tuesday: that day
        (dt.date(2022, 1, 19), dt.date(2022, 1, 18)),  # on Wednesday: yesterday
        (dt.date(2022, 1, 24), dt.date(2022, 1, 18)),  # on Monday: last week's Tuesday
    ],
)
def test_weekday_is_the_latest_on_or_before_publication(
    published: dt.date, expected: dt.date
) -> None:
    assert _dates("The attack took place on Tuesday.", published)[0][1] == expected


def test_last_weekday_is_strictly_before() -> None:
    assert _dates("last Wednesday", WED)[0][1] == dt.date(2022, 1, 12)


def test_week_and_month_precision_use_first_day() -> None:
    assert _dates("earlier this week")[0][1:3] == (dt.date(2022, 1, 17), 2)
    assert _dates("last month")[0][1:3] == (dt.date(2021, 12, 1), 3)
    assert _dates("over the weekend")[0][1:3] == (dt.date(2022, 1, 15), 2)


def test_day_month_without_year_takes_the_publication_year_or_the_one_before() -> None:
    assert _dates("on 30 December", dt.date(2022, 1, 2))[0][1] == dt.date(2021, 12, 30)
    assert _dates("on 2 January", dt.date(2022, 1, 2))[0][1] == dt.date(2022, 1, 2)


def test_numeric_dates() -> None:
    assert _dates("on 16/01/2022", None)[0][1] == dt.date(2022, 1, 16)
    assert _dates("on 01/16/2022", None)[0][1] == dt.date(2022, 1, 16)  # month first: 16 > 12
    assert _dates("on 16.01.2022", None)[0][1] == dt.date(2022, 1, 16)
    assert _dates("on 31/02/2022", None) == []  # no such day


def test_lower_case_may_is_not_a_month() -> None:
    assert _dates("They may 5 times have tried.") == []
    assert _dates("On May 5 they tried.")[0][1] == dt.date(2021, 5, 5)


# ---------------------------------------------------------------------------- picking


def _m(start: int, end: int, day: int | None) -> DateMention:
    date = dt.date(2022, 1, day) if day else None
    return DateMention(start, end, "x", date, 1 if day else None, "absolute")


def test_pick_prefers_same_sentence_and_before_anchor() -> None:
    text = "On 3 January talks began. On 10 January a drone struck, on 12 January it left."
    mentions = find_dates(text, published=WED, rules=RULES)
    anchor = text.index("struck")
    picked = pick_event_date(mentions, anchor=anchor, text=text)
    assert picked is not None and picked.date == dt.date(2022, 1, 10)


def test_pick_skips_unresolved_and_handles_empty() -> None:
    assert pick_event_date([], anchor=10) is None
    assert pick_event_date([_m(0, 5, None)], anchor=10) is None
    picked = pick_event_date([_m(0, 5, None), _m(40, 45, 7)], anchor=10)
    assert picked is not None and picked.date == dt.date(2022, 1, 7)


def test_pick_without_text_uses_distance() -> None:
    picked = pick_event_date([_m(0, 5, 1), _m(50, 55, 2), _m(70, 75, 3)], anchor=60)
    assert picked is not None and picked.date == dt.date(2022, 1, 2)


# ---------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), st.dates()))
def test_random_unicode_never_crashes(text: str, published: dt.date | None) -> None:
    for m in find_dates(text, published=published, rules=RULES):
        assert text[m.start : m.end] == m.text
        if m.date is None:
            assert m.precision is None
        else:
            assert m.precision in (1, 2, 3)


_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_absolute_formats_round_trip(day: dt.date) -> None:
    month = _MONTHS[day.month - 1]
    for text in (
        f"On {day.day} {month} {day.year}, troops",
        f"On {month} {day.day}, {day.year}, troops",
        f"Event of {day.isoformat()} here",
        f"Event of {day.day:02d}/{day.month:02d}/{day.year} here",
    ):
        found = find_dates(text, published=None, rules=RULES)
        assert [(m.date, m.precision) for m in found] == [(day, 1)], text


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_relative_dates_never_after_publication(published: dt.date) -> None:
    text = "Yesterday, on Tuesday, last week, a few days ago, in November and last month."
    for m in find_dates(text, published=published, rules=RULES):
        assert m.date is not None and m.date <= published
