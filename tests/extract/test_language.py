from __future__ import annotations

import pytest

from corroborate.extract.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Drone strike kills three gold miners near the border", "en"),
        ("Attaque meurtrière contre des orpailleurs près de la frontière", "fr"),
        ("مقتل ثلاثة منقبين عن الذهب في غارة قرب الحدود", "ar"),
        ("Ataque con drones contra buscadores de oro en el Sáhara", "es"),
        ("Ataque de drone mata garimpeiros na fronteira da Mauritânia", "pt"),
        ("Attacco con droni uccide tre cercatori d'oro al confine", "it"),
    ],
)
def test_short_headlines(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.detect(text) == lang


def test_hint_wins_when_supported(detector: LanguageDetector) -> None:
    assert detector.detect("whatever text", hint="fr-FR") == "fr"
    assert detector.detect("Drone strike kills three", hint="xx") == "en"


def test_no_letters_is_unknown(detector: LanguageDetector) -> None:
    assert detector.detect("12 34 -- !!") is None
    assert detector.detect("") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Les FAMa repoussent une attaque du JNIM près de Boni", "fr"),
        ("Sit-in des diplômés chômeurs devant la wilaya de Nouakchott", "fr"),
        ("الجيش المالي يعلن صد هجوم لـ JNIM قرب بوني", "ar"),
        ("وقفة احتجاجية أمام البرلمان ٢٠٢٤", "ar"),
        ("Secuestrados dos cooperantes en el norte de Malí", "es"),
        ("Sequestrados dois padres no norte do Burkina Faso", "pt"),
        ("Rapiti due missionari nel nord del Burkina Faso", "it"),
    ],
)
def test_headlines_of_the_region(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.detect(text) == lang
