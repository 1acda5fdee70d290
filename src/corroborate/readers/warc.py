"""WARC archives (``.warc``, ``.warc.gz``): one article per HTML or text capture.

``response``, ``resource`` and ``conversion`` records whose content is
HTML or plain text are read; request, metadata, revisit and warcinfo
records, redirects, error pages and other media (images, scripts, …) are
skipped. The archive is streamed record by record; ``max_bytes`` caps each
record's (decompressed) content, not the archive.
"""

from __future__ import annotations

import dataclasses
import io
import os
import zlib
from collections.abc import Iterator
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from corroborate.model import Reject
from corroborate.readers._common import DEFAULT_MAX_BYTES, Item, PathLike, describe_size, one_line
from corroborate.readers._sniff import content_type_charset, kind_from_content_type, sniff
from corroborate.readers.html import read_html
from corroborate.readers.text import read_text

__all__ = ["read_warc"]

_RECORD_TYPES = frozenset({"response", "resource", "conversion"})
_MAGIC = (b"WARC/", b"filedesc://")  # WARC, or the older ARC format


def read_warc(
    source: PathLike | bytes | IO[bytes],
    *,
    origin: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Yield an Article (or a Reject) for each HTML or text capture in a WARC archive.

    ``source`` is a path, the archive as bytes, or an open binary stream.
    Each article's ``url`` is the record's WARC-Target-URI and its
    ``origin`` the archive; the text and metadata come from the HTML
    reader (or the text reader for ``text/plain``). An unreadable archive
    yields a Reject ("bad-warc") and stops.
    """
    if isinstance(source, bytes):
        yield from _read_stream(io.BytesIO(source), where=origin or "<bytes>", max_bytes=max_bytes)
        return
    if not isinstance(source, (str, os.PathLike)):
        where = origin or str(getattr(source, "name", "<stream>"))
        yield from _read_stream(source, where=where, max_bytes=max_bytes)
        return
    path = os.fspath(source)
    where = origin if origin is not None else path
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the lazy reading
    except FileNotFoundError:
        yield Reject(origin=where, reason="not-found", detail=f"no such file: {path}")
        return
    except OSError as exc:
        yield Reject(origin=where, reason="unreadable", detail=f"cannot open {path}: {exc}")
        return
    with fh:
        yield from _read_stream(fh, where=where, max_bytes=max_bytes)


def _bad_header(stream: IO[bytes]) -> str | None:
    """Why a seekable stream is no WARC/ARC archive, from its first bytes (None if it is)."""
    if not stream.seekable():
        return None  # warcio's own checks apply
    start = stream.tell()
    head = stream.read(512)
    stream.seek(start)
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return "it is gzip-compressed but corrupt"
    if head.lstrip(b"\r\n").startswith(_MAGIC):
        return None
    if not head:
        return "it is empty"
    return "it does not start with a WARC header"


def _read_stream(stream: IO[bytes], *, where: str, max_bytes: int) -> Iterator[Item]:
    problem = _bad_header(stream)
    if problem is not None:
        yield Reject(origin=where, reason="bad-warc", detail=f"not a WARC archive: {problem}")
        return
    records = iter(ArchiveIterator(stream))
    number = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # warcio raises assorted errors on corrupt archives
            yield Reject(
                origin=where,
                reason="bad-warc",
                detail=one_line(f"not a readable WARC archive after {number} records: {exc}"),
            )
            return
        number += 1
        try:
            yield from _record_items(record, number=number, where=where, max_bytes=max_bytes)
        except Exception as exc:  # a corrupt record body (bad gzip, short read…)
            yield Reject(
                origin=where,
                reason="bad-warc",
                detail=one_line(f"record {number}: its content could not be read: {exc}"),
            )


def _record_items(record: Any, *, number: int, where: str, max_bytes: int) -> Iterator[Item]:
    if record.rec_type not in _RECORD_TYPES:
        return
    http = record.http_headers
    if http is not None and record.rec_type == "response":
        status = http.get_statuscode()
        if not (isinstance(status, str) and status.startswith("2")):
            return  # redirects and error pages are no articles
        content_type = http.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    label = f"record {number}" + (f" ({uri})" if uri else "")
    kind = kind_from_content_type(content_type)
    if kind is not None and kind not in ("html", "text"):
        return
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        yield Reject(
            origin=where,
            reason="too-large",
            detail=f"{label}: content over the {describe_size(max_bytes)} limit",
        )
        return
    if kind is None:
        if content_type and not content_type.lower().startswith("text/"):
            return  # images, scripts, PDFs… are no articles
        kind = "html" if sniff(body) == "html" else "text"
    charset = content_type_charset(content_type)
    items = (
        read_html(body, origin=where, url=uri, charset=charset, max_bytes=max_bytes)
        if kind == "html"
        else read_text(body, origin=where, url=uri, charset=charset, max_bytes=max_bytes)
    )
    for item in items:
        if isinstance(item, Reject):
            item = dataclasses.replace(item, detail=f"{label}: {item.detail}")
        yield item
