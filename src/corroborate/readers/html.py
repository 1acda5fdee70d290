"""HTML pages: the main text and metadata, extracted with trafilatura."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import trafilatura

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
from corroborate.readers._dates import lenient_date
from corroborate.readers._decode import decode_bytes, html_declared_charset

__all__ = ["read_html"]

# Publication date from the page's markup only (no guessing from the body
# text, which names the dates of events), preferring the original date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Text a browser shows only without JavaScript is not the article.
_PRUNE = ["//noscript"]


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def read_html(
    source: Source,
    *,
    origin: str | None = None,
    url: str | None = None,
    charset: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Yield one Article for an HTML page (a path, or the page as bytes), or a Reject.

    The text is the page's main content as trafilatura finds it (no
    navigation, boilerplate or reader comments), one paragraph a line.
    ``title``, ``published`` (YYYY-MM-DD, from the page's markup) and
    ``outlet`` (the site name, else the host name of the page's URL) come
    from the page's metadata; ``url`` is the given one (where the page was
    fetched from), else the page's canonical URL. ``charset`` is the
    encoding declared by an HTTP header, which wins over ``<meta charset>``.
    """
    where = origin_of(source, origin)
    data = load_bytes(source, origin=where, max_bytes=max_bytes)
    if isinstance(data, Reject):
        yield data
        return
    try:
        markup = decode_bytes(data, declared=charset or html_declared_charset(data))
    except ReadError as exc:
        yield Reject(origin=where, reason=exc.reason, detail=exc.message)
        return
    try:
        doc = _extract(markup, url=url)
        if _text_of(doc) is None and "<body" not in markup[:100_000].lower():
            # A bare fragment (no <html>/<body>): trafilatura needs a document.
            doc = _extract(f"<html><body>{markup}</body></html>", url=url)
    except Exception as exc:  # trafilatura and lxml fail in many ways on broken markup
        yield Reject(
            origin=where,
            reason="bad-html",
            detail=one_line(f"the HTML could not be parsed: {type(exc).__name__}: {exc}"),
        )
        return
    text = _text_of(doc)
    try:
        if text is None:
            raise ReadError("no text", reason="empty")
        text = normalise_newlines(text)
        check_text(text)
    except ReadError:
        yield Reject(
            origin=where,
            reason="no-text-in-html",
            detail="no article text found in the HTML page",
        )
        return
    page_url = url or _str_or_none(getattr(doc, "url", None))
    yield Article.create(
        text,
        url=page_url,
        outlet=_str_or_none(getattr(doc, "sitename", None)) or _hostname(page_url),
        published=lenient_date(getattr(doc, "date", None)),
        title=_str_or_none(getattr(doc, "title", None)),
        origin=where,
    )


def _extract(markup: str, *, url: str | None) -> Any:
    return trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        prune_xpath=_PRUNE,
        date_extraction_params=_DATE_PARAMS,
    )


def _text_of(doc: Any) -> str | None:
    text = getattr(doc, "text", None) if doc is not None else None
    return text if isinstance(text, str) and text.strip() else None


def _str_or_none(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
