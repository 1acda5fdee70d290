"""Evaluate actor extraction against ACLED's own coding of its notes.

    .venv/bin/python scripts/eval_actors.py [--data PATH] [--split tune|hold|all]
        [--n 0] [--country NAME] [--pipeline] [--by country|type|sub] [--errors FILE]
    .venv/bin/python scripts/eval_actors.py --gold-set tests/data/multilingual/fr.jsonl

Reads ACLED events (JSON Lines with ``notes``, ``event_type``,
``sub_event_type``, ``country``, ``actor1``, ``inter1`` and, where the export
has them, ``actor2``, ``inter2``) from the project's private benchmark folder
(``../shared/benchmark/dev/acled_events.jsonl`` by default; nothing of it is
copied into the repository).

By default it scores the actor extractor alone: the note's sentences go
through :func:`find_actors` and :func:`assign_actors` with ACLED's own event
type, sub-event type and country, so detection and place errors do not count.
``--pipeline`` runs the whole extraction pipeline instead and scores its
primary event (a note with no event scores as no actors).

Scores: inter1 on every row; inter2 only on rows with an ``actor2`` column
(gold 0/None means "no actor2"); names after dropping ACLED's date suffixes
("Military Forces of Mali (2013-2020) Gendarmerie" matches "Military Forces
of Mali" and "Military Forces of Mali (Gendarmerie)") and mapping ISO
country names to ACLED's. Also reports the actor extractor's time per note
and the commonest inter-code confusions. Rows are split by a fixed hash of
their id into ``tune`` (70%) and ``hold`` (30%): develop on one, report the
other.

``--gold-set`` scores the whole pipeline's primary event instead on one of
the project's own hand-written gold files (``tests/data/multilingual``:
French and Arabic reports with their expected events).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.evaluate import fold, inter_code  # noqa: E402
from corroborate.extract.actors import ActorLexicon, assign_actors, find_actors  # noqa: E402
from corroborate.extract.gazetteer import Gazetteer  # noqa: E402
from corroborate.extract.text import split_sentences  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "benchmark" / "dev" / "acled_events.jsonl"
_DATES = re.compile(r"\s*\((?:\d{4}-(?:\d{4})?|\d{4})\)")
_ISO_NAME = re.compile(r"(?<=\()[^()]+(?=\)$)|(?<=\bof )(?:the )?[^()]+$")


def split_of(record_id: str) -> str:
    h = int(hashlib.sha256(f"actors:{record_id}".encode()).hexdigest()[:12], 16)
    return "tune" if h % 100 < 70 else "hold"


def gold_names(name: str | None) -> set[str]:
    """ACLED's actor name folded, without its date suffix, with and without
    the sub-unit after it ("Military Forces of Mali (2013-2020) Gendarmerie")."""
    if not name:
        return {""}
    m = _DATES.search(name)
    if m is None:
        return {fold(name)}
    return {fold(name[: m.start()]), fold(name[: m.start()] + name[m.end() :])}


class _Names:
    """Maps our ISO 3166-1 country names inside actor names to ACLED's names."""

    def __init__(self) -> None:
        from corroborate.export import acled_country

        self._acled_country = acled_country
        self._cache: dict[str, str] = {}

    def acled(self, name: str | None) -> str:
        if not name:
            return ""
        m = _ISO_NAME.search(name)
        if m is None:
            return fold(name)
        iso = m.group(0)
        if iso not in self._cache:
            c = self._acled_country(iso)
            self._cache[iso] = c.name if c is not None else iso
        return fold(name[: m.start()] + self._cache[iso] + name[m.end() :])


def _rows(path: Path, split: str, country: str | None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r.get("notes") or not r.get("sub_event_type"):
                continue
            if split != "all" and split_of(str(r["record_id"])) != split:
                continue
            if country and r.get("country") != country:
                continue
            rows.append(r)
    rows.sort(key=lambda r: hashlib.sha256(str(r["record_id"]).encode()).hexdigest())
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--split", choices=("tune", "hold", "all"), default="tune")
    ap.add_argument("--n", type=int, default=0, help="rows to evaluate (0: all)")
    ap.add_argument("--country", help="only rows of this (ACLED) country")
    ap.add_argument("--pipeline", action="store_true", help="run the whole pipeline")
    ap.add_argument("--errors", type=Path, help="write mismatches here (JSON Lines, local only)")
    ap.add_argument("--by", choices=("country", "type", "sub"), help="break scores down")
    ap.add_argument("--gold-set", type=Path, help="score the pipeline on a gold-set file")
    args = ap.parse_args(argv)
    if args.gold_set:
        return _gold_set(args.gold_set)

    rows = _rows(args.data, args.split, args.country)
    if args.n:
        rows = rows[: args.n]
    gaz = Gazetteer.load()
    lex = ActorLexicon.load(demonyms=gaz.demonyms())
    names = _Names()
    pipe = None
    if args.pipeline:
        from corroborate.extract.pipeline import Pipeline
        from corroborate.model import Article

        pipe = Pipeline.from_config()

    stats: Counter[str] = Counter()
    groups: dict[str, Counter[str]] = {}
    confusion: Counter[tuple[int | None, int | None, str]] = Counter()
    errors = []
    actor_s = 0.0
    for r in rows:
        gold1, gold2 = inter_code(r.get("inter1")), inter_code(r.get("inter2"))
        if pipe is not None:
            published = r.get("event_date_iso")
            art = Article.create(r["notes"], external_id=r["record_id"], published=published)
            ev = pipe.extract(art).events
            e = ev[0] if ev else None
            pred_type = e.sub_event_type if e else None
            p1 = (e.actor1, e.inter1) if e else (None, None)
            p2 = (e.actor2, e.inter2) if e else (None, None)
        else:
            place = gaz.country(r["country"])
            country = place.name if place is not None else r["country"]
            t0 = time.perf_counter()
            mentions = find_actors(split_sentences(r["notes"]), lexicon=lex)
            a = assign_actors(
                mentions,
                event_type=r["event_type"],
                sub_event_type=r["sub_event_type"],
                event_country=country,
                lexicon=lex,
            )
            actor_s += time.perf_counter() - t0
            p1, p2 = (a.actor1, a.inter1), (a.actor2, a.inter2)
            pred_type = r["sub_event_type"]
        key = {"country": r["country"], "sub": r["sub_event_type"]}.get(
            args.by or "", r["event_type"]
        )
        g = groups.setdefault(key, Counter())
        ok1 = p1[1] == gold1
        n1 = names.acled(p1[0]) in gold_names(r.get("actor1"))
        stats["n"] += 1
        stats["inter1"] += ok1
        stats["actor1"] += n1
        g["n"] += 1
        g["inter1"] += ok1
        has2 = "actor2" in r
        ok2 = n2 = True
        if has2:
            ok2 = p2[1] == gold2
            n2 = names.acled(p2[0]) in gold_names(r.get("actor2"))
            stats["n2"] += 1
            stats["inter2"] += ok2
            stats["actor2"] += n2
            g["n2"] += 1
            g["inter2"] += ok2
        if not ok1:
            confusion[(gold1, p1[1], "1")] += 1
        if has2 and not ok2:
            confusion[(gold2, p2[1], "2")] += 1
        if args.errors and not (ok1 and ok2):
            errors.append(
                {
                    "id": r["record_id"],
                    "type": r["sub_event_type"],
                    "pred_type": pred_type,
                    "notes": r["notes"],
                    "gold": [r.get("actor1"), gold1, r.get("actor2"), gold2],
                    "got": [p1[0], p1[1], p2[0], p2[1]],
                    "bad": ("1" if not ok1 else "") + ("2" if not ok2 else ""),
                }
            )
    total, total2 = stats["n"] or 1, stats["n2"] or 1
    out: dict[str, Any] = {
        "rows": stats["n"],
        "rows_with_actor2": stats["n2"],
        "inter1": round(stats["inter1"] / total, 4),
        "inter2": round(stats["inter2"] / total2, 4),
        "actor1_name": round(stats["actor1"] / total, 4),
        "actor2_name": round(stats["actor2"] / total2, 4),
    }
    if pipe is None and stats["n"]:
        out["actors_ms_per_note"] = round(1000 * actor_s / stats["n"], 3)
    out["top_confusions (gold, got, slot)"] = " ".join(
        f"{g}>{p}@{slot}:{v}" for (g, p, slot), v in confusion.most_common(20)
    )
    if args.by:
        out["by_" + args.by] = {
            k: f"n={c['n']} inter1={c['inter1'] / c['n']:.3f} inter2="
            + (f"{c['inter2'] / c['n2']:.3f}" if c["n2"] else "-")
            for k, c in sorted(groups.items(), key=lambda kv: -kv[1]["n"])
            if c["n"] >= 20
        }
    print(json.dumps(out, indent=1))
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as fh:
            for err in errors:
                fh.write(json.dumps(err, ensure_ascii=False) + "\n")
    return 0


def _gold_set(path: Path) -> int:
    """inter1 / inter2 of the pipeline's primary event on a gold-set file."""
    from corroborate.extract.pipeline import Pipeline
    from corroborate.model import Article

    pipe = Pipeline.from_config()
    stats: Counter[str] = Counter()
    misses = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            gold = r.get("expected", {}).get("events") or []
            if not gold:
                continue
            g = gold[0]
            art = Article.create(r["text"], external_id=r["id"], published=r.get("published"))
            events = pipe.extract(art).events
            e = events[0] if events else None
            got = (e.actor1, e.inter1, e.actor2, e.inter2) if e else (None, None, None, None)
            stats["n"] += 1
            stats["inter1"] += got[1] == g.get("inter1")
            stats["inter2"] += got[3] == g.get("inter2")
            if got[1] != g.get("inter1") or got[3] != g.get("inter2"):
                misses.append(r["id"])
    n = stats["n"] or 1
    out = {
        "file": str(path),
        "rows": stats["n"],
        "inter1": round(stats["inter1"] / n, 4),
        "inter2": round(stats["inter2"] / n, 4),
        "misses": " ".join(misses),
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
