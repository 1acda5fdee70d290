"""The learned event classifier: the committed artifact, its API and its speed."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corroborate.errors import ExtractionError
from corroborate.extract import pipeline
from corroborate.extract.classifier import (
    NONE,
    EventClassifier,
    char_features,
    normalise,
    word_features,
)
from corroborate.extract.events import EventGroup
from corroborate.extract.pipeline import Resources
from corroborate.extract.text import split_sentences
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


# ------------------------------------------------- the hybrid event extractor
class _Fixed(EventClassifier):
    """A stand-in classifier that gives every text the same probabilities."""

    def __init__(self, probs: dict[str, float]) -> None:  # no artifact needed
        self.classes = (*sorted(SUB_EVENT_TYPES), NONE)
        self._probs = {c: probs.get(c, 0.0) for c in self.classes}

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [dict(self._probs) for _ in texts]


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources.load(language="en", use_nlp=False)


def _hybrid(
    text: str, probs: dict[str, float], resources: Resources, **settings: Any
) -> list[EventGroup]:
    res = replace(resources, classifier=_Fixed(probs))
    extractor = pipeline._HybridEvents(**settings)
    return extractor(split_sentences(text), resources=res)


def test_hybrid_sure_classifier_types_the_event_and_marks_it(resources: Resources) -> None:
    text = "On 3 May 2020, gunmen attacked an army post near Gao; the soldiers fought back."
    groups = _hybrid(text, {"Armed clash": 0.9, NONE: 0.02}, resources)
    assert groups and groups[0].sub_event_type == "Armed clash"
    assert pipeline.typed_by_classifier(groups[0])
    # the added cue sits on a rule cue's span, so its evidence points at the text
    mark = [c for c in groups[0].cues if c.weight == 0]
    assert mark and text[mark[0].start : mark[0].end] == mark[0].text


def test_hybrid_unsure_classifier_leaves_the_type_to_later_rules(resources: Resources) -> None:
    text = "On 3 May 2020, gunmen attacked an army post near Gao; the soldiers fought back."
    groups = _hybrid(text, {"Armed clash": 0.4, "Attack": 0.35, NONE: 0.05}, resources)
    assert groups
    assert not pipeline.typed_by_classifier(groups[0])


def test_hybrid_likely_none_drops_the_event(resources: Resources) -> None:
    text = "Protesters marched through the capital on Monday."
    assert _hybrid(text, {NONE: 0.95, "Peaceful protest": 0.05}, resources) == []


def test_hybrid_finds_an_event_the_rules_read_as_hedged(resources: Resources) -> None:
    # No usable rule cue: the classifier alone decides when it is sure.
    text = "On 1 July 2020, militants likely burned the ferry station used to cross the river."
    sure = _hybrid(text, {"Looting/property destruction": 0.8, NONE: 0.05}, resources)
    unsure = _hybrid(text, {"Looting/property destruction": 0.2, NONE: 0.7}, resources)
    assert unsure == []
    assert sure and sure[0].sub_event_type == "Looting/property destruction"
    assert all(c.weight == 0 for c in sure[0].cues)


def test_hybrid_reads_the_article_opening_or_the_group(resources: Resources) -> None:
    seen: list[str] = []

    class _Spy(_Fixed):
        def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
            seen.extend(texts)
            return super().predict_proba(texts)

    text = "Rebels shelled the town of Kidal. Residents said the market was empty for days."
    for context in ("article", "group"):
        res = replace(resources, classifier=_Spy({"Shelling/artillery/missile attack": 0.9}))
        pipeline._HybridEvents(context=context)(split_sentences(text), resources=res)
    assert "market" in seen[0]
    assert "market" not in seen[1]
