"""Analysts' review in the web app: login/logout, the dossier's review forms, the write API.

Every change goes through :mod:`corroborate.review` (which records a
Decision, logs it in the incident's history and keeps it through
re-clustering); this module only authenticates, checks CSRF and turns
requests into those calls.

Who may write:

- a logged-in analyst (session cookie, see :mod:`corroborate.web.sessions`),
  who must also send the session's CSRF token (form field ``csrf``, or the
  ``X-CSRF-Token`` header for the JSON API: 403 without it);
- a client sending ``Authorization: Bearer TOKEN`` (``corroborate user
  token NAME``); no CSRF token then, since browsers never attach it on
  their own.

Anything else gets 401. Review errors (unknown field, a split with every
report, …) give 400 with :class:`~corroborate.errors.ReviewError`'s message
in the API, and a flash message on the dossier for the forms.

Routes (``register``):

- ``GET/POST /login``, ``POST /logout``
- ``POST /incidents/{id}/review/{action}`` — the dossier's forms: ``edit``,
  ``discount``, ``detach``, ``split``, ``merge``, ``undo``
- ``POST /api/incidents/{id}/edit|merge|split|detach|discount`` and
  ``POST /api/decisions/{id}/undo`` — the write API (JSON)
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from corroborate import review
from corroborate.auth import hash_password, hash_token, verify_password
from corroborate.errors import ReviewError
from corroborate.model import EVENT_TYPES, Decision, Figures, Incident
from corroborate.resolve.decisions import EDITABLE_FIELDS
from corroborate.store.base import Store
from corroborate.web.sessions import csrf_ok, ensure_csrf, safe_next

__all__ = [
    "EditableField",
    "LoginRequired",
    "editable_fields",
    "identify",
    "page_context",
    "register",
]

_LABELS = {
    "event_type": "Event type",
    "sub_event_type": "Sub-event type",
    "event_date": "Event date (YYYY-MM-DD)",
    "time_precision": "Time precision (1–3)",
    "actor1": "Actor 1",
    "inter1": "Actor 1 type (inter1)",
    "actor1_country": "Actor 1 country",
    "actor2": "Actor 2",
    "inter2": "Actor 2 type (inter2)",
    "actor2_country": "Actor 2 country",
    "civilian_targeting": "Civilian targeting",
    "country": "Country",
    "admin1": "Admin 1",
    "location": "Location",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "geo_precision": "Geo precision (1–3)",
    "fatalities": "Fatalities (best)",
    "civilian_fatalities": "Civilian fatalities (best)",
    "injuries": "Injuries (best)",
    "summary": "Summary",
}
_MAX_WHY = 2000
_BEARER = HTTPBearer(
    auto_error=False,
    description="An API token from `corroborate user token NAME`.",
)
_DUMMY_HASH = hash_password("not a real password", salt=b"corroborate-dummy")


class LoginRequired(Exception):
    """Reading needs a login here (``read_auth``): 401 for the API, the login page otherwise."""


# --- who is asking ------------------------------------------------------------


def password_mark(password_hash: str) -> str:
    """A fingerprint of the stored password hash, kept in the session: resetting a
    password (``corroborate user add`` again) ends that user's sessions."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def _session_user(store: Store, session: Mapping[str, Any]) -> str | None:
    name = session.get("user")
    if not isinstance(name, str) or not name:
        return None
    user = store.get_user(name)
    if user is None or password_mark(user["password_hash"]) != session.get("pw"):
        return None
    return name


def identify(store: Store, request: Request) -> tuple[str | None, str]:
    """``(user, how)``: the user a request acts for and ``"token"`` or ``"session"``.

    A request with an ``Authorization`` header is judged on it alone (a bad
    token is no login, whatever the cookie says)."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, "token"
        return store.user_for_token(hash_token(token.strip())), "token"
    return _session_user(store, request.session), "session"


# --- the dossier's review panel -------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditableField:
    """One input of the "correct fields" form: its current value as the form shows it."""

    name: str
    label: str
    value: str
    choices: tuple[str, ...] = ()  # a select when not empty
    multiline: bool = False


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Figures):
        return "" if value.best is None else str(value.best)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def editable_fields(incident: Incident) -> tuple[EditableField, ...]:
    """The editable fields of ``incident`` with their current values."""
    r = incident.record
    subs = tuple(sorted({s for group in EVENT_TYPES.values() for s in group}))
    out = []
    for name in EDITABLE_FIELDS:
        value = _shown(getattr(r, name, None))
        choices: tuple[str, ...] = ()
        if name == "event_type":
            choices = tuple(EVENT_TYPES)
        elif name == "sub_event_type":
            choices = subs
        elif name == "civilian_targeting":
            choices = ("no", "yes")
        if choices and value and value not in choices:
            choices = (value, *choices)
        out.append(
            EditableField(
                name=name,
                label=_LABELS.get(name, name),
                value=value,
                choices=choices,
                multiline=name == "summary",
            )
        )
    return tuple(out)


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def changed_fields(incident: Incident, form: Mapping[str, Any]) -> dict[str, str]:
    """The fields whose ``f_<name>`` input differs from the incident's current value."""
    out: dict[str, str] = {}
    for f in editable_fields(incident):
        sent = form.get(f"f_{f.name}")
        if isinstance(sent, str) and _norm(sent) != _norm(f.value):
            out[f.name] = _norm(sent)
    return out


def page_context(
    request: Request, using_store: Callable[[], AbstractContextManager[Store]]
) -> dict[str, Any]:
    """What every page needs about the session: the user, the CSRF token, the flash."""
    session = request.session
    user: str | None = None
    if session.get("user"):
        with using_store() as s:
            user = _session_user(s, session)
        if user is None:  # password reset or user gone: the session ends
            for key in ("user", "pw"):
                session.pop(key, None)
    flash = session.pop("flash", None)
    return {
        "user": user,
        "csrf": ensure_csrf(session),
        "flash": flash if isinstance(flash, dict) else None,
    }


def _flash(request: Request, text: str, *, kind: str = "ok", href: str | None = None) -> None:
    request.session["flash"] = {"kind": kind, "text": text[:600], "href": href}


# --- API bodies -------------------------------------------------------------------

_WHY = Field(description="Why (required; kept with the decision and in the history).")


class EditBody(BaseModel):
    changes: dict[str, str | int | float | bool | None] = Field(
        description=f"Field → value; editable fields: {', '.join(EDITABLE_FIELDS)}."
    )
    why: str = _WHY


class MergeBody(BaseModel):
    other: str = Field(description="The incident merged into this one (its id goes).")
    why: str = _WHY


class SplitBody(BaseModel):
    reports: list[str] = Field(description="Report ids moved to a new incident.")
    why: str = _WHY


class DetachBody(BaseModel):
    report: str = Field(description="The report id taken out into an incident of its own.")
    why: str = _WHY


class DiscountBody(BaseModel):
    why: str = _WHY


def _why(text: str) -> str:
    why = text.strip()
    if not why:
        raise ReviewError("say why: every manual change is logged with who and why")
    if len(why) > _MAX_WHY:
        raise ReviewError(f"the reason is longer than {_MAX_WHY} characters")
    return why


def _resolver() -> Any:
    from corroborate.resolve import Resolver

    return Resolver()


# --- routes -------------------------------------------------------------------------


def register(
    app: FastAPI,
    *,
    using_store: Callable[[], AbstractContextManager[Store]],
    page: Callable[..., HTMLResponse],
) -> None:
    """Add the login, review-form and write-API routes to ``app``."""

    def root(request: Request) -> str:
        return str(request.scope.get("root_path", ""))

    def dossier_url(request: Request, incident_id: str) -> str:
        return f"{root(request)}/incidents/{quote(incident_id, safe='')}"

    def writer(
        request: Request,
        _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)] = None,
    ) -> str:
        """The user a write API call acts for: 401 without one, 403 on a bad CSRF token.

        (``_bearer`` only declares the scheme in the OpenAPI schema, for /docs.)"""
        with using_store() as s:
            user, how = identify(s, request)
        if user is None:
            raise HTTPException(
                401,
                "writing needs an account: log in, or send Authorization: Bearer TOKEN "
                "(corroborate user token NAME)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if how == "session" and not csrf_ok(request.session, request.headers.get("x-csrf-token")):
            raise HTTPException(
                403, "CSRF check failed: send the session's token in the X-CSRF-Token header"
            )
        return user

    def run(action: Callable[[Store], Any]) -> Any:
        with using_store() as s:
            try:
                return action(s)
            except ReviewError as exc:
                raise HTTPException(400, exc.message) from None

    # --- login / logout ---------------------------------------------------

    def login_page(
        request: Request, *, error: str | None = None, status_code: int = 200, name: str = ""
    ) -> HTMLResponse:
        nxt = safe_next(request.query_params.get("next"), "")
        return page(
            request,
            "login.html",
            {"error": error, "next": nxt, "name": name},
            status_code=status_code,
        )

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return login_page(request)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name") or "").strip()
        password = str(form.get("password") or "")
        nxt = safe_next(str(form.get("next") or ""), f"{root(request)}/")
        if not csrf_ok(request.session, str(form.get("csrf") or "")):
            return login_page(
                request,
                error="The form expired (CSRF check failed): please try again.",
                status_code=403,
                name=name,
            )

        def check() -> dict[str, str] | None:
            with using_store() as s:
                user = s.get_user(name) if name else None
            stored = user["password_hash"] if user else _DUMMY_HASH
            ok = verify_password(password, stored)  # the same work for unknown users
            return user if ok and user is not None else None

        user = await run_in_threadpool(check)
        if user is None:
            return login_page(
                request, error="Wrong user name or password.", status_code=401, name=name
            )
        session = request.session
        session.clear()
        session.update(user=user["name"], pw=password_mark(user["password_hash"]))
        session["iat"] = int(time.time())
        ensure_csrf(session)  # a fresh token for the new session
        _flash(request, f"Logged in as {user['name']}.")
        return RedirectResponse(nxt, status_code=303)

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request.session, str(form.get("csrf") or "")):
            raise HTTPException(403, "CSRF check failed: reload the page and try again.")
        request.session.clear()
        _flash(request, "Logged out.")
        return RedirectResponse(f"{root(request)}/", status_code=303)

    # --- the dossier's forms ---------------------------------------------

    def form_action(
        s: Store, who: str, incident_id: str, action: str, form: Mapping[str, Any], back: str
    ) -> tuple[str, str | None, str]:
        """Do one review action; (message, link, where to go back to)."""
        why = _why(form.get("why", "")) if action != "undo" else ""
        if action == "edit":
            incident = s.get_incident(incident_id)
            if incident is None:
                raise ReviewError(f"no incident {incident_id!r} in this store")
            changes = changed_fields(incident, form)
            if not changes:
                raise ReviewError("nothing changed: edit a field before saving")
            review.edit(s, incident_id, changes, who=who, why=why)
            return f"Saved {', '.join(sorted(changes))}.", None, back
        if action == "discount":
            review.discount(s, incident_id, who=who, why=why)
            return "The incident is discounted.", None, back
        if action in ("detach", "split"):
            if action == "detach":
                _, new = review.detach(s, incident_id, form.get("report", ""), who=who, why=why)
            else:
                _, new = review.split(
                    s, incident_id, list(form.get("reports", [])), who=who, why=why
                )
            link = f"{back.rsplit('/', 1)[0]}/{quote(new.incident_id, safe='')}"
            return f"Moved to the new incident {new.incident_id}.", link, back
        if action == "merge":
            other = form.get("other", "").strip()
            review.merge(s, incident_id, other, who=who, why=why)
            return f"Merged {other} into this incident.", None, back
        if action == "undo":
            raw = form.get("decision", "")
            try:
                decision_id = int(raw)
            except (TypeError, ValueError):
                raise ReviewError(f"no decision {raw!r}") from None
            d = s.get_decision(decision_id)
            if d is None or d.incident_id != incident_id:
                raise ReviewError(f"decision {decision_id} is not about this incident")
            review.undo(s, decision_id, who=who, resolver=_resolver())
            if s.get_incident(incident_id) is None:
                return (
                    f"Decision {decision_id} taken back; re-clustering removed this incident.",
                    None,
                    back.rsplit("/incidents/", 1)[0] + "/",
                )
            return f"Decision {decision_id} taken back; incidents re-clustered.", None, back
        raise HTTPException(404, f"No review action {action!r}.")

    @app.post("/incidents/{incident_id}/review/{action}", include_in_schema=False)
    async def review_form(request: Request, incident_id: str, action: str) -> Response:
        raw = await request.form()
        form: dict[str, Any] = {k: str(v) for k, v in raw.items()}
        form["reports"] = [str(v) for v in raw.getlist("reports")]
        back = dossier_url(request, incident_id)

        def do() -> Response:
            with using_store() as s:
                who, how = identify(s, request)
                if who is None:
                    _flash(request, "Log in to review incidents.", kind="error")
                    login = f"{root(request)}/login?" + urlencode({"next": back})
                    return RedirectResponse(login, status_code=303)
                if how == "session" and not csrf_ok(request.session, form.get("csrf")):
                    raise HTTPException(403, "CSRF check failed: reload the page and try again.")
                try:
                    text, link, target = form_action(s, who, incident_id, action, form, back)
                except ReviewError as exc:
                    _flash(request, exc.message, kind="error")
                    return RedirectResponse(f"{back}#review", status_code=303)
            _flash(request, text, href=link)
            return RedirectResponse(target, status_code=303)

        return await run_in_threadpool(do)

    # --- the write API ----------------------------------------------------

    errors: dict[int | str, dict[str, Any]] = {
        400: {"description": "The change cannot be made (the message says why)"},
        401: {"description": "No login and no valid API token"},
        403: {"description": "Cookie session without its X-CSRF-Token header"},
    }

    @app.post(
        "/api/incidents/{incident_id}/edit",
        tags=["review"],
        summary="Correct fields of an incident",
        responses=errors,
    )
    def api_edit(incident_id: str, body: EditBody, who: str = Depends(writer)) -> dict[str, Any]:
        """Set fields by hand; they hold through re-clustering until the decision is undone."""
        inc = run(
            lambda s: review.edit(s, incident_id, dict(body.changes), who=who, why=_why(body.why))
        )
        return {"incident": inc.to_dict()}

    @app.post(
        "/api/incidents/{incident_id}/merge",
        tags=["review"],
        summary="Merge another incident into this one",
        responses=errors,
    )
    def api_merge(incident_id: str, body: MergeBody, who: str = Depends(writer)) -> dict[str, Any]:
        """``other`` is merged into this incident, which keeps its id."""
        inc = run(lambda s: review.merge(s, incident_id, body.other, who=who, why=_why(body.why)))
        return {"incident": inc.to_dict(), "merged": body.other}

    @app.post(
        "/api/incidents/{incident_id}/split",
        tags=["review"],
        summary="Split reports off into a new incident",
        responses=errors,
    )
    def api_split(incident_id: str, body: SplitBody, who: str = Depends(writer)) -> dict[str, Any]:
        """Move ``reports`` (some, not all, of the incident's) into a new incident."""
        kept, new = run(
            lambda s: review.split(s, incident_id, body.reports, who=who, why=_why(body.why))
        )
        return {"incident": kept.to_dict(), "new_incident": new.to_dict()}

    @app.post(
        "/api/incidents/{incident_id}/detach",
        tags=["review"],
        summary="Take one report out into an incident of its own",
        responses=errors,
    )
    def api_detach(
        incident_id: str, body: DetachBody, who: str = Depends(writer)
    ) -> dict[str, Any]:
        kept, new = run(
            lambda s: review.detach(s, incident_id, body.report, who=who, why=_why(body.why))
        )
        return {"incident": kept.to_dict(), "new_incident": new.to_dict()}

    @app.post(
        "/api/incidents/{incident_id}/discount",
        tags=["review"],
        summary="Discount an incident",
        responses=errors,
    )
    def api_discount(
        incident_id: str, body: DiscountBody, who: str = Depends(writer)
    ) -> dict[str, Any]:
        """Grade the incident Discounted by hand, with the reason."""
        inc = run(lambda s: review.discount(s, incident_id, who=who, why=_why(body.why)))
        return {"incident": inc.to_dict()}

    @app.post(
        "/api/decisions/{decision_id}/undo",
        tags=["review"],
        summary="Take a decision back",
        responses=errors,
    )
    def api_undo(decision_id: int, who: str = Depends(writer)) -> dict[str, Any]:
        """Deactivate the decision and re-cluster every incident without it."""
        result = run(lambda s: review.undo(s, decision_id, who=who, resolver=_resolver()))
        return {"undone": decision_id, "recluster": result.to_dict()}

    @app.get(
        "/api/incidents/{incident_id}/decisions",
        tags=["review"],
        summary="Decisions about an incident",
    )
    def api_decisions(incident_id: str, inactive: bool = False) -> dict[str, Any]:
        """The analysts' decisions recorded on this incident id: those in force, and
        those taken back too with ``inactive``."""
        with using_store() as s:
            found = s.decisions(active_only=not inactive, incident_id=incident_id)
        return {"incident_id": incident_id, "decisions": [d.to_dict() for d in found]}


def decision_label(d: Decision) -> str:
    """One decision as a short line for the dossier."""
    if d.kind == "edit":
        return f"edit {d.field} = {d.value!r}"
    if d.kind in ("split", "detach"):
        return f"{d.kind} {', '.join(d.report_ids)}"
    if d.kind == "merge":
        return f"merge of {len(d.report_ids)} reports"
    return d.kind
