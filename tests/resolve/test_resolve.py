from __future__ import annotations

import pickle
from typing import Any

from corroborate.model import Figures, Incident, IncidentMember, Report, SourceClaim
from corroborate.resolve import MatchConfig, Resolver, best_match, count_origins, reconcile


def _report(**kw: object) -> Report:
    base: dict[str, object] = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "event_date": "2023-03-07",
        "time_precision": 1,
        "actor1": "Military Forces of Morocco",
        "inter1": 1,
        "actor2": "Civilians (Mauritania)",
        "inter2": 7,
        "country": "Mauritania",
        "admin1": "Tiris Zemmour",
        "location": "Ain Ben Tili",
        "latitude": 25.98,
        "longitude": -9.55,
        "geo_precision": 2,
        "fatalities": Figures(2, 2, 2),
    }
    base.update(kw)
    return Report(**base)  # type: ignore[arg-type]


def _member(rid: str, outlet: str, report: Report, source: str | None = None) -> IncidentMember:
    if source:
        report = report.with_(sources=(SourceClaim(source, "newspaper", "according to"),))
    return IncidentMember(rid, rid, outlet, None, "2023-03-08", "en", report)


class ListSource:
    def __init__(self) -> None:
        self.incidents: dict[str, Incident] = {}

    def candidate_incidents(
        self, *, date_from: str | None, date_to: str | None, country: str | None, **_: Any
    ) -> list[Incident]:
        return list(self.incidents.values())

    def incident_of_report(self, report_id: str) -> Incident | None:
        return None

    def add(self, member: IncidentMember, resolver: Resolver) -> Incident:
        placed = resolver.place(member, source=self)
        self.incidents[placed.incident.incident_id] = placed.incident
        return placed.incident


def test_two_outlets_of_one_strike_merge_with_a_range_of_figures() -> None:
    src, res = ListSource(), Resolver(clock=lambda: "2023-03-09T00:00:00+00:00")
    a = src.add(_member("a:0", "Sahel Wire", _report(), "Zahret Chinguetti"), res)
    b = src.add(
        _member("b:0", "Nouakchott Daily", _report(fatalities=Figures(3, 3, 5)), "AMI"), res
    )
    assert a.incident_id == b.incident_id
    assert len(src.incidents) == 1
    inc = src.incidents[a.incident_id]
    assert inc.record.fatalities == Figures(low=2, best=2, high=5)
    assert inc.origins == 2
    assert inc.grade == "Fair"
    assert "Zahret Chinguetti" in inc.record.summary


def test_different_days_and_places_stay_apart() -> None:
    src, res = ListSource(), Resolver()
    src.add(_member("a:0", "X", _report()), res)
    src.add(
        _member(
            "b:0",
            "Y",
            _report(
                event_date="2023-03-12", location="Bir Moghrein", latitude=25.23, longitude=-11.57
            ),
        ),
        res,
    )
    assert len(src.incidents) == 2


def test_different_event_families_never_merge() -> None:
    inc = reconcile([_member("a:0", "X", _report())])
    protest = _report(
        event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Mauritania)"
    )
    assert best_match(_member("b:0", "Y", protest), [inc], config=MatchConfig()) is None


def test_contradicting_named_actors_do_not_merge() -> None:
    inc = reconcile([_member("a:0", "X", _report())])
    other = _report(actor1="Islamic State (Sahel)", inter1=2)
    assert best_match(_member("b:0", "Y", other), [inc]) is None


def test_incident_id_is_stable_and_the_record_round_trips() -> None:
    m = _member("a:0", "X", _report())
    one, two = reconcile([m]), reconcile([m])
    assert one.incident_id == two.incident_id
    assert Incident.from_dict(one.to_dict()).to_dict() == one.to_dict()
    assert pickle.loads(pickle.dumps(one)) == one


def test_reports_citing_the_same_original_are_one_origin() -> None:
    members = [
        _member("a:0", "X", _report(), "Zahret Chinguetti"),
        _member("b:0", "Y", _report(), "Zahret Chinguetti"),
    ]
    assert count_origins(members) == 1
    assert reconcile(members).grade == "Weak"


def test_no_chaining_through_a_vague_report() -> None:
    """A near Ain Ben Tili, B only 'Tiris Zemmour' (vague), C at Bir Moghrein:
    B may join A, but C must not join A's incident through B."""
    src, res = ListSource(), Resolver()
    src.add(_member("a:0", "X", _report()), res)
    vague = _report(location=None, latitude=25.3, longitude=-11.0, geo_precision=3)
    src.add(_member("b:0", "Y", vague), res)
    assert len(src.incidents) == 1
    far = _report(location="Bir Moghrein", latitude=25.23, longitude=-11.57, geo_precision=1)
    src.add(_member("c:0", "Z", far), res)
    assert len(src.incidents) == 2


def test_a_later_toll_update_supersedes_the_lowest_figure() -> None:
    from corroborate.model import Evidence

    first = _member("a:0", "X", _report(fatalities=Figures(2, 2, 2)))
    rose = _report(
        fatalities=Figures(7, 7, 7),
        evidence=(Evidence("fatalities", 0, 22, "the toll rose to seven", "casualties.rules"),),
    )
    later = IncidentMember("b:0", "b:0", "Y", None, "2023-03-10", "en", rose)
    inc = reconcile([first, later])
    assert inc.record.fatalities == Figures(low=2, best=7, high=7)
    # each source keeps its own figure
    assert [m.report.fatalities.best for m in inc.members] == [2, 7]


def _with(report: Report, field: str, text: str) -> Report:
    from corroborate.model import Evidence

    return report.with_(evidence=(Evidence(field, 0, len(text), text, "claims.rules"),))


def test_grades_after_airwars() -> None:
    a = _member("a:0", "X", _report(), "Zahret Chinguetti")
    b = _member("b:0", "Y", _report(), "AMI")
    assert reconcile([a]).grade == "Weak"
    assert reconcile([a, b]).grade == "Fair"
    claimed = _member(
        "c:0", "Z", _with(_report(), "claim_of_responsibility", "said it carried out the strike")
    )
    assert reconcile([a, claimed]).grade == "Confirmed"
    other = _member("d:0", "W", _report(actor1="Islamic State (Sahel)", inter1=2), "Alakhbar")
    contested = reconcile([a, other])
    assert contested.grade == "Contested"
    assert "Islamic State (Sahel)" in contested.grade_reason
    refuted = _member("e:0", "V", _with(_report(), "refutation", "no strike took place"))
    discounted = reconcile([a, b, refuted])
    assert discounted.grade == "Discounted"
    assert "no strike took place" in discounted.grade_reason
