"""Loading a batch output into a store, so that the web dossier, the API and
the exports work on what a batch run found.

Articles (with their extraction), reports, incidents and rejects are
written as ``ingest`` would have written them. An article whose text is
already in the store is skipped with its reports, and the batch incidents
lose those members (an incident left without members is not loaded): the
store's own reports of that text stay where they are. Batch incidents are
not merged with incidents already in the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from corroborate.batch.common import TABLES, table_uri
from corroborate.batch.flatten import (
    arrow_schema,
    row_to_article,
    row_to_extraction,
    row_to_incident,
    row_to_reject,
    row_to_report,
)
from corroborate.batch.io import canonical_uri, is_local
from corroborate.errors import ConfigError
from corroborate.model import Incident
from corroborate.resolve import incident_id_for, reconcile
from corroborate.store.base import Store

__all__ = ["LoadResult", "load_batch", "read_table"]

_CHUNK = 500


@dataclass(slots=True)
class LoadResult:
    """What one load did."""

    articles: int = 0
    duplicates: int = 0
    reports: int = 0
    incidents: int = 0
    incidents_skipped: int = 0
    rejects: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "articles": self.articles,
            "duplicates": self.duplicates,
            "reports": self.reports,
            "incidents": self.incidents,
            "incidents_skipped": self.incidents_skipped,
            "rejects": self.rejects,
        }


def read_table(
    output: str, name: str, *, columns: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The rows of one table of a batch output (written by either engine)."""
    import pyarrow.dataset as pads

    uri = table_uri(output, name)
    source = canonical_uri(uri) if is_local(uri) else uri
    try:
        dataset = pads.dataset(source, format="parquet", schema=arrow_schema(TABLES[name]))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{output} holds no batch output ({name}/ cannot be read: {exc}); "
            "run 'corroborate batch INPUT OUTPUT' first"
        ) from exc
    for batch in dataset.to_batches(columns=columns):
        yield from batch.to_pylist()


def load_batch(output: str, *, store: Store) -> LoadResult:
    """Load OUTPUT/{articles,reports,incidents,rejects}/ into ``store``."""
    result = LoadResult()
    reports: dict[str, list[dict[str, Any]]] = {}
    for row in read_table(output, "reports"):
        reports.setdefault(row["article_hash"], []).append(row)
    loaded: set[str] = set()
    for chunk in _chunks(read_table(output, "articles")):
        with store.transaction():
            for row in chunk:
                article = row_to_article(row)
                if not store.add_article(article):
                    result.duplicates += 1
                    continue
                rows = sorted(reports.get(article.id, []), key=lambda r: int(r["event_index"]))
                extraction = row_to_extraction(row, [row_to_report(r) for r in rows])
                result.reports += len(store.add_extraction(article.id, extraction))
                loaded.add(article.id)
                result.articles += 1
    for chunk in _chunks(read_table(output, "rejects")):
        with store.transaction():
            for row in chunk:
                store.add_reject(row_to_reject(row))
                result.rejects += 1
    for chunk in _chunks(read_table(output, "incidents", columns=["incident"])):
        with store.transaction():
            for row in chunk:
                incident = _kept(row_to_incident(row), loaded)
                if incident is None:
                    result.incidents_skipped += 1
                    continue
                store.save_incident(incident)
                store.log_incident_event(
                    incident.incident_id,
                    action="create",
                    reason="batch",
                    detail={"report_ids": [m.report_id for m in incident.members]},
                )
                result.incidents += 1
    return result


def _kept(incident: Incident, loaded: set[str]) -> Incident | None:
    """The incident with only the members whose article was loaded now."""
    members = [m for m in incident.members if m.report_id.rsplit(":", 1)[0] in loaded]
    if len(members) == len(incident.members):
        return incident
    if not members:
        return None
    return reconcile(members, incident_id=incident_id_for(members[0].report_id))


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
