from __future__ import annotations

import json
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.actors import (
    ARMED,
    ActorLexicon,
    ActorMention,
    Actors,
    assign_actors,
    find_actors,
)
from corroborate.extract.gazetteer import Gazetteer
from corroborate.extract.resources import data_text
from corroborate.extract.text import split_sentences


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def lexicon(gazetteer: Gazetteer) -> ActorLexicon:
    return ActorLexicon.load(demonyms=gazetteer.demonyms())


def _mentions(text: str, lexicon: ActorLexicon) -> list[ActorMention]:
    return find_actors(split_sentences(text), lexicon=lexicon)


def _assign(
    text: str, lexicon: ActorLexicon, sub: str, event_type: str, country: str | None
) -> Actors:
    return assign_actors(
        _mentions(text, lexicon),
        event_type=event_type,
        sub_event_type=sub,
        event_country=country,
        lexicon=lexicon,
    )


# ------------------------------------------------------------------ mentions
def test_named_group_takes_its_qualifiers(lexicon: ActorLexicon) -> None:
    text = "On 3 May, presumed JNIM militants ambushed a patrol near Djibo."
    (m, *_) = _mentions(text, lexicon)
    assert m.text == "presumed JNIM militants"
    assert m.template == "JNIM: Group for Support of Islam and Muslims"
    assert m.inter == 2
    assert m.kind == "named"
    assert text[m.start : m.end] == m.text


def test_either_group_is_one_actor_named_and_or(lexicon: ActorLexicon) -> None:
    ms = _mentions("Suspected JNIM or ISGS militants abducted a trader.", lexicon)
    assert ms[0].template == (
        "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    )


def test_demonym_gives_the_country_and_belongs_to_the_span(lexicon: ActorLexicon) -> None:
    text = "The Malian army repelled the attack."
    (m,) = [m for m in _mentions(text, lexicon) if m.kind == "state"]
    assert m.country == "Mali"
    assert m.text == "Malian army"
    assert m.name(None) == "Military Forces of Mali"


def test_country_after_the_noun(lexicon: ActorLexicon) -> None:
    ms = _mentions("Military forces of India and Pakistan exchanged fire.", lexicon)
    assert [m.country for m in ms if m.kind == "state"] == ["India", "Pakistan"]


def test_two_demonyms_one_noun_are_two_sides(lexicon: ActorLexicon) -> None:
    ms = _mentions("Fighting broke out between Russian and Ukrainian forces.", lexicon)
    assert [m.country for m in ms if m.kind == "state"] == ["Russian Federation", "Ukraine"]


def test_bare_forces_need_a_country_word(lexicon: ActorLexicon) -> None:
    assert not [m for m in _mentions("The forces withdrew.", lexicon) if m.kind == "state"]
    assert [m for m in _mentions("Government forces withdrew.", lexicon) if m.kind == "state"]


def test_ethnic_militias_and_communities_that_clash(lexicon: ActorLexicon) -> None:
    ms = _mentions("Dogon militiamen attacked members of the Fulani community.", lexicon)
    assert [(m.template, m.kind) for m in ms] == [
        ("Dogon Ethnic Militia ({country})", "identity"),
        ("Fulani Ethnic Militia ({country})", "community"),
    ]
    a = _assign(
        "Members of the Dogon and Fulani communities clashed.",
        lexicon,
        "Armed clash",
        "Battles",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("Dogon Ethnic Militia (Mali)", 4)
    assert (a.actor2, a.inter2) == ("Fulani Ethnic Militia (Mali)", 4)


def test_clan_militia_keeps_the_clan_name(lexicon: ActorLexicon) -> None:
    ms = _mentions("Hawiye-Abgal sub-clan militia clashed with Al Shabaab.", lexicon)
    assert ms[0].template == "Hawiye-Abgal Sub-Clan Militia ({country})"
    assert ms[0].inter == 4


def test_roles_in_a_passive_sentence(lexicon: ActorLexicon) -> None:
    ms = _mentions("Two villagers were shot dead by unidentified gunmen.", lexicon)
    roles = {m.text: m.role for m in ms}
    assert roles == {"villagers": "target", "unidentified gunmen": "agent"}
    assert [m.agent for m in ms] == [False, True]


def test_a_source_is_not_a_doer(lexicon: ActorLexicon) -> None:
    ms = _mentions("Residents said gunmen attacked the village.", lexicon)
    roles = {m.text: m.role for m in ms}
    assert roles == {"Residents": "source", "gunmen": "doer", "village": "target"}


def test_mentions_do_not_overlap_and_keep_offsets(lexicon: ActorLexicon) -> None:
    text = (
        "On 2 May, Al Shabaab fighters attacked Somali National Army soldiers in Afgooye. "
        "Police said two civilians were wounded by stray bullets."
    )
    ms = _mentions(text, lexicon)
    for a, b in pairwise(ms):
        assert a.end <= b.start
    for m in ms:
        assert text[m.start : m.end] == m.text


# ------------------------------------------------------------------ assigning
def test_named_group_attacks_soldiers(lexicon: ActorLexicon) -> None:
    a = _assign(
        "On 2 May, Al Shabaab militants attacked an SNA base near Afgooye.",
        lexicon,
        "Armed clash",
        "Battles",
        "Somalia",
    )
    assert (a.actor1, a.inter1) == ("Al Shabaab", 2)
    assert (a.actor2, a.inter2) == ("Military Forces of Somalia", 1)
    assert a.evidence1 is not None and a.evidence1.text == "Al Shabaab militants"


def test_passive_agent_is_actor1(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Three soldiers were killed in an attack by Taliban militants in Helmand.",
        lexicon,
        "Armed clash",
        "Battles",
        "Afghanistan",
    )
    assert (a.inter1, a.inter2) == (2, 1)
    assert a.actor1 == "Taliban"


def test_unnamed_gunmen_are_an_unidentified_armed_group(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Unknown gunmen killed a herder near the village.",
        lexicon,
        "Attack",
        "Violence against civilians",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("Unidentified Armed Group (Mali)", 3)
    assert (a.actor2, a.inter2, a.actor2_country) == ("Civilians (Mali)", 7, "Mali")


def test_no_doer_named_still_gets_acled_default(lexicon: ActorLexicon) -> None:
    a = _assign("A man was found dead.", lexicon, "Attack", "Violence against civilians", "Kenya")
    assert (a.actor1, a.inter1) == ("Unidentified Armed Group (Kenya)", 3)
    assert a.evidence1 is None
    assert (a.actor2, a.inter2) == ("Civilians (Kenya)", 7)


def test_victims_nationality_names_the_civilians(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Two Mauritanian gold prospectors were killed when their car was bombed "
        "by the Moroccan air force.",
        lexicon,
        "Air/drone strike",
        "Explosions/Remote violence",
        "Western Sahara",
    )
    assert (a.actor1, a.inter1, a.actor1_country) == ("Military Forces of Morocco", 1, "Morocco")
    assert (a.actor2, a.inter2, a.actor2_country) == ("Civilians (Mauritania)", 7, "Mauritania")


def test_foreign_state_forces_are_external(lexicon: ActorLexicon) -> None:
    text = "French forces conducted airstrikes against presumed ISGS positions."
    abroad = _assign(text, lexicon, "Air/drone strike", "Explosions/Remote violence", "Mali")
    assert (abroad.actor1, abroad.inter1) == ("Military Forces of France", 8)
    assert (abroad.actor2, abroad.inter2) == ("Islamic State (Greater Sahara)", 2)
    home = _assign(text, lexicon, "Air/drone strike", "Explosions/Remote violence", "France")
    assert home.inter1 == 1


def test_group_named_by_the_event_country(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Islamic State militants attacked a checkpoint.",
        lexicon,
        "Armed clash",
        "Battles",
        "Somalia",
    )
    assert a.actor1 == "Islamic State Somalia Province"


def test_clash_between_two_sides(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Clashes broke out between Dozo militiamen and JNIM militants near Djenne.",
        lexicon,
        "Armed clash",
        "Battles",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("Dozo Communal Militia (Mali)", 4)
    assert (a.actor2, a.inter2) == ("JNIM: Group for Support of Islam and Muslims", 2)


def test_civilians_who_fight_are_a_communal_militia(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Farmers and Fulani herders clashed over grazing land.",
        lexicon,
        "Armed clash",
        "Battles",
        "Benin",
    )
    assert {a.inter1, a.inter2} == {4}


def test_protest_conventions(lexicon: ActorLexicon) -> None:
    text = "Hundreds of students protested in Ouagadougou; police dispersed them."
    peaceful = _assign(text, lexicon, "Peaceful protest", "Protests", "Burkina Faso")
    assert (peaceful.actor1, peaceful.inter1) == ("Protesters (Burkina Faso)", 6)
    assert peaceful.actor2 is None and peaceful.inter2 is None
    stopped = _assign(text, lexicon, "Protest with intervention", "Protests", "Burkina Faso")
    assert (stopped.actor2, stopped.inter2) == ("Police Forces of Burkina Faso", 1)
    assert stopped.evidence2 is not None and stopped.evidence2.text == "police"


def test_riot_conventions(lexicon: ActorLexicon) -> None:
    mob = _assign(
        "A mob lynched a suspected thief in the market.",
        lexicon,
        "Mob violence",
        "Riots",
        "Nigeria",
    )
    assert (mob.actor1, mob.inter1) == ("Rioters (Nigeria)", 5)
    assert (mob.actor2, mob.inter2) == ("Civilians (Nigeria)", 7)
    brawl = _assign(
        "Supporters of two rival parties clashed with stones.",
        lexicon,
        "Mob violence",
        "Riots",
        "India",
    )
    assert (brawl.actor2, brawl.inter2) == ("Rioters (India)", 5)


def test_arrests_by_police(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Police arrested three men suspected of theft.",
        lexicon,
        "Arrests",
        "Strategic developments",
        "Kenya",
    )
    assert (a.actor1, a.inter1) == ("Police Forces of Kenya", 1)
    assert (a.actor2, a.inter2) == ("Civilians (Kenya)", 7)


def test_unknown_country_names_the_actor_without_one(lexicon: ActorLexicon) -> None:
    a = _assign("Gunmen attacked a village.", lexicon, "Attack", "Violence against civilians", None)
    assert (a.actor1, a.inter1, a.actor1_country) == ("Unidentified Armed Group", 3, None)
    assert (a.actor2, a.inter2, a.actor2_country) == ("Civilians", 7, None)
    b = _assign(
        "Malian soldiers killed two herders.", lexicon, "Attack", "Violence against civilians", None
    )
    assert (b.actor1, b.inter1, b.actor1_country) == ("Military Forces of Mali", 1, "Mali")


def test_the_vehicle_that_struck_a_mine_underwent_it(lexicon: ActorLexicon) -> None:
    a = _assign(
        "An army truck struck an IED near Djibo. The device was likely planted by JNIM.",
        lexicon,
        "Remote explosive/landmine/IED",
        "Explosions/Remote violence",
        "Burkina Faso",
    )
    assert (a.inter1, a.inter2) == (2, 1)
    assert a.actor2 == "Military Forces of Burkina Faso"


def test_a_post_is_attacked_not_attacking(lexicon: ActorLexicon) -> None:
    ms = _mentions("Gendarmerie post in Inata attacked overnight.", lexicon)
    assert [(m.text, m.role) for m in ms] == [("Gendarmerie post", "target")]


def test_attributed_group_is_the_doer(lexicon: ActorLexicon) -> None:
    a = _assign(
        "An unknown armed group (likely Al Shabaab) threw a grenade at a house.",
        lexicon,
        "Grenade",
        "Explosions/Remote violence",
        "Somalia",
    )
    assert (a.actor1, a.inter1) == ("Al Shabaab", 2)


def test_off_duty_soldier_is_a_civilian(lexicon: ActorLexicon) -> None:
    ms = _mentions("Gunmen killed an off-duty soldier.", lexicon)
    assert [m.kind for m in ms] == ["perpetrator", "victim"]


def test_two_names_side_by_side_are_one_actor(lexicon: ActorLexicon) -> None:
    ms = _mentions("AUSSOM UPDF troops defused an IED.", lexicon)
    assert [m.text for m in ms if m.kind in {"named", "state"}] == ["AUSSOM UPDF troops"]


def test_violent_demonstration_against_police(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Rioters burned tyres and clashed with police in Kisumu.",
        lexicon,
        "Violent demonstration",
        "Riots",
        "Kenya",
    )
    assert (a.actor1, a.inter1) == ("Rioters (Kenya)", 5)
    assert (a.actor2, a.inter2) == ("Police Forces of Kenya", 1)


# ------------------------------------------------------------------ the data file
def test_every_sub_event_type_has_a_convention(lexicon: ActorLexicon) -> None:
    events = json.loads(data_text("events/en.json"))
    subs = {c["sub"] for c in events["cues"]}
    missing = subs - set(lexicon.conventions)
    assert not missing
    for conv in lexicon.conventions.values():
        for key in (conv.actor1_default, conv.actor2_default):
            assert key is None or key in lexicon.defaults


def test_country_names_in_the_data_are_the_gazetteer_s(gazetteer: Gazetteer) -> None:
    data = json.loads(data_text("actors/en.json"))
    names = set(gazetteer.demonyms().values())
    codes = {gazetteer.country(n) for n in names}
    wanted = set(data["country_names"]["names"].values()) | set(data["regions"]["names"].values())
    wanted |= {e["country"] for e in data["named"] if e.get("country")}
    for entry in data["named"]:
        wanted |= set(entry.get("by_country", {}))
    for iso in sorted(wanted):
        place = gazetteer.country(iso)
        assert place is not None, iso
        assert place.name == iso or place in codes, iso


def test_inter_codes_are_acled_s() -> None:
    data = json.loads(data_text("actors/en.json"))
    for section in ("state_forces", "named", "generic"):
        for entry in data[section]:
            assert 1 <= int(entry["inter"]) <= 8
    assert frozenset({1, 2, 3, 4, 8}) == ARMED


# ------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "presumed JNIM militants",
                "the Malian army",
                "gunmen",
                "villagers",
                "attacked",
                "were killed by",
                "and",
                "Fulani herders",
                "police",
                "in Gao.",
                "protesters",
                "(coded separately)",
                "Ethiopian and Eritrean troops",
            ]
        ),
        max_size=12,
    )
)
def test_offsets_always_point_at_the_text(lexicon: ActorLexicon, words: list[str]) -> None:
    text = " ".join(words)
    for m in _mentions(text, lexicon):
        assert text[m.start : m.end] == m.text
        assert m.start < m.end
    a = assign_actors(
        _mentions(text, lexicon),
        event_type="Battles",
        sub_event_type="Armed clash",
        event_country="Mali",
        lexicon=lexicon,
    )
    assert (a.actor1 is None) == (a.inter1 is None)
    assert (a.actor2 is None) == (a.inter2 is None)


# ------------------------------------------------------------------ conventions
def test_state_forces_come_first_in_a_fight_between_equals(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Clashes were reported between Islamist militants and Malian soldiers near Kadial.",
        lexicon,
        "Armed clash",
        "Battles",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("Military Forces of Mali", 1)
    assert (a.actor2, a.inter2) == ("Unidentified Armed Group (Mali)", 3)


def test_a_fight_within_one_kind_of_group_names_it_twice(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Four people were wounded in a clash between two unknown armed groups in Helmand.",
        lexicon,
        "Armed clash",
        "Battles",
        "Afghanistan",
    )
    assert (a.inter1, a.inter2) == (3, 3)


def test_an_attack_on_armed_men_names_them_not_civilians(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Ethiopian forces attacked armed men in Dangur area, killing 16.",
        lexicon,
        "Attack",
        "Violence against civilians",
        "Ethiopia",
    )
    assert (a.actor1, a.inter1) == ("Military Forces of Ethiopia", 1)
    assert (a.actor2, a.inter2) == ("Unidentified Armed Group (Ethiopia)", 3)


def test_a_claim_in_another_sentence_names_the_doer(lexicon: ActorLexicon) -> None:
    first, second = split_sentences(
        "Three soldiers were wounded by the explosion of an IED near Menaka. "
        "JNIM claimed responsibility."
    )
    a = assign_actors(
        find_actors([first], lexicon=lexicon),
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        event_country="Mali",
        lexicon=lexicon,
        context=find_actors([first, second], lexicon=lexicon),
    )
    assert (a.actor1, a.inter1) == ("JNIM: Group for Support of Islam and Muslims", 2)


def test_the_forces_facing_a_riot_may_stand_in_a_later_sentence(lexicon: ActorLexicon) -> None:
    first, second = split_sentences("Rioters blocked a road in Save. Police intervened.")
    a = assign_actors(
        find_actors([first], lexicon=lexicon),
        event_type="Riots",
        sub_event_type="Violent demonstration",
        event_country="Benin",
        lexicon=lexicon,
        context=find_actors([first, second], lexicon=lexicon),
    )
    assert (a.actor2, a.inter2) == ("Police Forces of Benin", 1)


def test_a_country_can_have_its_own_unnamed_doer(lexicon: ActorLexicon) -> None:
    a = _assign(
        "The monitoring mission observed 24 shots involving small arms near Muratove.",
        lexicon,
        "Armed clash",
        "Battles",
        "Ukraine",
    )
    assert (a.inter1, a.inter2) == (1, 2)
    b = _assign("Shots were heard near the town.", lexicon, "Armed clash", "Battles", "Mali")
    assert (b.actor1, b.inter1) == ("Unidentified Armed Group (Mali)", 3)


def test_polisario_is_a_rebel_group(lexicon: ActorLexicon) -> None:
    a = _assign(
        "Moroccan forces fired on Polisario fighters near Mahbes.",
        lexicon,
        "Armed clash",
        "Battles",
        "Western Sahara",
    )
    assert (a.actor1, a.inter1) == ("Military Forces of Morocco", 1)
    assert (a.actor2, a.inter2) == ("Polisario Front", 2)
