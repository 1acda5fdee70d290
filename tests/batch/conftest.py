"""Fixtures of the batch tests: a small mixed corpus, one Spark session, the pipeline."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborate.batch import work
from corroborate.extract.pipeline import Pipeline

SAMPLES = Path(str(resources.files("corroborate") / "samples" / "articles.jsonl"))

#: Invented articles (places are real so the gazetteer can place them).
WARC_EVENT = (
    "Gunmen killed four villagers in an attack on Djibo on 2 May 2023, local sources said.\n"
    "The attackers arrived on motorcycles in the early morning and set fire to a market, "
    "residents told the Djibo Herald. Two other people were wounded.\n"
)
WARC_QUIET = (
    "The regional council of Kayes met on Monday to discuss the budget for new schools "
    "and a water project. The meeting ended without a vote.\n"
)
PARQUET_EVENT = (
    "Protesters gathered outside the parliament in Niamey on 4 May 2023 to demand higher "
    "wages for teachers, the Niamey Observer reported. The protest ended peacefully.\n"
)


def _html(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.strip().split("\n"))
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def write_warc(path: Path, pages: list[tuple[str, bytes, str, str]]) -> None:
    """A WARC file of response records: (uri, body, content type, status)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for uri, body, content_type, status in pages:
            headers = StatusAndHeaders(
                status, [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([r.get("id") for r in rows], pa.string()),
            "text": pa.array([r.get("text") for r in rows], pa.string()),
            "published": pa.array(
                [
                    dt.date.fromisoformat(r["published"]) if r.get("published") else None
                    for r in rows
                ],
                pa.date32(),
            ),
            "outlet": pa.array([r.get("outlet") for r in rows], pa.string()),
            "extra": pa.array([1 for _ in rows], pa.int64()),  # not an input column: ignored
        }
    )
    pq.write_table(table, path)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with every kind of batch input, and things to reject or skip."""
    pytest.importorskip("pyarrow")
    root = tmp_path_factory.mktemp("corpus")
    shutil.copy(SAMPLES, root / "articles.jsonl")
    first = json.loads(SAMPLES.read_text(encoding="utf-8").splitlines()[1])
    more = root / "more"
    more.mkdir()
    lines = [
        '{"id": "broken", "text": "unfinished',  # malformed JSON
        json.dumps({"id": "no-text", "outlet": "Nowhere"}),
        json.dumps({"id": "copy-of-sahel-wire", "text": first["text"]}),  # same text: a duplicate
    ]
    # A name with a space: Spark gives such paths URL-encoded.
    with gzip.open(more / "extra lines.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    write_warc(
        root / "news.warc.gz",
        [
            (
                "https://djibo-herald.example/attack",
                _html("Attack on Djibo", WARC_EVENT),
                "text/html; charset=utf-8",
                "200 OK",
            ),
            (
                "https://kayes.example/council",
                _html("Council meets", WARC_QUIET),
                "text/html",
                "200 OK",
            ),
            ("https://kayes.example/missing", b"<html>gone</html>", "text/html", "404 Not Found"),
            ("https://kayes.example/logo.png", b"\x89PNG\r\n", "image/png", "200 OK"),
        ],
    )
    write_parquet(
        root / "table.parquet",
        [
            {"id": "pq-1", "text": PARQUET_EVENT, "published": "2023-05-04", "outlet": "Observer"},
            {"id": "pq-2", "text": "  "},  # empty text
        ],
    )
    (root / "README.txt").write_text("not an input\n", encoding="utf-8")
    (root / "_SUCCESS").write_text("", encoding="utf-8")
    (root / ".hidden.jsonl").write_text('{"text": "hidden"}\n', encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def shared_pipeline(pipeline: Pipeline) -> Iterator[Pipeline]:
    """The session's pipeline, also as this process's batch worker pipeline."""
    saved = work._PIPELINE, work._PIPELINE_CONFIG
    work._PIPELINE, work._PIPELINE_CONFIG = pipeline, {}
    yield pipeline
    work._PIPELINE, work._PIPELINE_CONFIG = saved


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole test session (no network, no UI)."""
    if os.environ.get("CI"):  # in CI a missing Spark or Java fails, never skips
        import pyspark  # noqa: F401

        assert shutil.which("java") or os.environ.get("JAVA_HOME"), "Spark needs Java"
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java")
    saved = {k: os.environ.get(k) for k in ("SPARK_LOCAL_IP", "PYSPARK_PYTHON")}
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from corroborate.batch.spark import spark_session

    session = spark_session(
        master="local[2]",
        app_name="corroborate-tests",
        conf={
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "4",
            "spark.default.parallelism": "4",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.pyspark.python": sys.executable,
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
