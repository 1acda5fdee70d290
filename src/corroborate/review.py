"""Analysts' review: merge, split, detach, edit and discount incidents; re-cluster; re-extract.

Wiring used by the faces (CLI and web), with every collaborator passed in.
Each manual change is recorded as a :class:`~corroborate.model.Decision`
(who, why, when, on which reports), applied at once, logged in the
incident's history, and honoured by every later clustering:
:func:`recluster` rebuilds all incidents from the stored reports under the
decisions in force, and :func:`reextract` re-runs extraction first.

Incident ids stay stable: after a re-clustering each incident keeps the id
of the previous incident that held most of its reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from corroborate.errors import ReviewError
from corroborate.model import (
    EVENT_TYPES,
    FIGURE_FIELDS,
    Article,
    Decision,
    Incident,
    IncidentMember,
    utc_now,
)
from corroborate.resolve import Resolver, incident_id_for, reconcile
from corroborate.resolve.decisions import EDITABLE_FIELDS, Constraints, apply_overrides
from corroborate.resolve.matcher import report_date
from corroborate.resolve.members import make_member
from corroborate.store.base import Store, StoredReport

__all__ = [
    "ReclusterResult",
    "detach",
    "discount",
    "edit",
    "merge",
    "recluster",
    "reextract",
    "split",
    "undo",
]


class _Extractor(Protocol):
    def extract(self, article: Any) -> Any: ...


def _now() -> str:
    return utc_now()


def _need(store: Store, incident_id: str) -> Incident:
    inc = store.get_incident(incident_id)
    if inc is None:
        raise ReviewError(
            f"no incident {incident_id!r} in this store: list them with corroborate incidents"
        )
    return inc


def _rebuild(
    members: Sequence[IncidentMember],
    *,
    incident_id: str,
    created: str | None,
    now: str,
    rules: Constraints,
    others: Iterable[Incident] = (),
) -> Incident:
    inc = reconcile(members, incident_id=incident_id, created=created, updated=now)
    return apply_overrides(inc, rules.edits_for(inc, others))


def _fresh_id(store: Store, first_report: str, taken: set[str]) -> str:
    iid = incident_id_for(first_report)
    n = 1
    while iid in taken or store.get_incident(iid) is not None:
        iid = incident_id_for(f"{first_report}#{n}")
        n += 1
    return iid


def _decide(store: Store, decision: Decision) -> Decision:
    if not decision.who.strip():
        raise ReviewError("say who decides (--who NAME): every manual change is signed")
    return store.add_decision(decision)


def merge(
    store: Store,
    keep_id: str,
    other_id: str,
    *,
    who: str,
    why: str = "",
    clock: Callable[[], str] = _now,
) -> Incident:
    """Merge ``other_id`` into ``keep_id``; the merged incident keeps ``keep_id``."""
    if keep_id == other_id:
        raise ReviewError("an incident cannot be merged with itself")
    keep, other = _need(store, keep_id), _need(store, other_id)
    ids = tuple(m.report_id for m in (*keep.members, *other.members))
    with store.transaction():
        d = _decide(
            store,
            Decision(kind="merge", incident_id=keep_id, who=who, why=why, report_ids=ids),
        )
        rules = Constraints.of(store.decisions())
        merged = _rebuild(
            [*keep.members, *other.members],
            incident_id=keep_id,
            created=keep.created,
            now=clock(),
            rules=rules,
        )
        store.delete_incident(other_id)
        store.save_incident(merged)
        detail = {"decision": d.id, "who": who, "merged": other_id}
        store.log_incident_event(
            keep_id, action="merge", reason=why or "merged by hand", detail=detail
        )
        store.log_incident_event(
            other_id,
            action="merged-into",
            reason=why or "merged by hand",
            detail={**detail, "into": keep_id},
        )
    return merged


def split(
    store: Store,
    incident_id: str,
    report_ids: Sequence[str],
    *,
    who: str,
    why: str = "",
    clock: Callable[[], str] = _now,
    kind: str = "split",
) -> tuple[Incident, Incident]:
    """Move ``report_ids`` out of the incident into a new one; returns (rest, new)."""
    inc = _need(store, incident_id)
    present = {m.report_id for m in inc.members}
    wanted = list(dict.fromkeys(report_ids))
    unknown = [r for r in wanted if r not in present]
    if unknown:
        raise ReviewError(
            f"{', '.join(unknown)} not in incident {incident_id}: "
            f"its reports are {', '.join(sorted(present))}"
        )
    out = [m for m in inc.members if m.report_id in wanted]
    rest = [m for m in inc.members if m.report_id not in wanted]
    if not out or not rest:
        raise ReviewError("a split needs reports on both sides: name some, not all, of its reports")
    with store.transaction():
        d = _decide(
            store,
            Decision(
                kind=kind,
                incident_id=incident_id,
                who=who,
                why=why,
                report_ids=tuple(m.report_id for m in out),
                other_ids=tuple(m.report_id for m in rest),
            ),
        )
        rules = Constraints.of(store.decisions())
        now = clock()
        new_id = _fresh_id(store, out[0].report_id, {incident_id})
        kept = _rebuild(rest, incident_id=incident_id, created=inc.created, now=now, rules=rules)
        new = _rebuild(out, incident_id=new_id, created=now, now=now, rules=rules, others=[kept])
        store.save_incident(kept)
        store.save_incident(new)
        detail = {"decision": d.id, "who": who, "reports": [m.report_id for m in out]}
        store.log_incident_event(
            incident_id,
            action=kind,
            reason=why or f"{kind} by hand",
            detail={**detail, "into": new_id},
        )
        store.log_incident_event(
            new_id,
            action=f"{kind}-from",
            reason=why or f"{kind} by hand",
            detail={**detail, "from": incident_id},
        )
    return kept, new


def detach(
    store: Store,
    incident_id: str,
    report_id: str,
    *,
    who: str,
    why: str = "",
    clock: Callable[[], str] = _now,
) -> tuple[Incident, Incident]:
    """Take one report out of an incident into an incident of its own."""
    return split(store, incident_id, [report_id], who=who, why=why, clock=clock, kind="detach")


def _parse_value(field_name: str, value: Any) -> Any:
    if field_name not in EDITABLE_FIELDS:
        raise ReviewError(
            f"cannot edit {field_name!r}: editable fields are {', '.join(EDITABLE_FIELDS)}"
        )
    if value in ("", "null", None):
        return None
    if field_name in FIGURE_FIELDS:
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise ReviewError(f"{field_name} takes a whole number, not {value!r}") from None
        if n < 0:
            raise ReviewError(f"{field_name} cannot be negative")
        return {"low": n, "best": n, "high": n}
    if field_name in ("latitude", "longitude"):
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ReviewError(f"{field_name} takes a number, not {value!r}") from None
        bound = 90 if field_name == "latitude" else 180
        if not -bound <= x <= bound:
            raise ReviewError(f"{field_name} must lie between -{bound} and {bound}")
        return x
    if field_name in ("inter1", "inter2", "geo_precision", "time_precision"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ReviewError(f"{field_name} takes a whole number, not {value!r}") from None
    if field_name == "civilian_targeting":
        return str(value).lower() in ("1", "true", "yes")
    if field_name == "event_date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ReviewError(f"event_date takes YYYY-MM-DD, not {value!r}") from None
    if field_name == "event_type" and value not in EVENT_TYPES:
        raise ReviewError(f"unknown event type {value!r}: one of {', '.join(EVENT_TYPES)}")
    if field_name == "sub_event_type" and not any(value in s for s in EVENT_TYPES.values()):
        raise ReviewError(f"unknown sub-event type {value!r}")
    return str(value)


def edit(
    store: Store,
    incident_id: str,
    changes: dict[str, Any],
    *,
    who: str,
    why: str = "",
    clock: Callable[[], str] = _now,
) -> Incident:
    """Set fields of an incident by hand; the values hold whatever its reports say."""
    inc = _need(store, incident_id)
    if not changes:
        raise ReviewError("nothing to edit: give FIELD=VALUE pairs")
    parsed = {k: _parse_value(k, v) for k, v in changes.items()}
    if "sub_event_type" in parsed and parsed["sub_event_type"] and "event_type" not in parsed:
        parsed["event_type"] = next(
            t for t, subs in EVENT_TYPES.items() if parsed["sub_event_type"] in subs
        )
    ids = tuple(m.report_id for m in inc.members)
    with store.transaction():
        decided = [
            _decide(
                store,
                Decision(
                    kind="edit",
                    incident_id=incident_id,
                    who=who,
                    why=why,
                    report_ids=ids,
                    field=k,
                    value=v,
                ),
            )
            for k, v in parsed.items()
        ]
        rules = Constraints.of(store.decisions())
        new = _rebuild(
            inc.members, incident_id=incident_id, created=inc.created, now=clock(), rules=rules
        )
        store.save_incident(new)
        store.log_incident_event(
            incident_id,
            action="edit",
            reason=why or "edited by hand",
            detail={"decisions": [d.id for d in decided], "who": who, "changes": parsed},
        )
    return new


def discount(
    store: Store,
    incident_id: str,
    *,
    who: str,
    why: str,
    clock: Callable[[], str] = _now,
) -> Incident:
    """Grade an incident Discounted by hand (say why)."""
    if not why.strip():
        raise ReviewError("say why the incident is discounted (--why TEXT)")
    inc = _need(store, incident_id)
    with store.transaction():
        d = _decide(
            store,
            Decision(
                kind="discount",
                incident_id=incident_id,
                who=who,
                why=why,
                report_ids=tuple(m.report_id for m in inc.members),
            ),
        )
        rules = Constraints.of(store.decisions())
        new = _rebuild(
            inc.members, incident_id=incident_id, created=inc.created, now=clock(), rules=rules
        )
        store.save_incident(new)
        store.log_incident_event(
            incident_id, action="discount", reason=why, detail={"decision": d.id, "who": who}
        )
    return new


def undo(
    store: Store,
    decision_id: int,
    *,
    who: str,
    resolver: Resolver,
    clock: Callable[[], str] = _now,
) -> ReclusterResult:
    """Take a decision back and re-cluster so that its effect goes."""
    d = store.get_decision(decision_id)
    if d is None or not d.active:
        raise ReviewError(
            f"no decision {decision_id} in force: list them with corroborate decisions"
        )
    with store.transaction():
        store.set_decision_active(decision_id, False)
        store.log_incident_event(
            d.incident_id,
            action="undo",
            reason=f"decision {decision_id} taken back by {who}",
            detail={"decision": decision_id, "who": who},
        )
        return recluster(store, resolver=resolver, clock=clock)


# --- re-clustering ---------------------------------------------------------


class _Memory:
    """Incidents being rebuilt, indexed by date for the resolver's candidate lookups."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.incidents: dict[str, Incident] = {}
        self.by_day: dict[dt.date | None, set[str]] = defaultdict(set)
        self.day_of: dict[str, set[dt.date | None]] = defaultdict(set)
        self.of_report: dict[str, str] = {}

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None, **_: Any
    ) -> list[Incident]:
        ids: set[str] = set(self.by_day.get(None, ()))
        if date_from and date_to:
            d = dt.date.fromisoformat(date_from)
            end = dt.date.fromisoformat(date_to)
            while d <= end:
                ids |= self.by_day.get(d, set())
                d += dt.timedelta(days=1)
        else:
            ids = set(self.incidents)
        return [self.incidents[i] for i in sorted(ids)]

    def incident_of_report(self, report_id: str) -> Incident | None:
        iid = self.of_report.get(report_id)
        return self.incidents.get(iid) if iid else None

    def put(self, inc: Incident) -> None:
        for day in self.day_of.pop(inc.incident_id, set()):
            self.by_day[day].discard(inc.incident_id)
        days = {report_date(m) for m in inc.members}
        if inc.record.event_date:
            days.add(dt.date.fromisoformat(inc.record.event_date))
        self.incidents[inc.incident_id] = inc
        self.day_of[inc.incident_id] = days
        for day in days:
            self.by_day[day].add(inc.incident_id)
        for m in inc.members:
            self.of_report[m.report_id] = inc.incident_id


@dataclass(slots=True)
class ReclusterResult:
    """What a re-clustering changed."""

    reports: int = 0
    incidents: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "reports": self.reports,
            "incidents": self.incidents,
            "created": len(self.created),
            "changed": len(self.changed),
            "deleted": len(self.deleted),
            "unchanged": self.unchanged,
        }


def _members(store: Store, reports: Iterable[StoredReport]) -> list[IncidentMember]:
    articles: dict[str, Article | None] = {}
    out: list[IncidentMember] = []
    for sr in reports:
        if sr.article_hash not in articles:
            articles[sr.article_hash] = store.get_article(sr.article_hash)
        article = articles[sr.article_hash]
        if article is None:
            continue
        out.append(make_member(sr.report_id, article, sr.report, language=sr.extra.get("language")))
    return out


def _same(a: Incident, b: Incident) -> bool:
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.pop("updated", None)
        d.pop("created", None)
    return da == db


def recluster(
    store: Store,
    *,
    resolver: Resolver,
    clock: Callable[[], str] = _now,
    previous: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReclusterResult:
    """Rebuild every incident from the stored reports, honouring every decision in force.

    Each new incident keeps the id of the old incident that held most of its
    reports (``previous`` maps report ids to their old incident when the
    store no longer knows it, as after re-extraction). Only incidents that
    changed are written; a second run changes nothing.
    """
    rules = Constraints.of(store.decisions())
    reports = list(store.all_reports())
    pointer = {sr.report_id: sr.incident_id for sr in reports}
    old_of = dict(previous or {})
    for sr in reports:
        if sr.incident_id and sr.report_id not in old_of:
            old_of[sr.report_id] = sr.incident_id
    old_ids = set(old_of.values())
    old = {iid: inc for iid in old_ids if (inc := store.get_incident(iid)) is not None}
    members = _members(store, reports)
    # Arrival order, as ingest placed them: without decisions, re-clustering
    # rebuilds exactly what ingest built.
    memory = _Memory(resolver.config.max_days)
    now = clock()
    for i, m in enumerate(members, 1):
        placed = resolver.place(m, source=memory, constraints=rules)
        memory.put(placed.incident)
        if progress:
            progress(i, len(members))
    # Stable ids: the old incident holding most of each new incident's reports.
    clusters = sorted(memory.incidents.values(), key=lambda c: -len(c.members))
    overlap: list[tuple[int, str, str]] = []
    for c in clusters:
        counts = Counter(old_of[m.report_id] for m in c.members if m.report_id in old_of)
        overlap += [(n, oid, c.incident_id) for oid, n in counts.items()]
    overlap.sort(key=lambda t: (-t[0], t[1], t[2]))
    assigned: dict[str, str] = {}
    used: set[str] = set()
    for _, oid, cid in overlap:
        if cid not in assigned and oid not in used:
            assigned[cid] = oid
            used.add(oid)
    result = ReclusterResult(reports=len(members), incidents=len(clusters))
    final: list[Incident] = []
    for c in clusters:
        iid = assigned.get(c.incident_id)
        if iid is None:
            iid = _fresh_id(store, c.members[0].report_id, used)
            used.add(iid)
        prior = old.get(iid)
        inc = _rebuild(
            c.members,
            incident_id=iid,
            created=prior.created if prior else now,
            now=now,
            rules=rules,
            others=[x for x in clusters if x is not c],
        )
        final.append(inc)
    with store.transaction():
        for iid in sorted(old_ids - used):
            store.delete_incident(iid)
            store.log_incident_event(
                iid, action="delete", reason="re-clustering left it no reports"
            )
            result.deleted.append(iid)
        for inc in final:
            prior = old.get(inc.incident_id)
            if prior is not None and _same(prior, inc):
                result.unchanged += 1
                if any(pointer.get(m.report_id) != inc.incident_id for m in inc.members):
                    # Same incident, but its reports were re-extracted: point them back.
                    store.save_incident(dataclasses.replace(inc, updated=prior.updated))
                continue
            store.save_incident(inc)
            if prior is None:
                result.created.append(inc.incident_id)
                action = "create"
            else:
                result.changed.append(inc.incident_id)
                action = "recluster"
            store.log_incident_event(
                inc.incident_id,
                action=action,
                reason="re-clustering",
                detail={"reports": [m.report_id for m in inc.members]},
            )
    return result


def reextract(
    store: Store,
    *,
    extractor: _Extractor,
    resolver: Resolver,
    clock: Callable[[], str] = _now,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, ReclusterResult]:
    """Re-run extraction on every stored article, then re-cluster under the decisions.

    Returns the number of articles re-extracted and what re-clustering did.
    """
    previous = {
        sr.report_id: sr.incident_id for sr in store.all_reports() if sr.incident_id is not None
    }
    hashes = store.article_hashes()
    for i, h in enumerate(hashes, 1):
        article = store.get_article(h)
        if article is None:
            continue
        extraction = extractor.extract(article)
        with store.transaction():
            store.drop_extraction(h)
            store.add_extraction(h, extraction)
        if progress:
            progress(i, len(hashes))
    return len(hashes), recluster(store, resolver=resolver, clock=clock, previous=previous)
