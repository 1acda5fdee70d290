"""Where did the event happen? Pick the event's place from a text with a gazetteer.

:func:`extract_place` reads the place names, demonyms, features, border and
direction phrases of a text (see :meth:`Gazetteer.find_mentions`), chooses the
one that places the event (preferring the event's own sentences, passed as
``focus`` spans) and resolves it to a gazetteer entry using what else the text
says: the regions named next to the place ("Town (Admin2, Admin1)", "Town,
X region"), the countries the text names (by name or demonym), then population.
The gazetteer's learned prior (:mod:`corroborate.extract.place_prior`: where
a text's words, not its place names, say it is) weighs in as a context
country, rules out far homonyms of unknown villages, and, when no name places
the event, gives the likely region or country at geo_precision 3.

The result follows ACLED's conventions: ``geo_precision`` 1 for the named
town itself, 2 for "near" a town or a small part of a region, 3 for a larger
region, a border area, a natural feature or a country; country names are
ISO 3166-1 short names. Nothing found, and no confident prior, gives ``None``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

from corroborate.extract.gazetteer import (
    Gazetteer,
    Place,
    PlaceMention,
    normalise_name,
    strip_article,
)
from corroborate.extract.place_prior import PlacePrior
from corroborate.model import Evidence

__all__ = [
    "EXTRACTOR",
    "VERSION",
    "PlaceHints",
    "PlaceResult",
    "extract_place",
]

#: The extractor name carried by the evidence this module produces.
EXTRACTOR: Final[str] = "places.gazetteer"
#: Its version.
VERSION: Final[str] = "1"


@dataclass(frozen=True, slots=True)
class PlaceHints:
    """What the caller already knows that helps to place the event.

    ``countries``: ISO alpha-2 codes or names likely to be involved (the
    outlet's country, the actors' countries): a weak preference.
    ``exclude``: character spans of the text that are not places (person or
    organisation names found by another extractor).
    """

    countries: tuple[str, ...] = ()
    exclude: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceResult:
    """The event's place, ACLED style, with the evidence for each value."""

    country: str | None
    country_code: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    place: Place | None = None
    evidence: tuple[Evidence, ...] = field(default=())

    def to_fields(self) -> dict[str, Any]:
        """The place fields of the ``extract`` output contract."""
        return {
            "country": self.country,
            "admin1": self.admin1,
            "location": self.location,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "geo_precision": self.geo_precision,
        }


# --------------------------------------------------------------------------- #
# Patterns
# --------------------------------------------------------------------------- #

_GEO_NOUN = (
    r"village|villages|town|city|locality|localities|commune|area|region|province|district|"
    r"department|cercle|municipality|county|state|neighbou?rhood|hamlet|camp|market|"
    r"outskirts|vicinity|environs|surroundings|countryside|suburbs?|outpost|base|axis|road"
)
_LOCATIVE = re.compile(
    rf"(?:\b(?:in|at|near|nearby|around|outside|inside|on|into|onto|towards?|between|across|"
    r"coded\s+(?:as|to|at)|"
    rf"along|off|within|close\s+to|(?:west|east|north|south)\s+of|(?:{_GEO_NOUN})\s+of)"
    r"\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2})$",
    re.IGNORECASE,
)
_NEAR_BEFORE = re.compile(
    r"(?:\b(?:near|nearby|around|outside|close\s+to|coded\s+(?:as|to|at)|outskirts\s+of|"
    r"vicinity\s+of|environs\s+of|"
    r"surroundings\s+of|(?:north|south|east|west|northeast|northwest|southeast|southwest|"
    r"north-east|north-west|south-east|south-west)(?:ern)?\s+(?:of|from)|"
    r"kilometr?e?s?\s+(?:from|of)|km\s+(?:from|of)|miles\s+(?:from|of)|"
    r"(?:area|region|district|countryside|surroundings|axis|road|route)\s+of|between)"
    r"\s+(?:the\s+)?(?:town\s+of\s+|village\s+of\s+|city\s+of\s+|locality\s+of\s+)?)$",
    re.IGNORECASE,
)
_NEAR_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:area|areas|district|commune|department|cercle|region|county|"
    r"municipality|prefecture|sub-?prefecture|regency|axis|road|outskirts|environs|"
    r"surroundings|vicinity|countryside|tehsil|upazila|woreda|zone|sector|circle|"
    r"rural\s+commune|localities|and\s+surroundings)\b",
    re.IGNORECASE,
)
_REGION_AFTER = re.compile(
    r"^\s+(?:region|province|state|governorate|oblast|division|wilaya)\b", re.IGNORECASE
)
_REGION_BEFORE = re.compile(
    r"\b(?:region|province|state|governorate|wilaya|oblast)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
_ADMIN2_AFTER = re.compile(
    r"^\s+(?:district|cercle|department|county|municipality|prefecture|regency|commune|"
    r"circle|woreda|tehsil|upazila|raion)\b",
    re.IGNORECASE,
)
_CUE_GAP = re.compile(
    r"^(?:\s*(?:region|province|state|governorate|district|cercle|department|county|"
    r"municipality|commune|prefecture|regency|city|town|village|woreda|zone))?"
    r"\s*,\s*(?:in\s+|of\s+)?(?:the\s+)?(?:(?:region|province|state|governorate|district|"
    r"cercle|department|county|municipality|commune|prefecture|circle)\s+of\s+)?$",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\(([^()]{2,120})\)")
_REGION_WORD = re.compile(
    r"\s+(?:region|province|state|district|cercle|department|county|municipality|commune|"
    r"prefecture|regency|governorate|city|town|village|area|zone|woreda|township|LGA)$",
    re.IGNORECASE,
)
_BORDER = re.compile(r"\b(?:borders?|frontiers?|borderlands?)\b", re.IGNORECASE)
_BORDER_AFTER = re.compile(
    r"^\s*(?:area|region|zone|areas|regions|zones)?\s*(?:with|of|between|shared\s+with)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_BORDER_BEFORE = re.compile(
    r"^\s*(?:(?:'s|’s)\s+)?(?:(?:northern|southern|eastern|western|north-?eastern|"
    r"north-?western|south-?eastern|south-?western|common|shared|porous|desert|long)\s+)*$",
    re.IGNORECASE,
)
_AND = re.compile(r"^\s*(?:and|-|–|/)\s*(?:the\s+)?$", re.IGNORECASE)
_DIR = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west|centre|center)"
_DIR_BEFORE = re.compile(
    rf"\b(?:{_DIR}(?:ern)?|central)\s+(?:parts?\s+of\s+)?(?:the\s+)?$", re.IGNORECASE
)
_DIR_OF_BEFORE = re.compile(rf"\bthe\s+{_DIR}\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_DIR_AFTER = re.compile(rf"^(?:'s|’s)\s+{_DIR}(?:ern)?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])|\n")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"^[ \t]+([^\W\d_][\w'’-]*)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION: Final[frozenset[str]] = _words(
    """the a an in on at near from to of and or for by with during after before since between
    around outside inside across as when while this that these those some several many two
    three four five six seven eight nine ten dozens hundreds both its their his her our it
    they he she we but if then also meanwhile later earlier today yesterday tonight last next
    each every all most other another following northern southern eastern western central via
    into onto upon within against toward towards among amid over under about per"""
)
_GEO_WORDS: Final[frozenset[str]] = _words(
    """region province district city town village state county commune cercle department
    municipality prefecture governorate area camp border river valley mountains mountain
    forest lake airport market road highway bridge station hospital prison base neighbourhood
    neighborhood quarter sector zone axis island islands hills desert plateau"""
)
_TITLE: Final[frozenset[str]] = _words(
    """mr mrs ms dr president minister general colonel captain major lieutenant sergeant
    commander chief king queen prince emir sheikh imam mayor governor senator judge officer
    sultan pope bishop spokesman spokesperson leader deputy ambassador secretary director
    professor prof lt col gen cpl sgt capt maj brig"""
)
_PERSON_LINK: Final[frozenset[str]] = frozenset({"ould", "ag", "bin", "ibn", "wuld"})
_NAME_LINK: Final[frozenset[str]] = frozenset({"de", "del", "do", "da", "dos", "das", "di", "du"})
_BIG_PLACE: Final[int] = 50_000

_Rank = Callable[[int], int]
_Cue = tuple[list[Place], int, int]  # places named, start, end


# --------------------------------------------------------------------------- #
# Working objects
# --------------------------------------------------------------------------- #


@dataclass(slots=True)
class _Cand:
    """A way to place the event: a mention, a parenthesis, a border or direction phrase."""

    start: int
    end: int
    focus_rank: int
    sentence: int
    kind: str  # "mention" | "group" | "border" | "direction"
    locative: bool = False
    place: Place | None = None
    score: float = 0.0
    precision: int | None = None
    admin1_span: tuple[int, int] | None = None
    country_span: tuple[int, int] | None = None
    confirmed: bool = False  # regions named with it agree, or it comes from named countries
    credible: bool = False  # named by its own name (not an alternate name) or confirmed
    partial: bool = False  # part of a hyphenated name ("Kani" of "Kani-Bonzon")

    @property
    def specific(self) -> bool:
        return self.place is not None and self.place.kind in ("city", "supplement", "admin2")


@dataclass(slots=True)
class _Context:
    """Which countries the text is about, and how strongly."""

    weights: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    explicit: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: the part of it not from demonyms ("Russian forces" says who, not where)
    named: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: the part of that the text says is where (country names, features, regions)
    placed: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    border_only: set[str] = field(default_factory=set)

    @property
    def top(self) -> float:
        return max(self.weights.values(), default=0.0)

    def best(self, *, exclude: str | None = None) -> str | None:
        ranked = sorted(self.weights.items(), key=lambda kv: -kv[1])
        return next((c for c, w in ranked if c != exclude and w > 0), None)

    def strong(self) -> set[str]:
        """Countries the text names (by name, demonym, feature) about as often as the most."""
        top = max(self.explicit.values(), default=0.0)
        return {c for c, w in self.explicit.items() if top > 0 and w >= 0.5 * top}


# --------------------------------------------------------------------------- #
# The extractor
# --------------------------------------------------------------------------- #


def extract_place(
    text: str,
    *,
    gazetteer: Gazetteer,
    focus: Sequence[tuple[int, int]] | None = None,
    hints: PlaceHints | None = None,
) -> PlaceResult | None:
    """The place of the event a text reports, or None when the text does not say.

    ``text`` is the whole document (or the part the caller has); ``focus`` are
    the character spans of the sentences that report the event, most important
    first (default: the whole text, where the first sentence naming a place
    wins). Places outside the focus only tell which countries the text is
    about. Evidence offsets are offsets into ``text``.
    """
    hints = hints or PlaceHints()
    spans = [(max(0, s), min(len(text), e)) for s, e in (focus or [(0, len(text))])]
    spans = [(s, e) for s, e in spans if e > s] or [(0, len(text))]
    sentences = _sentences(text)

    def rank(pos: int) -> int:
        for i, (s, e) in enumerate(spans):
            if s <= pos < e:
                return i
        return 1000

    def sentence(pos: int) -> int:
        for i, (s, e) in enumerate(sentences):
            if s <= pos < e:
                return i
        return len(sentences)

    # a mention inside a name another extractor found (a person) is no place; one that
    # only overlaps it ("occupied Sahrawi lands" around a mis-tagged "Sahrawi") still is,
    # and so is one the text plainly uses as a place ("students in Batie", "a bar in
    # Gorom-Gorom (Gorom-Gorom, Oudalan)"), which statistical taggers often call persons
    all_mentions = gazetteer.find_mentions(text)
    mentions = [m for m in all_mentions if not _excluded(m, text, hints.exclude)]
    actors = gazetteer.actor_countries(text)
    embedded = {
        i
        for i, m in enumerate(mentions)
        if _is_embedded(text, m, gazetteer)
        or (
            not m.demonym
            and any(s <= m.start and m.end <= e and e - s > m.end - m.start for s, e, _ in actors)
        )
    }
    ctx = _context(mentions, embedded, hints, gazetteer, rank, actors)
    prior = gazetteer.place_prior(text)
    if prior is not None:
        _apply_prior(ctx, prior)

    # "Town (Admin2, Admin1)" and "Village (Admin3, Admin2)": parentheses naming regions.
    # The regions they name, read together, tell the country first ("(Peni, Houet)":
    # Houet is a province of Burkina Faso, whatever else "Peni" may be).
    parens: list[tuple[re.Match[str], list[_Cue]]] = []
    for par in _PAREN.finditer(text):
        if rank(par.start()) >= 1000:
            continue
        if any(s <= par.start(1) and par.end(1) <= e for s, e in hints.exclude):
            continue  # "(FAMa)": an actor's acronym, not a region
        if any(s <= par.start(1) and par.end(1) <= e for s, e, _ in actors):
            continue
        cues = _paren_cues(par, gazetteer)
        if cues:
            parens.append((par, cues))
    cands: list[_Cand] = []
    consumed: set[int] = set()
    framed: list[tuple[re.Match[str], list[_Cue], int | None, bool]] = []  # +regional
    for par, cues in parens:
        owner = next(
            (
                i
                for i, m in enumerate(mentions)
                if m.end <= par.start() and _PAREN_GAP.fullmatch(text[m.end : par.start()])
            ),
            None,
        )
        if owner is not None and (owner in embedded or mentions[owner].demonym):
            owner = None
        frame = _frame(cues, ctx, text, mentions[owner] if owner is not None else None)
        if frame is None:
            continue
        cc, kept, decisive, is_regional = frame
        if decisive:
            ctx.weights[cc] += 2.5
            ctx.explicit[cc] += 2.5
            ctx.named[cc] += 2.5
            ctx.placed[cc] += 2.5
        framed.append((par, kept, owner, is_regional))

    for par, cues, owner, is_regional in framed:
        consumed.update(i for i, m in enumerate(mentions) if par.start() < m.start < par.end())
        if not is_regional:
            # "(Greytown)", "(Tyr)": another name of the town, or of its district
            found = _alias_paren(par, cues, owner, mentions, text, gazetteer, ctx, rank, sentence)
            if found is not None:
                if owner is not None:
                    consumed.add(owner)
                cands.append(found)
            continue
        if owner is not None:
            consumed.add(owner)
            m = mentions[owner]
            c = _Cand(m.start, m.end, rank(m.start), sentence(m.start), "mention")
            c.locative = _LOCATIVE.search(text[max(0, m.start - 60) : m.start]) is not None
            _resolve_mention(c, m, text, gazetteer, ctx, cues)
            cands.append(c)
        else:
            found = _named_before(
                par, cues, text, gazetteer, rank(par.start()), sentence(par.start())
            )
            if found is None:
                found = _group(par, cues, ctx, rank(par.start()), sentence(par.start()))
            if found is not None:
                cands.append(found)

    for idx, m in enumerate(mentions):
        if idx in consumed or idx in embedded or rank(m.start) >= 1000 or m.demonym:
            continue
        chain: list[_Cue] = []
        j, last = idx + 1, m.end
        while j < len(mentions) and _CUE_GAP.match(text[last : mentions[j].start]):
            nxt = mentions[j]
            regional = [p for p in nxt.places if p.kind in ("admin1", "admin2", "country")]
            if nxt.demonym or not regional:
                break
            # all its readings: "Bobo-Dioulasso, Kaya, Ouahigouya" lists towns of one
            # country (Kaya is also a department of Chad)
            chain.append((list(nxt.places), nxt.start, nxt.end))
            consumed.add(j)
            last = nxt.end
            j += 1
        if chain:
            frame = _frame(chain, ctx, text, m)
            chain = frame[1] if frame is not None and frame[3] else []
        c = _Cand(m.start, m.end, rank(m.start), sentence(m.start), "mention")
        c.locative = _LOCATIVE.search(text[max(0, m.start - 60) : m.start]) is not None
        unknown = _region_of_unknown(text, m, gazetteer)
        _resolve_mention(c, m, text, gazetteer, ctx, chain, region_of_unknown=bool(unknown))
        if unknown:
            c.locative = True
            if c.place is not None and c.place.kind in ("admin1", "admin2"):
                _misspelt_town(c, unknown, text, gazetteer)
        cands.append(c)

    for s, e in spans:
        for c in _borders(text, s, e, mentions, gazetteer, ctx):
            c.focus_rank, c.sentence = rank(c.start), sentence(c.start)
            cands.append(c)
        for c in _directions(text, s, e, mentions, gazetteer):
            c.focus_rank, c.sentence = rank(c.start), sentence(c.start)
            cands.append(c)

    for s, e in spans:
        for c in _unknown_names(text, s, e, mentions, cands, gazetteer, ctx):
            c.focus_rank, c.sentence = rank(c.start), sentence(c.start)
            cands.append(c)

    chosen = _choose(cands, ctx, gazetteer)
    if chosen is None:
        chosen = _country_only(all_mentions, set(), actors, ctx, gazetteer, rank)
    if prior is not None:
        chosen = _prior_fallback(chosen, prior, text, gazetteer, rank)
    if chosen is None:
        return None
    return _result(chosen, text, mentions, gazetteer, rank)


# --------------------------------------------------------------------------- #
# Context
# --------------------------------------------------------------------------- #


def _context(
    mentions: list[PlaceMention],
    embedded: set[int],
    hints: PlaceHints,
    gaz: Gazetteer,
    rank: _Rank,
    actors: Sequence[tuple[int, int, tuple[tuple[str, float], ...]]] = (),
) -> _Context:
    ctx = _Context()
    w = ctx.weights
    for idx, m in enumerate(mentions):
        in_focus = rank(m.start) < 1000
        damp = 0.3 if idx in embedded else 1.0
        if m.demonym or "country" in m.kinds:
            c = _mention_country(m)
            if c:
                weight = ((2.0 if m.demonym else 3.0) if in_focus else 1.0) * damp
                w[c] += weight
                ctx.explicit[c] += weight
                if not m.demonym:
                    ctx.named[c] += weight
                    ctx.placed[c] += weight
        elif m.feature:
            codes = {p.country_code for p in m.places if p.country_code}
            if len(codes) == 1:
                c = codes.pop()
                w[c] += 2.0 if in_focus else 0.5
                ctx.explicit[c] += 2.0 if in_focus else 0.5
                ctx.named[c] += 2.0 if in_focus else 0.5
                ctx.placed[c] += 2.0 if in_focus else 0.5
        elif idx not in embedded:
            codes = {
                p.country_code
                for p in m.places
                if p.country_code and (p.kind != "city" or p.population >= 1000)
            }
            if len(codes) == 1:
                w[codes.pop()] += 1.0 if in_focus else 0.3
    for h in hints.countries:
        hp = gaz.country(h)
        if hp is not None and hp.country_code:
            w[hp.country_code] += 2.0
            ctx.explicit[hp.country_code] += 2.0
    # armed groups and parties tied to countries: a prior, counted once per group
    seen: set[tuple[tuple[str, float], ...]] = set()
    for _s, _e, weights in actors:
        if weights in seen:
            continue
        seen.add(weights)
        for cc, wt in weights:
            w[cc] += wt
            ctx.explicit[cc] += wt
            ctx.named[cc] += wt
    return ctx


#: The learned prior (see :mod:`corroborate.extract.place_prior`): how much a
#: country's probability weighs against names in the text (a country named in
#: the focus weighs 3), and the probabilities it must reach to place an event
#: the names do not place (country, then first-level region); a town the names
#: chose is a far homonym when the prior's first country has PRIOR_OVERRIDE and
#: the town's country less than PRIOR_RULED_OUT. Tuned on ACLED dev notes held
#: out of the prior's training.
PRIOR_WEIGHT: Final[float] = 5.0
PRIOR_NAMED: Final[float] = 0.8
PRIOR_COUNTRY: Final[float] = 0.2
PRIOR_REGION: Final[float] = 0.2
PRIOR_OVERRIDE: Final[float] = 0.5
PRIOR_RULED_OUT: Final[float] = 0.01
#: ... and when the prior's first two countries hold PRIOR_SURE together, and the
#: town is smaller than HOMONYM_POPULATION (a big city is rarely a homonym).
PRIOR_SURE: Final[float] = 0.9
HOMONYM_POPULATION: Final[int] = 20_000
#: A town the names chose in the country of the prior's first region, elsewhere in
#: that country, is a homonym of a town of that region when the prior is this sure.
PRIOR_SAME_COUNTRY: Final[float] = 0.5
#: Countries below this probability add nothing to the context.
PRIOR_FLOOR: Final[float] = 0.2


def _apply_prior(ctx: _Context, prior: PlacePrior) -> None:
    for cc, p in prior.countries[:3]:
        if p < PRIOR_FLOOR:
            break
        ctx.weights[cc] += PRIOR_WEIGHT * p
        ctx.explicit[cc] += PRIOR_WEIGHT * p
        if p >= PRIOR_NAMED:
            ctx.named[cc] += PRIOR_WEIGHT * p


def _prior_fallback(
    chosen: _Cand | None, prior: PlacePrior, text: str, gaz: Gazetteer, rank: _Rank
) -> _Cand | None:
    """No place the names resolve, or only a country: the prior's region or country,
    at geo_precision 3, when it is confident enough. A town the names alone chose in
    a country the words all but rule out ("Tonka" in India for a note about JNIM) is
    a homonym: the same name in the prior's country, else the prior's region."""
    if prior.evidence is None:
        return chosen
    if chosen is not None and chosen.place is not None and chosen.place.kind != "country":
        _same_country_homonym(chosen, prior, text, gaz)
        top = prior.top_country
        cc = chosen.place.country_code
        if (
            top is None
            or cc is None
            or top[0] == cc
            or top[1] < PRIOR_OVERRIDE
            or prior.country(cc) >= PRIOR_RULED_OUT
            or sum(p for _, p in prior.countries[:2]) < PRIOR_SURE
            or chosen.confirmed
            or chosen.place.population >= HOMONYM_POPULATION
        ):
            return chosen
        name = text[chosen.start : chosen.end]
        for other, p in prior.countries[:2]:
            towns = gaz.fuzzy_lookup(name, country=other, edits=False) if p >= PRIOR_FLOOR else []
            if towns:
                chosen.place, chosen.kind = towns[0], "fuzzy"
                return chosen
        chosen = None
    if chosen is not None and (chosen.place is None or chosen.place.kind != "country"):
        return chosen
    cc = chosen.place.country_code if chosen is not None and chosen.place else None
    if cc is None:
        top = prior.top_country
        if top is None or top[1] < PRIOR_COUNTRY:
            return None
        cc = top[0]
    place: Place | None = None
    for rcc, name, p in prior.regions:
        if rcc == cc and p >= PRIOR_REGION:
            place = gaz.admin1(cc, name)
            break
    if place is None:
        if chosen is not None:
            return chosen
        place = gaz.country(cc)
        if place is None:
            return None
    start, end = prior.evidence
    c = _Cand(start, end, rank(start), 0, "prior")
    c.place, c.precision = place, 3
    if chosen is not None:
        c.start, c.end = chosen.start, chosen.end
        c.country_span = (chosen.start, chosen.end)
        c.admin1_span = prior.evidence
    return c


def _same_country_homonym(c: _Cand, prior: PlacePrior, text: str, gaz: Gazetteer) -> None:
    """ "Prymorske" of Zaporizhia for a note whose words say Donetsk: the town of
    that name in the region the prior is sure of, when no region was named with it."""
    p = c.place
    if p is None or c.confirmed or p.kind not in ("city", "supplement") or not prior.regions:
        return
    rcc, region, prob = prior.regions[0]
    if rcc != p.country_code or prob < PRIOR_SAME_COUNTRY or p.admin1 == region:
        return
    name = text[c.start : c.end]
    for q in gaz.lookup(name, country=rcc, kinds=(p.kind,)):
        if q.admin1 == region:
            c.place = q
            return


_PLAIN_LOCATIVE = re.compile(
    r"\b(?:in|at|near|around|outside|into|from|to|of)\s+(?:the\s+)?"
    r"(?:(?:village|town|city|locality|area|commune|department|district|region|province|"
    r"municipality|localities|villages|towns)\s+of\s+)?$",
    re.IGNORECASE,
)


def _excluded(m: PlaceMention, text: str, exclude: Sequence[tuple[int, int]]) -> bool:
    """True when ``m`` lies inside a span another extractor says is no place, unless
    that span starts with the mention and the text uses it as a place: after "in",
    "near", "the village of", or before the regions it lies in ("Sebba (Seno, Sahel)")."""
    spans = [(s, e) for s, e in exclude if s <= m.start and m.end <= e]
    if not spans:
        return False
    if any(s < m.start for s, _ in spans) or m.demonym:
        return True  # "Abdoulaye Kidal", "Burkinabe army"
    before = _PLAIN_LOCATIVE.search(text[max(0, m.start - 40) : m.start]) is not None
    after = re.match(r"[ \t]*\(\s*[A-Z]", text[m.end : m.end + 8]) is not None
    return not (before or after)


def _mention_country(m: PlaceMention) -> str | None:
    if m.demonym:
        return m.places[0].country_code if m.places else None
    for p in m.places:
        if p.kind == "country" or (p.kind == "feature" and p.key == "feat:western-sahara"):
            return p.country_code
    return None


def _is_embedded(text: str, m: PlaceMention, gaz: Gazetteer) -> bool:
    """True when the mention is part of a longer proper name ("Zahret Chinguetti")."""
    if m.demonym or m.feature:
        return False
    big = any(p.kind in ("country", "admin1") or p.population >= _BIG_PLACE for p in m.places)
    prev = _WORD_BEFORE.search(text[max(0, m.start - 40) : m.start])
    if prev is not None:
        word = prev.group(1)
        low = normalise_name(word)
        pos = m.start - len(prev.group(0))
        if low in _TITLE or low in _PERSON_LINK:
            return True
        if low in _NAME_LINK and not big:
            # "Mineral del Chico", "San Juan de Nicaragua": the tail of a longer name
            two = _WORD_BEFORE.search(text[max(0, pos - 40) : pos])
            if two is not None and two.group(1)[0].isupper():
                return True
        head = text[max(0, pos - 2) : pos].strip()
        starts_sentence = pos == 0 or head == "" or head[-1:] in ".!?:;\n"
        if (
            word[0].isupper()
            and low not in _FUNCTION
            and low not in _GEO_WORDS
            and not starts_sentence
            and gaz.demonym_country(word) is None
            and not big
        ):
            return True
    nxt = _WORD_AFTER.match(text[m.end : m.end + 40])
    if nxt is not None:
        word = nxt.group(1)
        low = normalise_name(word)
        if low in _PERSON_LINK:
            return True
        if (
            word[0].isupper()
            and low not in _FUNCTION
            and low not in _GEO_WORDS
            and gaz.demonym_country(word) is None
            and not big
            and not gaz.lookup(word, kinds=("country", "admin1", "admin2"))
        ):
            return True
    return False


# --------------------------------------------------------------------------- #
# Resolving one mention
# --------------------------------------------------------------------------- #

_PAREN_GAP = re.compile(r"[ \t]*")
_ARTICLES: Final[frozenset[str]] = frozenset({"al-", "el-", "al ", "el ", "ad-", "as-"})


def _paren_cues(par: re.Match[str], gaz: Gazetteer) -> list[_Cue]:
    cues: list[_Cue] = []
    base = par.start(1)
    pos = 0
    for part in par.group(1).split(","):
        lead = len(part) - len(part.lstrip())
        name = part.strip()
        start = base + pos + lead
        pos += len(part) + 1
        if not name or len(name) > 60 or not (name[0].isupper() or name[:3] in _ARTICLES):
            continue
        found = _cue_places(name, gaz)
        offset = 0
        if not found and "-" in name:
            # "Pobe-Mengao-Soum": the last known region of a hyphenated run
            for m in re.finditer(r"-\s*", name):
                found = [
                    p for p in _cue_places(name[m.end() :], gaz) if p.kind in ("admin1", "admin2")
                ]
                if found:
                    offset = m.end()
                    break
        if found:
            cues.append((found, start + offset, start + len(name)))
    return cues


_GENERIC_CUES: Final[frozenset[str]] = frozenset(
    {"north", "south", "east", "west", "centre", "center", "north east", "north west",
     "south east", "south west", "northeast", "northwest", "southeast", "southwest", "capital",
     "upper", "lower", "middle", "coast", "nord", "sud", "est", "ouest"}
)  # fmt: skip
#: How much a region of each kind says about the country, when names collide.
_LEVEL: Final[dict[str, float]] = {"admin1": 2.0, "admin2": 1.0, "country": 1.5, "city": 0.0}


def _cue_places(name: str, gaz: Gazetteer) -> list[Place]:
    kinds: tuple[str, ...] = ("admin1", "admin2", "country", "city", "supplement")
    if not any(ch.islower() for ch in name) and len(name) <= 6:
        kinds = ("admin1", "country")  # "(NISA)", "(VDP)": acronyms name groups, not towns
    return [p for p in gaz.lookup(_REGION_WORD.sub("", name)) if p.kind in kinds]


def _frame(
    cues: list[_Cue], ctx: _Context, text: str, owner: PlaceMention | None = None
) -> tuple[str, list[_Cue], bool, bool] | None:
    """The country the regions named together point to, and the cues kept there.

    "(Peni, Houet)": "Peni" is only known as a town of Bangladesh, "Houet" as a
    province of Burkina Faso; regions are trusted over towns, cues that agree
    (a town inside the region named next to it) over cues alone, then the
    countries the text is about. Also says whether the frame is decisive (two
    cues agree, or only one country has a region of that name) and whether it is
    regional at all ("(Greytown)" only gives another name of a town)."""
    # the town named before the regions counts too ("Mariupol, Donetsk" is in Ukraine),
    # but once: "Peni (Peni, Houet)" names the commune after its village
    groups = [ps for ps, _, _ in cues]
    names = [text[s0:e0] for _, s0, e0 in cues]
    # "(North)", "(East)": words that name a region somewhere only count with others
    # and a name given to regions of many countries ("Southern") says little about which
    votes = [
        0.0
        if normalise_name(n) in _GENERIC_CUES
        else 1.0 / math.sqrt(max(1, len({p.country_code for p in ps})))
        for n, ps in zip(names, groups, strict=True)
    ]
    if owner is not None and not owner.demonym:
        own = [
            p
            for p in owner.places
            if p.kind in ("city", "supplement", "admin2", "admin1") and _primary(p, owner.text)
        ]
        if own and not any(set(ps) & set(owner.places) for ps, _, _ in cues):
            groups = [own, *groups]
            names = [owner.text, *names]
            votes = [0.0, *votes]  # a village name only counts when a region agrees
    codes = {p.country_code for ps in groups for p in ps if p.country_code}
    if not codes:
        return None
    region_countries = {
        p.country_code for ps, _, _ in cues for p in ps if p.kind in ("admin1", "admin2")
    }
    best: tuple[tuple[float, ...], str, int] | None = None
    for cc in codes:
        per = [[p for p in ps if p.country_code == cc] for ps in groups]
        # a town known by another name ("Islamabad" is also an old name of Anantnag)
        # is weaker evidence than a region or a town's own name
        hits = sum(
            v if any(p.kind != "city" or _primary(p, n) for p in ps) else 0.6 * v
            for v, ps, n in zip(votes, per, names, strict=True)
            if ps
        )
        agree = 0
        for i, ps in enumerate(per):
            for qs in per[i + 1 :]:
                if ps and qs and any(_agrees(p, q) or _agrees(q, p) for p in ps for q in qs):
                    agree += 1
        level = sum(max((_LEVEL.get(p.kind, 0.0) for p in ps), default=0.0) for ps in per)
        weight = ctx.weights.get(cc, 0.0)
        pop = max((p.population for ps in per for p in ps), default=0)
        key = (float(hits + agree), float(weight > 0), level, weight, float(pop))
        if best is None or key > best[0]:
            best = (key, cc, agree)
    assert best is not None
    _key, cc, agree = best
    if _key[0] <= 0:
        return None  # "(CGT, FO, Sud, FSU)": nothing but generic words
    per = [[p for p in ps if p.country_code == cc] for ps, _, _ in cues]
    regional = bool(agree) or any(
        p.kind in ("admin1", "admin2", "country") for ps in per for p in ps
    )
    kept: list[_Cue] = []
    for i, ((_ps, s0, e0), ps) in enumerate(zip(cues, per, strict=True)):
        if not ps:
            continue
        others = [qs for j, qs in enumerate(per) if j != i and qs]
        fitting = [
            p for p in ps if any(any(_agrees(p, q) or _agrees(q, p) for q in qs) for qs in others)
        ]
        kept.append((fitting or ps, s0, e0))
    decisive = regional and (agree > 0 or region_countries == {cc})
    return cc, kept, decisive, regional


def _score(p: Place, ctx: _Context, cues: list[_Cue]) -> float:
    s = 0.0
    top = ctx.top
    if p.country_code and top > 0:
        s += 3.0 * ctx.weights.get(p.country_code, 0.0) / top
    for places, _, _ in cues:
        got = -2.0
        for q in places:
            if q.country_code != p.country_code:
                continue
            if (q.kind == "admin1" and q.name == p.admin1) or (
                q.kind == "admin2" and q.name == p.admin2
            ):
                got = max(got, 4.0)
            elif q.kind == "country":
                got = max(got, 2.0)
            else:
                d = p.distance_km(q)
                if d is not None and d < 60:
                    got = max(got, 3.0)
                elif q.kind in ("admin1", "admin2") and p.kind in ("admin1", "admin2"):
                    got = max(got, 0.5)
                else:
                    got = max(got, 0.0)
        s += got
    s += 0.4 * math.log10(p.population + 1)
    return s


_UNKNOWN_BEFORE = re.compile(
    r"(?:^|[^\w'’-])([A-Z][\w'’-]+)(?:[ \t]+(?:village|town|city|area|locality|camp|"
    r"township|commune))?[ \t]*(?:,|[ \t]in|[ \t]of)[ \t]+(?:the[ \t]+)?$"
)


def _region_of_unknown(text: str, m: PlaceMention, gaz: Gazetteer) -> tuple[int, int] | None:
    """The span of "Shadadah" in "Shadadah in Al-Hasakeh", "Sossobe, Mopti": a region
    named after a place the gazetteer does not know, so the region (not its same-name
    town) is meant, and the unknown name may be a misspelt town of it."""
    if not m.kinds & {"admin1", "admin2"}:
        return None
    base = max(0, m.start - 50)
    got = _UNKNOWN_BEFORE.search(text[base : m.start])
    if got is None:
        return None
    word = got.group(1)
    low = normalise_name(word)
    if (
        low in _FUNCTION
        or low in _MONTHS
        or gaz.is_stopword(word)
        or gaz.lookup(word)
        or gaz.demonym_country(word) is not None
    ):
        return None
    return base + got.start(1), base + got.end(1)


def _resolve_mention(
    c: _Cand,
    m: PlaceMention,
    text: str,
    gaz: Gazetteer,
    ctx: _Context,
    cues: list[_Cue],
    *,
    region_of_unknown: bool = False,
) -> None:
    """Pick the mention's entry: cues, then context countries, then population."""
    after = text[m.end : m.end + 40]
    region_after = (
        _REGION_AFTER.match(after) is not None
        or region_of_unknown
        or _REGION_BEFORE.search(text[max(0, m.start - 30) : m.start]) is not None
    )
    admin2_after = _ADMIN2_AFTER.match(after) is not None
    places = _feature_places(m, gaz, ctx) if m.feature else list(m.places)
    if cues:
        # the regions named with it decide: "Peni (Peni, Houet)" is no town of Bangladesh
        fitting = [p for p in places if all(any(_agrees(p, q) for q in ps) for ps, _, _ in cues)]
        if not fitting:
            fitting = [
                p for p in places if any(any(_agrees(p, q) for q in ps) for ps, _, _ in cues)
            ]
        if not fitting:
            _resolve_in_cues(c, m, text, gaz, ctx, cues)
            return
        places = fitting
    best: tuple[float, Place] | None = None
    for p in places:
        s = _score(p, ctx, cues)
        if p.kind == "supplement":
            s += 1.5
        elif p.kind == "city":
            s += 0.3
        elif p.kind == "admin1":
            s += 1.5 if region_after else -0.2
        elif p.kind == "admin2":
            s += 1.0 if admin2_after else -0.5
        elif p.kind == "country":
            s -= 0.5
        if not m.feature and not _primary(p, m.text):
            # "Boni" is an old name of Bonn, "Koro" a spelling of Coro: alternate names
            # are weaker evidence than a place's own name
            s -= 1.2 if p.kind == "city" else 0.4
        if best is None or s > best[0]:
            best = (s, p)
    if best is None:
        return
    score, place = best
    if place.kind in ("admin1", "admin2") and not region_after:
        town = _seat(place, places)  # "in Mopti" is the town, "Mopti region" the region
        if town is not None:
            place = town
    agreeing = [any(_agrees(place, q) for q in ps) for ps, _, _ in cues]
    if cues and not any(agreeing):
        _resolve_in_cues(c, m, text, gaz, ctx, cues)
        return
    # "Kani" of "Kani-Bonzon" is no town of Japan: part of a name is weak evidence
    c.partial = text[m.start - 1 : m.start] == "-" or text[m.end : m.end + 1] == "-"
    c.credible = m.feature or (_primary(place, m.text) and not c.partial)
    c.confirmed = bool(cues) and all(agreeing)
    c.place = place
    c.score = score
    if place.kind in ("city", "supplement"):
        near = (
            _NEAR_BEFORE.search(text[max(0, m.start - 60) : m.start]) is not None
            or _NEAR_AFTER.match(after) is not None
            or region_after
        )
        c.precision = 2 if near or normalise_name(place.name) not in _names_of(m) else 1
        if place.kind == "supplement" and not near:
            c.precision = place.geo_precision
    elif place.kind == "admin2":
        c.precision = 2
    else:
        c.precision = place.geo_precision if place.kind == "feature" else 3
    _cue_spans(c, cues)


def _primary(p: Place, name: str) -> bool:
    """True when ``name`` is the place's own name, give or take a transliteration
    ("Hama" for "Ḩamāh", "Al Amadiya" for "Al ‘Amādīyah"), not an alternate name."""
    key, own = normalise_name(name), normalise_name(p.name)
    if key == own:
        return True
    key, own = strip_article(key), strip_article(own)
    return key == own or _skeleton(key) == _skeleton(own)


@lru_cache(maxsize=1 << 16)
def _skeleton(key: str) -> str:
    """Spaces, doubled letters, "y" for "i" and a final "h" aside ("Hama" ~ "Hamah")."""
    s = re.sub(r"h\b", "", key).replace(" ", "").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", s)


def _resolve_in_cues(
    c: _Cand, m: PlaceMention, text: str, gaz: Gazetteer, ctx: _Context, cues: list[_Cue]
) -> None:
    """A name that is no known place of the regions named with it: a misspelling of
    one of their towns ("Shadadah" for "Ash Shaddadah"), else the regions themselves."""
    region = _innermost_region(cues)
    if region is not None and region.country_code:
        towns = gaz.fuzzy_lookup(m.text, country=region.country_code, within=region)
        if towns:
            c.place, c.score, c.confirmed, c.credible = towns[0], 2.0, True, True
            near = _NEAR_BEFORE.search(text[max(0, m.start - 60) : m.start]) is not None
            c.precision = 2 if near else 1
            _cue_spans(c, cues)
            return
    fallback = _from_cues(cues, ctx)
    if fallback is None:
        return
    c.place, c.score, c.confirmed, c.credible = fallback, 0.0, True, True
    c.precision = 2 if fallback.kind in ("city", "supplement") else 3
    _cue_spans(c, cues)


def _misspelt_town(c: _Cand, span: tuple[int, int], text: str, gaz: Gazetteer) -> None:
    """Turn a region candidate into the town of it an unknown name before it misspells."""
    region = c.place
    if region is None or region.country_code is None:
        return
    towns = gaz.fuzzy_lookup(text[span[0] : span[1]], country=region.country_code, within=region)
    if not towns:
        return
    c.admin1_span = c.admin1_span or ((c.start, c.end) if region.kind == "admin1" else None)
    c.start, c.end = span
    c.place, c.confirmed, c.credible = towns[0], True, True
    near = _NEAR_BEFORE.search(text[max(0, span[0] - 60) : span[0]]) is not None
    c.precision = 2 if near else 1


def _innermost_region(cues: list[_Cue]) -> Place | None:
    """The smallest region the cues name (an admin2 before an admin1)."""
    regions = [p for ps, _, _ in cues for p in ps if p.kind in ("admin2", "admin1")]
    regions.sort(key=lambda p: p.kind != "admin2")
    return regions[0] if regions else None


def _names_of(m: PlaceMention) -> set[str]:
    return {normalise_name(p.name) for p in m.places} | {m.key}


def _cue_spans(c: _Cand, cues: list[_Cue]) -> None:
    p = c.place
    if p is None:
        return
    inner: tuple[int, int] | None = None  # a second-level region of it: "(Peni, Houet)"
    for places, s0, e0 in cues:
        for q in places:
            if q.country_code != p.country_code:
                continue
            if q.kind == "admin1" and q.name == p.admin1 and c.admin1_span is None:
                c.admin1_span = (s0, e0)
            elif q.kind == "admin2" and q.admin1 == p.admin1 and inner is None:
                inner = (s0, e0)
            elif q.kind == "country" and c.country_span is None:
                c.country_span = (s0, e0)
    if c.admin1_span is None and p.admin1 is not None:
        c.admin1_span = inner


def _feature_places(m: PlaceMention, gaz: Gazetteer, ctx: _Context) -> list[Place]:
    """A shared feature ("the Sahel") in the country the text is about."""
    out = [p for p in m.places if p.country_code]
    if out:
        return out
    top = ctx.best()
    if top is None:
        return []
    name = m.places[0].name if m.places else m.text
    region = gaz.admin1(top, name)
    if region is not None:
        return [region]
    country = gaz.country(top)
    if country is None:
        return []
    return [
        Place(
            key=m.places[0].key if m.places else f"feat:{name}",
            name=name,
            kind="feature",
            country=country.country,
            country_code=country.country_code,
            latitude=country.latitude,
            longitude=country.longitude,
            geo_precision=3,
        )
    ]


def _seat(region: Place, places: list[Place]) -> Place | None:
    """The town of the same name inside a region (the seat that names it)."""
    for p in places:
        if p.kind not in ("city", "supplement") or p.country_code != region.country_code:
            continue
        if region.kind == "admin1" and p.admin1 == region.name:
            return p
        if region.kind == "admin2" and (p.admin2 == region.name or _near(p, region, 40)):
            return p
    return None


def _near(a: Place, b: Place, km: float) -> bool:
    d = a.distance_km(b)
    return d is not None and d <= km


def _agrees(p: Place, q: Place) -> bool:
    """True when p lies in q (or near it): "Koro" in "Mopti", a town near its cercle."""
    if p.country_code != q.country_code:
        return False
    if q.kind == "country":
        return True
    if q.kind == "admin1":
        return p.admin1 == q.name
    if q.kind == "admin2" and p.admin2 == q.name:
        return True
    return _near(p, q, 60)


def _from_cues(cues: list[_Cue], ctx: _Context) -> Place | None:
    """The most specific place the cues agree on: "(Koro, Mopti)" → Koro in Mopti.

    A place that the other cues contain wins; when none does, a region is
    trusted over a town (a town name is more often a false friend)."""
    best: tuple[tuple[float | bool, ...], Place] | None = None
    specific = {"city": 3.0, "supplement": 3.0, "admin2": 2.0, "admin1": 1.0, "country": 0.0}
    for i, (places, _, _) in enumerate(cues):
        others = [c for j, c in enumerate(cues) if j != i]
        for p in places:
            if p.kind not in specific:
                continue
            agree = sum(1 for ps, _, _ in others if any(_agrees(p, q) for q in ps))
            order = specific[p.kind] if agree else -specific[p.kind] + (p.kind != "country") * 5
            key = (
                float(agree),
                ctx.weights.get(p.country_code or "", 0.0) > 0,
                p.has_point,
                order,
                float(p.population),
            )
            if best is None or key > best[0]:
                best = (key, p)
    return best[1] if best is not None else None


_NAME_BEFORE = re.compile(r"((?:[A-Z][\w'’]*[ \t-]+){0,2}[A-Z][\w'’]*)[ \t]*$")


def _named_before(
    par: re.Match[str],
    cues: list[_Cue],
    text: str,
    gaz: Gazetteer,
    focus_rank: int,
    sentence: int,
) -> _Cand | None:
    """A town the mention finder skipped (a stop-listed or odd spelling) that the
    regions in the parenthesis confirm: "Stuart (Florida)", "Marshall (Missouri)"."""
    got = _NAME_BEFORE.search(text[max(0, par.start() - 60) : par.start()])
    if got is None:
        return None
    words = got.group(1)
    base = par.start() - (len(got.group(0)))
    parts = [(m.start(), m.end()) for m in re.finditer(r"[\w'’]+", words)]
    for k in range(len(parts)):
        s0, e0 = parts[k][0], parts[-1][1]
        name = words[s0:e0]
        if normalise_name(name) in _FUNCTION:
            continue
        for p in gaz.lookup(name, kinds=("city", "supplement")):
            if all(any(_agrees(p, q) for q in ps) for ps, _, _ in cues):
                c = _Cand(base + s0, base + e0, focus_rank, sentence, "mention", locative=True)
                c.place, c.score, c.confirmed, c.credible = p, 2.0, True, True
                c.precision = 1
                _cue_spans(c, cues)
                return c
    # a misspelt town of the region: "Shadadah (Al-Hasakeh)"
    region = _innermost_region(cues)
    if region is None or region.country_code is None:
        return None
    for k in range(len(parts) - 1, max(-1, len(parts) - 3), -1):
        s0, e0 = parts[k][0], parts[-1][1]
        name = words[s0:e0]
        if normalise_name(name) in _FUNCTION or gaz.is_stopword(name):
            continue
        towns = gaz.fuzzy_lookup(name, country=region.country_code, within=region)
        if towns:
            c = _Cand(base + s0, base + e0, focus_rank, sentence, "mention", locative=True)
            c.place, c.score, c.confirmed, c.credible = towns[0], 1.5, True, True
            c.precision = 1
            _cue_spans(c, cues)
            return c
    return None


def _alias_paren(
    par: re.Match[str],
    cues: list[_Cue],
    owner: int | None,
    mentions: list[PlaceMention],
    text: str,
    gaz: Gazetteer,
    ctx: _Context,
    rank: _Rank,
    sentence: Callable[[int], int],
) -> _Cand | None:
    """A parenthesis naming only a town: "Gothenburg (Goteborg)" names the same town
    twice (which confirms it), "Tayr Harfa (Tyr)" a village by its district's town."""
    named = {p for ps, _, _ in cues for p in ps}
    if owner is not None:
        m = mentions[owner]
        if not named & set(m.places):
            return None  # the mention stands on its own
        c = _Cand(m.start, m.end, rank(m.start), sentence(m.start), "mention")
        c.locative = _LOCATIVE.search(text[max(0, m.start - 60) : m.start]) is not None
        _resolve_mention(c, m, text, gaz, ctx, [])
        c.confirmed = c.place in named
        return c
    got = _group(par, cues, ctx, rank(par.start()), sentence(par.start()))
    if got is None or got.place is None:
        return None
    if ctx.explicit and got.place.country_code not in ctx.strong():
        return None  # "Mal (Mal)" in a text about Mauritania is no town of Belgium
    got.confirmed = False
    got.credible = any(_primary(got.place, text[s0:e0]) for _, s0, e0 in cues)
    return got


def _group(
    par: re.Match[str],
    cues: list[_Cue],
    ctx: _Context,
    focus_rank: int,
    sentence: int,
) -> _Cand | None:
    """An unknown village followed by its regions: "Belehede (Tongomayel, Soum)"."""
    place = _from_cues(cues, ctx)
    if place is None:
        return None
    c = _Cand(cues[0][1], cues[0][2], focus_rank, sentence, "group", locative=True)
    c.place = place
    c.score = 1.0
    c.confirmed = c.credible = True
    c.precision = 2 if place.kind in ("city", "supplement") else 3
    for places, s0, e0 in cues:
        if place in places:
            c.start, c.end = s0, e0
    _cue_spans(c, cues)
    return c


# --------------------------------------------------------------------------- #
# Borders and directions
# --------------------------------------------------------------------------- #


def _borders(
    text: str,
    s: int,
    e: int,
    mentions: list[PlaceMention],
    gaz: Gazetteer,
    ctx: _Context,
) -> list[_Cand]:
    """Border areas: "the Mauritanian border with the occupied Sahrawi lands"."""
    out: list[_Cand] = []
    countries = [m for m in mentions if s <= m.start < e and _mention_country(m) is not None]
    for b in _BORDER.finditer(text, s, e):
        before = [m for m in countries if m.end <= b.start() and b.start() - m.end <= 40]
        after = [m for m in countries if m.start >= b.end() and m.start - b.end() <= 30]
        home: PlaceMention | None = None
        other: PlaceMention | None = None
        if after and _BORDER_AFTER.match(text[b.end() : after[0].start]):
            other = after[0]
            k = countries.index(other)
            between = re.search(r"between\s+(?:the\s+)?$", text[b.end() : other.start], re.I)
            if (
                between
                and k + 1 < len(countries)
                and _AND.match(text[other.end : countries[k + 1].start])
            ):
                home, other = other, countries[k + 1]
        if before and home is None and _BORDER_BEFORE.match(text[before[-1].end : b.start()]):
            home = before[-1]
            k = countries.index(home)
            if other is None and k > 0 and _AND.match(text[countries[k - 1].end : home.start]):
                home, other = countries[k - 1], home
            elif (
                other is None
                and not home.demonym
                and ctx.best(exclude=_mention_country(home)) is not None
            ):
                # "near the Somalia border" in a text about Kenya: Kenya's side of it
                home, other = None, home
        if home is None and other is None:
            continue
        hc = _mention_country(home) if home is not None else None
        oc = _mention_country(other) if other is not None else None
        # "the border between A and B": the side the text is about
        if (
            home is not None
            and other is not None
            and hc
            and oc
            and ctx.weights.get(oc, 0.0) > ctx.weights.get(hc, 0.0)
            and not re.search(r"with", text[b.end() : other.start])
        ):
            hc, oc = oc, hc
        if hc is None:
            hc = ctx.best(exclude=oc)
        if oc is None:
            oc = ctx.best(exclude=hc)
        if oc is not None and other is not None:
            ctx.border_only.add(oc)
        if hc is None or oc is None or hc == oc:
            continue
        place = gaz.border(hc, oc)
        if place is None:
            continue
        used = [m for m in (home, other) if m is not None]
        c = _Cand(
            min([b.start(), *(m.start for m in used)]),
            max([b.end(), *(m.end for m in used)]),
            0,
            0,
            "border",
            locative=True,
        )
        c.place, c.score, c.precision = place, 1.0, place.geo_precision
        c.confirmed = True
        if home is not None:
            c.country_span = (home.start, home.end)
        out.append(c)
    return out


def _directions(
    text: str, s: int, e: int, mentions: list[PlaceMention], gaz: Gazetteer
) -> list[_Cand]:
    """Parts of a country: "northern Mali", "the north of Burkina Faso", "Niger's west"."""
    out: list[_Cand] = []
    for m in mentions:
        if not (s <= m.start < e) or m.demonym or "country" not in m.kinds:
            continue
        cc = _mention_country(m)
        if cc is None:
            continue
        before = text[max(0, m.start - 40) : m.start]
        start, end = m.start, m.end
        word: str | None = None
        got = _DIR_OF_BEFORE.search(before) or _DIR_BEFORE.search(before)
        if got is not None:
            word = got.group(1) or "centre"
            start = m.start - (len(before) - got.start())
        else:
            after = _DIR_AFTER.match(text[m.end : m.end + 30])
            if after is not None:
                word, end = after.group(1), m.end + after.end()
        if word is None:
            continue
        place = gaz.direction(cc, word.replace("-", ""))
        if place is None:
            continue
        c = _Cand(start, end, 0, 0, "direction", locative=True)
        c.place, c.score, c.precision = place, 0.5, 3
        c.confirmed = True
        c.country_span = (m.start, m.end)
        out.append(c)
    return out


# --------------------------------------------------------------------------- #
# Choosing and reporting
# --------------------------------------------------------------------------- #


#: A city this populous, named as where before any country, is where (not an
#: alternate name of a place in the country the text is about).
BIG_CITY: Final[int] = 50_000


def _choose(cands: list[_Cand], ctx: _Context, gaz: Gazetteer) -> _Cand | None:
    """The event's place: the earliest focus sentence that places something, then
    a place in the countries the text is about, a specific place before a region,
    a locative mention ("in X", "near X") before another."""
    usable = [
        c
        for c in cands
        if c.place is not None
        and c.place.country_code is not None
        and c.focus_rank < 1000
        and not (c.place.kind == "country" and c.place.country_code in ctx.border_only)
    ]
    if not usable:
        return None
    strong = ctx.strong()
    coherent = [
        c for c in usable if c.confirmed or (c.place is not None and c.place.country_code in strong)
    ]
    pool = coherent
    if all(c.place is not None and c.place.kind == "country" for c in coherent):
        # "people demonstrated in Malmo to denounce the invasion of Ukraine": a big
        # city named as where, before any country, is where
        named_at = [c.start for c in usable if c.place is not None and c.place.kind == "country"]
        abroad = [
            c
            for c in usable
            if c.credible
            and c.locative
            and c.focus_rank == 0
            and c.place is not None
            and c.place.kind in ("city", "admin2")
            and c.place.population >= BIG_CITY
            and all(c.start < at for at in named_at)
        ]
        if abroad:
            return min(abroad, key=lambda c: c.start)
    if not pool:
        # only places in countries the text is not about: trust those named by their
        # own name; when all are alternate names ("Boni" for Bonn) and the text is
        # clearly about a country, that country is the better answer
        pool = [c for c in usable if c.credible]
        if pool:
            if _clear_country(ctx, placed=True) is not None:
                return None  # the text says where, and these towns are elsewhere
            clear = _clear_country(ctx, named=True)
            if clear is not None:
                # a text about Dan Na Ambassagou is not about Yoro in Honduras (but may
                # be about Mopti, next door)
                neighbours = set(gaz.neighbours(clear))
                pool = [
                    c
                    for c in pool
                    if c.place is not None
                    and (
                        ctx.named.get(c.place.country_code or "", 0.0) > 0
                        or (c.place.country_code or "") in neighbours
                    )
                ]
                if not pool:
                    return None
        elif max(ctx.named.values(), default=0.0) >= 1.0:
            return None  # "Tonka" with JNIM is no town of India known as "Tonka"
        else:
            pool = usable

    def key(c: _Cand) -> tuple[int, int, int, int, int]:
        p = c.place
        assert p is not None
        tier = 0 if c.specific and c.kind != "fuzzy" else 2 if p.kind == "country" else 1
        return (c.focus_rank, c.sentence, tier, 0 if c.locative else 1, c.start)

    non_country = [c for c in pool if c.place is not None and c.place.kind != "country"]
    if non_country:
        return min(non_country, key=key)
    return min(pool, key=key)


def _clear_country(ctx: _Context, *, named: bool = False, placed: bool = False) -> str | None:
    """The country the text is clearly about (named, or its groups, well above others);
    with ``named``, only one the text names or ties to its groups, not by demonyms alone;
    with ``placed``, only one the text names (or names a region of)."""
    best = ctx.best()
    if best is None or best in ctx.border_only:
        return None
    total = sum(ctx.weights.values())
    if ctx.weights[best] < 2.0 or ctx.weights[best] < 0.5 * total:
        return None
    if named and ctx.named.get(best, 0.0) < 1.0:
        return None
    if placed and ctx.placed.get(best, 0.0) < 1.0:
        return None
    return best


def _country_only(
    mentions: list[PlaceMention],
    embedded: set[int],
    actors: Sequence[tuple[int, int, tuple[tuple[str, float], ...]]],
    ctx: _Context,
    gaz: Gazetteer,
    rank: _Rank,
) -> _Cand | None:
    """No place in the focus: the country the whole text is clearly about, if any."""
    best = _clear_country(ctx)
    if best is None:
        return None
    spans = [
        (m.start, m.end)
        for i, m in enumerate(mentions)
        if i not in embedded and _mention_country(m) == best
    ]
    if not spans:
        # no country named: the groups that tie the text to it are the evidence
        spans = [(s, e) for s, e, weights in actors if any(cc == best for cc, _ in weights)]
    country = gaz.country(best)
    if country is None or not spans:
        return None
    start, end = min(spans, key=lambda se: (rank(se[0]), se[0]))
    c = _Cand(start, end, rank(start), 0, "mention")
    c.place, c.precision = country, 3
    return c


_MONTHS: Final[frozenset[str]] = _words(
    """january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday"""
)
_UNKNOWN_NAME = re.compile(
    r"\b(?:in|at|near|around|outside|into|coded\s+(?:as|to|at)|(?:village|town|city|locality|"
    r"area|vicinity|outskirts|commune|settlement|hamlet)s?\s+of)\s+(?:the\s+)?"
    r"(?:(?:village|town|city|locality|hamlet|settlement)\s+(?:of\s+)?)?"
    r"([A-Z][\w'’]+(?:[ -][A-Z][\w'’]+)?)"
)


def _unknown_names(
    text: str,
    s: int,
    e: int,
    mentions: list[PlaceMention],
    cands: list[_Cand],
    gaz: Gazetteer,
    ctx: _Context,
) -> list[_Cand]:
    """Names the gazetteer does not know, after "in", "near", "the village of":
    misspellings of towns of the country the text is clearly about ("Shadadah")."""
    cc = _clear_country(ctx, named=True)
    if cc is None:
        return []
    out: list[_Cand] = []
    for m in _UNKNOWN_NAME.finditer(text, s, e):
        a, b = m.span(1)
        if any(x.start < b and a < x.end for x in mentions) or any(
            c.start < b and a < c.end for c in cands
        ):
            continue
        name = m.group(1)
        low = normalise_name(name)
        if low.split(" ")[0] in _MONTHS or low in _FUNCTION or gaz.is_stopword(name):
            continue
        # a whole country is a big haystack: only the same letters, give or take
        # doubled ones, "h" and spaces ("Dandorra" for "Dandora")
        towns = gaz.fuzzy_lookup(name, country=cc, edits=False)
        if not towns:
            continue
        c = _Cand(a, b, 0, 0, "fuzzy", locative=True)
        c.place, c.score, c.confirmed, c.credible = towns[0], 1.0, True, True
        near = _NEAR_BEFORE.search(text[max(0, a - 60) : a]) is not None
        c.precision = 2 if near else 1
        out.append(c)
    return out


def _result(
    c: _Cand,
    text: str,
    mentions: list[PlaceMention],
    gaz: Gazetteer,
    rank: _Rank,
) -> PlaceResult | None:
    p = c.place
    if p is None or p.country_code is None:
        return None
    span = (c.start, c.end)
    ev = [_evidence("location", text, span)]
    cspan = c.country_span
    if cspan is None:
        named = [
            m
            for m in mentions
            if (m.demonym or m.kinds & {"country", "feature"})
            and _mention_country(m) == p.country_code
        ]
        if named:
            named.sort(key=lambda m: (rank(m.start), abs(m.start - span[0])))
            cspan = (named[0].start, named[0].end)
    ev.append(_evidence("country", text, cspan or span))
    if p.admin1 is not None:
        ev.append(_evidence("admin1", text, c.admin1_span or span))
    lat, lon = p.latitude, p.longitude
    precision = c.precision or p.geo_precision
    if lat is None or lon is None:
        # a region without towns of its own: its admin1's point, else its country's
        region = gaz.admin1(p.country_code, p.admin1) if p.admin1 and p.kind != "admin1" else None
        if region is None or region.latitude is None:
            region = gaz.country(p.country_code)
        if region is None or region.latitude is None:
            return None
        lat, lon, precision = region.latitude, region.longitude, 3
    return PlaceResult(
        country=p.country,
        country_code=p.country_code,
        admin1=p.admin1,
        admin2=p.admin2,
        location=p.name,
        latitude=lat,
        longitude=lon,
        geo_precision=precision,
        place=p,
        evidence=tuple(ev),
    )


def _evidence(field_name: str, text: str, span: tuple[int, int]) -> Evidence:
    s, e = span
    return Evidence(
        field=field_name, start=s, end=e, text=text[s:e], extractor=EXTRACTOR, version=VERSION
    )


def _sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [s for s in out if s[1] > s[0]]
