"""Framing: flag the loaded words of a text and score how loaded it is.

corroborate never repeats a report's loaded language in its own records; it
flags it instead. The knowledge lives in ``data/framing/<language>.json``
(one file per language, each with a ``version``): words and multiword
phrases grouped by category (pejorative, label, dehumanising,
propagandistic, glorifying, emotive, violent_verb, intensifier), a weight
per category, and a few context exceptions. Inflected forms are generated
when the lexicon is loaded ("liquidate/v" gives liquidate, liquidates,
liquidated, liquidating), so matching is a dictionary look-up per word.

Matching works on the raw text: words are found with one compiled regex
(a word may contain inner hyphens and apostrophes, so "anti-terrorist" is
one word and is not "terrorist"); at each word the longest lexicon phrase
starting there wins, its words separated only by white space. A possessive
"'s" is not part of a term ("Makhzen regime's" flags "Makhzen regime"), and
languages may declare proclitics that are stripped before look-up
(French "l'", Arabic "و", "ال" ...). Every span satisfies
``text[start:end] == term.text``.

The score (:func:`framing_score`) is density based: the weighted number of
loaded terms per 100 words, with at least 50 words assumed so that one
loaded word in a one-line note does not saturate it, squashed into [0, 1)
by ``1 - exp(-density / 2)``. One loaded term per 100 words scores about
0.39, two about 0.63, five about 0.92. A neutral wire report scores 0 or
close to it.

Decisions (also recorded in the data file): "terrorist(s)" is flagged as a
label of a side, but not when it describes an act or legal category
("terrorist attack", "terrorism", "counter-terrorism"); the noun
"massacre" is not flagged (it names mass killings in neutral copy too),
the verb "massacred" is; "martyr(s)" is flagged as glorifying.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from corroborate.errors import ExtractionError
from corroborate.extract.resources import load_json
from corroborate.model import Framing, LoadedTerm

__all__ = [
    "EXTRACTOR",
    "VERSION",
    "FramingLexicon",
    "LoadedMatch",
    "find_loaded_terms",
    "framing_score",
    "match_loaded_terms",
]

EXTRACTOR = "framing.lexicon"
VERSION = "1"

#: A word: starts and ends with a letter or digit, may hold inner hyphens and apostrophes.
_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
_POSSESSIVE = ("'s", "'")
_VOWELS = frozenset("aeiou")

#: Words assumed at least, so that one loaded word in a short note is not a score of ~1.
MIN_WORDS = 50
#: Loaded terms per 100 words at which the score reaches 1 - 1/e (about 0.63).
DENSITY_SCALE = 2.0


def _key(word: str) -> str:
    return word.casefold().translate(_APOSTROPHES)


def framing_score(weighted_terms: float, words: int) -> float:
    """The 0–1 framing score of ``weighted_terms`` loaded terms in ``words`` words.

    ``density = 100 * weighted_terms / max(words, MIN_WORDS)`` (loaded terms
    per 100 words), squashed as ``1 - exp(-density / DENSITY_SCALE)`` and
    rounded to three decimals.
    """
    if weighted_terms <= 0:
        return 0.0
    density = 100.0 * weighted_terms / max(words, MIN_WORDS)
    return round(1.0 - math.exp(-density / DENSITY_SCALE), 3)


# ---------------------------------------------------------------- inflection


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _doubles(word: str) -> bool:
    """One-syllable consonant-vowel-consonant verbs double the last letter (slam → slammed)."""
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS:
        return False
    if word[-2] not in _VOWELS or word[-3] in _VOWELS:
        return False
    groups = re.findall(r"[aeiou]+", word)
    return len(groups) == 1


def _verb_forms(word: str) -> list[str]:
    if word.endswith("e"):
        past, ing = word + "d", (word[:-2] + "ying" if word.endswith("ie") else word[:-1] + "ing")
        if word.endswith("ee"):
            ing = word + "ing"
    elif len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        past, ing = word[:-1] + "ied", word + "ing"
    elif _doubles(word):
        past, ing = word + word[-1] + "ed", word + word[-1] + "ing"
    else:
        past, ing = word + "ed", word + "ing"
    return [_plural(word), past, ing]


def _simple_plural(word: str) -> str:
    return word if word.endswith(("s", "x", "z")) else word + "s"


def _expand(spec: str, inflection: str = "en") -> tuple[str, list[str]]:
    """``"liquidate/v"`` → ("liquidate", [liquidate, liquidates, liquidated, liquidating]).

    ``inflection`` is the language's scheme: "en" (English plurals and verb
    forms), "simple" (a plural -s for "/n", nothing for "/v") or "none".
    Nouns inflect their last word, verbs their first ("mow down" → "mowed down").
    """
    head, *extra = spec.split("+")
    term, _, pos = head.partition("/")
    term = term.strip()
    forms = [term]
    words = term.split(" ")
    if "n" in pos and inflection != "none":
        plural = _plural if inflection == "en" else _simple_plural
        forms.append(" ".join([*words[:-1], plural(words[-1])]))
    if "v" in pos and inflection == "en":
        forms.extend(" ".join([f, *words[1:]]) for f in _verb_forms(words[0]))
    forms.extend(e.strip() for e in extra if e.strip())
    return term, forms


# ---------------------------------------------------------------- lexicon


@dataclass(frozen=True, slots=True)
class _Entry:
    lemma: str
    category: str
    weight: float


@dataclass(frozen=True, slots=True)
class _Table:
    """The compiled lexicon of one language."""

    language: str
    version: str
    # first word key -> [(word keys, entry)], longest phrase first
    by_first: Mapping[str, tuple[tuple[tuple[str, ...], _Entry], ...]]
    after: Mapping[str, tuple[tuple[str, ...], ...]]
    before: Mapping[str, tuple[tuple[str, ...], ...]]
    proclitics: tuple[str, ...]
    size: int


def _compile_table(data: Mapping[str, Any]) -> _Table:
    try:
        language = str(data["language"])
        terms: Mapping[str, list[str]] = data["terms"]
    except (KeyError, TypeError) as exc:
        raise ExtractionError(f"framing lexicon lacks {exc}", reason="bad-lexicon") from exc
    version = str(data.get("version", "1"))
    inflection = str(data.get("inflection", "en"))
    weights_raw = data.get("weights", {})
    phrases: dict[tuple[str, ...], _Entry] = {}
    for category, specs in terms.items():
        weight = float(weights_raw.get(category, 1.0))
        for spec in specs:
            lemma, forms = _expand(spec, inflection)
            entry = _Entry(lemma=lemma, category=category, weight=weight)
            for form in forms:
                words = tuple(_key(w) for w in _WORD.findall(form))
                if words:
                    phrases.setdefault(words, entry)  # first category wins
    grouped: dict[str, list[tuple[tuple[str, ...], _Entry]]] = {}
    for words, entry in phrases.items():
        grouped.setdefault(words[0], []).append((words, entry))
    by_first = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in grouped.items()}
    after: dict[str, tuple[tuple[str, ...], ...]] = {}
    before: dict[str, tuple[tuple[str, ...], ...]] = {}
    for term, rule in data.get("exceptions", {}).items():
        if not isinstance(rule, Mapping):
            continue
        name = " ".join(_key(w) for w in _WORD.findall(term))
        for side, table in (("after", after), ("before", before)):
            contexts = tuple(
                words
                for phrase in rule.get(side, ())
                if (words := tuple(_key(w) for w in _WORD.findall(phrase)))
            )
            if contexts:
                table[name] = contexts
    proclitics = tuple(sorted((_key(p) for p in data.get("proclitics", [])), key=len, reverse=True))
    return _Table(
        language=language,
        version=version,
        by_first=by_first,
        after=after,
        before=before,
        proclitics=proclitics,
        size=len(phrases),
    )


class FramingLexicon:
    """Loaded-language lexicons by language, compiled once and shared read-only."""

    def __init__(self, tables: Iterable[Mapping[str, Any]]) -> None:
        self._tables: dict[str, _Table] = {}
        for data in tables:
            table = _compile_table(data)
            self._tables[table.language] = table

    @classmethod
    def load(cls, languages: Iterable[str] | None = None) -> FramingLexicon:
        """The lexicons shipped in ``data/framing/`` (all languages, or the ones named)."""
        wanted = list(languages) if languages is not None else _shipped_languages()
        return cls(load_json(f"framing/{lang}.json") for lang in wanted)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._tables))

    def version(self, language: str = "en") -> str | None:
        table = self._table(language)
        return table.version if table else None

    def size(self, language: str = "en") -> int:
        """The number of distinct word forms and phrases known for ``language``."""
        table = self._table(language)
        return table.size if table else 0

    def _table(self, language: str | None) -> _Table | None:
        if not language:
            return None
        lang = language.replace("_", "-").split("-")[0].casefold()
        return self._tables.get(lang)


def _shipped_languages() -> list[str]:
    try:
        folder = resources.files("corroborate.extract") / "data" / "framing"
        names = [p.name for p in folder.iterdir() if p.name.endswith(".json")]
    except (FileNotFoundError, NotADirectoryError) as exc:  # pragma: no cover - broken install
        raise ExtractionError("framing lexicons are missing; reinstall corroborate") from exc
    return sorted(n.removesuffix(".json") for n in names)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class LoadedMatch:
    """A flagged term with what the lexicon knows about it."""

    text: str
    start: int
    end: int
    lemma: str
    category: str
    weight: float

    def to_term(self) -> LoadedTerm:
        return LoadedTerm(text=self.text, start=self.start, end=self.end)


def _variants(word: str, start: int, end: int, table: _Table) -> list[tuple[str, int, int]]:
    """Look-up keys of one word: as written, without a possessive, without a proclitic."""
    key = _key(word)
    out = [(key, start, end)]
    for suffix in _POSSESSIVE:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            out.append((key[: -len(suffix)], start, end - len(suffix)))
            break
    for prefix in table.proclitics:
        if key.startswith(prefix) and len(key) - len(prefix) >= 2:
            out.append((key[len(prefix) :], start + len(prefix), end))
    return out


def match_loaded_terms(
    text: str, *, lexicon: FramingLexicon, language: str = "en"
) -> tuple[list[LoadedMatch], int]:
    """The loaded terms of ``text`` with their categories, and the number of words."""
    table = lexicon._table(language)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    if table is None:
        return [], len(words)
    found: list[LoadedMatch] = []
    i, n = 0, len(words)
    while i < n:
        hit = _match_at(text, words, i, table)
        if hit is None:
            i += 1
            continue
        match, used = hit
        found.append(match)
        i += used
    return found, len(words)


def _match_at(
    text: str, words: list[tuple[str, int, int]], i: int, table: _Table
) -> tuple[LoadedMatch, int] | None:
    for key, start, first_end in _variants(*words[i], table):
        for phrase, entry in table.by_first.get(key, ()):
            size = len(phrase)
            if i + size > len(words):
                continue
            if size == 1:
                end: int | None = first_end
            elif first_end != words[i][2]:
                continue  # a possessive ends a phrase, it does not sit inside one
            else:
                end = _phrase_end(text, words, i, phrase)
            if end is None:
                continue
            if _excepted(words, i, size, entry, phrase, table):
                continue
            match = LoadedMatch(
                text=text[start:end],
                start=start,
                end=end,
                lemma=entry.lemma,
                category=entry.category,
                weight=entry.weight,
            )
            return match, size
    return None


def _phrase_end(
    text: str,
    words: list[tuple[str, int, int]],
    i: int,
    phrase: tuple[str, ...],
) -> int | None:
    """The end offset when ``phrase`` continues at word ``i``, else None."""
    end = words[i][2]
    for j, want in enumerate(phrase[1:], start=i + 1):
        word, w_start, w_end = words[j]
        if not text[end:w_start].isspace():
            return None
        key = _key(word)
        if key == want:
            end = w_end
            continue
        if j == i + len(phrase) - 1 and key == want + "'s":
            end = w_end - 2  # a possessive on the last word is left out of the span
            continue
        return None
    return end


def _excepted(
    words: list[tuple[str, int, int]],
    i: int,
    size: int,
    entry: _Entry,
    phrase: tuple[str, ...],
    table: _Table,
) -> bool:
    lemma = " ".join(_key(w) for w in _WORD.findall(entry.lemma))
    for name in {" ".join(phrase), lemma}:
        for context in table.after.get(name, ()):
            following = words[i + size : i + size + len(context)]
            if tuple(_key(w[0]) for w in following) == context:
                return True
        for context in table.before.get(name, ()):
            if len(context) > i:
                continue
            preceding = words[i - len(context) : i]
            if tuple(_key(w[0]) for w in preceding) == context:
                return True
    return False


def find_loaded_terms(text: str, *, lexicon: FramingLexicon, language: str = "en") -> Framing:
    """Flag the loaded terms of ``text`` and score its framing (see :func:`framing_score`).

    A language the lexicon does not cover gives an empty framing (score 0):
    nothing was flagged, which is not the same as neutral, so callers that
    care should check ``language in lexicon.languages`` first.
    """
    matches, n_words = match_loaded_terms(text, lexicon=lexicon, language=language)
    weight = sum(m.weight for m in matches)
    return Framing(
        loaded_terms=tuple(m.to_term() for m in matches),
        score=framing_score(weight, n_words),
    )
