"""Source attribution: each pattern, the seed article, known sources, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.sources import (
    EXTRACTOR,
    SourceLexicon,
    find_sources,
    normalise_source_name,
    source_evidence,
)
from corroborate.model import SourceClaim

DATA = Path(__file__).resolve().parent.parent / "data"
ATTRIBUTION_WORDS = (
    "according to the newspaper “Zahret Chinguetti” said told AFP (AFP) local sources "
    "Mauritanian media spoke of citing a statement issued by side Reuters quoted — ,"
)


@pytest.fixture(scope="module")
def lexicon() -> SourceLexicon:
    return _shared_lexicon()


def triples(claims: list[SourceClaim]) -> list[tuple[str, str, str]]:
    return [(c.name, c.kind, c.relation) for c in claims]


def check_offsets(text: str, claims: list[SourceClaim]) -> None:
    for c in claims:
        if c.kind == "outlet":
            assert c.start is None and c.end is None
            continue
        assert c.start is not None and c.end is not None
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == text[c.start : c.end].strip()


def test_seed_article(lexicon: SourceLexicon) -> None:
    text = (DATA / "seed-article.txt").read_text("utf-8")
    claims = find_sources(text, lexicon=lexicon, outlet="Algérie Patriotique")
    assert triples(claims) == [
        ("Zahret Chinguetti", "newspaper", "according to"),
        ("Mauritanian media", "media", "spoke of"),
        ("Mauritanian side", "official", "according to"),
        ("Algérie Patriotique", "outlet", "published"),
    ]
    first = claims[0]
    assert first.start is not None and first.end is not None
    assert text[first.start : first.end] == (
        "According to the Mauritanian newspaper “Zahret Chinguetti”"
    )
    check_offsets(text, claims)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # according to + descriptor + quoted name (curly and straight quotes)
        (
            "According to the Mauritanian newspaper “Zahret Chinguetti”, two died.",
            [("Zahret Chinguetti", "newspaper", "according to")],
        ),
        (
            'According to the newspaper "Le Calame", two died.',
            [("Le Calame", "newspaper", "according to")],
        ),
        ("Two died, according to Alakhbar.", [("Alakhbar", "media", "according to")]),
        ("Two died, according to local sources.", [("local sources", "local", "according to")]),
        (
            "The toll was 20, according to a statement issued by the Ministry of Defence.",
            [("Ministry of Defence", "official", "according to")],
        ),
        # X reported / X said
        ("Sahara Medias reported that two died.", [("Sahara Medias", "media", "reported")]),
        ("The army said two soldiers died.", [("army", "official", "said")]),
        ("The Malian army said two soldiers died.", [("Malian army", "official", "said")]),
        ("The ministry said the toll was five.", [("ministry", "official", "said")]),
        ("Witnesses said the drone came at night.", [("Witnesses", "witness", "said")]),
        ("Security sources said the car exploded.", [("Security sources", "security", "said")]),
        ("Local sources also said the car burned.", [("Local sources", "local", "said")]),
        # told X
        (
            "Two died, security sources told AFP.",
            [("security sources", "security", "told"), ("AFP", "agency", "reported")],
        ),
        (
            "A witness told Reuters the drone came twice.",
            [("witness", "witness", "told"), ("Reuters", "agency", "reported")],
        ),
        # X quoted Y
        (
            "Sahara Medias quoted a military source as saying the drone struck.",
            [("Sahara Medias", "media", "reported"), ("military source", "security", "quoted")],
        ),
        # citing X
        (
            "Reuters reported, citing a local official, that ten died.",
            [("Reuters", "agency", "reported"), ("local official", "official", "citing")],
        ),
        # media sources spoke of
        (
            "Mauritanian media sources spoke of another three victims.",
            [("Mauritanian media", "media", "spoke of")],
        ),
        # inverted after a quote or comma
        (
            "“We saw it,” said a local resident.",
            [("local resident", "witness", "said")],
        ),
        # official statement
        (
            "Talks went well, according to a statement issued by the Mauritanian side.",
            [("Mauritanian side", "official", "according to")],
        ),
        # wire bylines
        ("NOUAKCHOTT (AFP) — Two miners were killed.", [("AFP", "agency", "byline")]),
        ("BAMAKO, Mali (AP) — Gunmen killed 12.", [("AP", "agency", "byline")]),
        ("DAKAR (Reuters) - Gunmen killed 12.", [("Reuters", "agency", "byline")]),
        ("Gunmen killed 12 people.\n— AFP", [("AFP", "agency", "byline")]),
        # known sources by alias
        (
            "According to Agence France-Presse, two died.",
            [("AFP", "agency", "according to")],
        ),
        (
            "Two died, according to the Algeria Press Service.",
            [("APS", "agency", "according to")],
        ),
        (
            "The official Maghreb Arabe Presse reported the strike.",
            [("MAP", "agency", "reported")],
        ),
        ("Two died, according to SPS.", [("SPS", "agency", "according to")]),
        (
            "Two died, according to Human Rights Watch.",
            [("Human Rights Watch", "ngo", "according to")],
        ),
    ],
)
def test_attribution_patterns(
    lexicon: SourceLexicon, text: str, expected: list[tuple[str, str, str]]
) -> None:
    claims = find_sources(text, lexicon=lexicon)
    assert triples(claims) == expected
    check_offsets(text, claims)


@pytest.mark.parametrize(
    "text",
    [
        "Ahmed Salem said the attack happened at night.",  # a person, not a source list entry
        "The man told reporters he fled.",
        "The drone hit a car carrying miners near the border.",
        "Government reports also state that houses burned.",
        "He said the map was wrong.",  # 'map' is not MAP
        "It was an amnesty for the rebels, per the decree.",
    ],
)
def test_no_false_attributions(lexicon: SourceLexicon, text: str) -> None:
    assert find_sources(text, lexicon=lexicon) == []


def test_french(lexicon: SourceLexicon) -> None:
    text = (
        "NOUAKCHOTT (AFP) - Selon le quotidien mauritanien « Zahret Chinguetti », deux "
        "orpailleurs ont été tués, tandis que des médias mauritaniens ont fait état de trois "
        "autres victimes. Des sources sécuritaires ont confié à l'AFP que le drone venait du nord."
    )
    claims = find_sources(text, lexicon=lexicon, language="fr")
    assert triples(claims) == [
        ("AFP", "agency", "byline"),
        ("Zahret Chinguetti", "newspaper", "according to"),
        ("médias mauritaniens", "media", "spoke of"),
        ("sources sécuritaires", "security", "told"),
    ]
    check_offsets(text, claims)


def test_deduplicates_by_normalised_name(lexicon: SourceLexicon) -> None:
    text = (
        "According to AFP, two died. Agence France-Presse said three. Local sources said four, "
        "and a local source said five. The newspaper Zahret Chinguetti reported it; the "
        "newspaper said more."
    )
    claims = find_sources(text, lexicon=lexicon, outlet="Agence France Presse")
    assert [c.name for c in claims] == ["AFP", "Local sources", "Zahret Chinguetti"]
    assert normalise_source_name("“The Witnesses”") == normalise_source_name("witness")


def test_outlet_is_last_and_canonical(lexicon: SourceLexicon) -> None:
    claims = find_sources("Two died, witnesses said.", lexicon=lexicon, outlet="Al-Jazeera")
    assert triples(claims)[-1] == ("Al Jazeera", "outlet", "published")
    assert claims[-1].start is None
    assert find_sources("", lexicon=lexicon, outlet="  ") == []


def test_lookup_and_kinds(lexicon: SourceLexicon) -> None:
    for alias, name, kind, country in [
        ("Algérie Presse Service", "APS", "agency", "Algeria"),
        ("maghreb arabe presse", "MAP", "agency", "Morocco"),
        ("Sahara Press Service", "SPS", "agency", "Western Sahara"),
        ("Agence Mauritanienne d’Information", "AMI", "agency", "Mauritania"),
        ("“Zahret Chinguetti”", "Zahret Chinguetti", "newspaper", "Mauritania"),
        ("Radio France Internationale", "RFI", "media", "France"),
        ("Studio Tamani", "Studio Tamani", "media", "Mali"),
        ("Xinhua", "Xinhua", "agency", "China"),
    ]:
        known = lexicon.lookup(alias)
        assert known is not None, alias
        assert (known.name, known.kind, known.country) == (name, kind, country)
    assert lexicon.lookup("Nobody Times") is None
    assert lexicon.version("en") == "1"
    assert {"en", "fr"} <= set(lexicon.languages)


def test_source_evidence(lexicon: SourceLexicon) -> None:
    text = "Two died, according to the newspaper “Le Calame”."
    claims = find_sources(text, lexicon=lexicon, outlet="Cridem")
    evidence = source_evidence(claims, text=text)
    assert len(evidence) == 1  # the outlet has no span
    ev = evidence[0]
    assert (ev.field, ev.extractor, ev.version) == ("sources", EXTRACTOR, "1")
    assert EXTRACTOR == "sources.rules"
    assert ev.text == text[ev.start : ev.end] == "according to the newspaper “Le Calame”"
    assert source_evidence(claims)[0].text == "Le Calame"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_random_text_never_crashes(text: str) -> None:
    for language in ("en", "fr"):
        check_offsets(text, find_sources(text, lexicon=_shared_lexicon(), language=language))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *ATTRIBUTION_WORDS.split(),
                "\n",
            ]
        ),
        max_size=40,
    )
)
def test_offsets_on_attribution_heavy_text(words: list[str]) -> None:
    text = " ".join(words)
    claims = find_sources(text, lexicon=_shared_lexicon(), outlet="X")
    check_offsets(text, claims)
    keys = [normalise_source_name(c.name) for c in claims]
    assert len(keys) == len(set(keys))


_LEXICON: list[SourceLexicon] = []


def _shared_lexicon() -> SourceLexicon:
    if not _LEXICON:
        _LEXICON.append(SourceLexicon.load())
    return _LEXICON[0]
