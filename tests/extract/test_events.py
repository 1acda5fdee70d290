from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.extract.events import EventLexicon, detect_events
from corroborate.extract.text import split_sentences


@pytest.fixture(scope="module")
def lexicon() -> EventLexicon:
    return EventLexicon.load("en")


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Their car was bombed by the Moroccan Air Force near the border.", "Air/drone strike"),
        ("A drone strike hit a truck near Bir Lahlou on Monday.", "Air/drone strike"),
        ("Soldiers clashed with JNIM militants near Gao.", "Armed clash"),
        ("An IED exploded under a military vehicle near Djibo.", "Remote explosive/landmine/IED"),
        ("A suicide bomber blew himself up at a checkpoint.", "Suicide bomb"),
        ("Gunmen abducted five traders on the road to Mopti.", "Abduction/forced disappearance"),
        ("Hundreds of students staged a protest in Nouakchott.", "Peaceful protest"),
        ("Police fired tear gas to disperse protesters in Rabat.", "Protest with intervention"),
        ("Rioters burned tyres and threw stones at police.", "Violent demonstration"),
        ("Police arrested three suspects in Bamako.", "Arrests"),
        ("Rebels shelled the town with mortars overnight.", "Shelling/artillery/missile attack"),
        ("The army recaptured the town of Menaka.", "Government regains territory"),
    ],
)
def test_sub_event_of_a_single_sentence(lexicon: EventLexicon, text: str, sub: str) -> None:
    events = detect_events(split_sentences(text), lexicon=lexicon)
    assert events, text
    assert events[0].sub_event_type == sub


@pytest.mark.parametrize(
    "text",
    [
        "The Moroccan Air Force has repeatedly bombed gold prospectors during the past months.",
        "It is not the first time that drones have targeted traders.",
        "The ministry said no strike took place.",
        "The two ministers met in Nouakchott to discuss trade.",
        "",
    ],
)
def test_vague_or_eventless_text_has_no_event(lexicon: EventLexicon, text: str) -> None:
    assert detect_events(split_sentences(text), lexicon=lexicon) == []


def test_primary_event_is_the_heaviest_and_others_follow(lexicon: EventLexicon) -> None:
    text = (
        "Police arrested two journalists on Monday. "
        "On Tuesday an air strike killed four people near Gao. "
        "Residents said the strike hit a market."
    )
    events = detect_events(split_sentences(text), lexicon=lexicon)
    assert events[0].sub_event_type == "Air/drone strike"
    assert [e.sub_event_type for e in events[1:]] == ["Arrests"]


def test_cue_offsets_slice_the_text(lexicon: EventLexicon) -> None:
    text = "Militants attacked an army post in Dori. Two soldiers were killed."
    for event in detect_events(split_sentences(text), lexicon=lexicon):
        for cue in event.cues:
            assert text[cue.start : cue.end] == cue.text


@given(st.text(max_size=300))
def test_any_text_is_safe_and_offsets_hold(text: str) -> None:
    lexicon = EventLexicon.load("en")
    for event in detect_events(split_sentences(text), lexicon=lexicon):
        for cue in event.cues:
            assert text[cue.start : cue.end] == cue.text
