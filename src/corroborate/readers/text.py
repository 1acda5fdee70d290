"""Plain text files: decoded (UTF-8 or a legacy encoding), one article per file."""

from __future__ import annotations

from collections.abc import Iterator

from corroborate.errors import ReadError
from corroborate.model import Article, Reject
from corroborate.readers._common import DEFAULT_MAX_BYTES, Item, Source, load_bytes, origin_of
from corroborate.readers._decode import decode_bytes

__all__ = ["read_text"]


def read_text(
    source: Source,
    *,
    origin: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    title: str | None = None,
    external_id: str | None = None,
) -> Iterator[Item]:
    """Yield one Article for a text file (a path) or text content (bytes), or a Reject.

    ``charset`` is a declared encoding (e.g. from an HTTP header), tried
    before UTF-8 and detection. The metadata keywords are copied onto the
    article as given.
    """
    where = origin_of(source, origin)
    data = load_bytes(source, origin=where, max_bytes=max_bytes)
    if isinstance(data, Reject):
        yield data
        return
    try:
        text = decode_bytes(data, declared=charset)
    except ReadError as exc:
        yield Reject(origin=where, reason=exc.reason, detail=exc.message, external_id=external_id)
        return
    yield Article.create(
        text,
        external_id=external_id,
        url=url,
        outlet=outlet,
        published=published,
        title=title,
        origin=where,
    )
