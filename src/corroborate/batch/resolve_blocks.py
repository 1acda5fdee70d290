"""Resolving incidents at scale: blocks, the same matcher inside each, then settling.

The incremental :class:`~corroborate.resolve.Resolver` compares each new
report with every incident of a date window. Over a year of news that is
too much work for one process, so batch resolution cuts the reports into
*blocks* that can be resolved independently, in parallel:

- **key**: the event family (violence / demonstrations / one strategic
  sub-event type: the matcher never joins across them) × the country ×
  a date *bucket* of ``bucket_days`` days (by the report's date: its event
  date, else its publication date, as the matcher uses). Undated reports
  (no event date and no publication date) match only undated ones, so
  they form one block per family × country × admin1.
- **neighbouring buckets**: an incident spans at most ``max_days`` days
  (the matcher requires every member within ``max_days`` of each other),
  so a block also takes, as its *tail*, the reports of the first
  ``max_days`` days of the next bucket. ``bucket_days >= max_days`` keeps
  every report in at most two blocks, and the work near-linear.
- **inside a block**: reports in date order, each compared with the
  block's incidents still open (first member at most ``max_days`` before
  it) by :func:`~corroborate.resolve.best_match`, then joined to the best
  one or starting its own, every incident rebuilt by
  :func:`~corroborate.resolve.reconcile`, exactly as the resolver does.
  A block keeps the incidents that one of its own reports started.
- **settling**: a report in a block's tail that joined an incident kept
  there belongs to that incident; otherwise it belongs to the incident it
  has in its own block. Each report ends in exactly one incident, whose id
  is :func:`~corroborate.resolve.incident_id_for` its first member.

Everything is a pure function of the report rows (no clock, no order of
arrival), so both engines and any partitioning give the same incidents.
Two things the incremental resolver can do that blocks cannot: join a
report to an incident filed under another country (border events within
``max_km``) or to one whose country is unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from corroborate.batch.flatten import incident_row, member_of_row
from corroborate.errors import ConfigError
from corroborate.model import Incident, IncidentMember, Report
from corroborate.resolve import MatchConfig, best_match, incident_id_for, reconcile
from corroborate.resolve.matcher import report_date

__all__ = [
    "BlockConfig",
    "BlockKey",
    "Claim",
    "block_entries",
    "family_of",
    "finalize",
    "resolve_all",
    "resolve_block",
    "settle",
]

#: (family, country, bucket); bucket None: undated, and then the country
#: key also carries the admin1 ("country|admin1").
BlockKey = tuple[str, str, int | None]

#: One report's place in a kept incident: (home, incident key, order, report row).
#: ``home`` is False when the report came to the block as its tail.
Claim = tuple[bool, str, tuple[str, str, str], dict[str, Any]]

_FAMILIES = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "demonstration",
    "Riots": "demonstration",
}


@dataclass(frozen=True, slots=True)
class BlockConfig:
    """The matcher's thresholds and the width of the date buckets."""

    match: MatchConfig = field(default_factory=MatchConfig)
    bucket_days: int = 7

    def __post_init__(self) -> None:
        if self.bucket_days < max(1, self.match.max_days):
            raise ConfigError(
                f"bucket_days ({self.bucket_days}) must be at least the matcher's "
                f"max_days ({self.match.max_days})"
            )


def family_of(event_type: str | None, sub_event_type: str | None) -> str:
    """The block family: reports of different families never match."""
    family = _FAMILIES.get(event_type or "")
    if family is not None:
        return family
    if event_type == "Strategic developments":
        return f"strategic/{sub_event_type or ''}"  # only the same sub-event type matches
    return f"other/{event_type or ''}"


def _date_of(row: dict[str, Any]) -> dt.date | None:
    stub = IncidentMember(
        report_id=row["report_id"],
        article_id=row["article_id"],
        outlet=None,
        url=None,
        published=row.get("published"),
        language=None,
        report=Report(
            event_type=row.get("event_type") or "",
            sub_event_type=row.get("sub_event_type") or "",
            event_date=row.get("event_date"),
        ),
    )
    return report_date(stub)


def _order(row: dict[str, Any]) -> tuple[str, str, str]:
    """The order reports are resolved in: by date, then as they were published."""
    d = _date_of(row)
    return (d.isoformat() if d else "", row.get("published") or "", row["report_id"])


def block_entries(row: dict[str, Any], config: BlockConfig) -> list[tuple[BlockKey, bool]]:
    """The blocks a report row goes to: ``(key, home)``, its own block first."""
    family = family_of(row.get("event_type"), row.get("sub_event_type"))
    country = row.get("country") or ""
    d = _date_of(row)
    if d is None:
        return [((family, f"{country}|{row.get('admin1') or ''}", None), True)]
    day = d.toordinal()
    bucket = day // config.bucket_days
    entries: list[tuple[BlockKey, bool]] = [((family, country, bucket), True)]
    if day - bucket * config.bucket_days < config.match.max_days:
        entries.append(((family, country, bucket - 1), False))
    return entries


@dataclass(slots=True)
class _Open:
    """An incident being built inside one block."""

    record: Incident
    first_day: int | None
    members: list[IncidentMember] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def resolve_block(
    entries: Iterable[tuple[bool, dict[str, Any]]], config: BlockConfig
) -> Iterator[tuple[str, Claim]]:
    """Resolve one block; yield ``(report_id, claim)`` for each member of a kept incident.

    ``entries`` are ``(home, report row)``; the order they come in does not matter.
    """
    ordered = sorted(((_order(row), home, row) for home, row in entries), key=lambda e: e[0])
    max_days = config.match.max_days
    incidents: list[_Open] = []
    open_: list[_Open] = []
    for order, home, row in ordered:
        member = member_of_row(row)
        d = report_date(member)
        day = d.toordinal() if d is not None else None
        if day is not None:  # an incident whose first member is too old can take no one
            open_ = [i for i in open_ if i.first_day is None or day - i.first_day <= max_days]
        match = best_match(member, [i.record for i in open_], config=config.match)
        if match is None:
            inc = _Open(record=reconcile([member]), first_day=day)
            incidents.append(inc)
            open_.append(inc)
        else:
            inc = next(i for i in open_ if i.record is match.incident)
        inc.members.append(member)
        inc.claims.append((home, inc.members[0].report_id, order, row))
        if len(inc.members) > 1:
            inc.record = reconcile(inc.members, incident_id=inc.record.incident_id)
    for inc in incidents:
        if inc.claims[0][0]:  # else started by the next bucket's report: that block keeps it
            for claim in inc.claims:
                yield claim[3]["report_id"], claim


def settle(a: Claim, b: Claim) -> Claim:
    """Of two claims on one report, the one that stands: its previous block's (tail)."""
    if a[0] != b[0]:
        return b if a[0] else a
    return min(a, b, key=lambda c: (c[1], c[2]))  # cannot happen; stay deterministic


def finalize(claims: Iterable[Claim]) -> dict[str, Any]:
    """The incident row of one kept incident, from the claims that stood."""
    ordered = sorted(claims, key=lambda c: c[2])
    members = [member_of_row(c[3]) for c in ordered]
    incident = reconcile(members, incident_id=incident_id_for(members[0].report_id))
    return incident_row(incident)


def resolve_all(rows: Iterable[dict[str, Any]], config: BlockConfig) -> list[dict[str, Any]]:
    """Resolve report rows in one process (the local engine); incident rows by id."""
    blocks: dict[BlockKey, list[tuple[bool, dict[str, Any]]]] = {}
    for row in rows:
        for key, home in block_entries(row, config):
            blocks.setdefault(key, []).append((home, row))
    standing: dict[str, Claim] = {}
    for entries in blocks.values():
        for report_id, claim in resolve_block(entries, config):
            old = standing.get(report_id)
            standing[report_id] = claim if old is None else settle(old, claim)
    groups: dict[str, list[Claim]] = {}
    for claim in standing.values():
        groups.setdefault(claim[1], []).append(claim)
    incidents = [finalize(claims) for claims in groups.values()]
    return sorted(incidents, key=lambda r: str(r["incident_id"]))
