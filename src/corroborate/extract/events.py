"""Event detection: find event cues per sentence and group them into events.

The cues, their weights, the co-occurrence refinements and the markers of
vague (habitual) claims live in ``data/events/<language>.json``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corroborate.extract.resources import load_json
from corroborate.extract.text import Sentence
from corroborate.model import EVENT_TYPES

__all__ = ["Cue", "EventGroup", "EventLexicon", "detect_events", "event_type_of", "family_of"]

EXTRACTOR = "events.rules"
VERSION = "1"

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
        self._cues: list[tuple[str, int, re.Pattern[str]]] = []
        for entry in data["cues"]:  # type: ignore[attr-defined]
            sub = entry["sub"]
            if sub not in _TYPE_OF:
                raise ValueError(f"unknown sub-event type {sub!r} in event lexicon")
            pattern = "|".join(f"(?:{p})" for p in entry["patterns"])
            self._cues.append((sub, int(entry["weight"]), _word_regex(pattern)))
        self._cooc: list[tuple[frozenset[str], frozenset[str], str]] = [
            (frozenset(r["if_any"]), frozenset(r["and_any"]), r["then"])
            for r in data.get("cooccurrence", [])  # type: ignore[attr-defined]
        ]
        vague = data.get("vague", {})
        self._vague = _word_regex("|".join(f"(?:{p})" for p in vague["patterns"]))  # type: ignore[index]
        distinct = data.get("distinct", {"patterns": ["(?!)"]})
        self._distinct = _word_regex(
            "|".join(f"(?:{p})" for p in distinct["patterns"])  # type: ignore[index]
        )
        negation = data.get("negation", {})
        self._negation = _word_regex(
            "|".join(f"(?:{p})" for p in negation["patterns"])  # type: ignore[index]
        )

    @classmethod
    def load(cls, language: str = "en") -> EventLexicon:
        return cls(load_json(f"events/{language}.json"), language=language)

    def find_cues(self, sentence: Sentence) -> list[Cue]:
        cues: list[Cue] = []
        for sub, weight, rx in self._cues:
            for m in rx.finditer(sentence.text):
                cues.append(
                    Cue(
                        sub,
                        sentence.start + m.start(),
                        sentence.start + m.end(),
                        m.group(0),
                        weight,
                    )
                )
        return _drop_nested(cues)

    def is_vague(self, sentence: Sentence) -> bool:
        """A habitual or general claim, a threat or a denial: no codable event."""
        return bool(self._vague.search(sentence.text) or self._negation.search(sentence.text))

    def is_distinct(self, sentence: Sentence) -> bool:
        """A sentence that mentions another event of the same kind in passing."""
        return bool(self._distinct.search(sentence.text))

    def refine(self, subs: set[str]) -> set[str]:
        """Apply co-occurrence rules: e.g. protest + tear gas → protest with intervention."""
        out = set(subs)
        for if_any, and_any, then in self._cooc:
            if out & if_any and out & and_any:
                out -= if_any | and_any
                out.add(then)
        return out


def _word_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


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


def _heavier_family(cues: list[Cue]) -> str:
    totals: dict[str, int] = {}
    for c in cues:
        fam = family_of(c.sub_event_type)
        totals[fam] = totals.get(fam, 0) + c.weight
    return max(totals, key=lambda f: totals[f])


def _family_rank(group: EventGroup) -> int:
    """Violence and demonstrations outrank strategic developments as the primary event."""
    return 0 if group.family == "strategic" else 1
