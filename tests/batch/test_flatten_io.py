"""Flat rows round-trip; batch inputs are listed and read like ``extract`` reads them."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.batch.flatten import (
    ARTICLE_COLUMNS,
    INCIDENT_COLUMNS,
    REPORT_COLUMNS,
    arrow_schema,
    article_row,
    incident_row,
    member_of_row,
    report_row,
    row_to_article,
    row_to_extraction,
    row_to_incident,
    row_to_report,
)
from corroborate.batch.io import (
    InputFile,
    canonical_uri,
    is_hidden,
    kind_of,
    list_inputs,
    read_file,
    read_parquet,
)
from corroborate.errors import ConfigError
from corroborate.extract.pipeline import Pipeline
from corroborate.model import Article, Evidence, Extraction, Figures, Reject, Report, SourceClaim
from corroborate.readers import read_jsonl
from corroborate.resolve import reconcile
from tests.batch.conftest import SAMPLES, write_parquet

pytest.importorskip("pyarrow")

_TEXT = st.text(min_size=0, max_size=20)
_OPT = st.none() | _TEXT
_INT = st.none() | st.integers(min_value=0, max_value=10_000)
_FIG = st.builds(Figures, low=_INT, best=_INT, high=_INT)
_REPORT = st.builds(
    Report,
    event_type=st.just("Battles"),
    sub_event_type=st.just("Armed clash"),
    event_date=st.none() | st.just("2023-03-12"),
    time_precision=st.none() | st.integers(1, 3),
    actor1=_OPT,
    inter1=st.none() | st.integers(1, 8),
    actor2=_OPT,
    civilian_targeting=st.booleans(),
    country=_OPT,
    latitude=st.none() | st.floats(-90, 90),
    longitude=st.none() | st.floats(-180, 180),
    geo_precision=st.none() | st.integers(1, 3),
    fatalities=_FIG,
    civilian_fatalities=_FIG,
    injuries=_FIG,
    sources=st.lists(
        st.builds(SourceClaim, name=_TEXT, kind=_TEXT, relation=_TEXT, start=_INT, end=_INT),
        max_size=3,
    ).map(tuple),
    summary=_TEXT,
    evidence=st.lists(
        st.builds(
            Evidence,
            field=_TEXT,
            start=st.integers(0, 99),
            end=st.integers(0, 99),
            text=_TEXT,
            extractor=_TEXT,
            version=_TEXT,
        ),
        max_size=3,
    ).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(_REPORT, st.text(min_size=1, max_size=50), _OPT)
def test_report_rows_round_trip(report: Report, text: str, external_id: str | None) -> None:
    article = Article.create(text, external_id=external_id, published="2023-03-13")
    extraction = Extraction(id="x", language="en", events=(report,))
    row = report_row(article, extraction, 0)
    assert row["article_id"] == (external_id if external_id is not None else article.id)
    assert row["report_id"] == f"{article.id}:0"
    assert set(row) == {name for name, _ in REPORT_COLUMNS}
    assert row_to_report(row) == report
    member = member_of_row(row)
    incident = reconcile([member])
    assert row_to_incident(incident_row(incident)) == incident
    arrow_schema(REPORT_COLUMNS)  # the row fits its schema:
    import pyarrow as pa

    pa.Table.from_pylist([row], schema=arrow_schema(REPORT_COLUMNS))
    pa.Table.from_pylist([incident_row(incident)], schema=arrow_schema(INCIDENT_COLUMNS))


def test_article_rows_round_trip(pipeline: Pipeline) -> None:
    import pyarrow as pa

    for article in read_jsonl(SAMPLES):
        assert isinstance(article, Article)
        extraction = pipeline.extract(article)
        row = article_row(article, extraction)
        pa.Table.from_pylist([row], schema=arrow_schema(ARTICLE_COLUMNS))
        assert row_to_article(row) == article
        reports = [
            row_to_report(report_row(article, extraction, i)) for i in range(len(extraction.events))
        ]
        assert row_to_extraction(row, reports) == extraction


def test_kinds_and_names() -> None:
    assert kind_of("a/b.JSONL") == "jsonl"
    assert kind_of("x.ndjson.gz") == "jsonl"
    assert kind_of("CC-NEWS-2024.warc.gz") == "warc"
    assert kind_of("part-0.parquet") == "parquet"
    assert kind_of("notes.txt") is None
    assert canonical_uri("file:/tmp/x.jsonl") == "/tmp/x.jsonl"
    assert canonical_uri("file:///tmp/x.jsonl") == "/tmp/x.jsonl"
    assert canonical_uri("s3a://bucket/x.warc.gz") == "s3a://bucket/x.warc.gz"
    assert is_hidden("_SUCCESS") and is_hidden("a/.b/c.jsonl") and not is_hidden("a/b.jsonl")


def test_listing_is_sorted_and_skips_hidden_files(tmp_path: Path) -> None:
    for name in ("b/2.jsonl", "b/10.jsonl", "a.warc", "_tmp/x.jsonl", ".git/y.jsonl", "z.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    listed = list_inputs([str(tmp_path), str(tmp_path / "a.warc")])
    assert [Path(f.uri).relative_to(tmp_path).as_posix() for f in listed] == [
        "a.warc",
        "b/10.jsonl",
        "b/2.jsonl",
        "z.txt",
    ]
    assert [f.kind for f in listed] == ["warc", "jsonl", "jsonl", None]
    with pytest.raises(ConfigError, match="no such input"):
        list_inputs([str(tmp_path / "missing")])
    with pytest.raises(ConfigError):
        list_inputs([])


def _read(file: InputFile, data: bytes) -> list[Article | Reject]:
    return list(read_file(file, io.BytesIO(data)))


def test_jsonl_is_read_like_extract_reads_it() -> None:
    data = SAMPLES.read_bytes()
    got = _read(InputFile(uri="/x/a.jsonl", kind="jsonl"), data)
    expected = list(read_jsonl(io.BytesIO(data), origin="/x/a.jsonl"))
    assert got == expected
    zipped = _read(InputFile(uri="/x/a.jsonl.gz", kind="jsonl"), gzip.compress(data))
    assert zipped == [
        dataclasses.replace(a, origin="/x/a.jsonl.gz") if isinstance(a, Article) else a
        for a in expected
    ]
    broken = _read(InputFile(uri="/x/b.jsonl.gz", kind="jsonl"), gzip.compress(data)[:-40])
    assert isinstance(broken[-1], Reject) and broken[-1].reason == "unreadable"


def test_parquet_rows_are_checked_like_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    rows: list[dict[str, Any]] = [
        {
            "id": "p1",
            "text": "Gunmen attacked a bus near Dori.",
            "published": "2023-04-03",
            "outlet": "Wire",
        },
        {"id": "p2", "text": None},
        {"id": "p3", "text": "x\x00y"},
    ]
    write_parquet(path, rows)
    items = list(read_parquet(str(path), origin="/t.parquet"))
    first = items[0]
    assert isinstance(first, Article)
    assert (first.external_id, first.published, first.outlet) == ("p1", "2023-04-03", "Wire")
    assert [
        (r.reason, r.detail.split(":")[0], r.external_id)
        for r in items[1:]
        if isinstance(r, Reject)
    ] == [("missing-text", "row 2", "p2"), ("binary", "row 3", "p3")]
    no_text = tmp_path / "n.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"body": ["a"]}), no_text)
    (reject,) = read_parquet(str(no_text), origin="n")
    assert isinstance(reject, Reject) and reject.reason == "missing-text"
    (junk,) = read_parquet(io.BytesIO(b"not parquet"), origin="j")
    assert isinstance(junk, Reject) and junk.reason == "unreadable"
    (unsupported,) = _read(InputFile(uri="/x/notes.txt", kind=None), b"hello")
    assert isinstance(unsupported, Reject) and unsupported.reason == "unsupported-type"
    assert json.loads(json.dumps(unsupported.to_dict()))["origin"] == "/x/notes.txt"
