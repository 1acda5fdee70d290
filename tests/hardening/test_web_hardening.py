"""The web app against hostile data and hostile requests.

- an XSS corpus through every field that reaches a page (title, text,
  outlet, url, actor and place names), ingested through the real pipeline
  and also stored directly in every report field;
- SQL injection through every filter of ``/api/incidents``, the list page
  and the other list APIs;
- path traversal on the static routes, sent raw to a real server (no client
  normalises the path);
- oversized requests (query strings, headers, bodies);
- auth on every write route (no credentials, a bad token, a session with no
  CSRF token).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from corroborate.auth import hash_password
from corroborate.extract.pipeline import Pipeline
from corroborate.ingest import ingest
from corroborate.model import Figures, Incident, Report, SourceClaim
from corroborate.readers import read_sources
from corroborate.resolve import Resolver
from corroborate.store import open_store
from corroborate.store.base import IncidentFilter
from corroborate.web import create_app
from tests.hardening.support import Server, raw_request, snapshot
from tests.web.conftest import add_member
from tests.web.test_web_review import PASSWORD, login
from tests.web.test_web_security import assert_safe_html

XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{7*7}}{%raw%}${7*7}",
    "\u2028\u2029</script>",
)
BAD_URLS = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
)
SQLI = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '"; DROP TABLE incidents; --',
    "%' OR 1=1 --",
    "') UNION SELECT sqlite_version(), 1, 2 --",
    "1; DELETE FROM articles",
    "\\",
    "%",
    "_",
    "*",
    '"unbalanced',
    "NEAR(a b) OR x*",
    "a AND OR NOT",
    "-1",
    "1e999",
    "9" * 40,
    "\x00",
    "🙂\u202e",
)
SQL_ERRORS = (
    "syntax error",
    "operationalerror",
    "sqlite3.",
    "no such column",
    "unrecognized token",
    "store error",
    "fts5",
)
FILTERS = tuple(f for f in IncidentFilter.__dataclass_fields__)
LIST_PARAMS = (*FILTERS, "limit", "offset")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    root = tmp_path_factory.mktemp("web")
    lines = []
    for k, payload in enumerate(XSS):
        lines.append(
            json.dumps(
                {
                    "id": f"x{k}{payload}",
                    "text": f"Gunmen of the {payload} militia killed {k + 2} villagers near Gao "
                    f"in {payload} on 2 May 2023, residents of {payload} said.",
                    "title": f"Title {payload}",
                    "outlet": f"Outlet {payload}",
                    "url": BAD_URLS[k % len(BAD_URLS)] if k % 2 else f"https://x.example/{payload}",
                    "published": "2023-05-03",
                }
            )
        )
    source = root / "hostile.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = root / "hostile.db"
    with open_store(db) as store:
        ingest(read_sources([str(source)]), store=store, extractor=pipeline, resolver=Resolver())
        # every report field a page shows, set directly (the extractor may not pick them up)
        for k, payload in enumerate(XSS):
            report = Report(
                event_type="Violence against civilians",
                sub_event_type=f"Attack{payload}",
                event_date="2024-02-02",
                time_precision=1,
                actor1=f"Militia {payload}",
                inter1=3,
                actor2=f"Civilians {payload}",
                inter2=7,
                actor1_country=payload,
                country=f"Mali{payload}",
                admin1=payload,
                location=f"Village {payload}",
                latitude=14.0,
                longitude=-3.0,
                fatalities=Figures(5, 5, 5),
                sources=(SourceClaim(f"council {payload}", payload, payload),),
                summary=f"Summary {payload}",
            )
            _, member = add_member(
                store,
                text=f"Direct {k}: {payload} attacked a village; five people were killed.",
                report=report,
                outlet=f"Outlet {payload}",
                url=BAD_URLS[k % len(BAD_URLS)],
                published="2024-02-03",
                title=f"Title {payload}",
            )
            store.save_incident(
                Incident(
                    incident_id=f"evil-{k}",
                    record=report,
                    members=(member,),
                    origins=1,
                    grade="Weak",
                    grade_reason=payload,
                )
            )
        store.add_user("alice", hash_password(PASSWORD))
    return db


@pytest.fixture
def client(hostile_db: Path) -> Iterator[TestClient]:
    with open_store(hostile_db) as store, TestClient(create_app(store)) as c:
        yield c


def _incident_ids(db: Path) -> list[str]:
    with open_store(db) as store:
        return [i.incident_id for i in store.iter_incidents()]


def _assert_no_payload(html: str) -> None:
    assert_safe_html(html)
    for payload in XSS:
        if "<" in payload:
            assert payload not in html, payload


def test_xss_corpus_on_every_page(client: TestClient, hostile_db: Path) -> None:
    ids = _incident_ids(hostile_db)
    assert len(ids) > len(XSS)  # the ingested ones and the direct ones
    pages = ["/", "/?limit=1000", *(f"/incidents/{quote(i, safe='')}" for i in ids)]
    pages += [f"/?q={quote(p)}&actor={quote(p)}&country={quote(p)}" for p in XSS]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 400), path
        assert response.headers["content-type"].startswith("text/html")
        _assert_no_payload(response.text)


def test_xss_corpus_in_the_api_is_json(client: TestClient) -> None:
    for path in ("/api/incidents?limit=1000", "/api/reports?limit=1000", "/api/articles"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers.get("x-content-type-options") == "nosniff"
        response.json()


@pytest.mark.parametrize("name", LIST_PARAMS)
def test_sql_injection_through_every_filter(
    client: TestClient, hostile_db: Path, name: str
) -> None:
    before = snapshot(hostile_db)
    total = client.get("/api/incidents?limit=1").json()["total"]
    for payload in SQLI:
        value = quote(payload, safe="")
        for path in (
            f"/api/incidents?{name}={value}",
            f"/?{name}={value}",
            f"/api/reports?{name}={value}",
            f"/api/map?zoom=2&{name}={value}",
            f"/api/timeline?{name}={value}",
        ):
            response = client.get(path)
            assert response.status_code in (200, 400, 422), (path, response.text[:300])
            lowered = response.text.lower()
            for leak in SQL_ERRORS:
                assert leak not in lowered, (path, leak)
            if path.startswith("/api/incidents") and response.status_code == 200:
                found = response.json()["total"]
                assert found <= total
                if name in ("country", "admin1", "event_type", "sub_event_type", "grade"):
                    assert found == 0, (name, payload)  # matched as a value, not as SQL
                if name == "actor":  # a substring, matched literally (no LIKE wildcards)
                    for inc in response.json()["incidents"]:
                        names = f"{inc['actor1']}\n{inc['actor2']}".casefold()
                        assert payload.casefold() in names, (payload, names)
    assert snapshot(hostile_db) == before


TRAVERSALS = (
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py",
    "/static/..\\app.py",
    "/static/vendor/../../app.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/....//app.py",
    "/static/..;/app.py",
    "/static/%252e%252e/app.py",
    "/static/%c0%ae%c0%ae/app.py",
    "/static/%00../app.py",
    "/../../../../etc/passwd",
    "/incidents/..%2f..%2f..%2fetc%2fpasswd",
)


@pytest.fixture(scope="module")
def server(hostile_db: Path) -> Iterator[Server]:
    with Server(hostile_db) as s:
        yield s


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_on_static_routes(server: Server, path: str) -> None:
    reply = raw_request(
        server.port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), reply[:200]
    status = int(head.split()[1])
    assert status in (400, 404, 405, 422), (path, head)
    for secret in (b"root:x:0", b"create_app", b"[project]", b"def "):
        assert secret not in body, path


def test_static_files_still_served(server: Server) -> None:
    reply = raw_request(
        server.port, b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/incidents?q="
        + b"a" * 200_000
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/incidents?"
        + b"&".join(b"country=x" for _ in range(20_000))
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 200_000 + b"\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(5_000))
        + b"Connection: close\r\n\r\n",
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 5000000\r\nConnection: close\r\n\r\n" + b"name=" + b"a" * 4_999_995,
        b"POST /api/incidents/evil-1/edit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        b'\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n{"a":',
        b"GET /api/incidents?limit=99999999999999999999999 HTTP/1.1\r\nHost: x\r\n"
        b"Connection: close\r\n\r\n",
        b"GET /api/map?zoom=-99999&bbox=1e999,nan,inf,-inf HTTP/1.1\r\nHost: x\r\n"
        b"Connection: close\r\n\r\n",
    ],
    ids=[
        "long-query",
        "many-params",
        "big-header",
        "many-headers",
        "big-form",
        "huge-length",
        "huge-limit",
        "absurd-map",
    ],
)
def test_oversized_and_absurd_requests(server: Server, request_bytes: bytes) -> None:
    reply = raw_request(server.port, request_bytes, timeout=60)
    if reply:  # the server may also just close the connection
        status = int(reply.split()[1])
        assert status < 500, reply[:300]
    # and it is still up
    ok = raw_request(
        server.port, b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert ok.startswith(b"HTTP/1.1 200")
    assert "Traceback" not in server.output()


def _write_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        methods = getattr(route, "methods", None) or set()
        for method in sorted(methods - {"GET", "HEAD", "OPTIONS"}):
            path = str(route.path)
            if path in ("/login", "/logout"):
                continue
            path = path.replace("{incident_id}", "evil-1").replace("{action}", "edit")
            path = path.replace("{decision_id}", "1").replace("{report_id}", "x:0")
            routes.append((method, path))
    return routes


def test_every_write_needs_auth(client: TestClient, hostile_db: Path) -> None:
    before = snapshot(hostile_db)
    routes = _write_routes(client)
    assert routes, "no write routes found"
    for method, path in routes:
        for headers in (
            {},
            {"Authorization": "Bearer cor_not-a-real-token"},
            {"Authorization": "Basic YWxpY2U6eA=="},
        ):
            response = client.request(
                method,
                path,
                headers=headers,
                json={"field": "country", "value": "X"},
                follow_redirects=False,
            )
            refused = response.status_code in (401, 403) or (
                response.status_code == 303 and "/login" in response.headers["location"]
            )
            assert refused, (method, path, headers, response.status_code)
    assert snapshot(hostile_db) == before


def test_session_writes_need_the_csrf_token(client: TestClient, hostile_db: Path) -> None:
    assert login(client).status_code == 303
    before = snapshot(hostile_db)
    for method, path in _write_routes(client):
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"Origin": "https://evil.example"}):
            response = client.request(
                method,
                path,
                headers=headers,
                data={"csrf": "forged", "value": "X"},
                follow_redirects=False,
            )
            assert response.status_code in (401, 403), (method, path, headers)
    assert snapshot(hostile_db) == before
