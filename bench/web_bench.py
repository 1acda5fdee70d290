"""Speed of the web app over 100,000 incidents in SQLite: p95 of list, map and API queries.

Ingests the sample corpus with the real pipeline into a temporary SQLite
store, then makes N synthetic incidents by perturbing those real incidents
(dates shifted by up to three years, coordinates moved by up to three
degrees, figures scaled, event types and grades sometimes swapped, one or
two member reports for most, new ids) and loads them through the store's bulk path
(``Store.bulk_add_incidents``), not through extraction. Then it times
requests through the ASGI app in-process (no network; the app's own work,
the store and the JSON/HTML rendering) and prints p50/p95/max per query::

    nice -n 10 .venv/bin/python bench/web_bench.py --incidents 100000 --repeat 30

The target is p95 < 200 ms on 2 cores. Not a test: figures depend on the
machine (the load average is printed with them). ``--db FILE`` keeps the
store; a later run with the same ``--db`` measures it again without loading.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from corroborate.model import EVENT_TYPES, Figures, Incident
from corroborate.store import open_store
from corroborate.store.base import Store

GRADES = ("Confirmed", "Fair", "Weak", "Contested", "Discounted")


def real_incidents(store: Store) -> list[Incident]:
    """The sample corpus ingested with the real pipeline; its incidents."""
    from corroborate.extract.pipeline import Pipeline
    from corroborate.ingest import ingest
    from corroborate.readers import read_sources
    from corroborate.resolve import Resolver

    samples = resources.files("corroborate") / "samples" / "articles.jsonl"
    ingest(
        read_sources([str(samples)], allow_private=False),
        store=store,
        extractor=Pipeline.from_config(),
        resolver=Resolver(),
    )
    return list(store.iter_incidents())


def _scale(f: Figures, k: float) -> Figures:
    def s(v: int | None) -> int | None:
        return None if v is None else max(0, round(v * k))

    return Figures(low=s(f.low), best=s(f.best), high=s(f.high))


def perturbed(seeds: list[Incident], n: int, rng: random.Random) -> Iterator[Incident]:
    """``n`` synthetic incidents, each a perturbed copy of one real incident."""
    types = list(EVENT_TYPES)
    placed = [i for i in seeds if i.record.latitude is not None] or seeds
    for k in range(n):
        base = seeds[k % len(seeds)] if k % 5 else placed[k % len(placed)]
        r = base.record
        day = date.fromisoformat(r.event_date[:10]) if r.event_date else date(2023, 6, 1)
        day += timedelta(days=rng.randint(-3 * 365, 3 * 365))
        changes: dict[str, object] = {
            "event_date": day.isoformat(),
            "fatalities": _scale(r.fatalities, rng.choice((0, 0.5, 1, 1, 2, 5))),
        }
        if r.latitude is not None and r.longitude is not None:
            changes["latitude"] = max(-89.0, min(89.0, r.latitude + rng.uniform(-3, 3)))
            changes["longitude"] = max(-179.0, min(179.0, r.longitude + rng.uniform(-3, 3)))
        if rng.random() < 0.3:
            event_type = rng.choice(types)
            changes["event_type"] = event_type
            changes["sub_event_type"] = rng.choice(EVENT_TYPES[event_type])
        # most incidents have one or two reports (and the JSON stays a realistic size)
        roll = rng.random()
        keep = 1 if roll < 0.6 else 2 if roll < 0.9 else len(base.members)
        yield dataclasses.replace(
            base,
            incident_id=f"syn-{k:06d}",
            members=base.members[:keep],
            record=dataclasses.replace(r, **changes),  # type: ignore[arg-type]
            grade=rng.choice(GRADES) if rng.random() < 0.3 else base.grade,
        )


def queries(seeds: list[Incident]) -> list[tuple[str, str]]:
    """(label, path) of the measured requests."""
    country = next((i.record.country for i in seeds if i.record.country), "Mali")
    admin1 = next((i.record.admin1 for i in seeds if i.record.admin1), "Gao")
    actor = next((i.record.actor1 for i in seeds if i.record.actor1), "Military")
    lat = next((i.record.latitude for i in seeds if i.record.latitude is not None), 16.0)
    lon = next((i.record.longitude for i in seeds if i.record.longitude is not None), 0.0)
    word = "killed"
    z5 = f"{lat - 6:.3f},{lon - 12:.3f},{lat + 6:.3f},{lon + 12:.3f}"
    z8 = f"{lat - 0.8:.3f},{lon - 1.5:.3f},{lat + 0.8:.3f},{lon + 1.5:.3f}"
    return [
        ("list page, no filter", "/"),
        ("list page, country", f"/?country={country}"),
        ("list page, dates+type", "/?date_from=2022-01-01&date_to=2022-06-30&event_type=Battles"),
        ("list page, admin1+min fatalities", f"/?admin1={admin1}&min_fatalities=2"),
        ("list page, actor", f"/?actor={actor[:12]}"),
        ("list page, full text", f"/?q={word}"),
        ("list page, offset 50000", "/?offset=50000"),
        ("api incidents, limit 100", "/api/incidents?limit=100"),
        ("api incidents, country+grade", f"/api/incidents?country={country}&grade=Weak"),
        ("api incidents, limit 1000", "/api/incidents?limit=1000"),
        ("api reports", "/api/reports?limit=100"),
        ("api articles, full text", f"/api/articles?q={word}"),
        ("map, world zoom 2", "/api/map?zoom=2"),
        ("map, world zoom 2, type", "/api/map?zoom=2&event_type=Protests"),
        ("map, region zoom 5", f"/api/map?zoom=5&bbox={z5}"),
        ("map, local zoom 8", f"/api/map?zoom=8&bbox={z8}"),
        ("map, local zoom 8, dates", f"/api/map?zoom=8&bbox={z8}&date_from=2023-01-01"),
        ("timeline, no filter", "/api/timeline"),
        ("timeline, country", f"/api/timeline?country={country}"),
    ]


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine is right now
    (about 0.3 s on an idle, current x86 core)."""
    start = time.perf_counter()
    total = 0
    for k in range(5_000_000):
        total += k
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--db", type=Path, help="keep the store here (default: a temp dir)")
    args = parser.parse_args(argv)

    from fastapi.testclient import TestClient

    from corroborate.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        store = open_store(db)
        try:
            _, existing = store.list_incidents(limit=0)
            if existing >= args.incidents:  # a kept --db: measure it again
                with sqlite3.connect(db) as raw:
                    ids = [
                        row[0]
                        for row in raw.execute(
                            "SELECT incident_id FROM incidents WHERE incident_id NOT LIKE 'syn-%'"
                        )
                    ]
                seeds = [i for i in map(store.get_incident, ids) if i is not None]
                print(f"reusing {db}: {existing} incidents", file=sys.stderr)
            else:
                t0 = time.perf_counter()
                seeds = real_incidents(store)
                print(f"ingested the samples: {len(seeds)} real incidents", file=sys.stderr)
                t1 = time.perf_counter()
                rng = random.Random(args.seed)
                loaded = store.bulk_add_incidents(perturbed(seeds, args.incidents, rng))
                t2 = time.perf_counter()
                print(
                    f"bulk-loaded {loaded} synthetic incidents in {t2 - t1:.1f} s "
                    f"({loaded / max(t2 - t1, 1e-9):,.0f}/s); samples took {t1 - t0:.1f} s",
                    file=sys.stderr,
                )
            rows = []
            before = reference_loop()
            with TestClient(create_app(store)) as client:
                for label, path in queries(seeds):
                    client.get(path)  # warm the page cache and the plan
                    times = []
                    status = 0
                    size = 0
                    for _ in range(args.repeat):
                        start = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - start) * 1000)
                        status, size = response.status_code, len(response.content)
                    times.sort()
                    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                    rows.append((label, status, size, statistics.median(times), p95, times[-1]))
            after = reference_loop()
        finally:
            store.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{args.incidents:,} incidents in SQLite, {args.repeat} requests each (ms); "
        f"{os.cpu_count()} CPUs, load average {load}; reference loop {before:.2f} s before, "
        f"{after:.2f} s after (about 0.3 s on an idle core)\n"
    )
    print(f"{'query':<36} {'status':>6} {'bytes':>9} {'p50':>7} {'p95':>7} {'max':>7}")
    for label, status, size, p50, p95, worst in rows:
        flag = "" if p95 < 200 else "  > 200 ms"
        print(f"{label:<36} {status:>6} {size:>9,} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
