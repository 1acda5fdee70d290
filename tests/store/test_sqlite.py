"""What only the SQLite store has: its file, its pragmas, its FTS5 queries.

Everything both backends do is tested in test_store.py, on each of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corroborate.errors import StoreError
from corroborate.store import SQLiteStore, fts_query, open_store
from corroborate.store import sqlite as sqlite_module


def test_fresh_file_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "test.db"
    with SQLiteStore(db) as s:
        assert s.schema_version() == sqlite_module._migrations()[-1][0]
    conn = sqlite3.connect(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "articles_fts" in tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_connection_settings(sqlite_store: SQLiteStore) -> None:
    conn = sqlite_store._db
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a sqlite file at all, not even close" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(path))


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "no" / "such" / "dir" / "x.db"))


def test_open_store_sqlite(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "a.db"))
    assert isinstance(s, SQLiteStore)
    s.close()
    s = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    assert (tmp_path / "b.db").exists()
    s.close()
    s = open_store(tmp_path / "c.db", timeout=1.5)
    assert isinstance(s, SQLiteStore)
    s.close()
    with pytest.raises(StoreError, match="no store given"):
        open_store("sqlite:///")


def test_open_store_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store() as s:
        assert s.stats()["articles"] == 0
    assert (tmp_path / "corroborate.db").exists()


def test_fts_query() -> None:
    assert fts_query("gold prospectors") == '"gold" "prospectors"'
    assert fts_query('say "hello world"') == '"say" "hello world"'
    assert fts_query("prospect*") == '"prospect"*'
    assert fts_query('a"b') == '"a""b"'
    assert fts_query("- * ()") is None
