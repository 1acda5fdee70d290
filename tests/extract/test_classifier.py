"""The learned event classifier: the committed artifact, its API and its speed."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from corroborate.errors import ExtractionError
from corroborate.extract.classifier import (
    NONE,
    EventClassifier,
    char_features,
    normalise,
    word_features,
)
from corroborate.model import EVENT_TYPES

SUB_EVENT_TYPES = {sub for subs in EVENT_TYPES.values() for sub in subs}


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


def test_artifact_shape_and_metadata(clf: EventClassifier) -> None:
    assert clf.name == "events.linear"
    assert clf.version
    assert set(clf.classes) == SUB_EVENT_TYPES | {NONE}
    assert clf.meta["classes"] == list(clf.classes)
    assert "cv" in clf.meta and "training_data" in clf.meta


def test_artifact_is_small() -> None:
    from corroborate.extract.classifier import _default_path

    assert _default_path("en").stat().st_size < 15_000_000


def test_word_features_stop_at_bigrams() -> None:
    grams = word_features(normalise("Soldiers clashed with militants near Gao on 3 May."))
    assert "soldiers clashed" in grams
    assert "clashed" in grams
    assert max(len(g.split()) for g in grams) == 2
    assert "0" in grams  # digits are folded


def test_char_features_stay_inside_words() -> None:
    grams = char_features(normalise("Tear gas"))
    assert " tea" in grams and "gas " in grams
    assert all(3 <= len(g) <= 5 for g in grams)
    assert not any(g.strip() != g and " " in g.strip() for g in grams)


def test_acled_bookkeeping_tags_are_dropped() -> None:
    assert "size" not in normalise("Farmers protested in Kano. [size=no report]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Warplanes carried out an air strike on a rebel position near the town, "
            "killing five fighters.",
            "Air/drone strike",
        ),
        (
            "Soldiers clashed with JNIM militants near Gao; two soldiers and six "
            "militants were killed in the fighting.",
            "Armed clash",
        ),
        (
            "Hundreds of teachers held a peaceful demonstration in front of the ministry "
            "to demand the payment of salary arrears.",
            "Peaceful protest",
        ),
        (
            "Police arrested twelve members of the opposition party at their homes "
            "in the capital on Tuesday.",
            "Arrests",
        ),
        (
            "A roadside bomb exploded under a military vehicle, wounding three soldiers.",
            "Remote explosive/landmine/IED",
        ),
        (
            "Gunmen abducted five traders on the road to Mopti and took them to an "
            "unknown location.",
            "Abduction/forced disappearance",
        ),
    ],
)
def test_sensible_classes(clf: EventClassifier, text: str, expected: str) -> None:
    label, prob = clf.top(text)
    assert label == expected, clf.predict_proba([text])[0]
    assert 0.0 < prob <= 1.0


def test_eventless_text_is_none_or_unsure(clf: EventClassifier) -> None:
    text = (
        "The central bank kept its benchmark interest rate unchanged, saying inflation "
        "had eased slightly while exports grew faster than expected in the second quarter."
    )
    label, prob = clf.top(text)
    probs = clf.predict_proba([text])[0]
    assert label == NONE or prob < 0.5
    assert probs[NONE] > 0.3


def test_probabilities_sum_to_one(clf: EventClassifier) -> None:
    texts = ["", "Protesters burned tyres.", "x" * 50, "The army shelled the village. " * 20]
    for probs in clf.predict_proba(texts):
        assert set(probs) == set(clf.classes)
        assert math.isclose(sum(probs.values()), 1.0, rel_tol=1e-5)
        assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_predict_proba_refuses_a_bare_string(clf: EventClassifier) -> None:
    with pytest.raises(TypeError):
        clf.predict_proba("Police fired tear gas.")


def test_batch_equals_single(clf: EventClassifier) -> None:
    texts = ["Police fired tear gas at protesters.", "Rebels seized the town."]
    batch = clf.proba(texts)
    for row, text in zip(batch, texts, strict=True):
        assert np.allclose(row, clf.proba([text])[0])


def test_picklable(clf: EventClassifier) -> None:
    again = pickle.loads(pickle.dumps(clf))
    text = "Rioters threw stones at the police station."
    assert again.top(text) == clf.top(text)


def test_missing_artifact_says_to_train(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="make train"):
        EventClassifier.load(tmp_path / "events-xx.npz")


def test_bad_artifact_says_to_train(tmp_path: Path) -> None:
    npz = tmp_path / "events-en.npz"
    npz.write_bytes(b"not a zip file")
    npz.with_suffix(".json").write_text(json.dumps({"featurizer": "w12c35/1"}), "utf-8")
    with pytest.raises(ExtractionError, match="make train"):
        EventClassifier.load(npz)


def test_wrong_featurizer_is_refused(tmp_path: Path) -> None:
    npz = tmp_path / "events-en.npz"
    np.savez(npz, classes=np.array(["none"]))
    npz.with_suffix(".json").write_text(json.dumps({"featurizer": "other/9"}), "utf-8")
    with pytest.raises(ExtractionError, match="featurizer"):
        EventClassifier.load(npz)
