"""The offline gazetteer: lookups, regions, demonyms, supplement, mentions in text."""

from __future__ import annotations

import gzip
import pickle
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.errors import ExtractionError
from corroborate.extract.gazetteer import (
    DATA_DIR,
    Gazetteer,
    haversine_km,
    normalise_name,
    strip_article,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


# ------------------------------------------------------------------ normalising


def test_normalise_name_folds_case_accents_hyphens_apostrophes() -> None:
    assert normalise_name("Ségou") == "segou"
    assert normalise_name("SÉGOU") == "segou"
    assert normalise_name("Centre-Nord") == "centre nord"
    assert normalise_name("Fada N'Gourma") == normalise_name("Fada Ngourma")
    assert normalise_name("Fada N’gourma") == "fada ngourma"
    assert normalise_name("  Bir   Moghrein ") == "bir moghrein"
    assert strip_article("el fasher") == "fasher"
    assert strip_article("al hasakah") == "hasakah"


def test_haversine() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.2, abs=0.5)


# ------------------------------------------------------------------ lookups


def test_lookup_is_accent_and_case_insensitive(gaz: Gazetteer) -> None:
    for q in ("Ségou", "segou", "SEGOU"):
        towns = [p for p in gaz.lookup(q, kinds=["city"]) if p.country_code == "ML"]
        assert towns, q
        assert towns[0].name == "Ségou"
        assert towns[0].country == "Mali"
        assert towns[0].admin1 == "Segou"
        assert 13 < (towns[0].latitude or 0) < 14


def test_lookup_apostrophes_and_articles(gaz: Gazetteer) -> None:
    fada = gaz.lookup("Fada Ngourma", country="BF")
    assert fada and fada[0].admin1 == "Est"
    assert gaz.lookup("Fasher", country="SD")  # "El Fasher" without its article


def test_lookup_country_filter(gaz: Gazetteer) -> None:
    assert all(p.country_code == "LB" for p in gaz.lookup("Tripoli", country="Lebanon"))
    assert {p.country_code for p in gaz.lookup("Tripoli")} >= {"LB", "LY"}
    assert gaz.lookup("Tripoli", country="Nowhereland") == []
    assert gaz.lookup("") == []


def test_country_by_code_name_alias_demonym(gaz: Gazetteer) -> None:
    eh = gaz.country("EH")
    assert eh is not None and eh.name == "Western Sahara" and eh.kind == "country"
    assert eh.geo_precision == 3
    assert gaz.country("Mauritania") is not None
    ci = gaz.country("Ivory Coast")
    assert ci is not None and ci.country_code == "CI"
    assert gaz.country("MRT") is not None  # alpha-3
    morocco = gaz.country("Moroccan")
    assert morocco is not None and morocco.name == "Morocco"
    assert gaz.country("Atlantis") is None
    assert gaz.country_name("mr") == "Mauritania"


def test_admin1_aliases(gaz: Gazetteer) -> None:
    somali = gaz.admin1("SO", "Shabeellaha Hoose")
    assert somali is not None and somali.name == "Lower Shabelle"
    assert gaz.admin1("Somalia", "lower shabelle") == somali
    timbuktu = gaz.admin1("Mali", "Timbuktu")
    assert timbuktu is not None and timbuktu.name == "Tombouctou"
    for cc, alias, name in [
        ("MR", "Tiris Zemmour", "Tiris Zemmour"),
        ("MR", "Dakhlet-Nouadhibou", "Dakhlet Nouadhibou"),
        ("BF", "Boucle du Mouhoun", "Boucle du Mouhoun"),
        ("BF", "High-Basins", "Hauts-Bassins"),
        ("NE", "Tillabéry", "Tillaberi"),
        ("ET", "Tigrai", "Tigray"),
        ("SY", "Idlib", "Idleb"),
    ]:
        region = gaz.admin1(cc, alias)
        assert region is not None, alias
        assert region.name == name
        assert region.kind == "admin1"
        assert region.latitude is not None
    assert gaz.admin1("ML", "Mopti Region") is not None  # generic suffixes
    assert gaz.admin1("ML", "Nowhere") is None
    assert gaz.unresolved == []  # every row of the hand tables matched something


def test_admin2_within_admin1(gaz: Gazetteer) -> None:
    koro = gaz.admin2("ML", "Koro", admin1="Mopti")
    assert koro and koro[0].admin1 == "Mopti" and koro[0].kind == "admin2"
    assert gaz.admin2("ML", "Koro", admin1="Gao") == []


def test_demonyms(gaz: Gazetteer) -> None:
    assert gaz.demonym_country("Mauritanian") == "MR"
    assert gaz.demonym_country("Burkinabè") == "BF"
    assert gaz.demonym_country("burkinabe") == "BF"
    assert gaz.demonym_country("Sahrawi") == "EH"
    assert gaz.demonym_country("Saharawi") == "EH"
    assert gaz.demonym_country("Malian") == "ML"
    assert gaz.demonym_country("Nigerien") == "NE"
    assert gaz.demonym_country("Nigerian") == "NG"
    assert gaz.demonym_country("table") is None
    forms = gaz.demonyms()
    assert forms["Algerian"] == "Algeria" and forms["algerian"] == "Algeria"
    assert forms["Sahrawi"] == "Western Sahara"


def test_supplement_places(gaz: Gazetteer) -> None:
    abt = gaz.lookup("Ain Ben Tili")
    assert abt and abt[0].country == "Mauritania" and abt[0].admin1 == "Tiris Zemmour"
    assert abt[0].latitude == pytest.approx(25.98, abs=0.1)
    g = gaz.lookup("Guerguerat")
    assert g and g[0].country == "Western Sahara" and g[0].latitude == pytest.approx(21.37, 0.01)
    chami = gaz.lookup("Chami", kinds=["supplement", "city"])
    assert chami and chami[0].admin1 == "Dakhlet Nouadhibou"
    # a supplement row naming a GeoNames town adds spellings to that town
    bir = gaz.lookup("Bir Mogrein", kinds=["city", "supplement"])
    assert bir and bir[0].kind == "city" and bir[0].admin1 == "Tiris Zemmour"


def test_places_in_western_sahara_are_western_sahara(gaz: Gazetteer) -> None:
    smara = [p for p in gaz.lookup("Smara") if p.kind == "city" and p.latitude and p.latitude < 27]
    assert smara and all(p.country == "Western Sahara" and p.admin1 is None for p in smara)
    dakhla = gaz.lookup("Dakhla", kinds=["city"])
    assert any(p.country_code == "EH" for p in dakhla)


def test_features_borders_directions(gaz: Gazetteer) -> None:
    ws = gaz.features("occupied Sahrawi lands")
    assert ws and ws[0].country == "Western Sahara" and ws[0].geo_precision == 3
    lake = gaz.features("Lake Chad")
    assert {p.country_code for p in lake} >= {"TD", "NE", "NG", "CM"}
    border = gaz.border("MR", "EH")
    assert border is not None
    assert border.country == "Mauritania" and border.admin1 == "Tiris Zemmour"
    assert (border.latitude or 0) > 20 and border.geo_precision == 3
    computed = gaz.border("Senegal", "Gambia")  # no curated row: nearest town
    assert computed is not None and computed.country_code == "SN"
    north = gaz.direction("Mali", "northern")
    assert north is not None and north.country == "Mali" and (north.latitude or 0) > 15
    assert gaz.direction("Mali", "upwards") is None
    assert "GM" in gaz.neighbours("SN")


# ------------------------------------------------------------------ mentions


def test_find_mentions_longest_name_and_demonyms(gaz: Gazetteer) -> None:
    text = "Mauritanian miners were hit near Bir Moghrein, close to the Sahrawi lands."
    found = gaz.find_mentions(text)
    by_text = {m.text: m for m in found}
    assert by_text["Mauritanian"].demonym
    assert by_text["Mauritanian"].places[0].country_code == "MR"
    assert "Bir Moghrein" in by_text
    assert "Bir" not in by_text
    for m in found:
        assert text[m.start : m.end] == m.text


def test_find_mentions_skips_stopwords_and_partial_hyphen_names(gaz: Gazetteer) -> None:
    text = "Police said the Army entered Fili-Fili on Monday."
    found = {m.text for m in gaz.find_mentions(text)}
    assert "Police" not in found and "Army" not in found and "Monday" not in found
    assert "Fili" not in found  # a Moscow district, not part of "Fili-Fili"
    assert gaz.is_stopword("police")


def test_find_mentions_features_any_case(gaz: Gazetteer) -> None:
    text = "Drones struck in the Occupied Sahrawi Lands and in the Sahel."
    found = [m for m in gaz.find_mentions(text) if m.feature]
    assert [m.text for m in found] == ["Occupied Sahrawi Lands", "the Sahel"]


def test_find_mentions_hyphenated_parts(gaz: Gazetteer) -> None:
    found = gaz.find_mentions("the Algerian-Mauritanian joint committee")
    assert [(m.text, m.demonym) for m in found] == [("Algerian", True), ("Mauritanian", True)]


_WORDS = st.sampled_from(
    ["Mali", "Gao", "Bir", "Moghrein", "the", "near", "Sahel", "-", "'s", "Timbuktu", "é", "Ségou",
     "border", "with", "Western", "Sahara", "(", ")", ",", "Police", "Mauritanian", "\n", "Koro"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=25), st.sampled_from([" ", "", "  "]))
def test_mention_offsets_slice_the_text(gaz: Gazetteer, words: list[str], sep: str) -> None:
    text = sep.join(words)
    last = -1
    for m in gaz.find_mentions(text):
        assert text[m.start : m.end] == m.text
        assert m.start >= last  # in order, not overlapping
        last = m.end
        assert m.places


def test_entity_patterns(gaz: Gazetteer) -> None:
    patterns = gaz.entity_patterns(min_population=2_000_000)
    labels = {p["label"] for p in patterns}
    assert labels <= {"GPE", "LOC"}
    lowered = {tuple(t["LOWER"] for t in p["pattern"]) for p in patterns}
    assert ("mauritania",) in lowered
    assert ("western", "sahara") in lowered
    assert ("lagos",) in lowered


# ------------------------------------------------------------------ loading


def test_load_missing_artifact_raises(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as err:
        Gazetteer.load(tmp_path)
    assert err.value.reason == "missing-gazetteer"


def test_load_refuses_pickled_classes(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.pickle.gz").write_bytes(gzip.compress(pickle.dumps(date.today())))
    with pytest.raises(ExtractionError):
        Gazetteer.load(tmp_path)


def test_load_rejects_wrong_format(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.pickle.gz").write_bytes(gzip.compress(pickle.dumps({"format": 0})))
    with pytest.raises(ExtractionError):
        Gazetteer.load(tmp_path / "gazetteer.pickle.gz")


def test_attribution_ships_with_the_data() -> None:
    licence = (DATA_DIR / "LICENSE-GeoNames.txt").read_text(encoding="utf-8")
    assert "CC BY 4.0" in licence or "Creative Commons Attribution 4.0" in licence


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Mauritanie", "MR"),
        ("Algérie", "DZ"),
        ("Tchad", "TD"),
        ("Sahara occidental", "EH"),
        ("موريتانيا", "MR"),
        ("مالي", "ML"),
        ("ليبيا", "LY"),
        ("Mauritânia", "MR"),
    ],
)
def test_country_names_in_the_press_languages(gaz: Gazetteer, name: str, code: str) -> None:
    found = gaz.lookup(name, kinds=["country"])
    assert found and found[0].country_code == code


def test_arabic_spellings_fold_to_one_key() -> None:
    # taa marbuta / haa, alef forms, alef maksura / yeh, diacritics
    assert normalise_name("موريتانية") == normalise_name("موريتانيه")
    assert normalise_name("أَلْعيون") == normalise_name("العيون")
    assert normalise_name("مستشفى") == normalise_name("مستشفي")


def test_one_place_whatever_the_language(gaz: Gazetteer) -> None:
    from corroborate.extract.places import extract_place

    texts = [
        "Gunmen attacked a gendarmerie post in Timbuktu, Mali.",
        "Des hommes armés ont attaqué un poste de gendarmerie à Tombouctou, au Mali.",
        "هاجم مسلحون مركزا للدرك في تمبكتو في مالي.",
    ]
    results = [extract_place(t, gazetteer=gaz) for t in texts]
    assert all(r is not None for r in results)
    assert {(r.country, r.admin1) for r in results if r is not None} == {("Mali", "Tombouctou")}


@pytest.mark.parametrize(
    ("word", "name"),
    [("بتمبكتو", "Timbuktu"), ("وغاو", "Gao"), ("بالجزائر", "Algiers"), ("لكيدال", "Kidal")],
)
def test_arabic_names_behind_proclitics(gaz: Gazetteer, word: str, name: str) -> None:
    found = gaz.find_mentions(f"هجوم {word} أمس")
    assert found and found[0].text == word
    assert name in {p.name for p in found[0].places}
