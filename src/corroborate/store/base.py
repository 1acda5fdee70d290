"""The store interface: what every backend (SQLite, PostgreSQL) provides."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from corroborate.model import Article, Decision, Extraction, Incident, Reject, Report

__all__ = ["IncidentFilter", "NearBlock", "Store", "StoredReport"]


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
class NearBlock:
    """Where a new report is, for the candidate query's place block."""

    latitude: float
    longitude: float
    km: float
    admin1: str | None = None
    country: str | None = None


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
        self,
        *,
        date_from: str | None,
        date_to: str | None,
        country: str | None,
        event_types: Sequence[str] | None = None,
        near: NearBlock | None = None,
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

    def incident_points(
        self,
        flt: IncidentFilter | None = None,
        *,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int = 5000,
    ) -> tuple[list[dict[str, Any]], int]:
        """Light map rows of matching incidents inside ``bbox`` (south, west, north,
        east), newest first, at most ``limit``, and how many there are in all."""

    def incident_cells(
        self,
        flt: IncidentFilter | None = None,
        *,
        cell: float,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[dict[str, Any]]:
        """Matching incidents binned in a grid of ``cell`` degrees, per event type:
        ``row``, ``col``, ``event_type``, ``n``, ``fatalities``, ``latitude``, ``longitude``,
        ``bounds`` (south, west, north, east)."""

    def incident_days(self, flt: IncidentFilter | None = None) -> list[tuple[str, str, int]]:
        """(event date, event type, count) of the matching dated incidents."""

    def list_reports(
        self, flt: IncidentFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[StoredReport], int]:
        """A page of the reports whose incident matches ``flt``, and the total."""

    def list_articles(
        self, flt: IncidentFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[Article], int]:
        """A page of the articles behind matching incidents (all without a filter)."""

    def bulk_add_incidents(self, incidents: Iterable[Incident]) -> int:
        """Insert or replace many incidents in one transaction; the count."""

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

    def incident_of_report(self, report_id: str) -> Incident | None:
        """The incident a stored report belongs to, if any."""

    # --- analysts' decisions, re-clustering, the change feed -------------
    def add_decision(self, decision: Decision) -> Decision:
        """Record a decision; returns it with its ``id`` and ``at``."""

    def decisions(
        self, *, active_only: bool = True, incident_id: str | None = None
    ) -> list[Decision]: ...

    def get_decision(self, decision_id: int) -> Decision | None: ...

    def set_decision_active(self, decision_id: int, active: bool) -> None: ...

    def all_reports(self) -> Iterator[StoredReport]:
        """Every stored report, in the order their articles were ingested."""

    def article_hashes(self) -> list[str]: ...

    def drop_extraction(self, article_hash: str) -> None:
        """Forget an article's reports and extraction (before re-extracting it)."""

    def record_deletion(self, incident_id: str, *, reason: str = "") -> None: ...

    def deletions_since(self, since: str) -> list[dict[str, str]]:
        """Incidents deleted at or after ``since`` that do not exist again."""

    def incident_ids_updated_since(self, since: str) -> list[str]: ...

    # --- accounts ----------------------------------------------------------
    def add_user(self, name: str, password_hash: str, *, role: str = "analyst") -> None: ...

    def get_user(self, name: str) -> dict[str, str] | None: ...

    def list_users(self) -> list[dict[str, str]]: ...

    def add_token(self, token_hash: str, user_name: str, *, label: str = "") -> None: ...

    def user_for_token(self, token_hash: str) -> str | None: ...

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
