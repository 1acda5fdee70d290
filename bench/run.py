"""``make bench``: extraction speed and memory, ingest scaling and Spark, in one run.

Reads real texts from ``../shared/benchmark/dev`` at run time (nothing of it
is copied into the repository) and reports, on this machine:

1. documents/second of a whole ``corroborate extract`` run (start-up
   included) and of spaCy's small English pipeline ``nlp.pipe`` alone (model
   loaded beforehand) over the same 240 full-length PTC news articles,
   alternating, the median of ``--repeats`` runs each; their ratio is the
   headline (target ≥ 2.0);
2. the extract subprocess's peak resident memory (target ≤ 1.5 GB);
3. ingest + incident resolution time at 1k, 10k and 100k synthetic
   documents (real ACLED notes extracted once, then perturbed: see
   ``bench/ingest_bench.py``), SQLite; target: 10k → 100k no worse than
   1.2 × linear. One run to the largest size times the smaller ones on the
   way (the first k synthetic documents are the same for any size); sizes
   beyond the time budget are projected from its checkpoints ("projected");
4. ``corroborate batch`` with Spark ``local[2]`` against ``--engine local``
   on the PTC articles.

Prints a Markdown table and writes it into README.md between
``<!-- bench:start -->`` and ``<!-- bench:end -->``::

    make bench                       # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --quick --no-readme
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_bench
import ingest_bench
import spark_bench

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PTC = "ptc_propaganda_spans.jsonl"
ACLED = "acled_events.jsonl"
GB = 1e9


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    measure: str
    value: str
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        mark = "" if self.met is None else ("yes" if self.met else "**no**")
        return [self.measure, self.value, self.target, mark]


def markdown_table(rows: Sequence[Row]) -> str:
    head = ["measure", "value", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def replace_between_markers(text: str, block: str) -> str:
    """``text`` with everything between the bench markers replaced by ``block``."""
    if START not in text or END not in text or text.index(START) > text.index(END):
        raise ValueError(f"README has no {START} … {END} markers")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{block.strip()}\n{END}{tail}"


def corroborate_command() -> list[str]:
    """The ``corroborate`` console script next to this Python (the venv's)."""
    beside = Path(sys.executable).parent / "corroborate"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("corroborate")
    if found:
        return [found]
    return [sys.executable, "-m", "corroborate.cli"]


def dev_folder(shared: Path) -> Path | None:
    dev = shared / "benchmark" / "dev"
    return dev if (dev / PTC).is_file() and (dev / ACLED).is_file() else None


def stride_sample(path: Path, n: int, *, text_field: str) -> list[Any]:
    """``n`` seed articles spread over the whole file (every k-th row), not its first rows."""
    with path.open(encoding="utf-8") as fh:
        total = sum(1 for line in fh if line.strip())
    step = max(1, total // max(1, n))
    tmp = Path(tempfile.mkstemp(prefix="corroborate-seeds-", suffix=".jsonl")[1])
    try:
        with path.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(x for x in src if x.strip()):
                if i % step == 0:
                    dst.write(line)
        return ingest_bench.read_seed_articles(tmp, n, text_field=text_field)
    finally:
        tmp.unlink(missing_ok=True)


def bench_extract(
    docs: list[dict[str, str]], work: Path, repeats: int, log: Any
) -> tuple[list[Row], dict[str, Any]]:
    log(f"extract vs spaCy: {len(docs)} texts, {repeats} alternating runs each …")
    res = extract_bench.compare(corroborate_command(), docs, work, repeats=repeats)
    log(
        f"  extract {res.extract_seconds} s ({res.extract_cpu} CPU-s); spaCy "
        f"{res.spacy_seconds} s ({res.spacy_cpu} CPU-s); peak RSS {res.max_rss_bytes / GB:.2f} GB"
    )
    rows = [
        Row(
            f"`corroborate extract`, whole run, 1 process ({res.docs} PTC articles, "
            f"{res.chars // res.docs:,} chars avg)",
            f"{res.extract_docs_per_s:.1f} docs/s",
        ),
        Row(
            f"spaCy `{res.model}` `nlp.pipe` alone, all components, model preloaded",
            f"{res.spacy_docs_per_s:.1f} docs/s",
        ),
        Row(
            f"**ratio extract / spaCy** (median of {repeats} alternating runs each)",
            f"**{res.ratio:.2f}×**",
            "≥ 2.0",
            res.ratio >= 2.0,
        ),
        Row(
            "same ratio in documents per CPU-second (user + system; less load-sensitive)",
            f"{res.cpu_ratio:.2f}×",
        ),
        Row(
            "peak resident memory of the extract process",
            f"{res.max_rss_bytes / GB:.2f} GB",
            "≤ 1.5 GB",
            res.max_rss_bytes <= 1.5 * GB,
        ),
    ]
    return rows, res.to_dict()


def make_seeds(acled: Path, n: int, log: Any) -> list[ingest_bench.Seed]:
    """``n`` ACLED notes spread over the file, extracted once."""
    from corroborate.batch.work import worker_pipeline

    log(f"ingest: extracting {n} ACLED notes once as seeds …")
    start = time.perf_counter()
    seeds = ingest_bench.extract_seeds(
        stride_sample(acled, n, text_field="notes"), worker_pipeline()
    )
    log(f"  {len(seeds)} seeds in {time.perf_counter() - start:.0f} s")
    return seeds


def bench_ingest(
    seeds: Sequence[ingest_bench.Seed],
    sizes: Sequence[int],
    budget: float,
    work: Path,
    log: Any,
    *,
    blocked: bool = False,
) -> tuple[list[Row], dict[str, Any]]:
    label = "SQLite, what-if: blocked + cached candidates" if blocked else "SQLite"
    n = max(sizes)
    db = work / f"ingest{'-blocked' if blocked else ''}.db"
    log(f"ingest up to {n:,} synthetic documents ({label}, budget {budget:.0f} s) …")
    t = ingest_bench.time_ingest(
        seeds,
        n,
        str(db),
        max_seconds=budget,
        blocked=blocked,
        marks=sizes,
        progress=lambda k, s: log(f"  {k:,} docs in {s:.0f} s") if k % 10_000 == 0 else None,
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    log(
        f"  {t.docs:,} docs in {t.seconds:.1f} s, {t.candidates_per_lookup:.1f} candidates "
        f"per lookup, {t.lookup_seconds:.1f} s in candidate_incidents"
        + ("" if t.complete else "; stopped at the budget")
    )
    rows: list[Row] = []
    seconds: dict[int, float] = {}
    for size in sizes:
        got = t.at.get(size)
        if got is not None:
            seconds[size] = got["seconds"]
            per = got["candidates"] / got["lookups"] if got["lookups"] else 0.0
            share = got["lookup_seconds"] / got["seconds"] if got["seconds"] else 0.0
            value = (
                f"{got['seconds']:,.1f} s ({size / got['seconds']:.0f} docs/s); "
                f"{per:.1f} candidates/lookup, {share:.0%} of the time in candidate_incidents"
            )
        else:
            seconds[size] = t.projected_seconds(size)
            guess = "?" if math.isnan(seconds[size]) else f"{seconds[size]:,.0f}"
            value = (
                f"projected {guess} s (the run reached {t.docs:,} docs in "
                f"{t.seconds:.0f} s; {t.candidates_per_lookup:.1f} candidates/lookup by then)"
            )
        rows.append(Row(f"ingest + resolve {size:,} synthetic docs ({label})", value))
    if 10_000 in seconds and 100_000 in seconds:
        growth = seconds[100_000] / seconds[10_000] / 10
        projected = 100_000 not in t.at
        rows.append(
            Row(
                f"growth 10k → 100k, × linear ({label})",
                "not reached"
                if math.isnan(growth)
                else f"{growth:.2f}×" + (" (projected, not measured)" if projected else ""),
                "≤ 1.2×",
                None if projected else growth <= 1.2,
            )
        )
    return rows, t.to_dict()


def bench_spark(
    source: Path, docs: int, work: Path, log: Any, *, timeout: float | None = None
) -> tuple[list[Row], dict[str, Any]]:
    runs: list[spark_bench.BatchRun] = []
    for engine, workers in (("local", 1), ("local", 2), ("spark", 2)):
        log(f"batch --engine {engine} ({workers} cores) over {docs} docs …")
        run = spark_bench.run_batch(
            corroborate_command(),
            source,
            work / f"batch-{engine}-{workers}",
            docs=docs,
            engine=engine,
            workers=workers,
            master=f"local[{workers}]",
            timeout=timeout,
        )
        log(f"  {run.seconds:.1f} s, {run.docs_per_s:.1f} docs/s, exit {run.returncode}")
        runs.append(run)
    rows = [
        Row(
            f"`corroborate batch`, {r.engine}, whole run ({docs} PTC articles)",
            f"{r.docs_per_s:.1f} docs/s ({r.seconds:.0f} s)"
            if r.returncode == 0
            else f"failed ({r.summary.get('error')})",
        )
        for r in runs
    ]
    local2 = next(r for r in runs if r.engine.startswith("local, 2"))
    spark = runs[-1]
    if local2.returncode == 0 and spark.returncode == 0:
        rows.append(
            Row(
                "Spark local[2] / local engine with 2 processes",
                f"{spark.docs_per_s / local2.docs_per_s:.2f}×",
            )
        )
    return rows, {"runs": [r.to_dict() for r in runs]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat (~5 min)")
    parser.add_argument("--repeats", type=int, help="alternating extract/spaCy runs (default 3)")
    parser.add_argument("--texts", type=int, help="PTC articles to use (default all 240)")
    parser.add_argument("--seeds", type=int, help="ACLED notes extracted as seeds (default 1000)")
    parser.add_argument("--sizes", help="comma-separated ingest sizes (default 1000,10000,100000)")
    parser.add_argument(
        "--budget", type=float, help="seconds of the ingest run before projecting (default 600)"
    )
    parser.add_argument(
        "--what-if-blocked",
        action="store_true",
        help="also time ingest with a proposed candidate query (blocks, parse cache)",
    )
    parser.add_argument(
        "--spark-timeout", type=float, default=1200, help="seconds per batch run before giving up"
    )
    parser.add_argument("--skip", default="", help="comma-separated: extract,ingest,spark")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)

    dev = dev_folder(args.shared)
    if dev is None:
        print(
            f"bench: {args.shared}/benchmark/dev (with {PTC} and {ACLED}) is missing; "
            "the benchmark reads its texts from there (pass --shared DIR)",
            file=sys.stderr,
        )
        return 2
    quick = args.quick
    repeats = args.repeats or (1 if quick else 3)
    texts = args.texts or (60 if quick else None)
    seeds_n = args.seeds or (200 if quick else 1000)
    sizes = [
        int(x) for x in (args.sizes or ("500,2000" if quick else "1000,10000,100000")).split(",")
    ]
    budget = args.budget or (90.0 if quick else 600.0)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="corroborate-bench-") as tmp:
        work = Path(tmp)
        docs = extract_bench.read_texts(dev / PTC, texts)
        if "extract" not in skip:
            r, raw["extract"] = bench_extract(docs, work, repeats, log)
            rows += r
            log(markdown_table(rows))
        if "ingest" not in skip:
            seeds = make_seeds(dev / ACLED, seeds_n, log)
            r, raw["ingest"] = bench_ingest(seeds, sizes, budget, work, log)
            rows += r
            if args.what_if_blocked:
                r, raw["ingest_blocked"] = bench_ingest(
                    seeds, sizes, budget, work, log, blocked=True
                )
                rows += r
            log(markdown_table(rows))
        if "spark" not in skip:
            source = work / "batch-input.jsonl"
            extract_bench.write_jsonl(docs, source)
            r, raw["spark"] = bench_spark(source, len(docs), work, log, timeout=args.spark_timeout)
            rows += r
    minutes = (time.perf_counter() - began) / 60
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    note = (
        f"`make bench{' --quick' if quick else ''}` on {stamp}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load_before:.1f} at the start "
        f"and {os.getloadavg()[0]:.1f} at the end (other work shared the cores), "
        f"{minutes:.0f} minutes."
    )
    table = markdown_table(rows)
    print(table)
    print()
    print(note)
    raw["note"] = note
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    if not args.no_readme and not skip:
        readme = args.readme.read_text(encoding="utf-8")
        args.readme.write_text(
            replace_between_markers(readme, f"{table}\n\n{note}"), encoding="utf-8"
        )
        log(f"wrote the figures into {args.readme}")
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
