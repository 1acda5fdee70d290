"""The ``batch`` and ``load`` commands, added to the main app by :func:`register`."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from corroborate.errors import CorroborateError

__all__ = ["register"]

_err = Console(stderr=True, soft_wrap=True)
_ENGINES = ("local", "spark")


def register(app: typer.Typer) -> None:
    """Add the ``batch`` and ``load`` commands to ``app``."""
    app.command("batch")(batch)
    app.command("load")(load)


def _fail(message: str, code: int = 2) -> typer.Exit:
    _err.print(f"[red]error:[/red] {escape(message)}", markup=True, highlight=False)
    return typer.Exit(code)


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise _fail(
            "batch output is Parquet, which needs pyarrow: pip install 'corroborate[spark]'"
        ) from None


def _spark_conf(pairs: Sequence[str], *, master: str | None) -> dict[str, str]:
    conf: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--conf takes KEY=VALUE, not {pair!r}")
        conf[key.strip()] = value
    # Python workers started by a local master run this interpreter (the one with
    # corroborate installed) unless told otherwise; pyspark reads only the
    # environment for that. Under spark-submit (which starts this driver with a
    # gateway port) the submitted settings apply.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    local = master.startswith("local") if master is not None else not submitted
    if local and "PYSPARK_PYTHON" not in os.environ:
        os.environ["PYSPARK_PYTHON"] = conf.get("spark.pyspark.python", sys.executable)
    if local:
        conf.setdefault("spark.ui.showConsoleProgress", "false")
    return conf


def batch(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="INPUT... then OUTPUT. Inputs: .jsonl/.ndjson(.gz), .warc(.gz) or .parquet "
            "files, or directories of them, as local paths or Hadoop-compatible URIs "
            "(hdfs://, s3a://, gs://…). OUTPUT: the directory that gets articles/, reports/, "
            "incidents/ and rejects/ as Parquet.",
            metavar="INPUT... OUTPUT",
        ),
    ],
    engine: Annotated[str, typer.Option(help="local (this machine) or spark.")] = "local",
    workers: Annotated[
        int, typer.Option(help="local engine: extraction processes (models load once each).")
    ] = 1,
    master: Annotated[
        str | None,
        typer.Option(help="spark engine: the master (default: spark-submit's, else local[*])."),
    ] = None,
    conf: Annotated[
        list[str] | None,
        typer.Option("--conf", help="spark engine: a Spark setting KEY=VALUE (repeatable)."),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(help="spark engine: extraction partitions (default: 3 per core)."),
    ] = None,
    bucket_days: Annotated[
        int, typer.Option(help="Width of the date buckets that block incident resolution.")
    ] = 7,
    overwrite: Annotated[
        bool, typer.Option(help="Replace the tables of an earlier run in OUTPUT.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Extract and resolve a whole archive into Parquet tables, locally or on Spark.

    Writes OUTPUT/reports/ (one row per event, the contract's fields flattened),
    OUTPUT/incidents/, OUTPUT/articles/ and OUTPUT/rejects/; the same input gives
    the same rows with either engine. Load the result into a store with
    'corroborate load'. Exits 0 when the run finished (rejects are counted and
    kept in OUTPUT/rejects/), non-zero when it could not run.

    Examples:

      corroborate batch news.jsonl out/

      corroborate batch --workers 2 cc-news/ year.parquet out/ --overwrite

      corroborate batch --engine spark --master 'local[4]' crawl/*.warc.gz out/

      spark-submit --master yarn --archives env.tar.gz#env \\
          --conf spark.pyspark.python=./env/bin/python \\
          "$(python -c 'import corroborate.batch.submit as m; print(m.__file__)')" \\
          s3a://bucket/cc-news/2024/ s3a://bucket/out/2024/
    """
    if len(paths) < 2:
        raise _fail("give at least one INPUT and the OUTPUT directory")
    *inputs, output = paths
    engine = engine.lower()
    if engine not in _ENGINES:
        raise _fail(f"--engine must be 'local' or 'spark', not {engine!r}")
    if engine == "local" and (master or conf or partitions):
        raise _fail("--master, --conf and --partitions apply to --engine spark only")
    if engine == "spark" and workers != 1:
        raise _fail("--workers applies to --engine local only (Spark uses its cores)")
    _need_pyarrow()
    from corroborate.batch.resolve_blocks import BlockConfig

    try:
        blocks = BlockConfig(bucket_days=bucket_days)
        if engine == "local":
            from corroborate.batch.local import run_local

            result = run_local(inputs, output, workers=workers, blocks=blocks, overwrite=overwrite)
        else:
            from corroborate.batch.spark import run_spark, spark_session

            session = spark_session(master=master, conf=_spark_conf(conf or [], master=master))
            try:
                result = run_spark(
                    inputs,
                    output,
                    spark=session,
                    blocks=blocks,
                    partitions=partitions,
                    overwrite=overwrite,
                )
            finally:
                session.stop()
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
        return
    _err.print(
        f"read {result.documents} documents: {result.articles} articles, "
        f"{result.duplicates} duplicates, {result.rejected} rejected; "
        f"{result.reports} reports, {result.incidents} incidents in {output}",
        highlight=False,
    )
    for reason, n in sorted(result.rejects_by_reason.items()):
        _err.print(f"  rejected ({reason}): {n}", highlight=False)


def load(
    output: Annotated[str, typer.Argument(help="The OUTPUT directory of 'corroborate batch'.")],
    db: Annotated[
        str,
        typer.Option(
            "--db",
            help="SQLite path (created on first use) or postgresql:// URL.",
            envvar="CORROBORATE_DB",
        ),
    ] = "corroborate.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load a batch output (articles, reports, incidents, rejects) into a store.

    Then 'corroborate serve', 'incidents', 'show' and 'export' work on it. Articles
    already in the store are skipped with their reports; batch incidents are not
    merged with incidents already there, so load into a new store when you can.

    Examples:

      corroborate load out/ --db year.db

      corroborate load out/ --db year.db --json && corroborate serve --db year.db
    """
    _need_pyarrow()
    from corroborate.batch.load import load_batch
    from corroborate.store import open_store

    try:
        with open_store(db) as store:
            result = load_batch(output, store=store)
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
        return
    _err.print(
        f"loaded {result.articles} articles ({result.duplicates} already stored), "
        f"{result.reports} reports, {result.incidents} incidents, {result.rejects} rejects "
        f"into {db}",
        highlight=False,
    )
