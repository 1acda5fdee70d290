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
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from os import PathLike
from typing import Any

from corroborate.errors import ConfigError, NotFound, StoreError
from corroborate.model import Article, Extraction, Framing, Incident, Reject, Report
from corroborate.store.base import IncidentFilter, StoredReport

__all__ = ["DEFAULT_TIMEOUT", "SQLiteStore", "fts_query"]

#: Seconds a writer waits for another writer's lock before giving up.
DEFAULT_TIMEOUT = 30.0

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_ITER_CHUNK = 200

_ARTICLE_COLUMNS = (
    "hash, external_id, url, outlet, published, language, title, origin, text, ingested_at"
)
_REPORT_SELECT = """
    SELECT r.report_id, r.article_hash, r.idx, r.data, r.incident_id, r.extractor_version,
           a.external_id, a.outlet, a.url, a.published, a.language
    FROM reports r JOIN articles a ON a.hash = r.article_hash
"""
_ORDER = "ORDER BY i.event_date DESC NULLS LAST, i.incident_id ASC"


# --- helpers ---------------------------------------------------------------


def _now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, e.g. 2024-01-02T03:04:05.678Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _report_dict(report: Report) -> dict[str, Any]:
    """``Report.to_dict`` plus the character offsets of its sources.

    ``SourceClaim.to_dict`` leaves its offsets out of the output contract;
    the store keeps them so that a report read back equals the one stored.
    """
    d = report.to_dict()
    d["sources"] = [{**s.to_dict(), "start": s.start, "end": s.end} for s in report.sources]
    return d


def _incident_dict(incident: Incident) -> dict[str, Any]:
    """``Incident.to_dict`` with source offsets kept (see :func:`_report_dict`)."""
    d = incident.to_dict()
    d["sources"] = _report_dict(incident.record)["sources"]
    for member_dict, member in zip(d["reports"], incident.members, strict=True):
        member_dict["report"] = _report_dict(member.report)
    return d


def _extractor_version(reports: Iterable[Report]) -> str | None:
    """The extractors behind some reports, as ``name@version`` joined by commas."""
    names = sorted({f"{e.extractor}@{e.version}" for r in reports for e in r.evidence})
    return ",".join(names) or None


_FTS_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query, or ``None`` when it has no words.

    Terms are ANDed; ``"quoted words"`` match as a phrase; a trailing ``*``
    matches a prefix (``prospect*``). FTS5 operators and punctuation are taken
    literally, so no input raises a syntax error.
    """
    parts: list[str] = []
    for match in _FTS_TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        term = phrase if phrase is not None else word
        prefix = phrase is None and term.endswith("*")
        term = term.rstrip("*") if prefix else term
        if not _WORD.search(term):
            continue
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " ".join(parts) if parts else None


@cache
def _migrations() -> tuple[tuple[int, str, str], ...]:
    """The migration files, as (version, name, sql), in order; versions run 1..n."""
    folder = resources.files("corroborate.store").joinpath("migrations")
    found: list[tuple[int, str, str]] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise StoreError(
                f"store migrations are out of order: expected version {expected}, "
                f"found {version:04d}_{name}.sql"
            )
    return tuple(found)


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


def _stored_report(row: sqlite3.Row) -> StoredReport:
    external_id = row["external_id"]
    return StoredReport(
        report_id=row["report_id"],
        article_hash=row["article_hash"],
        index=row["idx"],
        report=Report.from_dict(json.loads(row["data"])),
        incident_id=row["incident_id"],
        extra={
            "article_id": external_id if external_id is not None else row["article_hash"],
            "external_id": external_id,
            "outlet": row["outlet"],
            "url": row["url"],
            "published": row["published"],
            "language": row["language"],
            "extractor_version": row["extractor_version"],
        },
    )


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["hash"],
        text=row["text"],
        external_id=row["external_id"],
        url=row["url"],
        outlet=row["outlet"],
        published=row["published"],
        language=row["language"],
        title=row["title"],
        origin=row["origin"],
    )


def _filter_sql(flt: IncidentFilter | None) -> tuple[str, list[Any]]:
    """The WHERE clause (possibly empty) and its parameters for an incident filter."""
    if flt is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("country", "admin1", "event_type", "sub_event_type", "grade"):
        value = getattr(flt, column)
        if value is not None:
            clauses.append(f"i.{column} = ? COLLATE NOCASE")
            params.append(value)
    if flt.date_from is not None:
        clauses.append("i.event_date >= ?")
        params.append(flt.date_from)
    if flt.date_to is not None:
        if len(flt.date_to) >= 10:
            clauses.append("i.event_date <= ?")
            params.append(flt.date_to)
        else:  # a month or a year: inclusive of all of it
            clauses.append("substr(i.event_date, 1, ?) <= ?")
            params.extend([len(flt.date_to), flt.date_to])
    if flt.actor is not None and flt.actor.strip():
        needle = flt.actor.strip().casefold()
        clauses.append("(instr(casefold(i.actor1), ?) > 0 OR instr(casefold(i.actor2), ?) > 0)")
        params.extend([needle, needle])
    if flt.min_fatalities is not None:
        clauses.append("i.fatalities_best >= ?")
        params.append(flt.min_fatalities)
    if flt.q is not None:
        query = fts_query(flt.q)
        if query is not None:
            clauses.append(
                "i.incident_id IN (SELECT r.incident_id FROM reports r"
                " JOIN articles a ON a.hash = r.article_hash"
                " WHERE r.incident_id IS NOT NULL AND a.seq IN"
                " (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
            )
            params.append(query)
    if not clauses:
        return "", []
    return "WHERE " + " AND ".join(clauses), params


# --- the store ---------------------------------------------------------------


class SQLiteStore:
    """A :class:`~corroborate.store.base.Store` in one SQLite file."""

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
                    (version, name, _now()),
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
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (hash) DO NOTHING",
                (
                    article.id,
                    article.external_id,
                    article.url,
                    article.outlet,
                    article.published,
                    article.language,
                    article.title,
                    article.origin,
                    article.text,
                    _now(),
                ),
            )
            return cursor.rowcount == 1

    def has_article(self, article_hash: str) -> bool:
        return self._read_one("SELECT 1 FROM articles WHERE hash = ?", (article_hash,)) is not None

    def get_article(self, article_hash: str) -> Article | None:
        row = self._read_one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE hash = ?", (article_hash,)
        )
        return _article(row) if row is not None else None

    def find_article(self, article_id: str) -> Article | None:
        """Look up by external id first (the latest ingested wins), then by hash."""
        row = self._read_one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE external_id = ?"
            " ORDER BY ingested_at DESC, seq DESC LIMIT 1",
            (article_id,),
        )
        if row is not None:
            return _article(row)
        return self.get_article(article_id)

    def search_articles(self, query: str, *, limit: int = 50) -> list[Article]:
        """Full-text search over title and text, best match first (see :func:`fts_query`)."""
        match = fts_query(query)
        if match is None:
            return []
        rows = self._read(
            f"SELECT {', '.join('a.' + c.strip() for c in _ARTICLE_COLUMNS.split(','))}"
            " FROM articles_fts f JOIN articles a ON a.seq = f.rowid"
            " WHERE articles_fts MATCH ? ORDER BY f.rank, a.seq LIMIT ?",
            (match, limit),
        )
        return [_article(row) for row in rows]

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
            now = _now()
            for index, report in enumerate(extraction.events):
                report_id = f"{article_hash}:{index}"
                data = _dumps(_report_dict(report))
                old = previous.get(report_id)
                incident_id = old[1] if old is not None and old[0] == data else None
                version = extractor_version or _extractor_version([report])
                self._exec(
                    "INSERT INTO reports (report_id, article_hash, idx, event_type,"
                    " sub_event_type, event_date, time_precision, country, admin1, location,"
                    " latitude, longitude, actor1, actor2, civilian_targeting, fatalities_low,"
                    " fatalities_best, fatalities_high, data, incident_id, extractor_version,"
                    " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?, ?)",
                    (
                        report_id,
                        article_hash,
                        index,
                        report.event_type,
                        report.sub_event_type,
                        report.event_date,
                        report.time_precision,
                        report.country,
                        report.admin1,
                        report.location,
                        report.latitude,
                        report.longitude,
                        report.actor1,
                        report.actor2,
                        int(report.civilian_targeting),
                        report.fatalities.low,
                        report.fatalities.best,
                        report.fatalities.high,
                        data,
                        incident_id,
                        version,
                        now,
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
                    _dumps(extraction.framing.to_dict()),
                    extraction.framing.score,
                    extractor_version or _extractor_version(extraction.events),
                    now,
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
        return [_stored_report(row) for row in rows]

    def get_report(self, report_id: str) -> StoredReport | None:
        row = self._read_one(_REPORT_SELECT + " WHERE r.report_id = ?", (report_id,))
        return _stored_report(row) if row is not None else None

    def reports_without_incident(self) -> list[StoredReport]:
        """Reports not yet in any incident, in the order their articles were ingested."""
        rows = self._read(_REPORT_SELECT + " WHERE r.incident_id IS NULL ORDER BY a.seq, r.idx")
        return [_stored_report(row) for row in rows]

    # --- incidents -----------------------------------------------------

    def save_incident(self, incident: Incident) -> None:
        """Insert or replace an incident and point its member reports at it.

        Reports that pointed at this incident but are no longer members lose
        their incident. A member report that belonged to another incident is
        moved to this one. ``created``/``updated`` columns fall back to the
        time of saving when the incident has none (its JSON keeps ``None``).
        """
        record = incident.record
        now = _now()
        with self.transaction():
            existing = self._exec(
                "SELECT created FROM incidents WHERE incident_id = ?", (incident.incident_id,)
            ).fetchone()
            created = incident.created or (existing["created"] if existing else None) or now
            self._exec(
                "INSERT INTO incidents (incident_id, event_type, sub_event_type, event_date,"
                " country, admin1, location, latitude, longitude, fatalities_low,"
                " fatalities_best, fatalities_high, grade, origins, actor1, actor2, n_reports,"
                " created, updated, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET"
                " event_type = excluded.event_type, sub_event_type = excluded.sub_event_type,"
                " event_date = excluded.event_date, country = excluded.country,"
                " admin1 = excluded.admin1, location = excluded.location,"
                " latitude = excluded.latitude, longitude = excluded.longitude,"
                " fatalities_low = excluded.fatalities_low,"
                " fatalities_best = excluded.fatalities_best,"
                " fatalities_high = excluded.fatalities_high, grade = excluded.grade,"
                " origins = excluded.origins, actor1 = excluded.actor1,"
                " actor2 = excluded.actor2, n_reports = excluded.n_reports,"
                " created = excluded.created, updated = excluded.updated, data = excluded.data",
                (
                    incident.incident_id,
                    record.event_type,
                    record.sub_event_type,
                    record.event_date,
                    record.country,
                    record.admin1,
                    record.location,
                    record.latitude,
                    record.longitude,
                    record.fatalities.low,
                    record.fatalities.best,
                    record.fatalities.high,
                    incident.grade,
                    incident.origins,
                    record.actor1,
                    record.actor2,
                    len(incident.members),
                    created,
                    incident.updated or now,
                    _dumps(_incident_dict(incident)),
                ),
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
            self._exec("DELETE FROM incidents WHERE incident_id = ?", (incident_id,))

    def get_incident(self, incident_id: str) -> Incident | None:
        row = self._read_one("SELECT data FROM incidents WHERE incident_id = ?", (incident_id,))
        return Incident.from_dict(json.loads(row["data"])) if row is not None else None

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None
    ) -> list[Incident]:
        """Incidents that a new report dated in the window (or undated) could join.

        An incident qualifies when its event date is in ``[date_from, date_to]``
        (a missing bound is open) or unknown, and its country is ``country``
        or unknown (any country when ``country`` is None).
        """
        clauses: list[str] = []
        params: list[Any] = []
        if date_from is not None or date_to is not None:
            bounds: list[str] = []
            if date_from is not None:
                bounds.append("i.event_date >= ?")
                params.append(date_from)
            if date_to is not None:
                bounds.append("i.event_date <= ?")
                params.append(date_to)
            clauses.append(f"(i.event_date IS NULL OR ({' AND '.join(bounds)}))")
        if country is not None:
            clauses.append("(i.country IS NULL OR i.country = ? COLLATE NOCASE)")
            params.append(country)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._read(f"SELECT i.data FROM incidents i {where} {_ORDER}", params)
        return [Incident.from_dict(json.loads(row["data"])) for row in rows]

    def list_incidents(
        self,
        flt: IncidentFilter | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Incident], int]:
        """A page of incidents (newest event first, undated last) and the total that match."""
        if limit < 0 or offset < 0:
            raise ConfigError(f"limit and offset must not be negative (got {limit}, {offset})")
        where, params = _filter_sql(flt)
        with self._lock:
            total_row = self._read_one(f"SELECT count(*) FROM incidents i {where}", params)
            rows = self._read(
                f"SELECT i.data FROM incidents i {where} {_ORDER} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        total = int(total_row[0]) if total_row is not None else 0
        return [Incident.from_dict(json.loads(row["data"])) for row in rows], total

    def iter_incidents(self, flt: IncidentFilter | None = None) -> Iterator[Incident]:
        """Every matching incident in ``list_incidents`` order, read in small batches.

        The set of ids is fixed when iteration starts; incidents deleted while
        iterating are skipped. No lock is held between batches.
        """
        where, params = _filter_sql(flt)
        ids = [
            row[0]
            for row in self._read(f"SELECT i.incident_id FROM incidents i {where} {_ORDER}", params)
        ]
        for start in range(0, len(ids), _ITER_CHUNK):
            chunk = ids[start : start + _ITER_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = self._read(
                f"SELECT incident_id, data FROM incidents WHERE incident_id IN ({marks})", chunk
            )
            found = {row["incident_id"]: row["data"] for row in rows}
            for incident_id in chunk:
                data = found.get(incident_id)
                if data is not None:
                    yield Incident.from_dict(json.loads(data))

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
                (incident_id, action, reason, _dumps(detail or {}), _now()),
            )

    def incident_events(self, incident_id: str) -> list[dict[str, Any]]:
        """The log of one incident, oldest first: ``action``, ``reason``, ``detail``, ``at``."""
        rows = self._read(
            "SELECT incident_id, action, reason, detail, at FROM incident_log"
            " WHERE incident_id = ? ORDER BY id",
            (incident_id,),
        )
        return [
            {
                "incident_id": row["incident_id"],
                "action": row["action"],
                "reason": row["reason"],
                "detail": json.loads(row["detail"]),
                "at": row["at"],
            }
            for row in rows
        ]

    # --- rejects and stats ---------------------------------------------

    def add_reject(self, reject: Reject) -> None:
        with self.transaction():
            self._exec(
                "INSERT INTO rejects (origin, external_id, reason, detail, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (reject.origin, reject.external_id, reject.reason, reject.detail, _now()),
            )

    def list_rejects(self, *, limit: int = 100) -> list[Reject]:
        """The most recent rejects, newest first."""
        rows = self._read(
            "SELECT origin, external_id, reason, detail FROM rejects ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            Reject(
                origin=row["origin"],
                reason=row["reason"],
                detail=row["detail"],
                external_id=row["external_id"],
            )
            for row in rows
        ]

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
        articles, reports, incidents, rejects = tuple(counts) if counts else (0, 0, 0, 0)
        return {
            "articles": int(articles),
            "reports": int(reports),
            "incidents": int(incidents),
            "rejects": int(rejects),
            "rejects_by_reason": {row[0]: int(row[1]) for row in by_reason},
        }
