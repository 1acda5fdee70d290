"""Evaluate the place extractor against ACLED's own coding of its notes.

    .venv/bin/python scripts/eval_places.py [--data PATH] [--n 3000] [--errors FILE]

Reads ACLED events (JSON Lines with ``notes``, ``country``, ``admin1``,
``latitude``, ``longitude``, ``geo_precision``) from the project's private
benchmark folder (``../shared/benchmark/dev/acled_events.jsonl`` by default;
nothing of it is copied into the repository), runs
:func:`corroborate.extract.places.extract_place` on each note, and reports
country accuracy, admin1 accuracy, the share of points within 25 km and
100 km of ACLED's, and geo_precision agreement. Rows are sampled in a fixed
hash order, so runs are comparable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.extract.gazetteer import Gazetteer, haversine_km, normalise_name  # noqa: E402
from corroborate.extract.places import extract_place  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "benchmark" / "dev" / "acled_events.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--n", type=int, default=3000, help="rows to evaluate (0: all)")
    ap.add_argument("--errors", type=Path, help="write mismatches here (JSON Lines, local only)")
    args = ap.parse_args(argv)

    rows: list[dict[str, Any]] = []
    with args.data.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("notes") and r.get("latitude") is not None:
                rows.append(r)
    rows.sort(key=lambda r: hashlib.sha256(str(r.get("record_id")).encode()).hexdigest())
    if args.n:
        rows = rows[: args.n]

    t0 = time.perf_counter()
    gaz = Gazetteer.load()
    load_s = time.perf_counter() - t0
    n = len(rows)
    stats: Counter[str] = Counter()
    by_country: dict[str, Counter[str]] = {}
    errors = []
    t1 = time.perf_counter()
    for r in rows:
        stats["p12"] += r.get("geo_precision") in (1, 2)
        res = extract_place(r["notes"], gazetteer=gaz)
        gold_country = gaz.country(r["country"])
        gold_cc = gold_country.country_code if gold_country else None
        c = by_country.setdefault(r["country"], Counter())
        c["n"] += 1
        if res is None:
            stats["none"] += 1
            c["none"] += 1
            errors.append({"why": "none", "row": _brief(r), "got": None})
            continue
        ok_country = res.country_code == gold_cc
        stats["country"] += ok_country
        c["country"] += ok_country
        gold_a1 = r.get("admin1")
        ok_a1 = False
        if gold_a1 and res.admin1 and gold_cc:
            g = gaz.admin1(gold_cc, gold_a1)
            gname = g.name if g is not None else gold_a1
            ok_a1 = ok_country and normalise_name(gname) == normalise_name(res.admin1)
        stats["admin1"] += ok_a1
        c["admin1"] += ok_a1
        # as `corroborate eval` scores it: the name shown must be the one ACLED uses
        stats["admin1_strict"] += bool(gold_a1) and ok_country and fold(res.admin1) == fold(gold_a1)
        d = None
        if res.latitude is not None and res.longitude is not None:
            d = haversine_km(
                res.latitude, res.longitude, float(r["latitude"]), float(r["longitude"])
            )
            stats["25km"] += d <= 25
            stats["100km"] += d <= 100
            c["25km"] += d <= 25
            if r.get("geo_precision") in (1, 2):
                stats["25km_p12"] += d <= 25
                stats["100km_p12"] += d <= 100
        stats["precision"] += res.geo_precision == r.get("geo_precision")
        if not (ok_country and ok_a1 and d is not None and d <= 25):
            errors.append(
                {
                    "why": "country" if not ok_country else "admin1" if not ok_a1 else "distance",
                    "row": _brief(r),
                    "got": {**res.to_fields(), "country_code": res.country_code, "km": d},
                }
            )
    run_s = time.perf_counter() - t1

    def share(k: str) -> str:
        return f"{stats[k] / n:.3f}"

    print(f"rows: {n}  (gazetteer load {load_s:.2f} s, extraction {1000 * run_s / n:.2f} ms/row)")
    placed = n - stats["none"]
    print(f"no place:          {share('none')}")
    if placed:
        print(
            f"where placed ({placed}): country {stats['country'] / placed:.3f}, "
            f"admin1 {stats['admin1'] / placed:.3f}, 25 km {stats['25km'] / placed:.3f}"
        )
    print(f"country accuracy:  {share('country')}")
    print(f"admin1 accuracy:   {share('admin1')}")
    print(f"admin1 (ACLED's names, as `corroborate eval`): {share('admin1_strict')}")
    print(f"within 25 km:      {share('25km')}")
    print(f"within 100 km:     {share('100km')}")
    p12 = stats["p12"] or 1
    print(
        f"geo_precision 1-2 rows ({stats['p12']}): within 25 km {stats['25km_p12'] / p12:.3f}, "
        f"within 100 km {stats['100km_p12'] / p12:.3f}"
    )
    print(f"same geo_precision:{share('precision')}")
    print("by country (n, country, admin1, 25km, none):")
    for name, c in sorted(by_country.items(), key=lambda kv: -kv[1]["n"])[:20]:
        k = c["n"]
        print(
            f"  {name:28s} {k:5d} {c['country'] / k:.2f} {c['admin1'] / k:.2f} "
            f"{c['25km'] / k:.2f} {c['none'] / k:.2f}"
        )
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as fh:
            for e in errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 0


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form for comparing names (as `corroborate eval`)."""
    if not text:
        return ""
    nfkd = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in nfkd if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision")
    return {"notes": r["notes"][:400], **{k: r.get(k) for k in keys}}


if __name__ == "__main__":
    raise SystemExit(main())
