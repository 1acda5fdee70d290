"""The driver script for spark-submit: ``corroborate batch --engine spark`` as a file.

spark-submit needs a Python file for the driver; give it this one and the
arguments of ``corroborate batch`` (the engine is Spark, the master and
settings are spark-submit's)::

    spark-submit --master yarn --archives env.tar.gz#env \\
        --conf spark.pyspark.python=./env/bin/python \\
        "$(python -c 'import corroborate.batch.submit as m; print(m.__file__)')" \\
        s3a://bucket/cc-news/2024/ s3a://bucket/out/2024/
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from corroborate.batch.cli import batch

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``corroborate batch --engine spark`` with ``argv`` (default: sys.argv[1:])."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(batch)
    args = list(sys.argv[1:] if argv is None else argv)
    app(["--engine", "spark", *args], prog_name="corroborate-batch")


if __name__ == "__main__":
    main()
