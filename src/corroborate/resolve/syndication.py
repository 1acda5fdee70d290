"""Near-duplicate texts: syndicated copies of one dispatch count as one origin.

A text's fingerprint is a consistent sample of its hashed word 3-shingles
(those whose hash is even, at most 256 of them).
Two texts share an origin when most of the smaller one's sampled shingles
are in the other ("containment"): an AFP or Reuters dispatch republished
with a new headline or a dropped paragraph keeps most of its shingles,
while independent reports of the same event share few (measured on real
multi-outlet excerpts: copies ≥ 0.7, independent reports ≤ 0.46, most < 0.25).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from corroborate.extract.arabic import ARABIC_DIGITS

__all__ = [
    "CONTAINMENT",
    "containment",
    "detail_overlap",
    "fingerprint",
    "keywords",
    "near_duplicate",
]

#: Containment at or above which two texts are copies of one original.
CONTAINMENT = 0.5
_MIN_SHINGLES = 4
_WORD = re.compile(r"\w+", re.UNICODE)


def fingerprint(text: str, *, shingle: int = 3, keep: int = 256) -> tuple[int, ...]:
    """A sorted sample of the text's 32-bit shingle hashes."""
    words = _WORD.findall(text.casefold())
    hashes: set[int] = set()
    for i in range(max(0, len(words) - shingle + 1)):
        gram = " ".join(words[i : i + shingle])
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "big")
        if h % 2 == 0:
            hashes.add(h)
    return tuple(sorted(hashes)[:keep])


def containment(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of the smaller fingerprint found in the other (0 when either is tiny)."""
    if min(len(a), len(b)) < _MIN_SHINGLES:
        return 0.0
    return len(set(a) & set(b)) / min(len(a), len(b))


def near_duplicate(a: Sequence[int] | None, b: Sequence[int] | None) -> bool:
    """Whether two texts are copies of one original (unknown fingerprints never are)."""
    if not a or not b:
        return False
    return containment(a, b) >= CONTAINMENT


# --- the details a report names --------------------------------------------

_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?؟:\n]\s*$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DIGITS = str.maketrans(ARABIC_DIGITS)
#: How much of an article is read for its details (the lede carries them).
KEYWORD_CHARS = 2000
_MAX_KEYWORDS = 64
#: Keywords are cut to this many letters, so that spellings of one name
#: ("Tinzaouaten", "Tinzaouatine") and a name and its demonym meet.
_STEM = 6
_POSSESSIVE = re.compile(r"['’]s?$")


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (resources.files("corroborate.resolve") / "data" / "keywords.json").read_text("utf-8")
    )
    return data


@cache
def _stop() -> frozenset[str]:
    """The stop words, and every country's names and demonyms (too common to tell events apart)."""
    import pycountry

    words = {_plain(w) for w in _data()["stop"]}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")):
            words |= _words(name) if name else set()
    table = resources.files("corroborate.extract") / "data" / "gazetteer" / "demonyms.tsv"
    for line in table.read_text("utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            for form in line.split("\t", 1)[1].split("|"):
                words |= _words(form)
    return frozenset(words)


@cache
def _number_words() -> dict[str, str]:
    return {_plain(w): str(n) for w, n in _data()["numbers"].items()}


def _words(text: str) -> set[str]:
    return {_plain(m.group(0)) for m in _TOKEN.finditer(text.translate(_DIGITS))}


def _stemmed(words: Iterable[str]) -> set[str]:
    return {w[:_STEM] for w in words}


def keywords(text: str, *, known: Iterable[str] = ()) -> tuple[str, ...]:
    """The details an article's lede gives: capitalised words inside sentences
    and figures (years left out), folded; sorted, at most 64.

    ``known`` are strings whose words are left out: the report's place names,
    actors and date, which the matcher weighs on their own (two events of one
    town and one armed group share those, and are still two events). Two
    reports of one event share many of the rest (the village, the victims,
    the toll); two look-alike events of one area and day share few.
    """
    head = text[:KEYWORD_CHARS].translate(_DIGITS)
    stop = _stop() | set().union(*(_words(k) for k in known if k))
    stop |= _stemmed(stop)
    numbers = _number_words()
    # A word the text also writes in lower case is a common word (capitalised
    # in a headline or at a line start), not a name.
    common = {w for w in (m.group(0) for m in _TOKEN.finditer(head)) if w.islower()}
    found: set[str] = set()
    for m in _TOKEN.finditer(head):
        word = m.group(0)
        if word.isdigit() or _plain(word) in numbers:
            figure = numbers.get(_plain(word), word)
            if not _YEAR.match(figure) and figure != "0" and word not in stop:
                found.add(figure)
            continue
        if not word[:1].isupper() or len(word) < 3:
            continue
        before = head[max(0, m.start() - 3) : m.start()]
        if m.start() == 0 or _SENTENCE_END.search(before):
            continue  # a sentence's first word is capitalised anyway
        plain = _POSSESSIVE.sub("", _plain(word))
        if plain in stop or plain in common or plain[:_STEM] in stop:
            continue
        for part in plain.split("-") if "-" in plain else (plain,):
            if len(part) >= 3 and part not in stop and part[:_STEM] not in stop:
                found.add(part[:_STEM])
    return tuple(sorted(found)[:_MAX_KEYWORDS])


def detail_overlap(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Share of the smaller keyword set found in the other; None when either says too little."""
    if min(len(a), len(b)) < 2:
        return None
    shared = set(a) & set(b)
    if len(shared) < 2 or all(x.isdigit() and len(x) == 1 for x in shared):
        # One shared word, or shared small numbers only, is chance.
        return min(len(shared), 1) * 0.25
    return len(shared) / min(len(a), len(b))
