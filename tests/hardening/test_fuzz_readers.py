"""Fuzzing every reader with hostile bytes: nothing raises, everything is accounted for.

Properties, for any input: a reader yields only Articles and Rejects; a
Reject has a known reason and a one-line detail; an Article has usable,
encodable text. Inputs: random bytes, truncated and invalid UTF-8, huge
lines, deeply nested HTML, XML entity expansion and external entities in
feeds, gzip bombs in WARC records and HTTP bodies, malformed JSON Lines,
absurd dates and numbers, and mutations of valid documents.

Bounded here (a few dozen examples each); ``make stress`` runs thousands.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import resource
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate.errors import CorroborateError
from corroborate.model import Article, Reject
from corroborate.readers import (
    Fetcher,
    fetch_url,
    read_feed,
    read_html,
    read_jsonl,
    read_sources,
    read_text,
    read_url,
    read_warc,
)
from tests.hardening.corpus import _html_page, _warc, valid_text
from tests.hardening.support import scale

REASONS = frozenset(
    [
        "not-found",
        "not-a-file",
        "unreadable",
        "too-large",
        "empty",
        "binary",
        "undecodable",
        "bad-json",
        "not-an-object",
        "missing-text",
        "bad-text",
        "bad-field",
        "bad-date",
        "no-text-in-html",
        "bad-html",
        "bad-feed",
        "bad-warc",
        "unsupported-type",
        "bad-url",
        "bad-scheme",
        "unsafe-url",
        "timeout",
        "http-error",
        "too-many-redirects",
        "fetch-failed",
    ]
)
FUZZ = settings(
    max_examples=scale(30, 2_000, env="CORROBORATE_FUZZ_EXAMPLES"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
SMALL_CAP = 200_000  # a small max_bytes keeps the bombs cheap


def _check(items: Iterable[Article | Reject]) -> list[Article | Reject]:
    out = list(items)
    for item in out:
        if isinstance(item, Reject):
            assert item.reason in REASONS, item
            assert item.detail.strip() and "\n" not in item.detail, item
        else:
            assert isinstance(item, Article)
            assert item.text.strip() and "\x00" not in item.text
            item.text.encode("utf-8")  # no lone surrogates
            for value in (item.title, item.outlet, item.url):
                assert value is None or isinstance(value, str)
                if value:
                    value.encode("utf-8")
            if item.published is not None:
                assert len(item.published) == 10 and item.published[4] == "-"
    return out


# --- seeds and mutations ------------------------------------------------------

_TEXT = valid_text(1, __import__("random").Random(1))
SEEDS: dict[str, bytes] = {
    "html": _html_page(_TEXT, "A title"),
    "feed": (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>"
        f"<item><title>T</title><link>https://x.example/a</link><pubDate>Mon, 06 May 2024 "
        f"10:00:00 GMT</pubDate><description>{_TEXT}</description></item></channel></rss>"
    ).encode(),
    "atom": (
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>W</title>"
        f"<entry><title>T</title><updated>2024-05-06T10:00:00Z</updated>"
        f"<content type='html'>&lt;p&gt;{_TEXT}&lt;/p&gt;</content></entry></feed>"
    ).encode(),
    "jsonl": (json.dumps({"id": "a", "text": _TEXT, "published": "2024-05-06"}) + "\n").encode(),
    "text": _TEXT.encode(),
}
SEEDS["warc"] = _warc([("https://x.example/", SEEDS["html"])], gzip_it=False)
SEEDS["warc.gz"] = _warc([("https://x.example/", SEEDS["html"])])


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    data = bytearray(SEEDS[kind])
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(
                st.sampled_from(
                    [
                        b"\x00",
                        b"\xff\xfe",
                        b"\xc3",
                        b"<",
                        b"&",
                        b"]]>",
                        b"<![CDATA[",
                        b"\r",
                        b"&#xD800;",
                        b"&#0;",
                        b"\xe2\x80\xae",
                        b'"',
                        b"\\",
                        b"{",
                        b"\n",
                    ]
                )
            )
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 50))]
        elif op == "truncate":
            del data[pos:]
        elif op == "repeat":
            data[pos:pos] = data[pos : pos + 20] * draw(st.integers(2, 200))
    return bytes(data)


def _read_as(kind: str, data: bytes, *, max_bytes: int = SMALL_CAP) -> list[Article | Reject]:
    if kind in ("html",):
        return _check(read_html(data, max_bytes=max_bytes))
    if kind in ("feed", "atom"):
        return _check(read_feed(data, max_bytes=max_bytes))
    if kind == "jsonl":
        return _check(read_jsonl(io.BytesIO(data), max_bytes=max_bytes))
    if kind.startswith("warc"):
        return _check(read_warc(data, max_bytes=max_bytes))
    return _check(read_text(data, max_bytes=max_bytes))


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_seeds_are_read(kind: str) -> None:
    items = _read_as(kind, SEEDS[kind])
    assert [type(i) for i in items] == [Article], items


@pytest.mark.parametrize("kind", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_documents(kind: str, data: st.DataObject) -> None:
    _read_as(kind, data.draw(mutated(kind)))


@FUZZ
@given(blob=st.binary(max_size=5_000), kind=st.sampled_from(sorted(SEEDS)))
def test_random_bytes(blob: bytes, kind: str) -> None:
    _read_as(kind, blob)


@FUZZ
@given(
    text=st.text(max_size=2_000),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig", "shift_jis"]),
    cut=st.integers(0, 4_000),
)
def test_truncated_and_misencoded_text(text: str, encoding: str, cut: int) -> None:
    blob = text.encode(encoding, errors="replace")[:cut]
    _read_as("text", blob)
    _read_as("html", b"<html><body><p>" + blob + b"</p></body></html>")


# --- JSON Lines: malformed lines, absurd values ------------------------------

_ABSURD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "2024-02-30",
            "0000-00-00",
            "9999-99-99",
            "-2024-01-01",
            "2024-1-1",
            "１２３４-０５-０６",
            "2024-05-06T25:61:61Z",
            "1e308",
            "\ud800",
            "",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["id", "text", "published", "outlet", "url", "title", "language", "x"]),
        _ABSURD,
        max_size=7,
    ),
    good_text=st.booleans(),
)
def test_jsonl_absurd_fields(fields: dict[str, object], good_text: bool) -> None:
    if good_text:
        fields["text"] = _TEXT
    line = json.dumps(fields, ensure_ascii=True).encode()  # \ud800 stays an escape
    (item,) = _read_as("jsonl", line + b"\n")
    if isinstance(item, Article):
        assert good_text or isinstance(fields.get("text"), str)


@FUZZ
@given(lines=st.lists(st.binary(max_size=300), max_size=30))
def test_jsonl_garbage_lines(lines: list[bytes]) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    items = _read_as("jsonl", data)
    assert len(items) <= len(lines)


def test_jsonl_huge_numbers_and_nesting() -> None:
    lines = [
        b'{"id": ' + b"9" * 100_000 + b', "text": "x y z"}',
        b'{"text": "a b c", "n": ' + b"1" * 10_000 + b".5e99999}",
        b"[" * 1_000_000,
        b'{"a":' * 200_000 + b"1" + b"}" * 200_000,
    ]
    items = _read_as("jsonl", b"\n".join(lines), max_bytes=5_000_000)
    reasons = [getattr(i, "reason", "article") for i in items]
    assert reasons == ["bad-json", "article", "bad-json", "bad-json"]


def test_huge_line_is_refused_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as fh:
        fh.write(b'{"text": "' + b"x" * 30_000_000 + b'"}\n')
        fh.write(json.dumps({"text": _TEXT}).encode() + b"\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    items = _check(read_sources([str(path)], max_bytes=1_000_000))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [getattr(i, "reason", "article") for i in items] == ["too-large", "article"]
    assert grown_mb < 20  # streamed in 64 kB steps, never 30 MB at once


# --- HTML: depth, width, size ------------------------------------------------


@FUZZ
@given(
    depth=st.integers(1, scale(20_000, 200_000)), tag=st.sampled_from(["div", "b", "table", "p"])
)
def test_deeply_nested_html(depth: int, tag: str) -> None:
    page = (f"<{tag}>" * depth + _TEXT + f"</{tag}>" * depth).encode()
    _read_as("html", b"<html><body>" + page + b"</body></html>", max_bytes=5_000_000)


def test_unclosed_nesting_and_huge_attribute() -> None:
    _read_as("html", b"<html><body>" + b"<div><span>" * 100_000, max_bytes=5_000_000)
    _read_as("html", b'<html><body><p title="' + b"a" * 3_000_000 + b'">x</p>', max_bytes=5_000_000)
    _read_as(
        "html", b"<html><body><p>" + b"word " * 600_000 + b"</p></body></html>", max_bytes=5_000_000
    )


# --- XML: entity expansion, external entities ---------------------------------


def _laughs(depth: int, fanout: int = 10) -> bytes:
    ents = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(fanout))}">' for i in range(1, depth)
    ]
    return (
        f"<?xml version='1.0'?><!DOCTYPE rss [{''.join(ents)}]><rss version='2.0'><channel>"
        f"<title>&l{depth - 1};</title><item><title>&l{depth - 1};</title>"
        f"<description>{_TEXT} &l{depth - 1};</description></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("depth", [3, 6, 10, 15])
def test_billion_laughs_in_feed(depth: int) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    items = _read_as("feed", _laughs(depth))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100
    assert [getattr(i, "reason", "article") for i in items] == ["bad-feed"]  # not expanded


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_billion_laughs_in_utf16_feed(codec: str) -> None:
    feed = _laughs(8).decode().replace("version='1.0'", f"version='1.0' encoding='{codec}'")
    items = _read_as("feed", feed.encode(codec))
    assert [getattr(i, "reason", "article") for i in items] == ["bad-feed"]


@pytest.mark.parametrize(
    "entity",
    [
        '<!ENTITY x SYSTEM "file:///etc/passwd">',
        '<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">',
        '<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;<!ENTITY x "y">',
    ],
)
def test_external_entities_not_resolved(entity: str) -> None:
    feed = (
        f"<?xml version='1.0'?><!DOCTYPE rss [{entity}]><rss version='2.0'><channel><title>W"
        f"</title><item><title>&x;</title><description>{_TEXT} &x;</description></item>"
        "</channel></rss>"
    ).encode()
    for item in _read_as("feed", feed):
        if isinstance(item, Article):
            assert "root:" not in item.text and "root:" not in (item.title or "")


# --- gzip bombs: WARC records and HTTP bodies ---------------------------------


@pytest.mark.parametrize("size", [SMALL_CAP + 1, 10 * SMALL_CAP, scale(20, 200) * 1_000_000])
def test_gzip_bomb_in_warc(size: int) -> None:
    page = b"<html><body><p>" + b"a" * size + b"</p></body></html>"
    archive = _warc([("https://bomb.example/", page), ("https://ok.example/", SEEDS["html"])])
    items = _read_as("warc", archive)
    assert [getattr(i, "reason", "article") for i in items] == ["too-large", "article"]


def test_gzip_bomb_as_whole_warc_file(tmp_path: Path) -> None:
    # the archive itself a bomb of zeros: not a WARC, refused from its first bytes
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gzip.compress(b"\0" * 50_000_000))
    (item,) = _check(read_sources([str(path)]))
    assert isinstance(item, Reject) and item.reason == "bad-warc"


def _serve(body: bytes, headers: dict[str, str]) -> Fetcher:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return Fetcher(client, resolver=lambda host, port: ["93.184.216.34"])


@pytest.mark.parametrize("layers", [1, 2])
def test_gzip_bomb_in_http_body(layers: int) -> None:
    body = b"<html><body><p>" + b"a" * 50_000_000 + b"</p></body></html>"
    for _ in range(layers):
        body = gzip.compress(body, compresslevel=9)
    encoding = ", ".join(["gzip"] * layers)
    fetcher = _serve(body, {"Content-Type": "text/html", "Content-Encoding": encoding})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (item,) = _check(read_url("https://bomb.example/", fetcher=fetcher, max_bytes=1_000_000))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert isinstance(item, Reject) and item.reason in {"too-large", "fetch-failed"}
    assert grown_mb < 50


@FUZZ
@given(
    body=st.binary(max_size=3_000),
    ctype=st.sampled_from(
        [
            "text/html",
            "application/rss+xml",
            "text/plain; charset=utf-16",
            "application/xml",
            "application/octet-stream",
            "image/png",
            "",
            "text/html; charset=bogus-9",
        ]
    ),
    encoding=st.sampled_from(["", "gzip", "deflate", "br", "gzip, gzip", "identity"]),
)
def test_fetched_bodies(body: bytes, ctype: str, encoding: str) -> None:
    headers = {"Content-Type": ctype} if ctype else {}
    if encoding:
        headers["Content-Encoding"] = encoding
    _check(read_url("https://x.example/", fetcher=_serve(body, headers), max_bytes=SMALL_CAP))


def test_fetch_errors_are_corroborate_errors() -> None:
    fetcher = _serve(
        b"\x1f\x8b" + b"\x00" * 100, {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )
    with contextlib.suppress(CorroborateError):  # an error, or a body: never anything else
        fetch_url("https://x.example/", fetcher=fetcher)
