"""The error tree of corroborate.

Library code raises these; only the faces (CLI, HTTP) turn them into
messages for people. Each error carries a short machine ``reason`` (used as
the key of ``rejects_by_reason``) and a human message that says what was
wrong and, where possible, what to do.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ConfigError",
    "CorroborateError",
    "ExtractionError",
    "FetchError",
    "InputTooLarge",
    "NotFound",
    "ReadError",
    "ReviewError",
    "StoreError",
    "UnsafeURL",
]


class CorroborateError(Exception):
    """Base of every error corroborate raises on purpose."""

    reason: str = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.reason


class ReadError(CorroborateError):
    """An input (file, feed, page, line) could not be read as an article."""

    reason = "unreadable"


class InputTooLarge(ReadError):
    """An input exceeded a size cap."""

    reason = "too-large"


class FetchError(ReadError):
    """A URL could not be fetched (timeout, HTTP error, bad scheme)."""

    reason = "fetch-failed"


class UnsafeURL(FetchError):
    """A URL points at a private, loopback or link-local address, or a non-http scheme."""

    reason = "unsafe-url"


class ExtractionError(CorroborateError):
    """Extraction could not run (missing model, bad configuration)."""

    reason = "extraction-failed"


class StoreError(CorroborateError):
    """The store could not be opened, migrated or written."""

    reason = "store-error"


class NotFound(CorroborateError):
    """A requested record does not exist."""

    reason = "not-found"


class ConfigError(CorroborateError):
    """Bad arguments or configuration given by the user."""

    reason = "bad-config"


class ReviewError(CorroborateError):
    """A manual decision that cannot be taken (unknown incident, bad field or value)."""

    reason = "bad-review"


class AuthError(CorroborateError):
    """A write without a valid account or token."""

    reason = "unauthorised"
