from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corroborate.model import Figures, IncidentMember, Report
from corroborate.resolve import count_origins
from corroborate.resolve.syndication import containment, fingerprint, near_duplicate

DISPATCH = (
    "Three Algerian truck drivers were killed on Monday when their convoy was hit by a "
    "drone strike on the road between Bir Lahlou and Ain Ben Tili, the Algerian presidency "
    "said in a statement, blaming Moroccan forces. The trucks were travelling from "
    "Nouakchott to Ouargla with building materials. Morocco did not comment on the "
    "accusation. The strike is the first to kill Algerian nationals since the ceasefire "
    "collapsed in November 2020, officials said."
)
REWRITE = (
    "Algeria says a Moroccan drone killed three of its citizens. The drivers were on their "
    "way to Ouargla when the vehicles were struck near the Mauritanian border, according to "
    "the presidency, which promised that the deaths would not go unpunished."
)


def test_a_lightly_edited_copy_is_a_near_duplicate() -> None:
    copy = "ALGIERS (Agency) - " + DISPATCH.replace("on Monday", "on Monday night")
    copy = copy.rsplit(".", 2)[0] + "."  # last sentence dropped
    assert near_duplicate(fingerprint(DISPATCH), fingerprint(copy))


def test_an_independent_report_of_the_same_event_is_not() -> None:
    assert not near_duplicate(fingerprint(DISPATCH), fingerprint(REWRITE))


def test_tiny_or_missing_fingerprints_never_match() -> None:
    assert not near_duplicate(fingerprint("Two killed."), fingerprint("Two killed."))
    assert not near_duplicate((), fingerprint(DISPATCH))


@given(st.text(max_size=400))
def test_containment_is_bounded_and_reflexive(text: str) -> None:
    fp = fingerprint(text)
    assert list(fp) == sorted(fp)
    c = containment(fp, fp)
    assert c in (0.0, 1.0)


def _member(rid: str, outlet: str, text: str) -> IncidentMember:
    report = Report(
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        fatalities=Figures(3, 3, 3),
    )
    return IncidentMember(rid, rid, outlet, None, "2021-11-03", "en", report, fingerprint(text))


def test_syndicated_copies_count_as_one_origin() -> None:
    copy = DISPATCH.replace("officials said", "officials told reporters")
    members = [
        _member("a:0", "Wire Agency", DISPATCH),
        _member("b:0", "Daily One", copy),
        _member("c:0", "Daily Two", REWRITE),
    ]
    assert count_origins(members) == 2
