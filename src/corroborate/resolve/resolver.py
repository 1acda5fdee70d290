"""The incremental resolver: attach each new report to an incident or start one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from corroborate.model import Incident, IncidentMember, utc_now
from corroborate.resolve.decisions import Constraints, apply_overrides
from corroborate.resolve.matcher import MatchConfig, best_match, family_types, report_when
from corroborate.resolve.reconcile import reconcile
from corroborate.store.base import NearBlock

__all__ = ["Placement", "Resolver"]


class IncidentSource(Protocol):
    """What the resolver needs from a store (passed in, never imported)."""

    def candidate_incidents(
        self,
        *,
        date_from: str | None,
        date_to: str | None,
        country: str | None,
        event_types: Sequence[str] | None = None,
        near: NearBlock | None = None,
    ) -> list[Incident]: ...

    def incident_of_report(self, report_id: str) -> Incident | None: ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a report went: the incident after the change, and why."""

    incident: Incident
    created: bool
    reason: str


def _now() -> str:
    return utc_now()


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

    def place(
        self,
        member: IncidentMember,
        *,
        source: IncidentSource,
        constraints: Constraints | None = None,
    ) -> Placement:
        """Attach ``member`` to the best-matching incident, or start one.

        ``constraints`` (analysts' decisions) come first: an incident holding
        a report the member must share an incident with takes it whatever
        the match score; an incident holding a report it must be kept apart
        from is never considered.
        """
        rules = constraints or Constraints()
        when = report_when(member, self.config)
        slack = dt.timedelta(days=self.config.max_days + 1)
        r = member.report
        near = (
            NearBlock(r.latitude, r.longitude, self.config.vague_km, r.admin1, r.country)
            if r.latitude is not None and r.longitude is not None
            else None
        )
        candidates = source.candidate_incidents(
            date_from=(when.lo - slack).isoformat() if when else None,
            date_to=(when.hi + slack).isoformat() if when else None,
            country=None,
            event_types=family_types(r.event_type),
            near=near,
        )
        candidates = [
            c for c in candidates if all(m.report_id != member.report_id for m in c.members)
        ]
        now = self._clock()
        forced = next((c for c in candidates if rules.must_join(member.report_id, c)), None)
        for partner in rules.partners(member.report_id) if forced is None else ():
            linked = source.incident_of_report(partner)
            if linked is not None:
                forced = linked
                break
        if forced is not None:
            old, why = forced, f"joined {forced.incident_id}: an analyst merged these reports"
        else:
            candidates = [c for c in candidates if rules.may_join(member.report_id, c)]
            match = best_match(member, candidates, config=self.config)
            if match is None:
                incident = reconcile([member], created=now, updated=now)
                incident = apply_overrides(incident, rules.edits_for(incident))
                return Placement(incident, True, "no matching incident")
            old, why = match.incident, f"matched {match.incident.incident_id}: {match.reason}"
        incident = reconcile(
            [*old.members, member],
            incident_id=old.incident_id,
            created=old.created,
            updated=now,
        )
        incident = apply_overrides(incident, rules.edits_for(incident))
        return Placement(incident, False, why)
