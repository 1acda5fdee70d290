"""Picking the event's place from text: cues, context countries, features, borders."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.extract.gazetteer import Gazetteer
from corroborate.extract.places import EXTRACTOR, PlaceHints, PlaceResult, extract_place

SEED = Path(__file__).parent.parent / "data" / "seed-article.txt"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _place(text: str, gaz: Gazetteer, **kw: object) -> PlaceResult:
    res = extract_place(text, gazetteer=gaz, **kw)  # type: ignore[arg-type]
    assert res is not None, text
    return res


def test_town_admin2_admin1_notes_style(gaz: Gazetteer) -> None:
    res = _place("On 6 July 2020, militiamen burned the village of Saou (Koro, Mopti).", gaz)
    # Saou is not in the gazetteer (a French homonym is): the regions place it
    assert res.country == "Mali" and res.admin1 == "Mopti"
    assert res.geo_precision == 2
    assert res.latitude is not None and 13.5 < res.latitude < 15


def test_town_with_its_regions(gaz: Gazetteer) -> None:
    res = _place("Militants attacked an army post in Djibo (Soum, Sahel).", gaz)
    assert (res.country, res.admin1, res.location) == ("Burkina Faso", "Sahel", "Djibo")
    assert res.geo_precision == 1
    ev = {e.field: e for e in res.evidence}
    assert ev["location"].text == "Djibo"
    assert ev["admin1"].text == "Sahel"


def test_homonym_resolved_by_country_in_text(gaz: Gazetteer) -> None:
    lebanon = _place("Clashes erupted in Tripoli overnight, the Lebanese army said.", gaz)
    assert lebanon.country == "Lebanon"
    libya = _place("Clashes erupted in Tripoli overnight, Libyan officials said.", gaz)
    assert libya.country == "Libya"
    assert _place("Gunmen attacked Tripoli.", gaz, hints=PlaceHints(countries=("LB",))).country == (
        "Lebanon"
    )


def test_region_cue_after_comma(gaz: Gazetteer) -> None:
    res = _place("Police dispersed a protest in Kaya, Centre-Nord region.", gaz)
    assert (res.country, res.admin1, res.location) == ("Burkina Faso", "Centre-Nord", "Kaya")


def test_near_a_town_is_precision_two(gaz: Gazetteer) -> None:
    res = _place("Three gold miners were killed near Ain Ben Tili.", gaz)
    assert res.country == "Mauritania" and res.admin1 == "Tiris Zemmour"
    assert res.geo_precision == 2
    assert _place("Three gold miners were killed in Ain Ben Tili.", gaz).geo_precision == 1


def test_supplement_place_in_western_sahara(gaz: Gazetteer) -> None:
    res = _place("Protesters blocked the road at Guerguerat.", gaz)
    assert res.country == "Western Sahara" and res.latitude == pytest.approx(21.37, abs=0.05)


def test_border_phrases(gaz: Gazetteer) -> None:
    res = _place("Mauritanian prospectors were hit near the border with Western Sahara.", gaz)
    assert res.country == "Mauritania" and res.admin1 == "Tiris Zemmour"
    assert res.geo_precision == 3 and (res.latitude or 0) > 20
    res = _place("The strike hit the Mauritanian border with the occupied Sahrawi lands.", gaz)
    assert res.country == "Mauritania" and res.geo_precision == 3
    res = _place("Fighting was reported along the border between Mali and Niger.", gaz)
    assert res.country_code in ("ML", "NE") and res.geo_precision == 3


def test_features_and_directions(gaz: Gazetteer) -> None:
    res = _place("Jihadists attacked a convoy in northern Mali.", gaz)
    assert res.country == "Mali" and res.geo_precision == 3
    res = _place("Drones struck a vehicle in the occupied Sahrawi lands.", gaz)
    assert res.country == "Western Sahara" and res.geo_precision == 3
    res = _place("Moroccan forces patrolled the Moroccan Sahara.", gaz)
    assert res.country == "Western Sahara"
    res = _place("An attack took place in the Sahel region, Burkinabe sources said.", gaz)
    assert (res.country, res.admin1) == ("Burkina Faso", "Sahel")


def test_country_only(gaz: Gazetteer) -> None:
    res = _place("Malian soldiers were ambushed. The Malian army said two died.", gaz)
    assert res.country == "Mali" and res.admin1 is None and res.geo_precision == 3


def test_no_place_is_none(gaz: Gazetteer) -> None:
    assert extract_place("Gunmen killed two people on Monday.", gazetteer=gaz) is None
    assert extract_place("", gazetteer=gaz) is None


def test_focus_sentence_wins_over_context(gaz: Gazetteer) -> None:
    text = "The meeting was held in Nouakchott. Three gold miners were killed near Ain Ben Tili."
    event = text.index("Three")
    res = _place(text, gaz, focus=[(event, len(text))])
    assert res.location == "Ain Ben Tili"
    first = _place(text, gaz)  # no focus: the first sentence naming a place
    assert first.location == "Nouakchott"


def test_person_names_are_not_places(gaz: Gazetteer) -> None:
    text = "According to the newspaper Zahret Chinguetti, miners were hit in Mauritania."
    res = _place(text, gaz)
    assert res.location != "Chinguetti" and res.country == "Mauritania"
    assert _place("Minister Sidi Gao spoke in Bamako.", gaz).location == "Bamako"


def test_excluded_spans(gaz: Gazetteer) -> None:
    text = "Abdoulaye Kidal met reporters in Bamako."
    start = text.index("Kidal")
    res = _place(text, gaz, hints=PlaceHints(exclude=((0, start + 5),)))
    assert res.location == "Bamako"


def test_seed_article(gaz: Gazetteer) -> None:
    text = SEED.read_text(encoding="utf-8")
    start = text.index("According to")
    end = text.index("three victims.") + len("three victims.")
    for focus in (None, [(start, end)]):
        res = _place(text, gaz, focus=focus)
        assert res.country == "Mauritania"
        assert res.geo_precision in (2, 3)
        assert res.latitude is not None and res.latitude > 20
        assert res.admin1 == "Tiris Zemmour"
        fields = {e.field for e in res.evidence}
        assert fields == {"location", "country", "admin1"}


def test_result_fields(gaz: Gazetteer) -> None:
    res = _place("Protesters gathered in Albany (New York) on Sunday.", gaz)
    assert res.to_fields() == {
        "country": "United States",
        "admin1": "New York",
        "location": "Albany",
        "latitude": res.latitude,
        "longitude": res.longitude,
        "geo_precision": 1,
    }
    assert all(e.extractor == EXTRACTOR and e.version == "1" for e in res.evidence)


_PIECES = st.sampled_from(
    ["On 3 May,", "gunmen attacked", "the village of", "Ouatagouna", "(Ansongo, Gao).",
     "near", "Bir Moghrein", "the border with Western Sahara", "Mauritanian", "in", "Koro",
     "(Koro, Mopti)", "northern Mali", "Police", "said", "Tripoli", "Lebanese", ".", "\n",
     "the Sahel", "Djibo", "Burkinabè", "occupied Sahrawi lands", "Sahel region"]
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=20), st.data())
def test_evidence_offsets_slice_the_text(
    gaz: Gazetteer, pieces: list[str], data: st.DataObject
) -> None:
    text = " ".join(pieces)
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    focus = data.draw(st.sampled_from([None, [(cut, len(text))], [(0, cut)]]))
    res = extract_place(text, gazetteer=gaz, focus=focus)
    if res is None:
        return
    assert res.country is not None and res.geo_precision in (1, 2, 3)
    assert res.latitude is not None and res.longitude is not None
    for ev in res.evidence:
        assert 0 <= ev.start <= ev.end <= len(text)
        assert text[ev.start : ev.end] == ev.text
        assert ev.field in ("location", "country", "admin1")
        assert ev.extractor == EXTRACTOR


def test_exclusions_inside_a_longer_place_name_are_ignored(gaz: Gazetteer) -> None:
    text = "The strike hit the Mauritanian border with the occupied Sahrawi lands."
    sahrawi = text.index("Sahrawi")
    res = _place(text, gaz, hints=PlaceHints(exclude=((sahrawi, sahrawi + 7),)))
    assert res.country == "Mauritania" and res.admin1 == "Tiris Zemmour"


def test_a_big_city_named_as_where_beats_the_country_the_text_is_about(gaz: Gazetteer) -> None:
    res = _place(
        "On 12 March 2022, people demonstrated in Malmo to denounce the Russian invasion "
        "of Ukraine and call on authorities to promote peace.",
        gaz,
    )
    assert (res.country, res.location) == ("Sweden", "Malmö")
