"""Loaded-language flagging: the seed article, neutral copy, decisions, offsets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.errors import ExtractionError
from corroborate.extract.framing import (
    TAGGER_FEATURIZER,
    FramingLexicon,
    LoadedLanguageTagger,
    Sentiment,
    SentimentLexicon,
    find_loaded_terms,
    framing_score,
    match_loaded_terms,
    token_features,
    words_of,
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
    """The lexicons alone: their matches are exact and documented."""
    return FramingLexicon.load(tagger=False)


@pytest.fixture(scope="module")
def shipped() -> FramingLexicon:
    """What the pipeline uses: the lexicons and the learned English span tagger."""
    return _shared_lexicon()


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


# ---------------------------------------------------------------- the learned tagger


def _covered(term: str, framing: Framing, text: str) -> bool:
    start = text.casefold().find(term)
    return any(t.start <= start and start + len(term) <= t.end for t in framing.loaded_terms)


def test_shipped_tagger_is_loaded_for_english_only(shipped: FramingLexicon) -> None:
    tagger = shipped.tagger("en")
    assert tagger is not None
    assert tagger.meta["featurizer"] == TAGGER_FEATURIZER
    assert 0.0 < tagger.seed < 1.0
    assert shipped.tagger("en-GB") is tagger
    assert shipped.tagger("fr") is None
    assert shipped.tagger("ar") is None
    assert shipped.tagger("xx") is None


def test_shipped_tagger_on_the_seed_article(shipped: FramingLexicon, seed: str) -> None:
    framing = find_loaded_terms(seed, lexicon=shipped)
    folded = seed.casefold()
    covered = {t for t in SEED_TERMS if t in folded and _covered(t, framing, seed)}
    assert len(covered) >= 5, covered
    assert framing.score > 0.6
    previous_end = 0
    for term in framing.loaded_terms:
        assert seed[term.start : term.end] == term.text
        assert term.start >= previous_end
        previous_end = term.end


def test_shipped_tagger_leaves_a_neutral_wire_report_mostly_alone(
    shipped: FramingLexicon,
) -> None:
    framing = find_loaded_terms(NEUTRAL_WIRE, lexicon=shipped)
    assert len(framing.loaded_terms) <= 2
    assert framing.score < 0.3


def test_shipped_tagger_finds_loaded_words_beyond_the_lexicon(shipped: FramingLexicon) -> None:
    text = (
        "The disgusting, shameful and utterly idiotic scheme was a total disaster, "
        "a pathetic betrayal of every decent citizen!"
    )
    found = {t.text.casefold() for t in find_loaded_terms(text, lexicon=shipped).loaded_terms}
    assert any("disgusting" in t for t in found), found


def test_french_and_arabic_still_use_the_lexicon(shipped: FramingLexicon) -> None:
    fr = "Une attaque lâche du régime du Makhzen contre l'entité sioniste."
    assert texts(find_loaded_terms(fr, lexicon=shipped, language="fr")) == {
        "lâche",
        "régime du makhzen",
        "entité sioniste",
    }


def _toy_tagger(**kw: object) -> LoadedLanguageTagger:
    sentiment = SentimentLexicon(
        {"awful": Sentiment(valence=-2.5, polarity=-1.0, subjectivity=1.0, intensity=1.0)}
    )
    weights = {"w:awful": 6.0, "pva3-": 2.0, "w:very": 1.0, "s3:ble": 4.0, "q": 0.5}
    return LoadedLanguageTagger(
        names=list(weights),
        weights=list(weights.values()),
        intercept=-3.0,
        sentiment=sentiment,
        seed=0.5,
        grow=0.2,
        trim=["the", "and"],
        **kw,  # type: ignore[arg-type]
    )


def test_toy_tagger_spans() -> None:
    tagger = _toy_tagger()
    text = "It was an awful mess. Very terrible."
    words = words_of(text)
    spans = tagger.spans(text, words, [])
    # "awful" seeds and grows over "mess" (helped by its awful neighbour); the
    # full stop breaks spans; "very" (0.12) is under the growth threshold.
    assert [text[s:e] for s, e in spans] == ["awful mess", "terrible"]


def test_decode_grows_trims_and_stops_at_breaks() -> None:
    text = "the and bad thing; worse and the end"
    words = words_of(text)
    probs = [0.3, 0.3, 0.9, 0.3, 0.9, 0.3, 0.3, 0.1]
    spans = LoadedLanguageTagger.decode(text, words, probs, 0.5, 0.2, frozenset({"the", "and"}))
    assert [text[s:e] for s, e in spans] == ["bad thing", "worse"]
    no_growth = LoadedLanguageTagger.decode(text, words, probs, 0.5, 1.0)
    assert [text[s:e] for s, e in no_growth] == ["bad", "worse"]
    assert LoadedLanguageTagger.decode("", [], [], 0.5, 0.2) == []


def test_tagger_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "framing-en.npz"
    meta = {
        "featurizer": TAGGER_FEATURIZER,
        "intercept": -1.5,
        "seed_threshold": 0.4,
        "grow_threshold": 0.1,
        "trim": ["the"],
        "language": "en",
        "version": "9",
    }
    LoadedLanguageTagger.save(path, ["w:awful", "q"], [2.0, 0.25], meta)
    tagger = LoadedLanguageTagger.load(path)
    assert (tagger.seed, tagger.grow, tagger.version, tagger.trim) == (
        0.4,
        0.1,
        "9",
        frozenset({"the"}),
    )
    text = "an awful day"
    probs = tagger.probabilities(text, words_of(text), [])
    assert probs[1] == pytest.approx(1 / (1 + math.exp(-0.5)), abs=1e-6)
    assert probs[0] == pytest.approx(1 / (1 + math.exp(1.5)), abs=1e-6)


def test_tagger_artifact_errors(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="not found"):
        LoadedLanguageTagger.load(tmp_path / "missing.npz")
    path = tmp_path / "framing-en.npz"
    LoadedLanguageTagger.save(path, ["w:a"], [1.0], {"featurizer": "other/0", "intercept": 0})
    with pytest.raises(ExtractionError, match="featurizer"):
        LoadedLanguageTagger.load(path)
    with pytest.raises(ValueError, match="newline"):
        LoadedLanguageTagger.save(path, ["a\nb"], [1.0], {})
    with pytest.raises(ExtractionError, match="inconsistent"):
        LoadedLanguageTagger(names=["a"], weights=[], intercept=0.0, sentiment=SentimentLexicon({}))


def test_sentiment_lexicon_inflections() -> None:
    lex = SentimentLexicon.parse(
        "# comment\nterrible\t-2.1\t-1.00\t1.00\t1.00\nhappy\t2.7\t0.8\t1.0\t1\n"
    )
    assert len(lex) == 2
    terrible = lex.get("terrible")
    assert terrible is not None and terrible.valence == -2.1
    assert lex.get("terribly") == terrible
    assert lex.get("happily") == lex.get("happy")
    assert lex.get("table") is None
    with pytest.raises(ExtractionError):
        SentimentLexicon.parse("word\t1\t2\n")
    shipped = SentimentLexicon.load("en")
    assert len(shipped) > 5000
    assert shipped.get("disgusting") is not None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["awful", "the", "very", "terrible", "“", "”", '"', ".", "!", "\n", "Awful", "mess"]
        ),
        max_size=30,
    )
)
def test_fast_scoring_matches_the_training_features(words: list[str]) -> None:
    """The tagger's memoised scoring equals the sum over token_features (what training sees)."""
    tagger = _toy_tagger()
    text = " ".join(words)
    toks = words_of(text)
    probs = tagger.probabilities(text, toks, [])
    feats = token_features(text, toks, [], tagger.sentiment)
    weights = {"w:awful": 6.0, "pva3-": 2.0, "w:very": 1.0, "s3:ble": 4.0, "q": 0.5}
    for p, fs in zip(probs, feats, strict=True):
        z = -3.0 + sum(weights.get(f, 0.0) for f in fs)
        assert p == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-9)


def test_shipped_tagger_scores_what_training_sees(shipped: FramingLexicon, seed: str) -> None:
    tagger = shipped.tagger("en")
    assert tagger is not None
    text = f"Title of a “shocking” story!\n\n{seed}\n{NEUTRAL_WIRE}"
    words = words_of(text)
    matches, _ = match_loaded_terms(text, lexicon=shipped)
    probs = tagger.probabilities(text, words, matches)
    feats = token_features(text, words, matches, tagger.sentiment)
    for p, fs in zip(probs, feats, strict=True):
        z = tagger.intercept + sum(tagger.weight(f) for f in fs)
        assert p == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-6)
