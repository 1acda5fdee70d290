"""Guess the kind of an input from its first bytes."""

from __future__ import annotations

import zlib
from typing import Literal, TypeAlias

__all__ = ["Kind", "content_type_charset", "kind_from_content_type", "sniff"]

Kind: TypeAlias = Literal["text", "html", "feed", "jsonl", "warc"]

_FEED_MARKS = (b"<rss", b"<feed", b"<rdf:rdf")
_HTML_MARKS = (b"<!doctype html", b"<html")
_HTML_HINTS = (b"<head", b"<body", b"<title", b"<meta", b"<div", b"<p>", b"<p ", b"<article")

_CONTENT_TYPES: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/x-rss+xml": "feed",
    "text/plain": "text",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
    "application/warc": "warc",
}


def kind_from_content_type(content_type: str | None) -> Kind | None:
    """The kind a media type names, or None (sniff the content instead)."""
    if not content_type:
        return None
    return _CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def sniff(head: bytes) -> Kind | None:
    """``html``, ``feed`` or ``warc`` when the first bytes say so, else None."""
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(head, 16)
        except zlib.error:
            return None
        return "warc" if inner.startswith(b"WARC/") else None
    if head.startswith(b"WARC/"):
        return "warc"
    lowered = head[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if not lowered.startswith(b"<"):
        return None
    found: list[tuple[int, Kind]] = []
    for mark in _FEED_MARKS:
        pos = lowered.find(mark)
        if pos >= 0:
            found.append((pos, "feed"))
    for mark in _HTML_MARKS:
        pos = lowered.find(mark)
        if pos >= 0:
            found.append((pos, "html"))
    if found:
        return min(found)[1]
    if any(hint in lowered for hint in _HTML_HINTS):
        return "html"
    return None


def content_type_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, or None."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None
