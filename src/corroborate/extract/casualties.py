"""Casualty figures from raw text: "at least two ... were killed", "killing 4", "4 dead".

:func:`find_casualties` finds every phrase that reports people killed or
injured, with its number (or ``None`` when the text gives none: "others were
injured", "casualties unknown"), its qualifier ("at least", "another") and
whether the victims are described as civilians. :func:`combine` turns the
mentions of one kind into :class:`~corroborate.model.Figures` following
ACLED's conservative rule (``best`` is the lowest credible figure) while
keeping UCDP's ``low`` / ``high``, with one :class:`~corroborate.model.Evidence`
per mention used.

All words (verbs, nouns, victim groups, qualifiers, number words) come from
``data/casualties/<language>.json`` and ``data/numbers/<language>.json``,
loaded once into a :class:`CasualtyLexicon`. The extractor works on the raw
text with regular expressions built from those lists: each casualty word is
a trigger, and its victims are read after it ("killed five people"), before
it ("five people were killed", "5 dead") or after a toll ("the death toll
rose to 7").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from corroborate.extract.numbers import NumberWords
from corroborate.extract.resources import load_json
from corroborate.extract.text import split_sentences
from corroborate.model import Evidence, Figures

__all__ = [
    "EXTRACTOR",
    "VERSION",
    "CasualtyLexicon",
    "CasualtyMention",
    "Kind",
    "Qualifier",
    "combine",
    "find_casualties",
]

EXTRACTOR = "casualties.rules"
VERSION = "1"

Kind = Literal["killed", "injured"]
Qualifier = Literal["exact", "at_least", "up_to", "about", "additional"]
_KINDS: tuple[Kind, ...] = ("killed", "injured")
_QUALIFIERS: frozenset[str] = frozenset({"exact", "at_least", "up_to", "about", "additional"})
_ROLES = ("active", "split_active", "passive", "intransitive", "nouns", "tolls")

_WS = re.compile(r"\s+")
# Where a clause ends for the purpose of looking back for a subject.
_CLAUSE_END = re.compile(r"[.!?;:\n]\s|[;\n]|[\[\]]")


@dataclass(frozen=True, slots=True)
class CasualtyMention:
    """One phrase reporting people killed or injured.

    ``low`` / ``high`` are the figures as written: "at least 2" gives
    ``low=2, high=None``, "up to 5" ``low=None, high=5``, "between 3 and 5"
    ``3, 5``, "no casualties" ``0, 0``; both are None when the text gives no
    number ("others were injured", "casualties unknown").

    ``aggregate`` marks a figure in a sentence about a pattern over time
    ("has repeatedly bombed ... claiming the lives of dozens"); ``definitive``
    a toll that supersedes earlier figures ("the death toll rose to 7").
    """

    start: int
    end: int
    text: str
    kind: Kind
    low: int | None
    high: int | None
    qualifier: Qualifier = "exact"
    civilian: bool | None = None
    side: str | None = None
    aggregate: bool = False
    definitive: bool = False

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "civilian": self.civilian,
            "side": self.side,
            "aggregate": self.aggregate,
            "definitive": self.definitive,
        }


# --------------------------------------------------------------------------- lexicon


def _norm(text: str) -> str:
    return _WS.sub(" ", text.strip().lower()).replace("’", "'")


def _alt(phrases: Iterable[str]) -> str:
    """Alternation of literal phrases, longest first; a space matches any white space."""
    items = sorted({_norm(p) for p in phrases if p and p.strip()}, key=lambda p: (-len(p), p))
    if not items:
        return "(?!)"
    return "(?:" + "|".join(r"\s+".join(re.escape(w) for w in p.split(" ")) for p in items) + ")"


def _bounded(phrases: Iterable[str]) -> str:
    """An alternation that must stand as whole words."""
    return rf"(?<![\w'’-]){_alt(phrases)}(?![\w'’-])"


@dataclass(frozen=True, slots=True)
class _Victim:
    group: str
    singular: bool


@dataclass(frozen=True, slots=True)
class CasualtyLexicon:
    """Compiled casualty patterns of one language (build once, share freely)."""

    language: str
    version: str
    numbers: NumberWords
    roles: dict[str, tuple[tuple[Kind, str], ...]] = field(hash=False, repr=False)
    combined: dict[str, frozenset[str]] = field(hash=False, repr=False)
    qualifiers: dict[str, str] = field(hash=False, repr=False)
    post_qualifiers: dict[str, str] = field(hash=False, repr=False)
    victims: dict[str, _Victim] = field(hash=False, repr=False)
    zero_kinds: dict[str, tuple[Kind, ...]] = field(hash=False, repr=False)
    unknown_kinds: dict[str, tuple[Kind, ...]] = field(hash=False, repr=False)
    civilian_group: str = "civilians"
    neutral_group: str = "neutral"
    _re: dict[str, re.Pattern[str]] = field(hash=False, repr=False, compare=False, default_factory=dict)

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, language: str = "en") -> CasualtyLexicon:
        """Read ``data/casualties/<language>.json`` and its number words."""
        data = load_json(f"casualties/{language}.json")
        numbers = NumberWords.load(str(data.get("numbers", language)))
        return cls.from_dict(data, numbers=numbers)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, numbers: NumberWords) -> CasualtyLexicon:
        roles: dict[str, list[tuple[Kind, str]]] = {}
        split_tails: dict[str, set[str]] = {}
        kinds = data.get("kinds", {})
        for kind in _KINDS:
            spec = kinds.get(kind, {})
            for role in _ROLES:
                for item in spec.get(role, []):
                    if role == "split_active":
                        head, tail = _norm(item[0]), _norm(item[1])
                        roles.setdefault(head, []).append((kind, role))
                        split_tails.setdefault(head, set()).add(tail)
                    else:
                        roles.setdefault(_norm(item), []).append((kind, role))
        combined_sets: dict[str, set[str]] = {}
        for role, items in data.get("combined", {}).items():
            for item in items:
                combined_sets.setdefault(_norm(item), set()).add(str(role))
                roles.setdefault(_norm(item), [])
        combined = {k: frozenset(v) for k, v in combined_sets.items()}
        frozen_roles = {k: tuple(dict.fromkeys(v)) for k, v in roles.items()}

        victims: dict[str, _Victim] = {}
        for group, entries in data.get("victims", {}).items():
            for entry in entries:
                sing, _, plur = str(entry).partition("|")
                if sing.strip():
                    victims.setdefault(_norm(sing), _Victim(group, True))
                if plur.strip():
                    key = _norm(plur)
                    if key not in victims or victims[key].singular:
                        victims[key] = _Victim(group, False)
        qualifiers = {_norm(k): str(v) for k, v in data.get("qualifiers", {}).items()}
        post_q = {_norm(k): str(v) for k, v in data.get("post_qualifiers", {}).items()}
        zero = data.get("zero", {})
        zero_kinds: dict[str, tuple[Kind, ...]] = {}
        for section in ("nouns", "verbs"):
            for k, v in zero.get(section, {}).items():
                zero_kinds[_norm(k)] = tuple(x for x in v if x in _KINDS)
        unknown = data.get("unknown", {})
        unknown_kinds = {
            _norm(k): tuple(x for x in v if x in _KINDS)
            for k, v in unknown.get("nouns", {}).items()
        }
        lex = cls(
            language=str(data.get("language", "")),
            version=str(data.get("version", "1")),
            numbers=numbers,
            roles=frozen_roles,
            combined=combined,
            qualifiers=qualifiers,
            post_qualifiers=post_q,
            victims=victims,
            zero_kinds=zero_kinds,
            unknown_kinds=unknown_kinds,
            civilian_group=str(data.get("civilian_group", "civilians")),
            neutral_group=str(data.get("neutral_group", "neutral")),
        )
        lex._re.update(_compile(data, numbers, frozen_roles, victims, split_tails))
        return lex

    # ----------------------------------------------------------------- helpers
    def victim_of(self, phrase: str) -> tuple[str | None, bool | None]:
        """The victim group named in ``phrase`` (first non-neutral one) and its civilian flag."""
        group: str | None = None
        for m in self._re["victim"].finditer(phrase):
            v = self.victims.get(_norm(m.group(0)))
            if v is None:
                continue
            if v.group != self.neutral_group:
                group = v.group
                break
        if group is None:
            return None, None
        return group, group == self.civilian_group


def _compile(
    data: dict[str, Any],
    numbers: NumberWords,
    roles: dict[str, tuple[tuple[Kind, str], ...]],
    victims: dict[str, _Victim],
    split_tails: dict[str, set[str]],
) -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    count = numbers.pattern
    q = _alt(data.get("qualifiers", {}))
    aux = _alt(data.get("aux", []))
    adv = _alt(data.get("adverbs", []))
    opener = _alt(data.get("range_openers", []))
    joiners = data.get("range_joiners", [])
    rj = _alt([j for j in joiners if j.strip() not in ("and",)])
    rj_open = _alt(joiners)
    det = _alt(data.get("determiners", []))
    art = _alt([*numbers.articles, "one", *data.get("singular_standalone", [])])
    pron = _alt(data.get("singular_pronouns", []))
    alone = _alt(data.get("singular_standalone", []))
    units = _alt(data.get("unit_followers", []))
    more = _alt([k for k, v in data.get("post_qualifiers", {}).items() if v == "additional"])
    vsing = _alt([k for k, v in victims.items() if v.singular])

    numtok = [
        *numbers.units,
        *numbers.tens,
        *numbers.scales,
        *(k for k in numbers.vague if " " not in k),
    ]
    breakers = [*data.get("clause_breakers", []), *numtok]
    # One word inside a noun phrase: not a clause breaker, not a number.
    token = (
        rf"(?:(?!{_alt(breakers)}(?![\w'’-]))[^\W\d_][\w'’-]*(?:\.[^\W\d_][\w'’-]*)*"
        r"|\d+-[^\W\d_][\w-]*|\([^()\n]{0,80}\))"
    )
    no_unit = rf"(?!\s*{units}(?![\w'’]))"
    c = rf"(?:{count}){no_unit}"

    def elem(sfx: str, mods: int) -> str:
        return (
            rf"(?<![\w'’-])(?:"
            rf"(?:the\s+)?(?:(?P<q{sfx}>{q})\s+)?(?:"
            rf"{opener}\s+(?P<ra{sfx}>{c})\s*{rj_open}\s*(?P<rb{sfx}>{c})"
            rf"|(?P<rc{sfx}>{c})\s*{rj}\s*(?P<rd{sfx}>{c})"
            rf"|(?P<c{sfx}>{c})(?:\s+(?P<more{sfx}>{more}))?"
            rf")(?P<mods{sfx}>(?:\s+{token}){{0,{mods}}})"
            rf"|(?P<art{sfx}>{art})\s+(?:{token}\s+){{0,3}}?(?P<an{sfx}>{vsing})"
            rf"(?P<amods{sfx}>(?:\s+{token}){{0,4}})"
            rf"|(?P<det{sfx}>{det})\s+(?:{token}\s+){{0,3}}?(?P<dn{sfx}>{vsing})"
            rf"(?P<dmods{sfx}>(?:\s+{token}){{0,4}})"
            rf"|(?P<pron{sfx}>{pron})(?![\w'’-])"
            rf"|(?P<alone{sfx}>{alone})(?![\w'’-])"
            rf")"
        )

    conj = r"(?:,\s*and|,\s*as\s+well\s+as|as\s+well\s+as|and|plus|&|,)"
    followers = _alt(data.get("passive_followers", []))
    triggers = [*roles]
    out: dict[str, re.Pattern[str]] = {
        "trigger": re.compile(_bounded(triggers), flags),
        # the stretch between a subject and its verb: ", who were reportedly "
        "tail": re.compile(
            rf"(?P<tail>\s*,?\s*(?:(?:who|that|which)\s+)?(?:(?:{adv})\s+)?"
            rf"(?P<aux>(?<![\w'’-]){aux}\s+)?(?:(?:{adv})\s+){{0,3}})$",
            flags,
        ),
        "subject": re.compile(elem("", 6) + r"$", flags),
        "subject_strict": re.compile(elem("", 3) + rf"\s*{conj}\s*$", flags),
        "noun_subject": re.compile(
            rf"(?<![\w'’-])(?:the\s+)?(?:(?P<q>{q})\s+)?(?:{opener}\s+(?P<ra>{c})\s*{rj_open}\s*"
            rf"(?P<rb>{c})|(?P<rc>{c})\s*{rj}\s*(?P<rd>{c})|(?P<c>{c})(?:\s+(?P<more>{more}))?)"
            rf"(?P<mods>(?:\s+{token}){{0,2}})\s*$",
            flags,
        ),
        "object": re.compile(rf"\s*(?:(?:{adv})\s+){{0,2}}" + elem("", 4), flags),
        "object_next": re.compile(rf"\s*{conj}\s*" + elem("", 4), flags),
        "aux_before": re.compile(rf"(?<![\w'’-]){aux}\s+(?:(?:{adv})\s+){{0,2}}$", flags),
        "follower": re.compile(
            rf"\s*(?:$|[,.;:)\]!?\"”'’–—-]|{followers}(?![\w'’-]))", flags
        ),
        "toll": re.compile(
            rf"(?:\s+{_alt(data.get('toll_skips', []))}\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?)?"
            rf"(?:\s*(?<![\w'’-]){_alt(data.get('toll_connectors', []))}(?![\w'’]))+\s*"
            rf"(?:(?P<q>{q})\s+)?(?P<c>{c})",
            flags,
        ),
        "victim": re.compile(_bounded(victims), flags),
        "aggregate": re.compile(_bounded(data.get("aggregate_markers", [])), flags),
    }
    for head, tails in split_tails.items():
        out["split:" + head] = re.compile(
            rf"\s*(?:(?:{adv})\s+){{0,2}}" + elem("", 3) + rf"\s+(?P<tail>{_alt(tails)})(?![\w'’-])",
            flags,
        )
    zero = data.get("zero", {})
    zdet = _alt(zero.get("determiners", []))
    zneg = _alt(zero.get("negations", []))
    zmods = _alt(zero.get("modifiers", []))
    out["zero"] = re.compile(
        rf"(?<![\w'’-])(?:{zdet}|{zneg})\s+(?:(?:{zmods})\s+){{0,3}}"
        rf"(?P<z>{_alt(zero.get('nouns', {}))})(?![\w'’-])"
        rf"|(?<![\w'’-]){_alt(zero.get('subjects', []))}(?:\s+of\s+(?:them|those|the\s+[\w'’-]+))?"
        rf"\s+(?:(?:{aux})\s+)?(?:(?:{adv})\s+){{0,2}}(?P<zv>{_alt(zero.get('verbs', {}))})(?![\w'’-])",
        flags,
    )
    definitive = data.get("definitive", {})
    out["definitive"] = re.compile(
        rf"(?<![\w'’-]){_alt(definitive.get('nouns', []))}(?![\w'’-])[^.;\n]{{0,90}}?"
        rf"(?<![\w'’-]){_alt(definitive.get('connectors', []))}\s+(?:(?P<q>{q})\s+)?(?P<c>{c})",
        flags,
    )
    unknown = data.get("unknown", {})
    unouns = _alt(unknown.get("nouns", {}))
    out["unknown"] = re.compile(
        rf"(?<![\w'’-])(?P<u1>{unouns})\s+(?:(?:are|were|is|was|remain|remained|remains|still|"
        rf"yet|as\s+yet|so\s+far|reportedly|also|initially|currently)\s+){{0,3}}"
        rf"{_alt(unknown.get('words', []))}(?![\w'’-])"
        rf"|(?<![\w'’-]){_alt(unknown.get('adjectives', []))}\s+(?:(?:{zmods})\s+){{0,2}}"
        rf"(?P<u2>{unouns})(?![\w'’-])"
        rf"|(?<![\w'’-]){_alt(unknown.get('openers', []))}\s+(?:(?:{zmods})\s+){{0,2}}"
        rf"(?P<u3>{unouns})(?![\w'’-])",
        flags,
    )
    return out


# --------------------------------------------------------------------------- finding


@dataclass(slots=True)
class _Elem:
    start: int
    end: int
    low: int | None
    high: int | None
    qualifier: str
    group: str | None
    civilian: bool | None
    has_victim: bool
    count_start: int


def _read_elem(
    m: re.Match[str], lex: CasualtyLexicon, offset: int, *, trim_mods: bool
) -> _Elem | None:
    """Turn one matched noun phrase into numbers, qualifier and victim group."""
    g = m.groupdict()
    nums = lex.numbers
    qualifier = "exact"
    low: int | None
    high: int | None
    mods_key = "mods"
    count_start = m.start()
    if g.get("ra") is not None or g.get("rc") is not None:
        a = g["ra"] if g.get("ra") is not None else g["rc"]
        b = g["rb"] if g.get("ra") is not None else g["rd"]
        va, vb = nums.parse(a), nums.parse(b)
        if va is None or vb is None:
            return None
        low, high = min(va, vb), max(va, vb)
        count_start = m.start("ra") if g.get("ra") is not None else m.start("rc")
    elif g.get("c") is not None:
        value = nums.parse(g["c"])
        low = high = value
        count_start = m.start("c")
        if nums.is_vague(g["c"]) and value is not None:
            qualifier = "at_least"  # "dozens" = 12 is ACLED's floor, not a point figure
    elif g.get("art") is not None:
        if _norm(g["art"]) in lex.qualifiers and lex.qualifiers[_norm(g["art"])] == "additional":
            qualifier = "additional"
        low = high = 1
        mods_key = "amods"
        count_start = m.start("art")
    elif g.get("det") is not None:
        low = high = 1
        mods_key = "dmods"
        count_start = m.start("det")
    elif g.get("pron") is not None:
        low = high = 1
        mods_key = ""
        count_start = m.start("pron")
    elif g.get("alone") is not None:
        low = high = 1
        mods_key = ""
        count_start = m.start("alone")
    else:
        return None
    if g.get("q") is not None:
        qualifier = lex.qualifiers.get(_norm(g["q"]), "exact")
        if qualifier == "at_least":
            high = None
        elif qualifier == "up_to":
            low = None
    if g.get("more") is not None:
        qualifier = lex.post_qualifiers.get(_norm(g["more"]), qualifier)
    start, end = m.start(), m.end()
    if mods_key and m.group(mods_key) is not None:
        mods_start = m.start(mods_key)
        head_text = m.group(0)[: mods_start - m.start()]
        mods = m.group(mods_key)
    else:
        head_text, mods, mods_start = m.group(0), "", m.end()
    group, civilian = lex.victim_of(head_text)
    last_victim_end: int | None = None
    for vm in lex._re["victim"].finditer(mods):
        if group is None:
            v = lex.victims.get(_norm(vm.group(0)))
            if v is not None and v.group != lex.neutral_group:
                group, civilian = v.group, v.group == lex.civilian_group
        if last_victim_end is None:
            last_victim_end = vm.end()
        if trim_mods:
            break
    has_victim = (
        g.get("art") is not None
        or g.get("det") is not None
        or g.get("pron") is not None
        or last_victim_end is not None
    )
    if trim_mods and mods_key:
        end = mods_start + last_victim_end if last_victim_end is not None else mods_start
    return _Elem(
        start=start + offset,
        end=end + offset,
        low=low,
        high=high,
        qualifier=qualifier,
        group=group,
        civilian=civilian,
        has_victim=has_victim,
        count_start=count_start + offset,
    )


def _sum(values: Sequence[int | None]) -> int | None:
    total = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total


def _merge(elems: Sequence[_Elem]) -> _Elem:
    if len(elems) == 1:
        return elems[0]
    low = _sum([e.low for e in elems])
    high = _sum([e.high for e in elems])
    groups = {e.group for e in elems}
    group = groups.pop() if len(groups) == 1 else None
    civs = {e.civilian for e in elems}
    civilian = civs.pop() if len(civs) == 1 else None
    quals = {e.qualifier for e in elems}
    qualifier = quals.pop() if len(quals) == 1 else "exact"
    return _Elem(
        start=min(e.start for e in elems),
        end=max(e.end for e in elems),
        low=low,
        high=high,
        qualifier=qualifier,
        group=group,
        civilian=civilian,
        has_victim=True,
        count_start=min(e.count_start for e in elems),
    )


def _window_start(text: str, pos: int) -> int:
    lo = max(0, pos - 240)
    start = lo
    for m in _CLAUSE_END.finditer(text, lo, pos):
        start = m.end()
    depth = 0
    # cut at an opening bracket that is still open at pos
    for i in range(pos - 1, start - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i + 1
            depth -= 1
    return start


def _object(
    lex: CasualtyLexicon, text: str, pos: int, pattern: re.Pattern[str], *, split: bool
) -> tuple[_Elem, int] | None:
    """The victims after an active verb: "killing 3 soldiers and 2 civilians"."""
    m = pattern.match(text, pos)
    if m is None:
        return None
    first = _read_elem(m, lex, 0, trim_mods=not split)
    if first is None:
        return None
    if split:  # "shot two men dead": the tail closes the phrase
        return first, m.end()
    elems = [first]
    cursor = first.end
    nxt = lex._re["object_next"]
    while True:
        n = nxt.match(text, cursor)
        if n is None:
            break
        e = _read_elem(n, lex, 0, trim_mods=True)
        if e is None or not e.has_victim:
            break
        elems.append(e)
        cursor = e.end
    merged = _merge(elems)
    return merged, merged.end


def _subject(lex: CasualtyLexicon, text: str, lo: int, hi: int) -> tuple[_Elem, bool] | None:
    window = text[lo:hi]
    t = lex._re["tail"].search(window)
    if t is None:
        return None
    has_aux = t.group("aux") is not None
    head = window[: t.start()]
    m = lex._re["subject"].search(head)
    if m is None:
        return None
    last = _read_elem(m, lex, lo, trim_mods=False)
    if last is None:
        return None
    elems = [last]
    cut = m.start()
    strict = lex._re["subject_strict"]
    while cut > 0:
        s = strict.search(head, max(0, cut - 160), cut)
        if s is None or s.end() != cut:
            break
        e = _read_elem(s, lex, lo, trim_mods=False)
        if e is None or not e.has_victim or (e.low is None and e.high is None):
            break
        # a counted element must end with its victim noun: "three soldiers and ...",
        # not "two gunmen attacked and ..."
        if s.group("mods") is not None and not _ends_with_victim(
            lex, head[s.start() : s.end("mods")]
        ):
            break
        elems.insert(0, e)
        cut = s.start()
    return _merge(elems), has_aux


def _ends_with_victim(lex: CasualtyLexicon, phrase: str) -> bool:
    last: re.Match[str] | None = None
    for last in lex._re["victim"].finditer(phrase):  # noqa: B007
        pass
    return last is not None and not phrase[last.end() :].strip()


def _noun_subject(lex: CasualtyLexicon, text: str, lo: int, hi: int) -> _Elem | None:
    m = lex._re["noun_subject"].search(text, lo, hi)
    if m is None:
        return None
    return _read_elem(m, lex, 0, trim_mods=False)


def _toll(lex: CasualtyLexicon, text: str, pos: int) -> tuple[_Elem, int] | None:
    m = lex._re["toll"].match(text, pos)
    if m is None:
        return None
    value = lex.numbers.parse(m.group("c"))
    if value is None:
        return None
    qualifier = lex.qualifiers.get(_norm(m.group("q")), "exact") if m.group("q") else "exact"
    low: int | None = value
    high: int | None = value
    if qualifier == "at_least":
        high = None
    elif qualifier == "up_to":
        low = None
    e = _Elem(
        start=pos,
        end=m.end(),
        low=low,
        high=high,
        qualifier=qualifier,
        group=None,
        civilian=None,
        has_victim=False,
        count_start=m.start("c"),
    )
    return e, m.end()


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: Kind
    elem: _Elem
    priority: int


def find_casualties(text: str, *, lexicon: CasualtyLexicon) -> list[CasualtyMention]:
    """Every phrase of ``text`` that reports people killed or injured, in text order."""
    if not text:
        return []
    lex = lexicon
    rx = lex._re
    cands: list[_Candidate] = []
    for tm in rx["trigger"].finditer(text):
        phrase = _norm(tm.group(0))
        s, e = tm.start(), tm.end()
        combined_roles = lex.combined.get(phrase)
        kinds_roles: dict[Kind, set[str]] = {}
        for kind, role in lex.roles.get(phrase, ()):
            kinds_roles.setdefault(kind, set()).add(role)
        if combined_roles is not None:
            for kind in _KINDS:
                kinds_roles.setdefault(kind, set()).update(combined_roles)
        aux_before: bool | None = None
        for kind, roles in kinds_roles.items():
            found: tuple[_Elem, int, int] | None = None  # elem, end, priority
            if aux_before is None:
                aux_before = rx["aux_before"].search(text, max(0, s - 60), s) is not None
            if "active" in roles and not aux_before:
                r = _object(lex, text, e, rx["object"], split=False)
                if r is not None:
                    found = (r[0], r[1], 2)
            if found is None and "split_active" in roles and ("split:" + phrase) in rx:
                r = _object(lex, text, e, rx["split:" + phrase], split=True)
                if r is not None:
                    found = (r[0], r[1], 2)
            if found is None and ("passive" in roles or "intransitive" in roles):
                lo = _window_start(text, s)
                sub = _subject(lex, text, lo, s)
                if sub is not None:
                    elem, has_aux = sub
                    ok = True
                    if "passive" in roles and "intransitive" not in roles and not has_aux:
                        # "two militants killed civilians": an object follows, so no passive
                        ok = rx["follower"].match(text, e) is not None
                    if ok:
                        found = (elem, e, 2)
            if found is None and "nouns" in roles:
                lo = _window_start(text, s)
                ne = _noun_subject(lex, text, lo, s)
                if ne is not None:
                    found = (ne, e, 0)
            if found is None and "tolls" in roles:
                r = _toll(lex, text, e)
                if r is not None:
                    found = (r[0], r[1], 1)
            if found is None:
                continue
            elem, end, prio = found
            if combined_roles is not None and elem.high is not None:
                # "killed or injured 5": between 0 and 5 of each kind
                elem = _Elem(
                    elem.start, elem.end, 0, elem.high, "up_to", elem.group,
                    elem.civilian, elem.has_victim, elem.count_start,
                )
            start = min(s, elem.start)
            cands.append(_Candidate(start, max(end, elem.end), kind, elem, prio))

    # A number belongs to one reading: verbs beat tolls beat nouns.
    best: dict[tuple[int, Kind], _Candidate] = {}
    top: dict[int, int] = {}
    for cand in cands:
        key = (cand.elem.count_start, cand.kind)
        if key not in best or cand.priority > best[key].priority:
            best[key] = cand
        top[cand.elem.count_start] = max(top.get(cand.elem.count_start, -1), cand.priority)
    chosen = [c for c in best.values() if c.priority >= top[c.elem.count_start]]

    definitive: dict[int, re.Match[str]] = {}
    for dm in rx["definitive"].finditer(text):
        definitive[dm.start("c")] = dm
    for cand in chosen:
        if cand.kind == "killed" and cand.elem.count_start in definitive:
            cand.priority = 9  # marks it definitive below
    covered = {c.elem.count_start for c in chosen if c.kind == "killed"}
    for pos, dm in definitive.items():
        if pos in covered:
            continue
        value = lex.numbers.parse(dm.group("c"))
        if value is None:
            continue
        q = lex.qualifiers.get(_norm(dm.group("q")), "exact") if dm.group("q") else "exact"
        el = _Elem(
            dm.start(), dm.end(), None if q == "up_to" else value,
            None if q == "at_least" else value, q, None, None, False, pos,
        )
        chosen.append(_Candidate(dm.start(), dm.end(), "killed", el, 9))

    specials = _zero_and_unknown(text, lex)
    zero_spans = [(z.start, z.end) for z in specials if z.low == 0]
    mentions: list[CasualtyMention] = []
    for cand in chosen:
        if any(a <= cand.elem.count_start < b for a, b in zero_spans):
            continue  # "no one was killed" is not "one was killed"
        el = cand.elem
        qualifier = el.qualifier if el.qualifier in _QUALIFIERS else "exact"
        mentions.append(
            CasualtyMention(
                start=cand.start,
                end=cand.end,
                text=text[cand.start : cand.end],
                kind=cand.kind,
                low=el.low,
                high=el.high,
                qualifier=qualifier,  # type: ignore[arg-type]
                civilian=el.civilian,
                side=el.group,
                definitive=cand.priority == 9,
            )
        )
    mentions.extend(specials)
    mentions.sort(key=lambda m: (m.start, m.end, m.kind))
    return _mark_aggregate(text, mentions, lex)


def _zero_and_unknown(text: str, lex: CasualtyLexicon) -> list[CasualtyMention]:
    out: list[CasualtyMention] = []
    seen: set[tuple[int, int, str]] = set()
    for m in lex._re["zero"].finditer(text):
        word = m.group("z") if m.group("z") is not None else m.group("zv")
        for kind in lex.zero_kinds.get(_norm(word), ()):
            key = (m.start(), m.end(), kind)
            if key not in seen:
                seen.add(key)
                out.append(CasualtyMention(m.start(), m.end(), m.group(0), kind, 0, 0))
    for m in lex._re["unknown"].finditer(text):
        word = m.group("u1") or m.group("u2") or m.group("u3") or ""
        for kind in lex.unknown_kinds.get(_norm(word), ()):
            key = (m.start(), m.end(), kind)
            if key not in seen:
                seen.add(key)
                out.append(CasualtyMention(m.start(), m.end(), m.group(0), kind, None, None))
    return out


def _mark_aggregate(
    text: str, mentions: list[CasualtyMention], lex: CasualtyLexicon
) -> list[CasualtyMention]:
    if not mentions or not lex._re["aggregate"].search(text):
        return mentions
    sentences = split_sentences(text)
    out: list[CasualtyMention] = []
    for m in mentions:
        sent = next((s for s in sentences if s.start <= m.start < s.end), None)
        if sent is not None and lex._re["aggregate"].search(sent.text):
            out.append(
                CasualtyMention(
                    m.start, m.end, m.text, m.kind, m.low, m.high, m.qualifier,
                    m.civilian, m.side, True, m.definitive,
                )
            )
        else:
            out.append(m)
    return out


# --------------------------------------------------------------------------- combining


def _field(kind: Kind, civilian_only: bool) -> str:
    if civilian_only:
        return "civilian_fatalities" if kind == "killed" else "civilian_injuries"
    return "fatalities" if kind == "killed" else "injuries"


def combine(
    mentions: Sequence[CasualtyMention],
    *,
    kind: Kind,
    civilian_only: bool = False,
    include_aggregate: bool = False,
) -> tuple[Figures, list[Evidence]]:
    """Low / best / high of one kind of casualty, and the evidence behind them.

    - ``best`` is ACLED's conservative figure: the lowest credible number
      reported; ``low`` the lowest and ``high`` the highest (UCDP).
    - "at least 2" counts 2; "up to 5" counts 5 only when nothing lower is
      reported; "between 3 and 5" gives 3 / 3 / 5.
    - "another 3" (qualifier ``additional``) is added to the highest base
      figure for ``high`` only; alone, it is the base.
    - An explicit zero ("no casualties") counts only when no one is
      reported killed (resp. injured) anywhere else.
    - Mentions without a number ("others were injured", "casualties
      unknown") give nothing: unknown stays None.
    - ``civilian_only`` keeps mentions whose victims are civilians (an
      "another N" mention with unknown victims follows its base) and labels
      the evidence ``civilian_fatalities``.
    - Mentions in sentences describing a pattern over time (``aggregate``)
      are skipped unless ``include_aggregate``.
    - A ``definitive`` toll ("the death toll rose to 7", "fatalities coded
      as 3") is the best figure, the last one when several.
    """
    field_name = _field(kind, civilian_only)
    pool = [
        m for m in mentions if m.kind == kind and (include_aggregate or not m.aggregate) and m.known
    ]
    if civilian_only:
        base_civ = [m for m in pool if m.qualifier != "additional" and m.civilian is True]
        others_civ = all(
            m.civilian is True for m in pool if m.qualifier != "additional" and m.known
        )
        pool = [
            m
            for m in pool
            if m.civilian is True
            or (m.qualifier == "additional" and m.civilian is None and base_civ and others_civ)
        ]
    if not pool:
        return Figures(), []
    finals = [m for m in pool if m.definitive]
    positive = [m for m in pool if (m.high if m.high is not None else m.low or 0) > 0]
    if positive and not finals:
        pool = positive
    base = [m for m in pool if m.qualifier != "additional"]
    extra = [m for m in pool if m.qualifier == "additional"]
    if not base:
        base, extra = extra, []
    lows = [m.low for m in base if m.low is not None]
    highs = [m.high if m.high is not None else m.low for m in base]
    top = max(h for h in highs if h is not None)
    low: int | None
    if lows:
        # a reported number beats the 0 of "killed or injured 5"
        low = min([v for v in lows if v > 0] or lows)
        best = low
    else:  # only "up to N" figures: N is all that is reported
        low = None
        best = min(h for h in highs if h is not None)
    added = sum((m.high if m.high is not None else m.low or 0) for m in extra)
    if finals:  # the last revised / coded toll supersedes the earlier figures
        last = max(finals, key=lambda m: m.start)
        final = last.low if last.low is not None else last.high
        if final is not None:
            best = final
            low = min(low, best) if low is not None else best
            added = 0
    high = max(top, best) + added
    used = sorted(pool, key=lambda m: (m.start, m.end))
    evidence = [
        Evidence(
            field=field_name,
            start=m.start,
            end=m.end,
            text=m.text,
            extractor=EXTRACTOR,
            version=VERSION,
        )
        for m in used
    ]
    return Figures(low=low, best=best, high=high), evidence
