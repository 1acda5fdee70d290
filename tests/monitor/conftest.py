"""Local servers for the monitor tests (loopback only) and stores of both backends.

* :class:`FeedServer`: an HTTP server on 127.0.0.1 serving feeds set by the
  test, answering conditional requests with 304 when the ETag matches, and
  recording every request (it also receives webhook POSTs);
* :class:`SMTPServer`: a minimal SMTP server on 127.0.0.1 that keeps the
  messages it receives;
* ``monitor_store``: an empty store, SQLite and (with
  ``CORROBORATE_TEST_PG_URL``) PostgreSQL in a schema of its own.
"""

from __future__ import annotations

import json
import socketserver
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, cast

import pytest

from corroborate.store import open_store
from corroborate.store.monitor import MonitorStore
from tests.store.conftest import require_postgres, with_search_path


def sample_articles() -> list[dict[str, Any]]:
    """The package's sample corpus (invented articles), as dicts."""
    text = resources.files("corroborate.samples").joinpath("articles.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def rss(items: list[dict[str, Any]], *, title: str = "Test feed") -> bytes:
    """An RSS 2.0 feed of sample-corpus articles."""
    import datetime as dt

    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>http://feeds.test/</link>",
        "<description>test</description>",
    ]
    for a in items:
        pub = ""
        if a.get("published"):
            day = dt.datetime.fromisoformat(a["published"]).replace(hour=9, tzinfo=dt.UTC)
            pub = f"<pubDate>{format_datetime(day)}</pubDate>"
        parts.append(
            f"<item><title>{escape(a.get('title') or a['id'])}</title>"
            f"<link>{escape(a.get('url') or 'http://feeds.test/' + a['id'])}</link>"
            f"<guid>{escape(a['id'])}</guid>{pub}"
            f"<description>{escape(a['text'])}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class FeedServer:
    """Routes by path; requests recorded in ``requests``; POST bodies answered 200."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    post_status: int = 200
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str, method: str = "GET") -> list[Seen]:
        return [r for r in self.requests if r.path == path and r.method == method]

    def posts(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.hits(path, "POST")]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            server.requests.append(Seen("GET", self.path, {k: v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag is not None:
                self.send_header("ETag", route.etag)
            if route.last_modified is not None:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            self.wfile.write(route.body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            server.requests.append(
                Seen("POST", self.path, {k: v for k, v in self.headers.items()}, body)
            )
            self.send_response(server.post_status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class SMTPServer:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


def _smtp_handler(state: SMTPServer) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode("ascii") + b"\r\n")
            self.wfile.flush()

        def handle(self) -> None:
            self.reply("220 test ESMTP")
            sender, rcpts = "", []
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                command = raw.decode("ascii", "replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 test")
                elif verb == "MAIL":
                    sender = command.partition(":")[2].strip()
                    self.reply("250 OK")
                elif verb == "RCPT":
                    rcpts.append(command.partition(":")[2].strip())
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    lines = []
                    while True:
                        line = self.rfile.readline()
                        if line in (b".\r\n", b".\n", b""):
                            break
                        lines.append(line[1:] if line.startswith(b"..") else line)
                    state.messages.append(message_from_bytes(b"".join(lines)))
                    state.envelopes.append((sender, rcpts))
                    sender, rcpts = "", []
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    return Handler


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    state = SMTPServer()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _smtp_handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["sqlite", "postgres"])
def monitor_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MonitorStore]:
    if request.param == "sqlite":
        store = open_store(tmp_path / "monitor.db")
        try:
            yield cast(MonitorStore, store)
        finally:
            store.close()
        return
    url = require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f"CREATE SCHEMA {schema}")
    try:
        store = open_store(with_search_path(url, schema))
        try:
            yield cast(MonitorStore, store)
        finally:
            store.close()
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()


StoreMaker = Callable[[], MonitorStore]
