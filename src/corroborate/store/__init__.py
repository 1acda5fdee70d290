"""Where articles, reports, incidents and rejects are kept.

``open_store`` picks the backend from the ``--db`` value: a file path opens
(or creates, and migrates) a SQLite store; a ``postgresql://`` URL is
reserved for the PostgreSQL backend of the ``postgres`` extra.
"""

from __future__ import annotations

from os import PathLike

from corroborate.errors import StoreError
from corroborate.store.base import IncidentFilter, Store, StoredReport
from corroborate.store.sqlite import DEFAULT_TIMEOUT, SQLiteStore, fts_query

__all__ = [
    "DEFAULT_DB",
    "DEFAULT_TIMEOUT",
    "IncidentFilter",
    "SQLiteStore",
    "Store",
    "StoredReport",
    "fts_query",
    "open_store",
]

#: The store used when no ``--db`` is given.
DEFAULT_DB = "corroborate.db"

_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_SQLITE_SCHEME = "sqlite:///"


def open_store(db: str | PathLike[str] = DEFAULT_DB, *, timeout: float = DEFAULT_TIMEOUT) -> Store:
    """Open the store named by ``db``, creating and migrating it on first use.

    ``db`` is a SQLite file path (``sqlite:///path`` is accepted too) or a
    ``postgresql://`` URL. Raises :class:`~corroborate.errors.StoreError` when
    the store cannot be opened; PostgreSQL is not implemented yet.
    """
    name = str(db)
    if name.lower().startswith(_POSTGRES_SCHEMES):
        raise StoreError(
            "PostgreSQL stores are not implemented yet; support will come with corroborate's "
            "postgres extra. Use a SQLite file path such as corroborate.db for now",
            reason="unsupported-store",
        )
    if name.startswith(_SQLITE_SCHEME):
        name = name[len(_SQLITE_SCHEME) :]
    if not name:
        raise StoreError("no store given: pass a SQLite file path such as corroborate.db")
    return SQLiteStore(name, timeout=timeout)
