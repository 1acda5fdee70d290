"""The extraction pipeline: an Article in, an Extraction (events + framing) out.

Extractors are registered by name and the pipeline is built from a config
mapping each role to an extractor name, so a user can swap one (for
example an LLM event extractor) without forking. Collaborators (spaCy
pipeline, gazetteer, lexicons) are loaded by ``Pipeline.from_config`` and
passed in; nothing loads at import time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from corroborate.errors import ExtractionError
from corroborate.extract import actors as actors_mod
from corroborate.extract import events as events_mod
from corroborate.extract.actors import ActorLexicon, ActorMention, assign_actors, find_actors
from corroborate.extract.casualties import (
    CasualtyLexicon,
    CasualtyMention,
    combine,
    find_casualties,
)
from corroborate.extract.claims import ClaimLexicon, find_claims
from corroborate.extract.classifier import NONE, EventClassifier
from corroborate.extract.dates import (
    DateMention,
    DateRules,
    find_dates,
    lead_event_date,
    pick_event_date,
    undated_event_date,
)
from corroborate.extract.events import Cue, EventGroup, EventLexicon, detect_events
from corroborate.extract.framing import FramingLexicon, find_loaded_terms
from corroborate.extract.gazetteer import Gazetteer
from corroborate.extract.language import LanguageDetector
from corroborate.extract.nlp import MODELS, NlpEntities, load_nlp
from corroborate.extract.places import PlaceHints, PlaceResult, extract_place
from corroborate.extract.resources import load_json
from corroborate.extract.sources import SourceLexicon, find_sources, source_evidence
from corroborate.extract.summary import summary_of
from corroborate.extract.text import Sentence, split_sentences
from corroborate.model import Article, Evidence, Extraction, Framing, Report, SourceClaim

__all__ = [
    "DEFAULT_CONFIG",
    "EventExtractor",
    "Pipeline",
    "ResourceSet",
    "Resources",
    "register_event_extractor",
    "registered_event_extractors",
]

VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})

#: The default extractor for each role (see ``register_event_extractor``).
DEFAULT_CONFIG: Mapping[str, str] = {"events": "events.hybrid", "nlp": "spacy"}


@dataclass(slots=True)
class Resources:
    """Everything the extractors need for one language, loaded once and passed in."""

    language: str
    gazetteer: Gazetteer
    events: EventLexicon
    actors: ActorLexicon
    casualties: CasualtyLexicon
    dates: DateRules
    sources: SourceLexicon
    framing: FramingLexicon
    nlp: NlpEntities | None = None
    classifier: EventClassifier | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, *, language: str = "en", use_nlp: bool = True) -> Resources:
        return ResourceSet.load(use_nlp=use_nlp).get(language)


class ResourceSet:
    """Resources per language, loaded on first use; the gazetteer and the
    multilingual lexicons are shared by all languages."""

    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        dates: DateRules,
        sources: SourceLexicon,
        framing: FramingLexicon,
        claims: ClaimLexicon | None = None,
        use_nlp: bool = True,
        detector: LanguageDetector | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.dates = dates
        self.sources = sources
        self.framing = framing
        self.claims = claims or ClaimLexicon.load()
        self.use_nlp = use_nlp
        self.detector = detector or LanguageDetector()
        self._by_language: dict[str, Resources] = {}

    @classmethod
    def load(cls, *, use_nlp: bool = True) -> ResourceSet:
        return cls(
            gazetteer=Gazetteer.load(),
            dates=DateRules.load(*DATE_LANGUAGES),
            sources=SourceLexicon.load(),
            framing=FramingLexicon.load(),
            use_nlp=use_nlp,
        )

    def get(self, language: str) -> Resources:
        """The resources of ``language``; ExtractionError when it has no event lexicon."""
        if language not in self._by_language:
            gaz = self.gazetteer
            nlp = None
            if self.use_nlp and language in MODELS:
                nlp = load_nlp(language, place_patterns=gaz.entity_patterns())
            self._by_language[language] = Resources(
                language=language,
                gazetteer=gaz,
                events=EventLexicon.load(language),
                actors=ActorLexicon.load(
                    demonyms=gaz.demonyms(), language=_actor_language(language)
                ),
                casualties=CasualtyLexicon.load(_casualty_language(language)),
                dates=self.dates,
                sources=self.sources,
                framing=self.framing,
                nlp=nlp,
                classifier=_classifier(language),
            )
        return self._by_language[language]

    def supports(self, language: str) -> bool:
        """Whether an event lexicon ships for ``language``."""
        try:
            load_json(f"events/{language}.json")
        except ExtractionError:
            return False
        return True


#: Languages whose date rules are loaded (those with a data file).
DATE_LANGUAGES: tuple[str, ...] = ("en", "fr", "ar", "es", "pt", "it")


def _classifier(language: str) -> EventClassifier | None:
    """The learned event classifier shipped for ``language``, if any."""
    try:
        return EventClassifier.load(language=language)
    except ExtractionError:
        return None


def _actor_language(language: str) -> str:
    try:
        load_json(f"actors/{language}.json")
    except ExtractionError:
        return "en"  # named groups and demonyms are mostly written alike
    return language


def _casualty_language(language: str) -> str:
    try:
        load_json(f"casualties/{language}.json")
    except ExtractionError:
        return "en"
    return language


class EventExtractor(Protocol):
    """Finds the events of one article. The default is rule-based (``events.rules``)."""

    @property
    def name(self) -> str: ...

    def __call__(
        self, sentences: Sequence[Sentence], *, resources: Resources
    ) -> list[EventGroup]: ...


@dataclass(frozen=True, slots=True)
class _RuleEvents:
    name: str = "events.rules"

    def __call__(self, sentences: Sequence[Sentence], *, resources: Resources) -> list[EventGroup]:
        return detect_events(sentences, lexicon=resources.events)


def _rule_events() -> EventExtractor:
    return _RuleEvents()


@dataclass(frozen=True, slots=True)
class _HybridEvents:
    """Rule cues group an article's events; the learned classifier types them.

    - The primary event is typed from the article's opening specific
      sentences (up to ``max_chars``; the classifier is trained on whole
      ACLED notes, so it reads them whole), or from the event's own
      sentences when ``context`` is ``"group"``.
    - P(none) above ``none_threshold`` means no codable event, unless a
      heavy rule cue (weight ≥ 9) fired and P(none) stays below ``rescue``.
    - Otherwise the primary event's sub-event type is the classifier's most
      likely event class, unless a rule cue of weight ≥ 8 disagrees and the
      classifier is unsure (below ``override``).
    - When the classifier is sure of its class (≥ ``trust``), a weight-0
      cue marks the type as its decision: later rules (armed clash or
      attack by the actors' kinds) leave it alone.
    - The rule cues decide the other events.
    - When no rule cue fires, the classifier alone may still detect an event
      from the article's first three sentences: when P(none) is at most
      ``sure_threshold`` they are the event's; otherwise (P(none) at most
      ``none_threshold``, its class at least ``detect_threshold`` likely)
      only the first three specific ones are.
    (Thresholds chosen by cross-validation on the dev split: held-out folds
    run through the whole pipeline.)
    """

    name: str = "events.hybrid"
    none_threshold: float = 0.6  # P(none) above this: no codable event
    rescue: float = 0.9  # a heavy rule cue keeps the event while P(none) is below this
    override: float = 0.5  # a heavy disagreeing rule cue wins while the classifier is below this
    trust: float = 0.5  # the classifier's type stands against later rules from this on
    detect_threshold: float = 0.3  # without a rule cue, the class must be this likely
    strategic_threshold: float = 0.5  # ... and a strategic development this likely
    min_label: float = 0.25  # without a rule cue, never below this
    sure_threshold: float = 0.25  # ... unless P(none) is at most this
    max_chars: int = 1200
    context: str = "article"  # "article": opening sentences; "group": the event's sentences

    def __call__(self, sentences: Sequence[Sentence], *, resources: Resources) -> list[EventGroup]:
        groups = detect_events(sentences, lexicon=resources.events)
        clf = resources.classifier
        if clf is None or not sentences:
            return groups
        specific = [s for s in sentences if not resources.events.is_vague(s)]
        if groups:
            primary = groups[0]
            if self.context == "group":
                text = " ".join(s.text for s in primary.sentences[:3])
            else:
                text = " ".join(s.text for s in specific or primary.sentences)
            probs = clf.predict_proba([text[: self.max_chars]])[0]
            none_p = probs.get(NONE, 0.0)
            strong = max(c.weight for c in primary.cues)
            if none_p > self.none_threshold and not (strong >= 9 and none_p < self.rescue):
                return []
            label = max((c for c in probs if c != NONE), key=lambda c: probs[c])
            if strong >= 8 and probs[label] < self.override:
                return groups
            if label != primary.sub_event_type or probs[label] >= self.trust:
                groups = [_retype(primary, label, mark=probs[label] >= self.trust), *groups[1:]]
            return groups
        # No rule cue (or only in sentences the rules read as habitual,
        # hedged or denied): the classifier may still see an event, more
        # surely when every sentence is such a one.
        # Claims of a pattern ("for months now, drones have been hunting…")
        # are not coded as events, however sure the classifier is; a hedged
        # sentence that gives a date ("on 1 July 2020, militants likely…") is
        # one event, though.
        lead = specific[:3] or [s for s in sentences[:3] if _DATED.search(s.text)]
        if not lead:
            return []
        probs = clf.predict_proba([" ".join(s.text for s in lead)[: self.max_chars]])[0]
        none_p = probs.get(NONE, 0.0)
        label = max((c for c in probs if c != NONE), key=lambda c: probs[c])
        if probs[label] < self.min_label:
            return []  # no rule cue and no class one in four likely: nothing codable
        if events_mod.family_of(label) == "strategic" and probs[label] < self.strategic_threshold:
            return []  # meetings, plans, statements: without a cue, only a clear case is coded
        if none_p > self.sure_threshold:
            if none_p > self.none_threshold or probs[label] < self.detect_threshold:
                return []
            lead = specific[:3]  # not sure: only the specific sentences are the event's
        first = lead[0]
        cue = Cue(label, first.start, first.end, first.text, 0)
        return [EventGroup(events_mod.family_of(label), label, (cue,), tuple(lead))]


#: A sentence that names a day or a year (digits in any script's ASCII form).
_DATED = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}(?:st|nd|rd|th|er)?\s+\w+")


def _retype(group: EventGroup, label: str, *, mark: bool = False) -> EventGroup:
    """The group with the classifier's sub-event type (its cues stay as evidence).

    With ``mark``, a weight-0 cue of ``label`` on the deciding cue's span
    records that the classifier decided the type (see :func:`typed_by_classifier`).
    """
    cues = group.cues
    if mark:
        top = max(cues, key=lambda c: (c.weight, -c.start))
        cues = (*cues, Cue(label, top.start, top.end, top.text, 0))
    return EventGroup(
        family=events_mod.family_of(label),
        sub_event_type=label,
        cues=cues,
        sentences=group.sentences,
    )


def typed_by_classifier(group: EventGroup) -> bool:
    """Whether the learned classifier decided the group's sub-event type."""
    return any(c.weight == 0 and c.sub_event_type == group.sub_event_type for c in group.cues)


def _hybrid_events() -> EventExtractor:
    return _HybridEvents()


_EVENT_EXTRACTORS: dict[str, Callable[[], EventExtractor]] = {
    "events.rules": _rule_events,
    "events.hybrid": _hybrid_events,
}


def register_event_extractor(name: str, factory: Callable[[], EventExtractor]) -> None:
    """Make an event extractor available to ``Pipeline.from_config`` by name."""
    _EVENT_EXTRACTORS[name] = factory


def registered_event_extractors() -> list[str]:
    return sorted(_EVENT_EXTRACTORS)


class Pipeline:
    """Runs every extractor over an article and assembles the contract's events."""

    def __init__(self, *, resources: ResourceSet, event_extractor: EventExtractor) -> None:
        self.resources = resources
        self.event_extractor = event_extractor

    @classmethod
    def from_config(
        cls, config: Mapping[str, str] | None = None, *, resources: ResourceSet | None = None
    ) -> Pipeline:
        cfg = {**DEFAULT_CONFIG, **(config or {})}
        name = cfg["events"]
        if name not in _EVENT_EXTRACTORS:
            raise ExtractionError(
                f"no event extractor named {name!r}; known: {', '.join(_EVENT_EXTRACTORS)}"
            )
        res = resources or ResourceSet.load(use_nlp=cfg.get("nlp") == "spacy")
        return cls(resources=res, event_extractor=_EVENT_EXTRACTORS[name]())

    # ------------------------------------------------------------------
    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        for article in articles:
            yield self.extract(article)

    def extract(self, article: Article) -> Extraction:
        text = article.text
        doc_id = article.article_id if article.external_id else (article.origin or article.id)
        language = self.resources.detector.detect(text, hint=article.language)
        framing = self._framing(text, language or "und")
        if language is None or not self.resources.supports(language):
            return Extraction(id=doc_id, language=language, events=(), framing=framing)
        res = self.resources.get(language)
        sentences = split_sentences(text)
        groups = self.event_extractor(sentences, resources=res)
        if not groups:
            return Extraction(id=doc_id, language=language, events=(), framing=framing)
        claim_evidence = find_claims(text, lexicon=self.resources.claims)
        published = _parse_date(article.published)
        dates = find_dates(text, published=published, rules=res.dates, language=language)
        casualties = find_casualties(text, lexicon=res.casualties)
        claims = find_sources(text, lexicon=res.sources, outlet=article.outlet, language=language)
        vague = {s.start for s in sentences if res.events.is_vague(s)}
        # The statistical NER runs once, on the sentences that carry an event.
        event_spans = sorted({(s.start, s.end) for g in groups for s in g.sentences})
        persons = res.nlp.person_spans(text, event_spans) if res.nlp is not None else []
        other_sentences = {s.start for g in groups[1:] for s in g.sentences}
        reports = []
        for i, group in enumerate(groups):
            reports.append(
                self._report(
                    group,
                    res=res,
                    primary=i == 0,
                    text=text,
                    sentences=sentences,
                    vague=vague,
                    other_sentences=other_sentences,
                    dates=dates,
                    casualties=casualties,
                    claims=claims,
                    persons=persons,
                )
            )
        if reports[0].event_date is None:  # no date in the text: estimate from publication
            estimate = undated_event_date(published, rules=res.dates, language=language)
            if estimate is not None:
                reports[0] = reports[0].with_(
                    event_date=estimate[0].isoformat(), time_precision=estimate[1]
                )
        if claim_evidence:
            first = reports[0]
            reports[0] = first.with_(
                evidence=tuple(sorted((*first.evidence, *claim_evidence), key=_evidence_order))
            )
        return Extraction(id=doc_id, language=language, events=tuple(reports), framing=framing)

    # ------------------------------------------------------------------
    def _framing(self, text: str, language: str) -> Framing:
        return find_loaded_terms(text, lexicon=self.resources.framing, language=language)

    def _report(
        self,
        group: EventGroup,
        *,
        res: Resources,
        primary: bool,
        text: str,
        sentences: Sequence[Sentence],
        vague: set[int],
        other_sentences: set[int],
        dates: Sequence[DateMention],
        casualties: Sequence[CasualtyMention],
        claims: Sequence[SourceClaim],
        persons: Sequence[tuple[int, int]],
    ) -> Report:
        evidence: list[Evidence] = []
        anchor = group.anchor
        anchor_sentence = next(s for s in group.sentences if s.start <= anchor < s.end + 1)
        ordered = [anchor_sentence, *(s for s in group.sentences if s is not anchor_sentence)]
        in_group = {s.start for s in group.sentences}

        def in_event(start: int) -> bool:
            sent = _sentence_at(sentences, start)
            if sent is None or sent.start in vague:
                return False
            if sent.start in in_group:
                return True
            # Sentences without cues belong to the primary event, unless another event owns them.
            return primary and sent.start not in other_sentences

        def in_event_or_other(start: int) -> bool:
            sent = _sentence_at(sentences, start)
            return sent is not None and sent.start not in vague

        # --- actors (mentions first: their names are not places) -------
        mentions = _actor_mentions(res, group, ordered, sentences, in_event, in_group)
        # --- place -----------------------------------------------------
        # The event's own sentences first, then (for the primary event) the
        # article's other specific sentences, in order: notes often name the
        # place in a sentence without an event cue.
        focus = [(s.start, s.end) for s in ordered]
        focus += [
            (s.start, s.end) for s in sentences if s.start not in in_group and in_event(s.start)
        ]
        if primary:  # other events' sentences last: a note may name the place only there
            focus += [
                (s.start, s.end)
                for s in sentences
                if s.start in other_sentences and s.start not in vague
            ]
        everywhere = find_actors(sentences, lexicon=res.actors)
        exclude = [(m.start, m.end) for m in everywhere if m.kind in {"named", "state"}]
        exclude.extend(persons)
        exclude.extend(_datelines(text))
        countries = tuple(dict.fromkeys(m.country for m in everywhere if m.country))
        place: PlaceResult | None = extract_place(
            text,
            gazetteer=res.gazetteer,
            focus=focus,
            hints=PlaceHints(countries=countries, exclude=tuple(exclude)),
        )
        if place is not None:
            evidence.extend(place.evidence)
        country = place.country if place else None
        sub = group.sub_event_type
        actors = assign_actors(
            mentions,
            event_type=group.event_type,
            sub_event_type=sub,
            event_country=country,
            lexicon=res.actors,
            context=[m for m in everywhere if in_event(m.start)],
        )
        if not typed_by_classifier(group):
            sub = _refine_violence(sub, actors)
        event_type = events_mod.event_type_of(sub)
        for m, name in ((actors.evidence1, "actor1"), (actors.evidence2, "actor2")):
            if m is not None:
                evidence.append(_ev(name, m.start, m.end, text, actors_mod.EXTRACTOR))
        # --- type evidence --------------------------------------------
        for cue in group.cues:
            fld = "sub_event_type" if cue.sub_event_type == sub else "event_type"
            name = events_mod.EXTRACTOR if cue.weight else "events.linear"
            evidence.append(_ev(fld, cue.start, cue.end, text, name))
        if not any(e.field == "sub_event_type" for e in evidence):
            # The learned classifier decided the type from the event's sentences.
            a = anchor_sentence
            evidence.append(_ev("sub_event_type", a.start, a.end, text, "events.linear"))
        # --- date ------------------------------------------------------
        lines = _datelines(text)
        usable = [
            d
            for d in dates
            if d.date is not None
            and in_event(d.start)
            and not any(a <= d.start < b for a, b in lines)
        ]
        # The first date of the cue's sentence ("Around 22 October (between 21 -
        # 23 October), gunmen ...") is the event's; else the nearest one.
        same = [d for d in usable if anchor_sentence.start <= d.start < anchor_sentence.end]
        date = same[0] if same else pick_event_date(usable, anchor=anchor, text=text)
        if primary:  # a report opens with its event's date ("On 13 July 2020, ...")
            date = lead_event_date(dates, text=text, chosen=date, exclude=lines)
        if date is not None and date.date is not None:
            event_date: str | None = date.date.isoformat()
            time_precision: int | None = date.precision
            evidence.append(_ev("event_date", date.start, date.end, text, "dates.rules"))
        else:
            event_date, time_precision = None, None
        # --- casualties -----------------------------------------------
        own = [c for c in casualties if in_event(c.start)]
        fatalities, ev_f = combine(own, kind="killed")
        if primary and not fatalities.known:  # the figure may sit in another event's sentence
            rest = [c for c in casualties if c not in own and in_event_or_other(c.start)]
            fatalities, ev_f = combine([*own, *rest], kind="killed")
        injuries, ev_i = combine(own, kind="injured")
        civ, ev_c = combine(own, kind="killed", civilian_only=True)
        civilian_targeting = event_type in VIOLENT and actors.inter2 == 7
        if civilian_targeting and not civ.known and fatalities.known:
            civ = fatalities
            ev_c = [e.__class__(**{**e.to_dict(), "field": "civilian_fatalities"}) for e in ev_f]
        evidence.extend([*ev_f, *ev_i, *ev_c])
        # --- sources ---------------------------------------------------
        evidence.extend(source_evidence(claims, text=text))
        report = Report(
            event_type=event_type,
            sub_event_type=sub,
            event_date=event_date,
            time_precision=time_precision,
            actor1=actors.actor1,
            inter1=actors.inter1,
            actor1_country=actors.actor1_country,
            actor2=actors.actor2,
            inter2=actors.inter2,
            actor2_country=actors.actor2_country,
            civilian_targeting=civilian_targeting,
            country=country,
            admin1=place.admin1 if place else None,
            location=place.location if place else None,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            geo_precision=place.geo_precision if place else None,
            fatalities=fatalities,
            civilian_fatalities=civ,
            injuries=injuries,
            sources=tuple(claims),
            evidence=tuple(sorted(evidence, key=_evidence_order)),
        )
        return report.with_(summary=_summary(report))


def _actor_mentions(
    res: Resources,
    group: EventGroup,
    ordered: Sequence[Sentence],
    sentences: Sequence[Sentence],
    in_event: Callable[[int], bool],
    in_group: set[int],
) -> list[ActorMention]:
    """Actor mentions for one event, from the most telling sentences first.

    Sentences whose cues are of the event's own type come first; other
    cue sentences and then the rest of the event's sentences only add
    what is still missing, and from those only victims and the doers of
    a cue ("bombed by X") count, never a bystander ("evacuated by the army").
    """
    lex = res.actors
    own = [
        s
        for s in ordered
        if any(
            s.start <= c.start < s.end
            and events_mod.event_type_of(c.sub_event_type) == group.event_type
            for c in group.cues
        )
    ]
    if not own:
        # The classifier re-typed the event and no cue has its type: the
        # anchor sentence decides ("Malian soldiers killed two herdsmen").
        own = list(ordered[:1])
    rest = [s for s in ordered if s not in own]
    mentions = _agents_of_cues(find_actors(own, lexicon=lex), group)
    if not any(m.inter in actors_mod.ARMED for m in mentions):
        more = _agents_of_cues(find_actors(rest, lexicon=lex), group)
        mentions += [m for m in more if m.agent or m.inter not in actors_mod.ARMED]
    if not mentions:
        extra = [s for s in sentences if in_event(s.start) and s.start not in in_group]
        more = _agents_of_cues(find_actors(extra, lexicon=lex), group)
        mentions = [m for m in more if m.inter not in actors_mod.ARMED]
    return mentions


def _agents_of_cues(mentions: list[ActorMention], group: EventGroup) -> list[ActorMention]:
    """Keep the "by X" agent mark only where X is the doer of an event cue
    ("bombed by the air force"), not of something else ("evacuated by the army")."""
    out = []
    for m in mentions:
        if m.agent and not any(0 <= m.start - c.end <= 40 for c in group.cues):
            m = replace(m, agent=False)
        out.append(m)
    return out


def _refine_violence(sub: str, actors: actors_mod.Actors) -> str:
    """Armed clash between armed sides; an attack when the target is civilians."""
    if sub == "Armed clash" and actors.inter2 == 7:
        return "Attack"
    if sub == "Attack" and actors.inter2 is not None and actors.inter2 in actors_mod.ARMED:
        return "Armed clash"
    return sub


def _summary(r: Report) -> str:
    return summary_of(r)


def _evidence_order(e: Evidence) -> tuple[int, str]:
    return (e.start, e.field)


def _ev(field_name: str, start: int, end: int, text: str, extractor: str) -> Evidence:
    return Evidence(field_name, start, end, text[start:end], extractor, "1")


_DATELINE = re.compile(
    r"^[ \t]*[A-Z][\w'. -]{1,40}(?:,[^\n(]{0,40})?\([^)\n]{1,40}\)\s*[-\u2013\u2014:]",
    re.MULTILINE,
)


def _datelines(text: str) -> list[tuple[int, int]]:
    """Wire datelines ("BAMAKO, March 24 (Sahel Wire) -") name where the story was
    filed, not where the event happened: keep them out of the place search."""
    return [(m.start(), m.end()) for m in _DATELINE.finditer(text[:2000])]


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> Sentence | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s
    return None


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
