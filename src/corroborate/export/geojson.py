"""The GeoJSON export: one Point feature per incident that has coordinates.

The output is an RFC 7946 FeatureCollection. Incidents without valid
coordinates are left out and counted in the collection's ``skipped`` member
(a foreign member, which GeoJSON readers ignore). Feature properties are the
incident's fields, flattened: figures become ``fatalities_low`` /
``fatalities_best`` / ``fatalities_high`` (and so on), outlets are joined
by "; ".
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any, TextIO

from corroborate.model import FIGURE_FIELDS, SCALAR_FIELDS, Incident

__all__ = ["incident_feature", "incident_properties", "write_geojson"]

Scalar = str | int | float | bool | None

_RECORD_FIELDS = SCALAR_FIELDS
_FIGURES = FIGURE_FIELDS


def incident_properties(incident: Incident) -> dict[str, Scalar]:
    """The incident as one flat mapping of scalar values."""
    record = incident.record
    props: dict[str, Scalar] = {"incident_id": incident.incident_id}
    for name in _RECORD_FIELDS:
        props[name] = getattr(record, name)
    for name in _FIGURES:
        figures = getattr(record, name)
        props[f"{name}_low"] = figures.low
        props[f"{name}_best"] = figures.best
        props[f"{name}_high"] = figures.high
    props["summary"] = record.summary
    props["grade"] = incident.grade
    props["grade_reason"] = incident.grade_reason
    props["origins"] = incident.origins
    props["outlets"] = "; ".join(incident.outlets)
    props["n_reports"] = len(incident.members)
    props["created"] = incident.created
    props["updated"] = incident.updated
    return props


def _valid(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def incident_feature(incident: Incident) -> dict[str, Any] | None:
    """The incident as a GeoJSON Point feature, or None when it has no valid coordinates."""
    lat, lon = incident.record.latitude, incident.record.longitude
    if lat is None or lon is None or not _valid(lat, lon):
        return None
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": incident_properties(incident),
    }


def write_geojson(incidents: Iterable[Incident], out: TextIO) -> int:
    """Write a FeatureCollection to ``out``, streaming; return the number of features."""
    out.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for incident in incidents:
        feature = incident_feature(incident)
        if feature is None:
            skipped += 1
            continue
        out.write(",\n" if written else "\n")
        out.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
        written += 1
    out.write(f'\n], "skipped": {skipped}}}\n')
    return written
