"""A mixed corpus (part valid, part hostile) through ``corroborate ingest``: exact accounting.

1,000 items here (CORROBORATE_CORPUS_ITEMS overrides); 10,000 under
``make stress``. Every valid item must be stored once, every hostile one
must be in the rejects table with the reason it deserves, the user must see
no traceback, and the ingester's peak memory must stay under 2.5 GB.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hardening import corpus
from tests.hardening.support import check_store, connect, record_figures, run_cli, scale

PEAK_MEMORY_MB = 2_500


def test_mixed_corpus_exact_accounting(tmp_path: Path) -> None:
    n = scale(1_000, 10_000, env="CORROBORATE_CORPUS_ITEMS")
    plan = corpus.build(tmp_path, n)
    assert plan.items == n
    db = tmp_path / "corpus.db"

    run = run_cli(["ingest", *plan.sources, "--db", str(db), "--json"])

    assert "Traceback" not in run.stderr + run.stdout
    assert run.code == 3, run.stderr[-2000:]  # finished, some inputs rejected
    summary = json.loads(run.stdout)
    assert summary["read"] == plan.items
    assert summary["stored"] == plan.valid
    assert summary["duplicates"] == plan.duplicates
    assert summary["rejects_by_reason"] == dict(plan.rejects)

    stats = run_cli(["stats", "--db", str(db), "--json"])
    assert stats.code == 0, stats.stderr
    counted = json.loads(stats.stdout)
    assert counted["articles"] == plan.valid
    assert counted["rejects"] == sum(plan.rejects.values())
    assert counted["rejects_by_reason"] == dict(plan.rejects)
    with connect(db) as con:
        ids = [r[0] for r in con.execute("SELECT external_id FROM articles")]
        blank = con.execute("SELECT count(*) FROM rejects WHERE trim(detail) = ''").fetchone()[0]
    jsonl_ids = [i for i in ids if i is not None]
    assert len(jsonl_ids) == len(set(jsonl_ids))  # each valid line stored once
    assert blank == 0  # every reject says why
    check_store(db)
    assert run.max_rss_mb < PEAK_MEMORY_MB
    record_figures(
        "mixed-corpus",
        items=plan.items,
        stored=plan.valid,
        duplicates=plan.duplicates,
        rejects=sum(plan.rejects.values()),
        reasons=len(plan.rejects),
        reports=counted["reports"],
        incidents=counted["incidents"],
        seconds=round(run.seconds, 1),
        peak_rss_mb=round(run.max_rss_mb),
    )
