"""Event dates from raw text: "16 January 2022", "Jan. 16", "on Tuesday", "last week".

:func:`find_dates` finds absolute dates and relative expressions and
resolves them against the publication date. Each :class:`DateMention`
carries ACLED's ``time_precision``: 1 exact day, 2 within a week, 3 only the
month; the date of a lower precision is the first day of that week (Monday)
or month. Without a publication date, a relative expression (or a day and
month without a year) has ``date=None`` and ``precision=None``: unknown
stays unknown, never guessed.

:func:`pick_event_date` chooses, among the mentions, the one that dates an
event whose trigger is at a given offset; :func:`lead_event_date` lets a
report's opening date ("On 13 July 2020, ...") date its primary event.
:func:`undated_event_date` estimates the date of an event in a report that
names none from its publication date (``undated`` in the data file: two days
before, precision 2 "within a week"; set ``offset_days`` to null to keep such
events undated).

Arabic is matched in normalised spelling (``normalise_arabic`` in the data
file; :func:`corroborate.extract.arabic.normalise_arabic`), with offsets
mapped back to the original text. An ambiguous numeric date ("03/04/2016")
takes the reading nearest on or before the publication date.

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
from corroborate.extract.arabic import fold_arabic, normalise_arabic
from corroborate.extract.numbers import KeywordScanner, NumberWords, WordIndex
from corroborate.extract.resources import load_json
from corroborate.extract.text import split_sentences

__all__ = [
    "DateMention",
    "DateRules",
    "find_dates",
    "lead_event_date",
    "pick_event_date",
    "undated_event_date",
]

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


def _fold_all(value: Any) -> Any:
    """Every string of a data file in normalised Arabic spelling (keys too)."""
    if isinstance(value, str):
        return fold_arabic(value)
    if isinstance(value, list):
        return [_fold_all(v) for v in value]
    if isinstance(value, dict):
        return {_fold_all(k): _fold_all(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class _LanguageRules:
    language: str
    fold: bool
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
    undated_offset: int | None
    undated_precision: int
    numbers: NumberWords | None
    pattern: re.Pattern[str] = field(hash=False, compare=False)
    scanner: KeywordScanner = field(hash=False, compare=False)
    ignore_before: re.Pattern[str] = field(hash=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], numbers: NumberWords | None) -> _LanguageRules:
        fold = bool(data.get("normalise_arabic"))
        if fold:  # match on normalised Arabic (alef forms, taa marbuta, diacritics, digits)
            data = _fold_all(data)
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
        msuffix = _alt(data.get("month_suffixes", {}))
        year_of = _alt(data.get("year_of", []))
        numword = numbers.pattern if numbers else "(?!)"

        absolute = (
            # 16 January 2022 / 15-16 January / the 16th of January, 2022
            rf"{_B}{wd_opt}(?:(?:{ropen})\s+)?(?P<d1>{day})"
            rf"(?:\s*{rj}\s*(?P<d1b>{day})(?=\s+(?:{day_of}\s+)?{month}))?"
            rf"(?:\s+{day_of})?\s+(?P<m1>{month})(?:\s*,?\s*(?:{year_of}\s+)?(?P<y1>{year}))?{_E}"
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
            rf"(?:{year_of}\s+)?(?P<y5>{year}){_E}"
            # on 06/03 (day/month, year from the publication date)
            rf"|(?<=\bon\s)(?P<a6>[0-3]?\d)/(?P<b6>[01]?\d)(?![\w/.-]|\.\d)"
        )
        relative_re = (
            rf"{_B}(?P<rel>{_alt(relative)}){_E}"
            rf"|{_B}(?P<agon>{numword}|an?)\s+"
            rf"(?P<agou>{_alt(ago_units)})\s+{_alt(ago.get('words', []))}{_E}"
            # "il y a trois jours", "hace tres días", "منذ ثلاثة أيام"
            rf"|{_B}{_alt(ago.get('prefixes', []))}\s+(?P<agon2>{numword})\s+"
            rf"(?P<agou2>{_alt(ago_units)}){_E}"
            rf"|{_B}(?:(?P<wp>{_alt(wpre)})\s+)?(?P<wd>{weekday})"
            rf"(?:\s+(?P<wpart>{parts}))?(?:\s+(?P<ws>{_alt(wsuf)}))?{_E}"
            # "Monday, January 17" is one absolute date, read from "Monday"
            rf"(?!\s*,?\s*(?:the\s+)?(?:\d|{month}))"
            rf"|{_B}(?P<mp>{mprefix})[\s-]*(?P<mm>{month})"
            rf"(?!\s*,?\s*(?:\d|{year})){_E}(?:\s+(?P<ms2>{msuffix}){_E})?"
            # "novembre dernier", "el mes de noviembre pasado"
            rf"|{_B}(?P<mm2>{month})\s+(?P<ms>{msuffix}){_E}"
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
            *ago.get("prefixes", []),
            "a",
            "an",
        ]
        if numbers is not None:
            starts += [*numbers.units, *numbers.tens, *numbers.scales, *numbers.vague]
        return cls(
            language=str(data.get("language", "")),
            fold=fold,
            months=months,
            capitalised_only=frozenset(_norm(x) for x in data.get("capitalised_only", [])),
            weekdays=weekdays,
            weekday_prefixes=wpre,
            weekday_suffixes=wsuf,
            month_prefixes={
                **mpre,
                **{_norm(k): str(v) for k, v in data.get("month_suffixes", {}).items()},
            },
            month_prefix_days={
                _norm(k): int(v) for k, v in data.get("month_prefix_days", {}).items()
            },
            relative=relative,
            ago_units=ago_units,
            ago_precision=ago_precision,
            numeric_order=str(data.get("numeric_order", "dmy")),
            future_tolerance=int(data.get("future_tolerance_days", 31)),
            undated_offset=(
                None
                if data.get("undated", {}).get("offset_days") is None
                else int(data["undated"]["offset_days"])
            ),
            undated_precision=int(data.get("undated", {}).get("precision", 2)),
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
        other = _safe_date(y, day, month) if day != month and day <= 12 else None
        if d is not None and other is not None and published is not None:
            # "03/04/2016" reads either way: take the reading nearest on or before publication
            d = min((d, other), key=lambda x: ((x > published), abs((published - x).days)))
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
    if g.get("agou") is not None or g.get("agou2") is not None:
        unit_word, count = (
            (g["agou"], g["agon"]) if g.get("agou") is not None else (g["agou2"], g["agon2"])
        )
        unit = rules.ago_units.get(_norm(unit_word))
        n = (
            1
            if _norm(count) in ("a", "an")
            else (rules.numbers.parse(count) if rules.numbers else None)
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
    if g.get("mm") is not None or g.get("mm2") is not None:
        mword, mpword = (g["mm"], g["mp"]) if g.get("mm") is not None else (g["mm2"], g["ms"])
        if _norm(mword).rstrip(".") in rules.capitalised_only and not mword[:1].isupper():
            return None
        month = rules.month(mword)
        if month is None:
            return None
        if published is None:
            return None, None, "relative"
        if g.get("ms2") is not None:  # "en novembre dernier": the suffix decides
            mpword = g["ms2"]
        mode = rules.month_prefixes.get(_norm(mpword).replace(" -", "-"), "on_or_before")
        if mode == "strict":
            year = published.year if month < published.month else published.year - 1
        else:
            year = published.year if month <= published.month else published.year - 1
        return dt.date(year, month, rules.month_day(mpword)), 3, "relative"
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
    # Arabic is matched in its normalised spelling; offsets map back to the original.
    seen, offsets = normalise_arabic(text) if lang.fold else (text, None)
    out: list[DateMention] = []
    for m in lang.scanner.finditer(seen, index=WordIndex.of(seen)):
        resolved = _resolve(m, lang, published)
        if resolved is None:
            continue
        start, end = m.start(), m.end()
        if lang.ignore_before.search(seen, max(0, start - 40), start):
            continue
        if offsets is not None:
            start, end = offsets[start], offsets[end - 1] + 1
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


def lead_event_date(
    mentions: Sequence[DateMention],
    *,
    text: str,
    chosen: DateMention | None = None,
    exclude: Sequence[tuple[int, int]] = (),
) -> DateMention | None:
    """The date of an article's primary event, given the one ``chosen`` near its trigger.

    A report opens with its event's date ("On 13 July 2020, ..."), so the
    first resolved date of the first sentence (the lead) wins over ``chosen``
    unless ``chosen`` is more precise. Without a lead date and without
    ``chosen``, the first resolved date of the text stands in. Mentions that
    start inside an ``exclude`` span (a wire dateline) are never used.
    """
    usable = [
        m for m in mentions if m.date is not None and not any(a <= m.start < b for a, b in exclude)
    ]
    if not usable:
        return chosen
    sentences = split_sentences(text)
    first_end = sentences[0].end if sentences else len(text)
    lead = next((m for m in usable if m.start < first_end), None)
    if lead is not None and (chosen is None or (lead.precision or 9) <= (chosen.precision or 9)):
        return lead
    return chosen if chosen is not None else usable[0]


def undated_event_date(
    published: dt.date | None, *, rules: DateRules, language: str = "en"
) -> tuple[dt.date, int] | None:
    """The estimated date (and precision) of an event in a report that gives no date.

    News reports an event a day or two after it happens; the offset and the
    precision (ACLED's 2, "within a week", by default) are in the language's
    data file (``undated``). None without a publication date or without
    that setting: unknown stays unknown.
    """
    if published is None:
        return None
    lang = rules.for_language(language)
    if lang.undated_offset is None:
        return None
    return published + dt.timedelta(days=lang.undated_offset), lang.undated_precision
