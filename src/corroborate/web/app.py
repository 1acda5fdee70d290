"""The web face of corroborate: HTML pages, a JSON API and local API docs.

``create_app(store)`` builds a FastAPI application around a store that the
caller opened (the CLI runs it with uvicorn). Nothing connects at import
time, and no page or asset is loaded from outside this server: the map is
drawn with Leaflet on an offline world basemap (world-atlas TopoJSON), and
Swagger UI for ``/docs`` is served from ``/static/vendor``.

Routes:

- ``GET /`` — incidents with a map and a filter form (filters in the query string)
- ``GET /incidents/{incident_id}`` — the dossier of one incident
- ``GET /api/incidents`` — a page of incidents as JSON (``incidents``, ``total``,
  ``limit``, ``offset``)
- ``GET /api/incidents/{incident_id}`` — one incident as JSON
- ``GET /api/stats`` — the store's counts
- ``GET /docs`` (Swagger UI) and ``GET /openapi.json``
- ``/static/…`` — the stylesheet, the map script and the vendored assets

Security: see :mod:`corroborate.web.security` for the headers and the CSP
(strict everywhere; ``/docs`` alone allows its bootstrap script by hash and
inline styles). Article-derived text only ever reaches HTML through
Jinja2's autoescaping or :func:`markupsafe.escape`, never inside a
``<script>``; links to articles are only made for http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from corroborate import __version__
from corroborate.errors import CorroborateError, NotFound
from corroborate.model import EVENT_TYPES
from corroborate.store.base import IncidentFilter, Store
from corroborate.web import views
from corroborate.web.security import (
    SecurityHeadersMiddleware,
    docs_csp,
    inline_script_hashes,
    safe_href,
)

__all__ = ["MAX_LIMIT", "create_app", "parse_filter"]

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"

#: The largest page of incidents the API and the list page return.
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
#: How many incidents the map loads at most (in pages of MAX_LIMIT).
MAP_CAP = 10_000

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
            values[name] = number
        else:
            values[name] = text
    if "date_from" in values and "date_to" in values and values["date_from"] > values["date_to"]:
        errors.append("date_from is after date_to")
    return IncidentFilter(**values), errors


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


def create_app(store: Store, *, title: str = "corroborate") -> FastAPI:
    """The web application over ``store`` (opened and closed by the caller).

    Calls into the store are serialised with a lock, so one store
    connection can serve the threads that FastAPI runs handlers in.
    """
    app = FastAPI(
        title=title,
        summary="Neutral, sourced incident records merged across outlets.",
        version=__version__,
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    templates = _templates()
    lock = threading.Lock()

    @contextmanager
    def using_store() -> Iterator[Store]:
        with lock:
            yield store

    def page(
        request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
    ) -> HTMLResponse:
        base = {
            "site_title": title,
            "root": str(request.scope.get("root_path", "")),
        }
        return templates.TemplateResponse(
            request, name, {**base, **context}, status_code=status_code
        )

    # --- errors --------------------------------------------------------

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
                "filtered": bool(params),
                "map_api": f"{root}/api/incidents?"
                + urlencode({**params, "limit": str(MAX_LIMIT)}),
                "map_cap": MAP_CAP,
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
        return page(request, "incident.html", {"d": dossier, "i": incident})

    # --- JSON API ------------------------------------------------------

    @app.get("/api/incidents", tags=["incidents"], summary="List incidents")
    def api_incidents(
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 1000).")
        ] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, description="Incidents to skip.")] = 0,
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
        q: Annotated[
            str | None, Query(description="Full-text search over member articles.")
        ] = None,
    ) -> dict[str, Any]:
        """A page of incidents, newest event first, and the number that match.

        Every filter is optional; empty values are ignored; there is no
        default date window.
        """
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

    return app


def _jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append({k: err[k] for k in ("type", "loc", "msg") if k in err})
    return out
