"""Bytes to text: BOM, declared charset, UTF-8, then charset detection.

Legacy encodings (windows-1256 Arabic, latin-1 and cp1252 French, …) are
decoded, not rejected; binary data and bytes no encoding explains are.
Newlines are normalised to ``\\n``; the text is otherwise kept verbatim.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from corroborate.errors import ReadError
from corroborate.readers._common import check_text, normalise_newlines

__all__ = ["decode_bytes", "html_declared_charset", "normalise_charset"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Raw bytes that are control characters in every ASCII-compatible encoding.
_RAW_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_MAX_RAW_CONTROL_RATIO = 0.05

# When detection ties, prefer these: the web's most common legacy encoding
# first (HTML5 reads latin-1 as cp1252; they agree on every printable byte).
_PREFERRED = ("utf_8", "cp1252")
_TIE = 0.02

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def normalise_charset(name: str | None) -> str | None:
    """The Python codec name for a declared charset, or None if unknown.

    Like browsers, a declared ``iso-8859-1`` / ``ascii`` is read as cp1252.
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith(("utf-16", "utf-32")):
        # A declaration read from ASCII-compatible bytes cannot be UTF-16/32
        # (browsers read such pages as UTF-8); only a byte-order mark says so.
        return "utf-8"
    return codec


def html_declared_charset(data: bytes) -> str | None:
    """The charset named by a ``<meta>`` tag in the first 4 kB of an HTML page."""
    match = _META_CHARSET.search(data[:4096])
    return normalise_charset(match.group(1).decode("ascii")) if match else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for preferred in _PREFERRED:
        for match in matches:
            if (
                preferred in (match.encoding, *match.could_be_from_charset)
                and match.chaos <= best.chaos + _TIE
                and match.coherence >= best.coherence - _TIE
            ):
                return _strict(data, preferred)
    return str(best)


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode ``data`` to text with normalised newlines.

    Order: a byte-order mark; the ``declared`` charset (HTTP header or
    ``<meta>``) when it decodes cleanly; UTF-8; then charset detection.
    Raises ReadError with reason "empty", "binary" or "undecodable".
    """
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], encoding)
            if text is None:
                raise ReadError(
                    f"the data starts with a {encoding} byte-order mark but is not {encoding}",
                    reason="undecodable",
                )
            break
    if text is None:
        if not data.strip():
            raise ReadError("the input is empty or white space only", reason="empty")
        if b"\x00" in data:
            raise ReadError("the data contains NUL bytes (binary data?)", reason="binary")
        sample = data[:65_536]
        controls = sum(sample.count(b) for b in _RAW_CONTROLS)
        if controls > _MAX_RAW_CONTROL_RATIO * len(sample):
            raise ReadError(
                f"{controls} control bytes in the first {len(sample)} (binary data?)",
                reason="binary",
            )
        codec = normalise_charset(declared)
        if codec is not None:
            text = _strict(data, codec)
        if text is None:
            text = _strict(data, "utf-8")
        if text is None:
            text = _detect(data)
        if text is None:
            raise ReadError(
                "the bytes are neither UTF-8 nor any known legacy encoding", reason="undecodable"
            )
    text = normalise_newlines(text)
    check_text(text)
    return text
