#!/usr/bin/env python
"""Train the learned event classifier (``events.linear``) from the benchmark's dev split.

Reads ``<shared>/benchmark/dev`` only when run (its licences forbid copying
it; no text or row of it is stored: the artifact holds a vocabulary of
single words, word bigrams and in-word character 3-5-grams with their idf
and coefficients) and writes

    src/corroborate/extract/data/models/events-en.npz   vocabularies, idf, coefficients
    src/corroborate/extract/data/models/events-en.json  version, classes, featurizer,
                                                        calibration, training data, CV scores

Training data (classes: the 25 ACLED sub-event types and "none"):

- ``acled_events.jsonl``: every note with its ``sub_event_type`` (never "none");
- ``acled_legacy_events.jsonl``: only the rows whose pre-2019 type maps to one
  sub-event type without doubt (``Battle-No change of territory`` -> Armed
  clash, 97% agreement on the events coded in both taxonomies;
  ``Battle-Government regains territory``, ``Battle-Non-state actor overtakes
  territory``, ``Non-violent transfer of territory``), and only events not
  already in the current file;
- ``case2021_task2_finegrained.jsonl``: the reviewer's ACLED mapping, "none"
  where ``label_in_acled_taxonomy`` is false; up-weighted (news style);
- ``gtd_events.jsonl``, weakly and down-weighted: suicide attacks -> Suicide
  bomb; bombings with an explosive device (no grenade, rocket, mortar) ->
  Remote explosive/landmine/IED; kidnappings without killings or clashes ->
  Abduction/forced disappearance;
- ``ptc_propaganda_spans.jsonl``: windows of 1-3 sentences of these (mostly
  political) news articles in which neither the event lexicon nor a broad
  list of violence/protest/security words matches -> "none", down-weighted.

Scores are k-fold cross-validated (folds by a hash of the normalised text,
so duplicate texts never straddle folds; only ACLED and CASE rows are
scored; the auxiliary sources are only ever trained on). The same folds give
out-of-fold scores from which the softmax temperature is fitted, and on which
the combination with the rule cues is measured.

``--holdout-fold K`` leaves fold K (the same text-hash folds) out of
training, so that the whole extraction path (rules + classifier + actors)
can be scored on rows the model never saw: build into a scratch ``--out``
and point the pipeline at that artifact.

Usage::

    python scripts/train_events.py [--data DIR] [--out DIR] [--folds 5] [--no-cv]
                                   [--holdout-fold K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from corroborate.evaluate import weighted_f1
from corroborate.extract.classifier import (
    FEATURIZER,
    NONE,
    EventClassifier,
    char_features,
    normalise,
    pack_strings,
    word_features,
)
from corroborate.extract.events import EventLexicon, detect_events
from corroborate.extract.text import Sentence, split_sentences
from corroborate.model import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "benchmark" / "dev"
DEFAULT_OUT = ROOT / "src" / "corroborate" / "extract" / "data" / "models"
VERSION = "1"

TYPE_OF = {sub: et for et, subs in EVENT_TYPES.items() for sub in subs}
TYPE_OF[NONE] = NONE
CLASSES = sorted([*TYPE_OF.keys()])

# ----------------------------------------------------------------- settings
# C = 1.0 with CHAR_WEIGHT = 0.6 gained 0.3-0.5 points on ACLED (5-fold CV,
# 2026-11-29) but lost 3 on CASE (weighted F1 0.749 -> 0.719 with the rules):
# not taken. Word trigrams added nothing.
C = 0.3  # LinearSVC regularisation (one-vs-rest, balanced class weights)
CHAR_WEIGHT = 1.0  # weight of the character block after per-block l2 normalisation
MIN_DF_WORDS = 2
MIN_DF_CHARS = 3
WEIGHTS = {"acled": 1.0, "legacy": 1.0, "case": 5.0, "gtd": 0.5, "ptc": 0.2}

LEGACY = {
    "Battle-No change of territory": "Armed clash",
    "Battle-Government regains territory": "Government regains territory",
    "Battle-Non-state actor overtakes territory": "Non-state actor overtakes territory",
    "Battle-Non-state actors overtake territory": "Non-state actor overtakes territory",
    "Non-violent transfer of territory": "Non-violent transfer of territory",
}

#: A PTC window with any of these is not taken as a negative (it may report an event).
EVENTISH = re.compile(
    r"\b(?:kill|murder|attack|assault|bomb|shoot|shot|gun|fire[sd]?\b|firing|protest|demonstr|"
    r"rall(?:y|ies)|march|clash|fight|battl|arrest|detain|custody|abduct|kidnap|hostage|riot|"
    r"loot|explo|blast|strike|struck|shell|mortar|missile|rocket|artiller|drone|troops|soldier|"
    r"militant|rebel|insurg|terror|jihad|militia|wound|injur|dead|death|die[sd]?\b|dying|"
    r"massacre|violen|raid|burn|arson|torch|stab|beat|rape|sexual|captur|seiz|overr|retak|"
    r"recaptur|ceasefire|truce|peace deal|agreement|surrender|defect|weapon|ammuni|grenade|"
    r"ied\b|mine[sd]?\b|landmine|police|army|military|sit-in|boycott|picket|tear gas|unrest|"
    r"war\b|wars\b|combat|offensive|siege|invad|occup|execut|behead|lynch|mob\b|vigilant|"
    r"victim|casualt|hurt|curfew|checkpoint|convoy|camp\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    source: str  # acled | case | legacy | gtd | ptc
    fold: int  # -1: auxiliary, never scored


def _norm_key(text: str) -> str:
    return " ".join(text.lower().split())


def _fold(text: str, k: int) -> int:
    return int(hashlib.sha256(_norm_key(text).encode()).hexdigest()[:12], 16) % k


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_examples(data: Path, *, folds: int, lexicon: EventLexicon) -> list[Example]:
    out: list[Example] = []
    current_ids: set[str] = set()
    current_texts: set[str] = set()
    for r in _rows(data / "acled_events.jsonl"):
        if not r.get("notes") or r.get("sub_event_type") not in TYPE_OF:
            continue
        out.append(Example(r["notes"], r["sub_event_type"], "acled", _fold(r["notes"], folds)))
        current_ids.add(r["record_id"])
        current_texts.add(_norm_key(r["notes"]))
    for r in _rows(data / "case2021_task2_finegrained.jsonl"):
        text = r.get("EventSnippet")
        if not text:
            continue
        label = r["acled_sub_event_type"] if r.get("label_in_acled_taxonomy") else NONE
        out.append(Example(text, label, "case", _fold(text, folds)))
    for r in _rows(data / "acled_legacy_events.jsonl"):
        label = LEGACY.get(r.get("event_type") or "")
        notes = r.get("notes")
        if not label or not notes or r["record_id"] in current_ids:
            continue
        if _norm_key(notes) not in current_texts:
            out.append(Example(notes, label, "legacy", -1))
    for r in _rows(data / "gtd_events.jsonl"):
        text = re.sub(r"^\d\d/\d\d/\d{4}:\s*", "", r.get("summary") or "")
        gtd_label = _gtd_label(r, text)
        if text and gtd_label:
            out.append(Example(text, gtd_label, "gtd", -1))
    for r in _rows(data / "ptc_propaganda_spans.jsonl"):
        out.extend(Example(w, NONE, "ptc", -1) for w in _eventless_windows(r["text"], lexicon))
    return out


def _gtd_label(row: dict[str, Any], text: str) -> str | None:
    attack = row.get("attacktype1_txt")
    if row.get("suicide") == 1 and attack in (
        "Bombing/Explosion",
        "Assassination",
        "Armed Assault",
        "Hostage Taking (Barricade Incident)",
    ):
        return "Suicide bomb"
    if (
        attack == "Bombing/Explosion"
        and re.search(r"explosive device|\bIED\b|landmine|roadside bomb|magnetic", text, re.I)
        and not re.search(r"grenade|rocket|mortar|suicide", text, re.I)
    ):
        return "Remote explosive/landmine/IED"
    if attack == "Hostage Taking (Kidnapping)" and not re.search(r"\bkilled\b|clash", text, re.I):
        return "Abduction/forced disappearance"
    return None


def _eventless_windows(article: str, lexicon: EventLexicon) -> Iterator[str]:
    """Windows of 1, 2, 3, 1, 2, 3 ... consecutive lines (sentences) after the title."""
    lines = [line.strip() for line in article.split("\n")[1:] if line.strip()]
    i = n = 0
    while i < len(lines):
        size = 1 + n % 3
        window = " ".join(lines[i : i + size])
        i += size
        n += 1
        if len(window) < 40 or EVENTISH.search(window):
            continue
        if lexicon.find_cues(Sentence(0, len(window), window)):
            continue
        yield window


# ------------------------------------------------------------------ training
def _identity(grams: list[str]) -> list[str]:
    return grams


class Featurizer:
    """The training-side twin of EventClassifier's featurisation (same functions)."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=MIN_DF_WORDS, dtype=np.float32
        )
        self.chars = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=MIN_DF_CHARS, dtype=np.float32
        )
        self._cache: dict[str, tuple[list[str], list[str]]] = {}

    def _grams(self, text: str) -> tuple[list[str], list[str]]:
        got = self._cache.get(text)
        if got is None:
            norm = normalise(text)
            got = self._cache[text] = (word_features(norm), char_features(norm))
        return got

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        grams = [self._grams(t) for t in texts]
        xw = self.words.fit_transform([g[0] for g in grams])
        xc = self.chars.fit_transform([g[1] for g in grams])
        return sparse.hstack([xw, CHAR_WEIGHT * xc]).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        grams = [self._grams(t) for t in texts]
        xw = self.words.transform([g[0] for g in grams])
        xc = self.chars.transform([g[1] for g in grams])
        return sparse.hstack([xw, CHAR_WEIGHT * xc]).tocsr()


def fit(train: Sequence[Example], featurizer: Featurizer) -> LinearSVC:
    x = featurizer.fit_transform([e.text for e in train])
    y = np.array([e.label for e in train])
    w = np.array([WEIGHTS[e.source] for e in train])
    model = LinearSVC(C=C, class_weight="balanced", random_state=0, max_iter=5000)
    model.fit(x, y, sample_weight=w)
    if list(model.classes_) != CLASSES:
        raise SystemExit(f"training data lacks classes: {set(CLASSES) - set(model.classes_)}")
    return model


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def fit_temperature(scores: np.ndarray, gold: Sequence[str]) -> float:
    """The softmax scale minimising the out-of-fold negative log-likelihood."""
    y = np.array([CLASSES.index(g) for g in gold])
    best = (np.inf, 1.0)
    for t in np.arange(0.5, 20.01, 0.25):
        p = softmax(scores * t)
        nll = float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
        best = min(best, (nll, float(t)))
    return best[1]


# ------------------------------------------------------------- rules and scoring
@dataclass(frozen=True, slots=True)
class RuleView:
    primary: str  # "none" when the rules find no event
    weight: int  # heaviest cue of the primary event (0: none)


def rule_view(text: str, lexicon: EventLexicon) -> RuleView:
    events = detect_events(split_sentences(text), lexicon=lexicon)
    if not events:
        return RuleView(NONE, 0)
    return RuleView(events[0].sub_event_type, max(c.weight for c in events[0].cues))


def combine(
    probs: dict[str, float], rules: RuleView, *, none_t: float, rescue: float, override: float
) -> str:
    """The combination recommended to the pipeline (measured in the CV report).

    - "none" when P(none) > ``none_t``, unless the rules found an event with a
      cue of weight >= 9 and P(none) < ``rescue`` (then the rules' type);
    - otherwise the classifier's best event class, unless the rules' primary
      event has a cue of weight >= 8, disagrees, and the classifier's
      probability for its class is below ``override`` (then the rules' type).
    """
    p_none = probs[NONE]
    if p_none > none_t:
        if rules.primary != NONE and rules.weight >= 9 and p_none < rescue:
            return rules.primary
        return NONE
    best = max((k for k in probs if k != NONE), key=lambda k: probs[k])
    if rules.primary not in (NONE, best) and rules.weight >= 8 and probs[best] < override:
        return rules.primary
    return best


def score(gold: Sequence[Example], pred: Sequence[str]) -> dict[str, Any]:
    acled = [(e, p) for e, p in zip(gold, pred, strict=True) if e.source == "acled"]
    case = [(e, p) for e, p in zip(gold, pred, strict=True) if e.source == "case"]
    return {
        "acled_rows": len(acled),
        "acled_detection": round(sum(p != NONE for _, p in acled) / len(acled), 4),
        "acled_event_type_accuracy": round(
            sum(TYPE_OF[e.label] == TYPE_OF[p] for e, p in acled) / len(acled), 4
        ),
        "acled_sub_event_accuracy": round(sum(e.label == p for e, p in acled) / len(acled), 4),
        "acled_sub_event_weighted_f1": round(
            weighted_f1([e.label for e, _ in acled], [p for _, p in acled]), 4
        ),
        "case_rows": len(case),
        "case_accuracy": round(sum(e.label == p for e, p in case) / len(case), 4),
        "case_weighted_f1": round(weighted_f1([e.label for e, _ in case], [p for _, p in case]), 4),
    }


def cross_validate(
    examples: Sequence[Example], *, folds: int, lexicon: EventLexicon
) -> tuple[dict[str, Any], float]:
    scored: list[Example] = []
    blocks: list[np.ndarray] = []
    for f in range(folds):
        train = [e for e in examples if e.fold != f]
        test = [e for e in examples if e.fold == f]
        featurizer = Featurizer()
        model = fit(train, featurizer)
        blocks.append(model.decision_function(featurizer.transform([e.text for e in test])))
        scored.extend(test)
        print(f"  fold {f + 1}/{folds} done", file=sys.stderr, flush=True)
    raw = np.vstack(blocks)
    temperature = fit_temperature(raw, [e.label for e in scored])
    probs = softmax(raw * temperature)
    rows = [dict(zip(CLASSES, map(float, p), strict=True)) for p in probs]
    top = [CLASSES[i] for i in probs.argmax(axis=1)]
    rules = [rule_view(e.text, lexicon) for e in scored]
    report: dict[str, Any] = {
        "method": f"{folds}-fold, folds by sha256 of the normalised text; "
        "auxiliary sources (legacy, gtd, ptc) train every fold and are never scored",
        "classifier": score(scored, top),
        "rules": score(scored, [r.primary for r in rules]),
    }
    combos: dict[str, Any] = {}
    for none_t in (0.5, 0.6, 0.7):
        for rescue in (0.0, 0.8, 0.9):
            for override in (0.0, 0.4, 0.5):
                pred = [
                    combine(p, r, none_t=none_t, rescue=rescue, override=override)
                    for p, r in zip(rows, rules, strict=True)
                ]
                key = f"none_t={none_t},rescue={rescue},override={override}"
                combos[key] = score(scored, pred)
    report["classifier+rules"] = combos
    report["none_threshold"] = _none_thresholds(scored, probs)
    return report, temperature


def _none_thresholds(scored: Sequence[Example], probs: np.ndarray) -> dict[str, Any]:
    """The "none" label decided by P(none) > t instead of the arg-max (a binary decision)."""
    ni = CLASSES.index(NONE)
    events = probs.copy()
    events[:, ni] = -1.0
    best_event = [CLASSES[i] for i in events.argmax(axis=1)]
    out: dict[str, Any] = {}
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        pred = [NONE if p[ni] > t else b for p, b in zip(probs, best_event, strict=True)]
        out[f"p_none>{t}"] = score(scored, pred)
    return out


# ------------------------------------------------------------------- export
def export(
    model: LinearSVC,
    featurizer: Featurizer,
    *,
    out: Path,
    temperature: float,
    meta: dict[str, Any],
    language: str = "en",
) -> Path:
    word_vocab = featurizer.words.get_feature_names_out()
    char_vocab = featurizer.chars.get_feature_names_out()
    for gram in word_vocab:
        if gram.count(" ") > 1:
            raise SystemExit(f"refusing to store a word n-gram longer than a bigram: {gram!r}")
    if any(len(g) > 5 for g in char_vocab):
        raise SystemExit("refusing to store character n-grams longer than 5")
    out.mkdir(parents=True, exist_ok=True)
    npz = out / f"events-{language}.npz"
    np.savez_compressed(
        npz,
        word_vocab=pack_strings(word_vocab.tolist()),
        char_vocab=pack_strings(char_vocab.tolist()),
        word_idf=featurizer.words.idf_.astype(np.float32),
        char_idf=featurizer.chars.idf_.astype(np.float32),
        coef=model.coef_.T.astype(np.float16),
        intercept=model.intercept_.astype(np.float32),
    )
    meta = {
        **meta,
        "temperature": temperature,
        "char_weight": CHAR_WEIGHT,
        "features": {"words": len(word_vocab), "chars": len(char_vocab)},
        "sha256": hashlib.sha256(npz.read_bytes()).hexdigest(),
    }
    npz.with_suffix(".json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return npz


def verify(npz: Path, model: LinearSVC, featurizer: Featurizer, texts: Sequence[str]) -> float:
    """The runtime (numpy) scores must match scikit-learn's; returns the largest gap."""
    clf = EventClassifier.load(npz)
    ours = clf.decision(texts)
    theirs = model.decision_function(featurizer.transform(texts))
    gap = float(np.abs(ours - theirs).max())
    agree = float(np.mean(ours.argmax(axis=1) == theirs.argmax(axis=1)))
    if gap > 0.02 or agree < 0.999:
        raise SystemExit(f"runtime scores differ from scikit-learn's (gap {gap}, agree {agree})")
    return gap


# --------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark dev folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the artifact goes")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cv", action="store_true", help="skip cross-validation (faster)")
    ap.add_argument(
        "--holdout-fold",
        type=int,
        default=None,
        help="leave this fold out of training (to score the whole extraction path on it; "
        "use with --out outside the package)",
    )
    args = ap.parse_args(argv)
    if not (args.data / "acled_events.jsonl").is_file():
        print(f"no benchmark data in {args.data} (use --data)", file=sys.stderr)
        return 2
    started = time.time()
    lexicon = EventLexicon.load("en")
    examples = load_examples(args.data, folds=args.folds, lexicon=lexicon)
    if args.holdout_fold is not None:
        examples = [e for e in examples if e.fold != args.holdout_fold]
    summary = {
        "data": "shared/benchmark/dev (development split only)",
        "rows_by_source": dict(Counter(e.source for e in examples)),
        "weights_by_source": WEIGHTS,
        "labels_by_source": {
            src: dict(Counter(e.label for e in examples if e.source == src).most_common())
            for src in sorted({e.source for e in examples})
        },
    }
    print(json.dumps(summary["rows_by_source"]), file=sys.stderr)
    cv: dict[str, Any] = {}
    temperature = 5.0
    if not args.no_cv:
        cv, temperature = cross_validate(examples, folds=args.folds, lexicon=lexicon)
        print(json.dumps(cv["classifier"], indent=1), file=sys.stderr)
    featurizer = Featurizer()
    model = fit(examples, featurizer)
    meta = {
        "name": EventClassifier.name,
        "version": VERSION,
        "language": "en",
        "built": dt.date.today().isoformat(),
        "featurizer": FEATURIZER,
        "model": f"LinearSVC(C={C}, one-vs-rest, class_weight=balanced) over l2-normalised "
        f"sublinear TF-IDF: word 1-2-grams (min_df={MIN_DF_WORDS}) + in-word char 3-5-grams "
        f"(min_df={MIN_DF_CHARS}, block weight {CHAR_WEIGHT}); "
        "softmax(temperature * scores) for probabilities",
        "trained_with": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "classes": CLASSES,
        "training_data": summary,
        "cv": cv,
    }
    npz = export(model, featurizer, out=args.out, temperature=temperature, meta=meta)
    sample = [e.text for e in examples[:: max(1, len(examples) // 500)]]
    gap = verify(npz, model, featurizer, sample)
    print(
        f"wrote {npz} ({npz.stat().st_size / 1e6:.1f} MB; runtime/sklearn gap {gap:.4f}) "
        f"in {time.time() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
