"""Incidents v1: decide whether a new report describes an incident already known.

A report joins an incident when the event families agree, the sub-event
types are compatible, the dates fall within a few days, the places are
close (or share an admin1 when one is vague) and the actors do not
contradict each other. Otherwise it starts a new incident.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from corroborate.model import Incident, IncidentMember, Report
from corroborate.resolve.syndication import near_duplicate

__all__ = ["MatchConfig", "MatchResult", "best_match", "distance_km", "report_date"]

_FAMILY = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "demonstration",
    "Riots": "demonstration",
    "Strategic developments": "strategic",
}
_UNIDENTIFIED = ("Unidentified", "Unknown")


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Thresholds of the v1 matcher."""

    max_days: int = 3
    max_km: float = 60.0
    vague_km: float = 250.0  # when either place is only a region (geo_precision 3)
    min_score: float = 0.5


@dataclass(frozen=True, slots=True)
class MatchResult:
    incident: Incident
    score: float
    reason: str


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def report_date(member: IncidentMember) -> dt.date | None:
    """The event date, else the publication date (a report is about recent events)."""
    iso = member.report.event_date or member.published
    if not iso:
        return None
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def best_match(
    member: IncidentMember,
    candidates: Iterable[Incident],
    *,
    config: MatchConfig | None = None,
) -> MatchResult | None:
    """The candidate incident the member fits best, or None."""
    cfg = config or MatchConfig()
    best: MatchResult | None = None
    for incident in candidates:
        scored = _score(member, incident, cfg)
        if scored is None:
            continue
        score, reason = scored
        if score >= cfg.min_score and (best is None or score > best.score):
            best = MatchResult(incident, score, reason)
    return best


def _score(
    member: IncidentMember, incident: Incident, cfg: MatchConfig
) -> tuple[float, str] | None:
    r, rec = member.report, incident.record
    if _FAMILY.get(r.event_type) != _FAMILY.get(rec.event_type):
        return None
    if r.event_type == "Strategic developments" and r.sub_event_type != rec.sub_event_type:
        return None
    reasons: list[str] = []
    score = 0.3 if r.sub_event_type == rec.sub_event_type else 0.1
    reasons.append(f"type {r.sub_event_type} ~ {rec.sub_event_type}")
    # Date: every member of the incident must be within the window. A report
    # with no date at all (undated event, unknown publication) joins only
    # incidents that are undated too: nothing says it is the same day.
    d = report_date(member)
    dated_members = [m for m in incident.members if report_date(m) is not None]
    if (d is None) != (not dated_members):
        return None
    gaps = [
        abs((d - md).days)
        for m in incident.members
        if d is not None and (md := report_date(m)) is not None
    ]
    if gaps and max(gaps) > cfg.max_days:
        return None
    if gaps:
        score += 0.2 * (1 - min(gaps) / (cfg.max_days + 1))
        reasons.append(f"{min(gaps)} day(s) apart")
    # Place: close to the incident's place, and to every member's (no chaining:
    # A~B and B~C must not pull in a C far from A).
    place = _place_score(r, rec, cfg)
    if place is None:
        return None
    for m in incident.members:
        if _place_score(r, m.report, cfg) is None:
            return None
    score += place[0]
    reasons.append(place[1])
    # A syndicated copy of a member's text is strong evidence of the same event.
    if any(
        near_duplicate(member.fingerprint, m.fingerprint)
        and m.report.sub_event_type == r.sub_event_type
        for m in incident.members
    ):
        score += 0.3
        reasons.append("near-duplicate text of a member")
    # Actors must not contradict each other.
    actors = _actor_score(r, rec)
    if actors is None:
        return None
    score += actors
    return score, "; ".join(reasons)


def _place_score(r: Report, rec: Report, cfg: MatchConfig) -> tuple[float, str] | None:
    # Border events are often filed under either neighbour: different
    # countries match only when the places are close.
    if r.country and rec.country and r.country != rec.country and not _close(r, rec, cfg.max_km):
        return None
    if r.latitude is not None and rec.latitude is not None:
        assert r.longitude is not None and rec.longitude is not None
        km = distance_km(r.latitude, r.longitude, rec.latitude, rec.longitude)
        vague = (r.geo_precision or 3) >= 3 or (rec.geo_precision or 3) >= 3
        limit = cfg.vague_km if vague else cfg.max_km
        if km > limit and not (vague and r.admin1 and r.admin1 == rec.admin1):
            return None
        return 0.3 * (1 - min(km, limit) / limit) + 0.1, f"{km:.0f} km apart"
    if r.admin1 and rec.admin1:
        return (0.25, "same admin1") if r.admin1 == rec.admin1 else None
    if r.country and rec.country and r.country == rec.country:
        return 0.05, "same country, place unknown"
    return 0.0, "place unknown"


def _close(r: Report, rec: Report, km: float) -> bool:
    if r.latitude is None or rec.latitude is None:
        return False
    assert r.longitude is not None and rec.longitude is not None
    return distance_km(r.latitude, r.longitude, rec.latitude, rec.longitude) <= km


def _actor_score(r: Report, rec: Report) -> float | None:
    a, b = r.actor1, rec.actor1
    if not a or not b or a.startswith(_UNIDENTIFIED) or b.startswith(_UNIDENTIFIED):
        return 0.05
    if a == b:
        return 0.2
    if r.inter1 is not None and r.inter1 == rec.inter1:
        return 0.1
    # Different named perpetrators: allow only when one side names the other's target.
    if a in (rec.actor2,) or b in (r.actor2,):
        return 0.05
    return None
