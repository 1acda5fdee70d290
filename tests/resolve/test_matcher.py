"""The matcher's rules for look-alike events: dates as spans, shared details, conflicts."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from corroborate.model import Evidence, Figures, IncidentMember
from corroborate.resolve import MatchConfig, best_match, reconcile
from corroborate.resolve.matcher import report_when
from corroborate.resolve.syndication import detail_overlap, keywords
from tests.resolve.test_resolve import _report

DATED = (Evidence("event_date", 3, 15, "12 March 2023", "dates.rules"),)


def _m(
    rid: str, text: str, *, language: str = "en", published: str | None = "2023-03-14", **kw: object
) -> IncidentMember:
    report = _report(**kw)
    return IncidentMember(
        rid, rid, f"outlet {rid}", None, published, language, report, (), keywords(text)
    )


def _vague(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "geo_precision": 3,
        "location": "Tiris Zemmour",
        "event_date": "2023-03-12",
        "evidence": DATED,
    }
    base.update(kw)
    return base


def test_keywords_keep_names_and_numbers_only() -> None:
    text = (
        "Attack on Ain Ben Tili. On 12 March 2023, gunmen killed 14 miners near Ain Ben Tili, "
        "according to Zahret Chinguetti. The attack was claimed by nobody. Tuesday was calm."
    )
    kws = keywords(text)
    assert "14" in kws and "chingu" in kws and "zahret" in kws
    assert "2023" not in kws and "march" not in kws  # years and months say nothing
    assert "attack" not in kws  # written in lower case too: a common word
    assert "tuesda" not in kws and "tuesday" not in kws
    assert "ben" in kws and "tili" in kws
    assert "gunmen" not in kws  # a sentence's first word would be capitalised anyway
    assert keywords(text, known=["Ain Ben Tili"]).count("tili") == 0


def test_keywords_fold_spellings_and_arabic_digits() -> None:
    a = keywords("Drones hit Tinzaouaten on Sunday, killing ٢١ people, said the CSP.")
    b = keywords("A drone strike on Tinzaouatine killed 21 people, the CSP said.")
    assert {"tinzao", "21", "csp"} <= set(a) & set(b)
    overlap = detail_overlap(a, b)
    assert overlap is not None and overlap >= 0.5


def test_detail_overlap_needs_enough_to_judge() -> None:
    assert detail_overlap(["a"], ["a", "b"]) is None
    assert detail_overlap(["1", "x"], ["1", "y"]) == 0.25  # one shared small number: chance
    assert detail_overlap(["solhan", "132"], ["solhan", "132", "vdp"]) == 1.0


def test_month_publications_and_undated_reports_become_spans() -> None:
    m = _m("a:0", "x", published="2021-06", event_date=None, evidence=())
    when = report_when(m)
    assert when is not None and not when.exact
    assert when.lo == dt.date(2021, 6, 1) - dt.timedelta(days=7)
    assert when.hi == dt.date(2021, 6, 30)
    assert report_when(_m("b:0", "x", published=None, event_date=None)) is None
    exact = report_when(_m("c:0", "x", event_date="2023-03-12", evidence=DATED))
    assert exact is not None and exact.exact and exact.lo == exact.hi


def test_look_alike_events_of_one_area_and_day_stay_apart() -> None:
    a = _m(
        "a:0",
        "Gunmen shot two herders near Lemgheity and stole Camels from Ould Ahmed.",
        **_vague(),
    )
    b = _m(
        "b:0",
        "Soldiers clashed with smugglers at Chegatt, seizing Toyota pickups of Sidi Salem.",
        **_vague(),
    )
    assert best_match(b, [reconcile([a])]) is None


def test_reports_sharing_details_merge_across_vague_places() -> None:
    a = _m("a:0", "A drone killed 14 miners near Ain Ben Tili, said Zahret Chinguetti.", **_vague())
    b = _m(
        "b:0", "Zahret Chinguetti reports 14 miners killed by a drone at Ain Ben Tili.", **_vague()
    )
    assert best_match(b, [reconcile([a])]) is not None


def test_given_dates_a_day_apart_need_the_same_details() -> None:
    a = _m("a:0", "Gunmen attacked Ould Yenje market, killing 7 traders of Kiffa.", **_vague())
    later = _vague(event_date="2023-03-13")
    other = _m("b:0", "Rebels raided Tintane, killing 3 guards of Aioun.", **later)
    same = _m("c:0", "Gunmen attacked Ould Yenje market, killing 7 traders of Kiffa.", **later)
    incident = reconcile([a])
    assert best_match(other, [incident]) is None
    assert best_match(same, [incident]) is not None


def test_tolls_several_fold_apart_without_shared_details_are_two_events() -> None:
    week = {"geo_precision": 3, "event_date": "2023-03-12", "time_precision": 2, "evidence": ()}
    a = _m("a:0", "x", fatalities=Figures(2, 2, 2), **week)
    b = _m("b:0", "y", fatalities=Figures(40, 40, 40), **week)
    assert best_match(b, [reconcile([a])]) is None
    c = dataclasses.replace(b, report=b.report.with_(fatalities=Figures(3, 3, 3)))
    assert best_match(c, [reconcile([a])]) is not None


def test_an_undated_report_joins_only_on_shared_details() -> None:
    a = _m("a:0", "Gunmen killed 14 miners near Ain Ben Tili, Zahret Chinguetti said.", **_vague())
    undated = _vague(event_date=None, evidence=())
    named = _m(
        "b:0",
        "Fourteen miners died at Ain Ben Tili, per Zahret Chinguetti.",
        published=None,
        **undated,
    )
    unnamed = _m("c:0", "Four herders died at Chegga.", published=None, **undated)
    assert best_match(named, [reconcile([a])]) is not None
    assert best_match(unnamed, [reconcile([a])]) is None


@given(st.text(max_size=300))
def test_keywords_never_fail_and_stay_small(text: str) -> None:
    kws = keywords(text)
    assert list(kws) == sorted(set(kws)) and len(kws) <= 64
    assert all(k == k.casefold() for k in kws)
    assert MatchConfig().detail_needed > MatchConfig().detail_conflict
