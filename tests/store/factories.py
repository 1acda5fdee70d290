"""Builders of model objects for store and export tests."""

from __future__ import annotations

from typing import Any

from corroborate.model import (
    Article,
    Evidence,
    Figures,
    Incident,
    IncidentMember,
    Report,
    SourceClaim,
)


def article(text: str, **kwargs: Any) -> Article:
    return Article.create(text, **kwargs)


def report(**kwargs: Any) -> Report:
    values: dict[str, Any] = {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "event_date": "2022-01-16",
        "time_precision": 1,
        "actor1": "Military Forces of Morocco",
        "inter1": 1,
        "actor2": "Civilians (Mauritania)",
        "inter2": 7,
        "civilian_targeting": True,
        "country": "Mauritania",
        "admin1": "Tiris Zemmour",
        "location": "Bir Moghrein",
        "latitude": 25.2333,
        "longitude": -11.5833,
        "geo_precision": 2,
        "fatalities": Figures(low=2, best=2, high=5),
        "sources": (SourceClaim(name="Zahret Chinguetti", kind="newspaper", start=10, end=27),),
        "summary": "On 16 January 2022, an air or drone strike hit a vehicle.",
        "evidence": (
            Evidence(
                field="fatalities",
                start=0,
                end=20,
                text="at least two killed",
                extractor="casualties.rules",
            ),
        ),
    }
    values.update(kwargs)
    return Report(**values)


def member(report_id: str, rep: Report, *, outlet: str | None = "Outlet A") -> IncidentMember:
    return IncidentMember(
        report_id=report_id,
        article_id=report_id.split(":")[0],
        outlet=outlet,
        url=f"https://example.org/{report_id.split(':')[0]}",
        published="2022-01-17",
        language="en",
        report=rep,
    )


def incident(
    incident_id: str,
    *,
    members: tuple[IncidentMember, ...] = (),
    grade: str = "Weak",
    origins: int = 1,
    updated: str | None = "2022-01-18T10:00:00Z",
    **record: Any,
) -> Incident:
    return Incident(
        incident_id=incident_id,
        record=report(**record),
        members=members,
        origins=origins,
        grade=grade,
        grade_reason="one outlet",
        created="2022-01-18T09:00:00Z",
        updated=updated,
    )
