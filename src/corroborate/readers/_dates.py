"""Published dates: normalised to ``YYYY-MM-DD``, absurd ones refused."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from corroborate.errors import ReadError

__all__ = ["check_year", "date_from_struct", "lenient_date", "parse_date"]

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:([T ])(.*))?\s*$")
_MIN_YEAR = 1900


def check_year(d: date, *, today: date | None = None) -> str:
    """``d`` as ``YYYY-MM-DD``; ReadError("bad-date") when the year is absurd."""
    this_year = (today or date.today()).year
    if not _MIN_YEAR <= d.year <= this_year + 1:
        raise ReadError(
            f"date {d.isoformat()} is out of range ({_MIN_YEAR}–{this_year + 1})",
            reason="bad-date",
        )
    return d.isoformat()


def parse_date(value: str, *, today: date | None = None) -> str:
    """An ISO 8601 date or date-time as ``YYYY-MM-DD`` (the date as written).

    Accepts ``2022-01-16``, ``2022-01-16T08:30:00Z``, ``2022-01-16 08:30``…
    Raises ReadError with reason "bad-date" for anything else, for
    impossible dates and for years before 1900 or after next year.
    """
    match = _ISO.match(value)
    if match is None:
        raise ReadError(f"date {value!r} is not YYYY-MM-DD", reason="bad-date")
    try:
        if match.group(4):
            d = datetime.fromisoformat(value.strip()).date()
        else:
            d = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise ReadError(f"date {value!r} is not a valid date: {exc}", reason="bad-date") from exc
    return check_year(d, today=today)


def date_from_struct(value: time.struct_time | None) -> str | None:
    """A ``time.struct_time`` (as feedparser gives) as ``YYYY-MM-DD``, or None."""
    if value is None:
        return None
    try:
        return check_year(date(value.tm_year, value.tm_mon, value.tm_mday))
    except (ValueError, ReadError):
        return None


def lenient_date(value: object) -> str | None:
    """Best effort for metadata dates: ISO 8601 or RFC 822, else None (never raises)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return parse_date(value)
    except ReadError:
        pass
    try:
        return check_year(parsedate_to_datetime(value).date())
    except (ValueError, TypeError, IndexError, ReadError):
        return None
