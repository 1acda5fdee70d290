"""Casualty figures (corroborate.extract.casualties)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.casualties import (
    EXTRACTOR,
    CasualtyLexicon,
    CasualtyMention,
    Kind,
    combine,
    find_casualties,
)
from corroborate.model import Figures

DATA = Path(__file__).parent.parent / "data"
LEX = CasualtyLexicon.load("en")
CASES: list[dict[str, Any]] = json.loads(
    (DATA / "golden" / "casualties_cases.json").read_text("utf-8")
)["cases"]


def _figures(text: str, **kw: Any) -> list[int | None]:
    f, _ = combine(find_casualties(text, lexicon=LEX), **kw)
    return [f.low, f.best, f.high]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_golden_pairs(case: dict[str, Any]) -> None:
    mentions = find_casualties(case["text"], lexicon=LEX)
    for key, kw in (
        ("killed", {"kind": "killed"}),
        ("injured", {"kind": "injured"}),
        ("civilian", {"kind": "killed", "civilian_only": True}),
    ):
        if key in case:
            f, _ = combine(mentions, **kw)
            assert [f.low, f.best, f.high] == case[key], (key, [m.to_dict() for m in mentions])


# ---------------------------------------------------------------------------- seed article


@pytest.fixture(scope="module")
def seed() -> str:
    return (DATA / "seed-article.txt").read_text("utf-8")


def test_seed_fatalities_keep_the_range(seed: str) -> None:
    mentions = find_casualties(seed, lexicon=LEX)
    fat, evidence = combine(mentions, kind="killed")
    assert fat == Figures(low=2, best=2, high=5)
    assert [e.text for e in evidence] == [
        "at least two Mauritanian nationals digging for gold were liquidated",
        "another three victims",
    ]
    for e in evidence:
        assert seed[e.start : e.end] == e.text
        assert (e.field, e.extractor, e.version) == ("fatalities", EXTRACTOR, "1")


def test_seed_injuries_are_unknown(seed: str) -> None:
    mentions = find_casualties(seed, lexicon=LEX)
    injured = [m for m in mentions if m.kind == "injured"]
    assert [m.text for m in injured] == ["others were injured"]
    assert injured[0].low is None and injured[0].high is None
    assert combine(mentions, kind="injured") == (Figures(), [])


def test_seed_civilian_fatalities(seed: str) -> None:
    mentions = find_casualties(seed, lexicon=LEX)
    first = mentions[0]
    assert first.civilian is True and first.side == "civilians"
    assert first.qualifier == "at_least" and (first.low, first.high) == (2, None)
    civ, evidence = combine(mentions, kind="killed", civilian_only=True)
    assert civ == Figures(low=2, best=2, high=5)
    assert {e.field for e in evidence} == {"civilian_fatalities"}


def test_seed_pattern_of_past_strikes_is_not_the_event(seed: str) -> None:
    mentions = find_casualties(seed, lexicon=LEX)
    dozens = [m for m in mentions if "dozens" in m.text]
    assert len(dozens) == 1 and dozens[0].aggregate and dozens[0].low == 12
    with_pattern, _ = combine(mentions, kind="killed", include_aggregate=True)
    assert with_pattern.high == 12 + 3


def test_seed_competing_report_is_attributed(seed: str) -> None:
    another = next(m for m in find_casualties(seed, lexicon=LEX) if m.text.startswith("another"))
    assert another.qualifier == "additional" and another.attributed


# ---------------------------------------------------------------------------- behaviour


def test_mention_fields() -> None:
    (m,) = find_casualties("Gunmen killed at least 5 civilians.", lexicon=LEX)
    assert m == CasualtyMention(
        start=7,
        end=34,
        text="killed at least 5 civilians",
        kind="killed",
        low=5,
        high=None,
        qualifier="at_least",
        civilian=True,
        side="civilians",
    )
    assert m.to_dict()["qualifier"] == "at_least"


@pytest.mark.parametrize(
    ("text", "qualifier", "low", "high"),
    [
        ("up to 30 people were killed", "up_to", None, 30),
        ("about 40 people were killed", "about", 40, 40),
        ("nearly 40 people were killed", "about", 40, 40),
        ("more than 20 people were killed", "at_least", 20, None),
        ("another 4 people were killed", "additional", 4, 4),
        ("two more soldiers were killed", "additional", 2, 2),
        ("between 3 and 5 people were killed", "exact", 3, 5),
        ("3-5 people were killed", "exact", 3, 5),
        ("three or four people were killed", "exact", 3, 4),
    ],
)
def test_qualifiers(text: str, qualifier: str, low: int | None, high: int | None) -> None:
    (m,) = find_casualties(text, lexicon=LEX)
    assert (m.qualifier, m.low, m.high) == (qualifier, low, high)


@pytest.mark.parametrize(
    "text",
    [
        "Two gunmen on motorbikes attacked the village.",
        "A 25-year-old man was arrested on 12 May.",
        "The militants seized 4 vehicles and 200 cattle.",
        "Gunmen tried to kill the mayor.",
        "The army did not kill anyone.",
        "Several thousand people marched 5 km to the palace.",
    ],
)
def test_not_victims(text: str) -> None:
    figures, _ = combine(find_casualties(text, lexicon=LEX), kind="killed")
    assert figures == Figures()


def test_explicit_zero_yields_to_a_reported_death() -> None:
    text = "No civilians were killed, but 3 soldiers died."
    assert _figures(text, kind="killed") == [3, 3, 3]


def test_revised_toll_is_best_but_range_is_kept() -> None:
    text = "Four people were killed on Monday. The death toll later rose to 9."
    assert _figures(text, kind="killed") == [4, 9, 9]


def test_subset_is_not_a_competing_figure() -> None:
    text = "Twelve villagers were killed, including three children."
    assert _figures(text, kind="killed") == [12, 12, 12]


def test_coordinated_victims_are_added() -> None:
    (m,) = find_casualties("The raid killed 8 civilians and 2 policemen.", lexicon=LEX)
    assert (m.low, m.high, m.civilian, m.side) == (10, 10, None, None)


def test_unknown_vs_zero() -> None:
    unknown = find_casualties("Casualties unknown.", lexicon=LEX)
    assert {(m.kind, m.low, m.high) for m in unknown} == {
        ("killed", None, None),
        ("injured", None, None),
    }
    zero = find_casualties("The blast caused no casualties.", lexicon=LEX)
    assert {(m.kind, m.low, m.high) for m in zero} == {("killed", 0, 0), ("injured", 0, 0)}


def test_reference_to_an_earlier_killing() -> None:
    (m,) = find_casualties("Students protested against the killing of two classmates.", lexicon=LEX)
    assert m.reference and m.low == 2
    assert combine([m], kind="killed") == (Figures(), [])


def test_french_lexicon() -> None:
    fr = CasualtyLexicon.load("fr")
    mentions = find_casualties("L'attaque a fait trois morts et cinq blessés.", lexicon=fr)
    assert combine(mentions, kind="killed")[0].best == 3
    assert combine(mentions, kind="injured")[0].best == 5


def test_arabic_lexicon() -> None:
    ar = CasualtyLexicon.load("ar")
    mentions = find_casualties("أسفر الهجوم عن مقتل ثلاثة مدنيين وإصابة خمسة آخرين", lexicon=ar)
    assert combine(mentions, kind="killed")[0].best == 3
    assert combine(mentions, kind="injured")[0].best == 5


@pytest.mark.parametrize(
    ("language", "text", "killed", "injured"),
    [
        ("fr", "Trois soldats ont été tués et cinq autres blessés lors d'une attaque.", 3, 5),
        ("fr", "L'armée a neutralisé une dizaine de terroristes.", 10, None),
        ("fr", "Quinze terroristes ont été neutralisés par les FAMa.", 15, None),
        ("fr", "Au moins 12 civils ont perdu la vie dans l'attaque.", 12, None),
        ("fr", "Deux orpailleurs mauritaniens ont été tués par balles.", 2, None),
        ("fr", "Le bilan s'élève à 23 morts.", 23, None),
        ("fr", "tuant vingt-trois personnes", 23, None),
        ("fr", "L'attaque a fait trois blessés.", None, 3),
        ("fr", "L'attaque n'a fait aucune victime.", 0, 0),
        ("ar", "قُتل ١٢ مدنيا في هجوم مسلح", 12, None),
        ("ar", "استشهد ثلاثة وعشرون شخصا", 23, None),
        ("ar", "ارتفعت حصيلة القتلى إلى 17 قتيلا", 17, None),
        ("ar", "سقط أربعة قتلى وسبعة جرحى", 4, 7),
        ("ar", "مقتل جندي في انفجار لغم", 1, None),
        ("ar", "لقي خمسة أشخاص حتفهم", 5, None),
        ("ar", "أصيب عشرات المتظاهرين", None, 10),
        ("ar", "لم يسفر الهجوم عن خسائر بشرية", 0, 0),
        ("es", "Tres soldados murieron y cinco resultaron heridos en el ataque.", 3, 5),
        ("es", "Hombres armados mataron a cuatro campesinos.", 4, None),
        ("es", "El ataque dejó 12 muertos y 20 heridos.", 12, 20),
        ("pt", "Dois civis foram mortos e três ficaram feridos.", 2, 3),
        ("pt", "O ataque deixou sete mortos.", 7, None),
        ("it", "Tre soldati sono stati uccisi e quattro feriti.", 3, 4),
        ("it", "Almeno 12 civili hanno perso la vita.", 12, None),
    ],
)
def test_other_languages(language: str, text: str, killed: int | None, injured: int | None) -> None:
    lex = CasualtyLexicon.load(language)
    mentions = find_casualties(text, lexicon=lex)
    assert combine(mentions, kind="killed")[0].best == killed
    assert combine(mentions, kind="injured")[0].best == injured
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_arabic_evidence_quotes_the_original() -> None:
    ar = CasualtyLexicon.load("ar")
    text = "أَسْفَرَ الهُجُومُ عَنْ مَقْتَلِ ثَلاثَةِ جُنُودٍ"
    (m,) = find_casualties(text, lexicon=ar)
    assert m.low == 3 and text[m.start : m.end] == m.text and "مَقْتَلِ" in m.text


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("Militiamen killed twelve civilians. Fatalities split between three events.", 4),
        ("Unknown fatalities coded as 10 and spread across 4 locations.", 3),
        ("100 fatalities split across 6 events and coded as 17 for this event.", 17),
        (
            "Gunmen attacked a post. This was one of three related attacks. "
            "Six assailants were killed across the three raids.",
            2,
        ),
        (
            "Hakim and two guards were killed in the blast. This was one of three "
            "coordinated attacks in the city.",
            2,
        ),
    ],
)
def test_fatalities_split_across_events(text: str, best: int) -> None:
    assert _figures(text, kind="killed")[1] == best


def test_different_victim_groups_are_added() -> None:
    text = (
        "Four soldiers and three gendarmes were killed in the attack. "
        "Eighty militants were killed by the army."
    )
    assert _figures(text, kind="killed")[1] == 87
    other = "Two soldiers were killed. Other sources said 3 soldiers were killed."
    assert _figures(other, kind="killed")[1] == 2


def test_also_adds_to_the_figure() -> None:
    text = "Two militants were killed; two civilians were also killed."
    assert _figures(text, kind="killed")[1] == 4


def test_empty_text() -> None:
    assert find_casualties("", lexicon=LEX) == []
    assert combine([], kind="killed") == (Figures(), [])


# ---------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_random_unicode_never_crashes(text: str) -> None:
    for m in find_casualties(text, lexicon=LEX):
        assert text[m.start : m.end] == m.text


_WORDS = st.sampled_from(
    [
        "killed", "were", "at least", "two", "3", "soldiers", "and", "wounded", "dead",
        "no", "casualties", "another", "civilians", "the", "death toll", "rose to", "12",
        "including", "others", "injured", ",", ".", "between", "dozens", "a", "man", "was",
        "shot dead", "killing", "unknown", "fatalities", "coded as", "(", ")", "in total",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=25).map(" ".join))
def test_casualty_word_salad_offsets_and_ranges(text: str) -> None:
    mentions = find_casualties(text, lexicon=LEX)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    kinds: tuple[Kind, ...] = ("killed", "injured")
    for kind in kinds:
        f, evidence = combine(mentions, kind=kind)
        if f.best is not None:
            assert f.high is not None and f.best <= f.high
            assert f.low is None or f.low <= f.best
        for e in evidence:
            assert text[e.start : e.end] == e.text


@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["civilians", "soldiers"]))
def test_counted_victims_round_trip(n: int, noun: str) -> None:
    text = f"On 3 May, gunmen killed {n:,} {noun} in the village."
    f, _ = combine(find_casualties(text, lexicon=LEX), kind="killed")
    assert (f.low, f.best, f.high) == (n, n, n)


def test_them_refers_to_the_victims_counted_before() -> None:
    text = "Soldiers arrested fifteen Fulani villagers in Petenangue and executed them nearby."
    assert _figures(text, kind="killed")[1] == 15
    assert _figures("They arrested two men on 3 May and executed them.", kind="killed")[1] == 2


def test_names_share_the_victim_noun_that_follows() -> None:
    text = "Nine ISGS and six JNIM militants were reportedly killed."
    assert _figures(text, kind="killed")[1] == 15


@pytest.mark.parametrize(
    "text",
    [
        "Thousands demonstrated in remembrance of a journalist who was assassinated in 1998.",
        "They protested near the house of the mayor assassinated in April 2018.",
        "Students marched over the killing of two classmates last month.",
    ],
)
def test_a_death_dated_in_the_past_is_a_reference(text: str) -> None:
    assert _figures(text, kind="killed")[1] is None


def test_a_death_dated_by_day_is_not_a_reference() -> None:
    assert _figures("Two soldiers were killed on 5 June 2020.", kind="killed")[1] == 2
