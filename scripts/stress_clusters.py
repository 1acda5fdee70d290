"""The synthetic stress set for incident resolution: distinct events that look alike.

ACLED rows of the same country, admin1, event type and ISO week are distinct
events (ACLED codes one row per event), so none of them may merge. Rows whose
notes are near-copies of another row of their group (boilerplate coded at
many places) are left out: they are one text, not distinct reports. This
builds such groups from ``../shared/benchmark/dev/acled_events.jsonl`` into a
temporary JSONL (nothing is written into the repository), ingests it into a
fresh store with the real pipeline and reports the false-merge rate (target
<= 2%) and B-cubed precision. Run by ``make eval``; usage:

    python scripts/stress_clusters.py [--shared ../shared] [--groups 400] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from corroborate.evaluate import ScoreTable, evaluate_clusters
from corroborate.extract.pipeline import Pipeline
from corroborate.resolve.syndication import fingerprint, near_duplicate


def build(rows: list[dict[str, object]], groups: int) -> list[dict[str, object]]:
    by_key: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        day = row.get("event_date_iso")
        if not row.get("notes") or not isinstance(day, str):
            continue
        year, week, _ = dt.date.fromisoformat(day).isocalendar()
        key = (str(row.get("country")), str(row.get("admin1")), str(row.get("event_type")))
        by_key[(*key, f"{year}-W{week:02d}")].append(row)
    multi = [v for v in by_key.values() if len(v) >= 2]
    multi.sort(key=lambda v: hashlib.sha256(str(v[0]["record_id"]).encode()).hexdigest())
    out: list[dict[str, object]] = []
    for group in multi[:groups]:
        kept: list[tuple[int, ...]] = []
        for row in group:
            # Boilerplate notes (one text coded at many places) are not
            # distinct reports: keep the first of near-identical texts.
            fp = fingerprint(str(row["notes"]))
            if any(near_duplicate(fp, other) for other in kept):
                continue
            kept.append(fp)
            day = dt.date.fromisoformat(str(row["event_date_iso"]))
            out.append(
                {
                    "record_id": row["record_id"],
                    "incident_id": row["record_id"],  # every row is its own event
                    "text": row["notes"],
                    "published": (day + dt.timedelta(days=2)).isoformat(),
                    "outlet": row.get("source"),
                }
            )
    return out


def stress_table(acled: Path, pipeline: Pipeline, groups: int = 400) -> ScoreTable:
    """Build the stress set from the ACLED dev file, resolve it and score it."""
    rows = [json.loads(line) for line in acled.open(encoding="utf-8")]
    items = build(rows, groups)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stress.jsonl"
        path.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
        table = evaluate_clusters(path, extractor=pipeline)
    table.kind = "stress"
    table.gold = f"synthetic stress set: {len(items)} ACLED notes in {groups} look-alike groups"
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared", type=Path)
    ap.add_argument("--groups", type=int, default=400)
    ap.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = ap.parse_args()
    src = args.shared / "benchmark" / "dev" / "acled_events.jsonl"
    if not src.is_file():
        print(f"no benchmark at {src}: the stress set needs ../shared", file=sys.stderr)
        return 2
    table = stress_table(src, Pipeline.from_config(), args.groups)
    print(table.markdown())
    if args.json:
        args.json.write_text(json.dumps(table.to_dict(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
