"""Map, timeline and page reads that the SQLite and PostgreSQL stores share.

:class:`SharedReads` is mixed into both stores. Its SQL is written once with
``?`` placeholders (turned into the backend's by ``_q``); each store supplies
its dialect (``_DIALECT``) and its filter (``_filter_sql``).
"""

from __future__ import annotations

from typing import Any

from corroborate.errors import StoreError
from corroborate.model import Article
from corroborate.store import _common
from corroborate.store._common import (
    ARTICLE_COLUMNS,
    ORDER,
    article_from_row,
    check_page,
    stored_report_from_row,
)
from corroborate.store.base import IncidentFilter, StoredReport

__all__ = ["SharedReads"]


class SharedReads:
    """Filtered, paged reads for the map, the timeline and the API."""

    # Supplied by the store: its dialect, filter and read helpers; the
    # placeholder spelling (``_PARAM``, ``_q``) comes with DecisionStore.
    _PARAM: str
    _DIALECT: Any
    _lock: Any
    _q: Any
    _filter_sql: Any
    _read: Any
    _read_one: Any

    def incident_points(
        self,
        flt: IncidentFilter | None = None,
        *,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int = 5000,
    ) -> tuple[list[dict[str, Any]], int]:
        """Light rows (``_common.POINT_COLUMNS``) of matching incidents with
        coordinates inside ``bbox`` (south, west, north, east), newest first,
        at most ``limit``, and how many there are in all."""
        check_page(limit, 0)
        where, params = self._filter_sql(flt)
        clauses, box = _common.viewport_clauses(bbox, self._DIALECT)
        where = _common.and_where(where, clauses)
        columns = ", ".join(f"i.{c}" for c in _common.POINT_COLUMNS)
        with self._lock:
            total_row = self._read_one(
                f"SELECT count(*) AS n FROM incidents i {where}", [*params, *box]
            )
            rows = self._read(
                self._q(f"SELECT {columns} FROM incidents i {where} {ORDER} LIMIT ?"),
                [*params, *box, limit],
            )
        total = int(total_row["n"]) if total_row is not None else 0
        return [{c: row[c] for c in _common.POINT_COLUMNS} for row in rows], total

    def incident_cells(
        self,
        flt: IncidentFilter | None = None,
        *,
        cell: float,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[dict[str, Any]]:
        """Matching incidents with coordinates binned in a grid of ``cell`` degrees:
        one row per cell and event type with ``row``, ``col`` (cell indexes),
        ``event_type``, ``n``, ``fatalities`` (sum of best figures), the
        mean ``latitude``/``longitude`` and ``bounds`` (south, west, north, east:
        the extent of the index grid cells that hold them). Cells that are a
        multiple of ``_common.GRID_STEP`` are summed from the ``incidents_grid``
        index's cells."""
        if not cell > 0:
            raise StoreError(f"the cell size must be positive (got {cell})")
        where, params = self._filter_sql(flt)
        clauses, box = _common.viewport_clauses(bbox, self._DIALECT)
        where = _common.and_where(where, clauses)
        fine = _common.on_grid(cell)
        rows = self._read(
            _common.cells_sql(where, fine=fine, param=self._PARAM),
            [*([] if fine else [cell, cell]), *params, *box],
        )
        return _common.combine_cells(rows, step=_common.GRID_STEP if fine else cell, cell=cell)

    def incident_days(self, flt: IncidentFilter | None = None) -> list[tuple[str, str, int]]:
        """How many matching dated incidents there are per event date and event type."""
        where, params = self._filter_sql(flt)
        where = _common.and_where(where, ["i.event_date IS NOT NULL"])
        rows = self._read(
            "SELECT i.event_date AS d, coalesce(i.event_type, '') AS t, count(*) AS n"
            f" FROM incidents i {where} GROUP BY i.event_date, i.event_type",
            params,
        )
        return [(row["d"], row["t"], int(row["n"])) for row in rows]

    def list_reports(
        self, flt: IncidentFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[StoredReport], int]:
        """A page of the reports whose incident matches ``flt`` (in incident order)
        and how many there are."""
        check_page(limit, offset)
        where, params = self._filter_sql(flt)
        joined = "FROM reports r JOIN articles a ON a.hash = r.article_hash" + (
            f" JOIN incidents i ON i.incident_id = r.incident_id {where}" if where else ""
        )
        order = f"{ORDER}, r.report_id" if where else "ORDER BY r.report_id"
        with self._lock:
            total_row = self._read_one(f"SELECT count(*) AS n {joined}", params)
            rows = self._read(
                self._q(f"SELECT {_common.LISTED_REPORT_FIELDS} {joined} {order} LIMIT ? OFFSET ?"),
                [*params, limit, offset],
            )
        total = int(total_row["n"]) if total_row is not None else 0
        return [stored_report_from_row(row) for row in rows], total

    def list_articles(
        self, flt: IncidentFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[Article], int]:
        """A page of articles (latest published first) with a report in an incident
        that matches ``flt`` (all articles without a filter), and how many there are."""
        check_page(limit, offset)
        where, params = self._filter_sql(flt)
        cond = (
            "WHERE a.hash IN (SELECT r.article_hash FROM reports r"
            f" JOIN incidents i ON i.incident_id = r.incident_id {where})"
            if where
            else ""
        )
        cols = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
        with self._lock:
            total_row = self._read_one(f"SELECT count(*) AS n FROM articles a {cond}", params)
            rows = self._read(
                self._q(
                    f"SELECT {cols} FROM articles a {cond}"
                    " ORDER BY a.published DESC NULLS LAST, a.hash LIMIT ? OFFSET ?"
                ),
                [*params, limit, offset],
            )
        total = int(total_row["n"]) if total_row is not None else 0
        return [article_from_row(row) for row in rows], total
