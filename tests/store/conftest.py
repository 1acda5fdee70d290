"""Store backends for the store tests: every backend-neutral test runs on each.

``store_factory`` gives a fresh, empty store location per test and opens
stores on it: a SQLite file in the test's temporary folder, or a PostgreSQL
schema of its own in the database named by ``CORROBORATE_TEST_PG_URL``
(dropped after the test). Without that variable the PostgreSQL variants are
skipped with the reason, except in CI (``CI`` set), where they fail: CI never
silently skips a core test.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest

from corroborate.store import SQLiteStore, open_store
from corroborate.store.base import Store

PG_URL_VARIABLE = "CORROBORATE_TEST_PG_URL"
BACKENDS = ("sqlite", "postgres")
_TABLES = (
    "decisions",
    "api_tokens",
    "users",
    "incident_deletions",
    "incident_log",
    "rejects",
    "reports",
    "extractions",
    "incidents",
    "articles",
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_postgres() -> str:
    """The test database's URL, or skip (fail in CI) saying what is missing."""
    url = os.environ.get(PG_URL_VARIABLE, "").strip()
    if not url:
        if in_ci():
            pytest.fail(
                f"{PG_URL_VARIABLE} is not set, but CI must run the PostgreSQL store tests: "
                f'run export {PG_URL_VARIABLE}="$(bash scripts/ci_postgres.sh)" first',
                pytrace=False,
            )
        pytest.skip(
            f"PostgreSQL store tests need {PG_URL_VARIABLE}=postgresql://… (a database the "
            "tests may create schemas in; bash scripts/ci_postgres.sh starts one and prints it)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        if in_ci():
            pytest.fail(f"psycopg is not installed ({exc}): pip install -e '.[postgres]'")
        pytest.skip(f"PostgreSQL store tests need psycopg ({exc}): pip install -e '.[postgres]'")
    return url


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (via libpq's ``options``)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


class StoreFactory:
    """Opens stores on one fresh location of one backend; ``factory()`` is a new store."""

    name: str
    location: str

    def __call__(self, **kwargs: Any) -> Store:
        store = open_store(self.location, **kwargs)
        self._opened.append(store)
        return store

    def __init__(self) -> None:
        self._opened: list[Store] = []
        self._shared: Store | None = None

    def emptied(self) -> Store:
        """One store for the whole test, emptied on each call (for property tests)."""
        if self._shared is None:
            self._shared = self()
        else:
            self.reset()
        return self._shared

    def close_all(self) -> None:
        for store in self._opened:
            store.close()

    # what the tests need to look at or change behind the store's back

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def execute(self, sql: str) -> None:
        raise NotImplementedError

    def tables(self) -> set[str]:
        raise NotImplementedError

    def set_schema_version(self, version: int) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Empty every table (faster than a new location, for property tests)."""
        for table in _TABLES:
            self.execute(f"DELETE FROM {table}")


class SQLiteFactory(StoreFactory):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.location = str(path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None, timeout=30)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        conn = self._connect()
        try:
            return [tuple(row) for row in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    def execute(self, sql: str) -> None:
        conn = self._connect()
        try:
            conn.execute(sql)
        finally:
            conn.close()

    def tables(self) -> set[str]:
        return {row[0] for row in self.query("SELECT name FROM sqlite_master")}

    def set_schema_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {version:d}")

    def reset(self) -> None:
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("COMMIT")
        finally:
            conn.close()


class PostgresFactory(StoreFactory):
    name = "postgres"

    def __init__(self, admin: Any, url: str) -> None:
        super().__init__()
        self.admin = admin
        self.schema = f"t_{uuid.uuid4().hex[:16]}"
        admin.execute(f"CREATE SCHEMA {self.schema}")
        self.location = with_search_path(url, self.schema)

    def drop(self) -> None:
        self.admin.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        self.admin.execute(f"SET search_path TO {self.schema}")
        try:
            return [tuple(row) for row in self.admin.execute(sql).fetchall()]
        finally:
            self.admin.execute("RESET search_path")

    def execute(self, sql: str) -> None:
        self.admin.execute(f"SET search_path TO {self.schema}")
        try:
            self.admin.execute(sql)
        finally:
            self.admin.execute("RESET search_path")

    def tables(self) -> set[str]:
        rows = self.admin.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (self.schema,)
        ).fetchall()
        return {row[0] for row in rows}

    def set_schema_version(self, version: int) -> None:
        self.execute(
            "INSERT INTO schema_version (version, name, applied_at)"
            f" VALUES ({version:d}, 'future', '2100-01-01T00:00:00Z')"
        )

    def reset(self) -> None:
        self.execute("; ".join(f"DELETE FROM {table}" for table in _TABLES))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Any]:
    """A connection to the test database, for making and dropping schemas."""
    url = require_postgres()
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        pytest.fail(f"cannot reach {PG_URL_VARIABLE}: {exc}", pytrace=False)
    conn.execute("SET lock_timeout = '10s'")
    conn.execute("SET client_min_messages = warning")
    for extension in ("pg_trgm", "postgis"):  # once, so that no test schema owns them
        try:
            with conn.transaction():
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension} SCHEMA public")
        except psycopg.Error:
            pass  # not available, or not ours to create: the store works without
    yield conn
    conn.close()


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """A fresh store location of each backend; call it to open a store there."""
    factory: StoreFactory
    if request.param == "sqlite":
        factory = SQLiteFactory(tmp_path / "test.db")
        yield factory
        factory.close_all()
        return
    admin = request.getfixturevalue("pg_admin")
    pg = PostgresFactory(admin, require_postgres())
    yield pg
    pg.close_all()
    pg.drop()


@pytest.fixture()
def store(store_factory: StoreFactory) -> Store:
    """A fresh, empty store of each backend (closed after the test)."""
    return store_factory()


@pytest.fixture()
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "test.db")
    yield s
    s.close()
