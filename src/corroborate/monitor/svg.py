"""Static SVG pictures for situation reports: a map of incidents and a weekly timeline.

Both are drawn here, without a plotting library, so a report needs no
script to be seen and renders the same in a browser and in WeasyPrint.
Country outlines come from the world-atlas TopoJSON vendored for the web
app when it is present; without it the map is points on a lon/lat frame.
Every text placed in a picture is XML-escaped.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from typing import Any

__all__ = [
    "EVENT_COLOURS",
    "MapPoint",
    "colour_for",
    "map_svg",
    "timeline_svg",
    "week_start",
]

#: One colour per ACLED event type (colour-blind-safe Okabe–Ito palette).
EVENT_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
}
_OTHER_COLOUR = "#777777"
_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def colour_for(event_type: str) -> str:
    return EVENT_COLOURS.get(event_type, _OTHER_COLOUR)


def _x(text: object) -> str:
    return escape(str(text), quote=True)


# --- map ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPoint:
    """One incident on the map."""

    longitude: float
    latitude: float
    event_type: str
    fatalities: int = 0
    label: str = ""


@dataclass(frozen=True, slots=True)
class _Country:
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # lon/lat rings


@cache
def _countries() -> tuple[_Country, ...]:
    """Country outlines from the vendored world-atlas TopoJSON (empty when it is absent)."""
    try:
        ref = resources.files("corroborate.web").joinpath(
            "static/vendor/world-atlas/countries-50m.json"
        )
        topo = json.loads(ref.read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, OSError, ValueError):
        return ()
    return tuple(_decode_topology(topo))


def _decode_topology(topo: dict[str, Any]) -> Iterable[_Country]:
    transform = topo.get("transform") or {}
    sx, sy = transform.get("scale", (1.0, 1.0))
    tx, ty = transform.get("translate", (0.0, 0.0))
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: list[tuple[float, float]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: Sequence[int]) -> tuple[tuple[float, float], ...]:
        out: list[tuple[float, float]] = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            out.extend(arc[1:] if out else arc)
        return tuple(out)

    for geometry in topo["objects"]["countries"]["geometries"]:
        name = str((geometry.get("properties") or {}).get("name") or "")
        kind = geometry.get("type")
        polygons = (
            [geometry["arcs"]]
            if kind == "Polygon"
            else geometry["arcs"]
            if kind == "MultiPolygon"
            else []
        )
        rings = tuple(ring(r) for polygon in polygons for r in polygon)
        if rings:
            yield _Country(name=name, rings=rings)


@dataclass(frozen=True, slots=True)
class _Frame:
    west: float
    south: float
    east: float
    north: float
    width: float
    height: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return x, y


def _frame(points: Sequence[MapPoint], width: float) -> _Frame:
    if points:
        lons = [p.longitude for p in points]
        lats = [p.latitude for p in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    else:
        west, east, south, north = -18.0, 16.0, 10.0, 38.0  # Sahel and Maghreb
    pad_lon = max((east - west) * 0.15, 1.5)
    pad_lat = max((north - south) * 0.15, 1.5)
    west, east, south, north = west - pad_lon, east + pad_lon, south - pad_lat, north + pad_lat
    if east - west < 6.0:
        grow = (6.0 - (east - west)) / 2
        west, east = west - grow, east + grow
    aspect = math.cos(math.radians((south + north) / 2)) or 1.0
    # Keep the picture between 0.55 and 0.8 times as high as wide.
    ratio = (north - south) / ((east - west) * aspect)
    if ratio > 0.8:
        grow = ((north - south) / (0.8 * aspect) - (east - west)) / 2
        west, east = west - grow, east + grow
    elif ratio < 0.55:
        grow = (0.55 * (east - west) * aspect - (north - south)) / 2
        south, north = south - grow, north + grow
    west, east = max(-180.0, west), min(180.0, east)
    south, north = max(-85.0, south), min(85.0, north)
    height = width * (north - south) / ((east - west) * aspect)
    return _Frame(west, south, east, north, width, height)


def _ring_path(ring: Sequence[tuple[float, float]], frame: _Frame) -> str:
    parts = []
    for i, (lon, lat) in enumerate(ring):
        x, y = frame.project(lon, lat)
        parts.append(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}")
    return "".join(parts) + "Z"


def _visible(ring: Sequence[tuple[float, float]], frame: _Frame) -> bool:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return not (
        max(lons) < frame.west
        or min(lons) > frame.east
        or max(lats) < frame.south
        or min(lats) > frame.north
    )


def _label_point(country: _Country, frame: _Frame) -> tuple[float, float] | None:
    """The middle of the country's largest ring, clipped to the frame."""
    best: tuple[float, tuple[float, float]] | None = None
    for ring in country.rings:
        if not _visible(ring, frame):
            continue
        lons = [max(frame.west, min(frame.east, p[0])) for p in ring]
        lats = [max(frame.south, min(frame.north, p[1])) for p in ring]
        area = (max(lons) - min(lons)) * (max(lats) - min(lats))
        centre = ((max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2)
        if best is None or area > best[0]:
            best = (area, centre)
    if best is None or best[0] < (frame.east - frame.west) * (frame.north - frame.south) * 0.01:
        return None
    return frame.project(*best[1])


def map_svg(
    points: Sequence[MapPoint],
    *,
    width: float = 720,
    highlight: Iterable[str] = (),
    title: str = "Incidents",
) -> str:
    """An SVG map of ``points`` (countries in ``highlight`` are shaded and named)."""
    frame = _frame(points, width)
    marked = {name.casefold() for name in highlight}
    w, h = frame.width, frame.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="0 0 {w:.0f} {h:.0f}" font-family="{_FONT}" role="img">',
        f"<title>{_x(title)}</title>",
        f'<rect width="{w:.0f}" height="{h:.0f}" fill="#dde9f2"/>',
    ]
    labels: list[str] = []
    countries = _countries()
    for country in countries:
        rings = [r for r in country.rings if len(r) > 2 and _visible(r, frame)]
        if not rings:
            continue
        shaded = country.name.casefold() in marked
        fill = "#efe6cf" if shaded else "#f7f5ef"
        path = "".join(_ring_path(r, frame) for r in rings)
        out.append(
            f'<path d="{path}" fill="{fill}" stroke="#8a8a8a" stroke-width="0.7" '
            f'fill-rule="evenodd"><title>{_x(country.name)}</title></path>'
        )
        where = _label_point(country, frame)
        if where is not None:
            size = 12 if shaded else 10
            colour = "#444" if shaded else "#888"
            labels.append(
                f'<text x="{where[0]:.1f}" y="{where[1]:.1f}" font-size="{size}" '
                f'fill="{colour}" text-anchor="middle" font-style="italic">'
                f"{_x(country.name)}</text>"
            )
    if not countries:
        out.append(_graticule(frame))
    out.extend(labels)
    # Larger tolls drawn first, so small markers stay visible on top.
    for p in sorted(points, key=lambda q: -q.fatalities):
        x, y = frame.project(p.longitude, p.latitude)
        r = 4.0 + min(10.0, 2.0 * math.sqrt(max(p.fatalities, 0)))
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour_for(p.event_type)}" '
            f'fill-opacity="0.8" stroke="#222" stroke-width="0.8">'
            f"<title>{_x(p.label)}</title></circle>"
        )
    out.append(
        f'<rect x="0.5" y="0.5" width="{w - 1:.0f}" height="{h - 1:.0f}" fill="none" '
        'stroke="#666"/>'
    )
    out.append(_legend({p.event_type for p in points}))
    out.append(_scale_note(frame))
    out.append("</svg>")
    return "".join(out)


def _legend(types: set[str]) -> str:
    """A key of the event types on the map, in its top-left corner."""
    shown = [t for t in EVENT_COLOURS if t in types] + sorted(types - set(EVENT_COLOURS))
    if not shown:
        return ""
    parts = [
        f'<rect x="6" y="6" width="190" height="{10 + 15 * len(shown)}" fill="#ffffff" '
        'fill-opacity="0.85" stroke="#999"/>'
    ]
    for i, event_type in enumerate(shown):
        y = 20 + 15 * i
        parts.append(
            f'<circle cx="16" cy="{y - 4}" r="5" fill="{colour_for(event_type)}" stroke="#222" '
            f'stroke-width="0.6"/><text x="26" y="{y}" font-size="10" fill="#222">'
            f"{_x(event_type)}</text>"
        )
    return "".join(parts)


def _graticule(frame: _Frame) -> str:
    """Lines every 5 degrees, labelled: the frame when no outlines are available."""
    parts = []
    start = math.ceil(frame.west / 5) * 5
    for lon in range(int(start), int(frame.east) + 1, 5):
        x, _ = frame.project(lon, frame.north)
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{frame.height:.0f}" stroke="#bbb"/>'
            f'<text x="{x + 2:.1f}" y="{frame.height - 4:.0f}" font-size="9" fill="#666">'
            f"{lon}°</text>"
        )
    start = math.ceil(frame.south / 5) * 5
    for lat in range(int(start), int(frame.north) + 1, 5):
        _, y = frame.project(frame.west, lat)
        parts.append(
            f'<line x1="0" y1="{y:.1f}" x2="{frame.width:.0f}" y2="{y:.1f}" stroke="#bbb"/>'
            f'<text x="3" y="{y - 2:.1f}" font-size="9" fill="#666">{lat}°</text>'
        )
    return "".join(parts)


def _scale_note(frame: _Frame) -> str:
    text = (
        f"{abs(frame.south):.0f}°{'S' if frame.south < 0 else 'N'}–"
        f"{abs(frame.north):.0f}°{'S' if frame.north < 0 else 'N'}, "
        f"{abs(frame.west):.0f}°{'W' if frame.west < 0 else 'E'}–"
        f"{abs(frame.east):.0f}°{'W' if frame.east < 0 else 'E'}"
    )
    return (
        f'<text x="{frame.width - 6:.0f}" y="{frame.height - 6:.0f}" font-size="9" '
        f'fill="#555" text-anchor="end">{_x(text)}</text>'
    )


# --- timeline ---------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def timeline_svg(
    counts: dict[dt.date, dict[str, int]],
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    width: float = 720,
    height: float = 240,
) -> str:
    """Stacked weekly bars of incidents by event type; ``counts`` is keyed by week start."""
    weeks_present = sorted(counts)
    lo = week_start(first) if first else (weeks_present[0] if weeks_present else None)
    hi = week_start(last) if last else (weeks_present[-1] if weeks_present else None)
    weeks: list[dt.date] = []
    if lo is not None and hi is not None:
        day = lo
        while day <= hi and len(weeks) < 260:
            weeks.append(day)
            day += dt.timedelta(days=7)
    types = [t for t in EVENT_COLOURS if any(t in c for c in counts.values())]
    types += sorted({t for c in counts.values() for t in c} - set(types))
    top = max((sum(counts.get(w, {}).values()) for w in weeks), default=0)
    step = max(1, math.ceil(top / 5))
    y_max = max(step * math.ceil(top / step), 1)
    left, right, upper, lower = 40.0, 10.0, 12.0, 46.0
    legend_h = 18.0 * math.ceil(len(types) / 3) if types else 0.0
    plot_w, plot_h = width - left - right, height - upper - lower
    total_h = height + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {width:.0f} {total_h:.0f}" font-family="{_FONT}" role="img">',
        "<title>Incidents per week, by event type</title>",
        f'<rect width="{width:.0f}" height="{total_h:.0f}" fill="#fff"/>',
    ]
    for tick in range(0, y_max + 1, step):
        y = upper + plot_h - tick / y_max * plot_h
        out.append(
            f'<line x1="{left:.0f}" y1="{y:.1f}" x2="{width - right:.0f}" y2="{y:.1f}" '
            f'stroke="#e3e3e3"/><text x="{left - 5:.0f}" y="{y + 3:.1f}" font-size="10" '
            f'text-anchor="end" fill="#444">{tick}</text>'
        )
    slot = plot_w / max(len(weeks), 1)
    bar = max(2.0, slot * 0.75)
    label_every = max(1, math.ceil(len(weeks) / 12))
    for i, week in enumerate(weeks):
        x = left + i * slot + (slot - bar) / 2
        y = upper + plot_h
        for event_type in types:
            n = counts.get(week, {}).get(event_type, 0)
            if not n:
                continue
            bh = n / y_max * plot_h
            y -= bh
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{bh:.1f}" '
                f'fill="{colour_for(event_type)}"><title>{_x(week.isoformat())}: '
                f"{n} {_x(event_type)}</title></rect>"
            )
        if i % label_every == 0:
            lx = left + i * slot + slot / 2
            ly = upper + plot_h + 14
            out.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="9" fill="#444" '
                f'text-anchor="middle">{week:%d %b}</text>'
            )
    base = upper + plot_h
    out.append(
        f'<line x1="{left:.0f}" y1="{base:.1f}" x2="{width - right:.0f}" y2="{base:.1f}" '
        'stroke="#444"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{base + 32:.0f}" font-size="10" fill="#444" '
        'text-anchor="middle">week starting (Monday)</text>'
    )
    if not weeks:
        out.append(
            f'<text x="{left + plot_w / 2:.0f}" y="{upper + plot_h / 2:.0f}" font-size="12" '
            'fill="#777" text-anchor="middle">no dated incidents</text>'
        )
    for i, event_type in enumerate(types):
        col, row = i % 3, i // 3
        x = left + col * (plot_w / 3)
        y = height + row * 18.0
        out.append(
            f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" '
            f'fill="{colour_for(event_type)}"/>'
            f'<text x="{x + 14:.0f}" y="{y:.0f}" font-size="10" fill="#222">'
            f"{_x(event_type)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
