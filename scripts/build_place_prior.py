"""Train the place prior of corroborate (where a text is, from its words).

    .venv/bin/python scripts/build_place_prior.py [--data DIR] [--out FILE]
        [--exclude FILE ...] [--min-df 3]

Reads coded ACLED events (``acled_events.jsonl`` and ``acled_legacy_events.jsonl``
in the project's private benchmark folder, ``../shared/benchmark/dev`` by
default; nothing of them is copied into the repository) and counts, for each
(country, first-level region) the events are coded to, how many notes use each
lower-case word. Writes ``place_prior.json.gz`` beside the gazetteer.

What the artifact keeps: region names (facts, as the gazetteer spells them),
per-region counts of notes and words, and per-word counts. Words that the
training rows use as place names (their location and admin2/admin3 fields)
are dropped unless the shipped gazetteer already knows them, so the artifact
is no list of anyone's locations; no coordinates are read.

``--exclude`` takes JSON Lines files whose ``record_id`` rows must not be
trained on (to measure the prior on rows it has not seen).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.extract.gazetteer import DATA_DIR, Gazetteer  # noqa: E402
from corroborate.extract.place_prior import PRIOR_FORMAT, PRIOR_NAME, prior_tokens  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "benchmark" / "dev"
FILES = ("acled_events.jsonl", "acled_legacy_events.jsonl")
ALPHA = 0.02
#: Capitalised names after a locative word, or inside parentheses: how notes
#: write places. Such words stay features only if the gazetteer has them.
PLACE_CONTEXT = re.compile(
    r"(?:\b(?:in|at|near|around|outside|towards|between|(?:village|town|locality|area|"
    r"district|kebele|woreda|camp|city)(?:\s+of)?)\s+(?:the\s+)?"
    r"((?:[A-Z][\w'’-]+\s*){1,3}))|\(([^(),]{2,40},[^()]{2,60})\)"
)
TEMPERATURE = 4.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DATA_DIR / PRIOR_NAME)
    ap.add_argument("--exclude", type=Path, action="append", default=[])
    ap.add_argument("--min-df", type=int, default=3)
    ap.add_argument("--temperature", type=float, default=TEMPERATURE)
    args = ap.parse_args(argv)

    skip: set[str] = set()
    for path in args.exclude:
        with path.open(encoding="utf-8") as fh:
            skip.update(str(json.loads(line).get("record_id")) for line in fh if line.strip())

    gaz = Gazetteer.load(prior=False)
    rows = []
    place_words: set[str] = set()
    seen: set[str] = set()
    for name in FILES:
        path = args.data / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                for k in ("location", "admin2", "admin3"):
                    if r.get(k):
                        place_words.update(prior_tokens(str(r[k])))
                # names the notes use as places ("in X", "the village of X", "(X, Y)")
                for m in PLACE_CONTEXT.finditer(str(r.get("notes") or "")):
                    place_words.update(prior_tokens(m.group(1) or m.group(2)))
                rid = str(r.get("record_id"))
                if rid in skip or rid in seen or not r.get("notes") or not r.get("country"):
                    continue
                seen.add(rid)
                rows.append(r)
    # a training row's place name stays a feature only if the gazetteer has it already
    banned = {w for w in place_words if not gaz.lookup(w)}

    label_index: dict[tuple[str, str], int] = {}
    label_docs: Counter[int] = Counter()
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    df: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    for r in rows:
        country = gaz.country(str(r["country"]))
        if country is None or country.country_code is None:
            unresolved[str(r["country"])] += 1
            continue
        cc = country.country_code
        region = ""
        if r.get("admin1"):
            a1 = gaz.admin1(cc, str(r["admin1"]))
            region = a1.name if a1 is not None else ""
        li = label_index.setdefault((cc, region), len(label_index))
        toks = [t for t in prior_tokens(str(r["notes"])) if t not in banned]
        label_docs[li] += 1
        for t in toks:
            counts[t][li] += 1
            df[t] += 1
    vocab = {t for t, n in df.items() if n >= args.min_df}
    labels = sorted(label_index.items(), key=lambda kv: kv[1])
    data = {
        "format": PRIOR_FORMAT,
        "alpha": ALPHA,
        "temperature": args.temperature,
        "vocab": len(vocab),
        "attribution": "Word counts learned from ACLED event notes (no locations kept).",
    }
    # word totals per label over the kept vocabulary only
    totals: Counter[int] = Counter()
    for t in vocab:
        for i, n in counts[t].items():
            totals[i] += n
    data["labels"] = [[cc, region, label_docs[i], totals[i]] for (cc, region), i in labels]
    words = sorted(vocab)
    offsets, index, cnts = [0], [], []
    for t in words:
        for i, n in sorted(counts[t].items()):
            index.append(i)
            cnts.append(n)
        offsets.append(len(index))
    data.update(words=words, offsets=offsets, index=index, counts=cnts)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(
        f"{len(rows)} rows, {len(labels)} labels, {len(vocab)} words "
        f"({len(banned)} place words dropped); wrote {args.out} "
        f"({args.out.stat().st_size / 1e6:.2f} MB)"
    )
    if unresolved:
        print(f"countries not resolved: {dict(unresolved.most_common(10))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
