#!/usr/bin/env python
"""Measure the rule extractors (casualties, dates) against ACLED's own coding.

Reads the development split of the benchmark only when run (its licence
forbids copying it; nothing from it is stored here) and reports, on a fixed
sample of ACLED notes:

- fatalities: ``combine(find_casualties(note), kind="killed").best`` against
  the coded ``fatalities`` (None counts as 0);
- event date: the first date mention of the note, resolved with
  ``published = event_date + 2 days``, against ``event_date_iso``.

Usage::

    python scripts/eval_rules.py [--data PATH] [--n 3000] [--errors 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from pathlib import Path

from corroborate.extract.casualties import CasualtyLexicon, combine, find_casualties
from corroborate.extract.dates import DateRules, find_dates

DEFAULT_DATA = Path("/work/shared/benchmark/dev/acled_events.jsonl")


def _sample(path: Path, n: int) -> list[dict[str, object]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("notes") and row.get("event_date_iso"):
                rows.append(row)
    rows.sort(key=lambda r: hashlib.sha256(str(r["record_id"]).encode()).hexdigest())
    return rows[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=3000, help="notes to evaluate (fixed hash order)")
    ap.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    ap.add_argument("--seed", type=int, default=0, help="seed for choosing which errors to print")
    ap.add_argument("--offset", type=int, default=0, help="skip this many notes of the sample")
    args = ap.parse_args(argv)

    rows = _sample(args.data, args.offset + args.n)[args.offset :]
    lexicon = CasualtyLexicon.load("en")
    rules = DateRules.load("en")

    fat_ok = date_ok = undated = 0
    fat_errors: list[str] = []
    date_errors: list[str] = []
    t_cas = t_date = 0.0
    for row in rows:
        note = str(row["notes"])
        gold_fat = int(row.get("fatalities") or 0)  # type: ignore[call-overload]
        t0 = time.perf_counter()
        mentions = find_casualties(note, lexicon=lexicon)
        figures, _ = combine(mentions, kind="killed")
        t_cas += time.perf_counter() - t0
        got = figures.best or 0
        if got == gold_fat:
            fat_ok += 1
        else:
            shown = "; ".join(f"{m.text!r}={m.low}-{m.high}/{m.qualifier}" for m in mentions)
            fat_errors.append(f"gold {gold_fat} got {got} | {note}\n    -> {shown}")

        gold_date = dt.date.fromisoformat(str(row["event_date_iso"]))
        published = gold_date + dt.timedelta(days=2)
        t0 = time.perf_counter()
        dates = find_dates(note, published=published, rules=rules)
        t_date += time.perf_counter() - t0
        first = dates[0].date if dates else None
        undated += not dates
        if first == gold_date:
            date_ok += 1
        else:
            shown = "; ".join(f"{d.text!r}={d.date}" for d in dates[:3])
            date_errors.append(f"gold {gold_date} got {first} | {note[:300]}\n    -> {shown}")

    n = len(rows)
    print(f"notes: {n}")
    print(f"fatalities best exact: {fat_ok / n:.4f} ({fat_ok}/{n})")
    print(f"event date exact:      {date_ok / n:.4f} ({date_ok}/{n})")
    dated = n - undated
    print(
        f"  notes without any date expression: {undated} (ceiling {dated / n:.4f}); "
        f"exact on the {dated} dated notes: {date_ok / max(dated, 1):.4f}"
    )
    print(f"time per note: casualties {t_cas / n * 1000:.3f} ms, dates {t_date / n * 1000:.3f} ms")
    if args.errors:
        rnd = random.Random(args.seed)
        for title, errs in (("FATALITY ERRORS", fat_errors), ("DATE ERRORS", date_errors)):
            print(f"\n== {title} ({len(errs)})")
            for line in rnd.sample(errs, min(args.errors, len(errs))):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
