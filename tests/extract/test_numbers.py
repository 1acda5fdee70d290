"""Counts written as digits or words (corroborate.extract.numbers)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.numbers import (
    KeywordScanner,
    NumberWords,
    WordIndex,
    find_numbers,
    parse_count,
)

EN = NumberWords.load("en")
FR = NumberWords.load("fr")
AR = NumberWords.load("ar")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("12", 12),
        ("1,200", 1200),
        ("two", 2),
        ("Twelve", 12),
        ("twenty-three", 23),
        ("twenty three", 23),
        ("a hundred", 100),
        ("two hundred and five", 205),
        ("one thousand two hundred and fifty-one", 1251),
        ("a dozen", 12),
        ("dozens", 12),
        ("dozens of", 12),
        ("tens of", 10),
        ("hundreds", 100),
        ("scores of", 20),
        ("thousands of", 1000),
        ("several", None),
        ("a few", None),
        ("some", None),
        ("a number of", None),
        ("others", None),
        ("an unknown number of", None),
        ("a", 1),
        ("an", 1),
        ("٣", 3),
        ("١٢", 12),
        ("١٬٢٠٠", 1200),
        ("", None),
        ("banana", None),
    ],
)
def test_parse_count_english(text: str, value: int | None) -> None:
    assert parse_count(text, words=EN) == value


@pytest.mark.parametrize(
    ("words", "text", "value"),
    [
        (FR, "deux", 2),
        (FR, "vingt et un", 21),
        (FR, "quatre-vingt-dix-sept", 97),
        (FR, "deux cents", 200),
        (FR, "des dizaines de", 10),
        (FR, "plusieurs", None),
        (AR, "ثلاثة", 3),
        (AR, "ثلاثة وعشرون", 23),
        (AR, "عشرات", 10),
        (AR, "مئات", 100),
        (AR, "عدة", None),
    ],
)
def test_parse_count_other_languages(words: NumberWords, text: str, value: int | None) -> None:
    assert parse_count(text, words=words) == value


def test_vague_is_flagged() -> None:
    found = find_numbers("dozens of people and several others, 3 more", words=EN)
    assert [(m.text, m.value, m.vague) for m in found] == [
        ("dozens of", 12, True),
        ("several", None, True),
        ("others", None, True),
        ("3", 3, False),
    ]


@pytest.mark.parametrize(
    "text", ["COVID-19", "AK-47", "2nd", "10:30", "1.5", "16/01", "the 3rd brigade"]
)
def test_numbers_inside_other_tokens_are_not_counts(text: str) -> None:
    assert find_numbers(text, words=EN) == []


def test_find_numbers_offsets() -> None:
    text = "killed three soldiers and two militants on 16 June, a 25-year-old man"
    found = find_numbers(text, words=EN)
    assert [m.text for m in found] == ["three", "two", "16", "25"]
    for m in found:
        assert text[m.start : m.end] == m.text


# ---------------------------------------------------------------------------- properties

_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_UNITS[hundreds]} hundred")
    if rest or not hundreds:
        if rest < 20:
            word = _UNITS[rest]
        else:
            tens, unit = divmod(rest, 10)
            word = _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")
        parts.append(("and " if hundreds else "") + word)
    return " ".join(parts)


def _in_words(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    if not thousands:
        return _below_thousand(rest)
    head = f"{_below_thousand(thousands)} thousand"
    return head if not rest else f"{head} {_below_thousand(rest)}"


@given(st.integers(min_value=0, max_value=999_999))
def test_words_round_trip(n: int) -> None:
    assert parse_count(_in_words(n), words=EN) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_round_trip(n: int) -> None:
    assert parse_count(str(n), words=EN) == n
    assert parse_count(f"{n:,}", words=EN) == n
    arabic = str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert parse_count(arabic, words=EN) == n


@settings(max_examples=200)
@given(st.text())
def test_random_text_offsets(text: str) -> None:
    for m in find_numbers(text, words=EN):
        assert text[m.start : m.end] == m.text
        assert m.value is None or m.value >= 0


def test_keyword_scanner_matches_plain_finditer() -> None:
    pattern = re.compile(r"(?<!\w)(?:killed|shot dead|mid-?january)(?!\w)", re.IGNORECASE)
    scanner = KeywordScanner.build(pattern, ["killed", "shot dead", "mid-january"])
    text = "He was shot dead; two were killed (Killed!) in mid-January, unkilled."
    assert [m.span() for m in scanner.finditer(text)] == [m.span() for m in pattern.finditer(text)]
    assert [m.span() for m in scanner.finditer(text, index=WordIndex.of(text))] == [
        m.span() for m in pattern.finditer(text)
    ]


@pytest.mark.parametrize(
    ("language", "text", "value"),
    [
        ("ar", "ثلاثة وعشرين", 23),
        ("ar", "ثلاثة وعشرون", 23),
        ("ar", "ثلاثه", 3),  # taa marbuta written as haa
        ("ar", "أربعة", 4),
        ("ar", "اربعة", 4),  # alef without hamza
        ("ar", "ثلاثة عشر", 13),
        ("ar", "مئة وخمسون", 150),
        ("ar", "١٢", 12),
        ("ar", "١٬٢٠٠", 1200),
        ("ar", "وسبعة", 7),
        ("ar", "عشرات", 10),
        ("fr", "vingt-trois", 23),
        ("fr", "une dizaine de", 10),
        ("es", "veintitrés", 23),
        ("es", "treinta y dos", 32),
        ("es", "decenas de", 10),
        ("pt", "vinte e três", 23),
        ("pt", "dezenas de", 10),
        ("it", "ventitré", 23),
        ("it", "decine di", 10),
    ],
)
def test_number_words_by_language(language: str, text: str, value: int) -> None:
    assert NumberWords.load(language).parse(text) == value


def test_arabic_find_numbers_keeps_original_offsets() -> None:
    words = NumberWords.load("ar")
    text = "قُتِلَ ثَلاثَةٌ وَعِشْرُونَ و ١٢"
    found = find_numbers(text, words=words)
    assert [m.value for m in found] == [23, 12]
    for m in found:
        assert text[m.start : m.end] == m.text
