"""Sessions for the web app: an HMAC-signed cookie, its secret, CSRF tokens.

The session is a small JSON object (the user name once logged in, a CSRF
token, the flash message of the next page, when it was issued) kept in
the ``corroborate_session`` cookie, signed with HMAC-SHA256. The cookie is
``HttpOnly``, ``SameSite=Strict``, ``Path=/`` and ``Secure`` whenever the
request came over https (plain http on loopback keeps it usable); it
expires after :data:`MAX_AGE` seconds.

The signing secret (:func:`load_secret`): ``CORROBORATE_SECRET`` when set;
else for a SQLite store the file ``<db>.secret`` next to the database,
created on first use with mode 0600 (delete it to log everyone out); else
(PostgreSQL, in-memory stores) a random secret per process, so sessions
end when the server restarts.

CSRF: every session carries a random token; every form POST must send it
back in a ``csrf`` field and every cookie-authenticated API call in an
``X-CSRF-Token`` header (compared in constant time). ``SameSite=Strict``
is a second line, not the defence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "COOKIE",
    "MAX_AGE",
    "SessionMiddleware",
    "Signer",
    "csrf_ok",
    "ensure_csrf",
    "is_loopback",
    "load_secret",
    "safe_next",
]

COOKIE = "corroborate_session"
#: How long a session lasts (12 hours), in seconds.
MAX_AGE = 12 * 3600
_MAX_COOKIE = 3800  # stay under the browsers' 4 KB per cookie


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks session values: ``base64(json).base64(hmac)``."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the session secret needs at least 16 bytes")
        self._key = hashlib.sha256(b"corroborate-session\x00" + secret).digest()

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, data: dict[str, Any]) -> str:
        payload = _b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def loads(
        self, value: str, *, max_age: int = MAX_AGE, now: float | None = None
    ) -> dict[str, Any] | None:
        """The session in ``value``, or None when it is forged, malformed or expired."""
        payload, _, mac = value.partition(".")
        if not payload or not mac or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        issued = data.get("iat")
        current = time.time() if now is None else now
        if not isinstance(issued, int | float) or not 0 <= current - issued <= max_age:
            return None
        return data


def load_secret(store: object) -> bytes:
    """The session secret for ``store`` (see the module docstring)."""
    env = os.environ.get("CORROBORATE_SECRET", "")
    if env:
        return env.encode("utf-8")
    path = getattr(store, "path", None)
    if isinstance(path, str) and path and path != ":memory:" and not path.startswith("file:"):
        secret_file = Path(path + ".secret")
        try:
            if secret_file.exists():
                data = bytes.fromhex(secret_file.read_text(encoding="ascii").strip())
                if len(data) >= 16:
                    return data
            key = secrets.token_bytes(32)
            fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key.hex() + "\n")
            return key
        except (OSError, ValueError):
            pass  # unreadable or unwritable: fall back to a per-process secret
    return secrets.token_bytes(32)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a listening address) is reachable only from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ensure_csrf(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: dict[str, Any], sent: str | None) -> bool:
    """Whether ``sent`` is the session's CSRF token (constant-time)."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token or not sent:
        return False
    return hmac.compare_digest(token.encode("utf-8"), sent.encode("utf-8"))


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site (for redirects after login), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x21 for c in target):
        return default
    return target


class SessionMiddleware:
    """Pure ASGI middleware: ``scope["session"]`` from the signed cookie, and the
    cookie rewritten when a handler changed the session (Starlette's own needs
    itsdangerous, which this project does not install)."""

    def __init__(self, app: ASGIApp, *, signer: Signer, max_age: int = MAX_AGE) -> None:
        self.app = app
        self.signer = signer
        self.max_age = max_age

    def _read(self, scope: Scope) -> dict[str, Any]:
        for name, value in scope.get("headers", []):
            if name != b"cookie":
                continue
            raw = cookie_parser(value.decode("latin-1")).get(COOKIE)
            if raw:
                data = self.signer.loads(raw, max_age=self.max_age)
                if data is not None:
                    return data
        return {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._read(scope)
        before = json.dumps(session, sort_keys=True)
        scope["session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current: dict[str, Any] = scope["session"]
                if json.dumps(current, sort_keys=True) != before:
                    headers = MutableHeaders(scope=message)
                    attrs = f"Path=/; HttpOnly; SameSite=Strict{'; Secure' if secure else ''}"
                    if current:
                        current.setdefault("iat", int(time.time()))
                        value = self.signer.dumps(current)
                        if len(value) > _MAX_COOKIE:  # drop the flash rather than the session
                            current.pop("flash", None)
                            value = self.signer.dumps(current)
                        cookie = f"{COOKIE}={value}; Max-Age={self.max_age}; {attrs}"
                    else:
                        cookie = f"{COOKIE}=; Max-Age=0; {attrs}"
                    headers.append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
