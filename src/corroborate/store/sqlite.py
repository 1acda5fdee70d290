"""The SQLite store: one file, WAL mode, migrated on open.

One :class:`SQLiteStore` holds one connection, shared between threads and
guarded by a lock, so a web app can use it from its worker threads. Several
store objects (or processes) may open the same file: writes take SQLite's
write lock with ``BEGIN IMMEDIATE`` and wait for it (``busy_timeout``)
instead of failing with "database is locked".

Every method that writes runs in a transaction of its own unless it is
called inside :meth:`SQLiteStore.transaction`, in which case it joins that
transaction (as a savepoint, so its own failure undoes only its own work).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from os import PathLike
from typing import Any

from corroborate.errors import NotFound, StoreError
from corroborate.model import Article, Extraction, Framing, Incident, Reject
from corroborate.store import _common
from corroborate.store._common import (
    ARTICLE_COLUMNS,
    DEFAULT_TIMEOUT,
    INCIDENT_COLUMNS,
    ORDER,
    REPORT_COLUMNS,
    REPORT_SELECT,
    SearchTerm,
    article_from_row,
    article_values,
    candidate_where,
    check_page,
    dumps,
    filter_where,
    incident_event_from_row,
    incident_from_data,
    incident_values,
    now,
    reject_from_row,
    report_dict,
    report_values,
    search_terms,
    stats_dict,
    stored_report_from_row,
)
from corroborate.store._common import extractor_version as _extractor_version
from corroborate.store.base import IncidentFilter, NearBlock, StoredReport
from corroborate.store.decisions import DecisionStore
from corroborate.store.monitor import MonitorMixin
from corroborate.store.reads import SharedReads

__all__ = ["DEFAULT_TIMEOUT", "SQLiteStore", "fts_query"]

_ARTICLES = ", ".join(ARTICLE_COLUMNS)
_REPORT_SELECT = REPORT_SELECT


# --- helpers ---------------------------------------------------------------


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _fts_phrase(term: SearchTerm) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + ("*" if term.prefix else "")


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query, or ``None`` when it has no words.

    Terms are ANDed; ``"quoted words"`` match as a phrase; a trailing ``*``
    matches a prefix (``prospect*``). FTS5 operators and punctuation are taken
    literally, so no input raises a syntax error.
    """
    parts = [_fts_phrase(term) for term in search_terms(text)]
    return " ".join(parts) if parts else None


def _migrations() -> tuple[tuple[int, str, str], ...]:
    """The migration files, as (version, name, sql), in order; versions run 1..n."""
    return _common.load_migrations("migrations")


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    rest = "\n".join(
        ln for ln in buffer.splitlines() if ln.strip() and not ln.strip().startswith("--")
    )
    if rest.strip():
        raise StoreError(f"incomplete SQL statement at the end of a migration: {rest[:80]!r}")
    return statements


class _SQLiteDialect:
    """SQLite's spelling of the shared incident filters."""

    param = "?"

    def nocase_equal(self, column: str) -> str:
        return f"{column} = ? COLLATE NOCASE"

    def actor_match(self, needle: str) -> tuple[str, list[Any]]:
        folded = "(instr(casefold(i.actor1), ?) > 0 OR instr(casefold(i.actor2), ?) > 0)"
        if not needle.isascii():
            return folded, [needle, needle]
        # An ASCII needle: SQLite's LIKE (ASCII case-insensitive, in C) gives the same
        # answer as the casefolded match on ASCII names. Only rows with a non-ASCII
        # character or a NUL in a name (their length in bytes differs from their
        # length in characters up to the first NUL) still take the Python casefold
        # (ß -> ss, K -> k): ~2.5x faster over 100,000 incidents.
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        odd = "length(CAST({c} AS BLOB)) != length({c})"
        return (
            "(i.actor1 LIKE ? ESCAPE '\\' OR i.actor2 LIKE ? ESCAPE '\\' OR (("
            + odd.format(c="i.actor1")
            + " OR "
            + odd.format(c="i.actor2")
            + ") AND "
            + folded
            + "))",
            [like, like, needle, needle],
        )

    def search_match(self, terms: list[SearchTerm]) -> tuple[str, list[Any]] | None:
        return (
            "i.incident_id IN (SELECT r.incident_id FROM reports r"
            " JOIN articles a ON a.hash = r.article_hash"
            " WHERE r.incident_id IS NOT NULL AND a.seq IN"
            " (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))",
            [" ".join(_fts_phrase(term) for term in terms)],
        )


_DIALECT = _SQLiteDialect()


def _filter_sql(flt: IncidentFilter | None) -> tuple[str, list[Any]]:
    """The WHERE clause (possibly empty) and its parameters for an incident filter."""
    return filter_where(flt, _DIALECT)


def _placeholders(n: int) -> str:
    return ", ".join("?" for _ in range(n))


# --- the store ---------------------------------------------------------------


class SQLiteStore(DecisionStore, MonitorMixin, SharedReads):
    """A :class:`~corroborate.store.base.Store` in one SQLite file."""

    _DIALECT = _DIALECT
    _filter_sql = staticmethod(_filter_sql)

    def __init__(
        self, path: str | PathLike[str] = "corroborate.db", *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._depth = 0
        try:
            conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        self._conn: sqlite3.Connection | None = conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.create_function("casefold", 1, _casefold, deterministic=True)
            self._migrate()
        except sqlite3.Error as exc:
            conn.close()
            self._conn = None
            raise StoreError(
                f"cannot open the store {self.path}: {exc} "
                "(is it a corroborate database, and is it writable?)"
            ) from exc
        except BaseException:
            conn.close()
            self._conn = None
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # --- plumbing ------------------------------------------------------

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed")
        return self._conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn sqlite3 errors into StoreError, with a hint when the file is busy."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"the store {self.path} stayed busy (another writer held it): {exc}"
                ) from exc
            raise StoreError(f"store error in {self.path}: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"store error in {self.path}: {exc}") from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._errors():
            return self._db.execute(sql, params).fetchall()

    def _read_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock, self._errors():
            row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
            return row

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement (call inside a transaction for writes)."""
        with self._errors():
            return self._db.execute(sql, params)

    def _migrate(self) -> None:
        migrations = _migrations()
        latest = migrations[-1][0] if migrations else 0
        current = self.schema_version()
        if current == latest:
            return
        if current > latest:
            raise StoreError(self._too_new(current, latest))
        with self.transaction():
            current = self.schema_version()  # another process may have migrated meanwhile
            if current > latest:
                raise StoreError(self._too_new(current, latest))
            self._exec(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for version, name, sql in migrations:
                if version <= current:
                    continue
                for statement in _split_sql(sql):
                    self._exec(statement)
                self._exec(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()),
                )
                self._exec(f"PRAGMA user_version = {version:d}")

    def _too_new(self, current: int, latest: int) -> str:
        return (
            f"the store {self.path} has schema version {current}, newer than this "
            f"corroborate knows ({latest}); upgrade corroborate to use it"
        )

    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        row = self._read_one("PRAGMA user_version")
        return int(row[0]) if row is not None else 0

    # --- lifecycle -----------------------------------------------------

    def transaction(self) -> AbstractContextManager[None]:
        """Everything inside commits together (``BEGIN IMMEDIATE … COMMIT``) or not at all.

        Nested calls become savepoints. The store's lock is held for the whole
        block, so other threads using this store object wait until it ends.
        """
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            depth = self._depth
            savepoint = f"sp_{depth}"
            if depth == 0:
                self._exec("BEGIN IMMEDIATE")
            else:
                self._exec(f"SAVEPOINT {savepoint}")
            self._depth = depth + 1
            try:
                yield
            except BaseException:
                self._depth = depth
                with suppress(StoreError):  # the original error says more
                    if depth == 0:
                        self._exec("ROLLBACK")
                    else:
                        self._exec(f"ROLLBACK TO {savepoint}")
                        self._exec(f"RELEASE {savepoint}")
                raise
            self._depth = depth
            if depth == 0:
                try:
                    self._exec("COMMIT")
                except StoreError:
                    with suppress(StoreError):
                        self._exec("ROLLBACK")
                    raise
            else:
                self._exec(f"RELEASE {savepoint}")

    def close(self) -> None:
        """Close the connection; further calls raise StoreError. Closing twice is fine."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- articles ------------------------------------------------------

    def add_article(self, article: Article) -> bool:
        """Store an article; return False (and change nothing) when its hash is known."""
        with self.transaction():
            cursor = self._exec(
                f"INSERT INTO articles ({_ARTICLES}) VALUES ({_placeholders(len(ARTICLE_COLUMNS))})"
                " ON CONFLICT (hash) DO NOTHING",
                article_values(article, ingested_at=now()),
            )
            return cursor.rowcount == 1

    def has_article(self, article_hash: str) -> bool:
        return self._read_one("SELECT 1 FROM articles WHERE hash = ?", (article_hash,)) is not None

    def get_article(self, article_hash: str) -> Article | None:
        row = self._read_one(f"SELECT {_ARTICLES} FROM articles WHERE hash = ?", (article_hash,))
        return article_from_row(row) if row is not None else None

    def find_article(self, article_id: str) -> Article | None:
        """Look up by external id first (the latest ingested wins), then by hash."""
        row = self._read_one(
            f"SELECT {_ARTICLES} FROM articles WHERE external_id = ?"
            " ORDER BY ingested_at DESC, seq DESC LIMIT 1",
            (article_id,),
        )
        if row is not None:
            return article_from_row(row)
        return self.get_article(article_id)

    def search_articles(self, query: str, *, limit: int = 50) -> list[Article]:
        """Full-text search over title and text, best match first (see :func:`fts_query`)."""
        match = fts_query(query)
        if match is None:
            return []
        rows = self._read(
            f"SELECT {', '.join('a.' + c for c in ARTICLE_COLUMNS)}"
            " FROM articles_fts f JOIN articles a ON a.seq = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY f.rank, a.seq LIMIT ?",
            (match, limit),
        )
        return [article_from_row(row) for row in rows]

    # --- extraction ----------------------------------------------------

    def add_extraction(
        self,
        article_hash: str,
        extraction: Extraction,
        *,
        extractor_version: str | None = None,
    ) -> list[StoredReport]:
        """Store the reports of one article (replacing earlier ones) and its framing.

        A report whose id and content are unchanged keeps its incident; a new
        or changed one starts without an incident (``reports_without_incident``).
        ``extractor_version`` defaults to the extractors named in the evidence.
        """
        with self.transaction():
            if not self.has_article(article_hash):
                raise NotFound(f"no article with hash {article_hash} in the store")
            previous = {
                row["report_id"]: (row["data"], row["incident_id"])
                for row in self._exec(
                    "SELECT report_id, data, incident_id FROM reports WHERE article_hash = ?",
                    (article_hash,),
                ).fetchall()
            }
            self._exec("DELETE FROM reports WHERE article_hash = ?", (article_hash,))
            created = now()
            for index, report in enumerate(extraction.events):
                report_id = f"{article_hash}:{index}"
                data = dumps(report_dict(report))
                old = previous.get(report_id)
                self._exec(
                    f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)})"
                    f" VALUES ({_placeholders(len(REPORT_COLUMNS))})",
                    report_values(
                        report_id=report_id,
                        article_hash=article_hash,
                        index=index,
                        report=report,
                        data=data,
                        incident_id=old[1] if old is not None and old[0] == data else None,
                        version=extractor_version or _extractor_version([report]),
                        created=created,
                    ),
                )
            self._exec(
                "INSERT INTO extractions (article_hash, extraction_id, language, framing,"
                " framing_score, extractor_version, extracted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (article_hash) DO UPDATE SET extraction_id = excluded.extraction_id,"
                " language = excluded.language, framing = excluded.framing,"
                " framing_score = excluded.framing_score,"
                " extractor_version = excluded.extractor_version,"
                " extracted_at = excluded.extracted_at",
                (
                    article_hash,
                    extraction.id,
                    extraction.language,
                    dumps(extraction.framing.to_dict()),
                    extraction.framing.score,
                    extractor_version or _extractor_version(extraction.events),
                    created,
                ),
            )
            return self.reports_for_article(article_hash)

    def get_extraction(self, article_hash: str) -> Extraction | None:
        with self._lock:
            row = self._read_one(
                "SELECT extraction_id, language, framing FROM extractions WHERE article_hash = ?",
                (article_hash,),
            )
            if row is None:
                return None
            reports = self.reports_for_article(article_hash)
        return Extraction(
            id=row["extraction_id"],
            language=row["language"],
            events=tuple(r.report for r in reports),
            framing=Framing.from_dict(json.loads(row["framing"])),
        )

    def reports_for_article(self, article_hash: str) -> list[StoredReport]:
        """The stored reports of one article, primary event first."""
        rows = self._read(
            _REPORT_SELECT + " WHERE r.article_hash = ? ORDER BY r.idx", (article_hash,)
        )
        return [stored_report_from_row(row) for row in rows]

    def get_report(self, report_id: str) -> StoredReport | None:
        row = self._read_one(_REPORT_SELECT + " WHERE r.report_id = ?", (report_id,))
        return stored_report_from_row(row) if row is not None else None

    def reports_without_incident(self) -> list[StoredReport]:
        """Reports not yet in any incident, in the order their articles were ingested."""
        rows = self._read(_REPORT_SELECT + " WHERE r.incident_id IS NULL ORDER BY a.seq, r.idx")
        return [stored_report_from_row(row) for row in rows]

    # --- incidents -----------------------------------------------------

    def save_incident(self, incident: Incident) -> None:
        """Insert or replace an incident and point its member reports at it.

        Reports that pointed at this incident but are no longer members lose
        their incident. A member report that belonged to another incident is
        moved to this one. ``created``/``updated`` columns fall back to the
        time of saving when the incident has none (its JSON keeps ``None``).
        """
        saved_at = now()
        with self.transaction():
            existing = self._exec(
                "SELECT created FROM incidents WHERE incident_id = ?", (incident.incident_id,)
            ).fetchone()
            created = incident.created or (existing["created"] if existing else None) or saved_at
            self._exec(
                f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)})"
                f" VALUES ({_placeholders(len(INCIDENT_COLUMNS))})"
                " ON CONFLICT (incident_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in INCIDENT_COLUMNS[1:]),
                incident_values(incident, created=created, updated=incident.updated or saved_at),
            )
            members = {m.report_id for m in incident.members}
            current = [
                row[0]
                for row in self._exec(
                    "SELECT report_id FROM reports WHERE incident_id = ?", (incident.incident_id,)
                ).fetchall()
            ]
            for report_id in current:
                if report_id not in members:
                    self._exec(
                        "UPDATE reports SET incident_id = NULL WHERE report_id = ?", (report_id,)
                    )
            for report_id in sorted(members):
                self._exec(
                    "UPDATE reports SET incident_id = ? WHERE report_id = ?",
                    (incident.incident_id, report_id),
                )

    def delete_incident(self, incident_id: str) -> None:
        """Delete an incident (its reports lose their incident). Unknown ids are ignored."""
        with self.transaction():
            self._exec(
                "UPDATE reports SET incident_id = NULL WHERE incident_id = ?", (incident_id,)
            )
            gone = self._exec("DELETE FROM incidents WHERE incident_id = ?", (incident_id,))
            if gone.rowcount:
                self.record_deletion(incident_id)

    def get_incident(self, incident_id: str) -> Incident | None:
        row = self._read_one("SELECT data FROM incidents WHERE incident_id = ?", (incident_id,))
        return incident_from_data(row["data"]) if row is not None else None

    def candidate_incidents(
        self,
        *,
        date_from: str | None,
        date_to: str | None,
        country: str | None,
        event_types: Sequence[str] | None = None,
        near: NearBlock | None = None,
    ) -> list[Incident]:
        """Incidents that a new report dated in the window (or undated) could join.

        An incident qualifies when its event date is in ``[date_from, date_to]``
        (a missing bound is open) or unknown, and its country is ``country``
        or unknown (any country when ``country`` is None).
        """
        where, params = candidate_where(
            date_from=date_from,
            date_to=date_to,
            country=country,
            dialect=_DIALECT,
            event_types=event_types,
            near=near,
        )
        rows = self._read(f"SELECT i.data FROM incidents i {where} {ORDER}", params)
        return [incident_from_data(row["data"]) for row in rows]

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Incident], int]:
        """A page of incidents (newest event first, undated last) and the total that match."""
        check_page(limit, offset)
        where, params = _filter_sql(flt)
        with self._lock:
            total_row = self._read_one(f"SELECT count(*) FROM incidents i {where}", params)
            rows = self._read(
                f"SELECT i.data FROM incidents i {where} {ORDER} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        total = int(total_row[0]) if total_row is not None else 0
        return [incident_from_data(row["data"]) for row in rows], total

    # --- map, timeline and listings (the web app) -----------------------

    def bulk_add_incidents(self, incidents: Iterable[Incident]) -> int:
        """Insert or replace many incidents in one transaction, without touching
        reports (a loading path for synthetic or imported data). Returns the count."""
        saved_at = now()
        sql = (
            f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)})"
            f" VALUES ({_placeholders(len(INCIDENT_COLUMNS))})"
            " ON CONFLICT (incident_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in INCIDENT_COLUMNS[1:])
        )
        rows = (
            incident_values(inc, created=inc.created or saved_at, updated=inc.updated or saved_at)
            for inc in incidents
        )
        with self.transaction(), self._errors():
            cursor = self._db.executemany(sql, rows)
            return max(0, cursor.rowcount)

    def iter_incidents(self, flt: IncidentFilter | None = None) -> Iterator[Incident]:
        """Every matching incident in ``list_incidents`` order, read in small batches.

        The set of ids is fixed when iteration starts; incidents deleted while
        iterating are skipped. No lock is held between batches.
        """
        where, params = _filter_sql(flt)
        ids = [
            row[0]
            for row in self._read(f"SELECT i.incident_id FROM incidents i {where} {ORDER}", params)
        ]
        size = _common.ITER_CHUNK
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            rows = self._read(
                "SELECT incident_id, data FROM incidents"
                f" WHERE incident_id IN ({_placeholders(len(chunk))})",
                chunk,
            )
            found = {row["incident_id"]: row["data"] for row in rows}
            for incident_id in chunk:
                data = found.get(incident_id)
                if data is not None:
                    yield incident_from_data(data)

    def log_incident_event(
        self,
        incident_id: str,
        *,
        action: str,
        reason: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record what happened to an incident (``merge``, ``split``, ``regrade``, …)."""
        with self.transaction():
            self._exec(
                "INSERT INTO incident_log (incident_id, action, reason, detail, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (incident_id, action, reason, dumps(detail or {}), now()),
            )

    def incident_events(self, incident_id: str) -> list[dict[str, Any]]:
        """The log of one incident, oldest first: ``action``, ``reason``, ``detail``, ``at``."""
        rows = self._read(
            "SELECT incident_id, action, reason, detail, at FROM incident_log"
            " WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return [incident_event_from_row(row) for row in rows]

    # --- rejects and stats ---------------------------------------------

    def add_reject(self, reject: Reject) -> None:
        with self.transaction():
            self._exec(
                "INSERT INTO rejects (origin, external_id, reason, detail, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (reject.origin, reject.external_id, reject.reason, reject.detail, now()),
            )

    def list_rejects(self, *, limit: int = 100) -> list[Reject]:
        """The most recent rejects, newest first."""
        rows = self._read(
            "SELECT origin, external_id, reason, detail FROM rejects ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [reject_from_row(row) for row in rows]

    def stats(self) -> dict[str, Any]:
        """``articles``, ``reports``, ``incidents``, ``rejects`` and ``rejects_by_reason``."""
        with self._lock:
            counts = self._read_one(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM reports),"
                " (SELECT count(*) FROM incidents), (SELECT count(*) FROM rejects)"
            )
            by_reason = self._read(
                "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason"
            )
        return stats_dict(tuple(counts) if counts is not None else None, by_reason)
