"""Fixtures for the web tests: a real SQLite store filled with small incidents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corroborate.model import (
    Article,
    Evidence,
    Extraction,
    Figures,
    Framing,
    Incident,
    IncidentMember,
    LoadedTerm,
    Report,
    SourceClaim,
)
from corroborate.store import open_store
from corroborate.store.base import Store
from corroborate.web import create_app

TEXT_A = (
    "Mauritanian gold prospectors were killed on 16 January 2022 when a drone struck "
    "their vehicle near the border, according to the newspaper Zahret Chinguetti.\n\n"
    "At least two people died and another three victims were reported by relatives. "
    "The cowardly attack was condemned by local officials."
)
TEXT_B = (
    "Three men searching for gold died in a drone strike in Tiris Zemmour on Sunday, "
    "the agency said. Officials called the strike a barbaric crime."
)
TEXT_C = "Soldiers and rebels clashed near Gao on 2 May 2023, residents said. No toll was given."
TEXT_D = "Hundreds of people protested peacefully in Lyon on 3 March 2021 against a new law."


def ev(text: str, field: str, quote: str, extractor: str = "rules") -> Evidence:
    """Evidence for ``quote`` at its real offsets in ``text``."""
    start = text.index(quote)
    return Evidence(
        field=field, start=start, end=start + len(quote), text=quote, extractor=extractor
    )


def loaded(text: str, word: str) -> LoadedTerm:
    start = text.index(word)
    return LoadedTerm(text=word, start=start, end=start + len(word))


@dataclass(frozen=True)
class Seeded:
    """What the fixture store holds, for assertions."""

    articles: dict[str, Article]
    incidents: dict[str, Incident]


def add_member(
    store: Store,
    *,
    text: str,
    report: Report,
    outlet: str | None,
    url: str | None,
    published: str | None,
    title: str | None = None,
    framing: Framing | None = None,
) -> tuple[Article, IncidentMember]:
    """Store an article and its one-event extraction; return the incident member for it."""
    article = Article.create(text, url=url, outlet=outlet, published=published, title=title)
    store.add_article(article)
    stored = store.add_extraction(
        article.id,
        Extraction(id=article.id, language="en", events=(report,), framing=framing or Framing()),
    )
    member = IncidentMember(
        report_id=stored[0].report_id,
        article_id=article.article_id,
        outlet=outlet,
        url=url,
        published=published,
        language="en",
        report=report,
    )
    return article, member


def seed(store: Store) -> Seeded:
    articles: dict[str, Article] = {}
    incidents: dict[str, Incident] = {}

    # Incident 1: one strike reported by two outlets with different figures.
    report_a = Report(
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        event_date="2022-01-16",
        time_precision=1,
        actor1="Military Forces of Morocco",
        inter1=1,
        actor2="Civilians (Mauritania)",
        inter2=7,
        civilian_targeting=True,
        country="Mauritania",
        admin1="Tiris Zemmour",
        location="near the border with Western Sahara",
        latitude=22.68,
        longitude=-12.71,
        geo_precision=3,
        fatalities=Figures(2, 2, 5),
        sources=(SourceClaim("Zahret Chinguetti", "newspaper", "according to"),),
        summary="A drone strike hit prospectors.",
        evidence=(
            ev(TEXT_A, "fatalities", "At least two people died and another three victims"),
            ev(TEXT_A, "sub_event_type", "a drone struck their vehicle"),
            ev(TEXT_A, "event_date", "16 January 2022"),
        ),
    )
    a, member_a = add_member(
        store,
        text=TEXT_A,
        report=report_a,
        outlet="Sahara Press",
        url="https://sahara.example/strike",
        published="2022-01-17",
        title="Prospectors killed in strike",
        framing=Framing((loaded(TEXT_A, "cowardly"),), 0.4),
    )
    report_b = report_a.with_(
        fatalities=Figures(3, 3, 3),
        sources=(SourceClaim("the agency", "agency", "said"),),
        location="Tiris Zemmour",
        evidence=(
            ev(TEXT_B, "fatalities", "Three men searching for gold died"),
            ev(TEXT_B, "sub_event_type", "drone strike"),
        ),
    )
    b, member_b = add_member(
        store,
        text=TEXT_B,
        report=report_b,
        outlet="Nouakchott Info",
        url="http://nouakchott.example/a/1",
        published="2022-01-18",
        title="Three prospectors die",
        framing=Framing((loaded(TEXT_B, "barbaric"),), 0.3),
    )
    inc1 = Incident(
        incident_id="inc-mr-1",
        record=report_a.with_(
            summary=(
                "On 16 January 2022, an air or drone strike attributed to the Military Forces "
                "of Morocco hit a vehicle near the border with Western Sahara (Tiris Zemmour, "
                "Mauritania). At least 2 killed (up to 5 per other reports)."
            ),
            evidence=(),
        ),
        members=(member_a, member_b),
        origins=2,
        grade="Corroborated",
        grade_reason="2 independent outlets agree on type, place and date",
    )

    # Incident 2: an undated-coordinates clash in Mali, one source.
    report_c = Report(
        event_type="Battles",
        sub_event_type="Armed clash",
        event_date="2023-05-02",
        time_precision=1,
        actor1="Military Forces of Mali",
        inter1=1,
        actor2="JNIM",
        inter2=2,
        country="Mali",
        admin1="Gao",
        location="Gao",
        sources=(SourceClaim("residents", "witness", "said"),),
        summary="Soldiers and rebels clashed near Gao.",
        evidence=(ev(TEXT_C, "event_type", "Soldiers and rebels clashed"),),
    )
    c, member_c = add_member(
        store, text=TEXT_C, report=report_c, outlet="Mali Daily", url=None, published=None
    )
    inc2 = Incident(
        incident_id="inc-ml-1",
        record=report_c,
        members=(member_c,),
        origins=1,
        grade="Weak",
        grade_reason="single source",
    )

    # Incident 3: a protest in France with coordinates.
    report_d = Report(
        event_type="Protests",
        sub_event_type="Peaceful protest",
        event_date="2021-03-03",
        time_precision=1,
        actor1="Protesters (France)",
        inter1=6,
        country="France",
        admin1="Auvergne-Rhône-Alpes",
        location="Lyon",
        latitude=45.76,
        longitude=4.84,
        geo_precision=1,
        summary="People protested in Lyon.",
        evidence=(ev(TEXT_D, "event_type", "protested peacefully"),),
    )
    d, member_d = add_member(
        store,
        text=TEXT_D,
        report=report_d,
        outlet="Lyon Info",
        url="https://lyon.example/p",
        published="2021-03-04",
    )
    inc3 = Incident(
        incident_id="inc-fr-1",
        record=report_d,
        members=(member_d,),
        origins=1,
        grade="Weak",
        grade_reason="single source",
    )
    for inc in (inc1, inc2, inc3):
        store.save_incident(inc)
        incidents[inc.incident_id] = inc
    for art in (a, b, c, d):
        articles[art.id] = art
    return Seeded(articles=articles, incidents=incidents)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "web.db")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def seeded(store: Store) -> Seeded:
    return seed(store)


@pytest.fixture
def client(store: Store, seeded: Seeded) -> Iterator[TestClient]:
    with TestClient(create_app(store, title="Test corroborate")) as c:
        yield c
