"""corroborate report: a situation report from the sample corpus, as HTML and as PDF.

The PDF's pages are rendered to PNG under tests/artifacts/monitor/ (git-ignored)
so that a person can look at them; the test checks that the map and the
timeline are drawn on them.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.cli import app
from corroborate.model import Figures, Incident, IncidentMember, Report
from corroborate.monitor.report import collect, render_html
from corroborate.monitor.svg import EVENT_COLOURS, MapPoint, map_svg, timeline_svg
from corroborate.store import open_store
from tests.store.conftest import in_ci

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "monitor"
_SVG_URI = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store built from the sample corpus with `corroborate ingest`."""
    db = str(tmp_path_factory.mktemp("report") / "sample.db")
    corpus = resources.files("corroborate.samples").joinpath("articles.jsonl")
    with resources.as_file(corpus) as path:
        result = runner.invoke(app, ["ingest", str(path), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return db


def _svgs(html: str) -> list[str]:
    return [base64.b64decode(m).decode("utf-8") for m in _SVG_URI.findall(html)]


def test_report_html_has_every_section(sample_db: str) -> None:
    with open_store(sample_db) as store:
        incidents = list(store.iter_incidents())
        data = collect(store, generated="2026-01-01 00:00 UTC")
    html = render_html(data)

    for section in ("map", "timeline", "incidents", "civilian-harm", "sources", "method"):
        assert f'<section id="{section}">' in html
    assert "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    map_, timeline = _svgs(html)
    located = [i for i in incidents if i.record.latitude is not None]
    assert map_.count("<circle") == len(located) + len({i.record.event_type for i in located})
    assert map_.count("<path") > 10  # country outlines
    assert ">Mauritania</text>" in map_ and ">Mali</text>" in map_
    dated = Counter(i.record.event_type for i in incidents if i.record.event_date)
    for event_type in dated:
        assert EVENT_COLOURS[event_type] in timeline
    assert timeline.count("<rect") >= len(dated)
    # every incident with its neutral summary, figures as ranges with their sources
    for inc in incidents:
        assert inc.incident_id in html
        f = inc.record.fatalities
        if f.low is not None and f.high is not None and f.low != f.high:
            assert f"<b>{f.low}–{f.high}" in html
            for m in inc.members:
                if m.report.fatalities.best is not None and m.outlet:
                    assert f"{m.outlet}: " in html
    civilian = [i for i in incidents if i.record.civilian_targeting]
    assert f"{len(civilian)} incident" in html.split('id="civilian-harm"')[1]
    sources = html.split('id="sources"')[1]
    for outlet in {m.outlet for i in incidents for m in i.members if m.outlet}:
        assert f"<td>{outlet}</td>" in sources.replace("&#39;", "'")


def test_region_and_dates_filter_the_report(sample_db: str) -> None:
    with open_store(sample_db) as store:
        everything = list(store.iter_incidents())
        mali = collect(store, region="mali")
        admin1 = collect(store, region="Tiris Zemmour")
        march = collect(store, date_from="2023-03-01", date_to="2023-03-15")
    assert mali.incidents and all("Mali" in v.place for v in mali.incidents)
    assert len(mali.incidents) == sum(1 for i in everything if i.record.country == "Mali")
    assert admin1.incidents and all("Tiris Zemmour" in v.place for v in admin1.incidents)
    assert march.incidents
    assert all("2023-03-01" <= v.date <= "2023-03-15" for v in march.incidents)
    assert march.period == "2023-03-01 to 2023-03-15"


def test_article_text_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    record = Report(
        event_type="Riots",
        sub_event_type="Mob violence",
        event_date="2023-05-02",
        country="Mali",
        location=f"Gao{evil}",
        latitude=16.27,
        longitude=-0.04,
        civilian_targeting=True,
        fatalities=Figures(1, 2, 3),
        civilian_fatalities=Figures(1, 1, 2),
        summary=f"A summary with {evil} in it.",
    )
    member = IncidentMember(
        report_id="a:0",
        article_id="a",
        outlet=f"Outlet {evil}",
        url="https://x.example/a",
        published="2023-05-02",
        language="en",
        report=record,
    )
    with open_store(tmp_path / "evil.db") as store:
        store.save_incident(
            Incident(incident_id="inc-evil", record=record, members=(member,), origins=1)
        )
        html = render_html(collect(store))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    map_, _ = _svgs(html)
    assert "<script>" not in map_ and "&lt;script&gt;" in map_


def test_svg_pictures_without_data() -> None:
    empty_map = map_svg([])
    assert empty_map.startswith("<svg") and "<circle" not in empty_map
    assert "no dated incidents" in timeline_svg({})
    one = map_svg([MapPoint(longitude=-3.0, latitude=14.0, event_type="Protests", label="<x>")])
    assert "&lt;x&gt;" in one


def test_cli_writes_html_to_stdout(sample_db: str) -> None:
    result = runner.invoke(app, ["report", "--db", sample_db, "--region", "Burkina Faso"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "Situation report: Burkina Faso" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "needs --output"),
        (["--format", "docx"], "'html' or 'pdf'"),
        (["--from", "March"], "YYYY-MM-DD"),
    ],
)
def test_cli_refuses_bad_options(sample_db: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", "--db", sample_db, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_needs_an_existing_db(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output


def _colour_share(image: object, rgb: tuple[int, int, int], tolerance: int = 12) -> float:
    """The share of an image's pixels within ``tolerance`` of a colour."""
    import numpy as np
    from PIL import Image

    assert isinstance(image, Image.Image)
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    near = (np.abs(pixels - np.array(rgb, dtype=np.int16)) <= tolerance).all(axis=2)
    return float(near.mean())


def test_pdf_pages_show_the_map_and_the_timeline(sample_db: str) -> None:
    try:
        import pypdfium2 as pdfium
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        message = f"PDF reports need the reports extra and Pango ({exc})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "report.pdf"
    result = runner.invoke(
        app, ["report", "--db", sample_db, "--format", "pdf", "--output", str(pdf_path)]
    )
    assert result.exit_code == 0, result.output
    assert pdf_path.read_bytes().startswith(b"%PDF")
    pdf = pdfium.PdfDocument(str(pdf_path))
    pages = []
    for n in range(len(pdf)):
        image = pdf[n].render(scale=1.3).to_pil()
        image.save(ARTIFACTS / f"report-page-{n + 1}.png")
        pages.append(image)
    assert len(pages) >= 2
    # page 1: the map, i.e. a good share of sea blue and of land, and markers
    sea = _colour_share(pages[0], (0xDD, 0xE9, 0xF2), tolerance=3)
    land = _colour_share(pages[0], (0xF7, 0xF5, 0xEF), tolerance=3)
    shaded = _colour_share(pages[0], (0xEF, 0xE6, 0xCF), tolerance=3)  # countries reported on
    assert sea > 0.015 and land > 0.03 and shaded > 0.002, (sea, land, shaded)
    marker = _colour_share(pages[0], (0xE6, 0x9F, 0x00), tolerance=40)
    assert marker > 0
    # the weekly timeline: bars in the event types' colours on some page
    bars = max(_colour_share(p, (0xE6, 0x9F, 0x00), tolerance=8) for p in pages[1:])
    assert bars > 0.002
    text = "".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
    for heading in ("Map", "Weekly timeline", "Incidents", "Civilian harm", "Method"):
        assert heading in text
