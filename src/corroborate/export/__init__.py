"""Exports of incidents: ACLED-style CSV, GeoJSON and JSON Lines.

Each writer takes any iterable of incidents (``store.iter_incidents(...)``
streams them) and a text stream, and returns how many records it wrote.
"""

from __future__ import annotations

from corroborate.export.acled import (
    ACLED_COLUMNS,
    AcledCountry,
    acled_country,
    acled_date,
    acled_row,
    disorder_type,
    write_acled_csv,
)
from corroborate.export.geojson import incident_feature, incident_properties, write_geojson
from corroborate.export.jsonl import write_jsonl

__all__ = [
    "ACLED_COLUMNS",
    "AcledCountry",
    "acled_country",
    "acled_date",
    "acled_row",
    "disorder_type",
    "incident_feature",
    "incident_properties",
    "write_acled_csv",
    "write_geojson",
    "write_jsonl",
]
