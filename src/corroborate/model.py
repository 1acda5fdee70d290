"""The data objects of corroborate: Article, Report, Incident and their parts.

Everything here is a frozen dataclass built from plain values, so it is
hashable, picklable (Spark ships these between workers) and turns into
JSON with ``to_dict`` / back with ``from_dict``. This module imports
nothing else of corroborate.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ACTOR_TYPES",
    "DECISION_KINDS",
    "EVENT_TYPES",
    "FIGURE_FIELDS",
    "SCALAR_FIELDS",
    "Article",
    "Decision",
    "Evidence",
    "Extraction",
    "Figures",
    "Framing",
    "Incident",
    "IncidentMember",
    "LoadedTerm",
    "Reject",
    "Report",
    "SourceClaim",
    "content_hash",
    "normalise_text",
    "utc_now",
]

#: ACLED event types and their sub-event types (DESIGN.md).
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

#: ACLED inter codes.
ACTOR_TYPES: dict[int, str] = {
    1: "State forces",
    2: "Rebel groups",
    3: "Political militias",
    4: "Identity militias",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}

_WS = re.compile(r"\s+")


def utc_now() -> str:
    """The current time as stored everywhere: ISO 8601 UTC with milliseconds and a Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalise_text(text: str) -> str:
    """Normalise text for hashing: NFC, collapsed white space, stripped."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_hash(text: str) -> str:
    """The article id: a hash of the normalised text (re-ingesting is a no-op)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Article:
    """One document: text plus what is known about where it came from."""

    id: str
    text: str
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    language: str | None = None
    title: str | None = None
    origin: str | None = None  # the path or URL it was read from

    @classmethod
    def create(
        cls,
        text: str,
        *,
        external_id: str | None = None,
        url: str | None = None,
        outlet: str | None = None,
        published: str | None = None,
        language: str | None = None,
        title: str | None = None,
        origin: str | None = None,
    ) -> Article:
        """Build an article whose id is the content hash of ``text``."""
        return cls(
            id=content_hash(text),
            text=text,
            external_id=external_id,
            url=url,
            outlet=outlet,
            published=published,
            language=language,
            title=title,
            origin=origin,
        )

    @property
    def article_id(self) -> str:
        """The id users see: the external id when given, else the content hash."""
        return self.external_id if self.external_id is not None else self.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "language": self.language,
            "title": self.title,
            "origin": self.origin,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(
            id=d["id"],
            text=d["text"],
            external_id=d.get("external_id"),
            url=d.get("url"),
            outlet=d.get("outlet"),
            published=d.get("published"),
            language=d.get("language"),
            title=d.get("title"),
            origin=d.get("origin"),
        )


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not be read, with its reason."""

    origin: str
    reason: str
    detail: str
    external_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "reason": self.reason,
            "detail": self.detail,
            "external_id": self.external_id,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """The span of text that supports one extracted value, and who extracted it."""

    field: str
    start: int
    end: int
    text: str
    extractor: str
    version: str = "1"

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "extractor": self.extractor,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(
            field=d["field"],
            start=int(d["start"]),
            end=int(d["end"]),
            text=d["text"],
            extractor=d["extractor"],
            version=str(d.get("version", "1")),
        )


@dataclass(frozen=True, slots=True)
class Figures:
    """A count as a range: low, best (ACLED's conservative figure), high."""

    low: int | None = None
    best: int | None = None
    high: int | None = None

    @property
    def known(self) -> bool:
        return self.best is not None or self.low is not None or self.high is not None

    def to_dict(self) -> dict[str, int | None]:
        return {"low": self.low, "best": self.best, "high": self.high}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Figures:
        if not d:
            return cls()
        return cls(low=d.get("low"), best=d.get("best"), high=d.get("high"))


@dataclass(frozen=True, slots=True)
class SourceClaim:
    """A source the text attributes its claim to ("according to the newspaper X")."""

    name: str
    kind: str = "unknown"  # newspaper, agency, media, official, ngo, outlet, witness, ...
    relation: str = "reported"  # "according to", "reported", "said", "outlet"
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "relation": self.relation}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceClaim:
        return cls(
            name=d["name"],
            kind=d.get("kind", "unknown"),
            relation=d.get("relation", "reported"),
            start=d.get("start"),
            end=d.get("end"),
        )


@dataclass(frozen=True, slots=True)
class LoadedTerm:
    """A loaded or emotive word flagged in the text (never repeated in summaries)."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Framing:
    """How the document frames its story: flagged loaded terms and a 0–1 score."""

    loaded_terms: tuple[LoadedTerm, ...] = ()
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "loaded_terms": [t.to_dict() for t in self.loaded_terms],
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Framing:
        if not d:
            return cls()
        return cls(
            loaded_terms=tuple(
                LoadedTerm(text=t["text"], start=int(t["start"]), end=int(t["end"]))
                for t in d.get("loaded_terms", [])
            ),
            score=float(d.get("score", 0.0)),
        )


#: The scalar contract fields of one event, in output order (DESIGN.md).
SCALAR_FIELDS = (
    "event_type",
    "sub_event_type",
    "event_date",
    "time_precision",
    "actor1",
    "inter1",
    "actor1_country",
    "actor2",
    "inter2",
    "actor2_country",
    "civilian_targeting",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
)
#: The contract fields holding low/best/high figures.
FIGURE_FIELDS = ("fatalities", "civilian_fatalities", "injuries")


@dataclass(frozen=True, slots=True)
class Report:
    """One event claimed in one article, every value backed by evidence spans."""

    event_type: str
    sub_event_type: str
    event_date: str | None = None  # YYYY-MM-DD
    time_precision: int | None = None
    actor1: str | None = None
    inter1: int | None = None
    actor1_country: str | None = None
    actor2: str | None = None
    inter2: int | None = None
    actor2_country: str | None = None
    civilian_targeting: bool = False
    country: str | None = None
    admin1: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    fatalities: Figures = field(default_factory=Figures)
    civilian_fatalities: Figures = field(default_factory=Figures)
    injuries: Figures = field(default_factory=Figures)
    sources: tuple[SourceClaim, ...] = ()
    summary: str = ""
    evidence: tuple[Evidence, ...] = ()

    def evidence_for(self, field_name: str) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.field == field_name)

    def with_(self, **changes: Any) -> Report:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The event object of the ``extract`` output contract."""
        d: dict[str, Any] = {name: getattr(self, name) for name in SCALAR_FIELDS}
        for name in FIGURE_FIELDS:
            d[name] = getattr(self, name).to_dict()
        d["sources"] = [s.to_dict() for s in self.sources]
        d["summary"] = self.summary
        d["evidence"] = [e.to_dict() for e in self.evidence]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        kwargs: dict[str, Any] = {name: d.get(name) for name in SCALAR_FIELDS}
        kwargs["civilian_targeting"] = bool(d.get("civilian_targeting", False))
        for name in FIGURE_FIELDS:
            kwargs[name] = Figures.from_dict(d.get(name))
        kwargs["sources"] = tuple(SourceClaim.from_dict(s) for s in d.get("sources", []))
        kwargs["summary"] = d.get("summary", "")
        kwargs["evidence"] = tuple(Evidence.from_dict(e) for e in d.get("evidence", []))
        return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction made of one document: its events and its framing."""

    id: str
    language: str | None
    events: tuple[Report, ...] = ()
    framing: Framing = field(default_factory=Framing)

    def to_dict(self) -> dict[str, Any]:
        """One line of the ``extract`` output contract."""
        return {
            "id": self.id,
            "language": self.language,
            "events": [e.to_dict() for e in self.events],
            "framing": self.framing.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            id=d["id"],
            language=d.get("language"),
            events=tuple(Report.from_dict(e) for e in d.get("events", [])),
            framing=Framing.from_dict(d.get("framing")),
        )


@dataclass(frozen=True, slots=True)
class IncidentMember:
    """One report inside an incident, with what its article says."""

    report_id: str  # "<article hash>:<event index>"
    article_id: str  # the external id where given, else the article hash
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    report: Report
    #: A sample of the article's hashed shingles, to spot syndicated copies.
    fingerprint: tuple[int, ...] = ()
    #: The names and numbers of the article's lede (see resolve.syndication.keywords).
    keywords: tuple[str, ...] = ()

    @property
    def quote(self) -> str:
        """The evidence sentence for the figures, or the first evidence span."""
        for name in ("fatalities", "event_type", "sub_event_type"):
            ev = self.report.evidence_for(name)
            if ev:
                return ev[0].text
        return self.report.evidence[0].text if self.report.evidence else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "article_id": self.article_id,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "language": self.language,
            "fatalities": self.report.fatalities.to_dict(),
            "quote": self.quote,
            "sources": [s.to_dict() for s in self.report.sources],
            "report": self.report.to_dict(),
            "fingerprint": list(self.fingerprint),
            "keywords": list(self.keywords),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IncidentMember:
        return cls(
            report_id=d["report_id"],
            article_id=d["article_id"],
            outlet=d.get("outlet"),
            url=d.get("url"),
            published=d.get("published"),
            language=d.get("language"),
            report=Report.from_dict(d["report"]),
            fingerprint=tuple(int(x) for x in d.get("fingerprint", ())),
            keywords=tuple(str(x) for x in d.get("keywords", ())),
        )


@dataclass(frozen=True, slots=True)
class Incident:
    """The reports that describe one event, merged, with reconciled values."""

    incident_id: str
    record: Report  # the reconciled contract fields
    members: tuple[IncidentMember, ...] = ()
    origins: int = 0
    grade: str = "Weak"
    grade_reason: str = ""
    created: str | None = None
    updated: str | None = None

    @property
    def outlets(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for m in self.members:
            if m.outlet:
                seen.setdefault(m.outlet, None)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"incident_id": self.incident_id}
        d.update(self.record.to_dict())
        d["grade"] = self.grade
        d["grade_reason"] = self.grade_reason
        d["origins"] = self.origins
        d["outlets"] = list(self.outlets)
        d["reports"] = [m.to_dict() for m in self.members]
        d["created"] = self.created
        d["updated"] = self.updated
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Incident:
        return cls(
            incident_id=d["incident_id"],
            record=Report.from_dict(d),
            members=tuple(IncidentMember.from_dict(m) for m in d.get("reports", [])),
            origins=int(d.get("origins", 0)),
            grade=d.get("grade", "Weak"),
            grade_reason=d.get("grade_reason", ""),
            created=d.get("created"),
            updated=d.get("updated"),
        )


#: What an analyst can decide about incidents (see :class:`Decision`).
DECISION_KINDS = ("merge", "detach", "split", "edit", "discount")


@dataclass(frozen=True, slots=True)
class Decision:
    """An analyst's decision about incidents, kept as a constraint on reports.

    Decisions name the reports that existed when the analyst decided, so they
    hold whatever ids incidents get after re-clustering or re-extraction:

    - ``merge``: ``report_ids`` must share one incident;
    - ``detach`` / ``split``: ``report_ids`` must not share an incident with
      ``other_ids``;
    - ``edit``: the incident holding most of ``report_ids`` shows ``field`` =
      ``value`` whatever its reports say;
    - ``discount``: that incident is graded Discounted, with ``why``.
    """

    kind: str
    incident_id: str
    who: str
    why: str = ""
    report_ids: tuple[str, ...] = ()
    other_ids: tuple[str, ...] = ()
    field: str | None = None
    value: Any = None
    at: str | None = None
    id: int | None = None
    active: bool = True

    def __post_init__(self) -> None:
        if self.kind not in DECISION_KINDS:
            raise ValueError(f"unknown decision kind {self.kind!r}: one of {DECISION_KINDS}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "incident_id": self.incident_id,
            "report_ids": list(self.report_ids),
            "other_ids": list(self.other_ids),
            "field": self.field,
            "value": self.value,
            "who": self.who,
            "why": self.why,
            "at": self.at,
            "active": self.active,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        return cls(
            kind=d["kind"],
            incident_id=d["incident_id"],
            who=d["who"],
            why=d.get("why") or "",
            report_ids=tuple(d.get("report_ids") or ()),
            other_ids=tuple(d.get("other_ids") or ()),
            field=d.get("field"),
            value=d.get("value"),
            at=d.get("at"),
            id=d.get("id"),
            active=bool(d.get("active", True)),
        )
