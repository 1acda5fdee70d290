"""A neutral one-line summary built from the extracted fields, ACLED notes style.

The summary never copies article text: it is assembled from the coded
fields and neutral phrases kept in ``data/summary/en.json`` (summaries are
in English whatever the article's language, as ACLED notes are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from corroborate.extract.resources import load_json
from corroborate.model import Figures, Report, SourceClaim

__all__ = ["build_summary", "format_date", "summary_of"]

EXTRACTOR = "summary.template"


def format_date(iso: str, precision: int | None) -> str:
    """'16 January 2022'; 'the week of 16 January 2022'; 'January 2022'."""
    d = dt.date.fromisoformat(iso)
    if precision == 3:
        return f"in {d.strftime('%B')} {d.year}"
    day = f"{d.day} {d.strftime('%B')} {d.year}"
    if precision == 2:
        return f"around {day}"
    return f"on {day}"


def _figures(fig: Figures, noun: str) -> str | None:
    """'At least 2 killed (up to 5 per other reports)'; None when unknown."""
    best = fig.best if fig.best is not None else fig.low
    if best is None:
        return f"up to {fig.high} {noun} per reports" if fig.high is not None else None
    if best == 0 and not fig.high:
        return f"no one reported {noun}"
    text = (
        f"at least {best} {noun}" if fig.high is not None and fig.high > best else f"{best} {noun}"
    )
    if fig.high is not None and fig.high > best:
        text += f" (up to {fig.high} per other reports)"
    return text


def build_summary(
    *,
    sub_event_type: str,
    event_type: str,
    event_date: str | None,
    time_precision: int | None,
    actor1: str | None,
    actor2: str | None,
    inter2: int | None,
    location: str | None,
    admin1: str | None,
    country: str | None,
    geo_precision: int | None,
    fatalities: Figures,
    injuries: Figures,
    sources: Sequence[SourceClaim],
) -> str:
    data = load_json("summary/en.json")
    phrase = data["sub_event_phrases"].get(sub_event_type, "an event")
    parts: list[str] = []
    lead = format_date(event_date, time_precision) + ", " if event_date else ""
    verb = data["actor_verbs"].get(event_type, data["actor_verbs"]["default"])
    sentence = f"{lead}{phrase}"
    if actor1:
        sentence += f" {verb} {actor1}"
    if actor2:
        tmpl = data["target_phrases"].get(str(inter2), data["target_phrases"]["default"])
        sentence += " " + tmpl.format(actor=actor2)
    place = _place(location, admin1, country, geo_precision)
    if place:
        sentence += f" {place}"
    sentence = sentence[0].upper() + sentence[1:] if sentence else sentence
    if not event_date:
        sentence = "Undated: " + sentence[0].lower() + sentence[1:]
    parts.append(sentence.rstrip(".") + ".")
    killed = _figures(fatalities, "killed")
    injured = _figures(injuries, "injured")
    figures = "; ".join(x for x in (killed, injured) if x)
    if figures:
        parts.append(figures[0].upper() + figures[1:] + ".")
    named = [s.name for s in sources if s.relation != "published"]
    outlets = [s.name for s in sources if s.relation == "published"]
    cited = named or outlets
    if cited:
        parts.append("Per " + ", ".join(dict.fromkeys(cited)) + ".")
    return " ".join(parts)


def _place(
    location: str | None, admin1: str | None, country: str | None, precision: int | None
) -> str | None:
    where = ", ".join(x for x in (admin1, country) if x and x != location)
    if location:
        prep = "in" if precision == 1 else "near"
        return f"{prep} {location}" + (f" ({where})" if where else "")
    if where:
        return f"in {where}"
    return None


def summary_of(r: Report) -> str:
    """The neutral summary of a report's (or an incident record's) fields."""
    return build_summary(
        sub_event_type=r.sub_event_type,
        event_type=r.event_type,
        event_date=r.event_date,
        time_precision=r.time_precision,
        actor1=r.actor1,
        actor2=r.actor2,
        inter2=r.inter2,
        location=r.location,
        admin1=r.admin1,
        country=r.country,
        geo_precision=r.geo_precision,
        fatalities=r.fatalities,
        injuries=r.injuries,
        sources=r.sources,
    )
