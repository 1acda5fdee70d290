"""Analysts' decisions as constraints that every clustering honours.

A decision names reports, not incidents (see :class:`~corroborate.model.Decision`),
so it holds after re-clustering and re-extraction. :class:`Constraints` is
built from the decisions in force and tells the resolver:

- which reports must share an incident (``merge``; also the reports of an
  incident an analyst edited or discounted),
- which must not (``detach`` and ``split``; a later merge of the same
  reports wins over an earlier split, and the other way round),
- which incident shows an analyst's value for a field (``edit``) or is
  discounted (``discount``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corroborate.extract.summary import summary_of
from corroborate.model import FIGURE_FIELDS, SCALAR_FIELDS, Decision, Figures, Incident

__all__ = ["EDITABLE_FIELDS", "Constraints", "apply_overrides", "holder"]

#: Fields an analyst may edit on an incident.
EDITABLE_FIELDS: tuple[str, ...] = (*SCALAR_FIELDS, *FIGURE_FIELDS, "summary")


def holder(incidents: Iterable[Incident], report_ids: Sequence[str]) -> Incident | None:
    """The incident holding most of ``report_ids`` (the first such on ties), or None."""
    wanted = set(report_ids)
    best: tuple[int, Incident] | None = None
    for inc in incidents:
        n = sum(1 for m in inc.members if m.report_id in wanted)
        if n and (best is None or n > best[0]):
            best = (n, inc)
    return best[1] if best else None


@dataclass(slots=True)
class Constraints:
    """The decisions in force, as must-link / cannot-link sets and overrides."""

    decisions: tuple[Decision, ...] = ()
    _group: dict[str, str] = field(default_factory=dict)  # report -> must-link group root
    _apart: dict[str, set[str]] = field(default_factory=dict)  # report -> cannot-link reports

    @classmethod
    def of(cls, decisions: Iterable[Decision]) -> Constraints:
        ds = tuple(d for d in decisions if d.active)
        c = cls(decisions=ds)
        for d in ds:  # oldest first: a later decision about the same reports wins
            if d.kind in ("merge", "edit", "discount"):
                # An analyst who corrects an incident vouches for its reports
                # belonging together too.
                c._link(d.report_ids)
            elif d.kind in ("detach", "split"):
                c._separate(d.report_ids, d.other_ids)
        return c

    def __bool__(self) -> bool:
        return bool(self.decisions)

    # --- building ------------------------------------------------------

    def _root(self, r: str) -> str:
        root = r
        while self._group.get(root, root) != root:
            root = self._group[root]
        while self._group.get(r, r) != root:  # path compression
            self._group[r], r = root, self._group[r]
        return root

    def _link(self, report_ids: Sequence[str]) -> None:
        ids = list(report_ids)
        for r in ids:
            self._group.setdefault(r, r)
            for other in ids:
                self._apart.get(r, set()).discard(other)
        for r in ids[1:]:
            self._group[self._root(r)] = self._root(ids[0])

    def _separate(self, side: Sequence[str], other: Sequence[str]) -> None:
        others = set(other) - set(side)
        for r in side:
            self._apart.setdefault(r, set()).update(others)
        for o in others:
            self._apart.setdefault(o, set()).update(side)
        # A report split off leaves its must-link group.
        for r in (*side, *others):
            if r in self._group:
                self._unlink(r, keep=set(side) if r in side else others)

    def _unlink(self, r: str, *, keep: set[str]) -> None:
        root = self._root(r)
        members = [x for x in list(self._group) if self._root(x) == root]
        for x in members:
            self._group[x] = x
        stay = [x for x in members if x in keep]
        rest = [x for x in members if x not in keep]
        for group in (stay, rest):
            for x in group[1:]:
                self._group[self._root(x)] = self._root(group[0])

    # --- asking --------------------------------------------------------

    def must_join(self, report_id: str, incident: Incident) -> bool:
        """Whether a decision ties ``report_id`` to a report of ``incident``."""
        if report_id not in self._group:
            return False
        root = self._root(report_id)
        return any(
            m.report_id in self._group and self._root(m.report_id) == root for m in incident.members
        )

    def partners(self, report_id: str) -> list[str]:
        """The other reports a decision ties ``report_id`` to."""
        if report_id not in self._group:
            return []
        root = self._root(report_id)
        return sorted(r for r in list(self._group) if r != report_id and self._root(r) == root)

    def may_join(self, report_id: str, incident: Incident) -> bool:
        """Whether no decision keeps ``report_id`` apart from a report of ``incident``."""
        apart = self._apart.get(report_id)
        return not apart or all(m.report_id not in apart for m in incident.members)

    def edits_for(self, incident: Incident, others: Iterable[Incident] = ()) -> list[Decision]:
        """The edits and discounts that apply to ``incident``, oldest first.

        A decision applies to the incident that holds most of its reports;
        ``others`` are the other incidents in play (to break that tie).
        """
        pool = [incident, *others]
        out: list[Decision] = []
        for d in self.decisions:
            if d.kind not in ("edit", "discount"):
                continue
            if holder(pool, d.report_ids) is incident:
                out.append(d)
        return out


def _figures(value: Any) -> Figures:
    if isinstance(value, Figures):
        return value
    if isinstance(value, dict):
        return Figures.from_dict(value)
    if value is None:
        return Figures()
    n = int(value)
    return Figures(low=n, best=n, high=n)


def apply_overrides(incident: Incident, decisions: Sequence[Decision]) -> Incident:
    """The incident with analysts' edits and discounts applied (latest wins)."""
    if not decisions:
        return incident
    record = incident.record
    grade, reason = incident.grade, incident.grade_reason
    edited: list[str] = []
    for d in decisions:
        if d.kind == "edit" and d.field:
            if d.field in FIGURE_FIELDS:
                record = record.with_(**{d.field: _figures(d.value)})
            else:
                record = record.with_(**{d.field: d.value})
            edited.append(d.field)
        elif d.kind == "discount":
            grade = "Discounted"
            reason = f"discounted by {d.who}" + (f": {d.why}" if d.why else "")
    if edited and "summary" not in edited:
        record = record.with_(summary=summary_of(record))
    if edited:
        counts = Counter(edited)
        note = ", ".join(sorted(counts))
        reason = (
            reason + f" (fields edited by analysts: {note})" if grade != "Discounted" else reason
        )
    return dataclasses.replace(incident, record=record, grade=grade, grade_reason=reason)
