"""A bounded load test on loopback: many concurrent clients against the real server.

``corroborate serve`` runs as a subprocess over a SQLite store holding
synthetic incidents, made by bench/web_bench.py's ``perturbed`` from the
web tests' seed incidents and bulk-loaded (``Store.bulk_add_incidents``).
Client threads, each with its own keep-alive connection, cycle through
web_bench's queries (list page, API, map, timeline) for a fixed time.

Here: 50 clients for 10 s over 3,000 incidents; ``make stress``: 200
clients for 60 s over 100,000. The test asserts zero errors, never a
latency; the latencies, the request rate and the machine's speed at the
time (web_bench's reference loop) are recorded for the report.
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import random
import statistics
import threading
import time
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from corroborate.store import open_store
from tests.hardening.support import Server, record_figures, scale
from tests.web.conftest import seed

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = scale(50, 200, env="CORROBORATE_LOAD_CLIENTS")
SECONDS = scale(10, 60, env="CORROBORATE_LOAD_SECONDS")
INCIDENTS = scale(3_000, 100_000, env="CORROBORATE_LOAD_INCIDENTS")


def web_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_bench", ROOT / "bench" / "web_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_store(db: Path, n: int) -> list[str]:
    """Seed incidents plus ``n`` synthetic ones; the paths to request."""
    bench = web_bench()
    with open_store(db) as store:
        seeds = list(seed(store).incidents.values())
        store.bulk_add_incidents(bench.perturbed(seeds, n, random.Random(8)))
        paths = [quote(path, safe="/?&=,:") for _, path in bench.queries(seeds)]
    paths += ["/api/stats", "/api/incidents/syn-000001", "/incidents/syn-000002"]
    return paths


def run_load(port: int, paths: list[str], *, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    by_path: dict[str, list[float]] = {path: [] for path in paths}
    errors: list[str] = []
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        rng = random.Random(k)
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            latencies[k].append((time.perf_counter() - t0) * 1000)
            by_path[path].append(latencies[k][-1])
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    done = sorted(x for per in latencies for x in per)
    assert done, errors[:5]

    def pct(q: float) -> float:
        return done[min(len(done) - 1, round(q * (len(done) - 1)))]

    medians = {p: statistics.median(v) for p, v in by_path.items() if v}
    slowest = sorted(medians, key=medians.__getitem__, reverse=True)[:3]
    return {
        "slowest_p50_ms": {p: round(medians[p]) for p in slowest},  # type: ignore[dict-item]
        "requests": len(done),
        "errors": len(errors),
        "first_errors": errors[:5],  # type: ignore[dict-item]
        "rps": round(len(done) / elapsed, 1),
        "p50_ms": round(statistics.median(done), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(done[-1], 1),
    }


def test_load_on_loopback(tmp_path: Path) -> None:
    db = tmp_path / "load.db"
    paths = build_store(db, INCIDENTS)
    bench = web_bench()
    with Server(db) as server:
        for path in paths:  # every query works before the load starts
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            conn.request("GET", path)
            assert conn.getresponse().status == 200, path
            conn.close()
        before = bench.reference_loop()
        figures = run_load(server.port, paths, clients=CLIENTS, seconds=SECONDS)
        after = bench.reference_loop()
        assert "Traceback" not in server.output()
    record_figures(
        "load",
        clients=CLIENTS,
        seconds=SECONDS,
        incidents=INCIDENTS,
        load_average=os.getloadavg()[0],
        reference_loop_s=[round(before, 2), round(after, 2)],
        **figures,
    )
    assert figures["errors"] == 0, figures["first_errors"]
