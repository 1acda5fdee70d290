"""Reading any mix of sources: files, directories, standard input and URLs."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from corroborate.errors import ConfigError, ReadError
from corroborate.model import Article, Reject
from corroborate.readers._common import DEFAULT_MAX_BYTES, Item, PathLike, load_bytes, one_line
from corroborate.readers._dates import parse_date
from corroborate.readers._sniff import Kind, kind_from_content_type, sniff
from corroborate.readers.feed import read_feed
from corroborate.readers.fetch import DEFAULT_TIMEOUT, Fetcher, fetch_url
from corroborate.readers.html import read_html
from corroborate.readers.jsonl import read_jsonl
from corroborate.readers.text import read_text
from corroborate.readers.warc import read_warc

__all__ = ["STDIN", "kind_of_path", "read_path", "read_sources", "read_url"]

#: The source name that means standard input (read as JSON Lines).
STDIN = "-"
_STDIN_ORIGIN = "<stdin>"

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_SUFFIXES: tuple[tuple[str, Kind], ...] = (
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".html", "html"),
    (".htm", "html"),
    (".xhtml", "html"),
    (".rss", "feed"),
    (".atom", "feed"),
    (".xml", "feed"),
)
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_MAYBE_TEXT = frozenset({"application/octet-stream"})


def kind_of_path(path: PathLike) -> Kind | None:
    """The kind a file name says (``.jsonl`` → ``jsonl``…), or None (sniff the content)."""
    name = os.fspath(path).lower()
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix):
            return kind
    return None


def read_path(
    path: PathLike, *, origin: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Item]:
    """Read one file with the reader its name (or, failing that, its content) calls for.

    ``.jsonl``/``.ndjson`` → JSON Lines, ``.warc``/``.warc.gz`` → WARC,
    ``.html``/``.htm``/``.xhtml`` → HTML, ``.rss``/``.atom``/``.xml`` →
    feed; any other file is sniffed (an HTML page, a feed or a WARC
    archive by its first bytes) and otherwise read as plain text.
    """
    where = origin if origin is not None else os.fspath(path)
    kind = kind_of_path(path)
    if kind == "jsonl":
        yield from read_jsonl(path, origin=where, max_bytes=max_bytes)
    elif kind == "warc":
        yield from read_warc(path, origin=where, max_bytes=max_bytes)
    elif kind == "html":
        yield from read_html(path, origin=where, max_bytes=max_bytes)
    elif kind == "feed":
        yield from read_feed(path, origin=where, max_bytes=max_bytes)
    else:
        data = load_bytes(path, origin=where, max_bytes=max_bytes)
        if isinstance(data, Reject):
            yield data
            return
        yield from _read_content(
            data, kind=sniff(data[:4096]) or "text", origin=where, max_bytes=max_bytes
        )


def _read_content(
    data: bytes,
    *,
    kind: Kind,
    origin: str,
    max_bytes: int,
    url: str | None = None,
    content_type: str | None = None,
    charset: str | None = None,
) -> Iterator[Item]:
    if kind == "html":
        yield from read_html(data, origin=origin, url=url, charset=charset, max_bytes=max_bytes)
    elif kind == "feed":
        yield from read_feed(
            data, origin=origin, url=url, content_type=content_type, max_bytes=max_bytes
        )
    elif kind == "warc":
        yield from read_warc(data, origin=origin, max_bytes=max_bytes)
    elif kind == "jsonl":
        yield from read_jsonl(io.BytesIO(data), origin=origin, max_bytes=max_bytes)
    else:
        yield from read_text(data, origin=origin, url=url, charset=charset, max_bytes=max_bytes)


def read_url(
    url: str,
    *,
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Fetch ``url`` (see :func:`~corroborate.readers.fetch.fetch_url`) and read it.

    The Content-Type picks the reader: an HTML page gives one article, a
    feed one article per item (from the items' own text; their links are
    not fetched), plain text one article. A failed fetch yields a Reject
    with the fetch error's reason ("unsafe-url", "bad-scheme", "timeout",
    "http-error", "too-large", "fetch-failed"…).
    """
    try:
        fetched = fetch_url(
            url,
            fetcher=fetcher,
            allow_private=allow_private,
            timeout=timeout,
            max_bytes=max_bytes,
        )
    except ReadError as exc:
        yield Reject(origin=url, reason=exc.reason, detail=one_line(exc.message))
        return
    media = fetched.media_type
    kind = kind_from_content_type(media)
    if kind is None:
        sniffed = sniff(fetched.body[:4096])
        if sniffed is not None:
            kind = sniffed
        elif media in _XML_TYPES:
            kind = "feed"  # the feed reader says why it is not one
        elif media is None or media.startswith("text/") or media in _MAYBE_TEXT:
            kind = "text"
        else:
            yield Reject(
                origin=url,
                reason="unsupported-type",
                detail=f"{fetched.url} is {media}, not HTML, a feed or text",
            )
            return
    yield from _read_content(
        fetched.body,
        kind=kind,
        origin=url,
        max_bytes=max_bytes,
        url=fetched.url,
        content_type=fetched.content_type,
        charset=fetched.charset,
    )


def read_sources(
    sources: Iterable[PathLike],
    *,
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    default_published: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    stdin: IO[bytes] | IO[str] | None = None,
) -> Iterator[Item]:
    """Read every source in order, yielding Articles and Rejects lazily.

    A source is a file (read by :func:`read_path`), a directory (its files
    read recursively in sorted order, hidden files and directories
    skipped), ``-`` (standard input, or ``stdin`` when given, read as JSON
    Lines) or an ``http(s)://`` URL (:func:`read_url`; ``fetcher``,
    ``allow_private`` and ``timeout`` apply). A source that cannot be read
    (a missing path, another URL scheme, …) yields a Reject; nothing here
    raises for a bad input. ``default_published`` (YYYY-MM-DD) is given to
    articles whose date is unknown. ``max_bytes`` caps each file, page,
    JSON line and WARC record.

    Raises ConfigError at once (not when iterated) for a bad
    ``default_published`` or ``max_bytes``.
    """
    if max_bytes < 1:
        raise ConfigError(f"max_bytes must be positive, not {max_bytes}")
    default: str | None = None
    if default_published is not None:
        try:
            default = parse_date(default_published)
        except ReadError as exc:
            raise ConfigError(f"default published date: {exc.message}") from exc
    return _read_all(
        sources,
        fetcher=fetcher,
        allow_private=allow_private,
        max_bytes=max_bytes,
        default_published=default,
        timeout=timeout,
        stdin=stdin,
    )


def _read_all(
    sources: Iterable[PathLike],
    *,
    fetcher: Fetcher | None,
    allow_private: bool,
    max_bytes: int,
    default_published: str | None,
    timeout: float,
    stdin: IO[bytes] | IO[str] | None,
) -> Iterator[Item]:
    own: Fetcher | None = None
    try:
        for given in sources:
            source = os.fspath(given)
            items: Iterator[Item]
            if source == STDIN:
                stream = stdin if stdin is not None else sys.stdin
                if stream is None:
                    items = iter(
                        [Reject(origin=_STDIN_ORIGIN, reason="unreadable", detail="no stdin")]
                    )
                else:
                    items = read_jsonl(stream, origin=_STDIN_ORIGIN, max_bytes=max_bytes)
            elif (match := _URL.match(source)) and not _is_windows_drive(source):
                scheme = match.group(1).lower()
                if scheme in ("http", "https"):
                    if fetcher is None and own is None:
                        own = Fetcher()
                    items = read_url(
                        source,
                        fetcher=fetcher or own,
                        allow_private=allow_private,
                        timeout=timeout,
                        max_bytes=max_bytes,
                    )
                else:
                    items = iter(
                        [
                            Reject(
                                origin=source,
                                reason="bad-scheme",
                                detail=f"{scheme}: URLs are not read; "
                                "give a path, '-' or an http(s) URL",
                            )
                        ]
                    )
            elif os.path.isdir(source):
                items = _read_directory(source, max_bytes=max_bytes)
            else:
                items = read_path(source, max_bytes=max_bytes)
            for item in items:
                if (
                    default_published is not None
                    and isinstance(item, Article)
                    and item.published is None
                ):
                    item = dataclasses.replace(item, published=default_published)
                yield item
    finally:
        if own is not None:
            own.close()


def _is_windows_drive(source: str) -> bool:
    return len(source) >= 2 and source[1] == ":" and (len(source) == 2 or source[2] in "\\/")


def _read_directory(directory: str, *, max_bytes: int) -> Iterator[Item]:
    for entry in _walk(directory, seen=set()):
        if isinstance(entry, Reject):
            yield entry
        else:
            yield from read_path(entry, max_bytes=max_bytes)


def _walk(directory: str, *, seen: set[tuple[int, int]]) -> Iterator[str | Reject]:
    """The files under ``directory`` in name order, depth first, skipping hidden names.

    Symbolic links are followed; a directory already visited (a link loop)
    is not entered again.
    """
    try:
        st = os.stat(directory)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        with os.scandir(directory) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield Reject(
            origin=directory, reason="unreadable", detail=f"cannot list {directory}: {exc}"
        )
        return
    for entry in entries:
        try:
            if entry.is_dir():
                yield from _walk(entry.path, seen=seen)
            elif entry.is_file():
                yield entry.path
            elif entry.is_symlink():
                yield Reject(origin=entry.path, reason="not-found", detail="broken symbolic link")
            else:
                yield Reject(
                    origin=entry.path,
                    reason="not-a-file",
                    detail="not a regular file (a pipe, socket or device)",
                )
        except OSError as exc:
            yield Reject(origin=entry.path, reason="unreadable", detail=f"cannot stat: {exc}")
