"""kill -9 the ingester at random points; the store must stay sound and resumable.

Each trial starts a real ingester process on a small input, kills it with
SIGKILL after a random delay, checks the file (``PRAGMA integrity_check``,
foreign keys, incidents agreeing with their reports), then resumes the run
and requires exactly the state of an uninterrupted run: the same articles,
reports, incidents and incident log, nothing lost, nothing duplicated.

Most trials fork a process that already holds the extractions (made once by
the real pipeline), so its time goes to the store and the resolver and the
kills land inside transactions; a few run the real ``corroborate ingest``
command, model loading and all.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corroborate.extract.pipeline import Pipeline
from corroborate.ingest import ingest
from corroborate.model import Article, Extraction
from corroborate.readers import read_sources
from corroborate.resolve import Resolver
from corroborate.store import open_store
from tests.hardening.corpus import valid_text
from tests.hardening.support import CLI, check_store, connect, record_figures, scale, snapshot

TRIALS = scale(20, 100, env="CORROBORATE_CRASH_TRIALS")
CLI_TRIALS = scale(1, 5)


class Recorded:
    """An extractor that replays extractions the real pipeline made beforehand."""

    def __init__(self, extractions: dict[str, Extraction]) -> None:
        self.extractions = extractions

    def extract(self, article: Article) -> Extraction:
        return self.extractions[article.id]


def _write_input(path: Path, n: int) -> None:
    rng = random.Random(20)
    lines = []
    for k in range(n):
        text = valid_text(k // 2, random.Random(k // 2))  # pairs of near-identical texts
        if k % 2:
            text = text.replace("Ref", "Reference")
        lines.append(
            json.dumps(
                {
                    "id": f"c{k}",
                    "text": text,
                    "outlet": f"Outlet {k % 5}",
                    "published": f"2024-0{1 + k % 9}-1{k % 9}",
                }
            )
        )
        if rng.random() < 0.15:
            lines.append('{"text": 3}')  # a reject now and then
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def workload(
    tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline
) -> Iterator[tuple[Path, Recorded]]:
    root = tmp_path_factory.mktemp("crash")
    source = root / "input.jsonl"
    _write_input(source, scale(30, 60))
    extractions = {
        item.id: pipeline.extract(item)
        for item in read_sources([str(source)])
        if isinstance(item, Article)
    }
    yield source, Recorded(extractions)


def _run(db: Path, source: Path, extractor: Recorded) -> None:
    with open_store(db) as store:
        ingest(read_sources([str(source)]), store=store, extractor=extractor, resolver=Resolver())


def _fork_run(db: Path, source: Path, extractor: Recorded) -> int:
    pid = os.fork()
    if pid == 0:  # the child: ingest, then leave without running any of pytest's code
        code = 0
        try:
            _run(db, source, extractor)
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def _rejects(db: Path) -> set[tuple[str, str, str]]:
    with connect(db) as con:
        return {tuple(r) for r in con.execute("SELECT origin, reason, detail FROM rejects")}


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, workload: tuple[Path, Recorded]
) -> tuple[dict[str, object], set[tuple[str, str, str]], float]:
    source, extractor = workload
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    start = time.perf_counter()
    pid = _fork_run(db, source, extractor)
    _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0
    check_store(db)
    return snapshot(db), _rejects(db), seconds


def test_kill9_at_random_points(
    tmp_path: Path,
    workload: tuple[Path, Recorded],
    reference: tuple[dict[str, object], set[tuple[str, str, str]], float],
) -> None:
    source, extractor = workload
    expected, expected_rejects, seconds = reference
    rng = random.Random(99)
    partial = 0
    for trial in range(TRIALS):
        db = tmp_path / f"trial-{trial}.db"
        pid = _fork_run(db, source, extractor)
        time.sleep(rng.uniform(0, seconds * 1.1))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        if db.exists():
            check_store(db)
            with connect(db) as con:
                made = con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles'")
                stored = (
                    con.execute("SELECT count(*) FROM articles").fetchone()[0]
                    if made.fetchone()[0]
                    else 0
                )
            partial += 0 < stored < len(expected["articles"])  # type: ignore[arg-type]
        _run(db, source, extractor)  # resume
        check_store(db)
        assert snapshot(db) == expected, f"trial {trial}"
        # A resumed run records the rejects of the inputs it re-reads again: the
        # set of rejects is the same, with repeats (see docs/security.md).
        assert _rejects(db) == expected_rejects
    record_figures("crash-fork", trials=TRIALS, killed_mid_run=partial)


def test_kill9_cli(
    tmp_path: Path,
    workload: tuple[Path, Recorded],
    reference: tuple[dict[str, object], set[tuple[str, str, str]], float],
) -> None:
    """The real command: killed while loading, extracting or writing, then resumed."""
    source, extractor = workload
    expected, _, _ = reference
    rng = random.Random(7)
    for trial in range(CLI_TRIALS):
        db = tmp_path / f"cli-{trial}.db"
        proc = subprocess.Popen(
            [str(CLI), "ingest", str(source), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # wait for the first committed article, then kill at a random later moment
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with connect(db) as con:
                        if con.execute("SELECT count(*) FROM articles").fetchone()[0]:
                            break
                except Exception:  # the schema may not exist yet
                    pass
            time.sleep(0.05)
        time.sleep(rng.uniform(0, 2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check_store(db)
        _run(db, source, extractor)
        check_store(db)
        assert snapshot(db) == expected, f"cli trial {trial}"
    record_figures("crash-cli", trials=CLI_TRIALS)
