"""What the SQLite and PostgreSQL stores share.

The JSON shapes records are kept in, the column values derived from them,
how rows become model objects again, how an :class:`IncidentFilter` becomes a
WHERE clause, how a search box's text becomes search terms, how migration
files are found, and the shape of ``stats()``. Each backend supplies only
its SQL dialect (see :class:`Dialect`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol

from corroborate.errors import ConfigError, StoreError
from corroborate.model import Article, Incident, Reject, Report, utc_now
from corroborate.store.base import IncidentFilter, NearBlock, StoredReport

__all__ = [
    "ARTICLE_COLUMNS",
    "DEFAULT_TIMEOUT",
    "INCIDENT_COLUMNS",
    "ITER_CHUNK",
    "ORDER",
    "REPORT_COLUMNS",
    "REPORT_SELECT",
    "Dialect",
    "NearBlock",
    "Row",
    "SearchTerm",
    "article_from_row",
    "article_values",
    "candidate_where",
    "check_page",
    "dumps",
    "extractor_version",
    "filter_where",
    "incident_dict",
    "incident_event_from_row",
    "incident_from_data",
    "incident_values",
    "load_migrations",
    "now",
    "reject_from_row",
    "report_dict",
    "report_values",
    "search_terms",
    "stats_dict",
    "stored_report_from_row",
]

#: Seconds a writer waits for another writer's lock before giving up.
DEFAULT_TIMEOUT = 30.0

#: Reports joined with their article, as :func:`stored_report_from_row` reads them.
REPORT_SELECT = """
    SELECT r.report_id, r.article_hash, r.idx, r.data, r.incident_id, r.extractor_version,
           a.external_id, a.outlet, a.url, a.published, a.language
    FROM reports r JOIN articles a ON a.hash = r.article_hash
"""

#: How many incidents ``iter_incidents`` reads at a time.
ITER_CHUNK = 200

#: Newest event first, undated last, ties broken by incident id.
ORDER = "ORDER BY i.event_date DESC NULLS LAST, i.incident_id ASC"

ARTICLE_COLUMNS = (
    "hash",
    "external_id",
    "url",
    "outlet",
    "published",
    "language",
    "title",
    "origin",
    "text",
    "ingested_at",
)

REPORT_COLUMNS = (
    "report_id",
    "article_hash",
    "idx",
    "event_type",
    "sub_event_type",
    "event_date",
    "time_precision",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "actor1",
    "actor2",
    "civilian_targeting",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "data",
    "incident_id",
    "extractor_version",
    "created",
)

INCIDENT_COLUMNS = (
    "incident_id",
    "event_type",
    "sub_event_type",
    "event_date",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "grade",
    "origins",
    "actor1",
    "actor2",
    "n_reports",
    "created",
    "updated",
    "data",
)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class Row(Protocol):
    """A database row readable by column name (``sqlite3.Row``, a dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


# --- values and JSON -----------------------------------------------------------


def now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, e.g. 2024-01-02T03:04:05.678Z."""
    return utc_now()


def dumps(value: Any) -> str:
    """Compact JSON that keeps non-ASCII text as it is (NaN is refused)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def report_dict(report: Report) -> dict[str, Any]:
    """``Report.to_dict`` plus the character offsets of its sources.

    ``SourceClaim.to_dict`` leaves its offsets out of the output contract;
    the store keeps them so that a report read back equals the one stored.
    """
    d = report.to_dict()
    d["sources"] = [{**s.to_dict(), "start": s.start, "end": s.end} for s in report.sources]
    return d


def incident_dict(incident: Incident) -> dict[str, Any]:
    """``Incident.to_dict`` with source offsets kept (see :func:`report_dict`)."""
    d = incident.to_dict()
    d["sources"] = report_dict(incident.record)["sources"]
    for member_dict, member in zip(d["reports"], incident.members, strict=True):
        member_dict["report"] = report_dict(member.report)
    return d


def extractor_version(reports: Iterable[Report]) -> str | None:
    """The extractors behind some reports, as ``name@version`` joined by commas."""
    names = sorted({f"{e.extractor}@{e.version}" for r in reports for e in r.evidence})
    return ",".join(names) or None


def article_values(article: Article, *, ingested_at: str) -> tuple[Any, ...]:
    """The values of :data:`ARTICLE_COLUMNS` for an article."""
    return (
        article.id,
        article.external_id,
        article.url,
        article.outlet,
        article.published,
        article.language,
        article.title,
        article.origin,
        article.text,
        ingested_at,
    )


def report_values(
    *,
    report_id: str,
    article_hash: str,
    index: int,
    report: Report,
    data: str,
    incident_id: str | None,
    version: str | None,
    created: str,
) -> tuple[Any, ...]:
    """The values of :data:`REPORT_COLUMNS` for one stored report."""
    return (
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
        report.civilian_targeting,
        report.fatalities.low,
        report.fatalities.best,
        report.fatalities.high,
        data,
        incident_id,
        version,
        created,
    )


def incident_values(incident: Incident, *, created: str, updated: str) -> tuple[Any, ...]:
    """The values of :data:`INCIDENT_COLUMNS` for an incident."""
    record = incident.record
    return (
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
        updated,
        dumps(incident_dict(incident)),
    )


# --- rows back into objects ------------------------------------------------------


def article_from_row(row: Row) -> Article:
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


def stored_report_from_row(row: Row) -> StoredReport:
    """A row of reports joined with its article (see the backends' report SELECT)."""
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


def incident_from_data(data: str) -> Incident:
    return Incident.from_dict(json.loads(data))


def incident_event_from_row(row: Row) -> dict[str, Any]:
    return {
        "incident_id": row["incident_id"],
        "action": row["action"],
        "reason": row["reason"],
        "detail": json.loads(row["detail"]),
        "at": row["at"],
    }


def reject_from_row(row: Row) -> Reject:
    return Reject(
        origin=row["origin"],
        reason=row["reason"],
        detail=row["detail"],
        external_id=row["external_id"],
    )


def stats_dict(counts: Sequence[Any] | None, by_reason: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """``stats()``: counts of articles, reports, incidents, rejects, and rejects by reason."""
    articles, reports, incidents, rejects = tuple(counts) if counts else (0, 0, 0, 0)
    return {
        "articles": int(articles),
        "reports": int(reports),
        "incidents": int(incidents),
        "rejects": int(rejects),
        "rejects_by_reason": {row[0]: int(row[1]) for row in by_reason},
    }


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ConfigError(f"limit and offset must not be negative (got {limit}, {offset})")


# --- search terms ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One term of what a user typed in a search box."""

    text: str  # without quotes or the trailing '*'
    phrase: bool = False  # it was "quoted"
    prefix: bool = False  # it ended in '*'


_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w", re.UNICODE)


def search_terms(text: str) -> list[SearchTerm]:
    """The terms of a search: words, ``"quoted phrases"`` and ``prefix*`` words.

    Terms without any word character (``-``, ``*``, ``()``) are dropped; the
    rest is taken literally, so no input is a syntax error. Terms are ANDed.
    """
    terms: list[SearchTerm] = []
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        term = phrase if phrase is not None else word
        prefix = phrase is None and term.endswith("*")
        term = term.rstrip("*") if prefix else term
        if _WORD.search(term):
            terms.append(SearchTerm(term, phrase=phrase is not None, prefix=prefix))
    return terms


# --- filters ---------------------------------------------------------------------


class Dialect(Protocol):
    """The few SQL differences between the backends, for filters."""

    #: The parameter placeholder: ``?`` or ``%s``.
    param: str

    def nocase_equal(self, column: str) -> str:
        """``column`` equals one parameter, ignoring ASCII case (SQLite's NOCASE)."""

    def actor_match(self, needle: str) -> tuple[str, list[Any]]:
        """actor1 or actor2 of ``i`` contains the casefolded ``needle``."""

    def search_match(self, terms: list[SearchTerm]) -> tuple[str, list[Any]] | None:
        """Incidents ``i`` with a member article matching all ``terms``; None: no filter."""


def filter_where(flt: IncidentFilter | None, dialect: Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause (possibly empty) and its parameters for an incident filter on ``i``."""
    if flt is None:
        return "", []
    p = dialect.param
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("country", "admin1", "event_type", "sub_event_type", "grade"):
        value = getattr(flt, column)
        if value is not None:
            clauses.append(dialect.nocase_equal(f"i.{column}"))
            params.append(value)
    if flt.date_from is not None:
        clauses.append(f"i.event_date >= {p}")
        params.append(flt.date_from)
    if flt.date_to is not None:
        if len(flt.date_to) >= 10:
            clauses.append(f"i.event_date <= {p}")
            params.append(flt.date_to)
        else:  # a month or a year: inclusive of all of it
            clauses.append(f"substr(i.event_date, 1, {p}) <= {p}")
            params.extend([len(flt.date_to), flt.date_to])
    if flt.actor is not None and flt.actor.strip():
        clause, values = dialect.actor_match(flt.actor.strip().casefold())
        clauses.append(clause)
        params.extend(values)
    if flt.min_fatalities is not None:
        clauses.append(f"i.fatalities_best >= {p}")
        params.append(flt.min_fatalities)
    if flt.q is not None:
        terms = search_terms(flt.q)
        found = dialect.search_match(terms) if terms else None
        if found is not None:
            clauses.append(found[0])
            params.extend(found[1])
    if not clauses:
        return "", []
    return "WHERE " + " AND ".join(clauses), params


def candidate_where(
    *,
    date_from: str | None,
    date_to: str | None,
    country: str | None,
    dialect: Dialect,
    event_types: Sequence[str] | None = None,
    near: NearBlock | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause of ``candidate_incidents``.

    An incident qualifies when its event date is in ``[date_from, date_to]``
    (a missing bound is open) or unknown, and its country is ``country`` or
    unknown (any country when ``country`` is None). Blocks that keep the
    candidates few without losing any the matcher could accept: with
    ``event_types``, its event type is one of them (or unknown); with
    ``near``, it is unplaced, or within ``near.km`` of the point, or in the
    same admin1, or placed only at the same country (no admin1).
    """
    p = dialect.param
    clauses: list[str] = []
    params: list[Any] = []
    if event_types:
        marks = ", ".join(p for _ in event_types)
        clauses.append(f"(i.event_type IS NULL OR i.event_type IN ({marks}))")
        params.extend(event_types)
    if near is not None:
        dlat = near.km / 111.0
        dlon = near.km / (111.0 * max(0.05, math.cos(math.radians(near.latitude))))
        branches = [
            "i.latitude IS NULL",
            f"(i.latitude BETWEEN {p} AND {p} AND i.longitude BETWEEN {p} AND {p})",
        ]
        params.extend(
            [
                near.latitude - dlat,
                near.latitude + dlat,
                near.longitude - dlon,
                near.longitude + dlon,
            ]
        )
        if near.admin1:
            branches.append(dialect.nocase_equal("i.admin1"))
            params.append(near.admin1)
        if near.country:
            branches.append(f"(i.admin1 IS NULL AND {dialect.nocase_equal('i.country')})")
            params.append(near.country)
        clauses.append("(" + " OR ".join(branches) + ")")
    if date_from is not None or date_to is not None:
        bounds: list[str] = []
        if date_from is not None:
            bounds.append(f"i.event_date >= {p}")
            params.append(date_from)
        if date_to is not None:
            bounds.append(f"i.event_date <= {p}")
            params.append(date_to)
        clauses.append(f"(i.event_date IS NULL OR ({' AND '.join(bounds)}))")
    if country is not None:
        clauses.append(f"(i.country IS NULL OR {dialect.nocase_equal('i.country')})")
        params.append(country)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


# --- migrations ------------------------------------------------------------------


@cache
def load_migrations(folder: str) -> tuple[tuple[int, str, str], ...]:
    """The migration files of ``corroborate.store/<folder>`` as (version, name, sql), in order.

    Versions must run 1..n without gaps.
    """
    root = resources.files("corroborate.store").joinpath(folder)
    found: list[tuple[int, str, str]] = []
    for entry in root.iterdir():
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


# --- map, timeline and listing reads (shared by the backends) ---------------------

#: The columns of :meth:`Store.incident_points`, in order.
POINT_COLUMNS = (
    "incident_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "location",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "fatalities_best",
    "grade",
    "n_reports",
)

#: The columns of a listed report (joined with its article) for ``stored_report_from_row``.
LISTED_REPORT_FIELDS = (
    "r.report_id, r.article_hash, r.idx, r.data, r.incident_id, r.extractor_version,"
    " a.external_id, a.outlet, a.url, a.published, a.language"
)


def and_where(where: str, clauses: Sequence[str]) -> str:
    """``where`` (from :func:`filter_where`, possibly empty) with more ``clauses`` ANDed."""
    if not clauses:
        return where
    extra = " AND ".join(clauses)
    return f"{where} AND {extra}" if where else f"WHERE {extra}"


def viewport_clauses(
    bbox: tuple[float, float, float, float] | None, dialect: Dialect
) -> tuple[list[str], list[Any]]:
    """Clauses keeping incidents of ``i`` with coordinates inside ``bbox``.

    ``bbox`` is (south, west, north, east) in degrees; ``west > east`` means
    the box crosses the antimeridian. Without a box, any coordinates do.
    """
    clauses = ["i.latitude IS NOT NULL", "i.longitude IS NOT NULL"]
    params: list[Any] = []
    if bbox is None:
        return clauses, params
    p = dialect.param
    south, west, north, east = bbox
    clauses.append(f"i.latitude BETWEEN {p} AND {p}")
    params.extend([south, north])
    if west <= east:
        clauses.append(f"i.longitude BETWEEN {p} AND {p}")
        params.extend([west, east])
    else:
        clauses.append(f"(i.longitude >= {p} OR i.longitude <= {p})")
        params.extend([west, east])
    return clauses, params


#: The step (degrees) of the ``incidents_grid`` index; map cells that are a
#: multiple of it are sums of its cells (read in index order, no sorting).
GRID_STEP = 0.5
_GRID_LAT = "floor(i.latitude * 2)"
_GRID_LON = "floor(i.longitude * 2)"


def on_grid(cell: float) -> bool:
    """Whether ``cell`` degrees is a whole multiple of :data:`GRID_STEP`."""
    ratio = cell / GRID_STEP
    return ratio >= 1 and abs(ratio - round(ratio)) < 1e-9


def cells_sql(where: str, *, fine: bool, param: str) -> str:
    """Counts per grid cell and event type of incidents ``i`` matching ``where``:
    on the index grid (``fine``) or by ``cell`` degrees given twice as parameters."""
    if fine:  # grouped by the index's own expressions, so its order serves
        lat, lon = _GRID_LAT, _GRID_LON
        group = f"{lat}, {lon}"
    else:
        lat, lon = f"floor(i.latitude / {param})", f"floor(i.longitude / {param})"
        group = "cy, cx"
    return (
        f"SELECT {lat} AS cy, {lon} AS cx, i.event_type AS event_type, count(*) AS n,"
        " sum(coalesce(i.fatalities_best, 0)) AS fatalities,"
        " sum(i.latitude) AS lat_sum, sum(i.longitude) AS lon_sum"
        f" FROM incidents i {where} GROUP BY {group}, i.event_type"
    )


def combine_cells(rows: Iterable[Row], *, step: float, cell: float) -> list[dict[str, Any]]:
    """Rows of :func:`cells_sql` on a grid of ``step`` degrees as cells of ``cell``
    degrees (a whole multiple of ``step``), per event type."""
    ratio = max(1, round(cell / step))
    out: dict[tuple[int, int, Any], dict[str, Any]] = {}
    for row in rows:
        fy, fx = int(row["cy"]), int(row["cx"])
        key = (fy // ratio, fx // ratio, row["event_type"])
        extent = (fy * step, fx * step, (fy + 1) * step, (fx + 1) * step)
        acc = out.get(key)
        if acc is None:
            acc = out[key] = {"n": 0, "fatalities": 0, "lat": 0.0, "lon": 0.0, "bounds": extent}
        else:
            b = acc["bounds"]
            acc["bounds"] = (
                min(b[0], extent[0]),
                min(b[1], extent[1]),
                max(b[2], extent[2]),
                max(b[3], extent[3]),
            )
        acc["n"] += int(row["n"])
        acc["fatalities"] += int(row["fatalities"] or 0)
        acc["lat"] += float(row["lat_sum"])
        acc["lon"] += float(row["lon_sum"])
    return [
        {
            "row": key[0],
            "col": key[1],
            "event_type": key[2],
            "n": acc["n"],
            "fatalities": acc["fatalities"],
            "latitude": acc["lat"] / acc["n"],
            "longitude": acc["lon"] / acc["n"],
            "bounds": (
                max(-90.0, acc["bounds"][0]),
                max(-180.0, acc["bounds"][1]),
                min(90.0, acc["bounds"][2]),
                min(180.0, acc["bounds"][3]),
            ),
        }
        for key, acc in out.items()
    ]
