"""Fetching URLs: a local server (no network) and httpx mock transports."""

from __future__ import annotations

import ipaddress
import time

import httpx
import pytest

from corroborate.errors import FetchError, InputTooLarge, UnsafeURL
from corroborate.model import Article, Reject
from corroborate.readers import Fetcher, fetch_url, read_url
from corroborate.readers.fetch import _unsafe_kind

from .conftest import ARABIC


def _read(url: str, *, timeout: float = 5.0, max_bytes: int = 1_000_000) -> list[Article | Reject]:
    return list(read_url(url, allow_private=True, timeout=timeout, max_bytes=max_bytes))


# -- the local server ---------------------------------------------------------


def test_loopback_refused_by_default(server: str) -> None:
    (reject,) = list(read_url(f"{server}/article"))
    assert isinstance(reject, Reject)
    assert reject.reason == "unsafe-url"
    assert "127.0.0.1" in reject.detail and "loopback" in reject.detail
    with pytest.raises(UnsafeURL):
        fetch_url(f"{server}/article")


def test_localhost_name_refused_by_default(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    (reject,) = list(read_url(f"http://localhost:{port}/article"))
    assert isinstance(reject, Reject) and reject.reason == "unsafe-url"


def test_html_page(server: str) -> None:
    (article,) = _read(f"{server}/article")
    assert isinstance(article, Article)
    assert article.origin == f"{server}/article"
    assert article.url == f"{server}/article"
    assert article.title == "Drone strike kills gold prospectors near border"
    assert article.outlet == "Sahara Daily Monitor"
    assert article.published == "2022-01-17"


def test_gzip_page(server: str) -> None:
    (article,) = _read(f"{server}/article-gz")
    assert isinstance(article, Article) and "Zahret Chinguetti" in article.text


@pytest.mark.parametrize("path", ["/feed", "/feed-as-xml"])
def test_feed_url(server: str, path: str) -> None:
    items = _read(f"{server}{path}")
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 2
    assert all(a.outlet == "Sahel Wire" for a in articles)
    assert articles[0].url == "https://sahelwire.example.net/2022/01/drone-strike"
    assert all(a.origin == f"{server}{path}" for a in articles)


def test_text_with_declared_charset(server: str) -> None:
    (article,) = _read(f"{server}/arabic")
    assert isinstance(article, Article) and article.text == ARABIC


def test_relative_redirect_followed(server: str) -> None:
    (article,) = _read(f"{server}/redirect-relative")
    assert isinstance(article, Article)
    assert article.url == f"{server}/article"
    assert article.origin == f"{server}/redirect-relative"


@pytest.mark.parametrize("path", ["/redirect-ftp", "/redirect-file"])
def test_redirect_to_other_scheme_refused(server: str, path: str) -> None:
    (reject,) = _read(f"{server}{path}")
    assert isinstance(reject, Reject) and reject.reason == "bad-scheme"


def test_redirect_loop(server: str) -> None:
    (reject,) = _read(f"{server}/loop")
    assert isinstance(reject, Reject) and reject.reason == "too-many-redirects"


def test_timeout_waiting_for_headers(server: str) -> None:
    start = time.monotonic()
    (reject,) = _read(f"{server}/slow", timeout=0.3)
    assert time.monotonic() - start < 1.2
    assert isinstance(reject, Reject) and reject.reason == "timeout"


def test_overall_deadline_while_body_drips(server: str) -> None:
    start = time.monotonic()
    (reject,) = _read(f"{server}/drip", timeout=0.5)
    assert time.monotonic() - start < 1.5
    assert isinstance(reject, Reject) and reject.reason == "timeout"


@pytest.mark.parametrize("path", ["/big", "/big-declared", "/gzip-bomb"])
def test_too_large(server: str, path: str) -> None:
    start = time.monotonic()
    (reject,) = _read(f"{server}{path}", max_bytes=1_000_000)
    assert time.monotonic() - start < 3
    assert isinstance(reject, Reject) and reject.reason == "too-large"
    with pytest.raises(InputTooLarge):
        fetch_url(f"{server}{path}", allow_private=True, max_bytes=1_000_000)


def test_http_error(server: str) -> None:
    (reject,) = _read(f"{server}/missing")
    assert isinstance(reject, Reject) and reject.reason == "http-error"
    assert "404" in reject.detail


def test_unsupported_type(server: str) -> None:
    (reject,) = _read(f"{server}/image")
    assert isinstance(reject, Reject) and reject.reason == "unsupported-type"


def test_connection_refused() -> None:
    (reject,) = _read("http://127.0.0.1:9/")  # the discard port: nothing listens
    assert isinstance(reject, Reject) and reject.reason == "fetch-failed"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x", "bad-scheme"),
        ("file:///etc/passwd", "bad-scheme"),
        ("http://", "bad-url"),
        ("http://exa mple.org/", "bad-url"),
    ],
)
def test_bad_urls(url: str, reason: str) -> None:
    (reject,) = list(read_url(url))
    assert isinstance(reject, Reject) and reject.reason == reason


# -- mock transports: addresses, pinning, redirects ---------------------------

PUBLIC = "93.184.216.34"


def _fetcher(
    handler: httpx.MockTransport, hosts: dict[str, list[str]]
) -> tuple[Fetcher, httpx.Client]:
    client = httpx.Client(transport=handler)
    return Fetcher(client, resolver=lambda host, port: hosts[host]), client


def test_request_pinned_to_checked_address() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, text="A clash was reported.", headers={"Content-Type": "text/plain"}
        )

    fetcher, client = _fetcher(httpx.MockTransport(handle), {"news.example": [PUBLIC]})
    with client:
        fetched = fetch_url("https://news.example/story?id=1", fetcher=fetcher)
    assert fetched.url == "https://news.example/story?id=1"
    assert fetched.body == b"A clash was reported."
    (request,) = seen
    assert request.url.host == PUBLIC  # connected to the checked IP …
    assert request.headers["Host"] == "news.example"  # … asking for the named host
    assert request.extensions["sni_hostname"] == "news.example"  # TLS checks the name
    assert request.url.path == "/story" and request.url.query == b"id=1"


def test_redirect_to_private_host_refused() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})

    fetcher, client = _fetcher(
        httpx.MockTransport(handle),
        {"news.example": [PUBLIC], "intranet.example": ["10.1.2.3"]},
    )
    with client, pytest.raises(UnsafeURL) as info:
        fetch_url("http://news.example/", fetcher=fetcher)
    assert info.value.reason == "unsafe-url"
    assert "10.1.2.3" in info.value.message


def test_any_private_address_refuses_the_host() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    fetcher, client = _fetcher(
        httpx.MockTransport(handle), {"mixed.example": [PUBLIC, "169.254.169.254"]}
    )
    with client, pytest.raises(UnsafeURL):
        fetch_url("http://mixed.example/", fetcher=fetcher)


def test_next_address_tried_when_connect_fails() -> None:
    tried: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        tried.append(request.url.host)
        if request.url.host == "2606:2800:220:1:248:1893:25c8:1946":
            raise httpx.ConnectError("unreachable", request=request)
        return httpx.Response(200, text="ok", headers={"Content-Type": "text/plain"})

    fetcher, client = _fetcher(
        httpx.MockTransport(handle),
        {"news.example": ["2606:2800:220:1:248:1893:25c8:1946", PUBLIC]},
    )
    with client:
        assert fetch_url("http://news.example/", fetcher=fetcher).body == b"ok"
    assert tried == ["2606:2800:220:1:248:1893:25c8:1946", PUBLIC]


def test_unresolvable_host() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with Fetcher(resolver=fail) as fetcher, pytest.raises(FetchError) as info:
        fetch_url("http://nowhere.invalid/", fetcher=fetcher)
    assert info.value.reason == "fetch-failed"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "private"),  # Python counts 240/4 as private
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("8.8.8.8", None),
        (PUBLIC, None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_classes(address: str, kind: str | None) -> None:
    assert _unsafe_kind(ipaddress.ip_address(address)) == kind
