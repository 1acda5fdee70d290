"""Reconciling the reports of one incident into one record.

Each field takes the value the reports support best (the most precise
date and place, the most cited type and actors); figures become a range
across reports (low = lowest, high = highest, best = the conservative
figure), every member keeps its own claim.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import TypeVar

from corroborate.extract.summary import summary_of
from corroborate.model import Figures, Incident, IncidentMember, Report, SourceClaim
from corroborate.resolve.outlets import Outlet, OutletRegistry, default_registry
from corroborate.resolve.syndication import near_duplicate

__all__ = [
    "GRADES",
    "count_origins",
    "grade",
    "incident_id_for",
    "one_side",
    "origin_groups",
    "reconcile",
]

T = TypeVar("T")
_NORM = re.compile(r"[^a-z0-9\u0600-\u06ff]+")


def incident_id_for(first_report_id: str) -> str:
    """A stable id: derived from the first report that created the incident."""
    return "inc-" + hashlib.sha256(first_report_id.encode()).hexdigest()[:12]


def _norm(name: str) -> str:
    return _NORM.sub(" ", name.lower()).strip()


def _vote(values: Sequence[T | None], *, key: Callable[[T], object] | None = None) -> T | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    counts = Counter(present)
    return max(present, key=lambda v: (counts[v], -present.index(v)))


@cache
def _toll_update() -> re.Pattern[str]:
    data = json.loads(
        (resources.files("corroborate.resolve") / "data" / "tolls.json").read_text("utf-8")
    )
    return re.compile("|".join(f"(?:{p})" for p in data["update_patterns"]), re.IGNORECASE)


def _updated_toll(members: Sequence[IncidentMember]) -> int | None:
    """The latest report's figure when it says the toll was updated ("rose to 7")."""
    rx = _toll_update()
    updates = [
        m
        for m in members
        if m.report.fatalities.best is not None
        and any(rx.search(e.text) for e in m.report.evidence_for("fatalities"))
    ]
    if not updates:
        return None
    latest = max(updates, key=lambda m: (m.published or "", m.report_id))
    return latest.report.fatalities.best


def _figures(figs: Sequence[Figures]) -> Figures:
    known = [f for f in figs if f.known]
    if not known:
        return Figures()
    lows = [f.low if f.low is not None else f.best for f in known]
    bests = [f.best for f in known if f.best is not None]
    highs = [f.high if f.high is not None else f.best for f in known]
    low = min((x for x in lows if x is not None), default=None)
    high = max((x for x in highs if x is not None), default=None)
    best = min(bests) if bests else None
    return Figures(low=low, best=best, high=high)


#: Source kinds that name an original report of their own (a newspaper, an
#: agency); other attributions ("local sources", "witnesses") are the
#: outlet's own reporting.
ORIGIN_KINDS = frozenset({"newspaper", "agency", "outlet", "tv", "radio", "website", "ngo"})


def _origin_key(m: IncidentMember, registry: OutletRegistry) -> tuple[str, Outlet | None]:
    """The name of a report's original, and that original when the registry knows it."""
    named = [
        s
        for s in m.report.sources
        if s.relation != "published" and s.kind in ORIGIN_KINDS and s.name[:1].isupper()
    ]
    if named:
        hit = registry.lookup(named[0].name)
        return (_norm(hit.name) if hit else _norm(named[0].name)), hit
    if m.outlet:
        hit = registry.origin_of(m.outlet)
        return (_norm(hit.name) if hit else _norm(m.outlet)), hit
    return m.article_id, None


def origin_groups(
    members: Sequence[IncidentMember], registry: OutletRegistry | None = None
) -> list[tuple[list[IncidentMember], Outlet | None]]:
    """The members grouped by independent origin, with each origin's registered outlet.

    A report's origin is the first named original it cites (e.g. "according
    to the newspaper Zahret Chinguetti"), else the agency its outlet label
    names ("Business Recorder (Reuters)"), else its outlet, else the
    article; syndicated copies (near-duplicate texts) share one origin
    whatever their outlets.
    """
    reg = registry or default_registry()
    keyed = [_origin_key(m, reg) for m in members]
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if keyed[i][0] == keyed[j][0] or near_duplicate(
                members[i].fingerprint, members[j].fingerprint
            ):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[IncidentMember], Outlet | None]] = {}
    for i, m in enumerate(members):
        group, outlet = groups.setdefault(find(i), ([], None))
        group.append(m)
        if outlet is None and keyed[i][1] is not None:
            groups[find(i)] = (group, keyed[i][1])
    return list(groups.values())


def count_origins(members: Sequence[IncidentMember], registry: OutletRegistry | None = None) -> int:
    """How many independent origins the members have (see :func:`origin_groups`)."""
    return len(origin_groups(members, registry))


def one_side(groups: Sequence[tuple[list[IncidentMember], Outlet | None]]) -> str | None:
    """The country whose state-affiliated media are every origin, if so."""
    outlets = [o for _, o in groups]
    if len(outlets) < 2 or any(o is None or not o.state_affiliated for o in outlets):
        return None
    countries = {o.country for o in outlets if o is not None}
    if len(countries) == 1:
        return next(iter(countries))
    return None


GRADES = ("Confirmed", "Fair", "Weak", "Contested", "Discounted")


def _named(actor: str | None) -> bool:
    return bool(actor) and not str(actor).startswith(("Unidentified", "Unknown"))


def grade(
    record: Report,
    origins: int,
    members: Sequence[IncidentMember] = (),
    *,
    side: str | None = None,
) -> tuple[str, str]:
    """The incident's grade after Airwars, with its reason.

    Discounted: a report refutes or retracts it. Confirmed: a party claimed
    or acknowledged it. Contested: reports attribute it to different parties,
    or the accused denies it. Fair: two or more independent origins and a
    plausible (named) actor. Weak: otherwise (e.g. a single origin).
    """

    def said(field: str) -> list[tuple[IncidentMember, str]]:
        return [(m, e.text) for m in members for e in m.report.evidence_for(field)]

    def who(m: IncidentMember) -> str:
        return m.outlet or m.article_id

    refuted = said("refutation")
    if refuted:
        m, quote = refuted[0]
        return "Discounted", f"refuted or retracted per {who(m)}: \u201c{quote}\u201d"
    claimed = said("claim_of_responsibility")
    if claimed:
        m, quote = claimed[0]
        return (
            "Confirmed",
            f"responsibility claimed or acknowledged per {who(m)}: \u201c{quote}\u201d",
        )
    blamed: dict[str, str] = {}
    one_sided = record.event_type in {"Explosions/Remote violence", "Violence against civilians"}
    for m in members if one_sided else ():
        if _named(m.report.actor1) and m.report.inter1 in (1, 2, 3, 4, 8):
            blamed.setdefault(str(m.report.actor1), who(m))
    if len(blamed) >= 2:
        parts = "; ".join(f"{a} per {o}" for a, o in blamed.items())
        return "Contested", f"competing attributions: {parts}"
    denied = said("denial")
    if denied and blamed:
        m, quote = denied[0]
        return (
            "Contested",
            f"attributed to {next(iter(blamed))} but denied per {who(m)}: \u201c{quote}\u201d",
        )
    if origins >= 2 and side is not None:
        return (
            "Weak",
            f"{origins} origins, but all are state-affiliated media of {side}: one side only",
        )
    if origins >= 2 and _named(record.actor1):
        return "Fair", f"{origins} independent origins and a named actor"
    if origins >= 2:
        return "Weak", f"{origins} independent origins but no identified actor"
    return "Weak", "a single origin"


def reconcile(
    members: Sequence[IncidentMember],
    *,
    incident_id: str | None = None,
    created: str | None = None,
    updated: str | None = None,
    registry: OutletRegistry | None = None,
) -> Incident:
    """Build the incident record from its member reports.

    ``registry`` is the outlet registry (default: :func:`default_registry`).
    """
    if not members:
        raise ValueError("an incident needs at least one report")
    reports = [m.report for m in members]
    sub = _vote([r.sub_event_type for r in reports])
    assert sub is not None
    event_type = next(r.event_type for r in reports if r.sub_event_type == sub)
    # Date: the most precise; among equals, the earliest.
    dated = [r for r in reports if r.event_date]
    if dated:
        prec = min(r.time_precision or 3 for r in dated)
        event_date: str | None = min(
            r.event_date for r in dated if r.event_date and (r.time_precision or 3) == prec
        )
        time_precision: int | None = prec
    else:
        event_date, time_precision = None, None
    # Place: the most precise report that has coordinates, most common among equals.
    placed = [r for r in reports if r.country]
    place = _best_place(placed)
    a1 = _vote([r.actor1 for r in reports if r.actor1 and not r.actor1.startswith("Unident")])
    a1 = a1 or _vote([r.actor1 for r in reports])
    a1r = next((r for r in reports if r.actor1 == a1), None)
    a2 = _vote([r.actor2 for r in reports if r.actor2 != a1])
    a2r = next((r for r in reports if r.actor2 == a2), None)
    sources: dict[str, SourceClaim] = {}
    for m in members:
        for s in m.report.sources:
            sources.setdefault(_norm(s.name), s)
    fatalities = _figures([r.fatalities for r in reports])
    toll = _updated_toll(members)
    if toll is not None and fatalities.best is not None and toll > fatalities.best:
        fatalities = Figures(low=fatalities.low, best=toll, high=max(fatalities.high or 0, toll))
    injuries = _figures([r.injuries for r in reports])
    civ = _figures([r.civilian_fatalities for r in reports])
    record = Report(
        event_type=event_type,
        sub_event_type=sub,
        event_date=event_date,
        time_precision=time_precision,
        actor1=a1,
        inter1=a1r.inter1 if a1r else None,
        actor1_country=a1r.actor1_country if a1r else None,
        actor2=a2,
        inter2=a2r.inter2 if a2r else None,
        actor2_country=a2r.actor2_country if a2r else None,
        civilian_targeting=any(r.civilian_targeting for r in reports),
        country=place.country if place else None,
        admin1=place.admin1 if place else None,
        location=place.location if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        geo_precision=place.geo_precision if place else None,
        fatalities=fatalities,
        civilian_fatalities=civ,
        injuries=injuries,
        sources=tuple(sources.values()),
    )
    summary = summary_of(record)
    record = record.with_(summary=summary)
    groups = origin_groups(members, registry)
    origins = len(groups)
    g, why = grade(record, origins, members, side=one_side(groups))
    return Incident(
        incident_id=incident_id or incident_id_for(members[0].report_id),
        record=record,
        members=tuple(members),
        origins=origins,
        grade=g,
        grade_reason=why,
        created=created,
        updated=updated,
    )


def _best_place(reports: Sequence[Report]) -> Report | None:
    if not reports:
        return None
    prec = min(r.geo_precision or 3 for r in reports)
    best = [r for r in reports if (r.geo_precision or 3) == prec]
    names = Counter((r.location, r.admin1, r.country) for r in best)
    return max(
        best, key=lambda r: (names[(r.location, r.admin1, r.country)], r.latitude is not None)
    )
