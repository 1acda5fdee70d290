"""Fixtures of the reader tests: the data directory and a local HTTP server."""

from __future__ import annotations

import contextlib
import functools
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "readers"

ARABIC = (
    "قالت صحيفة زهرة شنقيط إن طائرة مسيرة قصفت سيارة تقل منقبين عن الذهب "
    "قرب الحدود، مما أدى إلى مقتل شخصين على الأقل.\n"
)

Route = Callable[[BaseHTTPRequestHandler], None]


def _send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        _send(handler, b"", status=302, headers={"Location": location})

    return route


def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.5)
    _send(handler, b"<p>late</p>")


def _drip(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    try:
        for _ in range(30):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def _big(handler: BaseHTTPRequestHandler) -> None:
    # No Content-Length: the client has to count while it reads.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    chunk = b"words " * 10_000
    try:
        for _ in range(100):  # 6 MB
            handler.wfile.write(chunk)
    except OSError:
        pass


def _big_declared(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", "50000000")
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(b"only a little")


@functools.cache
def _bomb() -> bytes:
    """50 MB of zeros, gzip-compressed to about 50 kB."""
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)


def routes() -> dict[str, Route]:
    article = (DATA / "article.html").read_bytes()
    feed = (DATA / "news.rss").read_bytes()
    return {
        "/article": lambda h: _send(h, article),
        "/article-gz": lambda h: _send(
            h, gzip.compress(article), headers={"Content-Encoding": "gzip"}
        ),
        "/feed": lambda h: _send(h, feed, content_type="application/rss+xml"),
        "/feed-as-xml": lambda h: _send(h, feed, content_type="text/xml"),
        "/arabic": lambda h: _send(
            h, ARABIC.encode("cp1256"), content_type="text/plain; charset=windows-1256"
        ),
        "/image": lambda h: _send(h, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png"),
        "/missing": lambda h: _send(h, b"<p>gone</p>", status=404),
        "/redirect-relative": _redirect("/article"),
        "/redirect-ftp": _redirect("ftp://files.example.org/article.txt"),
        "/redirect-file": _redirect("file:///etc/passwd"),
        "/loop": _redirect("/loop"),
        "/slow": _slow,
        "/drip": _drip,
        "/big": _big,
        "/big-declared": _big_declared,
        "/gzip-bomb": lambda h: _send(
            h, _bomb(), content_type="text/plain", headers={"Content-Encoding": "gzip"}
        ),
    }


class _Handler(BaseHTTPRequestHandler):
    table: ClassVar[dict[str, Route]] = {}

    def do_GET(self) -> None:
        route = self.table.get(self.path.split("?", 1)[0])
        if route is None:
            _send(self, b"not here", status=404, content_type="text/plain")
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT``) of a local test server."""
    _Handler.table = routes()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def data_dir() -> Path:
    return DATA
