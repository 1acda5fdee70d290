"""Score extraction on every dev gold file and write the table into README.md.

Run by ``make eval`` (reads ../shared/benchmark/dev only when run; nothing of
it is copied into the repository). Usage:

    python scripts/eval_all.py [--shared ../shared] [--limit N] [--no-readme]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from corroborate.evaluate import evaluate
from corroborate.extract.pipeline import Pipeline

FILES = {
    "acled": "acled_events.jsonl",
    "case": "case2021_task2_finegrained.jsonl",
    "ptc": "ptc_propaganda_spans.jsonl",
    "gtd": "gtd_events.jsonl",
    "ucdp": "ucdp_ged_syria.jsonl",
    "clusters": "news_incident_clusters.jsonl",
}
START, END = "<!-- eval:start -->", "<!-- eval:end -->"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared", type=Path)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--no-readme", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = ap.parse_args()
    dev = args.shared / "benchmark" / "dev"
    if not dev.is_dir():
        print(f"no benchmark at {dev}: make eval needs ../shared", file=sys.stderr)
        return 2
    pipeline = Pipeline.from_config()
    tables = []
    for kind, name in FILES.items():
        t0 = time.perf_counter()
        table = evaluate(dev / name, kind=kind, extractor=pipeline, limit=args.limit)
        print(f"{kind}: {table.rows} rows in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        print(table.markdown() + "\n")
        tables.append(table)
    # The incident stress set: look-alike ACLED events that must stay apart.
    sys.path.insert(0, str(Path(__file__).parent))
    from stress_clusters import stress_table

    t0 = time.perf_counter()
    stress = stress_table(dev / FILES["acled"], pipeline)
    print(f"stress: {stress.rows} rows in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(stress.markdown() + "\n")
    tables.append(stress)
    if args.json:
        args.json.write_text(json.dumps([t.to_dict() for t in tables], indent=1))
    if not args.no_readme:
        readme = Path("README.md")
        text = readme.read_text("utf-8")
        date = time.strftime("%Y-%m-%d")
        body = "\n\n".join(
            f"**{t.kind}** ({t.rows} rows of `{FILES[t.kind]}`)\n\n{t.markdown()}"
            if t.kind in FILES
            else f"**{t.kind}** ({t.gold})\n\n{t.markdown()}"
            for t in tables
        )
        block = (
            f"{START}\nScores on `../shared/benchmark/dev`, {date}"
            + (f" (first {args.limit} rows of each file)" if args.limit else "")
            + f":\n\n{body}\n{END}"
        )
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), block, text, flags=re.S)
        readme.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
