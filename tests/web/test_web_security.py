"""Security of the web UI: escaping of hostile article data, safe links, headers, CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from corroborate.model import Evidence, Figures, Framing, Incident, LoadedTerm, Report, SourceClaim
from corroborate.store.base import Store
from corroborate.web import create_app
from corroborate.web.security import STRICT_CSP, safe_href
from tests.web.conftest import add_member
from tests.web.html_tools import parse

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
PAYLOADS = (SCRIPT, ATTR)
EVIL_ID = "evil-1"
EVIL_TEXT = (
    f"Attackers {SCRIPT} struck {ATTR} the village; five people were killed, "
    f"said the {ATTR} council. A {SCRIPT} massacre."
)
HOSTILE_URLS = (
    JS_URL,
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
)


def _span(text: str, field: str, quote_: str) -> Evidence:
    start = text.index(quote_)
    return Evidence(field, start, start + len(quote_), quote_, f"x{SCRIPT}")


def seed_hostile(store: Store) -> None:
    report = Report(
        event_type="Violence against civilians",
        sub_event_type=f"Attack{ATTR}",
        event_date="2024-02-02",
        time_precision=1,
        actor1=f"Militia {SCRIPT}",
        inter1=3,
        actor2=f"Civilians {ATTR}",
        inter2=7,
        actor1_country=SCRIPT,
        country=f"Mali{SCRIPT}",
        admin1=ATTR,
        location=f"Village {SCRIPT}",
        latitude=14.0,
        longitude=-3.0,
        fatalities=Figures(5, 5, 5),
        sources=(SourceClaim(f"council {ATTR}", ATTR, SCRIPT),),
        summary=f"Summary {SCRIPT} {ATTR}",
        evidence=(
            _span(EVIL_TEXT, "fatalities", "five people were killed"),
            _span(EVIL_TEXT, "actor1", f"Attackers {SCRIPT}"),
            Evidence(f"f{ATTR}", 0, 3, f"not in text {SCRIPT}", ATTR),
        ),
    )
    loaded_at = EVIL_TEXT.index(f"{SCRIPT} massacre")
    framing = Framing(
        (LoadedTerm(f"{SCRIPT} massacre", loaded_at, loaded_at + len(SCRIPT) + 9),), 0.9
    )
    members = []
    for n, url in enumerate((JS_URL, *HOSTILE_URLS[1:]), start=1):
        _, member = add_member(
            store,
            text=f"{EVIL_TEXT} (copy {n})",
            report=report,
            outlet=f"Outlet {n} {ATTR}",
            url=url,
            published=SCRIPT,
            title=f"Title {SCRIPT} {ATTR}",
            framing=framing,
        )
        members.append(member)
    store.save_incident(
        Incident(
            incident_id=EVIL_ID,
            record=report,
            members=tuple(members),
            origins=len(members),
            grade=f"Weak{ATTR}",
            grade_reason=f"reason {SCRIPT}",
        )
    )


@pytest.fixture
def hostile(store: Store) -> Iterator[TestClient]:
    seed_hostile(store)
    with TestClient(create_app(store, title=f"T {SCRIPT}")) as c:
        yield c


def assert_safe_html(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    assert "<img" not in html
    assert "<script>alert" not in html
    page = parse(html)
    assert page.inline_scripts == []
    for tag, attrs in page.tags:
        for name in attrs:
            assert not name.startswith("on"), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "base"), tag
    for url in page.urls():
        ok = (url.startswith("/") and not url.startswith("//")) or url.startswith("#")
        ok = ok or url.startswith(("http://", "https://"))
        assert ok, url
        assert "javascript:" not in url.lower()
    for src in page.attrs("src"):
        assert src.startswith("/static/"), src


HOSTILE_PAGES = (
    "/",
    f"/incidents/{EVIL_ID}",
    "/?" + "&".join(f"{k}={quote(SCRIPT + ATTR)}" for k in ("country", "event_type", "q", "actor")),
    f"/?date_from={quote(ATTR)}&min_fatalities={quote(SCRIPT)}",
    "/?" + "&".join(f"{k}={quote(ATTR + SCRIPT)}" for k in ("admin1", "sub_event_type", "grade")),
    f"/incidents/{quote(SCRIPT + ATTR, safe='')}",
    f"/no-such-page/{quote(SCRIPT, safe='')}",
)


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_data_is_escaped_everywhere(hostile: TestClient, path: str) -> None:
    r = hostile.get(path)
    assert r.status_code in (200, 404)
    assert r.headers["content-type"].startswith("text/html")
    assert_safe_html(r.text)


def test_hostile_data_is_shown_escaped(hostile: TestClient) -> None:
    html = hostile.get(f"/incidents/{EVIL_ID}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    # hostile URLs are shown as text, never linked
    page = parse(html)
    assert not [h for h in page.attrs("href") if "evil.example" in h or "alert(" in h]
    assert html.count('class="unsafe-url"') == len(HOSTILE_URLS)
    # the grade's CSS class is reduced to letters and digits
    assert 'class="grade grade-weakimgsrcxonerroralert1"' in html
    # evidence spans and loaded terms are still marked, with escaped contents
    assert '<mark class="ev" title="actor1 (x&lt;script&gt;alert(1)&lt;/script&gt; v1)">' in html
    assert '<mark class="loaded" title="loaded term: &lt;script&gt;' in html


def test_hostile_history_is_escaped(store: Store) -> None:
    seed_hostile(store)
    store.log_incident_event(
        EVIL_ID, action=f"edit{SCRIPT}", reason=ATTR, detail={ATTR: [SCRIPT, ATTR]}
    )
    with TestClient(create_app(store)) as c:
        html = c.get(f"/incidents/{EVIL_ID}").text
    assert_safe_html(html)
    assert "edit&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "path",
    ["/api/map", "/api/timeline", "/api/reports", "/api/articles", "/export/incidents.jsonl"],
)
def test_hostile_data_endpoints_are_not_html(hostile: TestClient, path: str) -> None:
    r = hostile.get(path)
    assert r.status_code == 200
    assert not r.headers["content-type"].startswith("text/html")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_hostile_list_links_are_relative(hostile: TestClient) -> None:
    page = parse(hostile.get("/").text)
    assert f"/incidents/{EVIL_ID}" in page.attrs("href")


def test_hostile_json_is_json(hostile: TestClient) -> None:
    r = hostile.get(f"/api/incidents/{EVIL_ID}")
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["summary"] == f"Summary {SCRIPT} {ATTR}"


def test_incident_ids_are_path_encoded_in_links(store: Store) -> None:
    odd = 'id/with "quotes" & <tags>'
    report = Report(event_type="Riots", sub_event_type="Mob violence")
    store.save_incident(Incident(incident_id=odd, record=report))
    with TestClient(create_app(store)) as c:
        page = parse(c.get("/").text)
        href = quote(odd, safe="")
        assert f"/incidents/{href}" in page.attrs("href")
        # a slash-free id is reachable through its encoded link
        store.save_incident(Incident(incident_id='q"<x>', record=report))
        assert c.get("/incidents/" + quote('q"<x>', safe="")).status_code == 200


REQUIRED_CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/incidents/inc-mr-1",
        "/incidents/unknown",
        "/api/incidents",
        "/api/incidents/unknown",
        "/api/stats",
        "/openapi.json",
        "/static/style.css",
        "/static/vendor/leaflet/leaflet.js",
        "/static/nothing.js",
        "/nowhere",
    ],
)
def test_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert csp == STRICT_CSP
    directives = [d.strip() for d in csp.split(";")]
    for required in REQUIRED_CSP:
        assert required in directives
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


def test_docs_are_local(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    assert "http://" not in html and "https://" not in html
    page = parse(html)
    assert sorted(page.urls()) == [
        "/static/favicon.svg",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
    ]
    for url in page.urls():
        assert client.get(url).status_code == 200
    assert "url: '/openapi.json'" in html
    assert '"validatorUrl": null' in html
    assert client.get("/openapi.json").status_code == 200
    # redoc (which would load from a CDN) is off
    assert client.get("/redoc").status_code == 404


def test_docs_csp_allows_only_its_own_bootstrap(client: TestClient) -> None:
    r = client.get("/docs")
    csp = r.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in (x.strip() for x in csp.split(";")) if d}
    page = parse(r.text)
    assert len(page.inline_scripts) == 1
    digest = hashlib.sha256(page.inline_scripts[0].encode()).digest()
    expected = f"'sha256-{base64.b64encode(digest).decode()}'"
    assert directives["script-src"] == ["'self'", expected]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    for name in ("default-src", "connect-src"):
        assert directives[name] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("http://example.org", "http://example.org"),
        ("  https://example.org/x  ", "https://example.org/x"),
        ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
        *((u, None) for u in HOSTILE_URLS),
        ("https://", None),
        ("http://exa mple.org/", None),
        ("https://example.org/\nx", None),
        ("ftp://example.org/f", None),
        ("", None),
        (None, None),
        ("http://[::1", None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_pages_and_scripts_have_no_inline_code() -> None:
    from corroborate.web import app as app_module

    templates = app_module.TEMPLATES_DIR
    for path in templates.glob("*.html"):
        source = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), path
        assert "style=" not in source, path
        assert "<style" not in source, path
        assert "|safe" not in source, path
    scripts = sorted(app_module.STATIC_DIR.glob("*.js"))
    assert {p.name for p in scripts} >= {"map.js", "timeline.js", "inset.js", "colors.js"}
    for path in scripts:
        js = path.read_text().replace('"http://www.w3.org/2000/svg"', "")  # a namespace name
        assert "innerHTML" not in js, path
        assert "insertAdjacentHTML" not in js, path
        assert "document.write" not in js and "eval(" not in js, path
        assert "http://" not in js and "https://" not in js, path
