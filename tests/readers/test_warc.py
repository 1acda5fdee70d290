"""WARC archives, built in the test with warcio's WARCWriter."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborate.model import Article, Reject
from corroborate.readers import read_path, read_warc

from .conftest import ARABIC


def _response(
    writer: WARCWriter, uri: str, body: bytes, *, content_type: str, status: str = "200 OK"
) -> None:
    headers = StatusAndHeaders(
        status,
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    record = writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=headers
    )
    writer.write_record(record)


def _build(path: Path, data_dir: Path, *, gzip: bool) -> None:
    article = (data_dir / "article.html").read_bytes()
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders(
            "GET /story HTTP/1.1", [("Host", "monitor.example.org")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                "https://monitor.example.org/story",
                "request",
                payload=io.BytesIO(b""),
                http_headers=request,
            )
        )
        _response(
            writer,
            "https://monitor.example.org/story",
            article,
            content_type="text/html; charset=utf-8",
        )
        _response(
            writer, "https://monitor.example.org/logo.png", b"\x89PNG\0\0", content_type="image/png"
        )
        _response(
            writer,
            "https://monitor.example.org/old",
            b"<html><body><p>Moved</p></body></html>",
            content_type="text/html",
            status="301 Moved Permanently",
        )
        _response(
            writer,
            "https://monitor.example.org/ar.txt",
            ARABIC.encode("cp1256"),
            content_type="text/plain; charset=windows-1256",
        )
        _response(
            writer,
            "https://monitor.example.org/app",
            (data_dir / "empty-page.html").read_bytes(),
            content_type="text/html",
        )
        writer.write_record(
            writer.create_warc_record(
                "https://monitor.example.org/story",
                "metadata",
                payload=io.BytesIO(b"outlinks: none\n"),
                warc_content_type="application/warc-fields",
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "urn:test:note",
                "resource",
                payload=io.BytesIO(b"A note about a protest in Atar on Friday."),
                warc_content_type="text/plain",
            )
        )


@pytest.mark.parametrize(("name", "gzip"), [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc(tmp_path: Path, data_dir: Path, name: str, gzip: bool) -> None:
    path = tmp_path / name
    _build(path, data_dir, gzip=gzip)
    items = list(read_path(path))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject", "Article"]
    page, arabic, empty, note = items
    assert isinstance(page, Article)
    assert page.url == "https://monitor.example.org/story"
    assert page.origin == str(path)
    assert page.title == "Drone strike kills gold prospectors near border"
    assert page.outlet == "Sahara Daily Monitor"
    assert "Zahret Chinguetti" in page.text
    assert isinstance(arabic, Article) and arabic.text == ARABIC
    assert isinstance(empty, Reject) and empty.reason == "no-text-in-html"
    assert "https://monitor.example.org/app" in empty.detail
    assert isinstance(note, Article) and note.text.startswith("A note about a protest")


def test_record_over_the_cap(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _build(path, data_dir, gzip=True)
    items = list(read_warc(path, max_bytes=1000))
    assert isinstance(items[0], Reject) and items[0].reason == "too-large"
    assert any(isinstance(i, Article) for i in items)  # small records still read


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is not an archive\n")
    (reject,) = list(read_path(path))
    assert isinstance(reject, Reject) and reject.reason == "bad-warc"
