"""Score French, Arabic and other non-English extraction, per language.

    .venv/bin/python scripts/eval_multilingual.py [--gold DIR] [--dev PATH] [--no-dev]
                                                  [--no-nlp] [--json] [--errors]

Two sets:

- the gold set written for the project, ``tests/data/multilingual/{fr,ar,en}.jsonl``
  (every report with its expected events; a report with ``"events": []`` must
  give none);
- the non-English excerpts of the private benchmark's
  ``../shared/benchmark/dev/news_incident_clusters.jsonl`` (real news; the
  reviewer's ``reviewer_acled_sub_event_type``, ``incident_country`` and
  ``incident_date`` are the labels). Nothing of it is copied anywhere.

Per language (the labelled one) it prints: language identification,
detection (an event found where one is expected, none where none is), the
primary event's sub-event type and event type, country,
the event date within a day (rows whose gold date is a day or a span of days),
and, on the gold set, the best fatality figure (rows with a primary event;
``null`` must match ``null``). ``--errors`` lists the misses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.extract.pipeline import Pipeline, ResourceSet  # noqa: E402
from corroborate.model import Article  # noqa: E402

GOLD = ROOT / "tests" / "data" / "multilingual"
DEV = ROOT.parent / "shared" / "benchmark" / "dev" / "news_incident_clusters.jsonl"
FIELDS = ("language", "detected", "sub_event_type", "event_type", "country", "date±1", "fatalities")


def gold_dates(value: str | None) -> list[dt.date]:
    """The days a gold date names: '2021-06-04', '2021-06-04/05', '2022-03-27/31'.

    A month alone ('2024-01 (…)') or nothing gives no day.
    """
    if not value:
        return []
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:/(\d{2}))?", value)
    if not m:
        return []
    first = dt.date(int(m[1]), int(m[2]), int(m[3]))
    last = first.replace(day=int(m[4])) if m[4] else first
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def date_ok(pred: str | None, days: Sequence[dt.date]) -> bool:
    if not pred:
        return False
    try:
        d = dt.date.fromisoformat(pred[:10])
    except ValueError:
        return False
    return any(abs((d - g).days) <= 1 for g in days)


def country_ok(pred: str | None, gold: str | None) -> bool:
    """Whether the predicted country is one the gold names ("Mauritania/Western Sahara border")."""
    if not gold or not pred:
        return False
    names = {p.replace(" border", "").strip().lower() for p in gold.split("/")}
    return pred.lower() in names


class Scores:
    """Hits per language and field."""

    def __init__(self) -> None:
        self.hits: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
        self.errors: list[dict[str, Any]] = []

    def add(self, language: str, field: str, hit: bool, **detail: Any) -> None:
        self.hits[language][field].append(hit)
        if not hit:
            self.errors.append({"language": language, "field": field, **detail})

    def table(self) -> dict[str, dict[str, tuple[float, int]]]:
        return {
            lang: {f: (sum(h) / len(h), len(h)) for f, h in fields.items() if h}
            for lang, fields in sorted(self.hits.items())
        }


def score_gold(rows: Iterable[dict[str, Any]], pipeline: Pipeline) -> Scores:
    scores = Scores()
    for row in rows:
        lang = row["language"]
        out = pipeline.extract(_article(row))
        expected = row["expected"]["events"]
        got = out.events[0].to_dict() if out.events else None
        scores.add(lang, "language", out.language == lang, id=row["id"], got=out.language)
        scores.add(lang, "detected", bool(expected) == bool(got), id=row["id"], got=bool(got))
        if not expected:
            continue
        want = expected[0]
        g = got or {}
        for field in ("sub_event_type", "event_type", "country"):
            scores.add(
                lang,
                field,
                g.get(field) == want[field],
                id=row["id"],
                want=want[field],
                got=g.get(field),
            )
        if want.get("event_date"):
            days = gold_dates(want["event_date"])
            scores.add(
                lang,
                "date±1",
                date_ok(g.get("event_date"), days),
                id=row["id"],
                want=want["event_date"],
                got=g.get("event_date"),
            )
        best = (g.get("fatalities") or {}).get("best")
        scores.add(
            lang,
            "fatalities",
            best == want["fatalities"]["best"],
            id=row["id"],
            want=want["fatalities"]["best"],
            got=best,
        )
    return scores


def score_dev(rows: Iterable[dict[str, Any]], pipeline: Pipeline) -> Scores:
    scores = Scores()
    for row in rows:
        if row.get("language") == "en":
            continue
        published = row.get("published")
        article = Article.create(
            row["text"],
            external_id=row.get("url"),
            outlet=row.get("outlet"),
            published=published if published and len(published) == 10 else None,
        )
        out = pipeline.extract(article)
        lang = row.get("language") or "und"
        ident = f"{row['incident_cluster_id']}:{row.get('outlet')}"
        g = out.events[0].to_dict() if out.events else {}
        scores.add(lang, "language", out.language == lang, id=ident, got=out.language)
        scores.add(lang, "detected", bool(g), id=ident)
        want_sub = row.get("reviewer_acled_sub_event_type")
        scores.add(
            lang,
            "sub_event_type",
            g.get("sub_event_type") == want_sub,
            id=ident,
            want=want_sub,
            got=g.get("sub_event_type"),
        )
        scores.add(
            lang,
            "event_type",
            g.get("event_type") == row.get("reviewer_acled_event_type"),
            id=ident,
            want=row.get("reviewer_acled_event_type"),
            got=g.get("event_type"),
        )
        scores.add(
            lang,
            "country",
            country_ok(g.get("country"), row.get("incident_country")),
            id=ident,
            want=row.get("incident_country"),
            got=g.get("country"),
        )
        days = gold_dates(row.get("incident_date"))
        if days:
            scores.add(
                lang,
                "date±1",
                date_ok(g.get("event_date"), days),
                id=ident,
                want=row.get("incident_date"),
                got=g.get("event_date"),
            )
    return scores


def _article(row: dict[str, Any]) -> Article:
    return Article.create(
        row["text"], external_id=row["id"], outlet=row.get("outlet"), published=row.get("published")
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def render(title: str, table: dict[str, dict[str, tuple[float, int]]]) -> str:
    lines = [
        f"## {title}",
        "",
        "| lang | " + " | ".join(FIELDS) + " |",
        "|---|" + "---|" * len(FIELDS),
    ]
    for lang, fields in table.items():
        cells = [f"{fields[f][0]:.2f} ({fields[f][1]})" if f in fields else "–" for f in FIELDS]
        lines.append(f"| {lang} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD, help="folder of the gold JSON Lines files")
    ap.add_argument("--dev", type=Path, default=DEV, help="news_incident_clusters.jsonl")
    ap.add_argument("--no-dev", action="store_true", help="score the gold set only")
    ap.add_argument("--no-nlp", action="store_true", help="without the spaCy NER")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--errors", action="store_true", help="list the misses (local use only)")
    args = ap.parse_args(argv)

    pipeline = Pipeline.from_config(resources=ResourceSet.load(use_nlp=not args.no_nlp))
    gold_rows = [r for name in ("fr", "ar", "en") for r in read_jsonl(args.gold / f"{name}.jsonl")]
    results = {"gold": score_gold(gold_rows, pipeline)}
    if not args.no_dev and args.dev.exists():
        results["dev"] = score_dev(read_jsonl(args.dev), pipeline)
    if args.json:
        print(json.dumps({k: v.table() for k, v in results.items()}, indent=2))
    else:
        for name, scores in results.items():
            print(render(f"{name}: share right (rows)", scores.table()))
            print()
    if args.errors:
        for name, scores in results.items():
            for err in scores.errors:
                print(name, json.dumps(err, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
