"""Counts written as digits or words: "3", "1,200", "twenty-three", "a dozen", "dozens", "٣".

The words live in ``data/numbers/<language>.json`` and are loaded once into a
:class:`NumberWords`, which also builds the regular expression of a count so
that other extractors (casualties) can embed it in their own patterns.

Vague quantities follow ACLED's fatality rule: "tens" = 10, "dozens" = 12,
"hundreds" = 100 (and, by the same logic, "scores" = 20, "thousands" =
1000). Every other vague quantity ("several", "some", "a few", "a number
of", "others") is recognised but has no value (``None``): unknown stays
unknown. The data file documents the choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from corroborate.extract.arabic import fold_arabic, normalise_arabic
from corroborate.extract.resources import load_json

__all__ = [
    "KeywordScanner",
    "NumberMention",
    "NumberWords",
    "WordIndex",
    "find_numbers",
    "parse_count",
]

# Digits: "3", "1,200", "1 200" is *not* joined (too ambiguous), "٣", "١٬٢٠٠".
# Not part of a longer token ("2nd", "AK-47", "10:30", "16/01", "1.5", "COVID-19").
_DIGITS = (
    r"(?<![\w.,/:])(?<![^\W\d_]-)"
    r"(?:\d{1,3}(?:[,\u066C]\d{3})+|\d+)"
    r"(?![^\W\d_]|\d|[.,\u066B\u066C/:]\d)"
)
_SEPARATORS = re.compile(r"[,\u066C\s]")
_WS = re.compile(r"\s+")


_WORD = re.compile(r"[^\W\d_]\w*|\d+")  # "Tuesday's" -> "Tuesday", "s"


def first_word(phrase: str) -> str | None:
    """The first word of ``phrase`` as :class:`KeywordScanner` sees it ("mid-" → "mid")."""
    m = _WORD.match(phrase.strip().lower().replace("’", "'"))
    return m.group(0) if m else None


@dataclass(frozen=True, slots=True)
class WordIndex:
    """Where each lower-cased word of a text starts (build once per text, share)."""

    words: dict[str, list[int]]
    digits: list[int]

    @classmethod
    def of(cls, text: str) -> WordIndex:
        words: dict[str, list[int]] = {}
        digits: list[int] = []
        for w in _WORD.finditer(text):
            token = w.group()
            if token[0].isdigit():
                digits.append(w.start())
            else:
                words.setdefault(token.lower(), []).append(w.start())
        return cls(words, digits)


@dataclass(frozen=True, slots=True)
class KeywordScanner:
    """``pattern.finditer`` tried only where a word that can start a match begins.

    Large alternations of phrases are slow to try at every character; words
    are cheap to find. ``firsts`` holds the lower-cased first word of every
    phrase the pattern can start with; ``digits`` says whether a match can
    start with a digit. If some phrase does not start with a word
    (``firsts`` is None), every position is tried.
    """

    pattern: re.Pattern[str]
    firsts: frozenset[str] | None
    digits: bool = False

    @classmethod
    def build(
        cls, pattern: re.Pattern[str], phrases: Iterable[str], *, digits: bool = False
    ) -> KeywordScanner:
        firsts: set[str] = set()
        for phrase in phrases:
            word = first_word(phrase)
            if word is None:
                return cls(pattern, None, digits)
            firsts.add(word)
        return cls(pattern, frozenset(firsts), digits)

    def finditer(
        self,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        *,
        index: WordIndex | None = None,
    ) -> Iterator[re.Match[str]]:
        """Non-overlapping matches in ``text[pos:endpos]``, left to right."""
        end = len(text) if endpos is None else endpos
        if self.firsts is None:
            yield from self.pattern.finditer(text, pos, end)
            return
        starts = self.starts(index if index is not None else WordIndex.of(text))
        resume = pos
        for start in starts:
            if start < resume or start >= end:
                continue
            m = self.pattern.match(text, start, end)
            if m is not None and m.end() > start:
                yield m
                resume = m.end()

    def starts(self, index: WordIndex) -> list[int]:
        """Sorted offsets where a match may start (every word when ``firsts`` is None)."""
        found: list[int] = []
        if self.firsts is None:
            for where in index.words.values():
                found.extend(where)
            found.extend(index.digits)
        else:
            for word in self.firsts.intersection(index.words):
                found.extend(index.words[word])
            if self.digits:
                found.extend(index.digits)
        found.sort()
        return found

    def search(
        self, text: str, pos: int = 0, endpos: int | None = None, *, index: WordIndex | None = None
    ) -> re.Match[str] | None:
        return next(self.finditer(text, pos, endpos, index=index), None)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A count found in text; ``value`` is None for vague quantities ("several")."""

    start: int
    end: int
    text: str
    value: int | None
    vague: bool


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces as \\s+."""
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    parts = [r"\s+".join(re.escape(p) for p in w.split()) for w in ordered]
    # Keep a trailing space significant ("d'" followed directly by a word is fine).
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _joiners(items: list[str]) -> str:
    alts = []
    for j in sorted(set(items), key=lambda s: (-len(s), s)):
        core = j.strip()
        if not core:
            alts.append(r"\s+")
            continue
        left = r"\s+" if j[:1].isspace() else ""
        right = r"\s+" if j[-1:].isspace() else ""
        alts.append(left + re.escape(core) + right)
    return "(?:" + "|".join(alts) + ")" if alts else "(?!)"


def _norm(text: str) -> str:
    return _WS.sub(" ", text.strip().lower()).replace("’", "'")


@dataclass(frozen=True, slots=True)
class NumberWords:
    """The number words of one language and the regex of a count built from them."""

    language: str
    version: str
    units: dict[str, int] = field(hash=False)
    tens: dict[str, int] = field(hash=False)
    scales: dict[str, int] = field(hash=False)
    vague: dict[str, int | None] = field(hash=False)
    articles: frozenset[str]
    scale_articles: frozenset[str]
    #: The regex source of one count (no capturing groups; compile with IGNORECASE).
    #: For a language with ``normalise_arabic`` it matches normalised Arabic text
    #: (:func:`corroborate.extract.arabic.normalise_arabic`).
    pattern: str
    #: The regex source of a vague quantity only.
    vague_pattern: str
    _count: re.Pattern[str] = field(hash=False, repr=False, compare=False)
    _scanner: KeywordScanner = field(hash=False, repr=False, compare=False)
    _word: re.Pattern[str] = field(hash=False, repr=False, compare=False)
    fold: bool = False

    @classmethod
    def load(cls, language: str = "en") -> NumberWords:
        """Read ``data/numbers/<language>.json`` (cached by the resource loader)."""
        return cls.from_dict(load_json(f"numbers/{language}.json"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NumberWords:
        fold = bool(data.get("normalise_arabic"))
        if fold:
            data = {k: _fold_strings(v) if k != "_about" else v for k, v in data.items()}
        units = {_norm(k): int(v) for k, v in data["units"].items()}
        tens = {_norm(k): int(v) for k, v in data["tens"].items()}
        scales = {_norm(k): int(v) for k, v in data["scales"].items()}
        # Conjunctions written onto the number (Arabic "وسبعة", and seven) give variants.
        for prefix in data.get("attached_prefixes", []):
            for table in (units, tens):
                table.update({_norm(prefix) + k: v for k, v in list(table.items()) if " " not in k})
        vague: dict[str, int | None] = {
            _norm(k): (None if v is None else int(v)) for k, v in data["vague"].items()
        }
        articles = frozenset(_norm(a) for a in data.get("articles", []))
        scale_articles = frozenset(_norm(a) for a in data.get("scale_articles", []))

        u, t, s = _alternation(list(units)), _alternation(list(tens)), _alternation(list(scales))
        tu = _joiners(data.get("tens_units_joiners", []))
        ut = _joiners(data.get("units_tens_joiners", []))
        sj = _joiners(data.get("scale_joiners", []))
        base = f"(?:{t}(?:{tu}{u})?|{u}(?:{ut}{t})?|{t})"
        sa = _alternation(list(scale_articles))
        scale_part = f"(?:(?:{base}|{sa})\\s+{s})"
        numword = f"(?:{scale_part}(?:{sj}{scale_part})*(?:{sj}{base})?|{base})"
        words = rf"(?<!\w)(?:{numword})(?![\w-])"
        vague_re = rf"(?<!\w){_alternation(list(vague))}(?!\w)"
        pattern = f"(?:{vague_re}|{words}|{_DIGITS})"
        # Joiners written onto the next word (Arabic "و") may prefix a token.
        attached = [
            j.strip()
            for key in ("tens_units_joiners", "units_tens_joiners", "scale_joiners")
            for j in data.get(key, [])
            if j.strip() and not j[-1:].isspace() and j.strip() not in "-–"
        ]
        prefix = f"(?:{_alternation(attached)})?" if attached else ""
        token = rf"(?<!\w){prefix}({_alternation([*units, *tens, *scales, *scale_articles])})(?!\w)"
        return cls(
            language=str(data.get("language", "")),
            version=str(data.get("version", "1")),
            units=units,
            tens=tens,
            scales=scales,
            vague=vague,
            articles=articles,
            scale_articles=scale_articles,
            pattern=pattern,
            vague_pattern=vague_re,
            _count=re.compile(pattern, re.IGNORECASE),
            _scanner=KeywordScanner.build(
                re.compile(pattern, re.IGNORECASE),
                [*units, *tens, *scales, *scale_articles, *vague],
                digits=True,
            ),
            _word=re.compile(token, re.IGNORECASE),
            fold=fold,
        )

    def is_vague(self, text: str) -> bool:
        """Whether ``text`` is a vague quantity ("several", "dozens", "tens of")."""
        return _norm(fold_arabic(text) if self.fold else text) in self.vague

    def parse(self, text: str) -> int | None:
        """The value of one count, or None (vague without value, or not a count).

        ``"a"`` / ``"an"`` give 1: the caller decides whether a victim noun follows.
        """
        key = _norm(fold_arabic(text) if self.fold else text)
        if not key:
            return None
        if key in self.vague:
            return self.vague[key]
        if key in self.articles:
            return 1
        digits = _SEPARATORS.sub("", key)
        if digits.isdecimal():
            try:
                return int(digits)
            except ValueError:  # pragma: no cover - isdecimal() guarantees int() works
                return None
        return self._parse_words(key)

    def _parse_words(self, key: str) -> int | None:
        total = 0
        current = 0
        seen = False
        for m in self._word.finditer(key):
            w = _norm(m.group(1))
            seen = True
            if w in self.scales:
                scale = self.scales[w]
                current = max(current, 1) * scale
                if scale >= 1000:
                    total += current
                    current = 0
            elif w in self.tens:
                current += self.tens[w]
            elif w in self.units:
                current += self.units[w]
            elif w in self.scale_articles:
                current += 1
        return total + current if seen else None


def _fold_strings(value: Any) -> Any:
    if isinstance(value, str):
        return fold_arabic(value)
    if isinstance(value, list):
        return [_fold_strings(v) for v in value]
    if isinstance(value, dict):
        return {_fold_strings(k): _fold_strings(v) for k, v in value.items()}
    return value


def parse_count(text: str, *, words: NumberWords) -> int | None:
    """The value of a count phrase: "1,200" → 1200, "twenty-three" → 23, "dozens" → 12,
    "several" → None, "٣" → 3."""
    return words.parse(text)


def find_numbers(text: str, *, words: NumberWords) -> list[NumberMention]:
    """Every count in ``text`` (digits, number words, vague quantities), in order."""
    seen, offsets = normalise_arabic(text) if words.fold else (text, None)
    out: list[NumberMention] = []
    for m in words._scanner.finditer(seen):
        phrase = m.group(0)
        start, end = m.start(), m.end()
        if offsets is not None:
            start, end = offsets[start], offsets[end - 1] + 1
        out.append(
            NumberMention(
                start=start,
                end=end,
                text=text[start:end],
                value=words.parse(phrase),
                vague=words.is_vague(phrase),
            )
        )
    return out
