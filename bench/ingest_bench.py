"""Ingest + incident resolution time at growing corpus sizes, on synthetic documents.

Extracting 100,000 documents would take most of an hour on two cores, so a
few thousand real texts (ACLED notes from ``../shared``, or any JSON Lines
with a ``text`` field) are extracted once and their ``Extraction`` objects
are reused: each synthetic document takes a seed's text and events and
perturbs them — the event date moved to a random day of one year, the place
(country, admin1, location, coordinates) swapped for another seed's, the
figures redrawn, the outlet varied — with the text rewritten to match
(dates, numbers and place names replaced), so every document is distinct
and its text signals (fingerprint, keywords) follow the perturbation.

The synthetic documents then go through :func:`corroborate.ingest.ingest`
unchanged (store, resolver, one transaction per article) with an extractor
that returns the stored extraction, so the time is ingest + resolution only.
The store's ``candidate_incidents`` is wrapped to count its calls, the
candidates it returns and the seconds spent in it.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from corroborate.ingest import ingest
from corroborate.model import Article, Extraction, Figures, Incident, Report
from corroborate.resolve import Resolver
from corroborate.resolve.matcher import MatchConfig
from corroborate.store import open_store
from corroborate.store._common import ORDER, incident_from_data

__all__ = [
    "IngestTiming",
    "Seed",
    "StoredExtractor",
    "extract_seeds",
    "read_seed_articles",
    "synthesize",
    "time_ingest",
]

#: Event families of the matcher (``resolve.matcher._FAMILY``): reports of
#: different families never match, so a family is a lossless block.
FAMILIES: dict[str, tuple[str, ...]] = {
    "Battles": ("Battles", "Explosions/Remote violence", "Violence against civilians"),
    "Explosions/Remote violence": (
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
    ),
    "Violence against civilians": (
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
    ),
    "Protests": ("Protests", "Riots"),
    "Riots": ("Protests", "Riots"),
    "Strategic developments": ("Strategic developments",),
}
_KM_PER_DEGREE = 111.0

#: Outlet stems the synthetic documents are attributed to (varied per document).
_OUTLETS = ("Daily Monitor", "The Observer", "Radio Nationale", "Wire Service", "City Times")
_MONTHS = tuple(calendar.month_name[1:])
_DATE_TEXT = re.compile(
    r"\b\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b"
)
_NUMBER = re.compile(r"\b\d{1,4}\b")


@dataclass(frozen=True, slots=True)
class Seed:
    """One real document and what extraction made of it."""

    article: Article
    extraction: Extraction


def read_seed_articles(path: Path, limit: int, *, text_field: str = "notes") -> list[Article]:
    """Up to ``limit`` distinct texts of a JSON Lines file as articles.

    ``text_field`` names the text (``notes`` for ACLED rows; ``text`` is
    tried when it is missing). Rows with an ``event_date_iso`` get it as
    their publication date.
    """
    seen: set[str] = set()
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if len(out) >= limit:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            text = row.get(text_field) or row.get("text")
            if not isinstance(text, str) or not text.strip() or text in seen:
                continue
            seen.add(text)
            published = row.get("event_date_iso") or row.get("published")
            out.append(
                Article.create(
                    text,
                    external_id=str(row.get("record_id") or row.get("id") or len(out)),
                    published=published if isinstance(published, str) else None,
                    outlet=row.get("outlet") if isinstance(row.get("outlet"), str) else None,
                )
            )
    return out


def extract_seeds(articles: Iterable[Article], extractor: Any) -> list[Seed]:
    """Extract every article once (``extractor.extract``); the seeds of the synthesis."""
    return [Seed(a, extractor.extract(a)) for a in articles]


class StoredExtractor:
    """An extractor that returns extractions made beforehand, by article id."""

    def __init__(self) -> None:
        self.by_id: dict[str, Extraction] = {}

    def add(self, article: Article, extraction: Extraction) -> None:
        self.by_id[article.id] = dataclasses.replace(extraction, id=article.id)

    def extract(self, article: Article) -> Extraction:
        return self.by_id.pop(article.id)


def _placed(seeds: Sequence[Seed]) -> list[Report]:
    """Events with coordinates: the donors of places."""
    return [e for s in seeds for e in s.extraction.events if e.latitude is not None]


def _figure(rng: random.Random, old: Figures) -> Figures:
    if old.best is None:
        return old
    best = max(0, int(old.best * rng.uniform(0.3, 2.5)) + rng.randint(-2, 3))
    return Figures(low=best, best=best, high=best)


def _replace_all(text: str, pairs: Iterable[tuple[str | None, str | None]]) -> str:
    for old, new in pairs:
        if old and new and old != new and len(old) > 2:
            text = text.replace(old, new)
    return text


def synthesize(
    seeds: Sequence[Seed],
    n: int,
    *,
    seed: int = 0,
    start: date = date(2024, 1, 1),
    days: int = 365,
) -> Iterator[tuple[Article, Extraction]]:
    """``n`` distinct synthetic (article, extraction) pairs made by perturbing ``seeds``."""
    if not seeds:
        raise ValueError("no seed documents to perturb")
    rng = random.Random(seed)
    donors = _placed(seeds) or [e for s in seeds for e in s.extraction.events]
    for i in range(n):
        base = seeds[i % len(seeds)]
        day = start + timedelta(days=rng.randrange(days))
        iso = day.isoformat()
        donor = rng.choice(donors) if donors else None
        events: list[Report] = []
        pairs: list[tuple[str | None, str | None]] = []
        for event in base.extraction.events:
            changes: dict[str, Any] = {
                "event_date": iso if event.event_date else None,
                "fatalities": _figure(rng, event.fatalities),
                "injuries": _figure(rng, event.injuries),
            }
            if donor is not None:
                jitter = rng.uniform(-0.05, 0.05)
                for name in ("country", "admin1", "location", "geo_precision"):
                    changes[name] = getattr(donor, name)
                    if name != "geo_precision":
                        pairs.append((getattr(event, name), getattr(donor, name)))
                if donor.latitude is not None and donor.longitude is not None:
                    changes["latitude"] = round(donor.latitude + jitter, 4)
                    changes["longitude"] = round(donor.longitude + jitter, 4)
            events.append(event.with_(**changes))
        text = _replace_all(base.article.text, pairs)
        text = _DATE_TEXT.sub(f"{day.day} {_MONTHS[day.month - 1]} {day.year}", text)
        text = _NUMBER.sub(lambda _m: str(rng.randint(1, 60)), text)
        text = f"{text.rstrip()} (ref. {i})"
        published = (day + timedelta(days=rng.randint(0, 2))).isoformat()
        outlet = f"{_OUTLETS[i % len(_OUTLETS)]} {i % 37}"
        article = Article.create(
            text, external_id=f"syn-{i}", published=published, outlet=outlet, url=None
        )
        yield article, dataclasses.replace(base.extraction, id=article.id, events=tuple(events))


@dataclass(slots=True)
class IngestTiming:
    """One ingest run over ``docs`` synthetic documents."""

    docs: int
    seconds: float
    reports: int
    incidents: int
    lookups: int = 0
    candidates: int = 0
    lookup_seconds: float = 0.0
    complete: bool = True
    blocked: bool = False
    #: (documents ingested, seconds) along the run.
    checkpoints: list[tuple[int, float]] = dataclasses.field(default_factory=list)
    #: At each requested mark (documents ingested): seconds, lookups,
    #: candidates and seconds in candidate_incidents so far.
    at: dict[int, dict[str, float]] = dataclasses.field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def candidates_per_lookup(self) -> float:
        return self.candidates / self.lookups if self.lookups else 0.0

    def projected_seconds(self, n: int) -> float:
        """Seconds for ``n`` documents: measured when the run got there, else projected.

        The projection fits ``a·k + b·k²`` (per-document cost growing with
        the store) to the run's checkpoints by least squares; NaN with fewer
        than three checkpoints. Machine load makes it rough: a guide, not a
        measurement.
        """
        if self.complete and n <= self.docs:
            return self.seconds
        points = [(k, t) for k, t in self.checkpoints if k > 0]
        if len(points) < 3:
            return math.nan  # too little to go on
        s11 = sum(k * k for k, _ in points)
        s12 = sum(k**3 for k, _ in points)
        s22 = sum(k**4 for k, _ in points)
        y1 = sum(k * t for k, t in points)
        y2 = sum(k * k * t for k, t in points)
        det = s11 * s22 - s12 * s12
        if det == 0:
            return self.seconds * n / self.docs
        a = (y1 * s22 - y2 * s12) / det
        b = (s11 * y2 - s12 * y1) / det
        if b < 0:  # no measurable growth: linear
            a, b = y1 / s11, 0.0
        return a * n + b * n * n

    def to_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "docs_per_s": self.docs_per_s,
            "candidates_per_lookup": self.candidates_per_lookup,
        }


def time_ingest(
    seeds: Sequence[Seed],
    n: int,
    db: str,
    *,
    max_seconds: float | None = None,
    seed: int = 0,
    progress: Callable[[int, float], None] | None = None,
    blocked: bool = False,
    checkpoint_every: int = 0,
    marks: Iterable[int] = (),
) -> IngestTiming:
    """Ingest ``n`` synthetic documents into the store at ``db`` and time it.

    The synthesis happens before the clock starts. With ``max_seconds`` the
    run stops once that much time has passed (``complete`` is then False and
    ``docs`` says how far it got). ``checkpoint_every`` documents (default
    a fiftieth of ``n``, at most 100) the elapsed time is recorded in ``checkpoints``;
    at each of ``marks`` the totals so far are recorded in ``at`` (the first
    k synthetic documents are the same whatever ``n``, so one run to the
    largest size times every smaller one too).

    ``blocked=True`` is a what-if for the resolver's owners, not the shipped
    behaviour: the candidate query also requires the member's event family
    and, when the member names a country, the same country, an unknown one,
    or coordinates within ``max_km`` (the matcher's own rule for different
    countries), so fewer incidents are read and deserialised; and parsed
    incidents are kept in memory by (id, updated, number of reports), so a
    candidate seen before is not parsed from JSON again. Only SQLite.
    """
    extractor = StoredExtractor()
    articles: list[Article] = []
    for article, extraction in synthesize(seeds, n, seed=seed):
        extractor.add(article, extraction)
        articles.append(article)
    store = open_store(db)
    timing = IngestTiming(docs=0, seconds=0.0, reports=0, incidents=0)
    original = store.candidate_incidents

    def counted(
        *, date_from: str | None, date_to: str | None, country: str | None, **blocks: Any
    ) -> list[Incident]:
        t0 = time.perf_counter()
        found = original(date_from=date_from, date_to=date_to, country=country, **blocks)
        timing.lookup_seconds += time.perf_counter() - t0
        timing.lookups += 1
        timing.candidates += len(found)
        return found

    resolver = Resolver()
    if blocked:
        resolver = _BlockingResolver()
        timing.blocked = True
        original = _blocked_query(store, resolver)
    setattr(store, "candidate_incidents", counted)  # noqa: B010 - instrument one instance
    start = time.perf_counter()
    deadline = start + max_seconds if max_seconds else None

    every = checkpoint_every or max(1, min(100, n // 50))
    wanted = set(marks)

    def mark(k: int, seconds: float) -> None:
        timing.at[k] = {
            "seconds": seconds,
            "lookups": timing.lookups,
            "candidates": timing.candidates,
            "lookup_seconds": timing.lookup_seconds,
        }

    def items() -> Iterator[Article]:
        for i, article in enumerate(articles):
            now = time.perf_counter()
            if i in wanted:
                mark(i, now - start)
            if i and i % every == 0:
                timing.checkpoints.append((i, now - start))
                if progress is not None:
                    progress(i, now - start)
            if deadline is not None and now > deadline:
                timing.complete = False
                return
            yield article

    try:
        result = ingest(items(), store=store, extractor=extractor, resolver=resolver)
        timing.seconds = time.perf_counter() - start
        timing.docs = result.stored
        timing.reports = result.reports
        timing.incidents = result.incidents_created
        if timing.complete and n in wanted:
            mark(n, timing.seconds)
    finally:
        store.close()
    return timing


class _BlockingResolver(Resolver):
    """A resolver that remembers the member being placed (for the what-if query)."""

    current: Report | None = None

    def place(self, member: Any, **kwargs: Any) -> Any:
        self.current = member.report
        try:
            return super().place(member, **kwargs)
        finally:
            self.current = None


def _blocked_query(store: Any, resolver: _BlockingResolver) -> Callable[..., list[Incident]]:
    """``candidate_incidents`` with an event-family and a place block (SQLite only).

    Lossless with respect to ``matcher._place`` on the incident's record: a
    located record must lie within ``vague_km`` (a box) or share the
    member's admin1; an unlocated one must not name another country or
    another admin1; a member without coordinates needs the same country or
    an unknown one (and the same admin1 where both name one).
    """
    from corroborate.store.sqlite import SQLiteStore

    if not isinstance(store, SQLiteStore):
        raise ValueError("the blocked what-if runs on SQLite only")
    cfg = MatchConfig()
    parsed: dict[tuple[Any, ...], Incident] = {}

    def query(
        *, date_from: str | None, date_to: str | None, country: str | None, **_: Any
    ) -> list[Incident]:
        clauses = ["(i.event_date IS NULL OR (i.event_date >= ? AND i.event_date <= ?))"]
        params: list[Any] = [date_from or "0000", date_to or "9999"]
        r = resolver.current
        if r is not None and r.event_type in FAMILIES:
            types = FAMILIES[r.event_type]
            marks = ",".join("?" * len(types))
            clauses.append(f"(i.event_type IS NULL OR i.event_type IN ({marks}))")
            params.extend(types)
        if r is not None:
            same: list[str] = []
            if r.country:
                same.append("(i.country IS NULL OR i.country = ? COLLATE NOCASE)")
                params.append(r.country)
            if r.admin1:
                same.append("(i.admin1 IS NULL OR i.admin1 = ? COLLATE NOCASE)")
                params.append(r.admin1)
            unlocated = " AND ".join(["i.latitude IS NULL", *same])
            if r.latitude is not None and r.longitude is not None:
                dlat = max(cfg.vague_km, cfg.max_km) / _KM_PER_DEGREE
                dlon = min(180.0, dlat / max(0.01, math.cos(math.radians(r.latitude))))
                located = "(i.latitude BETWEEN ? AND ? AND i.longitude BETWEEN ? AND ?)"
                params.extend(
                    [r.latitude - dlat, r.latitude + dlat, r.longitude - dlon, r.longitude + dlon]
                )
                options = [f"({unlocated})", located]
                if r.admin1:
                    options.append("i.admin1 = ? COLLATE NOCASE")
                    params.append(r.admin1)
                clauses.append("(" + " OR ".join(options) + ")")
            elif same:
                clauses.append(" AND ".join(same))
        where = " AND ".join(clauses)
        sql = f"SELECT i.incident_id, i.updated, i.n_reports FROM incidents i WHERE {where} {ORDER}"
        keys = [tuple(row) for row in store._read(sql, params)]  # a measurement, not a feature
        missing = [k[0] for k in keys if k not in parsed]
        for chunk in range(0, len(missing), 500):
            ids = missing[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            for row in store._read(
                "SELECT incident_id, updated, n_reports, data FROM incidents "
                f"WHERE incident_id IN ({marks})",
                ids,
            ):
                parsed[(row[0], row[1], row[2])] = incident_from_data(row["data"])
        return [parsed[k] for k in keys if k in parsed]

    return query
