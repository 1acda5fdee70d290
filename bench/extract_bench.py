"""Throughput of a whole ``corroborate extract`` run against spaCy's small pipeline alone.

Both run over the same texts in one benchmark run, alternating, so that
machine load affects both alike:

- ``corroborate extract FILE > /dev/null`` as a subprocess: start-up, model
  loading, reading, extraction and JSON output included; its peak resident
  memory comes from ``os.wait4`` (this child only);
- spaCy's small English pipeline (the package our pipeline uses, all of its
  default components) with ``nlp.pipe`` over the same texts, the model
  loaded beforehand.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ExtractRun",
    "ExtractVsSpacy",
    "compare",
    "read_texts",
    "run_extract",
    "spacy_model_name",
    "time_spacy",
    "write_jsonl",
]


@dataclass(frozen=True, slots=True)
class ExtractRun:
    """One ``corroborate extract`` subprocess run."""

    seconds: float
    max_rss_bytes: int
    returncode: int
    cpu_seconds: float = 0.0


@dataclass(slots=True)
class ExtractVsSpacy:
    """Repeated, alternating timings of both over the same ``docs`` texts."""

    docs: int
    chars: int
    model: str
    extract_seconds: list[float] = field(default_factory=list)
    spacy_seconds: list[float] = field(default_factory=list)
    extract_cpu: list[float] = field(default_factory=list)
    spacy_cpu: list[float] = field(default_factory=list)
    max_rss_bytes: int = 0

    @property
    def extract_docs_per_s(self) -> float:
        return self.docs / statistics.median(self.extract_seconds)

    @property
    def spacy_docs_per_s(self) -> float:
        return self.docs / statistics.median(self.spacy_seconds)

    @property
    def ratio(self) -> float:
        return self.extract_docs_per_s / self.spacy_docs_per_s

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in documents per CPU-second (less sensitive to machine load)."""
        return statistics.median(self.spacy_cpu) / statistics.median(self.extract_cpu)

    def to_dict(self) -> dict[str, Any]:
        return {
            "extract_cpu": self.extract_cpu,
            "spacy_cpu": self.spacy_cpu,
            "cpu_ratio": self.cpu_ratio,
            "docs": self.docs,
            "chars": self.chars,
            "model": self.model,
            "extract_seconds": self.extract_seconds,
            "spacy_seconds": self.spacy_seconds,
            "extract_docs_per_s": self.extract_docs_per_s,
            "spacy_docs_per_s": self.spacy_docs_per_s,
            "ratio": self.ratio,
            "max_rss_bytes": self.max_rss_bytes,
        }


def read_texts(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    """Distinct documents ``{"id", "text", "title"?}`` of a JSON Lines file, in order."""
    seen: set[str] = set()
    docs: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(docs) >= limit:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            text = row.get("text") or row.get("notes")
            if not isinstance(text, str) or not text.strip() or text in seen:
                continue
            seen.add(text)
            doc = {"id": str(row.get("record_id") or row.get("id") or len(docs)), "text": text}
            if isinstance(row.get("title"), str):
                doc["title"] = row["title"]
            docs.append(doc)
    return docs


def write_jsonl(docs: Iterable[dict[str, Any]], path: Path) -> None:
    """The documents as ``corroborate extract`` input."""
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


#: Runs the command with stdout to /dev/null and writes its wall time, CPU
#: time, peak RSS and exit code as JSON. The peak RSS must come from a small
#: parent: Linux folds the forking process's own high-water mark into a child's
#: ``ru_maxrss`` at ``exec``, so a child of the (large) benchmark process would
#: report the benchmark's memory, not its own.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
with open(os.devnull, "wb") as sink:
    proc = subprocess.Popen(sys.argv[2:], stdout=sink)
    _pid, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as fh:
    json.dump({"seconds": seconds, "maxrss_kb": usage.ru_maxrss,
               "cpu": usage.ru_utime + usage.ru_stime,
               "returncode": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_extract(command: Sequence[str], path: Path, *, extra: Sequence[str] = ()) -> ExtractRun:
    """Run ``command extract [extra] path > /dev/null``; wall and CPU time, peak RSS."""
    with tempfile.TemporaryDirectory(prefix="corroborate-extract-") as tmp:
        report = Path(tmp) / "run.json"
        launcher = [sys.executable, "-c", _LAUNCHER, str(report)]
        done = subprocess.run([*launcher, *command, "extract", *extra, str(path)], check=False)
        if not report.exists():
            return ExtractRun(0.0, 0, done.returncode or 1)
        got = json.loads(report.read_text(encoding="utf-8"))
    return ExtractRun(
        float(got["seconds"]),
        int(got["maxrss_kb"]) * 1024,  # kilobytes on Linux
        int(got["returncode"]),
        float(got["cpu"]),
    )


def spacy_model_name(language: str = "en") -> str:
    """The installed spaCy pipeline our extraction uses for ``language``."""
    from corroborate.extract.nlp import MODELS

    for name in MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(f"no spaCy pipeline installed for {language!r}")


def load_spacy(name: str) -> Any:
    """The full default pipeline (every component), as ``spacy.load`` gives it."""
    import spacy

    return spacy.load(name)


def time_spacy(nlp: Any, texts: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``nlp.pipe`` over ``texts`` (every document consumed)."""
    start, cpu = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(texts):
        pass
    return time.perf_counter() - start, time.process_time() - cpu


def compare(
    command: Sequence[str],
    docs: Sequence[dict[str, str]],
    workdir: Path,
    *,
    repeats: int = 3,
    nlp: Any = None,
) -> ExtractVsSpacy:
    """Alternate ``corroborate extract`` and spaCy ``nlp.pipe`` runs, ``repeats`` times each."""
    path = workdir / "extract-input.jsonl"
    write_jsonl(docs, path)
    model = spacy_model_name()
    if nlp is None:
        nlp = load_spacy(model)
    texts = [d["text"] for d in docs]
    out = ExtractVsSpacy(docs=len(docs), chars=sum(map(len, texts)), model=model)
    for i in range(repeats):
        # Alternate which goes first, so neither always follows the other.
        order = ("extract", "spacy") if i % 2 == 0 else ("spacy", "extract")
        for which in order:
            if which == "extract":
                run = run_extract(command, path)
                if run.returncode != 0:
                    raise RuntimeError(f"corroborate extract exited with {run.returncode}")
                out.extract_seconds.append(run.seconds)
                out.extract_cpu.append(run.cpu_seconds)
                out.max_rss_bytes = max(out.max_rss_bytes, run.max_rss_bytes)
            else:
                wall, cpu = time_spacy(nlp, texts)
                out.spacy_seconds.append(wall)
                out.spacy_cpu.append(cpu)
    return out
