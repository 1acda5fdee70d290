"""Shared helpers of the hardening tests: the stress switch, running the CLI as a
real subprocess (with its peak memory), and checking a store file from outside."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: ``make stress`` (CORROBORATE_STRESS=1) runs the long versions of these tests.
STRESS = os.environ.get("CORROBORATE_STRESS") == "1"

CLI = Path(sys.executable).with_name("corroborate")


def scale(ci: int, stress: int, *, env: str | None = None) -> int:
    """``stress`` under ``make stress``, else ``ci`` (or the ``env`` variable when set)."""
    if env and os.environ.get(env):
        return int(os.environ[env])
    return stress if STRESS else ci


def record_figures(name: str, **figures: Any) -> None:
    """Append measured figures to $CORROBORATE_FIGURES (read by scripts/stress.py)."""
    target = os.environ.get("CORROBORATE_FIGURES")
    line = json.dumps({"test": name, **figures})
    print(f"FIGURES {line}")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


def run_cli(args: list[str], *, timeout: float = 1800) -> Run:
    """Run ``corroborate ARGS`` as a subprocess; its exit code, output and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(CLI), *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(
            code=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            max_rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
        )


def connect(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db, timeout=60)
    con.row_factory = sqlite3.Row
    return con


def check_store(db: Path) -> None:
    """The file passes SQLite's checks and every incident agrees with its reports."""
    with connect(db) as con:
        assert [tuple(r) for r in con.execute("PRAGMA integrity_check")] == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return  # killed before the schema was created: nothing was committed
        assert {"articles", "reports", "incidents", "rejects"} <= tables  # all or nothing
        by_incident: dict[str, set[str]] = {}
        for row in con.execute("SELECT report_id, incident_id FROM reports"):
            assert row["incident_id"] is not None, f"report {row['report_id']} has no incident"
            by_incident.setdefault(row["incident_id"], set()).add(row["report_id"])
        incidents = con.execute("SELECT incident_id, n_reports, data FROM incidents").fetchall()
        seen: set[str] = set()
        for row in incidents:
            data = json.loads(row["data"])
            members = [m["report_id"] for m in data["reports"]]
            assert len(members) == len(set(members)), f"{row['incident_id']} repeats a report"
            assert set(members) == by_incident.get(row["incident_id"], set()), row["incident_id"]
            assert row["n_reports"] == len(members)
            assert data["incident_id"] == row["incident_id"]
            seen.add(row["incident_id"])
        assert set(by_incident) <= seen
        dup = con.execute("SELECT count(*) - count(DISTINCT hash) FROM articles").fetchone()[0]
        assert dup == 0


def snapshot(db: Path) -> dict[str, Any]:
    """What a run must reproduce: articles, reports (with their incident) and incidents."""
    with connect(db) as con:
        articles = sorted(
            tuple(r) for r in con.execute("SELECT hash, external_id, origin FROM articles")
        )
        reports = sorted(
            tuple(r)
            for r in con.execute(
                "SELECT report_id, article_hash, idx, data, incident_id FROM reports"
            )
        )
        incidents = {}
        for row in con.execute("SELECT incident_id, data FROM incidents"):
            data = json.loads(row["data"])
            data.pop("created", None)
            data.pop("updated", None)
            incidents[row["incident_id"]] = data
        log = sorted(
            (r["incident_id"], r["action"], r["detail"])
            for r in con.execute("SELECT incident_id, action, detail FROM incident_log")
        )
    return {"articles": articles, "reports": reports, "incidents": incidents, "log": log}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``corroborate serve`` over ``db`` on a loopback port, as a real subprocess."""

    def __init__(self, db: Path, *, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.proc = subprocess.Popen(
            [str(CLI), "serve", "--db", str(db), "--port", str(self.port), *extra],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        import http.client

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.output()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/stats")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def raw_request(port: int, data: bytes, *, timeout: float = 30) -> bytes:
    """Send ``data`` as is to the server (no client-side URL normalisation)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # the server may answer (or hang up) before reading it all: then read what it said
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
