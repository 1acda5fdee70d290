"""Where articles, reports, incidents and rejects are kept.

``open_store`` picks the backend from the ``--db`` value: a file path opens
(or creates, and migrates) a SQLite store; a ``postgresql://`` URL opens (or
creates, and migrates) a PostgreSQL store, which needs the ``postgres`` extra
(``pip install 'corroborate[postgres]'``). Both behave the same.
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Any

from corroborate.errors import StoreError
from corroborate.store.base import IncidentFilter, Store, StoredReport
from corroborate.store.sqlite import DEFAULT_TIMEOUT, SQLiteStore, fts_query

if TYPE_CHECKING:
    from corroborate.store.postgres import PostgresStore

__all__ = [
    "DEFAULT_DB",
    "DEFAULT_TIMEOUT",
    "IncidentFilter",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoredReport",
    "fts_query",
    "is_postgres_url",
    "open_store",
]

#: The store used when no ``--db`` is given.
DEFAULT_DB = "corroborate.db"

_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "postgres+psycopg://")
_SQLITE_SCHEME = "sqlite:///"


def is_postgres_url(db: str | PathLike[str]) -> bool:
    """Whether ``db`` names a PostgreSQL store (a ``postgresql://`` URL)."""
    return str(db).lower().startswith(_POSTGRES_SCHEMES)


def open_store(db: str | PathLike[str] = DEFAULT_DB, *, timeout: float = DEFAULT_TIMEOUT) -> Store:
    """Open the store named by ``db``, creating and migrating it on first use.

    ``db`` is a SQLite file path (``sqlite:///path`` is accepted too) or a
    ``postgresql://`` (or ``postgres://``) URL. ``timeout`` is how many
    seconds a writer waits for another writer. Raises
    :class:`~corroborate.errors.StoreError` when the store cannot be opened:
    for a URL, also when psycopg is not installed or the server cannot be
    reached.
    """
    name = str(db)
    if is_postgres_url(name):
        return _postgres_store_class()(name, timeout=timeout)
    if name.startswith(_SQLITE_SCHEME):
        name = name[len(_SQLITE_SCHEME) :]
    if not name:
        raise StoreError("no store given: pass a SQLite file path such as corroborate.db")
    return SQLiteStore(name, timeout=timeout)


def _postgres_store_class() -> type[PostgresStore]:
    """The PostgreSQL backend, imported on first use (psycopg is an optional dependency)."""
    try:
        from corroborate.store.postgres import PostgresStore
    except ImportError as exc:
        raise StoreError(
            f"PostgreSQL stores need psycopg, which is not usable here ({exc}): "
            "install it with pip install 'corroborate[postgres]'",
            reason="missing-dependency",
        ) from exc
    return PostgresStore


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":
        return _postgres_store_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
