"""Loaded-language flagging: the seed article, neutral copy, decisions, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.framing import (
    FramingLexicon,
    find_loaded_terms,
    framing_score,
    match_loaded_terms,
)
from corroborate.model import Framing

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_TERMS = {
    "cowardly",
    "heinous",
    "wanton",
    "liquidated",
    "zionist entity",
    "mercilessly",
    "arrogant",
    "desperate",
}

NEUTRAL_WIRE = (
    "BAMAKO, Mali (AP) — Gunmen on motorcycles attacked a village in central Mali on "
    "Sunday, killing at least 20 people and wounding several others, local officials said. "
    "The attackers also burned houses and took cattle, said the mayor of the nearby "
    "commune, who asked not to be named for security reasons. The army said it had sent "
    "reinforcements to the area. No group has claimed responsibility for the attack, but "
    "groups linked to al-Qaida and the Islamic State group are active in the region. Mali "
    "has been fighting an insurgency since 2012, and thousands of people have been killed."
)
FRAMING_WORDS = (
    "cowardly the Zionist entity so-called army liquidated terrorist attack Makhzen regime "
    "innocent found"
)


@pytest.fixture(scope="module")
def lexicon() -> FramingLexicon:
    return FramingLexicon.load()


@pytest.fixture(scope="module")
def seed() -> str:
    return (DATA / "seed-article.txt").read_text("utf-8")


def texts(framing: Framing) -> set[str]:
    return {t.text.casefold() for t in framing.loaded_terms}


def test_seed_article_flags_the_loaded_words(lexicon: FramingLexicon, seed: str) -> None:
    framing = find_loaded_terms(seed, lexicon=lexicon)
    found = SEED_TERMS & texts(framing)
    assert len(found) >= 5, found
    assert found == SEED_TERMS  # all eight today
    assert "makhzen regime" in texts(framing)
    assert framing.score > 0.6
    for term in framing.loaded_terms:
        assert seed[term.start : term.end] == term.text


def test_neutral_wire_report_is_not_loaded(lexicon: FramingLexicon) -> None:
    framing = find_loaded_terms(NEUTRAL_WIRE, lexicon=lexicon)
    assert len(framing.loaded_terms) <= 1
    assert framing.score < 0.3


def test_empty_text(lexicon: FramingLexicon) -> None:
    assert find_loaded_terms("", lexicon=lexicon) == Framing()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They liquidate opponents.", ["liquidate"]),
        ("Opponents were liquidated.", ["liquidated"]),
        ("He is liquidating them.", ["liquidating"]),
        ("The militia butchered villagers.", ["butchered"]),
        ("They slammed the decision.", ["slammed"]),
        ("Fighters mowed down the crowd.", ["mowed down"]),
        ("The so-called government fled.", ["so-called"]),
        ("The occupation forces withdrew.", ["occupation forces"]),
        ("The Makhzen regime's drones struck.", ["Makhzen regime"]),
        ("A puppet regime and its thugs.", ["puppet regime", "thugs"]),
        ("Crusaders and apostates.", ["Crusaders", "apostates"]),
        ("Three martyrs were buried.", ["martyrs"]),
        ("The terrorists fled.", ["terrorists"]),
        ("A terrorist group claimed it.", ["terrorist"]),
    ],
)
def test_terms_and_inflections(lexicon: FramingLexicon, text: str, expected: list[str]) -> None:
    assert [t.text for t in find_loaded_terms(text, lexicon=lexicon).loaded_terms] == expected


@pytest.mark.parametrize(
    "text",
    [
        "A terrorist attack killed five.",  # an act, not a label of a side
        "He faces terrorism charges.",
        "Anti-terrorist police arrived.",  # a hyphenated word is another word
        "The counter-terrorism unit responded.",
        "The Srebrenica massacre was remembered.",  # the noun is left alone
        "He was found innocent by the court.",
        "The group designated as a terrorist organisation.",
    ],
)
def test_documented_exceptions(lexicon: FramingLexicon, text: str) -> None:
    assert find_loaded_terms(text, lexicon=lexicon).loaded_terms == ()


def test_categories_are_reported(lexicon: FramingLexicon) -> None:
    matches, words = match_loaded_terms("The cowardly vermin.", lexicon=lexicon)
    assert [(m.lemma, m.category) for m in matches] == [
        ("cowardly", "pejorative"),
        ("vermin", "dehumanising"),
    ]
    assert words == 3


def test_french_and_arabic(lexicon: FramingLexicon) -> None:
    fr = "Une attaque lâche du régime du Makhzen contre l'entité sioniste."
    assert texts(find_loaded_terms(fr, lexicon=lexicon, language="fr")) == {
        "lâche",
        "régime du makhzen",
        "entité sioniste",
    }
    ar = "عملية جبانة لنظام المخزن والكيان الصهيوني"
    found = find_loaded_terms(ar, lexicon=lexicon, language="ar")
    assert [t.text for t in found.loaded_terms] == ["جبانة", "نظام المخزن", "الكيان الصهيوني"]
    for term in found.loaded_terms:
        assert ar[term.start : term.end] == term.text


def test_unknown_language_flags_nothing(lexicon: FramingLexicon) -> None:
    assert find_loaded_terms("cowardly", lexicon=lexicon, language="xx") == Framing()
    assert find_loaded_terms("cowardly", lexicon=lexicon, language="en-GB").loaded_terms


def test_score_is_density_based() -> None:
    assert framing_score(0, 100) == 0.0
    assert framing_score(1, 100) == pytest.approx(0.393, abs=0.001)
    assert framing_score(2, 100) == pytest.approx(0.632, abs=0.001)
    # short notes count as 50 words
    assert framing_score(1, 5) == framing_score(1, 50)
    assert framing_score(1000, 1) <= 1.0


def test_lexicon_versions(lexicon: FramingLexicon) -> None:
    assert {"en", "fr", "ar"} <= set(lexicon.languages)
    assert lexicon.version("en") == "1"
    assert lexicon.size("en") > 500


def test_custom_lexicon() -> None:
    lex = FramingLexicon(
        [
            {
                "version": "7",
                "language": "en",
                "terms": {"emotive": ["gloomy", "doom/n"]},
                "weights": {"emotive": 0.5},
            }
        ]
    )
    matches, _ = match_loaded_terms("Gloomy dooms.", lexicon=lex)
    assert [(m.text, m.weight) for m in matches] == [("Gloomy", 0.5), ("dooms", 0.5)]
    assert lex.version() == "7"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_random_text_never_crashes_and_spans_slice(text: str) -> None:
    lexicon = _shared_lexicon()
    for language in ("en", "fr", "ar"):
        framing = find_loaded_terms(text, lexicon=lexicon, language=language)
        assert 0.0 <= framing.score <= 1.0
        for term in framing.loaded_terms:
            assert text[term.start : term.end] == term.text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *FRAMING_WORDS.split(),
                ",",
                "’s",
                "\n",
                "  ",
            ]
        ),
        max_size=40,
    )
)
def test_spans_slice_on_lexicon_heavy_text(words: list[str]) -> None:
    text = " ".join(words)
    framing = find_loaded_terms(text, lexicon=_shared_lexicon())
    previous_end = 0
    for term in framing.loaded_terms:
        assert text[term.start : term.end] == term.text
        assert term.start >= previous_end  # no overlaps, in order
        previous_end = term.end


_LEXICON: list[FramingLexicon] = []


def _shared_lexicon() -> FramingLexicon:
    if not _LEXICON:
        _LEXICON.append(FramingLexicon.load())
    return _LEXICON[0]
