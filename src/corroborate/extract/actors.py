"""Actors: who did it (actor1) and to whom (actor2), with ACLED inter codes.

Patterns live in ``data/actors/<language>.json``; ``{DEM}`` in a pattern
stands for a demonym or country name, which gives the actor's country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from corroborate.extract.resources import load_json
from corroborate.extract.text import Sentence

__all__ = ["ActorLexicon", "ActorMention", "Actors", "assign_actors", "find_actors"]

EXTRACTOR = "actors.rules"
VERSION = "1"

ARMED = frozenset({1, 2, 3, 4, 8})
_BY_AGENT = re.compile(r"(?:\bby|\bfrom)\s+(?:the\s+|an?\s+)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A phrase naming an actor. ``country`` is None when the text does not say."""

    start: int
    end: int
    text: str
    template: str  # "Military Forces of {country}" or a fixed name
    inter: int
    country: str | None
    kind: str  # "state", "named", "victim", "protester", "rioter", "perpetrator"
    agent: bool = False  # introduced by "by …" (the doer in a passive sentence)

    def name(self, fallback_country: str | None) -> str | None:
        if "{country}" not in self.template:
            return self.template
        country = self.country or fallback_country
        if country is None:
            return None
        return self.template.format(country=country)


@dataclass(frozen=True, slots=True)
class Actors:
    actor1: str | None
    inter1: int | None
    actor1_country: str | None
    actor2: str | None
    inter2: int | None
    actor2_country: str | None
    evidence1: ActorMention | None
    evidence2: ActorMention | None


@dataclass(frozen=True, slots=True)
class _Rule:
    template: str
    inter: int
    kind: str
    regex: re.Pattern[str]
    fixed_country: str | None = None


class ActorLexicon:
    """Compiled actor patterns for one language."""

    def __init__(
        self,
        data: dict[str, object],
        *,
        demonyms: dict[str, str],
        language: str,
    ) -> None:
        self.language = language
        self.version = str(data.get("version", "1"))
        self._demonyms = {k.lower(): v for k, v in demonyms.items()}
        dem = (
            "|".join(re.escape(d) for d in sorted(self._demonyms, key=len, reverse=True) if d)
            or "(?!)"
        )
        dem_group = f"(?P<dem>{dem})"
        self._rules: list[_Rule] = []
        for entry in data["state_forces"]:  # type: ignore[attr-defined]
            pat = "|".join(f"(?:{p})" for p in entry["patterns"]).replace("{DEM}", dem_group, 1)
            pat = pat.replace("{DEM}", f"(?:{dem})")
            self._rules.append(_Rule(entry["template"], int(entry["inter"]), "state", _rx(pat)))
        for entry in data["named"]:  # type: ignore[attr-defined]
            pat = "|".join(f"(?:{p})" for p in entry["patterns"])
            self._rules.append(
                _Rule(entry["name"], int(entry["inter"]), "named", _rx(pat, ignore_case=False))
            )
        for entry in data["generic"]:  # type: ignore[attr-defined]
            pat = "|".join(f"(?:{p})" for p in entry["patterns"]).replace("{DEM}", dem_group, 1)
            pat = pat.replace("{DEM}", f"(?:{dem})")
            self._rules.append(
                _Rule(entry["template"], int(entry["inter"]), entry["role"], _rx(pat))
            )
        ext = data.get("external_state_countries", {})
        self.external_countries = frozenset(ext.get("countries", []))  # type: ignore[attr-defined]

    @classmethod
    def load(cls, *, demonyms: dict[str, str], language: str = "en") -> ActorLexicon:
        return cls(load_json(f"actors/{language}.json"), demonyms=demonyms, language=language)

    def country_of(self, word: str) -> str | None:
        return self._demonyms.get(word.lower())

    def find(self, sentence: Sentence) -> list[ActorMention]:
        found: list[ActorMention] = []
        for rule in self._rules:
            for m in rule.regex.finditer(sentence.text):
                if not m.group(0).strip():
                    continue
                dem = m.groupdict().get("dem")
                country = self.country_of(dem) if dem else rule.fixed_country
                if rule.kind == "state" and country is None and _needs_demonym(m.group(0)):
                    continue
                start = sentence.start + m.start()
                found.append(
                    ActorMention(
                        start=start,
                        end=sentence.start + m.end(),
                        text=m.group(0),
                        template=rule.template,
                        inter=rule.inter,
                        country=country,
                        kind=rule.kind,
                        agent=bool(_BY_AGENT.search(sentence.text[: m.start()][-12:])),
                    )
                )
        return _drop_overlaps(found)


# Words that name state forces only when a demonym says whose ("forces", "drones").
_GENERIC_STATE = re.compile(
    r"^(?:the\s+)?(?:forces|security forces|drones?|helicopters?|warplanes?|fighter jets?|"
    r"government|authorities|regime|ministry of \w+|interior ministry|presidency)$",
    re.IGNORECASE,
)


def _needs_demonym(text: str) -> bool:
    return bool(_GENERIC_STATE.match(text.strip()))


def _rx(pattern: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w-])(?:the\s+)?(?:{pattern})(?![\w-])", flags)


def _drop_overlaps(mentions: list[ActorMention]) -> list[ActorMention]:
    """Prefer named groups, then the longest phrase, where mentions overlap."""
    rank = {"named": 0, "state": 1}
    mentions.sort(key=lambda m: (rank.get(m.kind, 2), -(m.end - m.start), m.start))
    kept: list[ActorMention] = []
    for m in mentions:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


def find_actors(sentences: Iterable[Sentence], *, lexicon: ActorLexicon) -> list[ActorMention]:
    out: list[ActorMention] = []
    for s in sentences:
        out.extend(lexicon.find(s))
    return out


def assign_actors(
    mentions: Sequence[ActorMention],
    *,
    event_type: str,
    sub_event_type: str,
    event_country: str | None,
    lexicon: ActorLexicon,
    default_country: Callable[[], str | None] | None = None,
) -> Actors:
    """Pick actor1 (the doer) and actor2 (the target) for one event.

    ``mentions`` come ordered with the sentence of the deciding cue first.
    Unknown stays None, except for violent events whose perpetrator the
    text does not name: ACLED's honest label "Unidentified Armed Group".
    """
    country = event_country or (default_country() if default_country else None)
    armed = [m for m in mentions if m.inter in ARMED and m.kind != "victim"]
    civilians = [m for m in mentions if m.kind == "victim"]
    protesters = [m for m in mentions if m.kind == "protester"]
    rioters = [m for m in mentions if m.kind == "rioter"]
    a1: ActorMention | None = None
    a2: ActorMention | None = None
    if event_type == "Protests":
        a1 = protesters[0] if protesters else None
        if sub_event_type != "Peaceful protest":
            a2 = next((m for m in armed if m.inter == 1), None)
    elif event_type == "Riots":
        a1 = rioters[0] if rioters else (protesters[0] if protesters else None)
        a2 = civilians[0] if civilians else next((m for m in armed if m.inter == 1), None)
    else:
        agents = [m for m in armed if m.agent]
        a1 = agents[0] if agents else (armed[0] if armed else None)
        if civilians and (event_type != "Battles"):
            a2 = civilians[0]
        else:
            a2 = next(
                (m for m in armed if a1 is None or _differs(m, a1, country)),
                None,
            )
            if a2 is None and civilians:
                a2 = civilians[0]
    name1 = a1.name(country) if a1 else None
    name2 = a2.name(country) if a2 else None
    inter1 = _inter(a1, country, lexicon) if a1 and name1 else None
    inter2 = _inter(a2, country, lexicon) if a2 and name2 else None
    if (
        name1 is None
        and event_type
        in {
            "Battles",
            "Explosions/Remote violence",
            "Violence against civilians",
        }
        and country is not None
    ):
        name1, inter1 = f"Unidentified Armed Group ({country})", 3
    if name1 is None and event_type == "Protests" and country is not None:
        name1, inter1 = f"Protesters ({country})", 6
    if name1 is None and event_type == "Riots" and country is not None:
        name1, inter1 = f"Rioters ({country})", 5
    c1 = _country(a1, country) if name1 else None
    c2 = _country(a2, country) if name2 else None
    return Actors(
        actor1=name1,
        inter1=inter1,
        actor1_country=c1 if name1 else None,
        actor2=name2,
        inter2=inter2,
        actor2_country=c2,
        evidence1=a1 if a1 and name1 else None,
        evidence2=a2 if a2 and name2 else None,
    )


def _country(m: ActorMention | None, fallback: str | None) -> str | None:
    if m is None:
        return fallback
    if m.country:
        return m.country
    if "{country}" in m.template:
        return fallback
    return None


def _differs(m: ActorMention, other: ActorMention, country: str | None) -> bool:
    return m.name(country) != other.name(country)


def _inter(m: ActorMention, event_country: str | None, lexicon: ActorLexicon) -> int:
    if (
        m.kind == "state"
        and m.country
        and event_country
        and m.country != event_country
        and m.country in lexicon.external_countries
    ):
        return 8
    return m.inter
