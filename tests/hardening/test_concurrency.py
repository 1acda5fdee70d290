"""Ingesting while serving, and two ingesters at once, over one SQLite file.

No user may ever see "database is locked" (the store waits for the write
lock with BEGIN IMMEDIATE and busy_timeout), and afterwards every incident
must agree with its reports and no article may be stored twice.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from corroborate.store import open_store
from corroborate.web import create_app
from tests.hardening.corpus import valid_text
from tests.hardening.support import CLI, check_store, connect, record_figures, scale

N_DOCS = scale(24, 200)


def _inputs(root: Path) -> tuple[Path, Path, int]:
    """Two overlapping inputs (the middle half in both, in opposite orders)."""
    rng = random.Random(4)
    docs = [
        json.dumps({"id": f"k{k}", "text": valid_text(k, rng), "outlet": f"O{k % 3}"})
        for k in range(N_DOCS)
    ]
    a = root / "a.jsonl"
    b = root / "b.jsonl"
    a.write_text("\n".join(docs[: 3 * N_DOCS // 4]) + "\n", encoding="utf-8")
    b.write_text("\n".join(reversed(docs[N_DOCS // 4 :])) + "\n", encoding="utf-8")
    return a, b, len(docs)


def _start(source: Path, db: Path) -> tuple[subprocess.Popen[bytes], object]:
    err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _finish
    proc = subprocess.Popen(
        [str(CLI), "ingest", str(source), "--db", str(db), "--json"],
        stdout=subprocess.PIPE,
        stderr=err,
    )
    return proc, err


def _finish(proc: subprocess.Popen[bytes], err: object) -> tuple[int, str, str]:
    out, _ = proc.communicate(timeout=1800)
    err.seek(0)  # type: ignore[attr-defined]
    text = err.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
    err.close()  # type: ignore[attr-defined]
    return proc.returncode, out.decode(), text


def test_two_ingesters_at_once(tmp_path: Path) -> None:
    a, b, total = _inputs(tmp_path)
    db = tmp_path / "two.db"  # created by the two of them, racing to migrate
    runs = [_start(a, db), _start(b, db)]
    results = [_finish(*run) for run in runs]
    for code, _out, err in results:
        assert code == 0, err[-2000:]
        assert "locked" not in err and "Traceback" not in err, err[-2000:]
    stored = sum(json.loads(out)["stored"] for _, out, _ in results)
    dups = sum(json.loads(out)["duplicates"] for _, out, _ in results)
    assert stored == total  # each article stored by exactly one of them
    assert dups == total // 2  # the overlap, seen by the other
    check_store(db)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == total
        unplaced = con.execute("SELECT count(*) FROM reports WHERE incident_id IS NULL")
        assert unplaced.fetchone()[0] == 0
    record_figures("two-ingesters", articles=total, duplicates_seen=dups)


def test_ingest_while_serving(tmp_path: Path) -> None:
    a, b, total = _inputs(tmp_path)
    db = tmp_path / "served.db"
    open_store(db).close()
    failures: list[str] = []
    counts = {"requests": 0}
    stop = threading.Event()
    with open_store(db) as store, TestClient(create_app(store)) as client:

        def hit(worker: int) -> None:
            paths = [
                "/api/incidents?limit=50",
                "/",
                "/api/stats",
                "/api/map?zoom=2",
                "/api/timeline",
                "/api/reports",
                f"/?q=killed&offset={worker}",
            ]
            k = 0
            while not stop.is_set():
                path = paths[k % len(paths)]
                k += 1
                try:
                    response = client.get(path)
                except Exception as exc:
                    failures.append(f"{path}: {type(exc).__name__}: {exc}")
                    continue
                counts["requests"] += 1
                if response.status_code != 200 or "locked" in response.text:
                    failures.append(f"{path}: {response.status_code} {response.text[:200]}")
                if path.startswith("/api/incidents"):
                    for inc in response.json()["incidents"]:
                        one = client.get(f"/api/incidents/{inc['incident_id']}")
                        if one.status_code != 200:
                            failures.append(f"incident {inc['incident_id']}: {one.status_code}")

        threads = [threading.Thread(target=hit, args=(w,)) for w in range(6)]
        for t in threads:
            t.start()
        try:
            runs = [_start(a, db), _start(b, db)]  # two ingesters and the server at once
            results = [_finish(*run) for run in runs]
        finally:
            time.sleep(0.5)
            stop.set()
            for t in threads:
                t.join(timeout=120)
    for code, _, err in results:
        assert code == 0, err[-2000:]
        assert "locked" not in err and "Traceback" not in err
    assert failures == []
    assert counts["requests"] > 0
    check_store(db)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == total
    record_figures("ingest-while-serving", requests=counts["requests"], errors=len(failures))
