"""Event dates from raw text: "16 January 2022", "Jan. 16", "on Tuesday", "last week".

:func:`find_dates` finds absolute dates and relative expressions and
resolves them against the publication date. Each :class:`DateMention`
carries ACLED's ``time_precision``: 1 exact day, 2 within a week, 3 only the
month; the date of a lower precision is the first day of that week (Monday)
or month. Without a publication date, a relative expression (or a day and
month without a year) has ``date=None`` and ``precision=None``: unknown
stays unknown, never guessed.

:func:`pick_event_date` chooses, among the mentions, the one that dates an
event whose trigger is at a given offset.

Month and weekday names, relative phrases and the words that mark a date as
belonging to something else ("since 2012", "born on") live in
``data/dates/<language>.json``, loaded once into :class:`DateRules`. The
rules are plain regular expressions; dateparser is not used (it is far too
slow for the hot path and misses several of these forms).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from corroborate.errors import ExtractionError
from corroborate.extract.numbers import KeywordScanner, NumberWords, WordIndex
from corroborate.extract.resources import load_json
from corroborate.extract.text import split_sentences

__all__ = ["DateMention", "DateRules", "find_dates", "pick_event_date"]

DateKind = Literal["absolute", "relative"]
_WS = re.compile(r"\s+")
_B = r"(?<![\w'’-])"
_E = r"(?!\w)"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in the text and what it resolves to.

    ``date`` is the day meant (the first day of the week or month for
    precision 2 or 3), or None when it cannot be resolved (no publication
    date for a relative expression, no year).
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: int | None
    kind: DateKind

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "precision": self.precision,
            "kind": self.kind,
        }


def _norm(text: str) -> str:
    return _WS.sub(" ", text.strip().lower()).replace("’", "'")


def _alt(phrases: Iterable[str], *, space: str = r"\s+") -> str:
    items = sorted({_norm(p) for p in phrases if p and p.strip()}, key=lambda p: (-len(p), p))
    if not items:
        return "(?!)"
    return "(?:" + "|".join(space.join(re.escape(w) for w in p.split(" ")) for p in items) + ")"


@dataclass(frozen=True, slots=True)
class _Relative:
    unit: str
    offset: int
    precision: int


@dataclass(frozen=True, slots=True)
class _LanguageRules:
    language: str
    months: dict[str, int] = field(hash=False)
    capitalised_only: frozenset[str]
    weekdays: dict[str, int] = field(hash=False)
    weekday_prefixes: dict[str, str] = field(hash=False)
    weekday_suffixes: dict[str, str] = field(hash=False)
    month_prefixes: dict[str, str] = field(hash=False)
    month_prefix_days: dict[str, int] = field(hash=False)
    relative: dict[str, _Relative] = field(hash=False)
    ago_units: dict[str, str] = field(hash=False)
    ago_precision: dict[str, int] = field(hash=False)
    numeric_order: str
    future_tolerance: int
    numbers: NumberWords | None
    pattern: re.Pattern[str] = field(hash=False, compare=False)
    scanner: KeywordScanner = field(hash=False, compare=False)
    ignore_before: re.Pattern[str] = field(hash=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], numbers: NumberWords | None) -> _LanguageRules:
        months = {_norm(k): int(v) for k, v in data.get("months", {}).items()}
        weekdays = {_norm(k): int(v) for k, v in data.get("weekdays", {}).items()}
        wpre = {_norm(k): str(v) for k, v in data.get("weekday_prefixes", {}).items()}
        wsuf = {_norm(k): str(v) for k, v in data.get("weekday_suffixes", {}).items()}
        mpre = {_norm(k): str(v) for k, v in data.get("month_prefixes", {}).items()}
        relative = {
            _norm(r["phrase"]): _Relative(str(r["unit"]), int(r["offset"]), int(r["precision"]))
            for r in data.get("relative", [])
        }
        ago = data.get("ago", {})
        ago_units = {_norm(k): str(v) for k, v in ago.get("units", {}).items()}
        ago_precision = {str(k): int(v) for k, v in ago.get("precision", {}).items()}

        # an abbreviation ("Jan", "sept") may take a dot; a full name ("May") may not
        abbrevs = [m for m in months if any(o != m and o.startswith(m) for o in months)]
        fulls = [m for m in months if m not in abbrevs]
        month = rf"(?:{_alt(abbrevs)}\.?|{_alt(fulls)})"
        weekday = _alt(weekdays)
        ordinal = _alt(data.get("ordinal_suffixes", []))
        day_of = _alt(data.get("day_of", []))
        day = rf"(?:[12]\d|3[01]|0?[1-9])(?:{ordinal})?"
        year = r"(?:1[89]\d\d|2\d\d\d)"
        rj = _alt(data.get("range_joiners", []))
        ropen = _alt(data.get("range_openers", []))
        parts = _alt(data.get("day_parts", []))
        wd_opt = rf"(?:{weekday}\s*,?\s+(?:the\s+)?)?"
        mprefix = _alt(mpre, space=r"[\s-]*")

        absolute = (
            # 16 January 2022 / 15-16 January / the 16th of January, 2022
            rf"{_B}{wd_opt}(?:(?:{ropen})\s+)?(?P<d1>{day})"
            rf"(?:\s*{rj}\s*(?P<d1b>{day})(?=\s+(?:{day_of}\s+)?{month}))?"
            rf"(?:\s+{day_of})?\s+(?P<m1>{month})(?:\s*,?\s*(?P<y1>{year}))?{_E}"
            # January 16, 2022 / Jan. 16 / October, 20th / Monday, January 16
            rf"|{_B}{wd_opt}(?P<m2>{month})\s*,?\s*(?P<d2>{day})"
            rf"(?:\s*{rj}\s*(?P<d2b>{day}))?(?!\d|\s*:\d|\s*(?:{month}))"
            rf"(?:\s*,?\s*(?P<y2>{year}))?{_E}"
            # 2022-01-16
            rf"|(?<![\w/.-])(?P<y3>{year})-(?P<m3>0?[1-9]|1[0-2])-(?P<d3>[0-3]?\d)(?![\w/-])"
            # 16/01/2022, 16.01.2022, 16-01-2022
            rf"|(?<![\w/.-])(?P<a4>[0-3]?\d)(?P<s4>[/.-])(?P<b4>[0-3]?\d)(?P=s4)"
            rf"(?P<y4>{year}|\d\d)(?![\w/.-]|\.\d)"
            # January 2022
            rf"|{_B}(?:(?P<mp5>{mprefix})[\s-]*)?(?P<m5>{month})\s*,?\s*"
            rf"(?P<y5>{year}){_E}"
            # on 06/03 (day/month, year from the publication date)
            rf"|(?<=\bon\s)(?P<a6>[0-3]?\d)/(?P<b6>[01]?\d)(?![\w/.-]|\.\d)"
        )
        relative_re = (
            rf"{_B}(?P<rel>{_alt(relative)}){_E}"
            rf"|{_B}(?P<agon>{numbers.pattern if numbers else '(?!)'}|an?)\s+"
            rf"(?P<agou>{_alt(ago_units)})\s+{_alt(ago.get('words', []))}{_E}"
            rf"|{_B}(?:(?P<wp>{_alt(wpre)})\s+)?(?P<wd>{weekday})"
            rf"(?:\s+(?P<wpart>{parts}))?(?:\s+(?P<ws>{_alt(wsuf)}))?{_E}"
            # "Monday, January 17" is one absolute date, read from "Monday"
            rf"(?!\s*,?\s*(?:the\s+)?(?:\d|{month}))"
            rf"|{_B}(?P<mp>{mprefix})[\s-]*(?P<mm>{month})"
            rf"(?!\s*,?\s*(?:\d|{year})){_E}"
        )
        pattern = re.compile(rf"(?:{absolute})|(?:{relative_re})", re.IGNORECASE)
        ignore = re.compile(
            rf"{_B}{_alt(data.get('ignore_prefixes', []))}\s+(?:(?:the|on|in|of)\s+)?$",
            re.IGNORECASE,
        )
        starts = [
            *months,
            *weekdays,
            *relative,
            *wpre,
            *mpre,
            *data.get("range_openers", []),
            "a",
            "an",
        ]
        if numbers is not None:
            starts += [*numbers.units, *numbers.tens, *numbers.scales, *numbers.vague]
        return cls(
            language=str(data.get("language", "")),
            months=months,
            capitalised_only=frozenset(_norm(x) for x in data.get("capitalised_only", [])),
            weekdays=weekdays,
            weekday_prefixes=wpre,
            weekday_suffixes=wsuf,
            month_prefixes=mpre,
            month_prefix_days={
                _norm(k): int(v) for k, v in data.get("month_prefix_days", {}).items()
            },
            relative=relative,
            ago_units=ago_units,
            ago_precision=ago_precision,
            numeric_order=str(data.get("numeric_order", "dmy")),
            future_tolerance=int(data.get("future_tolerance_days", 31)),
            numbers=numbers,
            pattern=pattern,
            scanner=KeywordScanner.build(pattern, starts, digits=True),
            ignore_before=ignore,
        )

    def month(self, word: str) -> int | None:
        return self.months.get(_norm(word).rstrip("."))

    def month_day(self, prefix: str | None) -> int:
        """The day that stands for a month named after ``prefix`` ("mid-" → 15, else 1)."""
        if not prefix:
            return 1
        key = _norm(prefix)
        days = self.month_prefix_days
        return days.get(key, days.get(key.replace(" -", "-"), 1))


@dataclass(frozen=True, slots=True)
class DateRules:
    """Date rules for one or more languages (build once, share freely)."""

    languages: dict[str, _LanguageRules] = field(hash=False)
    default: str = "en"

    @classmethod
    def load(cls, *languages: str) -> DateRules:
        """Read ``data/dates/<language>.json`` for each language (default: en and fr)."""
        names = languages or ("en", "fr")
        loaded: dict[str, _LanguageRules] = {}
        for name in names:
            data = load_json(f"dates/{name}.json")
            try:
                numbers: NumberWords | None = NumberWords.load(name)
            except ExtractionError:  # a language without number words still has dates
                numbers = None
            loaded[name] = _LanguageRules.from_dict(data, numbers)
        return cls(languages=loaded, default=names[0])

    def for_language(self, language: str) -> _LanguageRules:
        """The rules of ``language``, else of the default language (digits still parse)."""
        return self.languages.get(language) or self.languages[self.default]


# --------------------------------------------------------------------------- resolving


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for(month: int, day: int, published: dt.date, tolerance: int) -> dt.date | None:
    cand = _safe_date(published.year, month, day)
    if cand is None:
        cand = _safe_date(published.year - 1, month, day)
        return cand
    if cand > published + dt.timedelta(days=tolerance):
        return _safe_date(published.year - 1, month, day) or cand
    return cand


def _add_months(d: dt.date, n: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + n
    return dt.date(total // 12, total % 12 + 1, 1)


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _resolve(
    m: re.Match[str], rules: _LanguageRules, published: dt.date | None
) -> tuple[dt.date | None, int | None, DateKind] | None:
    """The date, precision and kind of one match; None to drop the match."""
    g = m.groupdict()
    text = m.group(0)
    if g.get("m1") is not None or g.get("m2") is not None:
        mword = g["m1"] if g.get("m1") is not None else g["m2"]
        if _norm(mword).rstrip(".") in rules.capitalised_only and not mword[:1].isupper():
            return None
        month = rules.month(mword)
        if month is None:
            return None
        day = _int(g["d1"] if g.get("m1") is not None else g["d2"])
        day_b = g.get("d1b") if g.get("m1") is not None else g.get("d2b")
        ystr = g.get("y1") if g.get("m1") is not None else g.get("y2")
        precision = 1
        if day_b is not None:
            span = _int(day_b) - day
            precision = 2 if 0 < span <= 6 else (3 if span > 6 else 1)
        if ystr is not None:
            return _safe_date(int(ystr), month, day), precision, "absolute"
        if published is None:
            return None, None, "absolute"
        resolved = _year_for(month, day, published, rules.future_tolerance)
        return resolved, precision if resolved else None, "absolute"
    if g.get("y3") is not None:
        d = _safe_date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        return (d, 1, "absolute") if d else None
    if g.get("y4") is not None:
        a, b, y = int(g["a4"]), int(g["b4"]), int(g["y4"])
        if y < 100:
            y += 2000
        day, month = (a, b) if rules.numeric_order == "dmy" else (b, a)
        if month > 12 and day <= 12:
            day, month = month, day
        d = _safe_date(y, month, day)
        return (d, 1, "absolute") if d else None
    if g.get("m5") is not None:
        if _norm(g["m5"]).rstrip(".") in rules.capitalised_only and not g["m5"][:1].isupper():
            return None
        month5 = rules.month(g["m5"])
        if month5 is None:
            return None
        day5 = rules.month_day(g.get("mp5"))
        return dt.date(int(g["y5"]), month5, day5), 3, "absolute"
    if g.get("a6") is not None:
        day, month = int(g["a6"]), int(g["b6"])
        if rules.numeric_order != "dmy":
            day, month = month, day
        if not 1 <= month <= 12:
            return None
        if published is None:
            return None, None, "absolute"
        resolved = _year_for(month, day, published, rules.future_tolerance)
        return resolved, 1 if resolved else None, "absolute"
    if g.get("rel") is not None:
        rel = rules.relative.get(_norm(g["rel"]))
        if rel is None:
            return None
        if published is None:
            return None, None, "relative"
        return _relative(rel.unit, rel.offset, published), rel.precision, "relative"
    if g.get("agou") is not None:
        unit = rules.ago_units.get(_norm(g["agou"]))
        n = (
            1
            if _norm(g["agon"]) in ("a", "an")
            else (rules.numbers.parse(g["agon"]) if rules.numbers else None)
        )
        if unit is None or n is None:
            return None
        if published is None:
            return None, None, "relative"
        precision = rules.ago_precision.get(unit, 2)
        if unit == "day":
            return published - dt.timedelta(days=n), precision, "relative"
        if unit == "week":
            d = published - dt.timedelta(days=7 * n)
            return d - dt.timedelta(days=d.weekday()), precision, "relative"
        return _add_months(published.replace(day=1), -n), precision, "relative"
    if g.get("wd") is not None:
        if not g["wd"][:1].isupper() and rules.language == "en":
            return None  # "monday" in lower case is rarely a date in edited English
        mode = "on_or_before"
        if g.get("wp") is not None:
            mode = rules.weekday_prefixes.get(_norm(g["wp"]), mode)
        if g.get("ws") is not None:
            mode = rules.weekday_suffixes.get(_norm(g["ws"]), mode)
        if mode == "future":
            return None
        if published is None:
            return None, None, "relative"
        wd = rules.weekdays[_norm(g["wd"])]
        delta = (published.weekday() - wd) % 7
        if mode == "strict" and delta == 0:
            delta = 7
        return published - dt.timedelta(days=delta), 1, "relative"
    if g.get("mm") is not None:
        if _norm(g["mm"]).rstrip(".") in rules.capitalised_only and not g["mm"][:1].isupper():
            return None
        month = rules.month(g["mm"])
        if month is None:
            return None
        if published is None:
            return None, None, "relative"
        mode = rules.month_prefixes.get(_norm(g["mp"]).replace(" -", "-"), "on_or_before")
        if mode == "strict":
            year = published.year if month < published.month else published.year - 1
        else:
            year = published.year if month <= published.month else published.year - 1
        return dt.date(year, month, rules.month_day(g["mp"])), 3, "relative"
    del text
    return None


def _relative(unit: str, offset: int, published: dt.date) -> dt.date:
    if unit == "day":
        return published + dt.timedelta(days=offset)
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday())
        return monday + dt.timedelta(weeks=offset)
    if unit == "weekend":
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
        if offset < 0 and published.weekday() in (5, 6):
            saturday -= dt.timedelta(weeks=-offset)
        return saturday
    return _add_months(published.replace(day=1), offset)


def find_dates(
    text: str,
    *,
    published: dt.date | None,
    rules: DateRules,
    language: str = "en",
) -> list[DateMention]:
    """Every date expression of ``text``, resolved against ``published``, in text order.

    Dates right after words such as "since", "until" or "born" are left out.
    """
    if not text:
        return []
    lang = rules.for_language(language)
    out: list[DateMention] = []
    for m in lang.scanner.finditer(text, index=WordIndex.of(text)):
        resolved = _resolve(m, lang, published)
        if resolved is None:
            continue
        start, end = m.start(), m.end()
        if lang.ignore_before.search(text, max(0, start - 40), start):
            continue
        date, precision, kind = resolved
        out.append(DateMention(start, end, text[start:end], date, precision, kind))
    return out


def pick_event_date(
    mentions: Sequence[DateMention], *, anchor: int, text: str | None = None
) -> DateMention | None:
    """The resolved mention that most likely dates the event whose trigger is at ``anchor``.

    Preference: the same sentence as the anchor (when ``text`` is given to
    find sentences), then a mention before the anchor over one after it,
    then the nearest; finer precision breaks ties. Unresolved mentions
    (``date is None``) are never picked.
    """
    usable = [m for m in mentions if m.date is not None]
    if not usable:
        return None
    starts: list[int] = []
    if text:
        starts = [s.start for s in split_sentences(text)]

    def sentence(pos: int) -> int:
        idx = 0
        for i, s in enumerate(starts):
            if s <= pos:
                idx = i
            else:
                break
        return idx

    anchor_sentence = sentence(anchor) if starts else 0

    def key(m: DateMention) -> tuple[int, int, int, int]:
        gap = abs(sentence(m.start) - anchor_sentence) if starts else 0
        before = m.start <= anchor
        dist = anchor - m.end if before else m.start - anchor
        return (gap, 0 if before else 1, max(dist, 0), m.precision or 9)

    return min(usable, key=key)
