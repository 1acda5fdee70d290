"""French and Arabic actor patterns: the same ACLED-style names as English,
with evidence offsets in the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.actors import (
    ActorLexicon,
    ActorMention,
    Actors,
    assign_actors,
    find_actors,
)
from corroborate.extract.gazetteer import Gazetteer
from corroborate.extract.text import split_sentences


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def fr(gazetteer: Gazetteer) -> ActorLexicon:
    return ActorLexicon.load(demonyms=gazetteer.demonyms(), language="fr")


@pytest.fixture(scope="module")
def ar(gazetteer: Gazetteer) -> ActorLexicon:
    return ActorLexicon.load(demonyms=gazetteer.demonyms(), language="ar")


def _mentions(text: str, lexicon: ActorLexicon) -> list[ActorMention]:
    found = find_actors(split_sentences(text), lexicon=lexicon)
    for m in found:
        assert text[m.start : m.end] == m.text
    return found


def _assign(text: str, lexicon: ActorLexicon, sub: str, event_type: str, country: str) -> Actors:
    return assign_actors(
        _mentions(text, lexicon),
        event_type=event_type,
        sub_event_type=sub,
        event_country=country,
        lexicon=lexicon,
    )


# ------------------------------------------------------------------ French
@pytest.mark.parametrize(
    ("text", "sub", "event_type", "country", "expected"),
    [
        (
            "Des hommes armés ont attaqué l'armée malienne près de Boni.",
            "Armed clash",
            "Battles",
            "Mali",
            ("Unidentified Armed Group (Mali)", 3, "Military Forces of Mali", 1),
        ),
        (
            "Trois orpailleurs mauritaniens ont été tués par des jihadistes.",
            "Attack",
            "Violence against civilians",
            "Mali",
            ("Unidentified Armed Group (Mali)", 3, "Civilians (Mauritania)", 7),
        ),
        (
            "Les Forces armées royales ont ciblé des éléments du Polisario près de Mahbes.",
            "Armed clash",
            "Battles",
            "Western Sahara",
            ("Military Forces of Morocco", 1, "Polisario Front", 2),
        ),
        (
            "Des manifestants ont protesté devant la préfecture de Kayes.",
            "Peaceful protest",
            "Protests",
            "Mali",
            ("Protesters (Mali)", 6, None, None),
        ),
        (
            "Deux civils ont été tués par des présumés terroristes de l'EIGS à Ménaka.",
            "Attack",
            "Violence against civilians",
            "Mali",
            ("Islamic State (Greater Sahara)", 2, "Civilians (Mali)", 7),
        ),
        (
            "La police sénégalaise a interpellé cinq personnes à Dakar.",
            "Arrests",
            "Strategic developments",
            "Senegal",
            ("Police Forces of Senegal", 1, "Civilians (Senegal)", 7),
        ),
        (
            "Les soldats maliens ont été pris pour cible par des éléments du GSIM.",
            "Armed clash",
            "Battles",
            "Mali",
            ("JNIM: Group for Support of Islam and Muslims", 2, "Military Forces of Mali", 1),
        ),
    ],
)
def test_french_actors(
    fr: ActorLexicon,
    text: str,
    sub: str,
    event_type: str,
    country: str,
    expected: tuple[str | None, int | None, str | None, int | None],
) -> None:
    a = _assign(text, fr, sub, event_type, country)
    assert (a.actor1, a.inter1, a.actor2, a.inter2) == expected


def test_french_attack_of_a_group_names_its_doer(fr: ActorLexicon) -> None:
    a = _assign(
        "Les FAMa ont repoussé une attaque des terroristes du JNIM contre leur poste.",
        fr,
        "Armed clash",
        "Battles",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("JNIM: Group for Support of Islam and Muslims", 2)
    assert (a.actor2, a.inter2) == ("Military Forces of Mali", 1)


def test_french_reflexive_verb_is_not_passive(fr: ActorLexicon) -> None:
    ms = _mentions("Des combattants du MSA et des jihadistes se sont affrontés samedi.", fr)
    assert ms[0].template == "MSA: Movement for the Salvation of Azawad"
    assert ms[0].role == "doer"


def test_french_demonym_after_the_noun_gives_the_country(fr: ActorLexicon) -> None:
    (m,) = _mentions("Les forces armées tchadiennes sont arrivées.", fr)
    assert m.country == "Chad"
    assert m.text == "forces armées tchadiennes"


def test_french_forces_abroad_are_external(fr: ActorLexicon) -> None:
    a = _assign(
        "L'armée française a frappé des jihadistes près de Gao.",
        fr,
        "Air/drone strike",
        "Explosions/Remote violence",
        "Mali",
    )
    assert (a.actor1, a.inter1) == ("Military Forces of France", 8)


# ------------------------------------------------------------------ Arabic
@pytest.mark.parametrize(
    ("text", "sub", "event_type", "country", "expected"),
    [
        (
            "هاجم مسلحون مجهولون دورية للجيش المالي قرب بوني.",
            "Armed clash",
            "Battles",
            "Mali",
            ("Unidentified Armed Group (Mali)", 3, "Military Forces of Mali", 1),
        ),
        (
            "قُتل ثلاثة مدنيين على يد مسلحين في قرية قرب ميناكا.",
            "Attack",
            "Violence against civilians",
            "Mali",
            ("Unidentified Armed Group (Mali)", 3, "Civilians (Mali)", 7),
        ),
        (
            "استهدفت القوات المسلحة الملكية عناصر من البوليساريو قرب المحبس.",
            "Armed clash",
            "Battles",
            "Western Sahara",
            ("Military Forces of Morocco", 1, "Polisario Front", 2),
        ),
        (
            "هاجمت هيئة تحرير الشام مواقع للجيش السوري في ريف إدلب.",
            "Armed clash",
            "Battles",
            "Syrian Arab Republic",
            ("HTS: Hayat Tahrir al Sham", 2, "Military Forces of Syrian Arab Republic", 1),
        ),
        (
            "اعتقلت الشرطة الجزائرية خمسة أشخاص في وهران.",
            "Arrests",
            "Strategic developments",
            "Algeria",
            ("Police Forces of Algeria", 1, "Civilians (Algeria)", 7),
        ),
        (
            "تظاهر مئات المحتجين أمام البرلمان في تونس.",
            "Peaceful protest",
            "Protests",
            "Tunisia",
            ("Protesters (Tunisia)", 6, None, None),
        ),
        (
            "لقي جنديان موريتانيان مصرعهما في انفجار لغم.",
            "Remote explosive/landmine/IED",
            "Explosions/Remote violence",
            "Mauritania",
            ("Unidentified Armed Group (Mauritania)", 3, "Military Forces of Mauritania", 1),
        ),
    ],
)
def test_arabic_actors(
    ar: ActorLexicon,
    text: str,
    sub: str,
    event_type: str,
    country: str,
    expected: tuple[str | None, int | None, str | None, int | None],
) -> None:
    a = _assign(text, ar, sub, event_type, country)
    assert (a.actor1, a.inter1, a.actor2, a.inter2) == expected


def test_arabic_unit_of_the_army_is_one_subject(ar: ActorLexicon) -> None:
    a = _assign(
        "اشتبكت دورية تابعة للجيش الموريتاني مع مهربين مسلحين قرب الحدود.",
        ar,
        "Armed clash",
        "Battles",
        "Mauritania",
    )
    assert (a.actor1, a.inter1) == ("Military Forces of Mauritania", 1)
    assert a.inter2 == 3


def test_arabic_soldiers_after_the_verb_underwent_it(ar: ActorLexicon) -> None:
    a = _assign(
        "قتل خمسة جنود من الجيش البوركينابي في انفجار عبوة ناسفة.",
        ar,
        "Remote explosive/landmine/IED",
        "Explosions/Remote violence",
        "Burkina Faso",
    )
    assert (a.inter1, a.actor2, a.inter2) == (3, "Military Forces of Burkina Faso", 1)


def test_arabic_occupation_army_takes_the_demonym(ar: ActorLexicon) -> None:
    (m,) = [
        m
        for m in _mentions("قصفت قوات الاحتلال المغربي مواقع قرب المحبس.", ar)
        if m.kind == "state"
    ]
    assert m.name(None) == "Military Forces of Morocco"


def test_arabic_matches_through_diacritics_and_alef_forms(ar: ActorLexicon) -> None:
    text = "أعلن تنظيمُ الدَّولةِ الإسلاميَّة مسؤوليته عن الهجوم."
    named = [m for m in _mentions(text, ar) if m.kind == "named"]
    assert [m.template for m in named] == ["Islamic State"]
    assert named[0].text.endswith("الإسلاميَّة")


def test_arabic_proclitics_stay_one_mention(ar: ActorLexicon) -> None:
    (m,) = [m for m in _mentions("وصل والجيش المغربي إلى المنطقة.", ar) if m.kind == "state"]
    assert m.text == "والجيش المغربي"
    assert m.country == "Morocco"


_ARABIC_WORDS = ["الجيش", "المالي", "مسلحون", "قتل", "مدنيين", "البوليساريو", "في", "قرية", "،"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_ARABIC_WORDS), min_size=1, max_size=10),
    st.lists(st.sampled_from(["", "\u064e", "\u0651", "\u0640"]), min_size=10, max_size=10),
)
def test_arabic_offsets_point_into_the_original(
    ar: ActorLexicon, words: list[str], marks: list[str]
) -> None:
    text = " ".join(w + mk for w, mk in zip(words, marks, strict=False)) + "."
    for m in find_actors(split_sentences(text), lexicon=ar):
        assert text[m.start : m.end] == m.text
        assert m.text.strip() == m.text
