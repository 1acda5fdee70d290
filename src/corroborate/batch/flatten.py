"""Flat rows for the batch output: articles, reports, incidents and rejects.

One row is a plain ``dict`` whose keys are the columns of one Parquet
table (``ARTICLE_SCHEMA``, ``REPORT_SCHEMA``, ``INCIDENT_SCHEMA``,
``REJECT_SCHEMA``). Both engines build their rows with these functions, so
the local and the Spark output hold the same values. Nested values
(sources, evidence, framing, the whole incident) are JSON strings; every
conversion is lossless, so ``row_to_report(report_row(...)) == report``
and ``row_to_incident(incident_row(incident)) == incident``.

pyarrow is imported only by :func:`arrow_schema`, so the row functions run
wherever the model does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from corroborate.model import (
    FIGURE_FIELDS,
    SCALAR_FIELDS,
    Article,
    Evidence,
    Extraction,
    Figures,
    Framing,
    Incident,
    IncidentMember,
    Reject,
    Report,
    SourceClaim,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ARTICLE_COLUMNS",
    "INCIDENT_COLUMNS",
    "REJECT_COLUMNS",
    "REPORT_COLUMNS",
    "Column",
    "arrow_schema",
    "article_row",
    "dumps",
    "incident_row",
    "member_of_row",
    "reject_row",
    "report_id_of",
    "report_row",
    "row_to_article",
    "row_to_extraction",
    "row_to_incident",
    "row_to_reject",
    "row_to_report",
]

#: A column: its name and its type, one of ``string``, ``int32``, ``int64``,
#: ``float64``, ``bool``, ``list<string>``.
Column = tuple[str, str]

_FIGURES = FIGURE_FIELDS
_FIGURE_COLUMNS: tuple[Column, ...] = tuple(
    (f"{name}_{part}", "int64") for name in _FIGURES for part in ("low", "best", "high")
)

#: The contract's event fields, flattened (figures as ``<name>_low/best/high``).
_EVENT_COLUMNS: tuple[Column, ...] = (
    ("event_type", "string"),
    ("sub_event_type", "string"),
    ("event_date", "string"),
    ("time_precision", "int32"),
    ("actor1", "string"),
    ("inter1", "int32"),
    ("actor1_country", "string"),
    ("actor2", "string"),
    ("inter2", "int32"),
    ("actor2_country", "string"),
    ("civilian_targeting", "bool"),
    ("country", "string"),
    ("admin1", "string"),
    ("location", "string"),
    ("latitude", "float64"),
    ("longitude", "float64"),
    ("geo_precision", "int32"),
    *_FIGURE_COLUMNS,
    ("sources", "string"),  # JSON array of {name, kind, relation, start, end}
    ("summary", "string"),
)
_SCALARS = tuple(name for name, _ in _EVENT_COLUMNS[: len(SCALAR_FIELDS)])
assert _SCALARS == SCALAR_FIELDS, "batch columns must follow the contract fields"

#: OUTPUT/articles/: one row per distinct article (by content hash).
ARTICLE_COLUMNS: tuple[Column, ...] = (
    ("article_id", "string"),  # the input id, else the content hash
    ("article_hash", "string"),
    ("external_id", "string"),
    ("url", "string"),
    ("outlet", "string"),
    ("published", "string"),
    ("language", "string"),
    ("title", "string"),
    ("origin", "string"),
    ("text", "string"),
    ("extraction_id", "string"),
    ("extraction_language", "string"),
    ("framing", "string"),  # JSON: Framing.to_dict()
    ("framing_score", "float64"),
    ("n_events", "int32"),
)

#: OUTPUT/reports/: one row per event (none for a document without events).
REPORT_COLUMNS: tuple[Column, ...] = (
    ("article_id", "string"),
    ("article_hash", "string"),
    ("report_id", "string"),  # "<article hash>:<event index>", as in the store
    ("event_index", "int32"),  # 0 is the document's primary event
    ("outlet", "string"),
    ("url", "string"),
    ("published", "string"),
    ("language", "string"),
    *_EVENT_COLUMNS,
    ("evidence", "string"),  # JSON array of Evidence.to_dict()
)

#: OUTPUT/incidents/: one row per incident.
INCIDENT_COLUMNS: tuple[Column, ...] = (
    ("incident_id", "string"),
    *_EVENT_COLUMNS,
    ("grade", "string"),
    ("grade_reason", "string"),
    ("origins", "int32"),
    ("n_reports", "int32"),
    ("outlets", "list<string>"),
    ("article_ids", "list<string>"),  # distinct, in member order
    ("report_ids", "list<string>"),
    ("incident", "string"),  # JSON: the whole incident (Incident.from_dict reads it back)
)

#: OUTPUT/rejects/: one row per input that could not be read.
REJECT_COLUMNS: tuple[Column, ...] = (
    ("origin", "string"),
    ("external_id", "string"),
    ("reason", "string"),
    ("detail", "string"),
)


def dumps(value: Any) -> str:
    """Compact JSON (UTF-8 kept), the form of every JSON column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    """The pyarrow schema of a table given by its columns."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "string": pa.string(),
        "int32": pa.int32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "list<string>": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(name, types[kind]) for name, kind in columns])


# --- reports ----------------------------------------------------------------


def _sources(sources: Sequence[SourceClaim]) -> list[dict[str, Any]]:
    # The contract's {name, kind, relation} plus the offsets, so nothing is lost.
    return [{**s.to_dict(), "start": s.start, "end": s.end} for s in sources]


def _event_fields(report: Report) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(report, name) for name in _SCALARS}
    row["civilian_targeting"] = bool(report.civilian_targeting)
    for name in ("latitude", "longitude"):
        if row[name] is not None:
            row[name] = float(row[name])
    for name in _FIGURES:
        figures: Figures = getattr(report, name)
        row[f"{name}_low"] = figures.low
        row[f"{name}_best"] = figures.best
        row[f"{name}_high"] = figures.high
    row["sources"] = dumps(_sources(report.sources))
    row["summary"] = report.summary
    return row


def report_id_of(article: Article, index: int) -> str:
    """The report id the store gives the ``index``-th event of an article."""
    return f"{article.id}:{index}"


def report_row(article: Article, extraction: Extraction, index: int) -> dict[str, Any]:
    """The flat row of the ``index``-th event of an article's extraction."""
    report = extraction.events[index]
    row: dict[str, Any] = {
        "article_id": article.article_id,
        "article_hash": article.id,
        "report_id": report_id_of(article, index),
        "event_index": index,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published,
        "language": extraction.language,
    }
    row.update(_event_fields(report))
    row["evidence"] = dumps([e.to_dict() for e in report.evidence])
    return row


def row_to_report(row: dict[str, Any]) -> Report:
    """The Report a report (or incident) row was made from."""
    kwargs: dict[str, Any] = {name: row.get(name) for name in _SCALARS}
    kwargs["civilian_targeting"] = bool(row.get("civilian_targeting"))
    for name in _FIGURES:
        kwargs[name] = Figures(
            low=row.get(f"{name}_low"), best=row.get(f"{name}_best"), high=row.get(f"{name}_high")
        )
    kwargs["sources"] = tuple(SourceClaim.from_dict(s) for s in json.loads(row["sources"] or "[]"))
    kwargs["summary"] = row.get("summary") or ""
    kwargs["evidence"] = tuple(
        Evidence.from_dict(e) for e in json.loads(row.get("evidence") or "[]")
    )
    return Report(**kwargs)


def member_of_row(row: dict[str, Any]) -> IncidentMember:
    """The incident member (report plus its article's metadata) of a report row."""
    return IncidentMember(
        report_id=row["report_id"],
        article_id=row["article_id"],
        outlet=row.get("outlet"),
        url=row.get("url"),
        published=row.get("published"),
        language=row.get("language"),
        report=row_to_report(row),
    )


# --- articles -----------------------------------------------------------------


def article_row(article: Article, extraction: Extraction) -> dict[str, Any]:
    """The flat row of one article, with what extraction said about it as a whole."""
    return {
        "article_id": article.article_id,
        "article_hash": article.id,
        "external_id": article.external_id,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "language": article.language,
        "title": article.title,
        "origin": article.origin,
        "text": article.text,
        "extraction_id": extraction.id,
        "extraction_language": extraction.language,
        "framing": dumps(extraction.framing.to_dict()),
        "framing_score": float(extraction.framing.score),
        "n_events": len(extraction.events),
    }


def row_to_article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["article_hash"],
        text=row["text"],
        external_id=row.get("external_id"),
        url=row.get("url"),
        outlet=row.get("outlet"),
        published=row.get("published"),
        language=row.get("language"),
        title=row.get("title"),
        origin=row.get("origin"),
    )


def row_to_extraction(row: dict[str, Any], reports: Sequence[Report]) -> Extraction:
    """The Extraction of an article row, given its reports in event order."""
    return Extraction(
        id=row["extraction_id"],
        language=row.get("extraction_language"),
        events=tuple(reports),
        framing=Framing.from_dict(json.loads(row.get("framing") or "{}")),
    )


# --- incidents ----------------------------------------------------------------


def _incident_dict(incident: Incident) -> dict[str, Any]:
    """``Incident.to_dict`` with the sources' offsets kept (lossless)."""
    d = incident.to_dict()
    d["sources"] = _sources(incident.record.sources)
    for member_dict, member in zip(d["reports"], incident.members, strict=True):
        member_dict["report"] = {
            **member.report.to_dict(),
            "sources": _sources(member.report.sources),
        }
    return d


def incident_row(incident: Incident) -> dict[str, Any]:
    """The flat row of one incident: reconciled fields, grade, members, full JSON."""
    row: dict[str, Any] = {"incident_id": incident.incident_id}
    row.update(_event_fields(incident.record))
    row["grade"] = incident.grade
    row["grade_reason"] = incident.grade_reason
    row["origins"] = incident.origins
    row["n_reports"] = len(incident.members)
    row["outlets"] = list(incident.outlets)
    row["article_ids"] = list(dict.fromkeys(m.article_id for m in incident.members))
    row["report_ids"] = [m.report_id for m in incident.members]
    row["incident"] = dumps(_incident_dict(incident))
    return row


def row_to_incident(row: dict[str, Any]) -> Incident:
    return Incident.from_dict(json.loads(row["incident"]))


# --- rejects ------------------------------------------------------------------


def reject_row(reject: Reject) -> dict[str, Any]:
    return reject.to_dict()


def row_to_reject(row: dict[str, Any]) -> Reject:
    return Reject(
        origin=row["origin"],
        reason=row["reason"],
        detail=row["detail"],
        external_id=row.get("external_id"),
    )
