"""The incremental resolver: attach each new report to an incident or start one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from corroborate.model import Incident, IncidentMember
from corroborate.resolve.matcher import MatchConfig, best_match, report_date
from corroborate.resolve.reconcile import reconcile

__all__ = ["Placement", "Resolver"]


class IncidentSource(Protocol):
    """What the resolver needs from a store (passed in, never imported)."""

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None
    ) -> list[Incident]: ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a report went: the incident after the change, and why."""

    incident: Incident
    created: bool
    reason: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Resolver:
    """Places reports into incidents, one at a time, against a store's candidates."""

    def __init__(
        self,
        *,
        config: MatchConfig | None = None,
        clock: Callable[[], str] = _now,
    ) -> None:
        self.config = config or MatchConfig()
        self._clock = clock

    def place(self, member: IncidentMember, *, source: IncidentSource) -> Placement:
        d = report_date(member)
        window = dt.timedelta(days=self.config.max_days)
        candidates = source.candidate_incidents(
            date_from=(d - window).isoformat() if d else None,
            date_to=(d + window).isoformat() if d else None,
            country=None,
        )
        candidates = [
            c for c in candidates if all(m.report_id != member.report_id for m in c.members)
        ]
        match = best_match(member, candidates, config=self.config)
        now = self._clock()
        if match is None:
            incident = reconcile([member], created=now, updated=now)
            return Placement(incident, True, "no matching incident")
        old = match.incident
        incident = reconcile(
            [*old.members, member],
            incident_id=old.incident_id,
            created=old.created,
            updated=now,
        )
        return Placement(incident, False, f"matched {old.incident_id}: {match.reason}")
