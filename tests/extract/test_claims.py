from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.extract.claims import ClaimLexicon, find_claims


@pytest.fixture(scope="module")
def lexicon() -> ClaimLexicon:
    return ClaimLexicon.load()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Islamic State claimed responsibility for the attack.", "claim_of_responsibility"),
        ("The army said it carried out the strike against a convoy.", "claim_of_responsibility"),
        ("JNIM a revendiqué l'attaque dans un communiqué.", "claim_of_responsibility"),
        ("Morocco denied any involvement in the strike.", "denial"),
        ("The ministry said no strike took place in the area.", "refutation"),
        ("Officials dismissed the reports as fabricated.", "refutation"),
    ],
)
def test_finds(lexicon: ClaimLexicon, text: str, field: str) -> None:
    found = find_claims(text, lexicon=lexicon)
    assert [e.field for e in found] == [field]
    assert all(text[e.start : e.end] == e.text for e in found)


@pytest.mark.parametrize(
    "text",
    [
        "No group immediately claimed responsibility.",
        "Nobody has yet claimed responsibility for the blast.",
        "Journalists were prosecuted under laws against spreading false news.",
        "Aucun groupe n'a revendiqué l'attaque.",
    ],
)
def test_ignores_negations_and_unrelated_phrases(lexicon: ClaimLexicon, text: str) -> None:
    assert find_claims(text, lexicon=lexicon) == []


@given(st.text(max_size=300))
def test_offsets(text: str) -> None:
    for e in find_claims(text, lexicon=ClaimLexicon.load()):
        assert text[e.start : e.end] == e.text
