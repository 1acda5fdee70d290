"""The PostgreSQL store, for teams: the same behaviour as the SQLite store.

``PostgresStore(url)`` connects to the database named by a ``postgresql://``
URL and keeps its tables in the first schema of the connection's
``search_path`` (``public`` unless the URL says otherwise, e.g.
``?options=-csearch_path%3Dcorroborate``). The schema is created or migrated
on open from the SQL files in ``migrations_pg/``; the version is kept in the
``schema_version`` table.

One store object holds one connection, shared between threads and guarded by
a lock, like :class:`~corroborate.store.sqlite.SQLiteStore`. Every method
that writes runs in a transaction of its own unless it is called inside
:meth:`PostgresStore.transaction`, in which case it joins that transaction
(as a savepoint, so its own failure undoes only its own work). Writers to the
same store are serialised, as SQLite's ``BEGIN IMMEDIATE`` serialises them:
each transaction takes an advisory lock for its schema first, waiting up to
``timeout`` seconds. Readers never wait.

What differs from SQLite, and how it is made not to matter:

- Text columns use the ``"C"`` collation, so ordering is by code point and
  ``lower()`` folds ASCII only (SQLite's ``NOCASE``), whatever the
  database's locale.
- PostgreSQL text cannot hold NUL characters: the store escapes them (and
  its escape character U+FFFF) on the way in and undoes that on the way out,
  so every string round-trips.
- Full-text search uses a ``tsvector`` column with a GIN index. Its lexemes
  are made here, not by a text-search configuration: words are runs of
  letters, digits and marks, with case and diacritics folded (as SQLite's
  ``unicode61 remove_diacritics 2`` tokenizer does), so search behaves the
  same in every locale and needs no ``unaccent`` extension. One difference
  is on purpose: vocalised Arabic and Hebrew words stay whole, their vowel
  marks (and the hamza on alef) folded away, where SQLite's tokenizer cuts
  words at those marks. Positions past
  16383 words share the last position (a PostgreSQL limit), so a phrase
  that far into a long article is found as its words only, and a text whose
  lexemes would pass PostgreSQL's 1 MB limit for a ``tsvector`` is indexed
  up to that limit.

PostGIS, when the database has it (or this role may create it), adds a
``geography`` point with a spatial index to incidents; nothing fails
without it.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from functools import cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.string import TextLoader

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

__all__ = ["DEFAULT_TIMEOUT", "PostgresStore", "search_query", "search_vector"]

_ARTICLES = ", ".join(ARTICLE_COLUMNS)
_REPORT_SELECT = REPORT_SELECT
# First key of the advisory lock that serialises writers ("corr"); the
# second is a hash of the store's schema.
_LOCK_KEY = 0x636F7272
_SCHEMES = ("postgresql+psycopg://", "postgres+psycopg://")


# --- strings in and out ------------------------------------------------------------

_ESC = "\uffff"
_UNESCAPE = re.compile("\uffff([01])")


def _encode(value: Any) -> Any:
    """A string PostgreSQL can hold: NUL becomes U+FFFF '0' and U+FFFF becomes U+FFFF '1'."""
    if isinstance(value, str) and ("\x00" in value or _ESC in value):
        return value.replace(_ESC, _ESC + "1").replace("\x00", _ESC + "0")
    return value


def _decode(value: str) -> str:
    if _ESC not in value:
        return value
    return _UNESCAPE.sub(lambda m: "\x00" if m.group(1) == "0" else _ESC, value)


def _row_factory(cursor: Any) -> Any:
    """Rows as dicts by column name, with stored strings decoded (see :func:`_encode`)."""
    names = [column.name for column in cursor.description or ()]

    def make_row(values: Sequence[Any]) -> dict[str, Any]:
        return {
            name: _decode(value) if isinstance(value, str) else value
            for name, value in zip(names, values, strict=True)
        }

    return make_row


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PASSWORD_IN_URL = re.compile(r"(://[^:/?#@]*:)[^@/?#]*@")
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def redact(url: str) -> str:
    """``url`` with its password (in the user part or as a parameter) shown as ``***``."""
    return _PASSWORD_PARAM.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", url))


def _reason(exc: BaseException) -> str:
    """An error's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


# --- full-text search ----------------------------------------------------------------

# PostgreSQL's limits for a tsvector: positions, positions per lexeme, bytes
# of one lexeme, bytes of the whole value.
_MAX_POSITION = 16383
_MAX_POSITIONS = 256
_MAX_LEXEME_BYTES = 2046
_MAX_VECTOR_BYTES = 1_000_000
_NOTHING = "!"  # a search that can match nothing (see search_query)


# Where Unicode has marks (category M): below U+1F000 and the variation
# selectors of plane 14. Scanning only these keeps the first search fast.
_MARK_PLANES = (range(0x1F000), range(0xE0000, 0xE1000))
# The marks folding drops: the combining diacritical blocks (accents on
# Latin, Greek and Cyrillic letters), Hebrew points and Arabic vowel marks.
# Marks that are part of a letter (Indic vowel signs and viramas) are kept.
_DIACRITICS = (
    range(0x0300, 0x0370),
    range(0x0591, 0x05C8),
    range(0x0610, 0x061B),
    range(0x064B, 0x0660),
    range(0x0670, 0x0671),
    range(0x1AB0, 0x1B00),
    range(0x1DC0, 0x1E00),
    range(0x20D0, 0x2100),
    range(0xFE20, 0xFE30),
)


@cache
def _marks() -> tuple[dict[int, None], re.Pattern[str]]:
    """What folding drops (diacritics) and the pattern of one word.

    A word is a run of letters, digits and marks (Unicode categories L, N and
    M; the underscore separates words, as in SQLite's unicode61 tokenizer).
    """
    strip: dict[int, None] = {
        code: None
        for block in _DIACRITICS
        for code in block
        if unicodedata.category(chr(code))[0] == "M"
    }
    ranges: list[str] = []
    for plane in _MARK_PLANES:
        start: int | None = None
        for code in [*plane, plane.stop]:
            is_mark = code in plane and unicodedata.category(chr(code))[0] == "M"
            if is_mark and start is None:
                start = code
            elif not is_mark and start is not None:
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
                start = None
    return strip, re.compile(r"(?:[^\W_]|[" + "".join(ranges) + "])+")


def _fold(text: str) -> str:
    """Case and diacritics folded: ``Réunis`` → ``reunis``."""
    strip, _ = _marks()
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(strip)
    return unicodedata.normalize("NFC", decomposed)


def _words(text: str) -> list[str]:
    _, word = _marks()
    return word.findall(_fold(text))


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def search_vector(*texts: str | None) -> str:
    """The ``tsvector`` (as text) of some texts: their folded words and positions.

    Stays within PostgreSQL's limits: words too long to be a lexeme are left
    out, positions stop at 16383 and 256 per word, and no words are added once
    the value would pass 1 MB.
    """
    positions: dict[str, list[int]] = {}
    size = 0
    position = 0
    for text in texts:
        if not text:
            continue
        _, word_pattern = _marks()
        for match in word_pattern.finditer(_fold(text)):
            word = match.group()
            position = min(position + 1, _MAX_POSITION)
            seen = positions.get(word)
            if seen is None:
                length = len(word.encode("utf-8"))
                if length > _MAX_LEXEME_BYTES:
                    continue
                size += length + 12
                if size > _MAX_VECTOR_BYTES:
                    break
                positions[word] = [position]
            elif len(seen) < _MAX_POSITIONS and seen[-1] != position:
                size += 2
                if size > _MAX_VECTOR_BYTES:
                    break
                seen.append(position)
        position = min(position + 1, _MAX_POSITION)  # no phrase across title and text
    return " ".join(
        _lexeme(word) + ":" + ",".join(map(str, where)) for word, where in positions.items()
    )


def search_query(terms: Sequence[SearchTerm]) -> str | None:
    """The ``tsquery`` (as text) for some search terms, or None when there are none.

    Every term must match; the words of a term (a quoted phrase, or a word
    such as ``rebel-held``) must follow each other; a prefix term's last word
    matches as a prefix. A term whose words cannot be in the index (none, or
    one too long) gives a query that matches nothing, as in SQLite.
    """
    if not terms:
        return None
    parts: list[str] = []
    for term in terms:
        words = _words(term.text)
        if not words or any(len(w.encode("utf-8")) > _MAX_LEXEME_BYTES for w in words):
            return _NOTHING
        lexemes = [_lexeme(w) for w in words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


class _PostgresDialect:
    """PostgreSQL's spelling of the shared incident filters."""

    param = "%s"

    def nocase_equal(self, column: str) -> str:
        return f'lower({column}) = lower(%s::text COLLATE "C")'

    def actor_match(self, needle: str) -> tuple[str, list[Any]]:
        pattern = "%" + _escape_like(needle) + "%"
        return "(i.actor1_fold LIKE %s OR i.actor2_fold LIKE %s)", [pattern, pattern]

    def search_match(self, terms: list[SearchTerm]) -> tuple[str, list[Any]] | None:
        query = search_query(terms)
        if query is None:
            return None
        if query == _NOTHING:
            return "FALSE", []
        return (
            "i.incident_id IN (SELECT r.incident_id FROM reports r"
            " JOIN articles a ON a.hash = r.article_hash"
            " WHERE r.incident_id IS NOT NULL AND a.search @@ %s::tsquery)",
            [query],
        )


_DIALECT = _PostgresDialect()


def _filter_sql(flt: IncidentFilter | None) -> tuple[str, list[Any]]:
    return filter_where(flt, _DIALECT)


def _placeholders(n: int) -> str:
    return ", ".join("%s" for _ in range(n))


def _limit(limit: int) -> int | None:
    """A LIMIT value: a negative limit means none, as in SQLite."""
    return limit if limit >= 0 else None


def _migrations() -> tuple[tuple[int, str, str], ...]:
    """The migration files, as (version, name, sql), in order; versions run 1..n."""
    return _common.load_migrations("migrations_pg")


def _point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """(longitude, latitude) when both make a point on the globe."""
    if latitude is None or longitude is None:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return float(longitude), float(latitude)
    return None


# --- the store ---------------------------------------------------------------------


class PostgresStore(DecisionStore, MonitorMixin, SharedReads):
    """A :class:`~corroborate.store.base.Store` in a PostgreSQL database."""

    _DIALECT = _DIALECT
    _filter_sql = staticmethod(_filter_sql)

    _PARAM = "%s"

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = redact(url)
        for scheme in _SCHEMES:
            if url.lower().startswith(scheme):
                url = "postgresql://" + url[len(scheme) :]
        self._conninfo = url
        self._timeout = timeout
        self._lock = threading.RLock()
        self._depth = 0
        self._closed = False
        self._postgis: str | None = None  # the schema of PostGIS, when incidents use it
        self._conn: psycopg.Connection[Any] | None = None
        self._conn = self._connect()
        try:
            self._migrate()
            self._use_postgis()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"

    # --- plumbing ------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            given = conninfo_to_dict(self._conninfo)
        except psycopg.Error as exc:
            raise StoreError(
                f"not a PostgreSQL URL: {self.url} ({_reason(exc)}); "
                "expected postgresql://user:password@host:port/database"
            ) from exc
        options: dict[str, Any] = {}
        if "connect_timeout" not in given:
            options["connect_timeout"] = max(1, min(10, math.ceil(self._timeout)))
        if "application_name" not in given:
            options["application_name"] = "corroborate"
        try:
            conn: psycopg.Connection[Any] = psycopg.connect(
                self._conninfo, autocommit=True, row_factory=_row_factory, **options
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store {self.url}: {_reason(exc)}"
            ) from exc
        try:
            conn.adapters.register_loader("json", TextLoader)
            conn.execute(
                "SELECT set_config('lock_timeout', %s, false)",
                (f"{max(1, int(self._timeout * 1000))}ms",),
            )
        except psycopg.Error as exc:
            conn.close()
            raise StoreError(f"cannot open the store {self.url}: {_reason(exc)}") from exc
        return conn

    @property
    def _db(self) -> psycopg.Connection[Any]:
        if self._closed or self._conn is None:
            raise StoreError(f"the store {self.url} is closed")
        if self._conn.closed and self._depth == 0:
            # The server went away between transactions: connect again.
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn psycopg errors into StoreError, with a hint when a writer held the store."""
        try:
            yield
        except (pg_errors.LockNotAvailable, pg_errors.QueryCanceled) as exc:
            raise StoreError(
                f"the store {self.url} stayed busy (another writer held it): {_reason(exc)}"
            ) from exc
        except psycopg.Error as exc:
            raise StoreError(f"store error in {self.url}: {_reason(exc)}") from exc

    def _exec(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        """Run one statement (call inside a transaction for writes).

        Outside a transaction (reads, and the BEGIN of a transaction), a
        connection the server dropped is replaced and the statement tried once
        more; inside one, the error is the caller's.
        """
        values = None if params is None else [_encode(p) for p in params]
        with self._lock, self._errors():
            try:
                return self._db.execute(sql, values)
            except psycopg.OperationalError:
                conn = self._conn
                if self._depth > 0 or conn is None or not conn.broken:
                    raise
            return self._db.execute(sql, values)  # _db connects again

    def _read(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._exec(sql, params)
            with self._errors():
                return cursor.fetchall()

    def _read_one(self, sql: str, params: Sequence[Any] | None = None) -> dict[str, Any] | None:
        with self._lock:
            cursor = self._exec(sql, params)
            with self._errors():
                row: dict[str, Any] | None = cursor.fetchone()
                return row

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
            schema = self._read_one("SELECT current_schema() AS name")
            if schema is None or schema["name"] is None:
                raise StoreError(
                    f"cannot open the store {self.url}: no schema of its search_path exists"
                )
            self._exec(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)"
            )
            for version, name, sql in migrations:
                if version <= current:
                    continue
                self._exec(sql)
                self._exec(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
                    (version, name, now()),
                )

    def _use_postgis(self) -> None:
        """Find PostGIS; add the geography column when PostGIS has come since the migration."""
        found = self._read_one(
            "SELECT n.nspname AS schema FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'"
        )
        if found is None:
            self._postgis = None
            return
        if not self._has_geography():
            optional = dict((name, sql) for _, name, sql in _migrations())
            with self.transaction():
                if not self._has_geography():
                    self._exec(optional["optional_extensions"])
        self._postgis = str(found["schema"]) if self._has_geography() else None

    def _has_geography(self) -> bool:
        row = self._read_one(
            "SELECT 1 AS found FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = 'incidents' AND column_name = 'geog'"
        )
        return row is not None

    def _too_new(self, current: int, latest: int) -> str:
        return (
            f"the store {self.url} has schema version {current}, newer than this "
            f"corroborate knows ({latest}); upgrade corroborate to use it"
        )

    def schema_version(self) -> int:
        """The schema version of the store's schema (0 when it has none yet)."""
        with self._lock:
            present = self._read_one(
                "SELECT 1 AS found FROM pg_tables"
                " WHERE schemaname = current_schema() AND tablename = 'schema_version'"
            )
            if present is None:
                return 0
            row = self._read_one("SELECT coalesce(max(version), 0) AS version FROM schema_version")
        return int(row["version"]) if row is not None else 0

    @property
    def has_postgis(self) -> bool:
        """Whether incidents have a PostGIS ``geog`` point (with a spatial index)."""
        return self._postgis is not None

    # --- lifecycle -----------------------------------------------------

    def transaction(self) -> AbstractContextManager[None]:
        """Everything inside commits together or not at all.

        Nested calls become savepoints. The outermost one waits (up to the
        store's timeout) for other writers of the same store to finish. The
        store's lock is held for the whole block, so other threads using this
        store object wait until it ends.
        """
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            depth = self._depth
            savepoint = f"sp_{depth}"
            if depth == 0:
                self._exec("BEGIN")
                self._depth = 1
                try:
                    self._exec(
                        f"SELECT pg_advisory_xact_lock({_LOCK_KEY}, hashtext(current_schema()))"
                    )
                except BaseException:
                    self._depth = 0
                    with suppress(StoreError):
                        self._exec("ROLLBACK")
                    raise
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
                        self._exec(f"ROLLBACK TO SAVEPOINT {savepoint}")
                        self._exec(f"RELEASE SAVEPOINT {savepoint}")
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
                self._exec(f"RELEASE SAVEPOINT {savepoint}")

    def close(self) -> None:
        """Close the connection; further calls raise StoreError. Closing twice is fine."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- articles ------------------------------------------------------

    def add_article(self, article: Article) -> bool:
        """Store an article; return False (and change nothing) when its hash is known."""
        vector = search_vector(article.title, article.text)
        with self.transaction():
            cursor = self._exec(
                f"INSERT INTO articles ({_ARTICLES}, search)"
                f" VALUES ({_placeholders(len(ARTICLE_COLUMNS))}, %s::tsvector)"
                " ON CONFLICT (hash) DO NOTHING",
                (*article_values(article, ingested_at=now()), vector),
            )
            return cursor.rowcount == 1

    def has_article(self, article_hash: str) -> bool:
        row = self._read_one("SELECT 1 AS found FROM articles WHERE hash = %s", (article_hash,))
        return row is not None

    def get_article(self, article_hash: str) -> Article | None:
        row = self._read_one(f"SELECT {_ARTICLES} FROM articles WHERE hash = %s", (article_hash,))
        return article_from_row(row) if row is not None else None

    def find_article(self, article_id: str) -> Article | None:
        """Look up by external id first (the latest ingested wins), then by hash."""
        row = self._read_one(
            f"SELECT {_ARTICLES} FROM articles WHERE external_id = %s"
            " ORDER BY ingested_at DESC, seq DESC LIMIT 1",
            (article_id,),
        )
        if row is not None:
            return article_from_row(row)
        return self.get_article(article_id)

    def search_articles(self, query: str, *, limit: int = 50) -> list[Article]:
        """Full-text search over title and text, best match first.

        Terms are ANDed; ``"quoted words"`` match as a phrase; a trailing
        ``*`` matches a prefix; case and diacritics are ignored. Operators and
        punctuation are taken literally, so no input raises a syntax error.
        """
        match = search_query(search_terms(query))
        if match is None or match == _NOTHING:
            return []
        rows = self._read(
            f"SELECT {', '.join('a.' + c for c in ARTICLE_COLUMNS)} FROM articles a"
            " WHERE a.search @@ %s::tsquery"
            " ORDER BY ts_rank(a.search, %s::tsquery) DESC, a.seq LIMIT %s",
            (match, match, _limit(limit)),
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
                for row in self._read(
                    "SELECT report_id, data, incident_id FROM reports WHERE article_hash = %s",
                    (article_hash,),
                )
            }
            self._exec("DELETE FROM reports WHERE article_hash = %s", (article_hash,))
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
                " framing_score, extractor_version, extracted_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)"
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
                "SELECT extraction_id, language, framing FROM extractions WHERE article_hash = %s",
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
            _REPORT_SELECT + " WHERE r.article_hash = %s ORDER BY r.idx", (article_hash,)
        )
        return [stored_report_from_row(row) for row in rows]

    def get_report(self, report_id: str) -> StoredReport | None:
        row = self._read_one(_REPORT_SELECT + " WHERE r.report_id = %s", (report_id,))
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
        record = incident.record
        saved_at = now()
        columns = [*INCIDENT_COLUMNS, "actor1_fold", "actor2_fold"]
        marks = [_placeholders(len(columns))]
        with self.transaction():
            existing = self._read_one(
                "SELECT created FROM incidents WHERE incident_id = %s", (incident.incident_id,)
            )
            created = incident.created or (existing["created"] if existing else None) or saved_at
            values: list[Any] = [
                *incident_values(incident, created=created, updated=incident.updated or saved_at),
                record.actor1.casefold() if record.actor1 is not None else None,
                record.actor2.casefold() if record.actor2 is not None else None,
            ]
            if self._postgis is not None:
                gis = _quote_ident(self._postgis)
                point = _point(record.latitude, record.longitude)
                columns.append("geog")
                if point is None:
                    marks.append("NULL")
                else:
                    marks.append(
                        f"{gis}.ST_SetSRID({gis}.ST_MakePoint(%s::float8, %s::float8), 4326)"
                        f"::{gis}.geography"
                    )
                    values.extend(point)
            self._exec(
                f"INSERT INTO incidents ({', '.join(columns)}) VALUES ({', '.join(marks)})"
                " ON CONFLICT (incident_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in columns[1:]),
                values,
            )
            members = {m.report_id for m in incident.members}
            current = [
                row["report_id"]
                for row in self._read(
                    "SELECT report_id FROM reports WHERE incident_id = %s",
                    (incident.incident_id,),
                )
            ]
            for report_id in current:
                if report_id not in members:
                    self._exec(
                        "UPDATE reports SET incident_id = NULL WHERE report_id = %s", (report_id,)
                    )
            for report_id in sorted(members):
                self._exec(
                    "UPDATE reports SET incident_id = %s WHERE report_id = %s",
                    (incident.incident_id, report_id),
                )

    def delete_incident(self, incident_id: str) -> None:
        """Delete an incident (its reports lose their incident). Unknown ids are ignored."""
        with self.transaction():
            self._exec(
                "UPDATE reports SET incident_id = NULL WHERE incident_id = %s", (incident_id,)
            )
            gone = self._exec("DELETE FROM incidents WHERE incident_id = %s", (incident_id,))
            if gone.rowcount:
                self.record_deletion(incident_id)

    def get_incident(self, incident_id: str) -> Incident | None:
        row = self._read_one("SELECT data FROM incidents WHERE incident_id = %s", (incident_id,))
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
            total_row = self._read_one(f"SELECT count(*) AS n FROM incidents i {where}", params)
            rows = self._read(
                f"SELECT i.data FROM incidents i {where} {ORDER} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
        total = int(total_row["n"]) if total_row is not None else 0
        return [incident_from_data(row["data"]) for row in rows], total

    # --- map, timeline and listings (the web app) -----------------------

    def bulk_add_incidents(self, incidents: Iterable[Incident]) -> int:
        """Insert or replace many incidents in one transaction (through
        :meth:`save_incident`, so member reports point at them). Returns the count."""
        count = 0
        with self.transaction():
            for incident in incidents:
                self.save_incident(incident)
                count += 1
        return count

    def iter_incidents(self, flt: IncidentFilter | None = None) -> Iterator[Incident]:
        """Every matching incident in ``list_incidents`` order, read in small batches.

        The set of ids is fixed when iteration starts; incidents deleted while
        iterating are skipped. No lock is held between batches.
        """
        where, params = _filter_sql(flt)
        ids = [
            row["incident_id"]
            for row in self._read(f"SELECT i.incident_id FROM incidents i {where} {ORDER}", params)
        ]
        size = _common.ITER_CHUNK
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            rows = self._read(
                f"SELECT incident_id, data FROM incidents"
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
                " VALUES (%s, %s, %s, %s, %s)",
                (incident_id, action, reason, dumps(detail or {}), now()),
            )

    def incident_events(self, incident_id: str) -> list[dict[str, Any]]:
        """The log of one incident, oldest first: ``action``, ``reason``, ``detail``, ``at``."""
        rows = self._read(
            "SELECT incident_id, action, reason, detail, at FROM incident_log"
            " WHERE incident_id = %s ORDER BY id",
            (incident_id,),
        )
        return [incident_event_from_row(row) for row in rows]

    # --- rejects and stats ---------------------------------------------

    def add_reject(self, reject: Reject) -> None:
        with self.transaction():
            self._exec(
                "INSERT INTO rejects (origin, external_id, reason, detail, created)"
                " VALUES (%s, %s, %s, %s, %s)",
                (reject.origin, reject.external_id, reject.reason, reject.detail, now()),
            )

    def list_rejects(self, *, limit: int = 100) -> list[Reject]:
        """The most recent rejects, newest first."""
        rows = self._read(
            "SELECT origin, external_id, reason, detail FROM rejects ORDER BY id DESC LIMIT %s",
            (_limit(limit),),
        )
        return [reject_from_row(row) for row in rows]

    def stats(self) -> dict[str, Any]:
        """``articles``, ``reports``, ``incidents``, ``rejects`` and ``rejects_by_reason``."""
        with self._lock:
            counts = self._read_one(
                "SELECT (SELECT count(*) FROM articles) AS articles,"
                " (SELECT count(*) FROM reports) AS reports,"
                " (SELECT count(*) FROM incidents) AS incidents,"
                " (SELECT count(*) FROM rejects) AS rejects"
            )
            by_reason = self._read(
                "SELECT reason, count(*) AS n FROM rejects GROUP BY reason ORDER BY reason"
            )
        return stats_dict(
            tuple(counts.values()) if counts is not None else None,
            [(row["reason"], row["n"]) for row in by_reason],
        )
