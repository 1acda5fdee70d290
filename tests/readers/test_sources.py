"""read_sources: dispatch, directories, standard input, laziness."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

from corroborate.errors import ConfigError
from corroborate.model import Article, Reject
from corroborate.readers import kind_of_path, read_sources


def _tree(root: Path, data_dir: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a" / "1.txt").write_text("Text one about a clash.")
    shutil.copy(data_dir / "article.html", root / "a" / "b" / "2.html")
    (root / "a" / "c.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Line one."})
        + "\n{bad\n"
        + json.dumps({"id": "j2", "text": "Line two."})
        + "\n"
    )
    shutil.copy(data_dir / "news.atom", root / "b.atom")
    (root / "z").write_text("Last, no extension.")
    (root / ".hidden.txt").write_text("hidden")
    (root / ".git" / "config.txt").write_text("hidden too")
    (root / "empty.txt").write_text("")


def test_directory_recursion_sorted_and_hidden_skipped(tmp_path: Path, data_dir: Path) -> None:
    _tree(tmp_path, data_dir)
    items = list(read_sources([str(tmp_path)]))
    summary = [
        (Path(i.origin or "").relative_to(tmp_path).as_posix(), type(i).__name__) for i in items
    ]
    assert summary == [
        ("a/1.txt", "Article"),
        ("a/b/2.html", "Article"),
        ("a/c.jsonl", "Article"),
        ("a/c.jsonl", "Reject"),
        ("a/c.jsonl", "Article"),
        ("b.atom", "Article"),
        ("b.atom", "Article"),
        ("empty.txt", "Reject"),
        ("z", "Article"),
    ]
    assert not any("hidden" in (i.text if isinstance(i, Article) else "") for i in items)


def test_mixed_sources_in_order(tmp_path: Path, data_dir: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("A protest in Atar.")
    stdin = io.BytesIO(b'{"id": "s1", "text": "From standard input."}\n')
    items = list(
        read_sources(
            [str(text), "-", str(tmp_path / "missing.txt"), "ftp://example.org/x"],
            stdin=stdin,
        )
    )
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject", "Reject"]
    assert isinstance(items[1], Article)
    assert items[1].external_id == "s1" and items[1].origin == "<stdin>"
    assert isinstance(items[2], Reject) and items[2].reason == "not-found"
    assert isinstance(items[3], Reject) and items[3].reason == "bad-scheme"


def test_url_source_refused_without_allow_private(server: str) -> None:
    (reject,) = list(read_sources([f"{server}/article"]))
    assert isinstance(reject, Reject) and reject.reason == "unsafe-url"
    (article,) = list(read_sources([f"{server}/article"], allow_private=True))
    assert isinstance(article, Article)


def test_default_published(tmp_path: Path, data_dir: Path) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text("No date here.")
    items = list(
        read_sources([str(undated), str(data_dir / "article.html")], default_published="2022-03-01")
    )
    assert [i.published for i in items if isinstance(i, Article)] == ["2022-03-01", "2022-01-17"]


@pytest.mark.parametrize("bad", ["01/03/2022", "1800-01-01", "2022-13-01"])
def test_bad_default_published_raises_at_once(bad: str) -> None:
    with pytest.raises(ConfigError):
        read_sources(["x"], default_published=bad)


def test_lazy(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Again and again.")
    endless = itertools.repeat(str(path))
    items = read_sources(endless)
    assert [getattr(next(items), "text", None) for _ in range(3)] == ["Again and again."] * 3


def test_max_bytes_applies_to_each_file(tmp_path: Path) -> None:
    (tmp_path / "small.txt").write_text("small")
    (tmp_path / "large.txt").write_text("large " * 100)
    items = list(read_sources([str(tmp_path)], max_bytes=100))
    assert [(Path(i.origin or "").name, type(i).__name__) for i in items] == [
        ("large.txt", "Reject"),
        ("small.txt", "Article"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_in_directories_rejected(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    items = list(read_sources([str(tmp_path)]))
    assert [(Path(i.origin or "").name, getattr(i, "reason", None)) for i in items] == [
        ("dangling", "not-found"),
        ("pipe", "not-a-file"),
    ]


def test_symlink_loop_not_followed_forever(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.txt").write_text("once")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    items = list(read_sources([str(tmp_path)]))
    assert [i.text for i in items if isinstance(i, Article)] == ["once"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.jsonl", "jsonl"),
        ("A.HTML", "html"),
        ("b.htm", "html"),
        ("c.rss", "feed"),
        ("d.atom", "feed"),
        ("e.xml", "feed"),
        ("f.warc", "warc"),
        ("g.warc.gz", "warc"),
        ("h.txt", None),
        ("noext", None),
    ],
)
def test_kind_of_path(name: str, kind: str | None) -> None:
    assert kind_of_path(name) == kind
