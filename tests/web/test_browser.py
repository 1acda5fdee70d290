"""The web UI in a real browser: Playwright for Python driving Debian's Chromium.

One store is built from the sample corpus with the real pipeline (plus two
articles full of XSS payloads), served by uvicorn on a free loopback port
in a background thread, and visited by one headless Chromium. Every browser
context refuses (and records) any request that would leave this machine.

Needs ``apt-get install chromium`` (``/usr/bin/chromium``, or set
``CORROBORATE_CHROMIUM``) and the ``playwright`` Python package; never
``playwright install`` (it downloads a browser). Without them the tests are
skipped locally and FAIL when ``CI`` is set, so CI never skips them silently.

Screenshots go to ``$CORROBORATE_ARTIFACTS`` (default
``/tmp/corroborate-artifacts``).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
import uvicorn

from corroborate.extract.pipeline import Pipeline
from corroborate.ingest import ingest
from corroborate.model import EVENT_TYPES, Figures, Incident, Report
from corroborate.readers import read_sources
from corroborate.resolve import Resolver
from corroborate.store import open_store
from corroborate.store.base import Store
from corroborate.web import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

SAMPLES = resources.files("corroborate") / "samples"
CHROMIUM = os.environ.get("CORROBORATE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--no-proxy-server",
]
ARTIFACTS = Path(os.environ.get("CORROBORATE_ARTIFACTS", "/tmp/corroborate-artifacts"))
TIMEOUT_MS = 15_000

# --- XSS payloads: two articles of one incident (Gao, 5 May 2023) ------------

IMG = "<img src=x onerror=window.__xss=1;alert(1)>"
SCRIPT = "<script>window.__xss=1;alert(1)</script>"
SVG = "<svg onload=window.__xss=1>"
QUOTE_BREAK = 'https://evil.example/a"onmouseover="window.__xss=1"x=\''
XSS_ARTICLES = (
    {
        "id": "xss-1",
        "title": f"Attack {IMG}{SCRIPT} in Gao",
        "outlet": f"{SCRIPT}Evil Outlet{IMG}",
        "url": QUOTE_BREAK,
        "published": "2023-05-06",
        "text": (
            f"Gunmen killed three civilians {IMG} in an attack on a market in Gao on "
            f"5 May 2023, residents said {SCRIPT}.\n\n"
            f"The cowardly attackers {SVG} fled on motorcycles. "
            "<iframe src=javascript:window.__xss=1></iframe>"
        ),
    },
    {
        "id": "xss-2",
        "title": f'"><img src=x onerror=alert(2)>{SVG}',
        "outlet": '"><img src=x onerror=window.__xss=1>',
        "url": "javascript:window.__xss=1;alert(3)",
        "published": "2023-05-06",
        "text": (
            "Gunmen killed four civilians <b onmouseover=window.__xss=1>in an attack</b> "
            "on a market in Gao on 5 May 2023, a local official said. "
            f"{SCRIPT}</textarea></title>{IMG}"
        ),
    },
)
XSS_IDS = frozenset(str(a["id"]) for a in XSS_ARTICLES)

#: Collects CSP violations in every document, before any page script runs.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportCsp(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                     + " in " + e.documentURI);
});
"""
#: Elements that only exist if a payload was parsed as HTML.
INJECTED = (
    'img[src="x"], svg[onload], iframe, script:not([src]), '
    "[onerror], [onload], [onmouseover], a[href^='javascript:' i]"
)


# --- availability ------------------------------------------------------------


def unavailable(reason: str) -> None:
    """Skip locally; fail in CI (``CI`` set to true/1/yes) so CI never skips silently."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return (
            "the playwright Python package is not installed "
            '(pip install "playwright>=1.45,<2"; never run `playwright install`)'
        )
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CORROBORATE_CHROMIUM)"
    return None


def test_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        unavailable("no browser")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: no browser"):
        unavailable("no browser")


# --- fixtures ----------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The served store: its base URL and its incidents as the API returns them."""

    base: str
    incidents: tuple[dict[str, Any], ...]

    def placed(self, country: str | None = None) -> list[dict[str, Any]]:
        return [
            i
            for i in self.incidents
            if isinstance(i["latitude"], (int, float))
            and isinstance(i["longitude"], (int, float))
            and (country is None or i["country"] == country)
        ]

    def places(self, country: str | None = None) -> dict[str, list[str]]:
        """Incident ids by place: the map draws one marker per distinct coordinates."""
        out: dict[str, list[str]] = {}
        for i in self.placed(country):
            key = f"{i['latitude']:.5f},{i['longitude']:.5f}"
            out.setdefault(key, []).append(i["incident_id"])
        return out

    def xss_incident(self) -> dict[str, Any]:
        found = [i for i in self.incidents if {r["article_id"] for r in i["reports"]} & XSS_IDS]
        assert len(found) == 1, [i["incident_id"] for i in found]
        return found[0]


@pytest.fixture(scope="module")
def chromium() -> str:
    reason = missing_browser()
    if reason:
        unavailable(reason)
    return CHROMIUM


@contextmanager
def serving(store: Store) -> Iterator[str]:
    """Serve ``store`` with uvicorn in a background thread on a free loopback port;
    the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start in 20 s"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def site(
    chromium: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Site]:
    """The sample corpus and the XSS articles, ingested with the real pipeline
    and served by uvicorn in a background thread on a free loopback port."""
    # Asked for only now, so that a missing browser skips before the models load.
    pipeline: Pipeline = request.getfixturevalue("pipeline")
    tmp = tmp_path_factory.mktemp("browser")
    extra = tmp / "xss.jsonl"
    extra.write_text("".join(json.dumps(a) + "\n" for a in XSS_ARTICLES), encoding="utf-8")
    store = open_store(tmp / "browser.db")
    try:
        result = ingest(
            read_sources([str(SAMPLES / "articles.jsonl"), str(extra)], allow_private=False),
            store=store,
            extractor=pipeline,
            resolver=Resolver(),
        )
        assert result.rejected == 0, result.to_dict()

        with serving(store) as base:
            with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
                data = client.get("/api/incidents", params={"limit": 1000}).json()
            assert data["total"] == len(data["incidents"])
            yield Site(base=base, incidents=tuple(data["incidents"]))
    finally:
        store.close()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Tab:
    """A page in a fresh browser context, with everything it did recorded."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        if urlsplit(url).scheme in ("data", "blob", "about"):
            return True
        return url.startswith(self.base + "/") or url == self.base

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response)

    def wait_for_map(self) -> tuple[int, int]:
        """Wait until the basemap and the markers are drawn; (markers shown, total)."""
        self.page.wait_for_function(
            "() => /on the map/.test(document.getElementById('map-status').textContent)"
        )
        self.page.wait_for_function(
            "() => document.querySelectorAll('.leaflet-basemap-pane path').length > 100"
        )
        self.page.wait_for_function("() => !document.getElementById('map').dataset.loading")
        status = self.page.locator("#map-status").inner_text()
        m = re.match(r"(\d+) of (\d+) incidents? on the map", status)
        assert m, status
        return int(m.group(1)), int(m.group(2))

    def wait_for_timeline(self) -> str:
        """Wait until the timeline is drawn (or says it has nothing); its status line."""
        self.page.wait_for_function(
            "() => /dated incident|No dated/.test("
            "document.getElementById('timeline-status').textContent)"
        )
        return self.page.locator("#timeline-status").inner_text()

    def counted(self) -> int:
        """The incidents that the map's markers and clusters stand for, summed."""
        counts = self.page.locator(
            ".leaflet-overlay-pane path.incident-marker, .leaflet-overlay-pane path.cluster"
        ).evaluate_all("els => els.map(e => parseInt(e.getAttribute('data-count'), 10))")
        return int(sum(counts))

    def markers(self) -> Any:
        return self.page.locator(".leaflet-overlay-pane path.leaflet-interactive")

    def open_popup(self, index: int) -> Any:
        """Click marker ``index``; its popup, once the previous one has faded out."""
        self.markers().nth(index).dispatch_event("click")
        self.page.wait_for_function(
            "() => document.querySelectorAll('.leaflet-popup').length === 1"
        )
        popup = self.page.locator(".leaflet-popup-content")
        popup.locator("a").first.wait_for()
        return popup

    def xss_fired(self) -> Any:
        return self.page.evaluate("() => window.__xss")

    def assert_clean(self) -> None:
        """Nothing left the machine, nothing was refused by the CSP, no script failed."""
        outside = [u for u in self.requests if not self.is_local(u)]
        assert not outside, f"requests leaving the machine: {outside}"
        assert not self.refused, f"refused requests: {self.refused}"
        assert not self.csp_violations, f"CSP violations: {self.csp_violations}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"page errors: {self.page_errors}"
        assert not self.dialogs, f"dialogs: {self.dialogs}"

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextmanager
def open_tab(browser: Browser, base: str) -> Iterator[Tab]:
    """A page in a fresh context that refuses (and records) every non-local request."""
    context: BrowserContext = browser.new_context(
        viewport={"width": 1280, "height": 900}, service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t = Tab(page=page, base=base)

    def guard(route: Route, request: Request) -> None:
        if t.is_local(request.url):
            route.continue_()
        else:  # never let it out; the test then fails on it
            t.refused.append(request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    context.on("request", lambda r: t.requests.append(r.url))
    context.expose_binding("__reportCsp", lambda _source, text: t.csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda m: t.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: t.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        t.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield t
    finally:
        context.close()


@pytest.fixture
def tab(browser: Browser, site: Site) -> Iterator[Tab]:
    with open_tab(browser, site.base) as t:
        yield t


#: Dense data for clustering: placed incidents per event type around Mali.
DENSE = {"Battles": 1700, "Protests": 700}


@pytest.fixture(scope="module")
def dense_base(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of 2,400 bulk-loaded incidents in one region, served like ``site``."""
    rng = random.Random(6)
    incidents = []
    for event_type, n in DENSE.items():
        sub = EVENT_TYPES[event_type][0]
        for k in range(n):
            record = Report(
                event_type=event_type,
                sub_event_type=sub,
                event_date=f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                country="Mali",
                location=f"Place {k % 300}",
                latitude=round(rng.uniform(11.0, 20.0), 4),
                longitude=round(rng.uniform(-8.0, 4.0), 4),
                fatalities=Figures(best=rng.randint(0, 9)),
            )
            incidents.append(
                Incident(incident_id=f"dense-{event_type[:3]}-{k:05d}", record=record, grade="Weak")
            )
    store = open_store(tmp_path_factory.mktemp("dense") / "dense.db")
    try:
        assert store.bulk_add_incidents(incidents) == sum(DENSE.values())
        with serving(store) as base:
            yield base
    finally:
        store.close()


# --- tests -------------------------------------------------------------------


def test_map_page_draws_basemap_and_markers(tab: Tab, site: Site) -> None:
    tab.goto("/")
    shown, total = tab.wait_for_map()
    page = tab.page

    assert page.locator("#map.leaflet-container").count() == 1
    # The offline basemap: world-atlas countries as SVG paths, and no tiles at all.
    assert page.locator(".leaflet-basemap-pane path").count() > 100
    assert page.locator(".leaflet-tile").count() == 0
    # One marker per incident with coordinates, inside the visible map.
    assert total == len(site.incidents)
    # One marker per place: incidents at the same coordinates share one.
    assert shown == len(site.placed()) >= 3
    markers = tab.markers()
    places = len(site.places())
    assert markers.count() == places >= 3
    if places < shown:
        assert f"on the map at {places} places" in page.locator("#map-status").inner_text()
    box = page.locator("#map").bounding_box()
    assert box is not None
    for i in range(markers.count()):
        mbox = markers.nth(i).bounding_box()
        assert mbox is not None, f"marker {i} not rendered"
        cx, cy = mbox["x"] + mbox["width"] / 2, mbox["y"] + mbox["height"] / 2
        assert box["x"] <= cx <= box["x"] + box["width"], f"marker {i} outside the map"
        assert box["y"] <= cy <= box["y"] + box["height"], f"marker {i} outside the map"
    # The list below shows the same incidents.
    assert page.locator("table.incidents tbody tr").count() == total
    tab.screenshot("map.png")
    tab.assert_clean()


def test_filter_changes_list_and_map(tab: Tab, site: Site) -> None:
    tab.goto("/")
    all_shown, all_total = tab.wait_for_map()
    mali = [i for i in site.incidents if i["country"] == "Mali"]
    assert 0 < len(mali) < all_total

    page = tab.page
    page.fill("form.filters input[name=country]", "Mali")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]country=Mali(&|$)"))
    shown, total = tab.wait_for_map()

    assert total == len(mali)
    assert shown == len(site.placed("Mali")) < all_shown
    assert tab.markers().count() == len(site.places("Mali")) < len(site.places())
    countries = page.locator("table.incidents tbody tr td:nth-child(4)").all_inner_texts()
    assert countries == ["Mali"] * len(mali)
    assert page.locator("form.filters input[name=country]").input_value() == "Mali"
    # the timeline follows the same filters
    dated = [i for i in mali if i["event_date"]]
    assert tab.wait_for_timeline().startswith(f"{len(dated)} dated incident")
    tab.screenshot("map-mali.png")
    # the export links give the same set
    with page.expect_download() as download:
        page.locator("a.export", has_text="ACLED CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["country"] for r in rows] == ["Mali"] * len(mali)

    page.click("form.filters a.reset")
    page.wait_for_url(site.base + "/")
    assert tab.wait_for_map() == (all_shown, all_total)
    tab.assert_clean()


def check_dossier(tab: Tab, incident: dict[str, Any]) -> None:
    """The dossier of ``incident`` is shown: sources side by side, evidence marked."""
    page = tab.page
    n = len(incident["reports"])
    assert n >= 2
    assert page.locator("p.crumbs code").inner_text() == incident["incident_id"]
    assert page.locator("h1").inner_text().endswith(incident["sub_event_type"])

    heads = page.locator("table.compare thead th")
    assert heads.count() == 2 + n  # label column, reconciled, one per source
    first, second = heads.nth(2).bounding_box(), heads.nth(3).bounding_box()
    assert first is not None and second is not None
    assert abs(first["y"] - second["y"]) < 1, "sources are not side by side"
    assert second["x"] >= first["x"] + first["width"] - 1, "sources are not side by side"
    for row in page.locator("table.compare tbody tr").all():
        assert row.locator("td").count() == 1 + n

    # the map inset: the basemap and one marker at the incident's place
    if isinstance(incident["latitude"], (int, float)):
        page.wait_for_function(
            "() => document.querySelectorAll('#inset .leaflet-basemap-pane path').length > 10"
        )
        assert page.locator("#inset path.inset-marker").count() == 1
    # the history: how the machine built the incident
    assert page.locator("table.history tbody tr").count() >= n

    sections = page.locator("section.article")
    assert sections.count() == n
    for i in range(min(n, 3)):  # the first three article texts are open
        text = sections.nth(i).locator("details[open] .text")
        assert text.is_visible()
        assert text.locator("mark.ev").count() >= 1, f"no evidence marked in source {i + 1}"
    mark = page.locator(".text mark.ev").first
    assert mark.get_attribute("title")  # says which field the evidence is for
    bg = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")


def test_marker_popup_opens_dossier(tab: Tab, site: Site) -> None:
    target = max(site.placed(), key=lambda i: len(i["reports"]))
    tab.goto("/")
    tab.wait_for_map()
    page = tab.page
    # Every incident on the map is reachable from a popup, co-located ones too.
    marker_of: dict[str, int] = {}
    for i in range(tab.markers().count()):
        popup = tab.open_popup(i)
        links = popup.locator("a")
        assert links.count() >= 1
        for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))"):
            assert href not in marker_of, f"{href} in two popups"
            marker_of[href] = i
        # Each incident: its fatalities and its reports and grade (and the place once).
        assert popup.locator("p").count() == 2 * links.count() + 1
    by_place = site.places()
    assert len(marker_of) == sum(len(ids) for ids in by_place.values())
    for ids in by_place.values():
        hrefs = [f"/incidents/{quote(i, safe='')}" for i in ids]
        assert len({marker_of[h] for h in hrefs}) == 1, f"{ids} are at one place"

    href = f"/incidents/{quote(target['incident_id'], safe='')}"
    popup = tab.open_popup(marker_of[href])
    assert f"{len(target['reports'])} reports" in popup.inner_text()
    popup.locator(f'a[href="{href}"]').click()
    page.wait_for_url(f"{site.base}/incidents/{target['incident_id']}")
    check_dossier(tab, target)
    if page.locator(".text mark.loaded").count():
        assert page.locator("dl.meta dt", has_text="Loaded terms").count() >= 1
    tab.screenshot("dossier.png")
    tab.assert_clean()


def test_list_link_opens_dossier(tab: Tab, site: Site) -> None:
    tab.goto("/")
    page = tab.page
    merged = [i for i in site.incidents if len(i["reports"]) >= 2]
    assert len(merged) >= 2
    target = merged[-1]  # another one than the marker test's, most likely
    href = f"/incidents/{quote(target['incident_id'], safe='')}"
    page.locator(f'table.incidents tbody td:first-child a[href="{href}"]').click()
    page.wait_for_url(f"{site.base}/incidents/{target['incident_id']}")
    check_dossier(tab, target)
    tab.assert_clean()


def test_xss_payloads_stay_inert(tab: Tab, site: Site) -> None:
    xss = site.xss_incident()
    page = tab.page

    # The list, the map and every marker popup (one is the XSS incident's).
    tab.goto("/")
    tab.wait_for_map()
    for i in range(tab.markers().count()):
        tab.open_popup(i)
    assert tab.xss_fired() is None
    assert page.locator(INJECTED).count() == 0

    # Payloads reflected from the query string into the filter form and the map.
    evil = quote(f'"><{IMG[1:]}', safe="")
    tab.goto(f"/?country={evil}&q={quote(SCRIPT, safe='')}&actor={quote(SVG, safe='')}")
    tab.page.wait_for_function(
        "() => !/Loading/.test(document.getElementById('map-status').textContent)"
    )
    assert page.locator("form.filters input[name=country]").input_value() == f'"><{IMG[1:]}'
    assert page.locator("input[name=q]").input_value() == SCRIPT
    assert tab.xss_fired() is None
    assert page.locator(INJECTED).count() == 0

    # The dossier shows every payload as text.
    tab.goto(f"/incidents/{xss['incident_id']}")
    text = page.locator("main").inner_text()
    for article in XSS_ARTICLES:
        assert article["title"] in text
        assert article["outlet"] in text
        assert article["url"] in text
    for payload in (IMG, SCRIPT, SVG):
        assert payload in text
    assert page.locator(".text mark.ev").count() >= 2
    # The quote-breaking URL is one intact href; the javascript: URL is not a link.
    assert page.locator(f"a[href={json.dumps(QUOTE_BREAK)}]").count() == 1
    assert page.locator("span.unsafe-url").inner_text() == XSS_ARTICLES[1]["url"]
    page.locator("section.article .text").first.hover()
    page.locator("section.article dl.meta a").first.hover()
    assert tab.xss_fired() is None
    assert page.locator(INJECTED).count() == 0
    tab.screenshot("dossier-xss.png")

    # The JSON of the incident in the browser is inert too.
    tab.goto(f"/api/incidents/{xss['incident_id']}")
    assert tab.xss_fired() is None
    tab.assert_clean()


def test_docs_loads_swagger_ui_locally(tab: Tab, site: Site) -> None:
    tab.goto("/docs")
    page = tab.page
    page.locator(".swagger-ui .info .title").wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("corroborate")
    page.locator(".opblock-summary-path", has_text="/api/incidents").first.wait_for()
    assert any(u.endswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for u in tab.requests)
    assert any(u.endswith("/static/vendor/swagger-ui/swagger-ui.css") for u in tab.requests)
    assert any(u.endswith("/openapi.json") for u in tab.requests)
    # Try one call from the page: it goes to this server only.
    page.locator(".opblock-summary", has_text="/api/stats").click()
    page.locator(".opblock .try-out__btn").click()
    page.locator(".opblock .execute").click()
    page.locator(".opblock .live-responses-table .response-col_status").first.wait_for()
    assert any("/api/stats" in u for u in tab.requests)
    tab.screenshot("docs.png")
    tab.assert_clean()


def test_timeline_brush_filters_map_and_list(tab: Tab, site: Site) -> None:
    tab.goto("/")
    tab.wait_for_map()
    dated = [i for i in site.incidents if i["event_date"]]
    assert tab.wait_for_timeline().startswith(f"{len(dated)} dated incident")
    page = tab.page
    weeks = page.locator("#timeline g.week")
    assert weeks.count() >= 2
    fills = page.locator("#timeline rect.bar").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )
    assert len(set(fills)) >= 2, "bars are coloured by event type"

    # Drag across the first week: the page reloads with that week's dates.
    week = weeks.first.get_attribute("data-week") or ""
    box = weeks.first.bounding_box()
    overlay = page.locator("#timeline .brush-overlay").bounding_box()
    assert box is not None and overlay is not None
    x, y = box["x"] + box["width"] / 2, overlay["y"] + overlay["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 2, y)
    page.mouse.up()
    end = (date.fromisoformat(week) + timedelta(days=6)).isoformat()
    page.wait_for_url(re.compile(rf"date_from={week}&date_to={end}$"))
    expected = [i for i in dated if week <= i["event_date"][:10] <= end]
    assert 0 < len(expected) < len(site.incidents)
    _shown, total = tab.wait_for_map()
    assert total == len(expected)
    assert page.locator("table.incidents tbody tr").count() == len(expected)
    assert tab.wait_for_timeline().startswith(f"{len(expected)} dated incident")
    assert page.locator("form.filters input[name=date_from]").input_value() == week
    assert page.locator("form.filters input[name=date_to]").input_value() == end
    tab.screenshot("map-brushed.png")
    tab.assert_clean()


def test_dense_map_is_aggregated_and_clustered(browser: Browser, dense_base: str) -> None:
    total = sum(DENSE.values())
    with open_tab(browser, dense_base) as t:
        page = t.page
        # Zoomed out over 2,400 incidents: the server bins them into cells.
        t.goto("/")
        shown, all_total = t.wait_for_map()
        assert (shown, all_total) == (total, total)
        assert "counted in" in page.locator("#map-status").inner_text()
        assert page.locator("#map").get_attribute("data-mode") == "cells"
        clusters = page.locator(".leaflet-overlay-pane path.cluster")
        assert clusters.count() >= 2
        assert t.counted() == total
        labels = page.locator(".cluster-label").all_inner_texts()
        assert sum(int(x) for x in labels) == total
        t.screenshot("map-dense.png")

        # Clicking a cell zooms in; the viewport then holds fewer incidents.
        clusters.first.dispatch_event("click")
        page.wait_for_function(
            f"() => !/^{total} of/.test(document.getElementById('map-status').textContent)"
        )
        in_view = int(page.locator("#map-status").inner_text().split(" ")[0])
        assert 0 < in_view < total
        assert t.counted() == in_view

        # Fewer incidents (one type): single incidents, clustered on screen.
        t.goto("/?event_type=Protests")
        shown, protests = t.wait_for_map()
        assert shown == protests == DENSE["Protests"]
        assert page.locator("#map").get_attribute("data-mode") == "points"
        assert page.locator(".leaflet-overlay-pane path.cluster").count() >= 1
        assert t.counted() == DENSE["Protests"]
        fills = page.locator(".leaflet-overlay-pane path.leaflet-interactive").evaluate_all(
            "els => [...new Set(els.map(e => e.getAttribute('fill')))]"
        )
        assert fills == ["#2e86c1"], "coloured by event type (Protests)"
        t.screenshot("map-dense-protests.png")
        t.assert_clean()


# --- review ------------------------------------------------------------------

ANALYST, ANALYST_PASSWORD = "alice", "correct horse battery"


@pytest.fixture(scope="module")
def review_store(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The small seeded store of the page tests, with one analyst account."""
    from corroborate.auth import hash_password
    from tests.web.conftest import seed

    store = open_store(tmp_path_factory.mktemp("review") / "review.db")
    try:
        seed(store)
        store.add_user(ANALYST, hash_password(ANALYST_PASSWORD))
        yield store
    finally:
        store.close()


def test_review_edit_persists_and_is_logged(browser: Browser, review_store: Store) -> None:
    from corroborate import review

    incident = "inc-mr-1"
    why = f"named by the governor {IMG}{SVG}"
    with serving(review_store) as base, open_tab(browser, base) as t:
        page = t.page
        t.goto(f"/incidents/{incident}")
        # Reading is open; writing needs a login, which comes back to the dossier.
        assert page.locator("#review form").count() == 0
        page.locator("#review a", has_text="Log in").click()
        page.wait_for_url(re.compile(r"/login\?next="))
        page.fill("form.login input[name=name]", ANALYST)
        page.fill("form.login input[name=password]", ANALYST_PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{base}/incidents/{incident}")
        assert page.locator("p.flash").inner_text() == f"Logged in as {ANALYST}."
        assert page.locator("header .account .who").inner_text() == ANALYST

        # Without the CSRF token the write API refuses a cookie session; with it, fine.
        statuses = page.evaluate(
            """async (url) => {
                const body = JSON.stringify({why: "test"});
                const headers = {"Content-Type": "application/json"};
                const bare = await fetch(url, {method: "POST", headers, body});
                const token = document.querySelector('meta[name="csrf-token"]').content;
                const forged = await fetch(url, {method: "POST", body,
                    headers: {...headers, "X-CSRF-Token": token + "x"}});
                return [bare.status, forged.status];
            }""",
            f"{base}/api/incidents/{incident}/discount",
        )
        assert statuses == [403, 403]
        assert len(t.console_errors) == 2 and all("403" in e for e in t.console_errors)
        t.console_errors.clear()  # the browser logs the two refusals we asked for

        # Correct the location, with a hostile "why".
        page.click("#review-edit summary")
        page.fill("#review-edit input[name=f_location]", "Bir Moghrein")
        page.fill("#review-edit input[name=why]", why)
        page.click("#review-edit button[type=submit]")
        page.wait_for_url(f"{base}/incidents/{incident}")
        assert page.locator("p.flash").inner_text() == "Saved location."
        assert "Bir Moghrein" in page.locator("table.fields").inner_text()
        row = page.locator("table.history tbody tr", has_text="edit").last
        cells = row.locator("td").all_inner_texts()
        assert cells[1:4] == ["edit", ANALYST, why]
        assert page.locator("table.decisions tbody tr").count() == 1
        assert t.xss_fired() is None
        assert page.locator(INJECTED).count() == 0

        # The decision holds through a re-clustering.
        review.recluster(review_store, resolver=Resolver())
        t.goto(f"/incidents/{incident}")
        assert "Bir Moghrein" in page.locator("table.fields").inner_text()
        for summary in page.locator("#review details > summary").all():
            summary.click()
        page.locator("#review").scroll_into_view_if_needed()
        t.screenshot("dossier-review.png")
        page.locator("#review").screenshot(path=str(ARTIFACTS / "dossier-review-panel.png"))

        t.goto("/alerts")
        assert page.locator("h1").inner_text() == "Alerts"
        assert t.xss_fired() is None
        t.assert_clean()
    stored = review_store.get_incident(incident)
    assert stored is not None and stored.record.location == "Bir Moghrein"
