"""What both engines share: the output layout, the run summary, the tables' columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from corroborate.batch.flatten import (
    ARTICLE_COLUMNS,
    INCIDENT_COLUMNS,
    REJECT_COLUMNS,
    REPORT_COLUMNS,
    Column,
)

__all__ = ["TABLES", "BatchResult", "table_uri"]

#: The tables of a batch output: OUTPUT/<name>/ holds its Parquet files.
TABLES: dict[str, tuple[Column, ...]] = {
    "articles": ARTICLE_COLUMNS,
    "reports": REPORT_COLUMNS,
    "incidents": INCIDENT_COLUMNS,
    "rejects": REJECT_COLUMNS,
}


def table_uri(output: str, name: str) -> str:
    """OUTPUT/<name> for a local path or a URI."""
    return output.rstrip("/") + "/" + name


@dataclass(slots=True)
class BatchResult:
    """What one batch run did.

    ``documents`` = ``articles`` + ``duplicates`` + ``rejected``: every
    document read is written once, skipped as a copy of an earlier text, or
    rejected (unreadable, or the extractors failed on it).
    """

    documents: int = 0
    articles: int = 0
    duplicates: int = 0
    rejected: int = 0
    reports: int = 0
    incidents: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "articles": self.articles,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "reports": self.reports,
            "incidents": self.incidents,
            "rejects_by_reason": dict(sorted(self.rejects_by_reason.items())),
        }
