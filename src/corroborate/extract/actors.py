"""Actors: who did it (actor1) and to whom (actor2), with ACLED inter codes.

Knowledge lives in ``data/actors/<language>.json``: state forces, named
armed groups, ethnic and clan militias, generic phrases ("gunmen",
"villagers", "protesters"), the verbs that split a sentence into doers and
targets, and ACLED's conventions for each sub-event type (an Attack's
actor2 is always civilians; a Peaceful protest has none).

:func:`find_actors` finds the mentions of one sentence at a time and marks
each one's role in it (doer, target, passive agent, ally);
:func:`assign_actors` picks actor1 and actor2 for an event from them. A
mention's country comes from a demonym or country name next to it
("Malian soldiers", "forces of Azerbaijan"); otherwise it is the event's
country. State forces outside their own country are External/Other
forces (8), as ACLED codes expeditionary forces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from corroborate.extract.arabic import fold_arabic, normalise_arabic
from corroborate.extract.resources import load_json
from corroborate.extract.text import Sentence

__all__ = ["ARMED", "ActorLexicon", "ActorMention", "Actors", "assign_actors", "find_actors"]

EXTRACTOR = "actors.rules"
VERSION = "2"

#: Inter codes of armed actors (state forces, rebels, militias, external forces).
ARMED = frozenset({1, 2, 3, 4, 8})

# Kinds of mention, in the order overlapping mentions are preferred; people
# in crowds rank alike (the longest phrase wins), then in this order.
_RANK = {"named": 0, "state": 1, "identity": 2, "government": 3, "perpetrator": 4}
_CROWD_RANK = {"rioter": 0, "protester": 1, "community": 2, "victim": 3, "site": 4, "contraband": 5}
_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
_WORD = re.compile(r"[\w'’.-]+")
_COORDINATED = re.compile(r"([\w'’.-]+(?: [\w'’.-]+)?)\s*(?:,|and|&|or)\s*$")
_EITHER = re.compile(
    r"\s*(?:or|and/or|/)\s*(?:the\s+)?(?:presumed\s+|suspected\s+)?", re.IGNORECASE
)
_FACILITY = re.compile(
    r"\b(?:camps?|bases?|posts?|checkpoints?|convoys?|vehicles?|barracks|outposts?|hideouts?|"
    r"strongholds?|positions?|stations?)$",
    re.IGNORECASE,
)
_LAST_WORD = re.compile(r"([\w'’.-]+)\s*$")
# A name ends at a word boundary, or before "-planted", "-led", "-backed" …
_END = (
    r"(?:(?![\w-])|(?=-(?:planted|laid|placed|made|claimed|led|backed|linked|affiliated|"
    r"aligned|allied|loyal|controlled|held|run|style|triggered|fired|launched|operated|"
    r"sponsored)\b))"
)
_CACHE_SIZE = 512
_HEDGED = re.compile(r"(?:presumed|suspected|alleged|likely|probably|possibly)\s", re.IGNORECASE)
_OFF_DUTY = re.compile(r"\b(?:off-duty|former|retired|ex-|demobili[sz]ed)\s*$", re.IGNORECASE)
_JOINED = re.compile(r"\s*(?:,|and|&|/|or|and/or|, and)?\s*(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A phrase naming an actor. ``country`` is None when the text does not say.

    ``kind`` is "state", "government", "named", "party", "identity",
    "perpetrator", "victim", "community" (civilians who may act as a group:
    villagers, herders), "site" (a village or market that was attacked),
    "protester" or "rioter". ``role`` is the mention's part in its
    sentence: "doer" (before the action verb), "target" (after it, or before
    a passive verb), "agent" (the "by X" of a passive verb or action noun),
    "attributed" (whom the text says likely did it), "ally" ("with the support of
    X"), "source" ("residents said") or "" when the clause has no verb.
    """

    start: int
    end: int
    text: str
    template: str  # "Military Forces of {country}" or a fixed name
    inter: int
    country: str | None
    kind: str
    agent: bool = False  # introduced by "by …" (the doer in a passive sentence)
    role: str = ""
    sentence: int = -1  # start offset of the mention's sentence
    by_country: Mapping[str, str] | None = None
    mutual: bool = False  # its clause tells of a fight between sides ("clashed", "between")
    facility: bool = False  # a post, camp or convoy: attacked, never attacking
    between: bool = False  # one of the two sides of "between X and Y"

    def name(self, fallback_country: str | None) -> str:
        """The actor's ACLED-style name; without a country, the name without one
        ("Military Forces", "Civilians")."""
        template = self.template
        if self.by_country and fallback_country is not None:
            template = self.by_country.get(fallback_country, template)
        return _fill(template, self.country or fallback_country)


def _fill(template: str, country: str | None) -> str:
    """``template`` with its country, or without it when the country is unknown."""
    if "{country}" not in template:
        return template
    if country is None:
        return _NO_COUNTRY.sub("", template).strip()
    return template.format(country=country)


_NO_COUNTRY = re.compile(r"\s*(?:\(\{country\}\)|\bof \{country\}|\{country\})")


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
class _Named:
    name: str
    inter: int
    country: str | None
    by_country: Mapping[str, str] | None
    kind: str = "named"


@dataclass(frozen=True, slots=True)
class _Generic:
    template: str
    inter: int
    kind: str
    needs_country: re.Pattern[str] | None
    facility: bool = False


@dataclass(frozen=True, slots=True)
class _Default:
    template: str
    inter: int


@dataclass(frozen=True, slots=True)
class _Convention:
    actor1: str
    actor2: str
    actor1_default: str | None
    actor2_default: str | None


# --------------------------------------------------------------- first characters
# The characters a pattern's match can start with gate the one-pass search
# (``_Alternatives``): a tiny reader of the regex syntax the data files use.
_ESC_CLASSES = frozenset("dwsDWS")
_ZERO_WIDTH = frozenset("bBAZ")


class _Unknown(Exception):
    pass


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Lower-case characters a match of ``pattern`` can start with, or None
    when that cannot be told (the pattern may start with any character)."""
    try:
        chars, _, end = _alternation(pattern, 0, False, True)
    except _Unknown:
        return None
    if end != len(pattern):
        return None
    return frozenset(chars)


def _alternation(p: str, i: int, icase: bool, need: bool) -> tuple[set[str], bool, int]:
    chars: set[str] = set()
    nullable = False
    while True:
        c, n, i = _sequence(p, i, icase, need)
        chars |= c
        nullable = nullable or n
        if i < len(p) and p[i] == "|":
            i += 1
            continue
        return chars, nullable, i


def _sequence(p: str, i: int, icase: bool, need: bool) -> tuple[set[str], bool, int]:
    chars: set[str] = set()
    open_ = True  # still collecting: everything so far may be empty
    while i < len(p) and p[i] not in "|)":
        c, n, i = _element(p, i, icase, need and open_)
        # quantifier
        if i < len(p) and p[i] in "?*":
            n = True
            i += 1
        elif i < len(p) and p[i] == "+":
            i += 1
        elif i < len(p) and p[i] == "{":
            j = p.index("}", i)
            lo = p[i + 1 : j].split(",")[0].strip()
            if lo in ("", "0"):
                n = True
            i = j + 1
        if i < len(p) and p[i] in "?+":  # lazy / possessive
            i += 1
        if open_:
            chars |= c
            if not n:
                open_ = False
    return chars, open_, i


def _element(p: str, i: int, icase: bool, need: bool) -> tuple[set[str], bool, int]:
    ch = p[i]
    if ch == "\\":
        nxt = p[i + 1]
        if nxt in _ZERO_WIDTH:
            return set(), True, i + 2
        if nxt in _ESC_CLASSES or nxt.isdigit():
            if need:
                raise _Unknown
            return set(), False, i + 2
        return {nxt.lower()}, False, i + 2
    if ch == "[":
        j = i + 1
        if j < len(p) and p[j] == "^" and need:
            raise _Unknown
        out: set[str] = set()
        first = True
        while j < len(p) and (p[j] != "]" or first):
            first = False
            if p[j] == "\\":
                if p[j + 1] in _ESC_CLASSES and need:
                    raise _Unknown
                out.add(p[j + 1].lower())
                j += 2
                continue
            if j + 2 < len(p) and p[j + 1] == "-" and p[j + 2] != "]":
                lo, hi = ord(p[j]), ord(p[j + 2])
                if hi - lo > 200 and need:
                    raise _Unknown
                out |= {chr(k).lower() for k in range(lo, hi + 1)}
                j += 3
                continue
            out.add(p[j].lower())
            j += 1
        return out, False, j + 1
    if ch == "(":
        if p.startswith("(?", i):
            k = p[i + 2]
            if k in "=!" or p.startswith("(?<=", i) or p.startswith("(?<!", i):
                # look-around: zero width; skip the group
                depth, j = 0, i
                while True:
                    if p[j] == "\\":
                        j += 2
                        continue
                    if p[j] == "(":
                        depth += 1
                    elif p[j] == ")":
                        depth -= 1
                        if depth == 0:
                            return set(), True, j + 1
                    j += 1
            if k == ":":
                start = i + 3
            elif k == "P":
                start = p.index(">", i) + 1
            else:  # inline flags "(?i:" / "(?i)"
                m = re.match(r"\(\?([aiLmsux-]+)(:|\))", p[i:])
                if m is None:
                    raise _Unknown
                if m.group(2) == ")":
                    raise _Unknown
                icase = icase or "i" in m.group(1).split("-")[0]
                start = i + m.end()
        else:
            start = i + 1
        c, n, j = _alternation(p, start, icase, need)
        if j >= len(p) or p[j] != ")":
            raise _Unknown
        return c, n, j + 1
    if ch in ".^$":
        if ch == "." and need:
            raise _Unknown
        return set(), True, i + 1
    return {ch.lower()}, False, i + 1


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern`` ("a|b|c"), or of the one group
    it is made of ("(?:a|b|c)"); else the pattern itself."""
    inner = pattern[3:-1] if pattern.startswith("(?:") and pattern.endswith(")") else None
    for text in ([inner] if inner is not None else []) + [pattern]:
        parts = _depth0_split(text)
        if parts is not None:
            return parts
    return [pattern]


def _depth0_split(pattern: str) -> list[str] | None:
    """``pattern`` cut at its top-level "|", or None when its brackets do not balance."""
    depth, parts, start, i = 0, [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            close = pattern.find("]", i + 2)
            if close < 0:
                return None
            i = close
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth:
        return None
    parts.append(pattern[start:])
    return parts


def _gated(patterns: Sequence[str]) -> str:
    """One alternation of ``patterns`` in which each alternative is tried only
    where the text has a character it can start with."""
    by_char: dict[str, list[str]] = {}
    ungated: list[str] = []
    for pattern in (alt for p in patterns for alt in _split_top(p)):
        chars = _first_chars(pattern)
        if chars:
            for c in chars:
                by_char.setdefault(c, []).append(pattern)
        else:
            ungated.append(pattern)
    gated = [
        f"(?=[{re.escape(c)}{re.escape(c.upper())}])(?:{'|'.join(alts)})"
        for c, alts in sorted(by_char.items())
    ]
    return "|".join([*gated, *ungated]) or "(?!)"


class _Alternatives:
    """Many keyed patterns found in one pass over a text.

    One flat alternation of every pattern, its alternatives gated by the
    characters they can start with, finds where some pattern matches; there
    the patterns of the keys that can start with that character are tried
    and the longest match wins (the earlier key on a tie).
    """

    def __init__(self, keyed: Sequence[tuple[str, Sequence[str]]], *, ignore_case: bool) -> None:
        flags = re.IGNORECASE if ignore_case else 0
        self._keys: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        self._any_char: list[tuple[str, re.Pattern[str]]] = []
        for key, patterns in keyed:
            rx = re.compile(rf"(?:{'|'.join(patterns)}){_END}", flags)
            firsts = [_first_chars(p) for p in patterns]
            if all(firsts):
                for c in frozenset().union(*(f for f in firsts if f)):
                    self._keys.setdefault(c, []).append((key, rx))
            else:
                self._any_char.append((key, rx))
        flat = _gated([p for _, patterns in keyed for p in patterns])
        self._any = re.compile(rf"(?<![\w-])(?:{flat}){_END}", flags)

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, key) of each match, left to right, without overlaps."""
        pos = 0
        while (m := self._any.search(text, pos)) is not None:
            start = m.start()
            best: tuple[int, str] | None = None
            for key, rx in (*self._keys.get(text[start].lower(), ()), *self._any_char):
                km = rx.match(text, start)
                if km is not None and km.end() > start and (best is None or km.end() > best[0]):
                    best = (km.end(), key)
            if best is None:
                pos = max(m.end(), start + 1)
                continue
            yield start, best[0], best[1]
            pos = best[0]


class ActorLexicon:
    """Compiled actor knowledge for one language."""

    def __init__(
        self,
        data: dict[str, Any],
        *,
        demonyms: dict[str, str],
        language: str,
    ) -> None:
        self.language = language
        self.version = str(data.get("version", "1"))
        # Arabic: the lexicon's strings and each sentence are normalised
        # (alef forms, taa marbuta, diacritics) before matching.
        self._arabic = data.get("script") == "arabic"
        if self._arabic:
            data = _fold_strings(data)
            demonyms = {fold_arabic(k): v for k, v in demonyms.items()}
        # --- country words: demonyms, plain country names, aliases --------
        lower: dict[str, str] = {k.lower(): v for k, v in demonyms.items() if k}
        exact: dict[str, str] = {}
        for iso in set(demonyms.values()):
            if "," not in iso and "(" not in iso:
                lower.setdefault(iso.lower(), iso)
        for alias, iso in data.get("country_names", {}).get("names", {}).items():
            if alias.isupper() or "." in alias:
                exact[alias] = iso
            else:
                lower[alias.lower()] = iso
        regions = {k.lower(): v for k, v in data.get("regions", {}).get("names", {}).items()}
        self._countries = lower
        self._countries_exact = exact
        self._regions = regions
        self._country_words = frozenset(
            w.lower().removesuffix("'s")
            for k in [*lower, *exact, *regions]
            for w in _WORD.findall(k)
        ) | {str(d) for d in range(10)}
        self._country_max_words = max(len(k.split()) for k in [*lower, *exact, *regions, "x"])
        self.domestic_abroad = {
            k: frozenset(v)
            for k, v in data.get("domestic_abroad", {}).items()
            if isinstance(v, list)
        }
        self._cache: dict[tuple[int, str], tuple[ActorMention, ...]] = {}
        self._own_marker = re.compile(rf"(?:{data.get('own_markers', '(?!)')})\s+$", re.IGNORECASE)
        self._modifiers = frozenset(data.get("modifiers", "").lower().split("|")) - {"\\d+"}
        self._of_country = re.compile(
            data.get("of_country", r"\s+of\s+(?:the\s+)?") + r"((?:[\w'’.-]+\s*){1,4})",
            re.IGNORECASE,
        )
        # French and Arabic put the demonym after the noun ("l'armée malienne",
        # "الجيش المالي"), maybe after a modifier ("forces armées maliennes").
        after = data.get("demonym_after")
        self._demonym_after = (
            re.compile(
                rf"\s+(?:(?:{after.get('skip', '(?!)')})\s+){{0,2}}(?P<w>[\w'’-]+)", re.IGNORECASE
            )
            if isinstance(after, dict)
            else None
        )
        # --- state forces -------------------------------------------------
        state_parts: list[tuple[str, Sequence[str]]] = []
        self._state: dict[str, _Generic] = {}
        for i, entry in enumerate(data["state_forces"]):
            key = f"s{i}"
            state_parts.append((key, entry["patterns"]))
            needs = entry.get("needs_country")
            self._state[key] = _Generic(
                entry["template"],
                int(entry["inter"]),
                entry.get("kind", "state"),
                re.compile(rf"^(?:the\s+)?(?:{needs})$", re.IGNORECASE) if needs else None,
                bool(entry.get("facility", False)),
            )
        self._state_rx = _Alternatives(state_parts, ignore_case=True)
        # --- named groups ---------------------------------------------------
        named_parts: list[tuple[int, str, Sequence[str]]] = []
        self._named: dict[str, _Named] = {}
        for i, entry in enumerate(data["named"]):
            key = f"n{i}"
            named_parts.append((-int(entry.get("priority", 0)), key, entry["patterns"]))
            self._named[key] = _Named(
                entry["name"],
                int(entry["inter"]),
                entry.get("country"),
                entry.get("by_country"),
                entry.get("kind", "named"),
            )
        named_parts.sort(key=lambda p: p[0])  # stable: file order within a priority
        self._named_rx = _Alternatives([(k, p) for _, k, p in named_parts], ignore_case=False)
        affixes = data.get("named_affixes", {})
        self._named_before = re.compile(affixes.get("before", "(?!)"), re.IGNORECASE)
        self._named_after = re.compile(affixes.get("after", "(?!)"), re.IGNORECASE)
        # --- identity (ethnic and clan) militias ----------------------------
        ident = data.get("identity", {})
        self._ident_template = str(ident.get("template", "{group} Ethnic Militia ({country})"))
        self._ident_inter = int(ident.get("inter", 4))
        self._group_of: dict[str, str] = {}
        alts: list[str] = []
        for group, pattern in ident.get("groups", {}).items():
            alts.append(pattern)
            self._group_of[group] = pattern
        self._group_rx = re.compile(rf"^(?:{'|'.join(alts)})$") if alts else re.compile("(?!)")
        self._group_names = [(g, re.compile(rf"^(?:{p})$")) for g, p in self._group_of.items()]
        grp = "|".join(alts) or "(?!)"
        heads = ident.get("heads", "militias?")
        pairs = ident.get("pairs", "communities")
        self._ident_rx = re.compile(
            rf"(?<![\w-])(?:(?i:ethnic)\s+)?(?P<g1>{grp})"
            rf"(?:\s*(?:,|and|&|or)\s*(?:(?i:ethnic)\s+)?(?P<g2>{grp}))?"
            rf"(?:\s+(?i:ethnic|tribal|clan|communal|community|armed))?"
            rf"\s+(?P<head>(?i:{heads}))(?![\w-])"
            rf"|(?<![\w-])(?i:between)\s+(?:the\s+)?(?:(?i:ethnic)\s+)?(?P<b1>{grp})"
            rf"(?:\s+(?i:{pairs}))?\s+and\s+(?:the\s+)?(?P<b2>{grp})(?:\s+(?i:{pairs}))?(?![\w-])"
            rf"|(?<![\w-])(?i:members)\s+(?i:of|from)\s+(?:the\s+)?(?P<m1>{grp})"
            rf"(?:\s+and\s+(?:the\s+)?(?P<m2>{grp}))?\s+(?i:communit(?:y|ies)|groups?)(?![\w-])"
        )
        self._civilian_heads = re.compile(
            rf"(?:{ident.get('civilian_heads', '(?!)')})$", re.IGNORECASE
        )
        clan = ident.get("clan", {})
        self._clan_template = str(clan.get("template", "{group} {level} Militia ({country})"))
        clan_name = r"[A-Z][\w'’]+(?:(?:[ -]|/)[A-Z][\w'’]+){0,4}"
        self._clan_rx = re.compile(
            rf"(?<![\w-])(?P<name>{clan_name})(?:\s+and\s+(?P<name2>{clan_name}))?\s+"
            r"(?P<level>(?i:sub-clans?|clans?))\s+"
            rf"(?i:{clan.get('heads', 'militias?')})(?![\w-])"
        )
        # --- generic phrases -------------------------------------------------
        gen_parts: list[tuple[str, Sequence[str]]] = []
        self._generic: dict[str, _Generic] = {}
        for i, entry in enumerate(data["generic"]):
            key = f"g{i}"
            gen_parts.append((key, entry["patterns"]))
            self._generic[key] = _Generic(
                entry["template"], int(entry["inter"]), entry["role"], None
            )
        self._generic_rx = _Alternatives(gen_parts, ignore_case=True)
        # --- roles -------------------------------------------------------------
        roles = data.get("roles", {})
        self._verb_rx = re.compile(
            rf"(?<![\w-])(?:{_gated([roles['verbs']])})(?![\w-])", re.IGNORECASE
        )
        self._passive_before = re.compile(roles["passive_before"], re.IGNORECASE)
        self._agent_before = re.compile(roles["agent_before"], re.IGNORECASE)
        self._agent_cue = re.compile(roles["agent_cue"], re.IGNORECASE)
        self._ally_before = re.compile(roles["ally_before"], re.IGNORECASE)
        self._between_rx = re.compile(roles["between"], re.IGNORECASE)
        self._mutual_rx = re.compile(roles["mutual"], re.IGNORECASE)
        self._agent_after = re.compile(roles["agent_after"], re.IGNORECASE)
        self._attributed = re.compile(roles["attributed"], re.IGNORECASE)
        self._undergo_rx = re.compile(roles["undergo"], re.IGNORECASE)
        self._clause_rx = re.compile(roles["clauses"], re.IGNORECASE)
        self._report_rx = re.compile(roles["reporting"], re.IGNORECASE)
        self._according_rx = re.compile(roles["according"], re.IGNORECASE)
        self._by_after = re.compile(
            roles.get("by_after", r"\s+(?:\w+ly\s+)?by\s+(?!\w+ing\b)"), re.IGNORECASE
        )
        self._by_word = re.compile(roles.get("by_word", "by"), re.IGNORECASE)
        # "une attaque des terroristes du JNIM": an action noun naming its doer.
        self._agent_noun = re.compile(roles.get("agent_noun", "(?!)"), re.IGNORECASE)
        # Verb-first clauses (Arabic "هاجم مسلحون قرية"): the mention right
        # after the verb is its subject when an object follows it.
        self._verb_first = bool(roles.get("verb_first", False))
        # State forces after such a verb are its subject when definite or a
        # unit ("الجيش", "دورية"); "قتل جنود" is more often "soldiers were killed".
        self._subject_head = re.compile(roles.get("subject_heads", "(?!)"))
        # --- defaults and conventions -------------------------------------
        self.defaults = {
            k: _Default(v["template"], int(v["inter"]))
            for k, v in data.get("defaults", {}).items()
            if isinstance(v, dict)
        }
        self.country_defaults = {
            country: {
                k: _Default(v["template"], int(v["inter"]))
                for k, v in entries.items()
                if isinstance(v, dict)
            }
            for country, entries in data.get("country_defaults", {}).items()
            if isinstance(entries, dict)
        }
        self.conventions = {
            k: _Convention(
                v["actor1"], v["actor2"], v.get("actor1_default"), v.get("actor2_default")
            )
            for k, v in data.get("conventions", {}).items()
            if isinstance(v, dict)
        }

    def default(self, key: str, country: str | None) -> _Default:
        """The actor coded when the text names none: the country's own
        convention (see ``country_defaults``), else the general one."""
        own = self.country_defaults.get(country or "", {})
        return own.get(key) or self.defaults[key]

    @classmethod
    def load(cls, *, demonyms: dict[str, str], language: str = "en") -> ActorLexicon:
        """The lexicon of ``language``; a file that ``inherit``s another (French and
        Arabic inherit English) gets that file's conventions, defaults and named
        groups (acronyms are written alike), its own entries first."""
        data = load_json(f"actors/{language}.json")
        if data.get("inherit"):
            data = _inherit(data, load_json(f"actors/{data['inherit']}.json"))
        return cls(data, demonyms=demonyms, language=language)

    # ------------------------------------------------------------------ countries
    def country_of(self, word: str) -> str | None:
        """The ISO 3166-1 name a demonym or country name refers to."""
        w = word.strip().removesuffix("'s").removesuffix("’s")
        return self._countries_exact.get(w) or self._countries.get(w.lower())

    def _lookup(self, words: Sequence[str]) -> str | None:
        phrase = " ".join(words)
        found = self.country_of(phrase)
        if found is None:
            found = self._regions.get(phrase.lower().removesuffix("'s"))
        return found

    def _country_before(self, text: str, pos: int) -> tuple[str, int] | None:
        """The country named by the words just before ``pos`` ("the Malian army"),
        and where its name starts."""
        prev = _LAST_WORD.search(text, max(0, pos - 30), pos)
        if prev is None:
            return None
        last = prev.group(1).lower().removesuffix("'s").removesuffix("’s")
        if last not in self._country_words and last not in self._modifiers:
            return None
        base = max(0, pos - 60)
        words = [(m.group(0), m.start()) for m in _WORD.finditer(text, base, pos)]
        skipped = 0
        while words:
            for n in range(min(self._country_max_words, len(words)), 0, -1):
                found = self._lookup([w for w, _ in words[-n:]])
                if found is not None:
                    return found, words[-n][1]
            last = words[-1][0].lower().strip(".")
            if skipped >= 3 or (last not in self._modifiers and not last.isdigit()):
                return None
            words.pop()
            skipped += 1
        return None

    def _country_after(self, text: str, end: int) -> list[tuple[str, int, int]]:
        """The countries of "forces of Azerbaijan", "forces of India and Pakistan",
        with where their names stand."""
        m = self._of_country.match(text, end)
        if m is None:
            return []
        words = [
            (w.group(0), w.start(), w.end()) for w in _WORD.finditer(text, m.start(1), m.end(1))
        ]
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(words):
            for n in range(min(self._country_max_words, len(words) - i), 0, -1):
                found = self._lookup([w for w, _, _ in words[i : i + n]])
                if found is not None:
                    out.append((found, words[i][1], words[i + n - 1][2]))
                    i += n
                    break
            else:
                break
            if i < len(words) and words[i][0].lower() == "and" and len(out) == 1:
                i += 1
                continue
            break
        return out

    def _group_name(self, word: str) -> str:
        for group, rx in self._group_names:
            if rx.match(word):
                return group
        return word

    # ------------------------------------------------------------------ finding
    def find(self, sentence: Sentence) -> list[ActorMention]:
        """The actor mentions of one sentence, with their roles in it.

        The last few hundred sentences' results are kept: the pipeline asks
        for the same sentence more than once (the event's, then the place's).
        """
        key = (sentence.start, sentence.text)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            found = self._find_arabic(sentence) if self._arabic else self._find(sentence)
            cached = self._cache[key] = tuple(found)
        return list(cached)

    def _find_arabic(self, sentence: Sentence) -> list[ActorMention]:
        """Match on the normalised sentence; offsets and text point at the original."""
        normal, offsets = normalise_arabic(sentence.text)
        out = []
        for m in self._find(Sentence(0, len(normal), normal)):
            s, e = offsets[m.start], offsets[m.end - 1] + 1 if m.end > m.start else offsets[m.end]
            out.append(
                replace(
                    m,
                    start=sentence.start + s,
                    end=sentence.start + e,
                    text=sentence.text[s:e],
                    sentence=sentence.start,
                )
            )
        return out

    def _adjective_after(self, text: str, end: int) -> tuple[str, int] | None:
        """The country of a demonym just after a phrase ("les soldats maliens")
        and where it ends."""
        if self._demonym_after is None:
            return None
        m = self._demonym_after.match(text, end)
        if m is None:
            return None
        found = self.country_of(m.group("w"))
        return (found, m.end()) if found is not None else None

    def _find(self, sentence: Sentence) -> list[ActorMention]:
        text = sentence.text
        found: list[ActorMention] = []

        def add(
            s: int,
            e: int,
            template: str,
            inter: int,
            country: str | None,
            kind: str,
            by_country: Mapping[str, str] | None = None,
            facility: bool = False,
        ) -> None:
            found.append(
                ActorMention(
                    start=sentence.start + s,
                    end=sentence.start + e,
                    text=text[s:e],
                    template=template,
                    inter=inter,
                    country=country,
                    kind=kind,
                    sentence=sentence.start,
                    by_country=by_country,
                    facility=facility,
                )
            )

        for start, end, key in self._named_rx.finditer(text):
            entry = self._named[key]
            head = self._named_before.search(text, max(0, start - 40), start)
            if head is not None:
                start = head.start()
            tail = self._named_after.match(text, end)
            if tail is not None:
                end = tail.end()
            kind = "state" if entry.country else entry.kind
            facility = _FACILITY.search(text, start, end) is not None
            add(
                start, end, entry.name, entry.inter, entry.country, kind, entry.by_country, facility
            )
        for start, end, key in self._state_rx.finditer(text):
            rule = self._state[key]
            phrase = text[start:end]
            before = self._country_before(text, start)
            after = [] if before else self._country_after(text, end)
            country = before[0] if before else after[0][0] if after else None
            if country is None and (adj := self._adjective_after(text, end)) is not None:
                country, end = adj
            if (
                country is None
                and rule.needs_country
                and rule.needs_country.match(phrase)
                and not self._own_marker.search(text, max(0, start - 30), start)
            ):
                continue
            if before is not None:
                start = before[1]
                # "Russian and Ukrainian forces": two sides, one noun.
                other = _COORDINATED.search(text, max(0, start - 40), start)
                if other is not None:
                    ws = [(w.group(0), w.start()) for w in _WORD.finditer(text, *other.span(1))]
                    for n in (1, 2)[: len(ws)]:
                        paired = self._lookup([w for w, _ in ws[-n:]])
                        if paired is not None:
                            if paired != country:
                                add(
                                    ws[-n][1],
                                    other.end(1),
                                    rule.template,
                                    rule.inter,
                                    paired,
                                    rule.kind,
                                )
                            break
            if len(after) > 1:
                # "military forces of India and Pakistan"
                end = after[0][2]
                second, s2, e2 = after[1]
                add(start, end, rule.template, rule.inter, country, rule.kind)
                add(s2, e2, rule.template, rule.inter, second, rule.kind)
                continue
            if rule.kind == "state" and _OFF_DUTY.search(text, max(0, start - 25), start):
                # "an off-duty customs officer", "a former soldier": a civilian
                add(start, end, self.defaults["civilians"].template, 7, None, "victim")
                continue
            add(start, end, rule.template, rule.inter, country, rule.kind, None, rule.facility)
        for m in self._ident_rx.finditer(text):
            for a, b in (("g1", "g2"), ("b1", "b2"), ("m1", "m2")):
                g1 = m.group(a)
                if g1 is None:
                    continue
                g2 = m.group(b)
                first_end = m.end() if g2 is None else m.end(a)
                first_start = m.start() if a == "m1" else m.start(a)
                head_word = m.group("head") if a == "g1" else None
                civil = a == "m1" or (
                    head_word is not None and self._civilian_heads.match(head_word) is not None
                )
                for grp, s, e in ((g1, first_start, first_end), (g2, m.start(b), m.end())):
                    if grp is None:
                        continue
                    name = self._ident_template.replace("{group}", self._group_name(grp))
                    if civil:  # civilians of that group, unless they turn out to fight
                        add(s, e, name, 7, None, "community")
                    else:
                        add(s, e, name, self._ident_inter, None, "identity")
                break
        for m in self._clan_rx.finditer(text):
            level = "Sub-Clan" if m.group("level").lower().startswith("sub") else "Clan"
            for key, s, e in (
                ("name", m.start(), m.end() if m.group("name2") is None else m.end("name")),
                ("name2", m.start("name2"), m.end()),
            ):
                if m.group(key) is None:
                    continue
                name = self._clan_template.replace("{group}", m.group(key))
                add(s, e, name.replace("{level}", level), self._ident_inter, None, "identity")
        for start, end, key in self._generic_rx.finditer(text):
            rule = self._generic[key]
            before = self._country_before(text, start)
            country, first = before if before else (None, start)
            if country is None and (adj := self._adjective_after(text, end)) is not None:
                country, end = adj
            add(first, end, rule.template, rule.inter, country, rule.kind)
        kept = _drop_overlaps(found)
        if not self._verb_first:  # verb, subject, object: side by side, yet two actors
            kept = _merge_appositions(text, sentence.start, kept)
        kept = _merge_alternatives(text, sentence.start, kept)
        return self._roles(text, sentence.start, kept)

    def _roles(self, text: str, offset: int, mentions: list[ActorMention]) -> list[ActorMention]:
        """Mark each mention as doer, target, agent or ally of its clause's action."""
        if not mentions:
            return mentions
        spans = [(m.start - offset, m.end - offset) for m in mentions]
        cuts = [0]
        for c in self._clause_rx.finditer(text):
            if not any(s <= c.start() < e for s, e in spans):
                cuts.append(c.start())
        cuts.append(len(text) + 1)
        out: list[ActorMention] = []
        i = 0
        for lo, hi in pairwise(cuts):
            group: list[tuple[ActorMention, int, int]] = []
            while i < len(mentions) and spans[i][0] < hi:
                group.append((mentions[i], *spans[i]))
                i += 1
            if group:
                out.extend(self._clause_roles(text, lo, hi, group, spans))
        return out

    def _clause_roles(
        self,
        text: str,
        lo: int,
        hi: int,
        group: list[tuple[ActorMention, int, int]],
        spans: list[tuple[int, int]],
    ) -> list[ActorMention]:
        verb = None
        for v in self._verb_rx.finditer(text, lo, min(hi, len(text))):
            if not any(s <= v.start() < e for s, e in spans):
                verb = v
                break
        between = self._between_rx.search(text, lo, min(hi, len(text)))
        mutual = self._mutual_rx.search(text, lo, min(hi, len(text))) is not None
        passive = False
        if verb is not None and self._undergo_rx.match(text, verb.start()):
            passive = True  # "the army truck struck an IED": the truck underwent it
        elif verb is not None:
            passive = bool(
                self._passive_before.search(text, max(lo, verb.start() - 40), verb.start())
            ) or bool(self._by_after.match(text, verb.end()))
        out: list[ActorMention] = []
        pair = 0
        prev_end = -1
        for m, s, e in group:
            gap = text[prev_end:s] if prev_end >= 0 else None
            joined = gap is not None and _JOINED.fullmatch(gap) is not None
            if joined and self._verb_first:
                # Side by side is subject and object; "و" (attached) or "،" joins.
                joined = gap is not None and (gap.strip() in {"،", ",", "/"} or m.text[:1] == "و")
            in_between = (
                between is not None
                and s > between.start()
                and (verb is None or between.start() < verb.start() or s > verb.end())
            )
            by = self._agent_before.search(text, max(0, s - 60), s)
            if m.facility:
                role = "target"  # "the gendarmerie post was attacked"
            elif m.kind == "named" and (
                self._attributed.search(text, max(0, s - 40), s)
                or (_HEDGED.match(m.text) and text[:s].rstrip().endswith("("))
            ):
                role = "attributed"  # "gunmen (likely Al Shabaab)", "coded as Kashmir Rebels"
            elif self._report_rx.match(text, e) or self._according_rx.search(
                text, max(0, s - 60), s
            ):
                role = "source"  # "residents said", "according to the police"
            elif in_between and pair < 2 and not (joined and gap is not None and "/" in gap):
                role = "doer" if pair == 0 else "target"
                pair += 1
                m = replace(m, between=True)
            elif self._ally_before.search(text, max(0, s - 45), s) and not joined:
                role = "ally"
            elif (
                (
                    by is not None
                    and (
                        # "killed during clashes with X": X did it, when the clause is passive
                        passive
                        if not self._by_word.match(text, by.start())
                        else self._agent_cue.search(text, max(0, by.start() - 60), by.start())
                    )
                )
                or self._agent_after.match(text, e)
                or self._agent_noun.search(text, max(0, s - 60), s)
            ):
                role = "agent"
            elif joined and out:
                # "X and Y", "X/Y": Y stands with X (a target with targets).
                role = "target" if out[-1].role == "target" else "ally"
            elif verb is None:
                role = ""
            elif s < verb.start():
                role = "target" if passive else "doer"
            elif (
                self._verb_first
                and not passive
                and not any(r.role == "doer" for r in out)
                and len(_WORD.findall(text, verb.end(), s)) <= 3
                and (
                    m.kind in _GENERIC_DOERS
                    or m.kind == "named"
                    or (m.kind == "state" and self._subject_head.match(m.text) is not None)
                )
            ):
                role = "doer"  # "هاجم مسلحون قرية": verb, subject, object
            else:
                role = "target"
            prev_end = e
            out.append(replace(m, role=role, agent=role == "agent", mutual=mutual))
        return out


def _fold_strings(data: Any) -> Any:
    """``data`` with every string (keys too) Arabic-normalised."""
    if isinstance(data, str):
        return fold_arabic(data)
    if isinstance(data, list):
        return [_fold_strings(v) for v in data]
    if isinstance(data, dict):
        return {fold_arabic(k): _fold_strings(v) for k, v in data.items()}
    return data


def _inherit(data: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """A language file over the file it inherits: its own sections replace the
    base's, except named groups and country names, which it extends."""
    out = {**base, **data}
    out["named"] = [*data.get("named", []), *base.get("named", [])]
    names = {**base.get("country_names", {}).get("names", {})}
    names.update(data.get("country_names", {}).get("names", {}))
    out["country_names"] = {"names": names}
    out["regions"] = {
        "names": {
            **base.get("regions", {}).get("names", {}),
            **data.get("regions", {}).get("names", {}),
        }
    }
    for key in ("defaults", "conventions"):
        out[key] = {**base.get(key, {}), **data.get(key, {})}
    return out


def _drop_overlaps(mentions: list[ActorMention]) -> list[ActorMention]:
    """Prefer named groups, then state forces, then the longest phrase, where mentions overlap."""
    mentions.sort(
        key=lambda m: (
            _RANK.get(m.kind, 5),
            -(m.end - m.start),
            _CROWD_RANK.get(m.kind, 0),
            m.start,
        )
    )
    kept: list[ActorMention] = []
    for m in mentions:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


def _merge_appositions(text: str, offset: int, mentions: list[ActorMention]) -> list[ActorMention]:
    """ "AUSSOM UPDF troops", "SNA Danab forces": two names of one actor side by
    side are one mention, the first (the larger body) naming it."""
    out: list[ActorMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind in {"named", "state"}
            and m.kind in {"named", "state"}
            and not text[prev.end - offset : m.start - offset].strip()
        ):
            out[-1] = replace(prev, end=m.end, text=text[prev.start - offset : m.end - offset])
            continue
        out.append(m)
    return out


def _merge_alternatives(text: str, offset: int, mentions: list[ActorMention]) -> list[ActorMention]:
    """ "JNIM or ISGS militants": one actor that is one group or the other, which
    ACLED names "A and/or B"."""
    out: list[ActorMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == m.kind == "named"
            and prev.inter == m.inter
            and _EITHER.fullmatch(text, prev.end - offset, m.start - offset)
            and " and/or " not in m.template
        ):
            out[-1] = replace(
                prev,
                end=m.end,
                text=text[prev.start - offset : m.end - offset],
                template=f"{prev.template} and/or {m.template}",
                by_country=None,
            )
            continue
        out.append(m)
    return out


def find_actors(sentences: Iterable[Sentence], *, lexicon: ActorLexicon) -> list[ActorMention]:
    out: list[ActorMention] = []
    for s in sentences:
        out.extend(lexicon.find(s))
    return out


# ---------------------------------------------------------------------- assigning
_VICTIMS = frozenset({"victim", "community"})
_CROWDS = frozenset({"victim", "community", "protester", "rioter", "site", "contraband"})
_DOER_RANK = {"attributed": 0, "agent": 0, "doer": 1, "": 2, "ally": 3, "target": 4}
_DOERS = frozenset({"attributed", "agent", "doer", ""})
_GENERIC_DOERS = frozenset({"perpetrator"})


def _is_armed(m: ActorMention) -> bool:
    return m.inter in ARMED and m.kind not in _CROWDS


def _is_party(m: ActorMention) -> bool:
    """An armed actor, or civilians who took part in communal violence."""
    return _is_armed(m) or (m.kind in {"community", "rioter"} and _role(m) in {"doer", "ally", ""})


def _role(m: ActorMention) -> str:
    # The pipeline clears ``agent`` where "by X" does not follow an event cue.
    if m.role == "agent" and not m.agent:
        return ""
    return m.role


def _by_sentence(mentions: Sequence[ActorMention]) -> list[list[ActorMention]]:
    groups: dict[int, list[ActorMention]] = {}
    for m in mentions:
        groups.setdefault(m.sentence, []).append(m)
    return list(groups.values())


def _pick_doer(
    mentions: Sequence[ActorMention],
    *,
    prefer_state: bool = False,
    communal: _Default | None = None,
) -> ActorMention | None:
    """The armed actor who acted: in the first sentence that names one, the
    passive agent, else the doer before the verb, else one in a verbless sentence.

    With ``communal``, civilians who did the violence ("farmers attacked a
    Fulani camp") count too, as a communal militia.
    """
    cands = [m for m in mentions if _is_armed(m) and m.kind != "government"]
    if prefer_state:
        # Arrests and seizures: the forces who made them. Whoever a "by"
        # names ("an IED planted by JNIM") is whom they were made against.
        state = [
            m
            for m in cands
            if m.kind == "state" and _role(m) not in {"target", "agent", "attributed"}
        ]
        state = state or [m for m in cands if m.kind == "state" and _role(m) != "target"]
        state = state or [m for m in cands if _role(m) == "doer"]
        if state:
            return state[0]
    if communal is not None:
        cands = [
            m
            if _is_armed(m)
            else replace(
                m, template=_communal_name(m, communal), inter=communal.inter, kind="communal"
            )
            for m in mentions
            if (_is_armed(m) and m.kind != "government")
            or (m.kind in {"community", "rioter"} and _role(m) in {"doer", "agent"})
        ]
    for group in _by_sentence(cands):
        ranked = sorted(
            (m for m in group if _role(m) in _DOERS),
            key=_doer_rank,
        )
        if ranked:
            if ranked[0].kind == "perpetrator":
                # "Gunmen attacked …. JNIM claimed the attack": the named claimant.
                named = [
                    m for m in cands if m.kind == "named" and _role(m) in {"agent", "attributed"}
                ]
                if named:
                    return named[0]
            return ranked[0]
    return None


def _doer_rank(m: ActorMention) -> tuple[int, int]:
    """Named and state doers first, then generic ones ("gunmen"), then actors in
    clauses without an action; within each, the passive agent before the subject."""
    role = _role(m)
    tier = 2 * (role == "") + (_specific(m) > 0)
    return tier, _DOER_RANK[role]


def _communal_name(m: ActorMention, communal: _Default) -> str:
    """Civilians who fight: their ethnic militia when the text names the group."""
    return m.template if "Militia" in m.template else communal.template


def _specific(m: ActorMention) -> int:
    """Named and state actors before generic phrases ("gunmen") of the same rank,
    and those before civilians turned attackers."""
    return 2 if m.kind == "communal" else 1 if m.kind in _GENERIC_DOERS else 0


def _same_span(m: ActorMention, other: ActorMention | None) -> bool:
    """The same phrase (``other`` may be a re-typed copy of ``m``)."""
    return other is not None and m.start == other.start and m.end == other.end


def _same_side(m: ActorMention, a1: ActorMention, country: str | None) -> bool:
    if m.name(country) == a1.name(country):
        return True
    # "Taliban militants attacked …, killing 2 militants": the same group again.
    return m.kind == "perpetrator" and a1.kind in {"named", "identity"}


def _pick_other(
    mentions: Sequence[ActorMention],
    a1: ActorMention | None,
    country: str | None,
    *,
    accept: Callable[[ActorMention], bool],
) -> ActorMention | None:
    """The first acceptable mention on the other side: targets first."""
    cands = [m for m in mentions if not _same_span(m, a1) and accept(m) and m.role != "source"]
    if a1 is not None:
        cands = [m for m in cands if not _same_side(m, a1, country)]
    ordered = sorted(
        enumerate(cands),
        key=lambda im: (
            0 if _role(im[1]) == "target" else 1 if _role(im[1]) in _DOERS else 2,
            _specific(im[1]),
            im[0],
        ),
    )
    return ordered[0][1] if ordered else None


def assign_actors(
    mentions: Sequence[ActorMention],
    *,
    event_type: str,
    sub_event_type: str,
    event_country: str | None,
    lexicon: ActorLexicon,
    default_country: Callable[[], str | None] | None = None,
    context: Sequence[ActorMention] = (),
) -> Actors:
    """Pick actor1 (the doer) and actor2 (the target) for one event.

    ``mentions`` come ordered with the sentence of the deciding cue first.
    Who counts follows ACLED's conventions for the sub-event type (see the
    data file); unknown doers of violence are "Unidentified Armed Group".

    ``context`` holds the mentions of the event's other sentences: a group
    that claimed the act ("JNIM claimed responsibility") names a doer the
    event's sentences leave unknown, and the forces who faced a riot
    ("Police intervened") may stand in a later sentence.
    """
    country = event_country or (default_country() if default_country else None)
    conv = lexicon.conventions.get(sub_event_type) or _type_convention(event_type, lexicon)
    a1: ActorMention | None = None
    a2: ActorMention | None = None
    name1 = name2 = None
    inter1 = inter2 = None
    c1 = c2 = None

    def crowd(*kinds: str) -> ActorMention | None:
        return next((m for m in mentions if m.kind in kinds), None)

    # ---- actor1
    if conv.actor1 == "protesters":
        a1 = crowd("protester", "rioter", "community", "victim")
        d = lexicon.defaults["protesters"]
        name1, inter1, c1 = _fill(d.template, country), d.inter, country
    elif conv.actor1 == "rioters":
        a1 = crowd("rioter", "protester", "community", "victim")
        d = lexicon.defaults["rioters"]
        c = (a1.country if a1 is not None and a1.kind == "rioter" else None) or country
        name1, inter1, c1 = _fill(d.template, c), d.inter, c
    else:
        a1 = _pick_doer(
            mentions,
            prefer_state=conv.actor1 == "state",
            communal=lexicon.defaults.get("communal")
            if event_type in {"Battles", "Violence against civilians"}
            or sub_event_type == "Looting/property destruction"
            else None,
        )
        if a1 is None and conv.actor1 == "any":
            # "Al Shabaab were deployed", "the governor declared a curfew",
            # "refugees returned": whoever the development is about.
            a1 = next((m for m in mentions if _is_armed(m) and _role(m) != "source"), None)
            if a1 is None:
                a1 = next((m for m in mentions if m.kind in _VICTIMS), None)
                if a1 is not None:
                    d = lexicon.defaults["civilians"]
                    a1 = replace(a1, template=d.template, inter=d.inter)
        if (a1 is None or a1.kind in _GENERIC_DOERS) and conv.actor1 == "doer":
            a1 = _claimant(context, mentions) or a1
        if a1 is None and event_type == "Strategic developments":
            a1 = next((m for m in mentions if m.kind == "government"), None)
        if a1 is not None:
            name1 = a1.name(country)
            inter1 = _inter(a1, country, lexicon)
            c1 = _country(a1, country)
    if name1 is None and conv.actor1_default == "unidentified_military":
        # An air strike nobody is said to have made: the air force the
        # article names ("the Malian army said it struck …").
        a1 = next(
            (
                m
                for m in (*mentions, *context)
                if m.kind == "state"
                and not m.facility
                and m.template.startswith("Military")
                and _role(m) not in {"target", "ally"}
            ),
            None,
        )
        if a1 is not None:
            name1, inter1, c1 = (
                a1.name(country),
                _inter(a1, country, lexicon),
                _country(a1, country),
            )
    if name1 is None and conv.actor1_default:
        d = lexicon.default(conv.actor1_default, country)
        name1, inter1 = _fill(d.template, country), d.inter
        c1 = None if "{country}" not in d.template else country

    # ---- actor2
    policy = conv.actor2
    fought = False  # actor2 is an armed side though the convention expects civilians
    if policy == "civilians":
        a2 = _victim(mentions, a1)
        if (
            (a2 is None or _role(a2) != "target")
            and sub_event_type == "Attack"
            and a1 is not None
            and _is_armed(a1)
        ):
            # No civilian underwent it, yet an armed side did ("police killed
            # three suspected gunmen"): a fight, which the pipeline re-types.
            armed = _pick_other(
                mentions, a1, country, accept=lambda m: _is_armed(m) and _role(m) == "target"
            )
            fought = armed is not None
            a2 = armed or a2
    elif policy == "state":
        a2 = next((m for m in mentions if m.kind == "state" and not _same_span(m, a1)), None)
        if a2 is None:
            a2 = next(
                (
                    m
                    for m in context
                    if m.kind == "state" and not m.facility and _role(m) not in {"source", "ally"}
                ),
                None,
            )
    elif policy == "riot":
        # Whom the crowd fell upon, in order: police, passers-by, a rival group.
        crowds = [m for m in mentions if m.kind in _CROWDS or m.kind == "party"]
        a2 = next(
            (
                m
                for m in mentions
                if _role(m) == "target"
                and m is not (crowds[0] if crowds else None)
                and m.kind in {"state", "named", "identity", "perpetrator", *_VICTIMS}
            ),
            None,
        )
        if a2 is not None and a2.mutual and a2.kind in _VICTIMS:
            a2 = replace(a2, kind="rioter")  # "villagers clashed with residents of …"
        if a2 is None and crowds and crowds[0].mutual:
            # A fight between two crowds: the other side are rioters too.
            a2 = replace(crowds[-1], kind="rioter")
        if a2 is None:
            a2 = next((m for m in mentions if m.kind == "state" and m.mutual), None)
    elif policy == "opponent":
        a2 = _pick_other(mentions, a1, country, accept=_is_armed)
        if a2 is None and a1 is not None and a1.kind in {"communal", "identity"}:
            # Two communities fought: the other side is a communal militia too.
            other = _pick_other(mentions, a1, country, accept=_is_party)
            communal = lexicon.defaults.get("communal")
            if other is not None and communal is not None and not _is_armed(other):
                a2 = replace(
                    other,
                    template=_communal_name(other, communal),
                    inter=communal.inter,
                    kind="communal",
                )
        if (
            a2 is None
            and a1 is not None
            and a1.mutual
            and a1.kind in {"perpetrator", "identity", "communal"}
            and (a1.between or _victim(mentions, a1, targets_only=True) is None)
        ):
            # "clashes between two unknown armed groups", "inter-clan clashes":
            # both sides are alike, and ACLED names each.
            a2 = a1
        if a2 is None and event_type in _VIOLENT:
            # No armed opponent: the violence fell on civilians (the pipeline
            # then codes an Attack), or on a village, a market, a mosque.
            a2 = _victim(mentions, a1, targets_only=True) or next(
                (m for m in mentions if m.kind == "site" and _role(m) == "target"), None
            )
    elif policy == "target":
        a2 = _pick_other(
            mentions,
            a1,
            country,
            accept=lambda m: _is_armed(m) and _role(m) == "target",
        )
        if a2 is None and a1 is not None and a1.kind == "state":
            # "police seized a ton of cocaine": the gang that owned it.
            a2 = next((m for m in mentions if m.kind == "contraband"), None)
        if a2 is None and (a1 is None or a1.inter != 7):
            # Civilians who underwent it; never civilians against civilians.
            a2 = _victim(mentions, a1, targets_only=True) or (
                _victim(context, a1, targets_only=True) if event_type in _VIOLENT else None
            )
    elif policy == "arrested":
        # Members of a group, soldiers, "suspected militants"; else civilians.
        a2 = _pick_other(
            mentions,
            a1,
            country,
            accept=lambda m: (
                m.kind in {"named", "identity", "state", "perpetrator"} and _role(m) == "target"
            ),
        )
    if a2 is not None:
        if a2.kind in {"rioter", "protester"} and policy == "riot":
            d = lexicon.defaults["rioters"]
            c = a2.country or country
            name2 = _fill(d.template, c)
            inter2, c2 = d.inter, c
        elif a2.kind in {*_VICTIMS, "site"} or (
            a2.kind in {"identity", "perpetrator"}
            and policy in {"civilians", "riot", "arrested"}
            and not fought
        ):
            # Civilians, of the victims' nationality when the text gives it.
            d = lexicon.defaults["civilians"]
            c = (a2.country if a2.kind in _VICTIMS else None) or country
            name2 = _fill(d.template, c)
            inter2, c2 = d.inter, c
        else:
            name2 = a2.name(country)
            inter2 = _inter(a2, country, lexicon)
            c2 = _country(a2, country)
    if name2 is None and conv.actor2_default and policy != "none":
        key = conv.actor2_default
        own = lexicon.country_defaults.get(country or "", {})
        if inter1 == 1 and f"{key}_against_state" in own:
            key = f"{key}_against_state"
        d = lexicon.default(key, country)
        name2, inter2 = _fill(d.template, country), d.inter
        c2 = None if "{country}" not in d.template else country
    if (
        policy == "opponent"
        and a1 is not None
        and a2 is not None
        and a1.between
        and a2.between
        and a1.kind != "state"
        and a2.kind == "state"
        and not a2.facility
        and inter2 == 1
    ):
        # "clashes between militants and soldiers": in a fight of equals ACLED
        # names the state forces first.
        a1, a2 = a2, a1
        name1, inter1, c1, name2, inter2, c2 = name2, inter2, c2, name1, inter1, c1
    return Actors(
        actor1=name1,
        inter1=inter1 if name1 else None,
        actor1_country=c1 if name1 else None,
        actor2=name2,
        inter2=inter2 if name2 else None,
        actor2_country=c2 if name2 else None,
        evidence1=a1 if a1 is not None and name1 else None,
        evidence2=a2 if a2 is not None and name2 else None,
    )


def _claimant(
    context: Sequence[ActorMention], mentions: Sequence[ActorMention]
) -> ActorMention | None:
    """A named group that the event's other sentences say did it or claimed it."""
    own = {(m.start, m.end) for m in mentions}
    return next(
        (
            m
            for m in context
            if m.kind == "named"
            and m.inter in ARMED
            and m.role in {"agent", "attributed"}
            and (m.start, m.end) not in own
        ),
        None,
    )


def _type_convention(event_type: str, lexicon: ActorLexicon) -> _Convention:
    """The convention of an event type's most common sub-event type."""
    fallback = {
        "Protests": "Peaceful protest",
        "Riots": "Violent demonstration",
        "Battles": "Armed clash",
        "Explosions/Remote violence": "Shelling/artillery/missile attack",
        "Violence against civilians": "Attack",
        "Strategic developments": "Other",
    }.get(event_type, "Other")
    return lexicon.conventions.get(fallback) or _Convention("doer", "none", None, None)


def _victim(
    mentions: Sequence[ActorMention], a1: ActorMention | None, *, targets_only: bool = False
) -> ActorMention | None:
    """The civilians who underwent the violence (targets first)."""
    victims = [m for m in mentions if m.kind in _VICTIMS and not _same_span(m, a1)]
    if targets_only:
        victims = [m for m in victims if _role(m) in {"target", ""}]
    victims.sort(key=lambda m: 0 if _role(m) == "target" else 1)
    return victims[0] if victims else None


def _country(m: ActorMention | None, fallback: str | None) -> str | None:
    if m is None:
        return fallback
    if m.country:
        return m.country
    if "{country}" in m.template or m.kind in {"state", "government"}:
        return fallback
    return None


def _inter(m: ActorMention, event_country: str | None, lexicon: ActorLexicon) -> int:
    """State forces acting outside their own country are External/Other forces."""
    if (
        m.kind in {"state", "government"}
        and m.inter == 1
        and m.country
        and event_country
        and m.country != event_country
        and event_country not in lexicon.domestic_abroad.get(m.country, ())
    ):
        return 8
    return m.inter
