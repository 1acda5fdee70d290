"""RSS and Atom feeds: one article per item, from the item's own content or summary.

The item's link is recorded as the article URL but not fetched: the text
is what the feed carries (full content when present, else the summary).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import feedparser

from corroborate.errors import ReadError
from corroborate.model import Article, Reject
from corroborate.readers._common import (
    DEFAULT_MAX_BYTES,
    Item,
    Source,
    check_text,
    load_bytes,
    normalise_newlines,
    one_line,
    origin_of,
)
from corroborate.readers._dates import date_from_struct, lenient_date
from corroborate.readers._html_text import fragment_to_text, looks_like_html

__all__ = ["read_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_ENTITY_MARKS = tuple("<!ENTITY".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def read_feed(
    source: Source,
    *,
    origin: str | None = None,
    url: str | None = None,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Yield an Article (or a Reject) for each item of an RSS or Atom feed.

    ``source`` is a path or the feed as bytes; ``url`` is where it was
    fetched from (used to resolve relative links), ``content_type`` the
    HTTP Content-Type (it may carry the charset). Each article has the
    item's title, link (``url``), published date and the feed's title as
    ``outlet``. A file that is not a feed, or a feed with no items, yields
    a single Reject; an item with no text yields a Reject for that item.
    """
    where = origin_of(source, origin)
    data = load_bytes(source, origin=where, max_bytes=max_bytes)
    if isinstance(data, Reject):
        yield data
        return
    if any(mark in data for mark in _ENTITY_MARKS):
        # Entity expansion ("billion laughs") inflates a small feed up to the XML
        # parser's own limits; real feeds do not declare entities.
        yield Reject(
            origin=where,
            reason="bad-feed",
            detail="the feed declares XML entities (<!ENTITY>), refused against entity expansion",
        )
        return
    headers: dict[str, str] = {}
    if url:
        headers["content-location"] = url
    if content_type:
        headers["content-type"] = content_type
    try:
        # A stream, never a str: feedparser would treat a str as a URL to fetch.
        parsed: Any = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser's parsers fail in many ways on broken input
        yield Reject(
            origin=where, reason="bad-feed", detail=one_line(f"the feed could not be parsed: {exc}")
        )
        return
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo") or not parsed.get("version"):
            problem = parsed.get("bozo_exception")
            yield Reject(
                origin=where,
                reason="bad-feed",
                detail=one_line("not an RSS or Atom feed" + (f" ({problem})" if problem else "")),
            )
        else:
            yield Reject(origin=where, reason="empty", detail="the feed has no items")
        return
    feed = parsed.get("feed") or {}
    outlet = _clean_line(feed.get("title"), feed.get("title_detail")) or _hostname(
        feed.get("link") or url
    )
    for number, entry in enumerate(entries, start=1):
        yield _entry_item(entry, number=number, where=where, outlet=outlet)


def _entry_item(entry: Any, *, number: int, where: str, outlet: str | None) -> Item:
    link = entry.get("link") or None
    title = _clean_line(entry.get("title"), entry.get("title_detail"))
    label = f"item {number}" + (f" ({link or title})" if link or title else "")
    text = ""
    for value, kind in _candidates(entry):
        text = fragment_to_text(value) if _is_html(kind, value) else value
        text = normalise_newlines(text)
        if text.strip():
            break
    try:
        check_text(text)
    except ReadError as exc:
        reason = "missing-text" if exc.reason == "empty" else exc.reason
        detail = "no content or summary" if exc.reason == "empty" else exc.message
        return Reject(origin=where, reason=reason, detail=one_line(f"{label}: {detail}"))
    return Article.create(
        text,
        url=link,
        outlet=outlet,
        published=_published(entry),
        title=title,
        origin=where,
    )


def _candidates(entry: Any) -> Iterator[tuple[str, str]]:
    for content in entry.get("content") or []:
        value = content.get("value")
        if isinstance(value, str):
            yield value, str(content.get("type") or "")
    summary = entry.get("summary")
    if isinstance(summary, str):
        detail = entry.get("summary_detail") or {}
        yield summary, str(detail.get("type") or "")


def _is_html(kind: str, value: str) -> bool:
    if kind in _HTML_TYPES:
        return True
    return not kind and looks_like_html(value)


def _clean_line(value: object, detail: Any) -> str | None:
    """A title as one line of plain text."""
    if not isinstance(value, str):
        return None
    kind = str((detail or {}).get("type") or "")
    text = fragment_to_text(value) if _is_html(kind, value) else value
    text = " ".join(text.split())
    return text or None


def _published(entry: Any) -> str | None:
    # The date as written (the publisher's local date) before feedparser's UTC one.
    for raw, parsed in (("published", "published_parsed"), ("updated", "updated_parsed")):
        day = lenient_date(entry.get(raw)) or date_from_struct(entry.get(parsed))
        if day is not None:
            return day
    return None


def _hostname(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
