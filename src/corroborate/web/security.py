"""HTTP security for the web UI: response headers, the CSP, safe link targets.

Every response gets a strict Content-Security-Policy (scripts, styles,
images and fetches only from this server; no inline script or style; no
frames, plugins or ``<base>``), ``X-Content-Type-Options: nosniff`` and
``Referrer-Policy: no-referrer``.

The one relaxation is the Swagger UI page at ``/docs``: its bootstrap is an
inline ``<script>`` (allowed by its SHA-256 hash only, not by
``'unsafe-inline'``) and Swagger UI sets inline styles, so that page alone
gets ``style-src 'self' 'unsafe-inline'``. The page shows no stored data,
only the OpenAPI schema of this app, and it still loads nothing from
outside this server.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "STRICT_CSP",
    "SecurityHeadersMiddleware",
    "docs_csp",
    "inline_script_hashes",
    "safe_href",
]

STRICT_CSP = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "font-src 'self'; "
    "object-src 'none'; "
    "frame-ancestors 'none'; "
    "base-uri 'none'; "
    "form-action 'self'"
)

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(html: str) -> list[str]:
    """The CSP source expressions (``'sha256-…'``) of the inline scripts in ``html``."""
    out = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        out.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return out


def docs_csp(script_hashes: Iterable[str]) -> str:
    """The CSP of the Swagger UI page: the strict one plus its bootstrap script and
    inline styles (see the module docstring)."""
    scripts = " ".join(["'self'", *script_hashes])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; "
        "connect-src 'self'; "
        "font-src 'self'; "
        "object-src 'none'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'; "
        "form-action 'self'"
    )


class SecurityHeadersMiddleware:
    """Pure ASGI middleware that adds the security headers to every HTTP response.

    A response that already carries a Content-Security-Policy keeps it (the
    ``/docs`` route sets its own, see the module docstring); every other
    response gets ``csp``.
    """

    def __init__(self, app: ASGIApp, *, csp: str = STRICT_CSP) -> None:
        self.app = app
        self.csp = csp.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        fixed_names = {name for name, _ in fixed}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in fixed_names
                ]
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", self.csp))
                message = {**message, "headers": [*headers, *fixed]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL fit for an ``href``, else None.

    Anything else (``javascript:``, ``data:``, relative or scheme-relative
    links, URLs with white space or control characters) is refused, so a
    template shows it as text instead of linking it.
    """
    if not url:
        return None
    url = url.strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url
