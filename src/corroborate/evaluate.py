"""Scoring extraction against human coding (``corroborate eval``).

Each kind of gold file is turned into ``extract`` inputs the way the
quality issue prescribes, run through the real pipeline, and scored per
field. This is a face: it wires the extractor and reads gold files, it
holds no extraction knowledge of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from corroborate.errors import ConfigError
from corroborate.model import Article, Extraction, Report

__all__ = [
    "KINDS",
    "Score",
    "ScoreTable",
    "evaluate",
    "read_gold",
    "weighted_f1",
]

KINDS = ("acled", "case", "ptc", "gtd", "ucdp", "clusters")

INTER_LABELS = {
    "state forces": 1,
    "rebel group": 2,
    "rebel groups": 2,
    "political militia": 3,
    "political militias": 3,
    "identity militia": 4,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "external/other force": 8,
}


class Extractor(Protocol):
    def extract(self, article: Article) -> Extraction: ...


@dataclass(slots=True)
class Score:
    """A share of correct answers (or an F1) over ``n`` scored rows."""

    name: str
    value: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.name, "value": round(self.value, 4), "n": self.n}


@dataclass(slots=True)
class ScoreTable:
    kind: str
    gold: str
    rows: int
    scores: list[Score] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, hits: Sequence[bool]) -> None:
        self.scores.append(Score(name, sum(hits) / len(hits) if hits else math.nan, len(hits)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "gold": self.gold,
            "rows": self.rows,
            "seconds": round(self.seconds, 2),
            "scores": [s.to_dict() for s in self.scores],
        }

    def markdown(self) -> str:
        lines = [f"| {self.kind} metric | value | n |", "|---|---|---|"]
        for s in self.scores:
            value = "n/a" if math.isnan(s.value) else f"{s.value:.3f}"
            lines.append(f"| {s.name} | {value} | {s.n} |")
        return "\n".join(lines)


def read_gold(path: Path, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a gold JSON Lines file."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read gold file {path}: {exc.strerror}") from exc
    with fh:
        n = 0
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{lineno} is not JSON: {exc.msg}") from exc
            yield row
            n += 1
            if limit is not None and n >= limit:
                return


# --------------------------------------------------------------------- helpers
def fold(text: str | None) -> str:
    """Case- and accent-insensitive form for comparing names."""
    if not text:
        return ""
    nfkd = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in nfkd if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def _plus_days(iso: str | None, days: int) -> str | None:
    if not iso:
        return None
    try:
        return (dt.date.fromisoformat(iso[:10]) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return None


def inter_code(value: Any) -> int | None:
    """An ACLED inter code from a number or a label ("Rebel group")."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        code = int(value)
        return code or None
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text) or None
    return INTER_LABELS.get(text)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def weighted_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Support-weighted F1 over the gold classes."""
    support = Counter(gold)
    total = len(gold)
    if not total:
        return math.nan
    score = 0.0
    for label, n in support.items():
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = n - tp
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        score += f1 * n / total
    return score


def _acled_name(name: str | None) -> str | None:
    """A country name in ACLED's spelling ("Syria" for "Syrian Arab Republic")."""
    from corroborate.export import acled_country

    c = acled_country(name) if name else None
    return c.name if c is not None else name


def _country_key(name: str | None, aliases: Callable[[str | None], str | None]) -> str:
    key = fold(aliases(name) if name else None) or fold(name)
    return "morocco" if key == "western sahara" else key


def _primary(extraction: Extraction) -> Report | None:
    return extraction.events[0] if extraction.events else None


# ---------------------------------------------------------------- the kinds
def _acled(rows: Iterable[dict[str, Any]], run: Callable[[Article], Extraction]) -> ScoreTable:
    from corroborate.export import acled_country

    def aliases(name: str | None) -> str | None:
        c = acled_country(name) if name else None
        return c.name if c is not None else name

    t = ScoreTable("acled", "", 0)
    detected: list[bool] = []
    etype: list[bool] = []
    sub: list[bool] = []
    gold_sub: list[str] = []
    pred_sub: list[str] = []
    fat: list[bool] = []
    country: list[bool] = []
    admin1: list[bool] = []
    km25: list[bool] = []
    km100: list[bool] = []
    date: list[bool] = []
    inter1: list[bool] = []
    inter2: list[bool] = []
    for row in rows:
        if not row.get("notes") or not row.get("sub_event_type"):
            continue
        t.rows += 1
        art = Article.create(
            row["notes"],
            external_id=row["record_id"],
            published=_plus_days(row.get("event_date_iso"), 2),
        )
        r = _primary(run(art))
        detected.append(r is not None)
        etype.append(r is not None and r.event_type == row["event_type"])
        sub.append(r is not None and r.sub_event_type == row["sub_event_type"])
        gold_sub.append(row["sub_event_type"])
        pred_sub.append(r.sub_event_type if r else "none")
        best = (r.fatalities.best if r else None) or 0
        fat.append(best == int(row.get("fatalities") or 0))
        country.append(
            r is not None
            and _country_key(r.country, aliases) == _country_key(row.get("country"), aliases)
        )
        if row.get("admin1"):
            admin1.append(r is not None and fold(r.admin1) == fold(row["admin1"]))
        if (
            row.get("geo_precision") in (1, 2)
            and row.get("latitude") is not None
            and row.get("longitude") is not None
        ):
            if r is not None and r.latitude is not None and r.longitude is not None:
                km = distance_km(r.latitude, r.longitude, row["latitude"], row["longitude"])
            else:
                km = math.inf
            km25.append(km <= 25)
            km100.append(km <= 100)
        date.append(r is not None and r.event_date == row.get("event_date_iso"))
        inter1.append(r is not None and r.inter1 == inter_code(row.get("inter1")))
        if "actor2" in row:
            inter2.append((r.inter2 if r else None) == inter_code(row.get("inter2")))
    t.add("detection rate", detected)
    t.add("event type accuracy", etype)
    t.add("sub-event type accuracy", sub)
    t.scores.append(Score("sub-event type weighted F1", weighted_f1(gold_sub, pred_sub), len(sub)))
    t.add("fatalities best exact", fat)
    t.add("country", country)
    t.add("admin1", admin1)
    t.add("within 25 km (geo_precision 1-2)", km25)
    t.add("within 100 km (geo_precision 1-2)", km100)
    t.add("event date exact", date)
    t.add("inter1", inter1)
    t.add("inter2 (rows with an actor2 column)", inter2)
    return t


def _case(rows: Iterable[dict[str, Any]], run: Callable[[Article], Extraction]) -> ScoreTable:
    t = ScoreTable("case", "", 0)
    gold: list[str] = []
    pred: list[str] = []
    for row in rows:
        text = row.get("EventSnippet")
        if not text:
            continue
        t.rows += 1
        label = row["acled_sub_event_type"] if row.get("label_in_acled_taxonomy") else "none"
        r = _primary(run(Article.create(text, external_id=str(row.get("id")))))
        gold.append(label)
        pred.append(r.sub_event_type if r else "none")
    t.add("accuracy", [g == p for g, p in zip(gold, pred, strict=True)])
    t.scores.append(Score("weighted F1", weighted_f1(gold, pred), len(gold)))
    return t


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        elif e > s:
            out.append((s, e))
    return out


def _overlap(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> int:
    s, e = span
    return sum(max(0, min(e, oe) - max(s, os_)) for os_, oe in others)


def span_prf(
    pred: Sequence[Sequence[tuple[int, int]]], gold: Sequence[Sequence[tuple[int, int]]]
) -> tuple[float, float, float]:
    """Partial-overlap precision, recall and F1 over documents (SemEval-2020 task 11 style)."""
    p_num = p_den = r_num = r_den = 0.0
    for ps, gs in zip(pred, gold, strict=True):
        pm, gm = _merge(ps), _merge(gs)
        for span in pm:
            p_num += _overlap(span, gm) / (span[1] - span[0])
            p_den += 1
        for span in gm:
            r_num += _overlap(span, pm) / (span[1] - span[0])
            r_den += 1
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _ptc(rows: Iterable[dict[str, Any]], run: Callable[[Article], Extraction]) -> ScoreTable:
    t = ScoreTable("ptc", "", 0)
    preds: list[list[tuple[int, int]]] = []
    gold_loaded: list[list[tuple[int, int]]] = []
    gold_all: list[list[tuple[int, int]]] = []
    loaded = {"Loaded_Language", "Name_Calling,Labeling"}
    for row in rows:
        text = row.get("text")
        if not text:
            continue
        t.rows += 1
        art = Article.create(text, external_id=str(row.get("article_id")), title=row.get("title"))
        ext = run(art)
        preds.append([(x.start, x.end) for x in ext.framing.loaded_terms])
        spans = row.get("technique_spans") or []
        gold_loaded.append([(s["start"], s["end"]) for s in spans if s["technique"] in loaded])
        gold_all.append([(s["start"], s["end"]) for s in spans])
    for name, gold in (
        ("loaded language + name calling", gold_loaded),
        ("all techniques", gold_all),
    ):
        p, r, f = span_prf(preds, gold)
        n = len(preds)
        t.scores += [
            Score(f"{name}: precision", p, n),
            Score(f"{name}: recall", r, n),
            Score(f"{name}: F1", f, n),
        ]
    return t


_GTD_PREFIX = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s*:\s*")
_GTD_TYPES = {
    "Bombing/Explosion": "Explosions/Remote violence",
    "Hostage Taking (Kidnapping)": "Violence against civilians",
    "Assassination": "Violence against civilians",
}


def _gtd(rows: Iterable[dict[str, Any]], run: Callable[[Article], Extraction]) -> ScoreTable:
    from corroborate.export import acled_country

    def aliases(name: str | None) -> str | None:
        c = acled_country(name) if name else None
        return c.name if c is not None else name

    t = ScoreTable("gtd", "", 0)
    fat: list[bool] = []
    country: list[bool] = []
    date: list[bool] = []
    etype: list[bool] = []
    detected: list[bool] = []
    for row in rows:
        summary = row.get("summary")
        if not summary:
            continue
        t.rows += 1
        text = _GTD_PREFIX.sub("", summary)
        art = Article.create(
            text, external_id=row["record_id"], published=_plus_days(row.get("event_date_iso"), 2)
        )
        r = _primary(run(art))
        detected.append(r is not None)
        if row.get("nkill") is not None:
            fat.append(((r.fatalities.best if r else None) or 0) == int(row["nkill"]))
        country.append(
            r is not None
            and _country_key(r.country, aliases) == _country_key(row.get("country_txt"), aliases)
        )
        if row.get("event_date_iso"):
            date.append(r is not None and r.event_date == row["event_date_iso"])
        mapped = _GTD_TYPES.get(row.get("attacktype1_txt") or "")
        if mapped:
            etype.append(r is not None and r.event_type == mapped)
    t.add("detection rate", detected)
    t.add("fatalities best exact (nkill)", fat)
    t.add("country", country)
    t.add("event date exact", date)
    t.add("event type (mappable attack types)", etype)
    return t


def _ucdp(rows: Iterable[dict[str, Any]], run: Callable[[Article], Extraction]) -> ScoreTable:
    t = ScoreTable("ucdp", "", 0)
    fat: list[bool] = []
    in_range: list[bool] = []
    country: list[bool] = []
    date: list[bool] = []
    detected: list[bool] = []
    for row in rows:
        text = row.get("source_headline") or row.get("source_article")
        if not text:
            continue
        t.rows += 1
        art = Article.create(
            text,
            external_id=row["record_id"],
            published=row.get("source_date") or _plus_days(row.get("date_start"), 1),
            outlet=row.get("source_office"),
        )
        r = _primary(run(art))
        detected.append(r is not None)
        best = (r.fatalities.best if r else None) or 0
        fat.append(best == int(row.get("best") or 0))
        in_range.append(int(row.get("low") or 0) <= best <= int(row.get("high") or 0))
        country.append(
            r is not None
            and _country_key(r.country, _acled_name)
            == _country_key(row.get("country"), _acled_name)
        )
        if row.get("date_prec") == 1 and row.get("date_start"):
            date.append(r is not None and r.event_date == row["date_start"])
    t.add("detection rate", detected)
    t.add("fatalities best exact", fat)
    t.add("fatalities best within gold low-high", in_range)
    t.add("country", country)
    t.add("event date exact (date_prec 1)", date)
    return t


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering ``pred`` against ``gold``.

    Both map item → cluster id over the same items.
    """
    from collections import defaultdict

    g_members: dict[str, set[str]] = defaultdict(set)
    p_members: dict[str, set[str]] = defaultdict(set)
    for item, c in gold.items():
        g_members[c].add(item)
    for item, c in pred.items():
        p_members[c].add(item)
    precision = recall = 0.0
    for item in gold:
        same_p = p_members[pred[item]]
        same_g = g_members[gold[item]]
        both = len(same_p & same_g)
        precision += both / len(same_p)
        recall += both / len(same_g)
    n = len(gold)
    if not n:
        return math.nan, math.nan, math.nan
    p, r = precision / n, recall / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_clusters(
    path: Path,
    *,
    extractor: Extractor,
    limit: int | None = None,
    on_row: Callable[[], None] | None = None,
) -> ScoreTable:
    """Ingest articles with a gold incident id into a fresh store and score the incidents.

    An article that yields no incident counts as a singleton.
    """
    import tempfile
    import time

    from corroborate.ingest import ingest
    from corroborate.resolve import Resolver
    from corroborate.store import open_store

    start = time.perf_counter()
    rows = [r for r in read_gold(path, limit=limit) if r.get("text")]
    gold: dict[str, str] = {}
    articles: list[Article] = []
    for i, row in enumerate(rows):
        ext_id = str(row.get("record_id") or row.get("id") or i)
        gold[ext_id] = str(row.get("incident_cluster_id") or row.get("incident_id") or ext_id)
        articles.append(
            Article.create(
                row["text"],
                external_id=ext_id,
                published=row.get("published") or row.get("published_inferred"),
                outlet=row.get("outlet"),
                url=row.get("url"),
                title=row.get("title"),
                language=row.get("language"),
            )
        )

    class _Counting:
        def extract(self, article: Article) -> Extraction:
            out = extractor.extract(article)
            if on_row is not None:
                on_row()
            return out

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "clusters.db"))
        with store:
            ingest(articles, store=store, extractor=_Counting(), resolver=Resolver())
            pred: dict[str, str] = {}
            for inc in store.iter_incidents(None):
                for m in inc.members:
                    # An article's primary report decides its incident.
                    if m.report_id.endswith(":0"):
                        pred.setdefault(m.article_id, inc.incident_id)
    for ext_id in gold:
        pred.setdefault(ext_id, f"singleton:{ext_id}")
    p, r, f = bcubed(gold, pred)
    t = ScoreTable("clusters", str(path), len(gold))
    n = len(gold)
    gold_of_pred: dict[str, set[str]] = {}
    for item, c in pred.items():
        gold_of_pred.setdefault(c, set()).add(gold[item])
    false_merged = sum(len(gold_of_pred[pred[item]]) > 1 for item in gold)
    t.scores += [
        Score("B-cubed precision", p, n),
        Score("B-cubed recall", r, n),
        Score("B-cubed F1", f, n),
        Score(
            "false-merge rate (articles sharing an incident with another gold incident)",
            false_merged / n if n else math.nan,
            n,
        ),
        Score(
            "articles placed in an incident",
            sum(not v.startswith("singleton:") for v in pred.values()) / n if n else math.nan,
            n,
        ),
    ]
    t.seconds = time.perf_counter() - start
    return t


_SCORERS: dict[
    str, Callable[[Iterable[dict[str, Any]], Callable[[Article], Extraction]], ScoreTable]
] = {
    "acled": _acled,
    "case": _case,
    "ptc": _ptc,
    "gtd": _gtd,
    "ucdp": _ucdp,
}


def evaluate(
    path: Path,
    *,
    kind: str,
    extractor: Extractor,
    limit: int | None = None,
    on_row: Callable[[], None] | None = None,
) -> ScoreTable:
    """Run the extractor over a gold file and score it."""
    if kind == "clusters":
        return evaluate_clusters(path, extractor=extractor, limit=limit, on_row=on_row)
    if kind not in _SCORERS:
        raise ConfigError(f"unknown gold kind {kind!r}; use one of {', '.join(KINDS)}")
    import time

    def run(article: Article) -> Extraction:
        result = extractor.extract(article)
        if on_row is not None:
            on_row()
        return result

    start = time.perf_counter()
    table = _SCORERS[kind](read_gold(path, limit=limit), run)
    table.seconds = time.perf_counter() - start
    table.gold = str(path)
    return table
