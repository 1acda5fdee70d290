"""JSON Lines: one document per line, the input contract of ``corroborate extract``.

Each line is an object ``{"id", "text", "published", "outlet", "url",
"title"}`` (and optionally ``"language"``); only ``text`` is required.
Every bad line yields a Reject whose detail starts with its line number;
the good lines are yielded in order and the run goes on.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from typing import IO, Any

from corroborate.errors import ReadError
from corroborate.model import Article, Reject
from corroborate.readers._common import (
    DEFAULT_MAX_BYTES,
    Item,
    PathLike,
    check_text,
    describe_size,
    normalise_newlines,
    one_line,
)
from corroborate.readers._dates import parse_date

__all__ = ["read_jsonl"]

_OPTIONAL_STRINGS = ("outlet", "url", "title", "language")
_CHUNK = 1 << 16
_NEWLINES = ("\n", b"\n")


def read_jsonl(
    source: PathLike | IO[bytes] | IO[str],
    *,
    origin: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Item]:
    """Yield an Article or a Reject for each non-blank line of a JSON Lines input.

    ``source`` is a path or an open stream (binary or text, e.g. standard
    input); a stream is read line by line and not closed. ``max_bytes``
    caps each line, not the whole input (a line over it is rejected and
    skipped without being held in memory). Lines are UTF-8 (a BOM on the
    first line is ignored); ``\\r\\n`` line ends are accepted.
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        where = origin if origin is not None else path
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed below, after the lazy reading
        except FileNotFoundError:
            yield Reject(origin=where, reason="not-found", detail=f"no such file: {path}")
            return
        except IsADirectoryError:
            yield Reject(origin=where, reason="not-a-file", detail=f"{path} is a directory")
            return
        except OSError as exc:
            yield Reject(origin=where, reason="unreadable", detail=f"cannot open {path}: {exc}")
            return
        with fh:
            yield from _read_lines(fh, where=where, max_bytes=max_bytes)
    else:
        where = origin if origin is not None else str(getattr(source, "name", "<stream>"))
        yield from _read_lines(source, where=where, max_bytes=max_bytes)


def _lines(stream: IO[bytes] | IO[str], *, max_bytes: int) -> Iterator[str | bytes | None]:
    """The lines of a stream; ``None`` for a line longer than ``max_bytes``."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line[-1:] in _NEWLINES:
            yield line
            continue
        # Too long: skip to the end of the line without keeping it.
        while True:
            rest = stream.readline(_CHUNK)
            if not rest or rest[-1:] in _NEWLINES:
                break
        yield None


def _read_lines(stream: IO[bytes] | IO[str], *, where: str, max_bytes: int) -> Iterator[Item]:
    if isinstance(stream, io.TextIOBase) and hasattr(stream, "buffer"):
        stream = stream.buffer  # read bytes: the cap is in bytes, the decoding is ours
    try:
        for lineno, raw in enumerate(_lines(stream, max_bytes=max_bytes), start=1):
            if raw is None:
                yield Reject(
                    origin=where,
                    reason="too-large",
                    detail=f"line {lineno}: longer than the {describe_size(max_bytes)} limit",
                )
                continue
            if isinstance(raw, bytes):
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield Reject(
                        origin=where,
                        reason="undecodable",
                        detail=f"line {lineno}: not UTF-8 (byte {exc.start}: {exc.reason})",
                    )
                    continue
            else:
                line = raw.removeprefix("\ufeff") if lineno == 1 else raw
            if not line.strip():
                continue
            yield _parse_line(line, lineno=lineno, where=where)
    except OSError as exc:
        yield Reject(origin=where, reason="unreadable", detail=f"reading stopped: {exc}")


def _parse_line(line: str, *, lineno: int, where: str) -> Item:
    try:
        obj: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        return Reject(
            origin=where,
            reason="bad-json",
            detail=f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})",
        )
    except RecursionError:
        return Reject(
            origin=where, reason="bad-json", detail=f"line {lineno}: JSON nested too deep"
        )
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return Reject(
            origin=where, reason="bad-json", detail=one_line(f"line {lineno}: invalid JSON ({exc})")
        )
    if not isinstance(obj, dict):
        return Reject(
            origin=where,
            reason="not-an-object",
            detail=f"line {lineno}: expected a JSON object, got {_json_type(obj)}",
        )
    for name in ("id", "text", "published", *_OPTIONAL_STRINGS):
        value = obj.get(name)
        if isinstance(value, str) and not _encodable(value):
            return Reject(
                origin=where,
                reason="undecodable",
                detail=f'line {lineno}: "{name}" holds an unpaired surrogate (a \\ud800-\\udfff '
                "escape), which is no Unicode text",
            )
    raw_id = obj.get("id")
    external_id: str | None
    if raw_id is None or isinstance(raw_id, str):
        external_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        external_id = str(raw_id)
    else:
        return Reject(
            origin=where,
            reason="bad-field",
            detail=f'line {lineno}: "id" must be a string or an integer, got {_json_type(raw_id)}',
        )

    def reject(reason: str, detail: str) -> Reject:
        return Reject(
            origin=where, reason=reason, detail=f"line {lineno}: {detail}", external_id=external_id
        )

    text = obj.get("text")
    if text is None:
        return reject("missing-text", 'no "text" field')
    if not isinstance(text, str):
        return reject("bad-text", f'"text" must be a string, got {_json_type(text)}')
    text = normalise_newlines(text)
    try:
        check_text(text)
    except ReadError as exc:
        return reject(exc.reason, f'"text": {exc.message}')

    fields: dict[str, str | None] = {}
    for name in _OPTIONAL_STRINGS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return reject("bad-field", f'"{name}" must be a string, got {_json_type(value)}')
        fields[name] = value.strip() or None if isinstance(value, str) else None

    published = obj.get("published")
    if published is not None and not isinstance(published, str):
        return reject(
            "bad-date", f'"published" must be a YYYY-MM-DD string, got {_json_type(published)}'
        )
    if isinstance(published, str) and published.strip():
        try:
            published = parse_date(published)
        except ReadError as exc:
            return reject("bad-date", f'"published": {exc.message}')
    else:
        published = None

    return Article.create(
        text,
        external_id=external_id,
        url=fields["url"],
        outlet=fields["outlet"],
        published=published,
        language=fields["language"],
        title=fields["title"],
        origin=where,
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
