"""What the map and the timeline draw: points or binned cells, and weekly counts.

Plain functions over a store; no HTTP here. When a viewport holds more
incidents than :data:`POINT_LIMIT`, the map gets grid cells counted by the
store (server-side aggregation) instead of single incidents, so a zoomed-out
view of 100,000 incidents stays small and fast.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from corroborate.store.base import IncidentFilter, Store

__all__ = [
    "POINT_LIMIT",
    "BBox",
    "cell_size",
    "map_data",
    "merge_cells",
    "parse_bbox",
    "week_start",
    "weekly_counts",
]

#: Above this many incidents in view, the map gets cells instead of points.
POINT_LIMIT = 1500
#: The width of one cell on screen, in pixels (at 256 pixels per tile).
CELL_PIXELS = 48
#: The longest run of weeks the timeline gets with empty weeks filled in.
MAX_WEEKS = 3000
_NICE = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 45.0)

BBox = tuple[float, float, float, float]


def parse_bbox(raw: str | None) -> BBox | None:
    """``south,west,north,east`` in degrees, or None when absent.

    Longitudes outside [-180, 180] are wrapped; a box 360° wide or more is
    no longer a longitude filter. Raises ValueError on anything else.
    """
    if raw is None or not raw.strip():
        return None
    parts = [float(p) for p in raw.split(",")]
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise ValueError("expected south,west,north,east in degrees")
    south, west, north, east = parts
    if not -90 <= south <= north <= 90:
        raise ValueError("expected -90 <= south <= north <= 90")
    if east - west >= 360 or east < west:
        west, east = -180.0, 180.0
    else:
        west = (west + 180) % 360 - 180
        east = (east + 180) % 360 - 180
        if east == -180 and west > east:
            east = 180.0
    return south, west, north, east


def cell_size(zoom: int) -> float:
    """A grid step in degrees that is about :data:`CELL_PIXELS` wide at ``zoom``."""
    raw = 360 * CELL_PIXELS / (256 * 2 ** max(0, min(zoom, 18)))
    for nice in _NICE:
        if nice >= raw:
            return nice
    return _NICE[-1]


def merge_cells(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows per cell and event type (from ``Store.incident_cells``) as one entry per
    cell: ``latitude``/``longitude`` (mean), ``n``, ``fatalities``, ``types``
    (count per event type), ``bounds`` of its incidents (south, west, north,
    east), largest first."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        key = (row["row"], row["col"])
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = {"lat_sum": 0.0, "lon_sum": 0.0, "n": 0, "fatalities": 0}
            cell["types"] = {}
            cell["bounds"] = row["bounds"]
        s, w, n_, e = cell["bounds"]
        s2, w2, n2, e2 = row["bounds"]
        cell["bounds"] = (min(s, s2), min(w, w2), max(n_, n2), max(e, e2))
        n = row["n"]
        cell["lat_sum"] += row["latitude"] * n
        cell["lon_sum"] += row["longitude"] * n
        cell["n"] += n
        cell["fatalities"] += row["fatalities"]
        event_type = row["event_type"] or "unknown"
        cell["types"][event_type] = cell["types"].get(event_type, 0) + n
    out = [
        {
            "latitude": round(c["lat_sum"] / c["n"], 5),
            "longitude": round(c["lon_sum"] / c["n"], 5),
            "n": c["n"],
            "fatalities": c["fatalities"],
            "types": dict(sorted(c["types"].items(), key=lambda kv: (-kv[1], kv[0]))),
            "bounds": list(c["bounds"]),
        }
        for c in cells.values()
    ]
    out.sort(key=lambda c: (-c["n"], c["latitude"], c["longitude"]))
    return out


def map_data(store: Store, flt: IncidentFilter, *, bbox: BBox | None, zoom: int) -> dict[str, Any]:
    """The map's data for a viewport: single incidents when few, else cells.

    ``mode`` is ``points`` (``points``: light incident rows) or ``cells``
    (``cells`` from :func:`merge_cells`, ``cell``: the grid step in degrees);
    ``in_view`` counts the matching incidents inside ``bbox``.
    """
    _, in_view = store.incident_points(flt, bbox=bbox, limit=0)
    if in_view <= POINT_LIMIT:
        points, in_view = store.incident_points(flt, bbox=bbox, limit=POINT_LIMIT)
        return {"mode": "points", "in_view": in_view, "points": points}
    step = cell_size(zoom)
    cells = merge_cells(store.incident_cells(flt, cell=step, bbox=bbox))
    return {"mode": "cells", "in_view": in_view, "cell": step, "cells": cells}


@lru_cache(maxsize=65536)
def week_start(day: str) -> str | None:
    """The Monday of the ISO week of ``day`` (``YYYY-MM-DD…``), or None if not a date."""
    try:
        date = dt.date.fromisoformat(day[:10])
    except ValueError:
        return None
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def weekly_counts(days: Iterable[tuple[str, str, int]]) -> dict[str, Any]:
    """Day counts (date, event type, n) as ``weeks`` (``week`` = its Monday, ``counts``
    per event type, oldest first, every week between the first and the last) and
    ``types`` (event types, most frequent first)."""
    weeks: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for day, event_type, n in days:
        week = week_start(day)
        if week is None:
            continue
        label = event_type or "unknown"
        counts = weeks.setdefault(week, {})
        counts[label] = counts.get(label, 0) + n
        totals[label] = totals.get(label, 0) + n
    out: list[dict[str, Any]] = []
    if weeks:
        first = dt.date.fromisoformat(min(weeks))
        last = dt.date.fromisoformat(max(weeks))
        span = (last - first).days // 7
        if span > MAX_WEEKS:  # centuries apart: only the weeks that have incidents
            out = [{"week": w, "counts": weeks[w]} for w in sorted(weeks)]
        else:
            for k in range(span + 1):
                week = (first + dt.timedelta(weeks=k)).isoformat()
                out.append({"week": week, "counts": weeks.get(week, {})})
    types = sorted(totals, key=lambda t: (-totals[t], t))
    return {"weeks": out, "types": types}
