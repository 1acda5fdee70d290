"""Bytes to text: encodings, binary data, empty input."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.errors import ReadError
from corroborate.model import Article, Reject
from corroborate.readers import read_text
from corroborate.readers._decode import decode_bytes, html_declared_charset, normalise_charset

from .conftest import ARABIC

FRENCH = (
    "Selon le journal, une frappe de drone a tué au moins deux orpailleurs près de "
    "la frontière. Ça a été confirmé à Zouérate, où l'émotion était forte.\n"
)


def test_utf8() -> None:
    assert decode_bytes("Zouérate — 2 tués\n".encode()) == "Zouérate — 2 tués\n"


def test_utf8_bom_removed() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + "Zouérate".encode()) == "Zouérate"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_32_with_bom(encoding: str) -> None:
    assert decode_bytes(ARABIC.encode(encoding)) == ARABIC


def test_windows_1256_arabic() -> None:
    assert decode_bytes(ARABIC.encode("cp1256")) == ARABIC


def test_latin1_french() -> None:
    assert decode_bytes(FRENCH.encode("latin-1")) == FRENCH


def test_cp1252_french_with_typographic_quotes() -> None:
    text = "Les élèves ont dit : « c’est fini » — “déjà vu”.\n"
    assert decode_bytes(text.encode("cp1252")) == text


def test_declared_charset_wins_over_detection() -> None:
    assert decode_bytes(FRENCH.encode("latin-1"), declared="ISO-8859-1") == FRENCH
    assert decode_bytes(ARABIC.encode("cp1256"), declared="windows-1256") == ARABIC


def test_wrong_declared_charset_falls_back() -> None:
    # Declared UTF-8 but the bytes are not: detection takes over.
    assert decode_bytes(ARABIC.encode("cp1256"), declared="utf-8") == ARABIC


def test_newlines_normalised_text_otherwise_verbatim() -> None:
    assert decode_bytes(b"one\r\ntwo\rthree\n  four\t ") == "one\ntwo\nthree\n  four\t "


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\r\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(1, 9)) * 50 + b"some text", "binary"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "undecodable"),
    ],
)
def test_rejected(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError) as info:
        decode_bytes(data)
    assert info.value.reason == reason


def test_charset_names() -> None:
    assert normalise_charset("ISO-8859-1") == "cp1252"
    assert normalise_charset("windows-1256") == "cp1256"
    assert normalise_charset("utf-16") == "utf-8"
    assert normalise_charset("no-such-charset") is None
    assert html_declared_charset(b'<html><head><meta charset="windows-1256">') == "cp1256"
    assert (
        html_declared_charset(
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        )
        == "cp1252"
    )


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_one_article_or_reject(data: bytes) -> None:
    items = list(read_text(data, origin="x"))
    assert len(items) == 1
    assert isinstance(items[0], Article | Reject)
