"""Plain text files."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corroborate.model import Article, Reject, content_hash
from corroborate.readers import _common, read_path, read_text

from .conftest import ARABIC
from .test_decode import FRENCH


def _one(items: object) -> Article | Reject:
    got = list(items)  # type: ignore[call-overload]
    assert len(got) == 1
    item = got[0]
    assert isinstance(item, Article | Reject)
    return item


def test_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Two killed in Zouérate.\r\nAnother three.\r\n".encode())
    article = _one(read_text(path))
    assert isinstance(article, Article)
    assert article.text == "Two killed in Zouérate.\nAnother three.\n"
    assert article.id == content_hash(article.text)
    assert article.origin == str(path)
    assert article.external_id is None and article.published is None


@pytest.mark.parametrize(("text", "encoding"), [(ARABIC, "cp1256"), (FRENCH, "latin-1")])
def test_legacy_encodings_decoded(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy"  # no extension: read as text
    path.write_bytes(text.encode(encoding))
    article = _one(read_path(path))
    assert isinstance(article, Article)
    assert article.text == text


def test_binary_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    reject = _one(read_path(path))
    assert isinstance(reject, Reject)
    assert reject.reason == "binary"
    assert reject.origin == str(path)
    assert reject.detail


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n"])
def test_empty_file_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    reject = _one(read_path(path))
    assert isinstance(reject, Reject)
    assert reject.reason == "empty"


def test_huge_file_rejected_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(100_000_000)  # sparse: takes no disk space

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(_common, "open", no_open, raising=False)
    start = time.monotonic()
    reject = _one(read_path(path))
    assert time.monotonic() - start < 1.0
    assert isinstance(reject, Reject)
    assert reject.reason == "too-large"
    assert "100 MB" in reject.detail


def test_max_bytes_on_bytes_input() -> None:
    reject = _one(read_text(b"x" * 101, origin="mem", max_bytes=100))
    assert isinstance(reject, Reject)
    assert reject.reason == "too-large" and reject.origin == "mem"


def test_missing_file(tmp_path: Path) -> None:
    reject = _one(read_text(tmp_path / "nope.txt"))
    assert isinstance(reject, Reject)
    assert reject.reason == "not-found"


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from("\n\r\t "),
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_utf8_file_round_trips(text: str) -> None:
    assume(text.strip() and not text.startswith("\ufeff"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_bytes(text.encode("utf-8"))
        article = _one(read_text(path))
    assert isinstance(article, Article)
    assert article.text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert article.id == content_hash(article.text)
