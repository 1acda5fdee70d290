"""Ingest: store articles, extract their reports and resolve incidents, in one run.

This is wiring used by the faces (CLI, web, monitor): it takes every
collaborator as an argument. Each article is one transaction, so a crash
loses nothing that was committed and re-running is a no-op.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from corroborate.model import Article, Extraction, Reject
from corroborate.resolve import Resolver
from corroborate.resolve.decisions import Constraints
from corroborate.resolve.members import make_member
from corroborate.store.base import Store

__all__ = ["Extractor", "IngestResult", "ingest"]


class Extractor(Protocol):
    def extract(self, article: Article) -> Extraction: ...


@dataclass(slots=True)
class IngestResult:
    """What one ingest run did."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    reports: int = 0
    incidents_created: int = 0
    incidents_updated: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "reports": self.reports,
            "incidents_created": self.incidents_created,
            "incidents_updated": self.incidents_updated,
            "rejects_by_reason": dict(self.rejects_by_reason),
        }


def ingest(
    items: Iterable[Article | Reject],
    *,
    store: Store,
    extractor: Extractor,
    resolver: Resolver,
    on_item: Callable[[Article | Reject, str], None] | None = None,
) -> IngestResult:
    """Ingest articles; rejects are recorded with their reason and the run goes on.

    ``on_item`` is called after each item with a short status ("stored",
    "duplicate", "rejected: reason") so a face can show progress.
    """
    result = IngestResult()
    rules = Constraints.of(store.decisions())
    for item in items:
        result.read += 1
        if isinstance(item, Reject):
            with store.transaction():
                store.add_reject(item)
            result.rejected += 1
            result.rejects_by_reason[item.reason] += 1
            _notify(on_item, item, f"rejected: {item.reason}")
            continue
        if store.has_article(item.id):
            result.duplicates += 1
            _notify(on_item, item, "duplicate")
            continue
        try:
            extraction = extractor.extract(item)
        except Exception as exc:  # a bad article is dropped with a reason; the run goes on
            item = Reject(
                origin=item.origin or item.article_id,
                reason="extract-failed",
                detail=" ".join(f"{type(exc).__name__}: {exc}".split())[:300],
                external_id=item.external_id,
            )
            with store.transaction():
                store.add_reject(item)
            result.rejected += 1
            result.rejects_by_reason[item.reason] += 1
            _notify(on_item, item, f"rejected: {item.reason}")
            continue
        with store.transaction():
            if not store.add_article(item):
                result.duplicates += 1
                _notify(on_item, item, "duplicate")
                continue
            stored = store.add_extraction(item.id, extraction)
            for sr in stored:
                member = make_member(sr.report_id, item, sr.report, language=extraction.language)
                placement = resolver.place(member, source=store, constraints=rules)
                store.save_incident(placement.incident)
                store.log_incident_event(
                    placement.incident.incident_id,
                    action="create" if placement.created else "attach",
                    reason=placement.reason,
                    detail={"report_id": sr.report_id},
                )
                if placement.created:
                    result.incidents_created += 1
                else:
                    result.incidents_updated += 1
            result.reports += len(stored)
        result.stored += 1
        _notify(on_item, item, "stored")
    return result


def _notify(
    cb: Callable[[Article | Reject, str], None] | None, item: Article | Reject, status: str
) -> None:
    if cb is not None:
        cb(item, status)
