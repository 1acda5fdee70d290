"""Situation reports: a self-contained brief of the incidents in a period and region.

:func:`collect` gathers what a brief shows from a store; :func:`render_html`
turns it into one HTML page (map and timeline embedded as SVG images, no
script, no external resource); :func:`render_pdf` prints that page with
WeasyPrint (the ``reports`` extra). Every article-derived text reaches the
page through Jinja2's autoescaping or the SVG writer's escaping.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from corroborate.errors import CorroborateError
from corroborate.model import Figures, Incident
from corroborate.monitor.svg import MapPoint, colour_for, map_svg, timeline_svg, week_start
from corroborate.resolve.syndication import near_duplicate
from corroborate.store.base import IncidentFilter, Store

__all__ = [
    "IncidentView",
    "SituationReport",
    "SourceRow",
    "collect",
    "render_html",
    "render_pdf",
]


@dataclass(frozen=True, slots=True)
class FigureSource:
    """What one outlet's report says about one figure."""

    outlet: str
    figures: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One incident as the brief shows it."""

    incident_id: str
    date: str
    event_type: str
    sub_event_type: str
    colour: str
    place: str
    actors: str
    summary: str
    fatalities: str
    fatalities_sources: tuple[FigureSource, ...]
    civilian_targeting: bool
    civilian_fatalities: str
    civilian_sources: tuple[FigureSource, ...]
    grade: str
    grade_reason: str
    origins: int
    outlets: tuple[str, ...]


@dataclass(slots=True)
class SourceRow:
    """One outlet: how much it reported and whether its reports were its own."""

    outlet: str
    reports: int = 0
    incidents: set[str] = field(default_factory=set)
    own: int = 0  # reports that are an independent origin
    copies_of: Counter[str] = field(default_factory=Counter)
    cites: Counter[str] = field(default_factory=Counter)
    languages: set[str] = field(default_factory=set)


@dataclass(slots=True)
class SituationReport:
    """Everything a brief shows."""

    title: str
    region: str | None
    date_from: str | None
    date_to: str | None
    generated: str
    incidents: list[IncidentView]
    civilian: list[IncidentView]
    sources: list[SourceRow]
    map_svg: str
    timeline_svg: str
    unmapped: int
    by_type: list[tuple[str, int, str]]  # (event type, incidents, colour)
    fatalities_low: int
    fatalities_high: int
    civilian_low: int
    civilian_high: int
    grades: list[tuple[str, int]]

    @property
    def period(self) -> str:
        if self.date_from and self.date_to:
            return f"{self.date_from} to {self.date_to}"
        if self.date_from:
            return f"from {self.date_from}"
        if self.date_to:
            return f"up to {self.date_to}"
        return "all dates"


def _figure_text(f: Figures) -> str:
    if f.best is None and f.low is None and f.high is None:
        return "not reported"
    low = f.low if f.low is not None else f.best
    high = f.high if f.high is not None else f.best
    if low == high:
        return str(low)
    return f"{low}–{high}" + (f" (best {f.best})" if f.best not in (None, low, high) else "")


def _figure_sources(inc: Incident, name: str) -> tuple[FigureSource, ...]:
    out: list[FigureSource] = []
    for m in inc.members:
        figures: Figures = getattr(m.report, name)
        if figures.best is None and figures.low is None:
            continue
        out.append(FigureSource(outlet=m.outlet or "unnamed outlet", figures=_figure_text(figures)))
    return tuple(out)


def _matches_region(inc: Incident, region: str | None) -> bool:
    if not region:
        return True
    want = region.strip().casefold()
    return any(
        value is not None and value.casefold() == want
        for value in (inc.record.country, inc.record.admin1)
    )


def _view(inc: Incident) -> IncidentView:
    r = inc.record
    return IncidentView(
        incident_id=inc.incident_id,
        date=r.event_date or "undated",
        event_type=r.event_type,
        sub_event_type=r.sub_event_type,
        colour=colour_for(r.event_type),
        place=", ".join(x for x in (r.location, r.admin1, r.country) if x) or "unplaced",
        actors=" / ".join(x for x in (r.actor1, r.actor2) if x) or "unnamed",
        summary=r.summary,
        fatalities=_figure_text(r.fatalities),
        fatalities_sources=_figure_sources(inc, "fatalities"),
        civilian_targeting=r.civilian_targeting,
        civilian_fatalities=_figure_text(r.civilian_fatalities),
        civilian_sources=_figure_sources(inc, "civilian_fatalities"),
        grade=inc.grade,
        grade_reason=inc.grade_reason,
        origins=inc.origins,
        outlets=inc.outlets,
    )


def _sources(incidents: Iterable[Incident]) -> list[SourceRow]:
    rows: dict[str, SourceRow] = {}
    for inc in incidents:
        earlier: list[tuple[str, tuple[int, ...]]] = []
        members = sorted(inc.members, key=lambda m: (m.published or "9999", m.report_id))
        for m in members:
            outlet = m.outlet or "unnamed outlet"
            row = rows.setdefault(outlet, SourceRow(outlet=outlet))
            row.reports += 1
            row.incidents.add(inc.incident_id)
            if m.language:
                row.languages.add(m.language)
            original = next(
                (
                    name
                    for name, fp in earlier
                    if name != outlet and near_duplicate(fp, m.fingerprint)
                ),
                None,
            )
            if original is None:
                row.own += 1
            else:
                row.copies_of[original] += 1
            earlier.append((outlet, m.fingerprint))
            for claim in m.report.sources:
                if claim.name == outlet or claim.kind == "outlet":
                    continue
                row.cites[f"{claim.name} ({claim.kind})"] += 1
    return sorted(rows.values(), key=lambda r: (-r.reports, r.outlet.casefold()))


def _sum(values: Iterable[int | None]) -> int:
    return sum(v for v in values if v is not None)


def collect(
    store: Store,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    region: str | None = None,
    title: str | None = None,
    generated: str | None = None,
) -> SituationReport:
    """Gather the incidents dated in [date_from, date_to] in ``region`` (country or admin1)."""
    for name, value in (("--from", date_from), ("--to", date_to)):
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise CorroborateError(
                    f"{name} takes a date as YYYY-MM-DD, not {value!r}"
                ) from None
    flt = IncidentFilter(date_from=date_from, date_to=date_to)
    found = [inc for inc in store.iter_incidents(flt) if _matches_region(inc, region)]
    found.sort(key=lambda i: (i.record.event_date or "0000", i.incident_id), reverse=True)
    views = [_view(inc) for inc in found]

    points: list[MapPoint] = []
    for inc in found:
        r = inc.record
        if r.latitude is None or r.longitude is None:
            continue
        points.append(
            MapPoint(
                longitude=r.longitude,
                latitude=r.latitude,
                event_type=r.event_type,
                fatalities=r.fatalities.best or 0,
                label=f"{r.event_date or 'undated'} {r.sub_event_type}, {r.location or ''}",
            )
        )
    countries = {inc.record.country for inc in found if inc.record.country}

    weekly: dict[dt.date, dict[str, int]] = defaultdict(dict)
    dates: list[dt.date] = []
    for inc in found:
        if not inc.record.event_date:
            continue
        try:
            day = dt.date.fromisoformat(inc.record.event_date)
        except ValueError:
            continue
        dates.append(day)
        week = weekly[week_start(day)]
        week[inc.record.event_type] = week.get(inc.record.event_type, 0) + 1
    first = dt.date.fromisoformat(date_from) if date_from else (min(dates) if dates else None)
    last = dt.date.fromisoformat(date_to) if date_to else (max(dates) if dates else None)

    type_counts = Counter(inc.record.event_type for inc in found)
    civilian = [v for v in views if v.civilian_targeting]
    civ_incidents = [inc for inc in found if inc.record.civilian_targeting]
    place = region or "all regions"
    return SituationReport(
        title=title or f"Situation report: {place}",
        region=region,
        date_from=date_from,
        date_to=date_to,
        generated=generated or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        incidents=views,
        civilian=civilian,
        sources=_sources(found),
        map_svg=map_svg(points, highlight=countries, title=f"Incidents, {place}"),
        timeline_svg=timeline_svg(dict(weekly), first=first, last=last),
        unmapped=len(found) - len(points),
        by_type=[(t, n, colour_for(t)) for t, n in type_counts.most_common()],
        fatalities_low=_sum(i.record.fatalities.low for i in found),
        fatalities_high=_sum(i.record.fatalities.high for i in found),
        civilian_low=_sum(i.record.civilian_fatalities.low for i in civ_incidents),
        civilian_high=_sum(i.record.civilian_fatalities.high for i in civ_incidents),
        grades=Counter(inc.grade for inc in found).most_common(),
    )


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("corroborate.monitor", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: SituationReport) -> str:
    """The brief as one self-contained HTML page."""
    template = _environment().get_template("report.html")
    context: dict[str, Any] = {
        "r": report,
        "map_uri": _svg_data_uri(report.map_svg),
        "timeline_uri": _svg_data_uri(report.timeline_svg),
    }
    return template.render(**context)


def render_pdf(html: str) -> bytes:
    """The brief printed to PDF with WeasyPrint (``pip install 'corroborate[reports]'``)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise CorroborateError(
            f"PDF reports need WeasyPrint, which is not usable here ({exc}): "
            "pip install 'corroborate[reports]' (and the Pango library)"
        ) from exc
    pdf: bytes | None = weasyprint.HTML(string=html).write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf without a target returns bytes
        raise CorroborateError("WeasyPrint produced no PDF")
    return pdf
