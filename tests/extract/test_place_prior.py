"""The learned place prior: tokens, scoring, loading, and how the extractor uses it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.errors import ExtractionError
from corroborate.extract.gazetteer import Gazetteer
from corroborate.extract.place_prior import PRIOR_FORMAT, PriorModel, prior_tokens
from corroborate.extract.places import extract_place


def _model_data(rows: list[tuple[str, str, str]]) -> dict[str, Any]:
    """A model trained (as the build script does) on (cc, region, text) rows."""
    labels: dict[tuple[str, str], int] = {}
    docs: dict[int, int] = {}
    counts: dict[str, dict[int, int]] = {}
    for cc, region, text in rows:
        li = labels.setdefault((cc, region), len(labels))
        docs[li] = docs.get(li, 0) + 1
        for tok in prior_tokens(text):
            counts.setdefault(tok, {})
            counts[tok][li] = counts[tok].get(li, 0) + 1
    words = sorted(counts)
    totals: dict[int, int] = {}
    offsets, index, cnts = [0], [], []
    for w in words:
        for i, n in sorted(counts[w].items()):
            index.append(i)
            cnts.append(n)
            totals[i] = totals.get(i, 0) + n
        offsets.append(len(index))
    return {
        "format": PRIOR_FORMAT,
        "alpha": 0.02,
        "temperature": 4.0,
        "vocab": len(words),
        "labels": [[cc, r, docs[i], totals.get(i, 0)] for (cc, r), i in labels.items()],
        "words": words,
        "offsets": offsets,
        "index": index,
        "counts": cnts,
    }


ROWS = [
    ("ML", "Mopti", "Katiba Macina militants attacked a Dogon village"),
    ("ML", "Mopti", "Dan Na Ambassagou militiamen attacked Fulani herders"),
    ("ML", "Mopti", "Katiba Macina militants burned granaries of a Dogon village"),
    ("BF", "Sahel", "presumed ISGS militants attacked the gendarmerie"),
    ("BF", "Sahel", "ISGS militants ambushed the VDP near the gendarmerie"),
    ("KE", "Nairobi", "protesters marched against the NHIF board"),
]


@pytest.fixture(scope="module")
def model() -> PriorModel:
    return PriorModel(_model_data(ROWS))


@pytest.fixture(scope="module")
def gaz(model: PriorModel) -> Gazetteer:
    """The shipped gazetteer with the tiny prior above in place of the shipped one."""
    g = Gazetteer.load(prior=False)
    g.prior = model
    return g


def test_tokens_are_lower_case_words_with_their_first_span() -> None:
    toks = prior_tokens("JNIM and JNIM attacked 3 posts in X.")
    assert toks["jnim"] == (0, 4)
    assert "x" not in toks  # one letter
    assert all(k == k.lower() for k in toks)


@given(st.text(max_size=200))
def test_token_spans_point_at_the_words(text: str) -> None:
    for tok, (s, e) in prior_tokens(text).items():
        assert text[s:e].lower() == tok


def test_prior_ranks_the_region_the_words_belong_to(model: PriorModel) -> None:
    text = "Katiba Macina militants attacked the Dogon hamlet of Xyz."
    p = model.predict(text)
    assert p.countries[0][0] == "ML"
    assert p.regions[0][:2] == ("ML", "Mopti")
    assert abs(sum(prob for _, prob in p.countries) - 1.0) < 1e-6 or len(p.countries) == 3
    assert p.evidence is not None
    s, e = p.evidence
    assert text[s:e].lower() in {"katiba", "macina", "dogon"}
    assert p.country("ML") > p.country("KE")


def test_prior_of_a_text_with_no_known_words_is_the_base_rate(model: PriorModel) -> None:
    p = model.predict("Zzz qqq.")
    assert p.evidence is None
    assert p.countries[0][0] == "ML"  # the most frequent label


def test_missing_prior_is_none_and_a_damaged_one_is_an_error(tmp_path: Path) -> None:
    assert PriorModel.load(tmp_path / "none.json.gz") is None
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ExtractionError):
        PriorModel.load(bad)
    old = tmp_path / "old.json.gz"
    old.write_bytes(gzip.compress(json.dumps({"format": -1}).encode()))
    with pytest.raises(ExtractionError):
        PriorModel.load(old)


def test_extractor_places_a_text_with_no_known_place_by_its_words(gaz: Gazetteer) -> None:
    text = "On 3 May, Katiba Macina militants attacked the Dogon village of Qqqzzz."
    res = extract_place(text, gazetteer=gaz)
    assert res is not None
    assert (res.country, res.admin1, res.geo_precision) == ("Mali", "Mopti", 3)
    for ev in res.evidence:
        assert text[ev.start : ev.end] == ev.text


def test_the_words_rule_out_a_far_homonym(gaz: Gazetteer) -> None:
    # "Tonka" is only a town of India in the gazetteer; the words say Mali
    res = extract_place(
        "On 2 October, Katiba Macina militants attacked the gendarmerie in Tonka.", gazetteer=gaz
    )
    assert res is not None and res.country == "Mali"


def test_prior_answers_are_cached_per_text(gaz: Gazetteer) -> None:
    a = gaz.place_prior("Katiba Macina")
    assert a is not None and a is gaz.place_prior("Katiba Macina")
    bare = Gazetteer.load(prior=False)
    assert bare.prior is None and bare.place_prior("Katiba Macina") is None


def test_the_words_pick_a_homonym_within_the_country() -> None:
    rows = [
        ("UA", "Donetsk", "the OSCE SMM observed explosions near the frontline"),
        ("UA", "Donetsk", "the OSCE SMM observed projectiles in both directions"),
        ("UA", "Lviv", "students protested at the university"),
    ]
    g = Gazetteer.load(prior=False)
    g.prior = PriorModel(_model_data(rows))
    text = "The OSCE SMM observed 52 explosions in both directions near Prymorske."
    res = extract_place(text, gazetteer=g)
    assert res is not None and (res.country, res.admin1) == ("Ukraine", "Donetsk")
