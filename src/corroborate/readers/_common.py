"""Shared pieces of the readers: the item type, size-capped loading, text checks."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import BinaryIO, TypeAlias

from corroborate.errors import ReadError
from corroborate.model import Article, Reject

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Item",
    "PathLike",
    "Source",
    "check_text",
    "describe_size",
    "load_bytes",
    "normalise_newlines",
    "one_line",
    "origin_of",
    "read_capped",
    "single",
]

#: Default cap on the size of one input (a file, a page, a JSONL line, a WARC record).
DEFAULT_MAX_BYTES = 20_000_000

#: What every reader yields: an article, or the reason an input could not be read.
Item: TypeAlias = Article | Reject

PathLike: TypeAlias = str | os.PathLike[str]

#: A reader's input: a path (``str`` or ``os.PathLike``) or the content itself as bytes.
Source: TypeAlias = str | os.PathLike[str] | bytes

# Control characters that are normal in text.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
#: More than this share of control characters makes a text "binary".
_MAX_CONTROL_RATIO = 0.05


def describe_size(n: int) -> str:
    """A human size: ``20 MB``, ``512 bytes``."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB".replace(".0 kB", " kB")
    return f"{n} bytes"


def origin_of(source: Source, origin: str | None) -> str:
    """The origin string of a source: the given one, the path, or ``<bytes>``."""
    if origin is not None:
        return origin
    if isinstance(source, bytes):
        return "<bytes>"
    return os.fspath(source)


def read_capped(stream: BinaryIO, *, max_bytes: int) -> bytes | None:
    """Read at most ``max_bytes`` bytes; ``None`` when the stream holds more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return None
    return data


def load_bytes(source: Source, *, origin: str, max_bytes: int) -> bytes | Reject:
    """The bytes of a path or of a bytes object, or a Reject saying why not.

    The size of a regular file is checked before it is opened, so a huge
    file is rejected without reading it; anything else (a pipe, a device)
    is read up to ``max_bytes + 1`` bytes.
    """
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            return Reject(
                origin=origin,
                reason="too-large",
                detail=f"input is {describe_size(len(source))}, over the "
                f"{describe_size(max_bytes)} limit",
            )
        return source
    path = os.fspath(source)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return Reject(origin=origin, reason="not-found", detail=f"no such file: {path}")
    except OSError as exc:
        return Reject(origin=origin, reason="unreadable", detail=f"cannot stat {path}: {exc}")
    if stat.S_ISDIR(st.st_mode):
        return Reject(origin=origin, reason="not-a-file", detail=f"{path} is a directory")
    if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
        return Reject(
            origin=origin,
            reason="too-large",
            detail=f"file is {describe_size(st.st_size)}, over the "
            f"{describe_size(max_bytes)} limit",
        )
    try:
        with open(path, "rb") as fh:
            data = read_capped(fh, max_bytes=max_bytes)
    except OSError as exc:
        return Reject(origin=origin, reason="unreadable", detail=f"cannot read {path}: {exc}")
    if data is None:
        return Reject(
            origin=origin,
            reason="too-large",
            detail=f"input is over the {describe_size(max_bytes)} limit",
        )
    return data


def one_line(message: str, *, limit: int = 300) -> str:
    """A message as one line of at most ``limit`` characters (for Reject details)."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def normalise_newlines(text: str) -> str:
    """Turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; nothing else changes."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_text(text: str) -> None:
    """Raise ReadError ("empty" or "binary") when ``text`` is no usable text."""
    if not text.strip():
        raise ReadError("the text is empty or white space only", reason="empty")
    if "\x00" in text:
        raise ReadError("the text contains NUL characters (binary data?)", reason="binary")
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if (ch < "\x20" or "\x7f" <= ch <= "\x9f") and ch not in _TEXT_CONTROLS
    )
    if controls > _MAX_CONTROL_RATIO * len(sample):
        raise ReadError(
            f"{controls} control characters in {len(sample)} (binary data?)", reason="binary"
        )


def single(item: Item) -> Iterator[Item]:
    """An iterator over one item (for readers that read a whole input at once)."""
    yield item
