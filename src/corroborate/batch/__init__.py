"""Batch: extraction and incident resolution over whole archives, into Parquet.

A face (like the CLI and the web app): it wires the readers, extraction,
resolution and the store together. ``run_local`` runs in plain Python,
``run_spark`` on a Spark cluster; both write the same rows to
``OUTPUT/{articles,reports,incidents,rejects}/`` and ``load_batch`` loads
them into a store. pyarrow (and pyspark for Spark) come with the
``spark`` extra and are imported only when a run starts.

The names below are imported on first use, so that ``corroborate --help``
does not load the readers.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corroborate.batch.common import TABLES, BatchResult
    from corroborate.batch.load import LoadResult, load_batch, read_table
    from corroborate.batch.local import run_local
    from corroborate.batch.resolve_blocks import BlockConfig
    from corroborate.batch.spark import run_spark, spark_session

__all__ = [
    "TABLES",
    "BatchResult",
    "BlockConfig",
    "LoadResult",
    "load_batch",
    "read_table",
    "run_local",
    "run_spark",
    "spark_session",
]

_WHERE = {
    "TABLES": "common",
    "BatchResult": "common",
    "BlockConfig": "resolve_blocks",
    "LoadResult": "load",
    "load_batch": "load",
    "read_table": "load",
    "run_local": "local",
    "run_spark": "spark",
    "spark_session": "spark",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"corroborate.batch.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'corroborate.batch' has no attribute {name!r}")
