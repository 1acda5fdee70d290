"""Throughput of ``corroborate batch``: the local engine against Spark, in one run.

Builds N distinct documents from the sample corpus (each sample with a
numbered note appended, so no two texts hash alike), then times

- the local engine with one process, the models loaded beforehand (the
  per-core throughput that sizes a cluster),
- the local engine with ``--workers`` processes, from a cold start,
- Spark ``local[K]``: session start, a cold run (Python workers load the
  models) and a warm run (workers reused),

and prints documents per second for each. Not a test; for the README's
"Scaling out" section::

    .venv/bin/python bench/spark_vs_local.py --docs 400 --workers 2 --master 'local[2]'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

_FIELDS = ("text", "published", "outlet", "url", "title")


def build_corpus(path: Path, n: int, source: Path | None = None) -> None:
    """N documents in the input format, cycling through ``source`` (default: the samples)."""
    if source is None:
        lines = (resources.files("corroborate") / "samples" / "articles.jsonl").read_text("utf-8")
    else:
        lines = source.read_text("utf-8")
    docs = [d for d in (json.loads(x) for x in lines.splitlines() if x.strip()) if d.get("text")]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            src = docs[i % len(docs)]
            doc = {k: src[k] for k in _FIELDS if isinstance(src.get(k), str)}
            base = src.get("id") or src.get("record_id") or src.get("article_id") or "doc"
            doc["id"] = f"{base}#{i}"
            doc["text"] = doc["text"].rstrip() + f"\n\n(Archive copy {i}.)\n"
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def timed(label: str, n: int, seconds: float, rows: list[dict[str, Any]]) -> None:
    rows.append({"run": label, "docs": n, "seconds": round(seconds, 1), "docs_per_s": n / seconds})
    print(f"{label:<46} {n:>6} docs {seconds:>8.1f} s {n / seconds:>8.1f} docs/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=400, help="documents to process")
    parser.add_argument(
        "--input", type=Path, help="JSON Lines with a text field (default: the sample corpus)"
    )
    parser.add_argument("--workers", type=int, default=2, help="local engine processes")
    parser.add_argument("--master", default="local[2]", help="Spark master")
    parser.add_argument("--no-spark", action="store_true", help="time the local engine only")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()

    from corroborate.batch import run_local
    from corroborate.batch.work import worker_pipeline

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="corroborate-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(corpus, args.docs, args.input)
        n = args.docs
        chars = sum(len(json.loads(x)["text"]) for x in corpus.read_text("utf-8").splitlines())
        print(
            f"{n} documents ({chars // n} characters on average), {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}"
        )

        start = time.perf_counter()
        pipeline = worker_pipeline()
        pipeline.extract(next(iter(_first_article(corpus))))  # lazy models load on first use
        timed("local: load models (one process)", 1, time.perf_counter() - start, [])

        start, cpu = time.perf_counter(), time.process_time()
        result = run_local([str(corpus)], f"{tmp}/local1", extractor=pipeline)
        timed("local, 1 process, models loaded", n, time.perf_counter() - start, rows)
        cpu = time.process_time() - cpu
        rows.append({"run": "local, 1 process, per CPU-second", "docs": n, "docs_per_s": n / cpu})
        print(f"  -> {n / cpu:.1f} docs per CPU-second (one core, whatever else runs)")
        print(f"  -> {result.reports} reports, {result.incidents} incidents")
        for table in ("articles", "reports", "incidents"):
            size = sum(f.stat().st_size for f in Path(f"{tmp}/local1/{table}").rglob("*.parquet"))
            print(f"  -> {table}: {size / n / 1024:.2f} KiB of Parquet per input document")

        if args.workers > 1:
            start = time.perf_counter()
            run_local([str(corpus)], f"{tmp}/localN", workers=args.workers)
            timed(f"local, {args.workers} processes, cold", n, time.perf_counter() - start, rows)

        if not args.no_spark:
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            from corroborate.batch import run_spark, spark_session

            start = time.perf_counter()
            spark = spark_session(
                master=args.master,
                app_name="corroborate-bench",
                conf={
                    "spark.ui.enabled": "false",
                    "spark.ui.showConsoleProgress": "false",
                    "spark.sql.shuffle.partitions": "8",
                },
            )
            spark.sparkContext.setLogLevel("ERROR")
            print(f"spark session start: {time.perf_counter() - start:.1f} s")
            try:
                for label in ("cold", "warm"):
                    start = time.perf_counter()
                    run_spark([str(corpus)], f"{tmp}/spark-{label}", spark=spark)
                    timed(
                        f"spark {args.master}, {label} workers",
                        n,
                        time.perf_counter() - start,
                        rows,
                    )
            finally:
                spark.stop()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        print(json.dumps(rows))


def _first_article(corpus: Path) -> Any:
    from corroborate.model import Article
    from corroborate.readers import read_jsonl

    return (a for a in read_jsonl(corpus) if isinstance(a, Article))


if __name__ == "__main__":
    main()
