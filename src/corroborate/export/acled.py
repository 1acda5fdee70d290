"""The ``acled-csv`` export: incidents as rows of ACLED's own CSV layout.

The columns are ACLED's, in ACLED's order, so tools built for ACLED files
read these too. Values follow ACLED's conventions where corroborate's differ:

- ``event_date`` is written the ACLED way, ``16 January 2022`` (day with two
  digits, English month name); ``year`` is its year.
- ``disorder_type`` comes from the event type: Battles, Explosions/Remote
  violence and Violence against civilians are "Political violence";
  Protests and Riots are "Demonstrations", except Excessive force against
  protesters ("Political violence; Demonstrations") and Mob violence
  ("Political violence"); Strategic developments are "Strategic
  developments" (``data/acled.json``).
- ``interaction`` is the two inter codes, smaller first (``17``); with one
  actor it is that code followed by 0 (``10``, ACLED's "sole" action).
- ``iso`` is the numeric ISO 3166-1 code, ``region`` ACLED's region (derived
  from the UN M49 sub-region, ``data/m49_subregions.json``), and the
  country is spelled as ACLED spells it. ACLED files Western Sahara under
  Morocco, so these rows say "Morocco" and 504 (the stored record keeps
  "Western Sahara").
- ``source`` is the outlets that carried the incident, joined by "; ";
  ``notes`` is the summary; ``fatalities`` is the best figure, 0 when
  unknown (as ACLED does); ``timestamp`` is when the incident was last
  updated, in Unix time.
- ``event_id_cnty`` is the ISO alpha-3 code of the country the row is filed
  under (``XXX`` when unknown) and a number derived from the incident id,
  stable across runs.
- ACLED's columns corroborate has no value for (associated actors, admin2,
  admin3, source_scale, tags) are empty.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any, TextIO

import pycountry

from corroborate.model import Incident

__all__ = [
    "ACLED_COLUMNS",
    "AcledCountry",
    "acled_country",
    "acled_date",
    "acled_row",
    "disorder_type",
    "write_acled_csv",
]

#: ACLED's columns, in ACLED's order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class AcledCountry:
    """A country as an ACLED row shows it."""

    name: str  # ACLED's spelling
    alpha_2: str
    alpha_3: str
    numeric: int | None
    region: str


def _load(name: str) -> dict[str, Any]:
    text = resources.files("corroborate.export").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _entries(table: dict[str, Any]) -> dict[str, Any]:
    """A data table without its ``_about`` note."""
    return {k: v for k, v in table.items() if not k.startswith("_")}


@cache
def _tables() -> dict[str, Any]:
    acled = _load("acled.json")
    m49 = _load("m49_subregions.json")
    by_subregion = _entries(acled["region_by_m49_subregion"])
    regions: dict[str, str] = {}
    for subregion, codes in m49["subregions"].items():
        for code in codes:
            regions[code] = by_subregion[subregion]
    regions.update(_entries(acled["region_overrides"]))
    return {
        "regions": regions,
        "filed_under": _entries(acled["filed_under"]),
        "names": _entries(acled["country_names"]),
        "extra": _entries(acled["extra_countries"]),
        "disorder": _entries(acled["disorder_type_by_event_type"]),
        "disorder_sub": _entries(acled["disorder_type_by_sub_event_type"]),
    }


def _iso_country(alpha_2: str) -> AcledCountry | None:
    tables = _tables()
    entry = pycountry.countries.get(alpha_2=alpha_2)
    if entry is None:
        for extra_name, extra in tables["extra"].items():
            if extra["alpha_2"] == alpha_2:
                return AcledCountry(
                    name=extra_name,
                    alpha_2=alpha_2,
                    alpha_3=extra["alpha_3"],
                    numeric=extra["numeric"],
                    region=tables["regions"].get(alpha_2, ""),
                )
        return None
    name = tables["names"].get(alpha_2) or getattr(entry, "common_name", None) or entry.name
    return AcledCountry(
        name=name,
        alpha_2=alpha_2,
        alpha_3=entry.alpha_3,
        numeric=int(entry.numeric),
        region=tables["regions"].get(alpha_2, ""),
    )


@cache
def acled_country(name: str) -> AcledCountry | None:
    """The country an ACLED row files an event in ``name`` under, or None when unknown.

    ``name`` is an ISO 3166-1 name or code (``"Western Sahara"``, ``"EH"``);
    territories ACLED files elsewhere come back as that country (Morocco).
    """
    tables = _tables()
    alpha_2: str | None = None
    for extra_name, extra in tables["extra"].items():
        if name.strip().casefold() in (extra_name.casefold(), extra["alpha_2"].casefold()):
            alpha_2 = extra["alpha_2"]
    if alpha_2 is None:
        try:
            alpha_2 = pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            return None
    alpha_2 = tables["filed_under"].get(alpha_2, alpha_2)
    return _iso_country(alpha_2)


def acled_date(value: str | None) -> str:
    """``2022-01-16`` as ACLED writes it, ``16 January 2022``; empty when unknown."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


def disorder_type(event_type: str, sub_event_type: str | None = None) -> str:
    """ACLED's disorder type for an event and sub-event type (empty when unknown)."""
    tables = _tables()
    if sub_event_type and sub_event_type in tables["disorder_sub"]:
        return str(tables["disorder_sub"][sub_event_type])
    return str(tables["disorder"].get(event_type, ""))


def _stable_number(incident_id: str) -> int:
    digest = hashlib.sha256(incident_id.encode("utf-8")).hexdigest()
    return int(digest[:12], 16) % 100_000_000


def _unix_time(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return str(int(moment.timestamp()))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _interaction(inter1: int | None, inter2: int | None) -> str:
    codes = sorted(code for code in (inter1, inter2) if code is not None)
    if len(codes) == 2:
        return f"{codes[0]}{codes[1]}"
    if len(codes) == 1:
        return f"{codes[0]}0"
    return ""


def acled_row(incident: Incident) -> dict[str, str]:
    """One incident as an ACLED row: every column of :data:`ACLED_COLUMNS`, as text."""
    record = incident.record
    country = acled_country(record.country) if record.country else None
    event_date = acled_date(record.event_date)
    row = {
        "event_id_cnty": f"{country.alpha_3 if country else 'XXX'}"
        f"{_stable_number(incident.incident_id)}",
        "event_date": event_date,
        "year": record.event_date[:4] if event_date and record.event_date else "",
        "time_precision": _text(record.time_precision),
        "disorder_type": disorder_type(record.event_type, record.sub_event_type),
        "event_type": record.event_type,
        "sub_event_type": record.sub_event_type,
        "actor1": _text(record.actor1),
        "assoc_actor_1": "",
        "inter1": _text(record.inter1),
        "actor2": _text(record.actor2),
        "assoc_actor_2": "",
        "inter2": _text(record.inter2),
        "interaction": _interaction(record.inter1, record.inter2),
        "civilian_targeting": "Civilian targeting" if record.civilian_targeting else "",
        "iso": _text(country.numeric) if country else "",
        "region": country.region if country else "",
        "country": country.name if country else _text(record.country),
        "admin1": _text(record.admin1),
        "admin2": "",
        "admin3": "",
        "location": _text(record.location),
        "latitude": _coordinate(record.latitude),
        "longitude": _coordinate(record.longitude),
        "geo_precision": _text(record.geo_precision),
        "source": "; ".join(incident.outlets),
        "source_scale": "",
        "notes": record.summary,
        "fatalities": str(record.fatalities.best or 0),
        "tags": "",
        "timestamp": _unix_time(incident.updated or incident.created),
    }
    return row


def write_acled_csv(incidents: Iterable[Incident], out: TextIO) -> int:
    """Write a header and one ACLED row per incident to ``out``; return the number of rows.

    Lines end in ``\\n``; open files with ``newline=""`` to keep them that way.
    """
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for incident in incidents:
        writer.writerow(acled_row(incident))
        count += 1
    return count
