"""Incidents v1: decide whether a new report describes an incident already known.

A report joins an incident when the event families agree, the sub-event
types are compatible, the dates fall within a few days, the places are
close (or share an admin1 when one is vague) and the actors do not
contradict each other. Otherwise it starts a new incident.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corroborate.model import Incident, IncidentMember, Report
from corroborate.resolve.syndication import detail_overlap, near_duplicate

__all__ = [
    "MatchConfig",
    "MatchResult",
    "When",
    "best_match",
    "distance_km",
    "family_types",
    "report_date",
    "report_when",
]

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
    """Thresholds of the matcher."""

    #: Days two reports may lie apart when either date is inexact.
    max_days: int = 3
    #: Kilometres between two precisely placed reports of one event.
    max_km: float = 25.0
    #: Within this many kilometres two precise places count as the same place.
    same_km: float = 5.0
    #: When either place is only a region (geo_precision 3).
    vague_km: float = 250.0
    #: A report without an event date is about the days before its publication.
    lookback_days: int = 7
    #: Shared names and numbers (keyword overlap) that stand in for an exact match.
    detail_needed: float = 0.5
    #: Shared details that bridge a day's difference between two given dates.
    detail_sure: float = 0.75
    #: Below this overlap, same-language reports with several details each differ.
    detail_conflict: float = 0.2
    #: Only reports naming at most this many details (short reports, whose
    #: details are the event's) can conflict on them.
    detail_short: int = 6
    #: ... and only when both name at least this many.
    detail_names: int = 1
    min_score: float = 0.5


@dataclass(frozen=True, slots=True)
class MatchResult:
    incident: Incident
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class When:
    """The days an event may have taken place, and whether a text pinned the day."""

    lo: dt.date
    hi: dt.date
    exact: bool

    def gap(self, other: When) -> int:
        """Days between the two spans (0 when they overlap)."""
        return max(0, (self.lo - other.hi).days, (other.lo - self.hi).days)


def family_types(event_type: str | None) -> tuple[str, ...] | None:
    """The event types a report of ``event_type`` may share an incident with."""
    family = _FAMILY.get(event_type or "")
    if family is None:
        return None
    return tuple(t for t, f in _FAMILY.items() if f == family)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _parse_day(iso: str) -> tuple[dt.date, dt.date] | None:
    """A date (``YYYY-MM-DD``, a timestamp, or a month ``YYYY-MM``) as a span of days."""
    iso = iso.strip()
    try:
        if len(iso) == 7:
            first = dt.date.fromisoformat(iso + "-01")
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, last - dt.timedelta(days=1)
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return day, day


def report_when(member: IncidentMember, config: MatchConfig | None = None) -> When | None:
    """When the member's event happened, as far as its report and article tell."""
    cfg = config or MatchConfig()
    r = member.report
    if r.event_date:
        span = _parse_day(r.event_date)
        if span is not None:
            lo, hi = span
            precision = r.time_precision or 1
            if precision == 2:
                return When(lo - dt.timedelta(days=3), hi + dt.timedelta(days=3), False)
            if precision >= 3:
                first = lo.replace(day=1)
                month = _parse_day(first.isoformat()[:7])
                assert month is not None
                return When(month[0], month[1], False)
            return When(lo, hi, lo == hi and bool(r.evidence_for("event_date")))
    if member.published:
        span = _parse_day(member.published)
        if span is not None:
            return When(span[0] - dt.timedelta(days=cfg.lookback_days), span[1], False)
    return None


def report_date(member: IncidentMember) -> dt.date | None:
    """The event date, else the publication date (a report is about recent events)."""
    when = report_when(member)
    if when is None:
        return None
    return when.lo if when.exact or member.report.event_date else when.hi


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
    # Text: a syndicated copy, or the same names and numbers, is strong evidence.
    # (Template texts, such as a wire's daily round-up, are near-copies too:
    # a copy must not name details the other lacks entirely.)
    copy = any(
        near_duplicate(member.fingerprint, m.fingerprint)
        and m.report.sub_event_type == r.sub_event_type
        and not (m.keywords and member.keywords and not set(m.keywords) & set(member.keywords))
        for m in incident.members
    )
    overlaps = [
        o
        for m in incident.members
        if (o := detail_overlap(member.keywords, m.keywords)) is not None
    ]
    detail = max(overlaps, default=None)
    strong_text = copy or (detail is not None and detail >= cfg.detail_needed)
    # Reports in one language whose details differ describe different events.
    if not copy and any(
        m.language == member.language and _details_conflict(member.keywords, m.keywords, cfg)
        for m in incident.members
    ):
        return None
    # Tolls that differ several-fold, without shared details, are two events
    # (reports of one event disagree too, but within a range).
    if not strong_text and _tolls_conflict(r, incident):
        return None
    if copy:
        score += 0.3
        reasons.append("near-duplicate text of a member")
    elif detail is not None:
        score += 0.2 * detail
        reasons.append(f"{detail:.0%} shared names and numbers")
    # Dates: within reach of every member (no chaining through a vague one).
    when = report_when(member, cfg)
    whens = [report_when(m, cfg) for m in incident.members]
    unknown_dates = False
    if when is None or any(w is None for w in whens):
        # Nothing says it is the same day: only a copy, the same details, or
        # (when no report has a date at all) the same precise place will do.
        both_unknown = when is None and all(w is None for w in whens)
        sure = copy or (detail is not None and detail >= cfg.detail_sure)
        if not (sure or both_unknown):
            return None
        unknown_dates = not sure
        reasons.append("date unknown")
        exact_same_day = False
    else:
        gaps: list[int] = []
        for w in whens:
            assert w is not None
            tolerance = 0 if (when.exact and w.exact) else cfg.max_days
            if copy or (detail is not None and detail >= cfg.detail_sure):
                tolerance += 1  # reported a day apart, with the same details
            gap = when.gap(w)
            if gap > tolerance:
                return None
            gaps.append(gap)
        exact_same_day = when.exact and all(w is not None and w.exact for w in whens)
        score += 0.2 * (1 - min(gaps) / (cfg.max_days + 2))
        reasons.append(f"{min(gaps)} day(s) apart" + (" (dates given)" if exact_same_day else ""))
    # Place: close to the incident's place and to every member's.
    place = _place(r, rec, cfg)
    if place is None:
        return None
    kinds = [_place(r, m.report, cfg) for m in incident.members]
    if any(k is None for k in kinds):
        return None
    score += place[0]
    reasons.append(place[1])
    same_place = place[2] == "same" and all(k is not None and k[2] == "same" for k in kinds)
    # Look-alike events of one area and day are common: when both reports pin
    # the day and the places are not one precise place, they must share details.
    if exact_same_day and not (strong_text or same_place or _agree(member, incident)):
        return None
    if unknown_dates and not same_place:
        return None
    # A report that gives no date of its own is placed only by its
    # publication: it must share something more than the area.
    undated = not r.event_date or any(not m.report.event_date for m in incident.members)
    if undated and not (strong_text or same_place or _agree(member, incident, by_type=False)):
        return None
    if r.sub_event_type != rec.sub_event_type and not (strong_text or same_place):
        return None  # outlets disagree on the kind of event only about one place
    if place[2] == "near" and not strong_text:
        return None  # two precise places some kilometres apart: two events, unless texts agree
    # Actors must not contradict each other, unless everything else says one
    # event: then the reports attribute it differently (the grade says so).
    actors = _actor_score(r, rec)
    if actors is None:
        one_event = same_place and exact_same_day
        if not (
            strong_text
            or (one_event and _same_toll(r, rec))
            or (one_event and r.sub_event_type == rec.sub_event_type)
        ):
            return None
        actors = 0.0
        reasons.append("different perpetrators named")
    score += actors
    return score, "; ".join(reasons)


def _place(r: Report, rec: Report, cfg: MatchConfig) -> tuple[float, str, str] | None:
    """(score, reason, kind) with kind "same", "near" or "vague"; None when incompatible."""
    # Border events are often filed under either neighbour: different
    # countries match only when the places are close.
    if r.country and rec.country and r.country != rec.country and not _close(r, rec, cfg.max_km):
        return None
    vague = (r.geo_precision or 3) >= 3 or (rec.geo_precision or 3) >= 3
    if r.latitude is not None and rec.latitude is not None:
        assert r.longitude is not None and rec.longitude is not None
        km = distance_km(r.latitude, r.longitude, rec.latitude, rec.longitude)
        if vague:
            whole_country = _country_level(r) or _country_level(rec)
            if whole_country and r.country == rec.country:
                return 0.1, "same country (one report names only the country)", "vague"
            if km > cfg.vague_km and not (r.admin1 and r.admin1 == rec.admin1):
                return None
            if r.admin1 and rec.admin1 and r.admin1 != rec.admin1 and km > cfg.max_km:
                return None  # a region holds only its own places
            return (
                0.3 * (1 - min(km, cfg.vague_km) / cfg.vague_km) + 0.1,
                f"{km:.0f} km apart (vague)",
                "vague",
            )
        if km > cfg.max_km:
            return None
        named_same = (
            bool(r.location) and (r.location or "").casefold() == (rec.location or "").casefold()
        )
        kind = "same" if km <= cfg.same_km or named_same else "near"
        return 0.4 * (1 - km / cfg.max_km) + 0.1, f"{km:.0f} km apart", kind
    if r.admin1 and rec.admin1:
        return (0.25, "same admin1", "vague") if r.admin1 == rec.admin1 else None
    if r.country and rec.country and r.country == rec.country:
        return 0.05, "same country, place unknown", "vague"
    return 0.0, "place unknown", "vague"


def _same_toll(r: Report, rec: Report) -> bool:
    """The same number of dead, or of wounded (more than one), in both."""
    return any(
        f is not None and f > 1 and f == getattr(rec, name).best
        for name in ("fatalities", "injuries")
        if (f := getattr(r, name).best) is not None
    )


def _agree(member: IncidentMember, incident: Incident, *, by_type: bool = True) -> bool:
    """A shared name, and the same toll, the same named perpetrator or (``by_type``)
    the same sub-event type."""
    if not _shares_a_name(member, incident):
        return False
    r, rec = member.report, incident.record
    named = bool(r.actor1) and not str(r.actor1).startswith(_UNIDENTIFIED)
    return (
        _same_toll(r, rec)
        or (named and r.actor1 == rec.actor1)
        or (by_type and r.sub_event_type == rec.sub_event_type)
    )


def _shares_a_name(member: IncidentMember, incident: Incident) -> bool:
    """Whether the member names a detail (not a number) that every member names too."""
    mine = {k for k in member.keywords if not k.isdigit()}
    return bool(mine) and all(mine & set(m.keywords) for m in incident.members)


def _details_conflict(a: Sequence[str], b: Sequence[str], cfg: MatchConfig) -> bool:
    """Both name details, and (nearly) none of them are the same."""
    if not a or not b or max(len(a), len(b)) > cfg.detail_short:
        return False  # a long article names background details: no conflict to see
    # Names only: outlets give different figures for one event.
    na, nb = {k for k in a if not k.isdigit()}, {k for k in b if not k.isdigit()}
    if min(len(na), len(nb)) < cfg.detail_names:
        return False
    shared = len(na & nb)
    return not shared or (
        min(len(na), len(nb)) >= 3 and shared / min(len(na), len(nb)) < cfg.detail_conflict
    )


def _tolls_conflict(r: Report, incident: Incident) -> bool:
    a = r.fatalities.best
    if not a:
        return False
    for m in incident.members:
        b = m.report.fatalities.best
        if b and max(a, b) >= 2 * min(a, b) and abs(a - b) >= 3:
            return True
    return False


def _country_level(r: Report) -> bool:
    """A report placed only at its country (no region, or the country's own name)."""
    return (r.geo_precision or 3) >= 3 and (not r.admin1 or r.location == r.country)


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
