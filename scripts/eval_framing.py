#!/usr/bin/env python3
"""Evaluate loaded-language flagging against the Propaganda Techniques Corpus.

Reads the PTC development file of the shared benchmark (never copied into
the repository) and scores the spans of
:func:`corroborate.extract.framing.find_loaded_terms` (the lexicon and the
learned English tagger; ``--lexicon-only`` for the lexicon alone) against
gold spans:

* gold "loaded": the ``Loaded_Language`` and ``Name_Calling,Labeling`` spans;
* gold "all": the spans of every technique.

Overlapping spans are merged first (gold with gold, predicted with
predicted). Precision is the share of each predicted span that overlaps a
gold span, averaged over predicted spans; recall is the share of each gold
span covered by predicted spans, averaged over gold spans; F1 is their
harmonic mean.

The articles are split in two halves by a hash of their id so that the
lexicon can be tuned on one half ("a") and checked on the other ("b").
The tagger is trained on every article, so its figures here are in-sample:
``scripts/train_framing.py`` prints the cross-validated ones.

    .venv/bin/python scripts/eval_framing.py            # both halves and all
    .venv/bin/python scripts/eval_framing.py --terms a  # per-lemma precision on half a
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corroborate.extract.framing import FramingLexicon, find_loaded_terms, match_loaded_terms

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "benchmark" / "dev" / "ptc_propaganda_spans.jsonl"
LOADED = frozenset({"Loaded_Language", "Name_Calling,Labeling"})

Span = tuple[int, int]


def half(article_id: str) -> str:
    return (
        "a" if int(hashlib.sha256(f"half:{article_id}".encode()).hexdigest()[:8], 16) % 2 else "b"
    )


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlap(span: Span, others: Sequence[Span]) -> int:
    start, end = span
    return sum(max(0, min(end, e) - max(start, s)) for s, e in others)


class Score:
    def __init__(self) -> None:
        self.p: list[float] = []
        self.r: list[float] = []

    def add(self, pred: list[Span], gold: list[Span]) -> None:
        self.p.extend(overlap(s, gold) / (s[1] - s[0]) for s in pred)
        self.r.extend(overlap(s, pred) / (s[1] - s[0]) for s in gold)

    def figures(self) -> dict[str, float]:
        p = sum(self.p) / len(self.p) if self.p else 0.0
        r = sum(self.r) / len(self.r) if self.r else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "predicted": len(self.p),
            "gold": len(self.r),
        }


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(records: list[dict[str, Any]], lexicon: FramingLexicon) -> dict[str, Any]:
    scores = {name: {"loaded": Score(), "all": Score()} for name in ("a", "b", "all")}
    elapsed = 0.0
    for rec in records:
        text = rec["text"]
        t0 = time.perf_counter()
        terms = find_loaded_terms(text, lexicon=lexicon, language="en").loaded_terms
        elapsed += time.perf_counter() - t0
        pred = merge((t.start, t.end) for t in terms)
        spans = rec["technique_spans"]
        gold_loaded = merge((s["start"], s["end"]) for s in spans if s["technique"] in LOADED)
        gold_all = merge((s["start"], s["end"]) for s in spans)
        for name in (half(rec["article_id"]), "all"):
            scores[name]["loaded"].add(pred, gold_loaded)
            scores[name]["all"].add(pred, gold_all)
    chars = sum(len(r["text"]) for r in records)
    return {
        "articles": len(records),
        "ms_per_1000_chars": round(1000 * elapsed / max(chars, 1) * 1000, 3),
        "ms_per_article": round(1000 * elapsed / max(len(records), 1), 3),
        **{name: {g: s.figures() for g, s in by.items()} for name, by in scores.items()},
    }


def term_table(records: list[dict[str, Any]], lexicon: FramingLexicon, which: str) -> None:
    """Per lemma: how often it fires and the mean share of its spans inside gold loaded spans."""
    stats: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        if which != "all" and half(rec["article_id"]) != which:
            continue
        gold = merge(
            (s["start"], s["end"]) for s in rec["technique_spans"] if s["technique"] in LOADED
        )
        matches, _ = match_loaded_terms(rec["text"], lexicon=lexicon, language="en")
        for m in matches:
            stats[f"{m.category}:{m.lemma}"].append(
                overlap((m.start, m.end), gold) / (m.end - m.start)
            )
    rows = sorted(stats.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), -len(kv[1])))
    for lemma, ps in rows:
        sys.stdout.write(f"{sum(ps) / len(ps):.2f}\t{len(ps)}\t{lemma}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--terms", choices=("a", "b", "all"), help="print per-lemma precision")
    ap.add_argument("--lexicon-only", action="store_true", help="leave the learned tagger out")
    args = ap.parse_args(argv)
    if not args.data.exists():
        sys.stderr.write(f"no PTC file at {args.data}\n")
        return 2
    records = load(args.data)
    lexicon = FramingLexicon.load(["en"], tagger=not args.lexicon_only)
    if args.terms:
        term_table(records, lexicon, args.terms)
        return 0
    result = evaluate(records, lexicon)
    result["lexicon_version"] = lexicon.version("en")
    result["lexicon_size"] = lexicon.size("en")
    tagger = lexicon.tagger("en")
    result["tagger"] = None if tagger is None else repr(tagger)
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
