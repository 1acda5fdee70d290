"""The work done on each article, the same in both engines.

Each worker process (a Spark executor's Python worker, or a process of the
local engine's pool) builds its extraction pipeline once, lazily, the first
time it is handed an article, and keeps it for every later partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from corroborate.batch.flatten import article_row, reject_row, report_row
from corroborate.model import Article, Extraction, Reject

__all__ = ["Extractor", "Processed", "extract_partition", "process", "worker_pipeline"]

#: What one article gives: its article row and report rows, or a reject row
#: (the extraction failed): ``(article_row | None, report_rows, reject_row | None)``.
Processed = tuple[dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None]


class Extractor(Protocol):
    def extract(self, article: Article) -> Extraction: ...


_PIPELINE: Extractor | None = None
_PIPELINE_CONFIG: dict[str, str] | None = None


def worker_pipeline(config: Mapping[str, str] | None = None) -> Extractor:
    """This process's pipeline, built on first use (models load once per process)."""
    global _PIPELINE, _PIPELINE_CONFIG  # one pipeline per worker process, on purpose
    wanted = dict(config or {})
    if _PIPELINE is None or wanted != _PIPELINE_CONFIG:
        from corroborate.extract.pipeline import Pipeline

        _PIPELINE = Pipeline.from_config(wanted)
        _PIPELINE_CONFIG = wanted
    return _PIPELINE


def process(article: Article, extractor: Extractor) -> Processed:
    """Extract one article; an article the extractors fail on becomes a reject."""
    try:
        extraction = extractor.extract(article)
    except Exception as exc:  # one bad document must not stop a run of millions
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        reject = Reject(
            origin=article.origin or article.id,
            reason="extraction-failed",
            detail=f"{article.article_id}: {message}",
            external_id=article.external_id,
        )
        return None, [], reject_row(reject)
    reports = [report_row(article, extraction, i) for i in range(len(extraction.events))]
    return article_row(article, extraction), reports, None


def extract_partition(
    articles: Iterable[Article], config: Mapping[str, str] | None = None
) -> Iterator[Processed]:
    """Process a partition of articles with this process's pipeline."""
    extractor: Extractor | None = None
    for article in articles:
        if extractor is None:  # empty partitions load nothing
            extractor = worker_pipeline(config)
        yield process(article, extractor)
