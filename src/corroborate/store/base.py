"""The store interface: what every backend (SQLite, PostgreSQL) provides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from corroborate.model import Article, Extraction, Incident, Reject, Report

__all__ = ["IncidentFilter", "Store", "StoredReport"]


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """Filters shared by the CLI, the API and exports. ``None`` means no filter."""

    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    date_from: str | None = None  # YYYY-MM-DD inclusive
    date_to: str | None = None  # YYYY-MM-DD inclusive
    actor: str | None = None
    min_fatalities: int | None = None
    grade: str | None = None
    q: str | None = None  # full-text search over member articles


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as stored: its id, the article it came from and the report itself."""

    report_id: str  # "<article hash>:<event index>"
    article_hash: str
    index: int  # 0 is the article's primary event
    report: Report
    incident_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    """A place to keep articles, reports, incidents and rejects.

    Writes are transactional: a crash loses nothing that was committed.
    """

    # --- articles -------------------------------------------------------
    def add_article(self, article: Article) -> bool:
        """Store an article; return False (and change nothing) when its hash is known."""

    def has_article(self, article_hash: str) -> bool: ...

    def get_article(self, article_hash: str) -> Article | None: ...

    def find_article(self, article_id: str) -> Article | None:
        """Look up by external id first, then by hash."""

    def search_articles(self, query: str, *, limit: int = 50) -> list[Article]:
        """Full-text search (FTS) over title and text."""

    # --- extraction ----------------------------------------------------
    def add_extraction(
        self,
        article_hash: str,
        extraction: Extraction,
        *,
        extractor_version: str | None = None,
    ) -> list[StoredReport]:
        """Store the reports of one article (replacing earlier ones) and its framing.

        A report whose id and content are unchanged keeps its incident; new or
        changed reports start without one. ``extractor_version`` defaults to
        the extractors named in the reports' evidence. Raises NotFound when
        the article is not stored.
        """

    def get_extraction(self, article_hash: str) -> Extraction | None: ...

    def reports_without_incident(self) -> list[StoredReport]: ...

    def reports_for_article(self, article_hash: str) -> list[StoredReport]:
        """The stored reports of one article, primary event first."""

    def get_report(self, report_id: str) -> StoredReport | None: ...

    # --- incidents -----------------------------------------------------
    def save_incident(self, incident: Incident) -> None:
        """Insert or replace an incident and point its member reports at it."""

    def delete_incident(self, incident_id: str) -> None: ...

    def get_incident(self, incident_id: str) -> Incident | None: ...

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None
    ) -> list[Incident]:
        """Incidents that a new report dated in the window (or undated) could join."""

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Incident], int]:
        """A page of incidents (newest event first) and the total that match."""

    def iter_incidents(self, flt: IncidentFilter | None = None) -> Iterator[Incident]: ...

    def log_incident_event(
        self,
        incident_id: str,
        *,
        action: str,
        reason: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record what happened to an incident (``merge``, ``split``, ...) in its log."""

    def incident_events(self, incident_id: str) -> list[dict[str, Any]]:
        """The log of one incident, oldest first: ``action``, ``reason``, ``detail``, ``at``."""

    # --- rejects and stats ---------------------------------------------
    def add_reject(self, reject: Reject) -> None: ...

    def list_rejects(self, *, limit: int = 100) -> list[Reject]: ...

    def stats(self) -> dict[str, Any]:
        """``articles``, ``reports``, ``incidents``, ``rejects`` and ``rejects_by_reason``."""

    # --- lifecycle -----------------------------------------------------
    def transaction(self) -> Any:
        """A context manager: everything inside commits together or not at all."""

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...
