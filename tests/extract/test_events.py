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


# --------------------------------------------------------------- other languages
@pytest.mark.parametrize(
    ("language", "text", "sub"),
    [
        (
            "fr",
            "Un drone a frappé un camion d'orpailleurs près de Bir Moghreïn.",
            "Air/drone strike",
        ),
        ("fr", "Les FAMa ont repoussé une attaque contre leur poste de Boni.", "Armed clash"),
        (
            "fr",
            "Un engin explosif improvisé a sauté au passage d'un convoi.",
            "Remote explosive/landmine/IED",
        ),
        ("fr", "Un kamikaze s'est fait exploser devant la caserne.", "Suicide bomb"),
        (
            "fr",
            "Des hommes armés ont enlevé trois commerçants sur l'axe Gao-Ansongo.",
            "Abduction/forced disappearance",
        ),
        (
            "fr",
            "Des centaines d'étudiants ont observé un sit-in devant le rectorat.",
            "Peaceful protest",
        ),
        (
            "fr",
            "La police a dispersé les manifestants à coups de gaz lacrymogènes.",
            "Protest with intervention",
        ),
        (
            "fr",
            "Des émeutiers ont brûlé des pneus et jeté des pierres sur les gendarmes.",
            "Violent demonstration",
        ),
        ("fr", "Un voleur présumé a été lynché par une foule en colère.", "Mob violence"),
        (
            "fr",
            "Les Forces armées royales ont pilonné les positions ennemies.",
            "Shelling/artillery/missile attack",
        ),
        ("fr", "La gendarmerie a interpellé quatre suspects à Kayes.", "Arrests"),
        (
            "fr",
            "L'armée a repris le contrôle de la localité de Boulkessi.",
            "Government regains territory",
        ),
        ("fr", "Les deux communautés ont signé un accord de paix à Mopti.", "Agreement"),
        (
            "fr",
            "Les démineurs ont désamorcé un engin explosif sur la route de Djibo.",
            "Disrupted weapons use",
        ),
        ("ar", "استهدفت طائرة مسيرة سيارة للمنقبين عن الذهب قرب الحدود.", "Air/drone strike"),
        ("ar", "قُتِلَ خمسة جنود في كمين نصبه مسلحون قرب تساليت.", "Armed clash"),
        ("ar", "انفجرت عبوة ناسفة لدى مرور دورية عسكرية.", "Remote explosive/landmine/IED"),
        ("ar", "اختطف مسلحون مجهولون ثلاثة تجار على الطريق.", "Abduction/forced disappearance"),
        ("ar", "نظم عشرات العمال وقفة احتجاجية أمام مقر الولاية.", "Peaceful protest"),
        ("ar", "فرقت قوات الأمن المتظاهرين بالغاز المسيل للدموع.", "Protest with intervention"),
        ("ar", "اندلعت أعمال شغب ورشق الشبان قوات الأمن بالحجارة.", "Violent demonstration"),
        (
            "ar",
            "قصفت وحدات الجيش مواقع العدو بقذائف المدفعية.",
            "Shelling/artillery/missile attack",
        ),
        ("ar", "ألقت الشرطة القبض على أربعة مشتبه بهم في نواذيبو.", "Arrests"),
        ("ar", "فجر انتحاري حزامه الناسف قرب حاجز للجيش.", "Suicide bomb"),
        ("ar", "اندلعت اشتباكات بين مجموعتين مسلحتين في طرابلس.", "Armed clash"),
        (
            "fr",
            "Un commissariat a été incendié par des manifestants en colère.",
            "Violent demonstration",
        ),
        ("fr", "La police a arrêté un militant d'opposition à son domicile.", "Arrests"),
        (
            "fr",
            "Les unités ont ciblé les retranchements des forces d'occupation.",
            "Shelling/artillery/missile attack",
        ),
        ("fr", "Le gouvernement et les groupes armés ont paraphé un nouvel accord.", "Agreement"),
        ("fr", "Trois femmes ont été violées lundi par des hommes armés.", "Sexual violence"),
        ("fr", "Des obus contenant un gaz toxique sont tombés sur le quartier.", "Chemical weapon"),
        (
            "ar",
            "شنت وحدات الجيش هجمات مركزة على مواقع قوات الاحتلال بقطاع المحبس.",
            "Shelling/artillery/missile attack",
        ),
        ("ar", "انهال عليه حشد من المارة بالضرب حتى الموت.", "Mob violence"),
        (
            "ar",
            "سقطت قذائف على مدينة تمبكتو ما أدى إلى مقتل مدنيين اثنين.",
            "Shelling/artillery/missile attack",
        ),
        ("ar", "أضرم محتجون غاضبون النار في مركز للشرطة بعد وفاة شاب.", "Violent demonstration"),
        ("ar", "تعرضت أربع نساء للاغتصاب على يد مسلحين.", "Sexual violence"),
        ("ar", "أعلنت السلطات فرض حظر للتجول ليلا في المدينة.", "Other"),
        ("fr", "Un terroriste s'est rendu aux autorités militaires à Tamanrasset.", "Agreement"),
        ("ar", "أوقفت مفارز للجيش 12 عنصر دعم للجماعات الإرهابية.", "Arrests"),
        (
            "ar",
            "أعلنت التنسيقية حل هياكلها واندماج الحركات في تنظيم واحد.",
            "Change to group/activity",
        ),
        ("es", "Un dron atacó un convoy de camiones cerca de la frontera.", "Air/drone strike"),
        (
            "es",
            "Hombres armados secuestraron a dos sacerdotes en el norte.",
            "Abduction/forced disappearance",
        ),
        (
            "es",
            "Miles de personas se manifestaron en Rabat contra la carestía.",
            "Peaceful protest",
        ),
        (
            "pt",
            "Homens armados sequestraram três comerciantes na estrada.",
            "Abduction/forced disappearance",
        ),
        (
            "pt",
            "A polícia dispersou os manifestantes com gás lacrimogéneo.",
            "Protest with intervention",
        ),
        ("pt", "Confrontos entre o exército e rebeldes fizeram dez mortos.", "Armed clash"),
        ("it", "Un attentato suicida ha colpito un mercato affollato.", "Suicide bomb"),
        (
            "it",
            "Migliaia di persone hanno partecipato a una manifestazione a Roma.",
            "Peaceful protest",
        ),
        (
            "it",
            "Uomini armati hanno rapito due missionari nel nord del paese.",
            "Abduction/forced disappearance",
        ),
    ],
)
def test_sub_event_in_other_languages(language: str, text: str, sub: str) -> None:
    events = detect_events(split_sentences(text), lexicon=EventLexicon.load(language))
    assert events, text
    assert events[0].sub_event_type == sub


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "L'armée marocaine a bombardé à plusieurs reprises ces derniers mois les orpailleurs.",
        ),
        ("fr", "Ce n'est pas la première fois que des drones visent des commerçants."),
        ("fr", "L'armée a démenti toute frappe dans la zone."),
        ("fr", "Les ministres ont évoqué la coopération économique à Alger."),
        ("fr", "Les jeunes ont défilé pour commémorer la Marche verte."),
        ("ar", "قصفت مسيرات الاحتلال مرارا خلال الأشهر الماضية قوافل التجار."),
        ("ar", "نفت وزارة الدفاع وقوع أي غارة في المنطقة."),
        ("ar", "احتفل السكان بذكرى المسيرة الخضراء."),
        ("ar", "ارتفعت صادرات الفوسفات بنسبة كبيرة خلال السنة."),
    ],
)
def test_vague_or_eventless_text_in_other_languages(language: str, text: str) -> None:
    assert detect_events(split_sentences(text), lexicon=EventLexicon.load(language)) == []


def test_arabic_is_matched_on_normalised_text_with_original_offsets() -> None:
    lexicon = EventLexicon.load("ar")
    # Diacritics, hamza forms and a glued conjunction: the cue still fires,
    # and its evidence is the original spelling.
    text = "وَصَلَ الجنودُ، ثُمَّ وَاشْتَبَكَ الجنودُ مع المسلحين في إِقليمِ ميناكا."
    events = detect_events(split_sentences(text), lexicon=lexicon)
    assert events[0].sub_event_type == "Armed clash"
    for cue in events[0].cues:
        assert text[cue.start : cue.end] == cue.text
    assert any(c.text == "وَاشْتَبَكَ" for c in events[0].cues)


def test_weak_cues_give_way_to_a_strategic_development() -> None:
    lexicon = EventLexicon.load("fr")
    text = (
        "La garde nationale a saisi près de Ben Gardane un camion chargé de fusils "
        "d'assaut, de grenades et de munitions."
    )
    events = detect_events(split_sentences(text), lexicon=lexicon)
    assert events[0].sub_event_type == "Disrupted weapons use"


def test_background_in_the_pluperfect_is_not_the_event() -> None:
    lexicon = EventLexicon.load("fr")
    text = (
        "Au moins vingt civils ont été tués dans une attaque contre le village. "
        "Le village avait déjà été attaqué le mois dernier, et six gendarmes avaient été tués."
    )
    events = detect_events(split_sentences(text), lexicon=lexicon)
    assert events[0].sub_event_type == "Attack"


_HARAKAT = st.sampled_from(["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0640"])


@given(st.lists(st.tuples(st.integers(0, 60), _HARAKAT), max_size=12))
def test_arabic_offsets_hold_whatever_the_diacritics(marks: list[tuple[int, str]]) -> None:
    base = "قتل ثلاثة مدنيين في غارة لطائرة مسيرة قرب بلدة عين بنتيلي."
    chars = list(base)
    for pos, mark in sorted(marks, reverse=True):
        chars.insert(min(pos, len(chars)), mark)
    text = "".join(chars)
    events = detect_events(split_sentences(text), lexicon=EventLexicon.load("ar"))
    for event in events:
        for cue in event.cues:
            assert text[cue.start : cue.end] == cue.text


def test_every_language_lexicon_loads_and_covers_the_main_types() -> None:
    main = {
        "Armed clash",
        "Air/drone strike",
        "Remote explosive/landmine/IED",
        "Attack",
        "Abduction/forced disappearance",
        "Peaceful protest",
        "Protest with intervention",
        "Violent demonstration",
        "Arrests",
    }
    for language in ("fr", "ar", "es", "pt", "it"):
        lexicon = EventLexicon.load(language)
        assert main <= {sub for sub, _, _ in lexicon._cues}, language
