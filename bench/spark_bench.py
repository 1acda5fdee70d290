"""``corroborate batch``: Spark ``local[K]`` against the local engine, on the same input.

Each engine runs as a whole ``corroborate batch`` subprocess (start-up, the
JVM for Spark, model loading, extraction, resolution and the Parquet
output included), so the figures are what a user of this machine sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["BatchRun", "run_batch", "spark_env"]


@dataclass(frozen=True, slots=True)
class BatchRun:
    """One ``corroborate batch`` run."""

    engine: str
    docs: int
    seconds: float
    returncode: int
    summary: Mapping[str, Any]

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "docs_per_s": self.docs_per_s}


def spark_env(python: str | None = None) -> dict[str, str]:
    """The environment for a local Spark run: loopback, and this venv's Python for workers."""
    env = dict(os.environ)
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    env.setdefault("PYSPARK_PYTHON", python or sys.executable)
    env.setdefault("PYSPARK_DRIVER_PYTHON", python or sys.executable)
    return env


def run_batch(
    command: Sequence[str],
    source: Path,
    out: Path,
    *,
    docs: int,
    engine: str = "local",
    workers: int = 1,
    master: str = "local[2]",
    timeout: float | None = None,
) -> BatchRun:
    """Run ``corroborate batch`` with one engine and time it."""
    args = [*command, "batch", "--json", "--overwrite", "--engine", engine]
    if engine == "spark":
        args += ["--master", master, "--conf", "spark.ui.enabled=false"]
        label = f"spark {master}"
    else:
        args += ["--workers", str(workers)]
        label = f"local, {workers} process{'es' if workers > 1 else ''}"
    args += [str(source), str(out)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            args,
            env=spark_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        return BatchRun(label, docs, seconds, -1, {"error": f"timed out after {seconds:.0f} s"})
    seconds = time.perf_counter() - start
    summary: dict[str, Any] = {}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except json.JSONDecodeError:
                continue
            break
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines()[-1:] or ["?"]
        summary = {"error": f"exit {proc.returncode}: {last[0]}"}
    return BatchRun(label, docs, seconds, proc.returncode, summary)
