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

Lexicons ship for en, fr, ar, es, pt and it. An Arabic lexicon
(``normalise_arabic``) matches the normalised text
(:func:`corroborate.extract.arabic.normalise_arabic`); offsets and quoted
text stay the original's. :func:`combine` adds figures of different named
victim groups reported apart ("four soldiers ... eighty militants"), adds
"also" figures, and divides by the number of coded events a note says its
fatalities are split across ("fatalities split across three events").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from corroborate.extract.arabic import fold_arabic, normalise_arabic
from corroborate.extract.numbers import KeywordScanner, NumberWords, WordIndex
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
_QUALIFIER_OF: dict[str, Qualifier] = {
    "exact": "exact",
    "at_least": "at_least",
    "up_to": "up_to",
    "about": "about",
    "additional": "additional",
}
_ROLES = ("active", "nominal", "split_active", "passive", "intransitive", "nouns", "tolls")

_WS = re.compile(r"\s+")
# Where a clause ends for the purpose of looking back for a subject.
_CLAUSE_END = re.compile(r"[.!?;:\n]\s|[;\n\[\]]")
_COMMA_END = re.compile(r"[,.!?;:\n\[\]()]")
_L = r"(?<![\w-])(?<!\w['’])"  # left word boundary ("'One" starts a word, "don't" not "t")
_R = r"(?![\w-])(?!['’]\w)"  # right word boundary (a closing quote is fine, "'s" is not)


@dataclass(frozen=True, slots=True)
class CasualtyMention:
    """One phrase reporting people killed or injured.

    ``low`` / ``high`` are the figures as written: "at least 2" gives
    ``low=2, high=None``, "up to 5" ``low=None, high=5``, "between 3 and 5"
    ``3, 5``, "no casualties" ``0, 0``, "killed or injured 4" ``0, 4``; both
    are None when the text gives no number ("others were injured",
    "casualties unknown").

    Flags: ``aggregate`` — in a sentence about a pattern over time ("has
    repeatedly bombed ... claiming the lives of dozens"); ``reference`` — an
    earlier event referred to ("protest against the killing of two
    students"); ``definitive`` — a toll or total that supersedes earlier
    figures ("the death toll rose to 7", "5 dead in total"); ``attributed`` —
    the clause attributes the figure to a source ("media spoke of another
    three victims"); ``subset`` — a part of a figure given before ("ten
    people were killed, including five burned alive"). ``split`` — the text
    says its fatalities are split across this many coded events ("fatalities
    split across three events"); :func:`combine` divides by it.
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
    reference: bool = False
    definitive: bool = False
    attributed: bool = False
    subset: bool = False
    split: int | None = None

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
            "reference": self.reference,
            "definitive": self.definitive,
            "attributed": self.attributed,
            "subset": self.subset,
            "split": self.split,
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
    return rf"{_L}{_alt(phrases)}{_R}"


@dataclass(frozen=True, slots=True)
class _Victim:
    group: str
    singular: bool


@dataclass(frozen=True, slots=True)
class CasualtyLexicon:
    """Compiled casualty patterns of one language (build once with :meth:`load`, share freely)."""

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
    singular_aux: frozenset[str] = frozenset()
    not_persons: frozenset[str] = frozenset()
    civilian_group: str = "civilians"
    neutral_group: str = "neutral"
    #: Match on normalised Arabic (``normalise_arabic`` in the data file).
    fold: bool = False
    _re: dict[str, re.Pattern[str]] = field(
        hash=False, repr=False, compare=False, default_factory=dict
    )
    _scan: dict[str, KeywordScanner] = field(
        hash=False, repr=False, compare=False, default_factory=dict
    )

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, language: str = "en") -> CasualtyLexicon:
        """Read ``data/casualties/<language>.json`` and its number words."""
        data = load_json(f"casualties/{language}.json")
        numbers = NumberWords.load(str(data.get("numbers", language)))
        return cls.from_dict(data, numbers=numbers)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, numbers: NumberWords) -> CasualtyLexicon:
        fold = bool(data.get("normalise_arabic"))
        if fold:
            data = {k: _fold_strings(v) if k != "_about" else v for k, v in data.items()}
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
        zero = data.get("zero", {})
        zero_kinds: dict[str, tuple[Kind, ...]] = {}
        for section in ("nouns", "verbs"):
            for k, v in zero.get(section, {}).items():
                zero_kinds[_norm(k)] = tuple(x for x in _KINDS if x in v)
        unknown_kinds = {
            _norm(k): tuple(x for x in _KINDS if x in v)
            for k, v in data.get("unknown", {}).get("nouns", {}).items()
        }
        frozen_roles = {k: tuple(dict.fromkeys(v)) for k, v in roles.items()}
        lex = cls(
            language=str(data.get("language", "")),
            version=str(data.get("version", "1")),
            numbers=numbers,
            roles=frozen_roles,
            combined={k: frozenset(v) for k, v in combined_sets.items()},
            qualifiers={_norm(k): str(v) for k, v in data.get("qualifiers", {}).items()},
            post_qualifiers={_norm(k): str(v) for k, v in data.get("post_qualifiers", {}).items()},
            victims=victims,
            zero_kinds=zero_kinds,
            unknown_kinds=unknown_kinds,
            singular_aux=frozenset(_norm(a) for a in data.get("singular_aux", [])),
            not_persons=frozenset(_norm(a) for a in data.get("not_persons", [])),
            civilian_group=str(data.get("civilian_group", "civilians")),
            neutral_group=str(data.get("neutral_group", "neutral")),
            fold=fold,
        )
        lex._re.update(_compile(data, numbers, frozen_roles, victims, split_tails))
        zero, unknown = data.get("zero", {}), data.get("unknown", {})
        starts: dict[str, list[str]] = {
            "trigger": list(frozen_roles),
            "zero": [
                *zero.get("determiners", []),
                *zero.get("negations", []),
                *zero.get("subjects", []),
            ],
            "unknown": [
                *unknown.get("nouns", {}),
                *unknown.get("adjectives", []),
                *unknown.get("openers", []),
            ],
            "definitive": list(data.get("definitive", {}).get("nouns", [])),
            "aggregate": list(data.get("aggregate_markers", [])),
            "reference_sentence": list(data.get("reference_sentence_cues", [])),
            "split_count": [
                *data.get("split", {}).get("verbs", []),
                *data.get("split", {}).get("openers", []),
            ],
            # where a victim noun phrase can start: "the", "at least", "two", "a", "his" ...
            "subject": [
                "the",
                *data.get("qualifiers", {}),
                *numbers.units,
                *numbers.tens,
                *numbers.scales,
                *numbers.scale_articles,
                *numbers.vague,
                *numbers.articles,
                "one",
                *data.get("singular_standalone", []),
                *data.get("determiners", []),
                *data.get("singular_pronouns", []),
                *data.get("range_openers", []),
            ],
        }
        for name, phrases in starts.items():
            lex._scan[name] = KeywordScanner.build(lex._re[name], phrases, digits=name == "subject")
        return lex

    # ----------------------------------------------------------------- helpers
    def victim_of(self, phrase: str) -> tuple[str | None, bool | None]:
        """The victim group named in ``phrase`` (first non-neutral one), and its civilian flag."""
        for m in self._re["victim"].finditer(phrase):
            v = self.victims.get(_norm(m.group(0)))
            if v is not None and v.group != self.neutral_group:
                return v.group, v.group == self.civilian_group
        return None, None

    def qualifier(self, word: str | None) -> str:
        return self.qualifiers.get(_norm(word), "exact") if word else "exact"


def _compile(
    data: dict[str, Any],
    numbers: NumberWords,
    roles: dict[str, tuple[tuple[Kind, str], ...]],
    victims: dict[str, _Victim],
    split_tails: dict[str, set[str]],
) -> dict[str, re.Pattern[str]]:
    flags = re.IGNORECASE
    q = _alt(data.get("qualifiers", {}))
    aux = _alt(data.get("aux", []))
    adv = _alt(data.get("adverbs", []))
    opener = _alt(data.get("range_openers", []))
    joiners = data.get("range_joiners", [])
    rj = _alt([j for j in joiners if _norm(j) != "and"])
    rj_open = _alt(joiners)
    det = _alt(data.get("determiners", []))
    standalone = data.get("singular_standalone", [])
    art = _alt([*numbers.articles, "one", *standalone])
    pron = _alt(data.get("singular_pronouns", []))
    alone = _alt(standalone)
    units = _alt(data.get("unit_followers", []))
    more = _alt([k for k, v in data.get("post_qualifiers", {}).items() if v == "additional"])
    vsing = _alt([k for k, v in victims.items() if v.singular])
    subset = _alt(data.get("subset_openers", []))

    numtok = [
        *numbers.units,
        *numbers.tens,
        *numbers.scales,
        # "others", "autres" are counts of their own but also nouns: "three others"
        *(k for k in numbers.vague if " " not in k and k not in data.get("post_qualifiers", {})),
    ]
    breakers = _alt([*data.get("clause_breakers", []), *numtok])
    # One word inside a noun phrase: not a clause breaker, not a number.
    small = _alt(numtok)
    token = (
        # "16-year-old", "sixteen years old"
        rf"(?:(?:\d+|{small})[\s-]+years?[\s-]+old"
        rf"|(?!{breakers}(?![\w'’-]))[^\W\d_][\w'’-]*(?:\.[^\W\d_][\w'’-]*)*"
        r"|\d+-[^\W\d_][\w-]*|\([^()\n]{0,80}\))"
    )
    plain = _alt(
        [
            "in",
            "on",
            "at",
            "by",
            "with",
            "from",
            "near",
            "a",
            "an",
            "the",
            "his",
            "her",
            "their",
            "its",
            "of",
            "to",
            "for",
            "during",
            "after",
        ]
    )
    np_token = rf"(?:(?!{plain}(?![\w'’-])){token})"
    count = rf"(?:{numbers.pattern})(?!\s*{units}(?![\w'’]))"
    sub = (
        rf"(?P<sub>(?:,\s*|\s+){subset}"
        rf"(?:\s+(?:{token}|\d[\d,]*|{small}|and|or)|\s*,){{1,12}}?\s*,?)?"
    )

    singular_word = rf"(?!{breakers}(?![\w'’-]))[^\W\d_][\w'’-]*[^\W\d_s]"

    def elem(mods: int, *, with_subset: bool, with_bare: bool, objects: bool = False) -> str:
        bare = rf"|(?:{np_token}\s+){{0,2}}?(?P<bn>{vsing}){_R}" if with_bare else ""
        if objects:
            # "killed the director of ...", "assassinated a police interpreter": after an
            # active verb a singular noun phrase is one person
            bare += (
                rf"|(?P<det2>{det}|{_alt(numbers.articles)})\s+(?:{token}\s+){{0,2}}?"
                rf"(?P<dn2>{singular_word}){_R}"
            )
        return (
            rf"{_L}(?:"
            rf"(?:the\s+)?(?:(?P<q>{q})\s+)?(?:"
            rf"{opener}\s+(?P<ra>{count})\s*{rj_open}\s*(?P<rb>{count})"
            rf"|(?P<rc>{count})\s*{rj}\s*(?P<rd>{count})"
            rf"|(?P<c>{count})(?:\s+(?P<more>{more}))?"
            rf")(?P<mods>(?:\s+{token}){{0,{mods}}}){sub if with_subset else ''}"
            rf"|(?P<art>{art})\s+(?:{token}\s+){{0,3}}(?P<an>{vsing}){_R}"
            rf"(?P<amods>(?:\s+{token}){{0,4}})"
            rf"|(?P<det>{det})\s+(?:{token}\s+){{0,3}}(?P<dn>{vsing}){_R}"
            rf"(?P<dmods>(?:\s+{token}){{0,4}})"
            rf"|(?P<pron>{pron}){_R}"
            rf"|(?P<alone>{alone}){_R}"
            rf"{bare})"
        )

    conj = rf"(?:(?:,\s*)?(?:{_alt(data.get('coordinators', ['and']))}|&)|,)"
    followers = _alt(data.get("passive_followers", []))
    out: dict[str, re.Pattern[str]] = {
        "trigger": re.compile(_bounded(roles), flags),
        # the stretch between a subject and its verb: ", who were reportedly "
        "tail": re.compile(
            rf"\s*,?\s*(?P<rel>(?:who|that|which)\s+)?"
            rf"(?P<seq>(?:{_L}(?:{aux}|{adv}|have|has|had)\s+){{0,5}})"
            # "was attacked and killed", "was detained and later found killed"
            rf"(?:[^\W\d_]+ed\s+and\s+(?:(?:{adv})\s+){{0,2}})?['\"“‘]?$",
            flags,
        ),
        "aux": re.compile(rf"{_L}{aux}{_R}", flags),
        "clause_next": re.compile(rf"\s+(?:(?:{adv})\s+)?(?:{aux}|{_alt(roles)}){_R}", flags),
        "subject": re.compile(elem(6, with_subset=True, with_bare=True) + r"$", flags),
        "subject_strict": re.compile(
            "(?P<el>" + elem(3, with_subset=False, with_bare=False) + rf")\s*{conj}\s*$", flags
        ),
        "subject_single": re.compile(
            rf"{_L}(?P<sd>{art}|{det})(?P<smods>(?:\s+{token}){{1,6}})$", flags
        ),
        # a number right before a noun: "4 dead", "10 civilian deaths", "two more bodies"
        "noun_subject": re.compile(
            rf"{_L}(?:the\s+)?(?:(?P<q>{q})\s+)?(?:"
            rf"{opener}\s+(?P<ra>{count})\s*{rj_open}\s*(?P<rb>{count})"
            rf"|(?P<rc>{count})\s*{rj}\s*(?P<rd>{count})"
            rf"|(?P<c>{count})(?:\s+(?P<more>{more}))?"
            rf")(?P<mods>(?:\s+{token}){{0,2}})\s*$",
            flags,
        ),
        "object": re.compile(
            rf"\s*(?:(?:{adv})\s+){{0,2}}"
            + elem(4, with_subset=False, with_bare=True, objects=True),
            flags,
        ),
        "object_next": re.compile(
            # "killed 8 civilians in Mbakira and 7 civilians in ...": skip a short place phrase
            rf"(?:\s+(?:in|at|near|from|of)\s+(?:{token}\s+){{0,3}}?{token})?"
            rf"\s*{conj}\s*" + elem(4, with_subset=False, with_bare=False),
            flags,
        ),
        "aux_before": re.compile(rf"{_L}{aux}\s+(?:(?:{adv})\s+){{0,2}}$", flags),
        "irrealis": re.compile(
            rf"(?:{_L}{_alt(data.get('irrealis_before', []))}|n't)\s+(?:(?:{adv})\s+)?$", flags
        ),
        # "claimed to kill three" did happen, as reported
        "realis": re.compile(
            rf"{_L}{_alt(data.get('realis_before_to', []))}\s+to\s+(?:(?:{adv})\s+)?$", flags
        ),
        "reference_any": re.compile(_bounded(data.get("reference_cues_any", [])), flags),
        "subset_before": re.compile(rf"{_L}{_alt(data.get('subset_markers', []))}\s*:?\s*$", flags),
        "reference": re.compile(_bounded(data.get("reference_cues", [])), flags),
        "follower": re.compile(rf"\s*(?:$|[,.;:)\]!?\"”'’–—-]|{followers}(?![\w'’-]))", flags),
        "toll": re.compile(
            rf"(?:\s+{_alt(data.get('toll_skips', []))}\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?)?"
            rf"(?:\s*{_L}{_alt(data.get('toll_connectors', []))}(?![\w'’]))+\s*"
            rf"(?:(?P<q>{q})\s+)?(?P<c>{count})",
            flags,
        ),
        "total_before": re.compile(
            rf"{_L}{_alt(data.get('total_before', []))}\s*:?\s*(?:(?:{q})\s+)?$", flags
        ),
        "total_after": re.compile(rf"\s*{_alt(data.get('total_after', []))}{_R}", flags),
        "attribution": re.compile(_bounded(data.get("attribution_markers", [])), flags),
        "date_before": re.compile(rf"{_L}{_alt(data.get('date_words', []))}\.?,?\s*$", flags),
        "victim": re.compile(_bounded(victims), flags),
        "aggregate": re.compile(_bounded(data.get("aggregate_markers", [])), flags),
        "also": re.compile(_bounded(data.get("also_markers", [])), flags),
        "reference_after": re.compile(
            rf"\s*,?\s+(?:{_alt(data.get('reference_after', []))}{_R}"
            rf"|{_alt(data.get('reference_after_year', []))}\s+(?:[^\W\d_]+\s+)?"
            rf"(?:1[89]\d\d|20\d\d|\d{{1,2}}/\d{{2,4}}){_R})",
            flags,
        ),
        # "arrested nine men and executed them": the victims were counted before
        "them": re.compile(
            rf"\s+(?:(?:{adv})\s+){{0,2}}{_alt(data.get('plural_pronouns', []))}{_R}", flags
        ),
        "count_any": re.compile(rf"{_L}(?P<c>{count})(?=\s+[^\W\d_])", flags),
        "split_count": re.compile(
            rf"{_L}(?:(?P<verb>{_alt(data.get('split', {}).get('verbs', []))})\s+"
            rf"(?:{_alt(data.get('split', {}).get('prepositions', []))})"
            rf"|{_alt(data.get('split', {}).get('openers', []))})\s+(?:the\s+)?\(?"
            rf"(?P<c>{count})\)?\s+(?:{_alt(data.get('split', {}).get('modifiers', []))}\s+)?"
            rf"{_alt(data.get('split', {}).get('units', []))}{_R}",
            flags,
        ),
        "reference_sentence": re.compile(_bounded(data.get("reference_sentence_cues", [])), flags),
    }
    for head, tails in split_tails.items():
        out["split:" + head] = re.compile(
            rf"\s*(?:(?:{adv})\s+){{0,2}}"
            + elem(3, with_subset=False, with_bare=True, objects=True)
            + rf"\s+{_alt(tails)}{_R}",
            flags,
        )
    definitive = data.get("definitive", {})
    out["definitive"] = re.compile(
        rf"{_L}{_alt(definitive.get('nouns', []))}{_R}[^.;\n]{{0,90}}?"
        rf"{_L}{_alt(definitive.get('connectors', []))}\s+(?:(?P<q>{q})\s+)?(?P<c>{count})",
        flags,
    )
    zero = data.get("zero", {})
    zdet = _alt(zero.get("determiners", []))
    zneg = _alt(zero.get("negations", []))
    zmods = _alt(zero.get("modifiers", []))
    out["zero"] = re.compile(
        rf"{_L}(?:{zdet}|{zneg})\s+(?:(?:{zmods})\s+){{0,3}}"
        rf"(?P<z>{_alt(zero.get('nouns', {}))}){_R}"
        rf"|{_L}{_alt(zero.get('subjects', []))}(?:\s+of\s+(?:them|those|the\s+[\w'’-]+))?"
        rf"\s+(?:(?:{aux})\s+)?(?:(?:{adv})\s+){{0,2}}(?P<zv>{_alt(zero.get('verbs', {}))}){_R}",
        flags,
    )
    unknown = data.get("unknown", {})
    unouns = _alt(unknown.get("nouns", {}))
    out["unknown"] = re.compile(
        rf"{_L}(?P<u1>{unouns})\s+(?:(?:are|were|is|was|remain|remained|remains|still|"
        rf"yet|as\s+yet|so\s+far|reportedly|also|initially|currently)\s+){{0,3}}"
        rf"{_alt(unknown.get('words', []))}{_R}"
        rf"|{_L}{_alt(unknown.get('adjectives', []))}\s+(?:(?:{zmods})\s+){{0,2}}"
        rf"(?P<u2>{unouns}){_R}"
        rf"|{_L}{_alt(unknown.get('openers', []))}\s+(?:(?:{zmods})\s+){{0,2}}(?P<u3>{unouns}){_R}",
        flags,
    )
    return out


# --------------------------------------------------------------------------- reading phrases


@dataclass(slots=True)
class _Elem:
    """One victim noun phrase: its span, figures and victims."""

    start: int
    end: int
    low: int | None
    high: int | None
    qualifier: str
    group: str | None
    civilian: bool | None
    has_victim: bool
    count_start: int


def _figures(lex: CasualtyLexicon, m: re.Match[str]) -> tuple[int | None, int | None, str, int]:
    """low, high, qualifier and count offset of a matched noun phrase; raises LookupError."""
    g = m.groupdict()
    nums = lex.numbers
    qualifier = "exact"
    low: int | None
    high: int | None
    if g.get("ra") is not None or g.get("rc") is not None:
        a, b = ("ra", "rb") if g.get("ra") is not None else ("rc", "rd")
        va, vb = nums.parse(g[a]), nums.parse(g[b])
        if va is None or vb is None:
            raise LookupError("vague range")
        low, high = min(va, vb), max(va, vb)
        pos = m.start(a)
    elif g.get("c") is not None:
        value = nums.parse(g["c"])
        low = high = value
        pos = m.start("c")
        if nums.is_vague(g["c"]) and value is not None:
            qualifier = "at_least"  # "dozens" = 12 is ACLED's floor, not a point figure
    else:
        for name in ("art", "det", "pron", "alone", "bn", "sd", "det2"):
            if g.get(name) is not None:
                pos = m.start(name)
                if name == "art" and lex.qualifier(g[name]) == "additional":
                    qualifier = "additional"
                return 1, 1, qualifier, pos
        raise LookupError("no count")
    if g.get("q") is not None:
        qualifier = lex.qualifier(g["q"])
        if qualifier == "at_least":
            high = None
        elif qualifier == "up_to":
            low = None
    if g.get("more") is not None:
        qualifier = lex.post_qualifiers.get(_norm(g["more"]), qualifier)
    return low, high, qualifier, pos


def _read_elem(m: re.Match[str], lex: CasualtyLexicon, *, trim: bool) -> _Elem | None:
    """Turn one matched noun phrase into figures, qualifier and victim group."""
    try:
        low, high, qualifier, pos = _figures(lex, m)
    except LookupError:
        return None
    text = m.string
    # a number right after a month name is a date ("found on March 23 executed")
    if lex._re["date_before"].search(text, max(0, pos - 12), pos):
        return None
    g = m.groupdict()
    mods_key = next((k for k in ("mods", "amods", "dmods", "smods") if g.get(k) is not None), None)
    if mods_key is not None:
        head_text = text[m.start() : m.start(mods_key)]
        mods = g[mods_key]
        mods_start = m.start(mods_key)
    else:
        head_text, mods, mods_start = m.group(0), "", m.end()
    group, civilian = lex.victim_of(head_text)
    first_victim_end: int | None = None
    for vm in lex._re["victim"].finditer(mods):
        if first_victim_end is None:
            first_victim_end = vm.end()
        v = lex.victims.get(_norm(vm.group(0)))
        if group is None and v is not None and v.group != lex.neutral_group:
            group, civilian = v.group, v.group == lex.civilian_group
        if trim or group is not None:
            break
    has_victim = first_victim_end is not None or any(
        g.get(k) is not None for k in ("art", "det", "pron", "bn")
    )
    if g.get("dn2") is not None:
        v = lex.victims.get(_norm(g["dn2"]))
        if (v is not None and not v.singular) or _norm(g["dn2"]) in lex.not_persons:
            return None  # "killed the people", "killed the engine"
        has_victim = True
    # "2014" alone is a year, not a toll
    if g.get("c") is not None and re.fullmatch(r"(?:1[89]|20)\d\d", g["c"]) and not has_victim:
        return None
    end = m.end()
    if trim and mods_key == "mods":
        end = mods_start + first_victim_end if first_victim_end is not None else mods_start
    elif trim and mods_key in ("amods", "dmods"):
        end = mods_start
    return _Elem(m.start(), end, low, high, qualifier, group, civilian, has_victim, pos)


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
    groups = {e.group for e in elems}
    civs = {e.civilian for e in elems}
    quals = {e.qualifier for e in elems}
    return _Elem(
        start=min(e.start for e in elems),
        end=max(e.end for e in elems),
        low=_sum([e.low for e in elems]),
        high=_sum([e.high for e in elems]),
        qualifier=quals.pop() if len(quals) == 1 else "exact",
        group=groups.pop() if len(groups) == 1 else None,
        civilian=civs.pop() if len(civs) == 1 else None,
        has_victim=True,
        count_start=min(e.count_start for e in elems),
    )


def _window_start(text: str, pos: int) -> int:
    """Start of the clause that ends at ``pos`` (an open bracket also starts one)."""
    lo = max(0, pos - 240)
    start = lo
    for m in _CLAUSE_END.finditer(text, lo, pos):
        start = m.end()
    depth = 0
    for i in range(pos - 1, start - 1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i + 1
            depth -= 1
    return start


def _ends_with_victim(lex: CasualtyLexicon, phrase: str) -> bool:
    last: re.Match[str] | None = None
    for last in lex._re["victim"].finditer(phrase):  # noqa: B007
        pass
    return last is not None and not phrase[last.end() :].strip(" ,")


_NAME_WORDS = re.compile(r"(?:\s+[A-Z][\w'’/-]*){1,2}\s*$")


def _named_share(text: str, count_at: int, end: int, head_follows: bool) -> bool:
    """Whether "Nine ISGS" in "Nine ISGS and six JNIM militants were killed" shares the
    victim noun of the element after it: a count and one or two capitalised names."""
    if not head_follows:
        return False
    m = re.match(r"\S+", text[count_at:end])
    return m is not None and _NAME_WORDS.fullmatch(text, count_at + m.end(), end) is not None


def _object(
    lex: CasualtyLexicon, text: str, pos: int, pattern: re.Pattern[str], *, split: bool
) -> _Elem | None:
    """The victims after an active verb: "killing 3 soldiers and 2 civilians"."""
    m = pattern.match(text, pos)
    if m is None:
        return None
    first = _read_elem(m, lex, trim=not split)
    if first is None:
        return None
    if split:  # "shot two men dead": the tail closes the phrase
        first.end = m.end()
        return first
    elems = [first]
    nxt = lex._re["object_next"]
    while True:
        n = nxt.match(text, elems[-1].end)
        if n is None:
            break
        e = _read_elem(n, lex, trim=True)
        if e is None or not e.has_victim or lex._re["clause_next"].match(text, n.end()):
            break  # "killed 11 soldiers, and 32 others were injured": a new clause
        elems.append(e)
    return _merge(elems)


def _them(lex: CasualtyLexicon, text: str, pos: int, lo: int, verb: int) -> _Elem | None:
    """The victims of "executed them": the last count of the sentence before the verb."""
    m = lex._re["them"].match(text, pos)
    if m is None:
        return None
    start = max(0, verb - 240)
    for end in _CLAUSE_END.finditer(text, start, verb):
        start = end.end()
    last: tuple[int, int] | None = None
    for c in lex._re["count_any"].finditer(text, max(start, min(lo, verb)), verb):
        value = lex.numbers.parse(c.group("c"))
        if value is not None and not lex._re["date_before"].search(
            text, max(0, c.start() - 12), c.start()
        ):
            last = (c.start(), value)
    if last is None:
        return None
    at, value = last
    return _Elem(at, m.end(), value, value, "exact", None, None, True, at)


def _first_match(
    pattern: re.Pattern[str], text: str, starts: Sequence[int], lo: int, hi: int
) -> re.Match[str] | None:
    """``pattern.search(text, lo, hi)``, tried only at the candidate ``starts`` and at ``lo``'s
    first word (much faster than trying every character)."""
    first = _FIRST_WORD.search(text, lo, hi)
    i = bisect_left(starts, lo)
    j = bisect_left(starts, hi)
    cands = list(starts[i:j])
    if first is not None and (not cands or cands[0] != first.start()):
        cands.insert(0, first.start())
    for pos in cands:
        m = pattern.match(text, pos, hi)
        if m is not None:
            return m
    return None


_FIRST_WORD = re.compile(r"[^\W_][\w'’]*")


def _subject(
    lex: CasualtyLexicon, text: str, lo: int, hi: int, *, noun: bool, starts: Sequence[int]
) -> tuple[_Elem, bool] | None:
    """The victims before a passive verb or a noun, and whether an auxiliary was seen."""
    rx = lex._re
    has_aux = False
    head_end = hi
    singular = False
    relative = False
    if not noun:
        t = rx["tail"].search(text, max(lo, hi - 100), hi)
        if t is None:
            return None
        head_end = t.start()
        relative = t.group("rel") is not None
        a = rx["aux"].search(t.group("seq"))
        if a is not None:
            has_aux = True
            singular = _norm(a.group(0)) in lex.singular_aux
    pattern = rx["noun_subject"] if noun else rx["subject"]
    m = _first_match(pattern, text, starts, max(lo, head_end - 180), head_end)
    if m is None:
        if singular:
            s = _first_match(rx["subject_single"], text, starts, lo, head_end)
            if s is not None:
                e = _read_elem(s, lex, trim=False)
                if e is not None:
                    return e, has_aux
        return None
    if m.groupdict().get("bn") is not None and text[lo : m.start()].strip(" \"'“‘("):
        return None  # a bare noun subject only opens a clause: "Student shot dead"
    last = _read_elem(m, lex, trim=False)
    if last is None:
        return None
    elems = [last]
    cut = m.start()
    strict = rx["subject_strict"]
    while cut > lo and not relative:  # "a girl and a gendarme who later died": one
        s = _first_match(strict, text, starts, max(lo, cut - 160), cut)
        if s is None:
            break
        e = _read_elem(s, lex, trim=False)
        # a counted element must end with its victim noun: "three soldiers and ...",
        # not "two gunmen attacked and ..."
        if e is None or (e.low is None and e.high is None):
            break
        e.end = s.end("el")
        if not _ends_with_victim(lex, text[s.start("el") : e.end]) and not _named_share(
            text, e.count_start, e.end, len(elems) == 1 and last.has_victim
        ):
            break
        elems.insert(0, e)
        cut = s.start()
    return _merge(elems), has_aux


def _toll(lex: CasualtyLexicon, text: str, pos: int) -> _Elem | None:
    m = lex._re["toll"].match(text, pos)
    if m is None:
        return None
    value = lex.numbers.parse(m.group("c"))
    pos = m.start("c")
    if value is None or lex._re["date_before"].search(text, max(0, pos - 12), pos):
        return None
    qualifier = lex.qualifier(m.group("q"))
    return _Elem(
        start=pos,
        end=m.end(),
        low=None if qualifier == "up_to" else value,
        high=None if qualifier == "at_least" else value,
        qualifier=qualifier,
        group=None,
        civilian=None,
        has_victim=False,
        count_start=m.start("c"),
    )


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: Kind
    elem: _Elem
    priority: int  # verbs 2 > tolls 1 > nouns 0
    reference: bool = False
    definitive: bool = False
    subset: bool = False


def _fold_strings(value: Any) -> Any:
    if isinstance(value, str):
        return fold_arabic(value)
    if isinstance(value, list):
        return [_fold_strings(v) for v in value]
    if isinstance(value, dict):
        return {_fold_strings(k): _fold_strings(v) for k, v in value.items()}
    return value


def find_casualties(text: str, *, lexicon: CasualtyLexicon) -> list[CasualtyMention]:
    """Every phrase of ``text`` that reports people killed or injured, in text order.

    An Arabic lexicon matches the normalised text; offsets and quoted text are
    the original's.
    """
    if not text:
        return []
    if not lexicon.fold:
        return _find(text, lexicon)
    normal, offsets = normalise_arabic(text)
    out = []
    for m in _find(normal, lexicon):
        start, end = offsets[m.start], offsets[m.end - 1] + 1 if m.end > m.start else offsets[m.end]
        out.append(replace(m, start=start, end=end, text=text[start:end]))
    return out


def _find(text: str, lexicon: CasualtyLexicon) -> list[CasualtyMention]:
    lex = lexicon
    rx = lex._re
    cands: list[_Candidate] = []
    scan = lex._scan
    index = WordIndex.of(text)
    elem_starts = scan["subject"].starts(index)
    for tm in scan["trigger"].finditer(text, index=index):
        phrase = _norm(tm.group(0))
        s, e = tm.start(), tm.end()
        combined = lex.combined.get(phrase)
        kinds_roles: dict[Kind, set[str]] = {}
        for kind, role in lex.roles.get(phrase, ()):
            kinds_roles.setdefault(kind, set()).add(role)
        if combined is not None:
            for kind in _KINDS:
                kinds_roles.setdefault(kind, set()).update(combined)
        verbal = {"active", "nominal", "split_active", "passive", "intransitive"}
        irrealis = (
            rx["irrealis"].search(text, max(0, s - 30), s) is not None
            and rx["realis"].search(text, max(0, s - 40), s) is None
        )
        aux_before = rx["aux_before"].search(text, max(0, s - 60), s) is not None
        lo = _window_start(text, s)
        for kind, roles in kinds_roles.items():
            if irrealis:
                roles = roles - verbal
            found: tuple[_Elem, int, int] | None = None  # phrase, its end, priority
            reference = False
            if roles & {"active", "nominal"} and not aux_before:
                el = _object(lex, text, e, rx["object"], split=False)
                if el is not None:
                    found = (el, el.end, 2)
                    if "nominal" in roles:
                        reference = rx["reference"].search(text, max(lo, s - 50), s) is not None
            if found is None and "active" in roles and not aux_before:
                el = _them(lex, text, e, lo, s)
                if el is not None:
                    found = (el, el.end, 2)
            if found is None and "split_active" in roles and ("split:" + phrase) in rx:
                el = _object(lex, text, e, rx["split:" + phrase], split=True)
                if el is not None:
                    found = (el, el.end, 2)
            if found is None and roles & {"passive", "intransitive"}:
                sub = _subject(lex, text, lo, s, noun=False, starts=elem_starts)
                if sub is not None:
                    el, has_aux = sub
                    ok = True
                    if "intransitive" not in roles and not has_aux and "active" in roles:
                        # "two militants killed civilians": an object follows, not a passive
                        ok = rx["follower"].match(text, e) is not None
                    if ok:
                        found = (el, e, 2)
            if found is None and "nouns" in roles:
                sub = _subject(lex, text, lo, s, noun=True, starts=elem_starts)
                if sub is not None:
                    found = (sub[0], e, 0)

            if found is None and "tolls" in roles:
                el = _toll(lex, text, e)
                if el is not None:
                    found = (el, el.end, 1)
            if found is None:
                continue
            el, end, prio = found
            if combined is not None and el.high is not None:
                # "killed or injured 5": between 0 and 5 of each kind
                el = replace(el, low=0, qualifier="up_to")
            start = min(s, el.start)
            end = max(end, el.end)
            before = max(lo, start - 60)
            if rx["reference_any"].search(text, before, start):
                reference = True
            if rx["reference_after"].match(text, end):
                reference = True  # "a journalist killed in 1998", "killed last month"
            subset = rx["subset_before"].search(text, max(0, start - 20), start) is not None
            total = rx["total_before"].search(text, max(0, el.count_start - 40), el.count_start)
            after = rx["total_after"].match(text, end)
            if after is not None:
                end = after.end()
            cands.append(
                _Candidate(
                    start,
                    end,
                    kind,
                    el,
                    prio,
                    reference=reference,
                    definitive=total is not None or after is not None,
                    subset=subset,
                )
            )

    # A number belongs to one reading: verbs beat tolls beat nouns.
    best: dict[tuple[int, Kind], _Candidate] = {}
    top: dict[int, int] = {}
    for cand in cands:
        key = (cand.elem.count_start, cand.kind)
        if key not in best or cand.priority > best[key].priority:
            best[key] = cand
        top[cand.elem.count_start] = max(top.get(cand.elem.count_start, -1), cand.priority)
    chosen = [c for c in best.values() if c.priority >= top[c.elem.count_start]]

    # Revised and coded tolls: "the death toll rose to 7", "fatalities coded as 3".
    finals = {dm.start("c"): dm for dm in scan["definitive"].finditer(text, index=index)}
    covered = set()
    for cand in chosen:
        if cand.kind == "killed" and cand.elem.count_start in finals:
            cand.definitive = True
        if cand.kind == "killed":
            covered.add(cand.elem.count_start)
    for pos, dm in finals.items():
        value = lex.numbers.parse(dm.group("c"))
        if pos in covered or value is None:
            continue
        ql = lex.qualifier(dm.group("q"))
        el = _Elem(
            dm.start(),
            dm.end(),
            None if ql == "up_to" else value,
            None if ql == "at_least" else value,
            ql,
            None,
            None,
            False,
            pos,
        )
        chosen.append(_Candidate(dm.start(), dm.end(), "killed", el, 1, definitive=True))

    split = _split_count(text, lex, index)
    specials = _zero_and_unknown(text, lex, index)
    zero_spans = [(z.start, z.end) for z in specials if z.low == 0]
    mentions: list[CasualtyMention] = []
    for cand in chosen:
        el = cand.elem
        if any(a <= el.count_start < b for a, b in zero_spans):
            continue  # "no one was killed" is not "one was killed"
        qualifier = _QUALIFIER_OF.get(el.qualifier, "exact")
        if qualifier == "exact" and rx["also"].search(text, cand.start, cand.end):
            qualifier = "additional"  # "two civilians were also killed"
        mentions.append(
            CasualtyMention(
                start=cand.start,
                end=cand.end,
                text=text[cand.start : cand.end],
                kind=cand.kind,
                low=el.low,
                high=el.high,
                qualifier=qualifier,
                civilian=el.civilian,
                side=el.group,
                reference=cand.reference,
                definitive=cand.definitive,
                subset=cand.subset,
                attributed=_attributed(text, cand.start, cand.end, lex),
                split=_split_of(split, cand, el.count_start),
            )
        )
    mentions.extend(specials)
    mentions.sort(key=lambda m: (m.start, m.end, m.kind))
    return _mark_aggregate(text, mentions, lex, index)


def _split_count(text: str, lex: CasualtyLexicon, index: WordIndex) -> tuple[int, int, bool] | None:
    """The number of coded events the text says its fatalities are split across, where
    it says so, and whether it covers only the figures after it ("This was one of
    three related attacks. Six assailants were killed across the three raids")."""
    m = lex._scan["split_count"].search(text, index=index)
    if m is None:
        return None
    n = lex.numbers.parse(m.group("c"))
    if n is None or not 1 < n <= 100:
        return None
    return n, m.start(), m.group("verb") is None


def _split_of(split: tuple[int, int, bool] | None, cand: _Candidate, count_at: int) -> int | None:
    """The split that applies to one candidate figure, if any."""
    if split is None or cand.kind != "killed":
        return None
    n, at, after_only = split
    if after_only and count_at < at:
        return None  # a figure given before "one of three attacks" is this event's own
    if cand.definitive and count_at > at and not after_only:
        # "38 fatalities split across four events and coded as 10": the share already
        return None
    return n


def _attributed(text: str, start: int, end: int, lex: CasualtyLexicon) -> bool:
    """Whether the clause around [start, end) attributes the figure to a source."""
    lo = max(0, start - 120)
    for m in _COMMA_END.finditer(text, lo, start):
        lo = m.end()
    hi_m = _COMMA_END.search(text, end, min(len(text), end + 120))
    hi = hi_m.start() if hi_m else min(len(text), end + 120)
    return lex._re["attribution"].search(text, lo, hi) is not None


def _zero_and_unknown(text: str, lex: CasualtyLexicon, index: WordIndex) -> list[CasualtyMention]:
    out: list[CasualtyMention] = []
    seen: set[tuple[int, int, str]] = set()
    for m in lex._scan["zero"].finditer(text, index=index):
        word = m.group("z") if m.group("z") is not None else m.group("zv")
        for kind in lex.zero_kinds.get(_norm(word), ()):
            if (m.start(), m.end(), kind) not in seen:
                seen.add((m.start(), m.end(), kind))
                out.append(CasualtyMention(m.start(), m.end(), m.group(0), kind, 0, 0))
    for m in lex._scan["unknown"].finditer(text, index=index):
        word = m.group("u1") or m.group("u2") or m.group("u3") or ""
        for kind in lex.unknown_kinds.get(_norm(word), ()):
            if (m.start(), m.end(), kind) not in seen:
                seen.add((m.start(), m.end(), kind))
                out.append(CasualtyMention(m.start(), m.end(), m.group(0), kind, None, None))
    return out


def _mark_aggregate(
    text: str, mentions: list[CasualtyMention], lex: CasualtyLexicon, index: WordIndex
) -> list[CasualtyMention]:
    """Flag mentions in sentences about a pattern over time, or about an earlier death."""
    if not mentions:
        return mentions
    agg = [m.start() for m in lex._scan["aggregate"].finditer(text, index=index)]
    ref = [m.start() for m in lex._scan["reference_sentence"].finditer(text, index=index)]
    if not agg and not ref:
        return mentions
    sentences = split_sentences(text)
    out: list[CasualtyMention] = []
    for m in mentions:
        sent = next((s for s in sentences if s.start <= m.start < s.end), None)
        if sent is None:
            out.append(m)
            continue
        is_agg = any(sent.start <= p < sent.end for p in agg)
        is_ref = any(sent.start <= p < sent.end for p in ref)
        if is_agg or is_ref:
            m = replace(m, aggregate=m.aggregate or is_agg, reference=m.reference or is_ref)
        out.append(m)
    return out


# --------------------------------------------------------------------------- combining


def _field(kind: Kind, civilian_only: bool) -> str:
    if civilian_only:
        return "civilian_fatalities" if kind == "killed" else "civilian_injuries"
    return "fatalities" if kind == "killed" else "injuries"


def _value(m: CasualtyMention) -> int:
    return m.high if m.high is not None else (m.low or 0)


def _by_side(base: Sequence[CasualtyMention]) -> dict[str, int]:
    """The lowest figure of each named victim group, from unattributed mentions."""
    sides: dict[str, int] = {}
    for m in base:
        if m.side is None or m.attributed or m.low is None or m.low <= 0:
            continue
        sides[m.side] = min(sides.get(m.side, m.low), m.low)
    return sides


def _share(value: int, parts: int) -> int:
    """One coded event's share of a figure split across ``parts`` events (half up)."""
    return (2 * value + parts) // (2 * parts)


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
      reported; "between 3 and 5" gives 3 / 3 / 5; "killed or injured 4"
      gives 0 / 0 / 4 unless a number of dead is reported elsewhere.
    - "another 3" (qualifier ``additional``) attributed to a source in its
      clause ("media spoke of another three victims") is a competing report:
      it is added to the base for ``high`` only. Without attribution ("2
      more died in hospital") it adds to every figure. Alone, it is the base.
    - A ``definitive`` toll or total ("the death toll rose to 7", "5 dead in
      total", "fatalities coded as 3") is the best figure (the last one when
      several); ``low`` / ``high`` still span every figure.
    - An explicit zero ("no casualties") counts only when no one is
      reported killed (resp. injured) anywhere else.
    - Mentions without a number ("others were injured", "casualties
      unknown") give nothing: unknown stays None.
    - ``civilian_only`` keeps mentions whose victims are civilians (an
      "another N" mention with unknown victims follows its base) and labels
      the evidence ``civilian_fatalities``.
    - Mentions about a pattern over time (``aggregate``) or an earlier event
      (``reference``) are skipped unless ``include_aggregate``; parts of a
      figure given before (``subset``: "including five burned alive") always.
    """
    field_name = _field(kind, civilian_only)
    pool = [
        m
        for m in mentions
        if m.kind == kind
        and m.known
        and not m.subset
        and (include_aggregate or not (m.aggregate or m.reference))
    ]
    if civilian_only:
        base = [m for m in pool if m.qualifier != "additional"]
        all_civ = bool(base) and all(m.civilian is True for m in base)
        pool = [
            m
            for m in pool
            if m.civilian is True
            or (m.qualifier == "additional" and m.civilian is None and all_civ)
        ]
    if not pool:
        return Figures(), []
    finals = [m for m in pool if m.definitive]
    positive = [m for m in pool if _value(m) > 0]
    if positive and not (finals and _value(max(finals, key=lambda m: m.start)) == 0):
        pool = positive
        finals = [m for m in pool if m.definitive]
    base = [m for m in pool if m.qualifier != "additional"]
    extra = [m for m in pool if m.qualifier == "additional"]
    if not base:
        base, extra = extra, []
    lows = [m.low for m in base if m.low is not None]
    highs = [_value(m) for m in base]
    low: int | None
    if lows:
        # a reported number beats the 0 of "killed or injured 5"
        low = min([v for v in lows if v > 0] or lows)
        best = low
    else:  # only "up to N" figures: N is all that is reported
        low = None
        best = min(highs)
    sides = _by_side(base)
    if len(sides) > 1:
        # "four soldiers were killed ... eighty militants were killed": different
        # victim groups reported apart are added (each group's lowest figure)
        summed = sum(sides.values())
        unnamed = [m.low for m in base if m.side is None and m.low]
        best = max(summed, min(unnamed)) if unnamed else summed
        low = best
    told = sum(_value(m) for m in extra if not m.attributed)
    claimed = sum(_value(m) for m in extra if m.attributed)
    high = max(max(highs), best) + told + claimed
    best += told
    if low is not None:
        low += told
    if finals:  # the last revised / coded toll or total supersedes the other figures
        last = max(finals, key=lambda m: m.start)
        best = last.low if last.low is not None else _value(last)
        low = min(low, best) if low is not None else best
        high = max(max(highs), best)
    if finals:
        split = max(finals, key=lambda m: m.start).split
    else:
        split = max((m.split for m in pool if m.split), default=None)
    if split:  # "fatalities split across three events": this event's share
        best, high = _share(best, split), _share(high, split)
        low = None if low is None else _share(low, split)
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
