"""JSON Lines: the input contract of ``corroborate extract``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.model import Article, Reject, content_hash
from corroborate.readers import read_jsonl

GOOD_1 = {
    "id": "a1",
    "text": "First article.",
    "published": "2022-01-16",
    "outlet": "Sahel Wire",
    "url": "https://sahelwire.example.net/a1",
    "title": "First",
    "language": "fr",
}

LINES = [
    json.dumps(GOOD_1),  # 1
    "not json at all",  # 2
    "[1, 2, 3]",  # 3
    '{"id": "b"}',  # 4
    '{"id": "c", "text": "   "}',  # 5
    '{"id": "d", "text": 42}',  # 6
    '{"id": "e", "text": "ok", "published": "16/01/2022"}',  # 7
    '{"id": "f", "text": "ok", "published": "1850-01-01"}',  # 8
    "",  # 9: blank, skipped
    '{"id": 7, "text": "Second article."}',  # 10
    '{"text": "Third article.\\r\\nNext line.", "published": "2022-01-16T23:30:00-01:00"}',  # 11
    '{"id": "g", "text": "x", "published": "2022-02-30"}',  # 12
    '{"id": "h", "text": "x", "title": 5}',  # 13
    '{"id": {"nested": true}, "text": "x"}',  # 14
    '{"id": "i", "text": null}',  # 15
    '{"id": "j", "text": "x", "published": 20220116}',  # 16
]

EXPECTED_REJECTS = [
    (2, "bad-json", None),
    (3, "not-an-object", None),
    (4, "missing-text", "b"),
    (5, "empty", "c"),
    (6, "bad-text", "d"),
    (7, "bad-date", "e"),
    (8, "bad-date", "f"),
    (12, "bad-date", "g"),
    (13, "bad-field", "h"),
    (14, "bad-field", None),
    (15, "missing-text", "i"),
    (16, "bad-date", "j"),
]


def _write(tmp_path: Path, lines: list[str], name: str = "docs.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_and_bad_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, LINES)
    items = list(read_jsonl(path))
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]

    assert [a.text for a in articles] == [
        "First article.",
        "Second article.",
        "Third article.\nNext line.",
    ]
    first = articles[0]
    assert first.external_id == "a1"
    assert first.id == content_hash("First article.")
    assert (first.published, first.outlet, first.url, first.title, first.language) == (
        "2022-01-16",
        "Sahel Wire",
        "https://sahelwire.example.net/a1",
        "First",
        "fr",
    )
    assert first.origin == str(path)
    assert articles[1].external_id == "7"
    assert articles[2].external_id is None
    assert articles[2].published == "2022-01-16"  # the date as written, not UTC

    got = [
        (int(r.detail.split(":")[0].removeprefix("line ")), r.reason, r.external_id)
        for r in rejects
    ]
    assert got == EXPECTED_REJECTS
    assert all(r.origin == str(path) for r in rejects)
    # Items come in input order.
    order = [i.external_id for i in items]
    assert order[:4] == ["a1", None, None, "b"]


def test_bad_line_details_are_human(tmp_path: Path) -> None:
    items = list(read_jsonl(_write(tmp_path, ['{"text": "x", "published": "yesterday"}'])))
    (reject,) = items
    assert isinstance(reject, Reject)
    assert reject.detail.startswith("line 1: ")
    assert "yesterday" in reject.detail and "\n" not in reject.detail


def test_invalid_utf8_line_rejected_and_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n{"text": "fine"}\n')
    first, second = list(read_jsonl(path))
    assert isinstance(first, Reject) and first.reason == "undecodable"
    assert first.detail.startswith("line 1:")
    assert isinstance(second, Article) and second.text == "fine"


def test_bom_crlf_and_missing_final_newline() -> None:
    data = b'\xef\xbb\xbf{"id": "1", "text": "one"}\r\n{"id": "2", "text": "two"}'
    items = list(read_jsonl(io.BytesIO(data), origin="<stdin>"))
    assert [(i.external_id, i.text) for i in items if isinstance(i, Article)] == [
        ("1", "one"),
        ("2", "two"),
    ]
    assert all(i.origin == "<stdin>" for i in items)


def test_text_stream() -> None:
    items = list(read_jsonl(io.StringIO('{"text": "from a text stream"}\n')))
    assert isinstance(items[0], Article) and items[0].text == "from a text stream"


def test_overlong_line_skipped_without_losing_the_next() -> None:
    long_line = json.dumps({"id": "big", "text": "x" * 5000})
    data = f'{long_line}\n{{"id": "ok", "text": "short"}}\n'.encode()
    first, second = list(read_jsonl(io.BytesIO(data), max_bytes=1000))
    assert isinstance(first, Reject) and first.reason == "too-large"
    assert first.detail.startswith("line 1:")
    assert isinstance(second, Article) and second.external_id == "ok"


def test_missing_file(tmp_path: Path) -> None:
    (reject,) = list(read_jsonl(tmp_path / "nope.jsonl"))
    assert isinstance(reject, Reject) and reject.reason == "not-found"


def test_lazy() -> None:
    class Endless(io.BytesIO):
        def readline(self, size: int | None = -1, /) -> bytes:
            return b'{"text": "again"}\n'

    items = read_jsonl(Endless())
    assert [getattr(next(items), "text", None) for _ in range(3)] == ["again"] * 3


_DOC = st.fixed_dictionaries(
    {"text": st.text(min_size=1).filter(lambda t: t.strip() and "\x00" not in t)},
    optional={
        "id": st.text(max_size=10),
        "outlet": st.text(max_size=10),
        "title": st.text(max_size=10),
        "published": st.dates().map(lambda d: d.isoformat()),
    },
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_DOC, max_size=5))
def test_round_trip(docs: list[dict[str, str]]) -> None:
    data = "".join(json.dumps(d) + "\n" for d in docs).encode()
    items = list(read_jsonl(io.BytesIO(data)))
    assert len(items) == len(docs)
    for doc, item in zip(docs, items, strict=True):
        if isinstance(item, Reject):
            # Only absurd dates or control-character soup may be refused.
            assert item.reason in ("bad-date", "binary")
            continue
        assert item.text == doc["text"].replace("\r\n", "\n").replace("\r", "\n")
        assert item.external_id == doc.get("id")
        assert item.id == content_hash(item.text)
