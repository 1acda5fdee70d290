"""The long versions of the hardening tests (``make stress``), and their figures.

Runs tests/hardening with CORROBORATE_STRESS=1: a 10,000-item mixed corpus
through ``corroborate ingest``, 100 kill -9 trials (and 5 of the real
command), two ingesters and a server at once over 200 documents, thousands
of fuzz examples per reader, and 200 clients for 60 s against the API over
100,000 synthetic incidents. Then prints the figures the tests recorded::

    nice -n 10 .venv/bin/python scripts/stress.py            # everything
    .venv/bin/python scripts/stress.py -k load                # just the load test

Extra arguments go to pytest. Exit status: pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        env = {**os.environ, "CORROBORATE_STRESS": "1", "CORROBORATE_FIGURES": str(figures)}
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/hardening"]
        code = subprocess.call([*cmd, *argv], cwd=ROOT, env=env)
        print(f"\nload average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if figures.exists():
            for line in figures.read_text(encoding="utf-8").splitlines():
                data = json.loads(line)
                name = data.pop("test")
                data.pop("first_errors", None)
                print(f"{name:<22} " + ", ".join(f"{k} {v}" for k, v in data.items()))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
