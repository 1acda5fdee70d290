"""RSS and Atom feeds."""

from __future__ import annotations

from pathlib import Path

from corroborate.model import Article, Reject
from corroborate.readers import read_feed, read_path


def test_rss(data_dir: Path) -> None:
    path = data_dir / "news.rss"
    first, second, third = list(read_path(path))
    assert isinstance(first, Article) and isinstance(second, Article)
    # Full content preferred over the summary, markup turned into lines.
    assert first.text == (
        "At least two gold prospectors were killed when a drone struck their vehicle "
        "near the border, according to the newspaper Zahret Chinguetti.\n"
        "Another three victims were reported by relatives."
    )
    assert first.title == "Drone strike kills two gold prospectors"
    assert first.url == "https://sahelwire.example.net/2022/01/drone-strike"
    assert first.outlet == "Sahel Wire"
    assert first.published == "2022-01-16"  # the publisher's date, not UTC's 17th
    assert first.origin == str(path)
    assert second.text.endswith("on Monday & demanded an investigation.")
    assert second.published == "2022-01-17"
    # An item with nothing but an image has no text.
    assert isinstance(third, Reject)
    assert third.reason == "missing-text"
    assert "item 3" in third.detail and "gallery" in third.detail


def test_atom(data_dir: Path) -> None:
    first, second = list(read_feed(data_dir / "news.atom"))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.title == "Clashes near Bir Moghrein"
    assert first.text == (
        "Armed men clashed with soldiers near Bir Moghrein on Tuesday.\nThree people were wounded."
    )
    assert first.published == "2022-01-18"
    assert first.outlet == "Desert Dispatch"
    assert first.url == "https://dispatch.example.com/2022/01/18/clashes"
    assert second.text == "Delegations met in Nouakchott to resume ceasefire talks."
    assert second.published == "2022-01-17"  # from <updated>


def test_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    (reject,) = list(read_path(path))
    assert isinstance(reject, Reject) and reject.reason == "bad-feed"


def test_feed_without_items(tmp_path: Path) -> None:
    path = tmp_path / "empty.rss"
    path.write_text('<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    (reject,) = list(read_path(path))
    assert isinstance(reject, Reject) and reject.reason == "empty"


def test_feed_sniffed_without_extension(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "feed"
    path.write_bytes((data_dir / "news.atom").read_bytes())
    items = list(read_path(path))
    assert [type(i) for i in items] == [Article, Article]
