"""Incident resolution by blocks: the same incidents as the incremental resolver
where blocks cut nothing, and always one incident per report."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.batch.flatten import report_row
from corroborate.batch.resolve_blocks import (
    BlockConfig,
    block_entries,
    family_of,
    resolve_all,
)
from corroborate.errors import ConfigError
from corroborate.model import EVENT_TYPES, Article, Extraction, Incident, IncidentMember, Report
from corroborate.resolve import MatchConfig, Resolver, best_match
from corroborate.resolve.matcher import report_date

#: A Monday that starts a 7-day bucket (ordinal divisible by 7).
D0 = dt.date.fromordinal(dt.date(2023, 3, 6).toordinal() // 7 * 7)
PLACES = {
    "Ain Ben Tili": ("Mauritania", "Tiris Zemmour", 25.93, -9.51),
    "Bir Moghrein": ("Mauritania", "Tiris Zemmour", 25.23, -11.58),
    "Menaka": ("Mali", "Menaka", 15.92, 2.40),
    "Gao": ("Mali", "Gao", 16.27, -0.04),
}
_counter = itertools.count()


def row(
    day: int | None,
    place: str = "Menaka",
    *,
    sub: str = "Armed clash",
    outlet: str = "Sahel Wire",
    actor1: str = "Military Forces of Mali",
    dated: bool = True,
) -> dict[str, Any]:
    """A report row of a new article about an event ``day`` days after D0."""
    country, admin1, lat, lon = PLACES[place]
    date = None if day is None else (D0 + dt.timedelta(days=day)).isoformat()
    event_type = next(t for t, subs in EVENT_TYPES.items() if sub in subs)
    report = Report(
        event_type=event_type,
        sub_event_type=sub,
        event_date=date,
        time_precision=1 if date else None,
        actor1=actor1,
        inter1=1,
        country=country,
        admin1=admin1,
        location=place,
        latitude=lat,
        longitude=lon,
        geo_precision=1,
    )
    n = next(_counter)
    article = Article.create(
        f"report {n} about {place}",
        external_id=f"a{n}",
        outlet=outlet,
        published=date if dated else None,
    )
    made: dict[str, Any] = report_row(
        article, Extraction(id=f"a{n}", language="en", events=(report,)), 0
    )
    return made


def memberships(incidents: list[dict[str, Any]]) -> set[frozenset[str]]:
    return {frozenset(r["report_ids"]) for r in incidents}


class _Memory:
    def __init__(self) -> None:
        self.incidents: dict[str, Incident] = {}

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None, **_: Any
    ) -> list[Incident]:
        return list(self.incidents.values())

    def incident_of_report(self, report_id: str) -> Incident | None:
        return None


def sequential(rows: list[dict[str, Any]]) -> set[frozenset[str]]:
    """The incremental resolver over the rows, in date order (as a store would see them)."""
    from corroborate.batch.flatten import member_of_row

    members = [member_of_row(r) for r in rows]

    def order(m: IncidentMember) -> tuple[str, str, str]:
        d = report_date(m)
        return (d.isoformat() if d else "", m.published or "", m.report_id)

    memory = _Memory()
    resolver = Resolver(clock=lambda: "2024-01-01T00:00:00Z")
    for member in sorted(members, key=order):
        placed = resolver.place(member, source=memory)
        memory.incidents[placed.incident.incident_id] = placed.incident
    return {frozenset(m.report_id for m in i.members) for i in memory.incidents.values()}


def test_blocks_and_tails() -> None:
    config = BlockConfig()
    bucket = D0.toordinal() // 7
    assert block_entries(row(-1), config) == [(("violence", "Mali", bucket - 1), True)]
    assert block_entries(row(0), config) == [
        (("violence", "Mali", bucket), True),
        (("violence", "Mali", bucket - 1), False),
    ]
    assert len(block_entries(row(2), config)) == 2
    assert len(block_entries(row(3), config)) == 1  # more than max_days from the bucket
    undated = row(None, dated=False)
    assert block_entries(undated, config) == [(("violence", "Mali|Menaka", None), True)]
    strategic = row(0, sub="Arrests")
    assert block_entries(strategic, config)[0][0][0] == "strategic/Arrests"


def test_reports_across_a_bucket_boundary_make_one_incident() -> None:
    rows = [
        row(-1, outlet="A"),
        row(0, outlet="B"),
        row(1, outlet="C"),  # straddles D0
        row(2, "Gao", outlet="A"),
        row(4, "Gao", outlet="B"),  # another event, far away
        row(12, outlet="D"),  # the first place again, too late to be the same event
        row(None, "Ain Ben Tili", sub="Air/drone strike", dated=False),
        row(None, "Ain Ben Tili", sub="Air/drone strike", outlet="B", dated=False),
    ]
    got = resolve_all(rows, BlockConfig())
    ids = [r["report_id"] for r in rows]
    assert memberships(got) == {
        frozenset(ids[0:3]),
        frozenset(ids[3:5]),
        frozenset(ids[5:6]),
        frozenset(ids[6:8]),
    }
    assert memberships(got) == sequential(rows)
    first = next(r for r in got if ids[0] in r["report_ids"])
    assert first["report_ids"][0] == ids[0]  # the id comes from the earliest report
    assert first["article_ids"] == [rows[i]["article_id"] for i in range(3)]


def test_a_chain_longer_than_the_window_splits_as_the_resolver_splits_it() -> None:
    rows = [row(d, outlet=f"O{d}") for d in (-3, -1, 1, 3)]
    got = memberships(resolve_all(rows, BlockConfig()))
    assert got == sequential(rows)
    assert len(got) == 2


def test_a_tail_report_claimed_by_the_previous_block_leaves_its_own_block() -> None:
    # Day -1 starts an incident in the previous bucket; day 2 (tail) joins it there,
    # and in its own block it would have started one with day 3.
    rows = [row(-1, outlet="A"), row(2, outlet="B"), row(3, outlet="C")]
    got = memberships(resolve_all(rows, BlockConfig()))
    assert got == sequential(rows)


def test_bucket_days_must_cover_the_match_window() -> None:
    with pytest.raises(ConfigError, match="bucket_days"):
        BlockConfig(bucket_days=2)
    BlockConfig(match=MatchConfig(max_days=5), bucket_days=5)


def test_families_are_never_matched_across() -> None:
    subs = [(t, s) for t, subs in EVENT_TYPES.items() for s in subs]
    for (t1, s1), (t2, s2) in itertools.product(subs, repeat=2):
        if family_of(t1, s1) == family_of(t2, s2):
            continue
        a = Report(event_type=t1, sub_event_type=s1, event_date="2023-03-06", country="Mali")
        b = Report(event_type=t2, sub_event_type=s2, event_date="2023-03-06", country="Mali")
        member = IncidentMember("x:0", "x", None, None, None, None, a)
        other = IncidentMember("y:0", "y", None, None, None, None, b)
        from corroborate.resolve import reconcile

        assert best_match(member, [reconcile([other])]) is None, (s1, s2)


_ROW = st.builds(
    lambda day, place, sub, outlet, dated: row(
        day if dated else None, place, sub=sub, outlet=outlet, dated=dated
    ),
    st.integers(min_value=-10, max_value=20),
    st.sampled_from(sorted(PLACES)),
    st.sampled_from(["Armed clash", "Air/drone strike", "Peaceful protest", "Arrests"]),
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from([True, True, True, False]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_every_report_is_in_one_incident_whatever_the_order(
    rows: list[dict[str, Any]], rnd: random.Random
) -> None:
    config = BlockConfig()
    got = resolve_all(rows, config)
    ids = sorted(r["report_id"] for r in rows)
    assert sorted(i for inc in got for i in inc["report_ids"]) == ids
    dates = {r["report_id"]: r["event_date"] or r["published"] for r in rows}
    for inc in got:
        days = [dt.date.fromisoformat(d) for i in inc["report_ids"] if (d := dates[i])]
        assert not days or (max(days) - min(days)).days <= config.match.max_days
        assert len(days) in (0, len(inc["report_ids"]))  # dated and undated never mix
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert resolve_all(shuffled, config) == got
