"""URL ingest: private, loopback and link-local targets refused by default, however
they are spelled, through redirects too; the connection goes to the address checked
(a DNS answer that changes between check and connect changes nothing)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest

from corroborate.model import Reject
from corroborate.readers import Fetcher, read_sources

PUBLIC = "93.184.216.34"

SPELLINGS = (
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://localhost.:{port}/",
    "http://127.1:{port}/",
    "http://0x7f000001:{port}/",
    "http://2130706433:{port}/",
    "http://0177.0.0.1:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://[0:0:0:0:0:ffff:7f00:1]:{port}/",
    "http://0.0.0.0:{port}/",
    "http://user@127.0.0.1:{port}/",
    "http://127.0.0.1%2523@example.com:{port}/",
)


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"secret internal page about a clash near Gao, five killed"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_loopback_refused_however_spelled(loopback: tuple[int, list[str]], spelling: str) -> None:
    port, hits = loopback
    before = len(hits)
    items = list(read_sources([spelling.format(port=port)]))
    assert len(items) == 1 and isinstance(items[0], Reject), items
    assert items[0].reason in {"unsafe-url", "bad-url", "fetch-failed"}, items[0]
    assert len(hits) == before  # nothing reached the server


def test_allow_private_reaches_loopback(loopback: tuple[int, list[str]]) -> None:
    port, hits = loopback
    items = list(read_sources([f"http://127.0.0.1:{port}/ok"], allow_private=True))
    assert hits[-1] == "/ok" and not isinstance(items[0], Reject)


def test_rebinding_answer_is_not_used() -> None:
    """The first lookup says public, any later one loopback: only the first is used."""
    answers = iter([[PUBLIC]] + [["127.0.0.1"]] * 10)
    lookups: list[str] = []
    sent: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.host)
        return httpx.Response(200, text="A clash near Gao.", headers={"Content-Type": "text/plain"})

    with httpx.Client(transport=httpx.MockTransport(handle)) as client:
        items = list(
            read_sources(["http://rebind.example/"], fetcher=Fetcher(client, resolver=resolve))
        )
    assert not isinstance(items[0], Reject)
    assert lookups == ["rebind.example"] and sent == [PUBLIC]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://internal.example/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
    ],
)
def test_redirects_rechecked(target: str) -> None:
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    hosts = {"news.example": [PUBLIC], "internal.example": ["192.168.1.10"]}
    with httpx.Client(transport=httpx.MockTransport(handle)) as client:
        fetcher = Fetcher(client, resolver=lambda host, port: hosts[host])
        (item,) = read_sources(["http://news.example/"], fetcher=fetcher)
    assert isinstance(item, Reject) and item.reason in {"unsafe-url", "bad-scheme"}, item
    assert len(sent) == 1  # the redirect target was never requested
