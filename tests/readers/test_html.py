"""HTML pages through trafilatura."""

from __future__ import annotations

import shutil
from pathlib import Path

from corroborate.model import Article, Reject, content_hash
from corroborate.readers import read_html, read_path

from .conftest import ARABIC


def test_article_page(data_dir: Path) -> None:
    path = data_dir / "article.html"
    (article,) = list(read_html(path))
    assert isinstance(article, Article)
    assert article.title == "Drone strike kills gold prospectors near border"
    assert article.published == "2022-01-17"
    assert article.outlet == "Sahara Daily Monitor"
    assert article.url == "https://monitor.example.org/2022/01/17/drone-strike-prospectors"
    assert article.origin == str(path)
    assert "according to the newspaper Zahret Chinguetti" in article.text
    assert "another three victims" in article.text
    for boilerplate in ("Most read", "All rights reserved", "About us", "analytics"):
        assert boilerplate not in article.text
    assert article.id == content_hash(article.text)


def test_given_url_wins_and_outlet_falls_back_to_host() -> None:
    page = (
        b"<html><body><article><p>Soldiers clashed with rebels near the town.</p>"
        b"</article></body></html>"
    )
    (article,) = list(read_html(page, url="https://www.news.example.com/x", origin="mem"))
    assert isinstance(article, Article)
    assert article.url == "https://www.news.example.com/x"
    assert article.outlet == "news.example.com"
    assert article.published is None
    assert article.origin == "mem"


def test_page_without_text_rejected(data_dir: Path) -> None:
    (reject,) = list(read_html(data_dir / "empty-page.html"))
    assert isinstance(reject, Reject)
    assert reject.reason == "no-text-in-html"


def test_meta_charset_windows_1256() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        f"<title>خبر</title></head><body><article><p>{ARABIC.strip()}</p></article></body></html>"
    ).encode("cp1256")
    (article,) = list(read_html(page))
    assert isinstance(article, Article)
    assert ARABIC.strip() in article.text


def test_html_sniffed_without_extension(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "saved-page"
    shutil.copy(data_dir / "article.html", path)
    (article,) = list(read_path(path))
    assert isinstance(article, Article)
    assert article.title == "Drone strike kills gold prospectors near border"


def test_binary_html_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(b"\x00\x01\x02" * 100)
    (reject,) = list(read_path(path))
    assert isinstance(reject, Reject) and reject.reason == "binary"


def test_bare_fragment() -> None:
    (article,) = list(read_html(b"<p>Protesters marched in the capital on Friday.</p>"))
    assert isinstance(article, Article)
    assert article.text == "Protesters marched in the capital on Friday."
