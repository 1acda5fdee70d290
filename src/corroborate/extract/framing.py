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

For English a learned span tagger (:class:`LoadedLanguageTagger`, trained
on the Propaganda Techniques Corpus by ``scripts/train_framing.py``) finds
the loaded phrases the lexicon cannot list: a logistic regression over
sparse features of each word (the lexicon's verdict among them) and a
shipped word-sentiment table, decoded into spans. :func:`find_loaded_terms`
uses it wherever one ships; :func:`match_loaded_terms` is the lexicon alone.

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

import json
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corroborate.errors import ExtractionError
from corroborate.extract.resources import data_text, load_json
from corroborate.model import Framing, LoadedTerm

__all__ = [
    "EXTRACTOR",
    "TAGGER",
    "TAGGER_FEATURIZER",
    "VERSION",
    "FramingLexicon",
    "LoadedLanguageTagger",
    "LoadedMatch",
    "Sentiment",
    "SentimentLexicon",
    "context_features",
    "find_loaded_terms",
    "framing_score",
    "match_loaded_terms",
    "neighbour_features",
    "own_features",
    "token_features",
    "words_of",
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

    def __init__(
        self,
        tables: Iterable[Mapping[str, Any]],
        taggers: Iterable[LoadedLanguageTagger] = (),
    ) -> None:
        self._tables: dict[str, _Table] = {}
        for data in tables:
            table = _compile_table(data)
            self._tables[table.language] = table
        self._taggers = {t.language: t for t in taggers}

    @classmethod
    def load(cls, languages: Iterable[str] | None = None, *, tagger: bool = True) -> FramingLexicon:
        """The lexicons shipped in ``data/framing/`` (all languages, or the ones named).

        With ``tagger`` (the default), the learned span tagger of each
        language that ships one (``data/models/framing-<lang>.npz``) is loaded too.
        """
        wanted = list(languages) if languages is not None else _shipped_languages()
        taggers = (
            [LoadedLanguageTagger.load(language=lang) for lang in wanted if _has_tagger(lang)]
            if tagger
            else []
        )
        return cls((load_json(f"framing/{lang}.json") for lang in wanted), taggers)

    def tagger(self, language: str = "en") -> LoadedLanguageTagger | None:
        """The learned span tagger of ``language``, if one is loaded."""
        table = self._table(language)
        return self._taggers.get(table.language) if table else None

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


def _has_tagger(language: str) -> bool:
    return _default_model(language).is_file()


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

    Where a learned tagger ships for the language, its spans are the loaded
    terms (with the lexicon's matches too when the artifact says so, each a
    term of its own, cut out of the tagged spans around them; the lexicon is
    one of the tagger's features anyway); elsewhere the lexicon's matches
    are. The score counts each lexicon match at its category weight and each
    tagged term that holds no lexicon match at :data:`TAGGED_WEIGHT`. Terms
    never overlap and come in text order.

    A language the lexicon does not cover gives an empty framing (score 0):
    nothing was flagged, which is not the same as neutral, so callers that
    care should check ``language in lexicon.languages`` first.
    """
    matches, n_words = match_loaded_terms(text, lexicon=lexicon, language=language)
    tagger = lexicon.tagger(language)
    if tagger is None:
        return Framing(
            loaded_terms=tuple(m.to_term() for m in matches),
            score=framing_score(sum(m.weight for m in matches), n_words),
        )
    tagged = _merge(tagger.spans(text, words_of(text), matches))
    spans = _with_lexicon(text, tagged, matches, tagger.trim) if tagger.union_lexicon else tagged
    weight = sum(m.weight for m in matches)
    weight += TAGGED_WEIGHT * sum(
        1 for s, e in spans if not any(m.start < e and s < m.end for m in matches)
    )
    return Framing(
        loaded_terms=tuple(LoadedTerm(text=text[s:e], start=s, end=e) for s, e in spans),
        score=framing_score(weight, n_words),
    )


#: What a tagged span with no lexicon match in it adds to the framing score.
TAGGED_WEIGHT = 0.5


_EDGE = " \t\r\n,;:.!?\"'“”‘’()[]-–—"


def _with_lexicon(
    text: str,
    tagged: list[tuple[int, int]],
    matches: Sequence[LoadedMatch],
    trim: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """Lexicon terms as they are, and the tagged spans with those terms cut out of them.

    So a term the lexicon knows is flagged on its own ("cowardly"), and what
    the tagger adds around it ("operation") is a term of its own.
    """
    lexical = sorted((m.start, m.end) for m in matches)
    out = list(lexical)
    for start, end in tagged:
        cursor = start
        for m_start, m_end in lexical:
            if m_end <= cursor or m_start >= end:
                continue
            out.append((cursor, m_start))
            cursor = max(cursor, m_end)
        out.append((cursor, end))
    pieces = []
    for start, end in out:
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        inner = [m for m in _WORD.finditer(text, start, end) if m.end() <= end]
        while inner and _key(inner[0].group()) in trim:
            inner.pop(0)
        while inner and _key(inner[-1].group()) in trim:
            inner.pop()
        if inner:
            pieces.append((inner[0].start(), inner[-1].end()))
    return _merge(pieces)


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# ---------------------------------------------------------------- span model
#
# The lexicon knows a few hundred words; loaded language is an open class. A
# learned token tagger (``framing.tagger``) finds the rest: a logistic
# regression over sparse lexical features of each word (the word, its
# suffixes, its neighbours, its polarity and subjectivity in a shipped
# sentiment lexicon, the lexicon category, shape, quotes, how opinionated its
# sentence is) gives the probability that the word lies inside a loaded
# span. Runs of words above a seed threshold, grown over neighbours above a
# lower one, become spans. The artifact (``data/models/framing-<lang>.npz`` +
# ``.json``) holds the feature names and their weights, never any training
# text; ``scripts/train_framing.py`` builds it (``make train``).

#: Name and version of the tagger featurisation; an artifact built with another one is refused.
TAGGER_FEATURIZER = "framing-tok/1"
TAGGER = "framing.tagger"
_TAGGER_HINT = "run `make train` (scripts/train_framing.py) to build it"
_QUOTES = re.compile(r"[\"“”«»]|\n")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s)|\n")
_MEMO = 100_000


@dataclass(frozen=True, slots=True)
class Sentiment:
    """What the sentiment lexicon says of one word (0 where a source is silent)."""

    valence: float  # VADER mean valence, -4 .. 4
    polarity: float  # pattern polarity, -1 .. 1
    subjectivity: float  # pattern subjectivity, 0 .. 1
    intensity: float  # pattern intensity, 1 = not an intensifier


class SentimentLexicon:
    """Word polarity and subjectivity, read from ``data/framing/sentiment-<lang>.tsv``.

    The English table merges the VADER lexicon (Hutto & Gilbert 2014, MIT
    licence) and the pattern/TextBlob adjective lexicon (De Smedt &
    Daelemans, PDDL); ``scripts/train_framing.py --build-sentiment`` writes it.
    """

    def __init__(self, entries: Mapping[str, Sentiment]) -> None:
        self._entries = dict(entries)

    @classmethod
    def parse(cls, text: str) -> SentimentLexicon:
        entries: dict[str, Sentiment] = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 5:
                raise ExtractionError(f"bad sentiment lexicon line {line!r}", reason="bad-lexicon")
            word, *values = parts
            v, p, s, i = (float(x) for x in values)
            entries[word] = Sentiment(valence=v, polarity=p, subjectivity=s, intensity=i)
        return cls(entries)

    @classmethod
    def load(cls, language: str = "en") -> SentimentLexicon:
        return cls.parse(data_text(f"framing/sentiment-{language}.tsv"))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Sentiment | None:
        """The entry of a casefolded word, trying a few inflections back to a lemma."""
        entries = self._entries
        hit = entries.get(key)
        if hit is not None or len(key) < 5:
            return hit
        if key.endswith("ly"):  # adverb -> adjective: "aggressively", "terribly", "happily"
            for base in (key[:-2], key[:-1] + "e", key[:-3] + "y"):
                if (hit := entries.get(base)) is not None:
                    return hit
        if key.endswith("s"):
            for base in (key[:-1], key[:-2], key[:-3] + "y"):
                if (hit := entries.get(base)) is not None:
                    return hit
        if key.endswith(("ed", "ing")):
            stem = key[:-2] if key.endswith("ed") else key[:-3]
            for base in (stem, stem + "e", key[:-1]):
                if (hit := entries.get(base)) is not None:
                    return hit
        return None


def _sentiment_features(sent: Sentiment | None, role: str) -> list[str]:
    if sent is None:
        return []
    out: list[str] = []
    strength = abs(sent.valence)
    if strength:
        out.append(f"{role}va{min(int(strength + 0.5), 4)}{'-' if sent.valence < 0 else '+'}")
    if sent.subjectivity:
        out.append(f"{role}su{min(int(sent.subjectivity * 4), 3)}")
    if abs(sent.polarity) >= 0.1:
        out.append(f"{role}po{'-' if sent.polarity < 0 else '+'}")
    if sent.intensity > 1.0:
        out.append(f"{role}int")
    return out


def _strong(sent: Sentiment | None) -> bool:
    return sent is not None and (abs(sent.valence) >= 1.5 or sent.subjectivity >= 0.6)


def _shape(word: str) -> list[str]:
    out = [f"len{min(len(word), 12) // 3}"]
    if word.isupper() and len(word) > 1:
        out.append("upper")
    elif word[:1].isupper():
        out.append("cap")
    if any(c.isdigit() for c in word):
        out.append("digit")
    if "-" in word:
        out.append("hyph")
    return out


def own_features(word: str, sentiment: SentimentLexicon) -> list[str]:
    """Features of a word by itself (as written: case matters for the shape)."""
    key = _key(word)
    out = [f"w:{key}", f"s3:{key[-3:]}", *_shape(word)]
    if len(key) >= 5:
        out.append(f"s4:{key[-4:]}")
    out.extend(_sentiment_features(sentiment.get(key), ""))
    return out


def neighbour_features(key: str, sentiment: SentimentLexicon, role: str) -> list[str]:
    """Features a word lends its neighbour; ``role`` is "p" (it precedes) or "n" (it follows)."""
    return [f"{role}:{key}", *_sentiment_features(sentiment.get(key), role)]


def _contexts(
    text: str, words: Sequence[tuple[str, int, int]], strong: Sequence[bool]
) -> tuple[list[bool], list[str], list[str]]:
    """Per word: inside quotes, its sentence's opinion bucket, its sentence's punctuation."""
    n = len(words)
    quoted = [False] * n
    marks = list(_QUOTES.finditer(text))
    inside, j = False, 0
    for i, (_, start, _) in enumerate(words):
        while j < len(marks) and marks[j].start() < start:
            ch = marks[j].group()
            inside = True if ch in "“«" else False if ch in "”»\n" else not inside
            j += 1
        quoted[i] = inside
    opinion = [""] * n
    punct = [""] * n
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
    first, k = 0, 0
    for i in range(n + 1):
        if i == n or words[i][1] >= ends[k]:
            if i > first:
                stop = min(ends[k], len(text))
                tail = text[words[i - 1][2] : stop]
                bucket = f"so{min(sum(strong[first:i]), 3)}"
                mark = "sx" if "!" in tail else "sq" if "?" in tail else ""
                for m in range(first, i):
                    opinion[m] = bucket
                    punct[m] = mark
            first = i
            if i == n:
                break
            while k < len(ends) - 1 and words[i][1] >= ends[k]:
                k += 1
    return quoted, opinion, punct


def _title_end(text: str) -> int:
    """The end of a headline: a first line of at most 300 characters followed by a blank line."""
    end = text.find("\n")
    if 0 < end <= 300 and text[end:].startswith(("\n\n", "\n\r\n", "\n \n")):
        return end
    return 0


def _bucket(per_100: float, edges: Sequence[float]) -> int:
    return sum(per_100 >= e for e in edges)


def _document_features(
    text: str, n: int, strong: Sequence[bool], matches: Sequence[LoadedMatch]
) -> list[str]:
    """How loaded the whole text looks: density of strong words, lexicon terms, '!'."""
    per = 100.0 / max(n, 50)
    return [
        f"ds{_bucket(sum(strong) * per, (1.0, 2.0, 3.0, 4.5, 6.0))}",
        f"dl{_bucket(len(matches) * per, (0.2, 0.5, 1.0, 2.0))}",
        f"dx{_bucket(text.count('!') * per, (0.1, 0.5))}",
    ]


def _lexicon_tags(
    words: Sequence[tuple[str, int, int]], matches: Sequence[LoadedMatch]
) -> list[str]:
    """Per word: the category of the lexicon term it starts ("lx:…"), "lxi" inside one, or ""."""
    tags = [""] * len(words)
    j = 0
    for m in matches:
        while j < len(words) and words[j][2] <= m.start:
            j += 1
        k = j
        while k < len(words) and words[k][1] < m.end:
            tags[k] = f"lx:{m.category}" if k == j else "lxi"
            k += 1
    return tags


@dataclass(frozen=True, slots=True)
class _Context:
    """What :func:`context_features` reads off a whole text, per word where it varies."""

    strong: list[bool]
    quoted: list[bool]
    opinion: list[str]
    punct: list[str]
    lex: list[str]
    doc: list[str]
    title_end: int


def _context(
    text: str,
    words: Sequence[tuple[str, int, int]],
    matches: Sequence[LoadedMatch],
    strong: list[bool],
) -> _Context:
    quoted, opinion, punct = _contexts(text, words, strong)
    return _Context(
        strong=strong,
        quoted=quoted,
        opinion=opinion,
        punct=punct,
        lex=_lexicon_tags(words, matches),
        doc=_document_features(text, len(words), strong, matches),
        title_end=_title_end(text),
    )


def context_features(
    text: str,
    words: Sequence[tuple[str, int, int]],
    keys: Sequence[str],
    matches: Sequence[LoadedMatch],
    sentiment: SentimentLexicon,
) -> list[list[str]]:
    """The features of each word that depend on more than one word.

    :meth:`LoadedLanguageTagger.probabilities` sums the weights of the same
    features without spelling them out; a test holds the two together.
    """
    n = len(words)
    c = _context(text, words, matches, [_strong(sentiment.get(k)) for k in keys])
    lex = c.lex
    out: list[list[str]] = []
    for i in range(n):
        prev = keys[i - 1] if i else "<s>"
        nxt = keys[i + 1] if i + 1 < n else "</s>"
        own = "st" if c.strong[i] else "wk"
        feats = [f"b-:{prev}|{keys[i]}", f"b+:{keys[i]}|{nxt}", c.opinion[i]]
        feats += c.doc
        feats += [f"{d}&{own}" for d in c.doc[:2]]
        if words[i][1] < c.title_end:
            feats.append("title")
        if c.quoted[i]:
            feats += ("q", f"q&{own}")
        if c.punct[i]:
            feats.append(c.punct[i])
        if lex[i]:
            feats.append(lex[i])
        if i and lex[i - 1]:
            feats.append("p" + lex[i - 1])
        if i + 1 < n and lex[i + 1]:
            feats.append("n" + lex[i + 1])
        if i == 0:
            feats.append("p:<s>")
        if i + 1 == n:
            feats.append("n:</s>")
        out.append(feats)
    return out


def token_features(
    text: str,
    words: Sequence[tuple[str, int, int]],
    matches: Sequence[LoadedMatch],
    sentiment: SentimentLexicon,
) -> list[list[str]]:
    """All the features of each word of ``text`` (the training script's view)."""
    keys = [_key(w[0]) for w in words]
    ctx = context_features(text, words, keys, matches, sentiment)
    out: list[list[str]] = []
    for i, (word, _, _) in enumerate(words):
        feats = own_features(word, sentiment)
        if i:
            feats += neighbour_features(keys[i - 1], sentiment, "p")
        if i + 1 < len(words):
            feats += neighbour_features(keys[i + 1], sentiment, "n")
        out.append(feats + [f for f in ctx[i] if f])
    return out


def words_of(text: str) -> list[tuple[str, int, int]]:
    """The words of ``text`` with their offsets (the lexicon's and the tagger's tokens)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


_BREAK = re.compile(r"[.!?;:\n]")


def _joins(text: str, words: Sequence[tuple[str, int, int]]) -> list[bool]:
    """Per gap: words i and i + 1 may sit in one span (no sentence or clause break between)."""
    return [
        _BREAK.search(text, words[i][2], words[i + 1][1]) is None for i in range(len(words) - 1)
    ]


def _default_model(language: str) -> Path:
    base = resources.files("corroborate.extract") / "data" / "models" / f"framing-{language}.npz"
    return Path(str(base))


class LoadedLanguageTagger:
    """Loaded-language spans of a text from a learned word tagger (see the section comment).

    Build it with :meth:`load`; the instance is read-only apart from bounded
    memo tables of per-word partial scores.
    """

    name = TAGGER

    def __init__(
        self,
        *,
        names: Sequence[str],
        weights: Sequence[float] | npt.NDArray[np.float32],
        intercept: float,
        sentiment: SentimentLexicon,
        seed: float = 0.5,
        grow: float = 1.0,
        union_lexicon: bool = False,
        trim: Iterable[str] = (),
        max_grow: int = 3,
        version: str = "0",
        language: str = "en",
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        if len(names) != len(weights):
            raise ExtractionError(
                f"framing tagger artifact is inconsistent ({len(names)} names, "
                f"{len(weights)} weights); {_TAGGER_HINT}",
                reason="model-invalid",
            )
        self._w: dict[str, float] = dict(zip(names, map(float, weights), strict=True))
        self._b = float(intercept)
        self.sentiment = sentiment
        self.seed = float(seed)
        self.grow = float(grow)
        self.union_lexicon = bool(union_lexicon)
        self.trim = frozenset(_key(w) for w in trim)
        self.max_grow = int(max_grow)
        self.version = version
        self.language = language
        self.meta: dict[str, Any] = dict(meta or {})
        self._own: dict[str, float] = {}
        self._prev: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._strong: dict[str, bool] = {}

    # ------------------------------------------------------------ storage
    @classmethod
    def load(cls, path: Path | None = None, *, language: str = "en") -> LoadedLanguageTagger:
        """Read an artifact (by default the one shipped for ``language``)."""
        npz = Path(path) if path is not None else _default_model(language)
        meta_path = npz.with_suffix(".json")
        if not npz.is_file() or not meta_path.is_file():
            raise ExtractionError(
                f"framing tagger {npz.name} (and its {meta_path.name}) not found in "
                f"{npz.parent}; {_TAGGER_HINT}",
                reason="model-missing",
            )
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("metadata is not a JSON object")
            if meta.get("featurizer") != TAGGER_FEATURIZER:
                raise ValueError(
                    f"built for featurizer {meta.get('featurizer')!r}, "
                    f"this code uses {TAGGER_FEATURIZER!r}"
                )
            with np.load(npz, allow_pickle=False) as arrays:
                packed = arrays["names"]
                weights = arrays["weights"].astype(np.float32)
            if packed.dtype != np.uint8:
                raise ValueError(f"feature names stored as {packed.dtype}, expected UTF-8 bytes")
            names = packed.tobytes().decode("utf-8").split("\n") if packed.size else []
            lang = str(meta.get("language", language))
            return cls(
                names=names,
                weights=weights,
                intercept=float(meta["intercept"]),
                sentiment=SentimentLexicon.load(lang),
                seed=float(meta.get("seed_threshold", 0.5)),
                grow=float(meta.get("grow_threshold", 1.0)),
                union_lexicon=bool(meta.get("union_lexicon", False)),
                trim=[str(w) for w in meta.get("trim", [])],
                max_grow=int(meta.get("max_grow", 3)),
                version=str(meta.get("version", "0")),
                language=lang,
                meta=meta,
            )
        except ExtractionError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ExtractionError(
                f"framing tagger {npz} cannot be read ({exc}); {_TAGGER_HINT}",
                reason="model-invalid",
            ) from exc

    @staticmethod
    def save(
        path: Path, names: Sequence[str], weights: Sequence[float], meta: Mapping[str, Any]
    ) -> None:
        """Write an artifact: feature names + float32 weights (.npz) and metadata (.json)."""
        if any("\n" in n for n in names):
            raise ValueError("a feature name contains a newline")
        packed = np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, names=packed, weights=np.asarray(weights, dtype=np.float32))
        path.with_suffix(".json").write_text(
            json.dumps(dict(meta), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )

    # ------------------------------------------------------------ scoring
    def weight(self, feature: str) -> float:
        """The learned weight of one feature (0 for a feature the model does not know)."""
        return self._w.get(feature, 0.0)

    @property
    def intercept(self) -> float:
        return self._b

    def _sum(self, feats: Iterable[str]) -> float:
        get = self._w.get
        return sum(get(f, 0.0) for f in feats)

    def _memo(self, table: dict[str, float], key: str, feats: Iterable[str]) -> float:
        value = self._sum(feats)
        if len(table) < _MEMO:
            table[key] = value
        return value

    def probabilities(
        self, text: str, words: Sequence[tuple[str, int, int]], matches: Sequence[LoadedMatch]
    ) -> list[float]:
        """P(word inside a loaded span) for each word of ``text``."""
        n = len(words)
        if not n:
            return []
        keys = [_key(w[0]) for w in words]
        strong_of, sent = self._strong, self.sentiment
        strong = []
        for k in keys:
            st = strong_of.get(k)
            if st is None:
                st = _strong(sent.get(k))
                if len(strong_of) < _MEMO:
                    strong_of[k] = st
            strong.append(st)
        c = _context(text, words, matches, strong)
        w = self._w
        get = w.get
        # features that are the same for every word of the text, or take two values
        base = self._b + self._sum(c.doc)
        conj = {own: self._sum(f"{d}&{own}" for d in c.doc[:2]) + base for own in ("st", "wk")}
        quoted = {own: get("q", 0.0) + get(f"q&{own}", 0.0) for own in ("st", "wk")}
        title = get("title", 0.0)
        own_memo, prev_memo, next_memo = self._own, self._prev, self._next
        lex = c.lex
        out: list[float] = []
        for i, (word, start, _) in enumerate(words):
            key = keys[i]
            tag = "st" if strong[i] else "wk"
            z = conj[tag] + get(c.opinion[i], 0.0)
            z += get(f"b-:{keys[i - 1] if i else '<s>'}|{key}", 0.0)
            z += get(f"b+:{key}|{keys[i + 1] if i + 1 < n else '</s>'}", 0.0)
            if start < c.title_end:
                z += title
            if c.quoted[i]:
                z += quoted[tag]
            if c.punct[i]:
                z += get(c.punct[i], 0.0)
            if lex[i]:
                z += get(lex[i], 0.0)
            s = own_memo.get(word)
            z += s if s is not None else self._memo(own_memo, word, own_features(word, sent))
            if i:
                if lex[i - 1]:
                    z += get("p" + lex[i - 1], 0.0)
                k = keys[i - 1]
                s = prev_memo.get(k)
                z += (
                    s
                    if s is not None
                    else self._memo(prev_memo, k, neighbour_features(k, sent, "p"))
                )
            else:
                z += get("p:<s>", 0.0)
            if i + 1 < n:
                if lex[i + 1]:
                    z += get("n" + lex[i + 1], 0.0)
                k = keys[i + 1]
                s = next_memo.get(k)
                z += (
                    s
                    if s is not None
                    else self._memo(next_memo, k, neighbour_features(k, sent, "n"))
                )
            else:
                z += get("n:</s>", 0.0)
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out

    @staticmethod
    def decode(
        text: str,
        words: Sequence[tuple[str, int, int]],
        probs: Sequence[float],
        seed: float,
        grow: float,
        trim: frozenset[str] = frozenset(),
        max_grow: int = 3,
    ) -> list[tuple[int, int]]:
        """Spans from word probabilities: seeds ≥ ``seed`` grown over neighbours ≥ ``grow``.

        Neighbouring selected words join one span unless a sentence or clause
        break (``. ! ? ; :`` or a newline) lies between them. A seed grows by
        at most ``max_grow`` words each way (a loaded phrase, not a clause);
        words of ``trim`` (function words, casefolded) are taken off both
        ends of a span.
        """
        n = len(words)
        # joins[i]: words i and i + 1 may sit in one span
        joins = _joins(text, words)
        chosen = [p >= seed for p in probs]
        if grow < seed:
            for i in [i for i in range(n) if chosen[i]]:
                j = i - 1
                while j >= max(0, i - max_grow) and joins[j] and not chosen[j] and probs[j] >= grow:
                    chosen[j] = True
                    j -= 1
                j = i + 1
                while (
                    j < min(n, i + 1 + max_grow)
                    and joins[j - 1]
                    and not chosen[j]
                    and probs[j] >= grow
                ):
                    chosen[j] = True
                    j += 1
        runs: list[list[int]] = []
        for i in range(n):
            if not chosen[i]:
                continue
            if runs and chosen[i - 1] and joins[i - 1]:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        spans: list[tuple[int, int]] = []
        for first, last in runs:
            while first <= last and _key(words[first][0]) in trim:
                first += 1
            while last >= first and _key(words[last][0]) in trim:
                last -= 1
            if first <= last:
                spans.append((words[first][1], words[last][2]))
        return spans

    def spans(
        self, text: str, words: Sequence[tuple[str, int, int]], matches: Sequence[LoadedMatch]
    ) -> list[tuple[int, int]]:
        """The loaded spans of ``text`` (``words`` from :func:`words_of`)."""
        probs = self.probabilities(text, words, matches)
        return self.decode(text, words, probs, self.seed, self.grow, self.trim, self.max_grow)

    def __repr__(self) -> str:
        return (
            f"LoadedLanguageTagger(version={self.version!r}, language={self.language!r}, "
            f"features={len(self._w)})"
        )
