"""Event detection: find event cues per sentence and group them into events.

The cues, their weights, the co-occurrence refinements and the markers of
vague (habitual) claims live in ``data/events/<language>.json``.

A lexicon with ``"script": "arabic"`` is matched on normalised Arabic
(:func:`corroborate.extract.arabic.normalise_arabic`: one alef, ه for ة,
no diacritics) and its patterns are folded alike when compiled; cue offsets
are mapped back to the original text. Its ``"proclitics"`` (و ف ب ل ك ال…
written before a word without a space) and ``"suffixes"`` (plural and
pronoun endings) may surround any pattern.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from corroborate.extract.arabic import fold_arabic, normalise_arabic
from corroborate.extract.resources import load_json
from corroborate.extract.text import Sentence
from corroborate.model import EVENT_TYPES

__all__ = ["Cue", "EventGroup", "EventLexicon", "detect_events", "event_type_of", "family_of"]

EXTRACTOR = "events.rules"
VERSION = "2"

_TYPE_OF: dict[str, str] = {sub: et for et, subs in EVENT_TYPES.items() for sub in subs}

#: Families of event types whose cues in one article describe one event.
_FAMILY: dict[str, str] = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "demonstration",
    "Riots": "demonstration",
    "Strategic developments": "strategic",
}


def event_type_of(sub_event_type: str) -> str:
    """The ACLED event type of a sub-event type."""
    return _TYPE_OF[sub_event_type]


def family_of(sub_event_type: str) -> str:
    return _FAMILY[_TYPE_OF[sub_event_type]]


@dataclass(frozen=True, slots=True)
class Cue:
    """A word or phrase that signals an event of a sub-event type."""

    sub_event_type: str
    start: int
    end: int
    text: str
    weight: int


@dataclass(frozen=True, slots=True)
class EventGroup:
    """The sentences and cues of one event in one article."""

    family: str
    sub_event_type: str
    cues: tuple[Cue, ...]
    sentences: tuple[Sentence, ...]

    @property
    def event_type(self) -> str:
        return _TYPE_OF[self.sub_event_type]

    @property
    def anchor(self) -> int:
        """Offset of the deciding cue: dates and places are looked for around it."""
        best = max(self.cues, key=lambda c: (c.weight, -c.start))
        return best.start

    @property
    def score(self) -> int:
        return sum(c.weight for c in self.cues)


class EventLexicon:
    """Compiled event cues for one language."""

    def __init__(self, data: dict[str, object], *, language: str) -> None:
        self.language = language
        self.version = str(data.get("version", "1"))
        self.arabic = data.get("script") == "arabic"
        prefix = str(data.get("proclitics", ""))
        suffix = str(data.get("suffixes", ""))

        def rx(patterns: object) -> re.Pattern[str]:
            alts = "|".join(f"(?:{p})" for p in patterns)  # type: ignore[attr-defined]
            if self.arabic:
                alts = fold_arabic(alts)
            return _word_regex(alts, prefix=prefix, suffix=suffix)

        self._cues: list[tuple[str, int, re.Pattern[str]]] = []
        for entry in data["cues"]:  # type: ignore[attr-defined]
            sub = entry["sub"]
            if sub not in _TYPE_OF:
                raise ValueError(f"unknown sub-event type {sub!r} in event lexicon")
            self._cues.append((sub, int(entry["weight"]), rx(entry["patterns"])))
        self._cooc: list[tuple[frozenset[str], frozenset[str], str]] = [
            (frozenset(r["if_any"]), frozenset(r["and_any"]), r["then"])
            for r in data.get("cooccurrence", [])  # type: ignore[attr-defined]
        ]
        vague = data.get("vague", {})
        self._vague = rx(vague["patterns"])  # type: ignore[index]
        distinct = data.get("distinct", {"patterns": ["(?!)"]})
        self._distinct = rx(distinct["patterns"])  # type: ignore[index]
        negation = data.get("negation", {"patterns": ["(?!)"]})
        self._negation = rx(negation["patterns"])  # type: ignore[index]
        ignore = data.get("ignore", {"patterns": ["(?!)"]})
        self._ignore = rx(ignore["patterns"])  # type: ignore[index]

    def _view(self, sentence: Sentence) -> tuple[str, list[int] | None]:
        """The text the patterns match (normalised for Arabic) and its offset map."""
        if not self.arabic:
            return sentence.text, None
        return _normalised(sentence.text)

    @classmethod
    def load(cls, language: str = "en") -> EventLexicon:
        return cls(load_json(f"events/{language}.json"), language=language)

    def find_cues(self, sentence: Sentence) -> list[Cue]:
        view, offsets = self._view(sentence)
        # Phrases that look like cues but name no event ("the Green March",
        # "a gold mine") hide the cues inside them.
        hidden = [m.span() for m in self._ignore.finditer(view)]
        cues: list[Cue] = []
        for sub, weight, rx in self._cues:
            for m in rx.finditer(view):
                start, end = m.start(), m.end()
                if any(start < h_end and end > h_start for h_start, h_end in hidden):
                    continue
                if offsets is not None:
                    start, end = offsets[start], _past_marks(sentence.text, offsets[end - 1] + 1)
                cues.append(
                    Cue(
                        sub,
                        sentence.start + start,
                        sentence.start + end,
                        sentence.text[start:end],
                        weight,
                    )
                )
        return _drop_nested(cues)

    def is_vague(self, sentence: Sentence) -> bool:
        """A habitual or general claim, a threat or a denial: no codable event."""
        view, _ = self._view(sentence)
        return bool(self._vague.search(view) or self._negation.search(view))

    def is_distinct(self, sentence: Sentence) -> bool:
        """A sentence that mentions another event of the same kind in passing."""
        return bool(self._distinct.search(self._view(sentence)[0]))

    def refine(self, subs: set[str]) -> set[str]:
        """Apply co-occurrence rules: e.g. protest + tear gas → protest with intervention."""
        out = set(subs)
        for if_any, and_any, then in self._cooc:
            if out & if_any and out & and_any:
                out -= if_any | and_any
                out.add(then)
        return out


@functools.lru_cache(maxsize=1024)
def _normalised(text: str) -> tuple[str, list[int]]:
    """normalise_arabic, once per sentence: cues, vague and distinct markers share it."""
    return normalise_arabic(text)


def _past_marks(text: str, end: int) -> int:
    """``end`` moved past the diacritics and tatweel that follow a matched letter."""
    while end < len(text) and (unicodedata.category(text[end]) == "Mn" or text[end] == "\u0640"):
        end += 1
    return end


def _word_regex(pattern: str, *, prefix: str = "", suffix: str = "") -> re.Pattern[str]:
    """``pattern`` as whole words, optionally with clitics glued before or after it."""
    pre = f"(?:{prefix})?" if prefix else ""
    post = f"(?:{suffix})?" if suffix else ""
    return re.compile(rf"(?<![\w-]){pre}(?:{pattern}){post}(?![\w-])", re.IGNORECASE)


def _drop_nested(cues: list[Cue]) -> list[Cue]:
    """Keep the heaviest (then longest) cue where cues overlap."""
    cues.sort(key=lambda c: (-c.weight, -(c.end - c.start), c.start))
    kept: list[Cue] = []
    for c in cues:
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


def detect_events(sentences: Sequence[Sentence], *, lexicon: EventLexicon) -> list[EventGroup]:
    """Group the cues of an article's specific (non-vague) sentences into events.

    Cues of one family (violence; demonstrations; each strategic development)
    describe one event. The primary event, the one with the heaviest cues,
    comes first; other events follow in order of appearance.
    """
    by_family: dict[str, list[tuple[Sentence, list[Cue]]]] = {}
    for n, sentence in enumerate(sentences):
        cues = lexicon.find_cues(sentence)
        if not cues or lexicon.is_vague(sentence):
            continue
        distinct = lexicon.is_distinct(sentence)
        if any(c.weight >= WEAK for c in cues):
            # A bare "attack" or a weapon named in a list of seized arms says
            # nothing more where a specific cue is in the sentence.
            cues = [c for c in cues if c.weight >= WEAK or _is_strategic(c)]
        families = {family_of(c.sub_event_type) for c in cues}
        # A sentence that carries violence absorbs the strategic cues in it
        # (an attack in which shops were looted is one attack).
        if "violence" in families or "demonstration" in families:
            keep = {"violence", "demonstration"} & families
            if "demonstration" in keep and "violence" in keep:
                keep = {_heavier_family(cues)}
            cues = [
                c
                for c in cues
                if family_of(c.sub_event_type) in keep
                or (c.sub_event_type == "Arrests" and "demonstration" in keep)
            ]
        for c in cues:
            fam = family_of(c.sub_event_type)
            if c.sub_event_type == "Arrests" and any(
                family_of(o.sub_event_type) == "demonstration" for o in cues
            ):
                fam = "demonstration"
            key = fam if fam != "strategic" else f"strategic:{c.sub_event_type}"
            if distinct and by_family.get(key) and by_family[key][-1][0] is not sentence:
                key = f"{key}#{n}"
            groups = by_family.setdefault(key, [])
            if groups and groups[-1][0] is sentence:
                groups[-1][1].append(c)
            else:
                groups.append((sentence, [c]))
    events: list[EventGroup] = []
    for key, items in by_family.items():
        group_cues = tuple(c for _, cs in items for c in cs)
        subs = lexicon.refine({c.sub_event_type for c in group_cues})
        sub = max(
            subs,
            key=lambda s: (
                max((c.weight for c in group_cues if c.sub_event_type == s), default=0),
                -min((c.start for c in group_cues if c.sub_event_type == s), default=0),
            ),
        )
        events.append(
            EventGroup(
                family=key.split(":")[0].split("#")[0],
                sub_event_type=sub,
                cues=group_cues,
                sentences=tuple(s for s, _ in items),
            )
        )
    if not events:
        return []
    primary = max(events, key=lambda e: (_family_rank(e), e.score, -e.cues[0].start))
    rest = sorted((e for e in events if e is not primary), key=lambda e: e.cues[0].start)
    return [primary, *rest]


def _is_strategic(cue: Cue) -> bool:
    return family_of(cue.sub_event_type) == "strategic"


def _heavier_family(cues: list[Cue]) -> str:
    totals: dict[str, int] = {}
    for c in cues:
        fam = family_of(c.sub_event_type)
        totals[fam] = totals.get(fam, 0) + c.weight
    return max(totals, key=lambda f: totals[f])


#: Cues lighter than this (a bare "attack") type an event only when nothing
#: more specific is said; they do not make violence outrank a strategic development.
WEAK = 4


def _family_rank(group: EventGroup) -> int:
    """Violence and demonstrations outrank strategic developments as the primary event."""
    if group.family == "strategic" or max(c.weight for c in group.cues) < WEAK:
        return 0
    return 1
