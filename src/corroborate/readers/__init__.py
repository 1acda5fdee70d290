"""Readers: turn files, directories, standard input and URLs into Articles.

Every reader is a generator yielding :class:`~corroborate.model.Article`
for each document it can read and :class:`~corroborate.model.Reject` (a
short machine ``reason`` and a one-line ``detail``) for each it cannot;
none raises for a bad input, so a batch always goes on.

Reasons used: ``not-found``, ``not-a-file``, ``unreadable``, ``too-large``,
``empty``, ``binary``, ``undecodable``, ``bad-json``, ``not-an-object``,
``missing-text``, ``bad-text``, ``bad-field``, ``bad-date``,
``no-text-in-html``, ``bad-html``, ``bad-feed``, ``bad-warc``,
``unsupported-type``, and for URLs ``bad-url``, ``bad-scheme``,
``unsafe-url``, ``timeout``, ``http-error``, ``too-many-redirects``,
``fetch-failed``.
"""

from corroborate.readers._common import DEFAULT_MAX_BYTES, Item
from corroborate.readers.feed import read_feed
from corroborate.readers.fetch import DEFAULT_TIMEOUT, Fetched, Fetcher, Resolver, fetch_url
from corroborate.readers.html import read_html
from corroborate.readers.jsonl import read_jsonl
from corroborate.readers.sources import STDIN, kind_of_path, read_path, read_sources, read_url
from corroborate.readers.text import read_text
from corroborate.readers.warc import read_warc

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "STDIN",
    "Fetched",
    "Fetcher",
    "Item",
    "Resolver",
    "fetch_url",
    "kind_of_path",
    "read_feed",
    "read_html",
    "read_jsonl",
    "read_path",
    "read_sources",
    "read_text",
    "read_url",
    "read_warc",
]
