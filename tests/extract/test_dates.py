"""Event dates (corroborate.extract.dates)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.dates import (
    DateMention,
    DateRules,
    find_dates,
    lead_event_date,
    pick_event_date,
    undated_event_date,
)

DATA = Path(__file__).parent.parent / "data"
RULES = DateRules.load("en", "fr", "ar", "es", "pt", "it")
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


# ------------------------------------------------------------------ other languages
# WED (2022-01-19) is a Wednesday: Sunday 16, Saturday 15, Tuesday 18 January.


@pytest.mark.parametrize(
    ("language", "text", "phrase", "date", "precision"),
    [
        ("fr", "Ils ont attaqué le village mardi dernier.", "mardi dernier", "2022-01-18", 1),
        ("fr", "L'attaque a eu lieu mardi.", "mardi", "2022-01-18", 1),
        ("fr", "Il est rentré en novembre dernier.", "en novembre dernier", "2021-11-01", 3),
        ("fr", "depuis novembre dernier", None, None, None),
        ("fr", "Dimanche 10 avril, trois soldats tués.", "Dimanche 10 avril", "2021-04-10", 1),
        ("fr", "la nuit de samedi à dimanche", "la nuit de samedi à dimanche", "2022-01-15", 1),
        ("fr", "il y a trois jours", "il y a trois jours", "2022-01-16", 1),
        ("fr", "le 1er janvier 2022", "1er janvier 2022", "2022-01-01", 1),
        ("fr", "hier soir", "hier soir", "2022-01-18", 1),
        ("fr", "à la mi-décembre", "à la mi-décembre", "2021-12-15", 3),
        ("ar", "هاجم مسلحون القرية يوم الأحد الماضي", "يوم الأحد الماضي", "2022-01-16", 1),
        ("ar", "قتل ثلاثة جنود منذ ثلاثة أيام", "منذ ثلاثة أيام", "2022-01-16", 1),
        ("ar", "وقع الهجوم في ١٢ يناير ٢٠٢٢", "١٢ يناير ٢٠٢٢", "2022-01-12", 1),
        ("ar", "وقع الهجوم في 3 جانفي", "3 جانفي", "2022-01-03", 1),
        ("ar", "وقع الهجوم في 3 كانون الثاني", "3 كانون الثاني", "2022-01-03", 1),
        ("ar", "في 7 غشت 2021", "7 غشت 2021", "2021-08-07", 1),
        ("ar", "في كانون الثاني الماضي", "في كانون الثاني الماضي", "2021-01-01", 3),
        ("ar", "أمس", "أمس", "2022-01-18", 1),
        ("ar", "منذ يومين", "منذ يومين", "2022-01-17", 1),
        ("es", "el pasado martes, hombres armados", "el pasado martes", "2022-01-18", 1),
        ("es", "el 10 de abril de 2021", "10 de abril de 2021", "2021-04-10", 1),
        ("es", "hace tres días", "hace tres días", "2022-01-16", 1),
        ("es", "ayer", "ayer", "2022-01-18", 1),
        ("pt", "na última terça-feira", "na última terça-feira", "2022-01-18", 1),
        ("pt", "em 10 de abril de 2021", "10 de abril de 2021", "2021-04-10", 1),
        ("pt", "há três dias", "há três dias", "2022-01-16", 1),
        ("it", "martedì scorso", "martedì scorso", "2022-01-18", 1),
        ("it", "il 10 aprile 2021", "10 aprile 2021", "2021-04-10", 1),
        ("it", "tre giorni fa", "tre giorni fa", "2022-01-16", 1),
    ],
)  # fmt: skip
def test_other_languages(
    language: str, text: str, phrase: str | None, date: str | None, precision: int | None
) -> None:
    found = find_dates(text, published=WED, rules=RULES, language=language)
    if phrase is None:
        assert found == []
        return
    assert [(m.text, m.date, m.precision) for m in found] == [
        (phrase, dt.date.fromisoformat(date or ""), precision)
    ]
    m = found[0]
    assert text[m.start : m.end] == m.text  # offsets in the original text


def test_arabic_offsets_point_at_the_original_spelling() -> None:
    text = "قُتِلَ جنديان يَوْمَ الأَحَدِ الماضي"  # with diacritics
    (m,) = find_dates(text, published=WED, rules=RULES, language="ar")
    assert text[m.start : m.end] == m.text
    assert m.text.startswith("يَوْمَ") and m.date == dt.date(2022, 1, 16)


def test_lead_date_wins_for_the_primary_event() -> None:
    text = "On 13 July 2020, demonstrations continued. The Movement of June 5 called for more."
    mentions = find_dates(text, published=dt.date(2020, 7, 15), rules=RULES)
    later = next(m for m in mentions if m.text == "June 5")
    picked = lead_event_date(mentions, text=text, chosen=later)
    assert picked is not None and picked.date == dt.date(2020, 7, 13)
    # a dateline is never the lead
    assert lead_event_date(mentions, text=text, chosen=None, exclude=[(0, 20)]) == later


def test_lead_date_falls_back_to_the_first_date() -> None:
    text = "Clashes were reported. Officials said on 3 May 2021 that two died."
    mentions = find_dates(text, published=None, rules=RULES)
    picked = lead_event_date(mentions, text=text, chosen=None)
    assert picked is not None and picked.date == dt.date(2021, 5, 3)
    assert lead_event_date([], text=text, chosen=None) is None


def test_an_undated_report_stays_undated() -> None:
    # Unknown stays unknown: the shipped data make no estimate from publication.
    for language in ("en", "fr", "ar", "es", "pt", "it"):
        assert undated_event_date(WED, rules=RULES, language=language) is None
    assert undated_event_date(None, rules=RULES) is None


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (dt.date(2016, 3, 6), dt.date(2016, 3, 4)),  # US order, month first
        (dt.date(2016, 4, 5), dt.date(2016, 4, 3)),  # day first
        (None, dt.date(2016, 4, 3)),  # the language's order without a publication date
    ],
)
def test_ambiguous_numeric_date_reads_nearest_before_publication(
    published: dt.date | None, expected: dt.date
) -> None:
    (m,) = find_dates("03/04/2016: Assailants attacked", published=published, rules=RULES)
    assert m.date == expected
