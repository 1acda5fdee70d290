"""An extractor failure on one article is a reject with a reason; the run goes on."""

from __future__ import annotations

from pathlib import Path

from corroborate.ingest import ingest
from corroborate.model import Article, Extraction, Framing
from corroborate.resolve import Resolver
from corroborate.store import open_store


class Fragile:
    """Fails on texts that mention "boom", like spaCy on a text over its max_length."""

    def extract(self, article: Article) -> Extraction:
        if "boom" in article.text:
            raise ValueError("[E088] Text of length 1139999 exceeds maximum of 1000000.")
        return Extraction(id=article.id, language="en", events=(), framing=Framing())


def test_extractor_failure_is_a_reject(tmp_path: Path) -> None:
    items = [
        Article.create("A quiet day in Gao.", external_id="a"),
        Article.create("boom\nboom", external_id="b", origin="feed.jsonl"),
        Article.create("Another quiet day in Mopti.", external_id="c"),
    ]
    with open_store(tmp_path / "f.db") as store:
        result = ingest(items, store=store, extractor=Fragile(), resolver=Resolver())
        stats = store.stats()
        (reject,) = store.list_rejects()
    assert (result.read, result.stored, result.rejected) == (3, 2, 1)
    assert stats["articles"] == 2 and stats["rejects_by_reason"] == {"extract-failed": 1}
    assert reject.origin == "feed.jsonl" and reject.external_id == "b"
    assert reject.detail.startswith("ValueError: [E088]") and "\n" not in reject.detail
