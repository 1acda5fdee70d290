"""End to end: the sample corpus ingested with the CLI, then served by a real
``corroborate serve`` process and read back over HTTP.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from corroborate import cli
from corroborate.extract.pipeline import Pipeline

SAMPLES = resources.files("corroborate") / "samples"
STARTUP_TIMEOUT = 30.0


def corroborate_cmd() -> list[str]:
    """The installed ``corroborate`` console script (or the same entry point)."""
    script = Path(sys.executable).with_name("corroborate")
    if script.exists():
        return [str(script)]
    found = shutil.which("corroborate")
    if found:
        return [found]
    return [sys.executable, "-c", "from corroborate.cli import main; main()"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CORROBORATE_DB", None)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline
) -> Iterator[tuple[str, Path]]:
    """The sample corpus ingested with the CLI into a fresh db, then served by
    ``corroborate serve`` in its own process on a free port."""
    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "e2e.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "_pipeline", lambda: pipeline)  # the session's loaded pipeline
        ingest = CliRunner().invoke(
            cli.app, ["ingest", str(SAMPLES / "articles.jsonl"), "--db", str(db)]
        )
    assert ingest.exit_code == 0, ingest.output
    assert db.exists()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "serve.log"
    host_port = ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("w", encoding="utf-8") as log_fh:
        proc = subprocess.Popen(
            [*corroborate_cmd(), "serve", "--db", str(db), *host_port],
            stdout=log_fh,
            stderr=subprocess.STDOUT,
            env=child_env(),
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            with httpx.Client(timeout=2.0, trust_env=False) as client:
                while True:
                    if proc.poll() is not None:
                        pytest.fail(f"server exited with {proc.returncode}: {log.read_text()}")
                    try:
                        if client.get(f"{base}/api/stats").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        pytest.fail(
                            f"server did not answer in {STARTUP_TIMEOUT} s: {log.read_text()}"
                        )
                    time.sleep(0.2)
            yield base, log
        finally:
            killed = False
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    killed = True
                    proc.kill()
                    proc.wait(timeout=5)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal.
    assert not killed, f"serve ignored SIGTERM: {log.read_text()}"
    assert proc.returncode in (0, -signal.SIGTERM), log.read_text()


def test_corpus_to_api(served: tuple[str, Path]) -> None:
    base, log = served
    with httpx.Client(base_url=base, timeout=10.0, trust_env=False) as client:
        listing = client.get("/api/incidents")
        assert listing.status_code == 200
        assert listing.headers["content-type"].startswith("application/json")
        data = listing.json()
        assert isinstance(data["incidents"], list)
        total = data["total"]
        assert isinstance(total, int) and total >= 3
        assert len(data["incidents"]) == total  # a small corpus fits in one page
        ids = [item["incident_id"] for item in data["incidents"]]
        assert all(isinstance(i, str) and i for i in ids)
        assert len(set(ids)) == len(ids)
        merged = [item for item in data["incidents"] if len(item["reports"]) >= 2]
        assert len(merged) >= 3

        one = max(data["incidents"], key=lambda item: len(item["reports"]))
        detail = client.get(f"/api/incidents/{one['incident_id']}")
        assert detail.status_code == 200
        incident = detail.json()
        assert incident["incident_id"] == one["incident_id"]
        assert json.dumps(incident, sort_keys=True) == json.dumps(one, sort_keys=True)

        missing = client.get("/api/incidents/inc-000000000000")
        assert missing.status_code == 404

        home = client.get("/")
        assert home.status_code == 200
        assert home.headers["content-type"].startswith("text/html")
        assert "<html" in home.text.lower()
        assert one["incident_id"] in home.text

        docs = client.get("/docs")
        assert docs.status_code == 200
        assert docs.headers["content-type"].startswith("text/html")
        assert "/static/" in docs.text
        assert "cdn.jsdelivr.net" not in docs.text  # offline: no CDN assets
        asset = next(
            part.split('"', 1)[0] for part in docs.text.split('src="')[1:] if "/static/" in part
        )
        assert client.get(asset).status_code == 200
    assert "Traceback" not in log.read_text()
