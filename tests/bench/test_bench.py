"""The benchmark's pieces on a tiny input (no ../shared, no timed assertions)."""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from corroborate.extract.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
THREE = DATA / "cli" / "three-docs.jsonl"


def _bench(name: str) -> ModuleType:
    folder = str(ROOT / "bench")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


def _stub(tmp_path: Path, body: str) -> list[str]:
    """A stand-in for the corroborate command: a tiny Python script."""
    script = tmp_path / "stub.py"
    script.write_text(body, encoding="utf-8")
    return [sys.executable, str(script)]


def test_read_texts_keeps_distinct_non_blank_texts(tmp_path: Path) -> None:
    eb = _bench("extract_bench")
    docs = eb.read_texts(THREE)
    assert [d["id"] for d in docs] == ["cli-bad-published", "cli-gao-attack"]
    twice = tmp_path / "twice.jsonl"
    eb.write_jsonl([*docs, *docs], twice)
    assert eb.read_texts(twice) == docs
    assert eb.read_texts(THREE, 1) == docs[:1]


def test_compare_alternates_and_measures_memory(tmp_path: Path) -> None:
    eb = _bench("extract_bench")
    spacy = pytest.importorskip("spacy")
    command = _stub(tmp_path, "import sys\nblock = bytearray(8_000_000)\nprint('{}')\n")
    docs = eb.read_texts(THREE)
    res = eb.compare(command, docs, tmp_path, repeats=2, nlp=spacy.blank("en"))
    assert len(res.extract_seconds) == len(res.spacy_seconds) == 2
    assert len(res.extract_cpu) == len(res.spacy_cpu) == 2
    assert res.docs == 2 and res.chars == sum(len(d["text"]) for d in docs)
    # The child's own peak (8 MB block + interpreter), not this test process's.
    assert 8_000_000 < res.max_rss_bytes < 200_000_000
    assert res.ratio > 0
    assert json.dumps(res.to_dict())


def test_compare_fails_when_extract_fails(tmp_path: Path) -> None:
    eb = _bench("extract_bench")
    spacy = pytest.importorskip("spacy")
    command = _stub(tmp_path, "raise SystemExit(3)\n")
    with pytest.raises(RuntimeError, match="exited with 3"):
        eb.compare(command, eb.read_texts(THREE), tmp_path, repeats=1, nlp=spacy.blank("en"))


def test_spacy_model_is_the_one_extraction_uses() -> None:
    eb = _bench("extract_bench")
    from corroborate.extract.nlp import MODELS

    assert eb.spacy_model_name() in MODELS["en"]


@pytest.fixture(scope="module")
def seeds(pipeline: Pipeline) -> list[object]:
    ib = _bench("ingest_bench")
    articles = ib.read_seed_articles(THREE, 10, text_field="text")
    return list(ib.extract_seeds(articles, pipeline))


def test_synthesize_makes_distinct_perturbed_documents(seeds: list[object]) -> None:
    ib = _bench("ingest_bench")
    pairs = list(ib.synthesize(seeds, 40, seed=1))
    assert len({a.id for a, _ in pairs}) == 40
    assert all(x.id == a.id for a, x in pairs)
    dates = {e.event_date for _, x in pairs for e in x.events if e.event_date}
    assert len(dates) > 5
    assert all(d.startswith("2024-") for d in dates)


@pytest.mark.parametrize("blocked", [False, True])
def test_time_ingest_runs_and_counts(seeds: list[object], tmp_path: Path, blocked: bool) -> None:
    ib = _bench("ingest_bench")
    t = ib.time_ingest(
        seeds, 30, str(tmp_path / "x.db"), blocked=blocked, checkpoint_every=5, marks=(10, 30)
    )
    assert t.complete and t.docs == 30 and t.blocked is blocked
    assert t.reports >= t.incidents > 0
    assert t.lookups == t.reports
    assert [k for k, _ in t.checkpoints] == [5, 10, 15, 20, 25]
    assert t.projected_seconds(30) == t.seconds
    assert set(t.at) == {10, 30} and t.at[30]["seconds"] == t.seconds
    assert t.at[10]["lookups"] <= t.at[30]["lookups"] == t.lookups


def test_time_ingest_stops_at_its_budget(seeds: list[object], tmp_path: Path) -> None:
    ib = _bench("ingest_bench")
    t = ib.time_ingest(seeds, 50, str(tmp_path / "x.db"), max_seconds=1e-9)
    assert not t.complete and t.docs < 50


def test_projection_recovers_a_quadratic() -> None:
    ib = _bench("ingest_bench")
    t = ib.IngestTiming(docs=400, seconds=0.0, reports=0, incidents=0, complete=False)
    t.checkpoints = [(k, 0.01 * k + 1e-5 * k * k) for k in range(100, 500, 100)]
    assert t.projected_seconds(1000) == pytest.approx(0.01 * 1000 + 1e-5 * 1000**2)
    t.checkpoints = t.checkpoints[:2]
    assert math.isnan(t.projected_seconds(1000))


def test_run_batch_parses_the_summary(tmp_path: Path) -> None:
    sb = _bench("spark_bench")
    command = _stub(tmp_path, "import json\nprint('log line')\nprint(json.dumps({'reports': 2}))\n")
    run = sb.run_batch(command, THREE, tmp_path / "out", docs=3, engine="spark")
    assert run.returncode == 0 and run.summary == {"reports": 2}
    assert run.engine == "spark local[2]" and run.docs_per_s > 0
    failed = sb.run_batch(_stub(tmp_path, "raise SystemExit('boom')\n"), THREE, tmp_path, docs=3)
    assert failed.returncode == 1 and failed.summary == {"error": "exit 1: boom"}
    sleeper = _stub(tmp_path, "import time\ntime.sleep(30)\n")
    slow = sb.run_batch(sleeper, THREE, tmp_path, docs=3, timeout=0.5)
    assert slow.returncode == -1 and "timed out" in slow.summary["error"]


def test_readme_block_is_replaced_between_markers() -> None:
    run = _bench("run")
    text = f"a\n{run.START}\nold\n{run.END}\nb\n"
    table = run.markdown_table([run.Row("x", "1", "≥ 0", True), run.Row("y", "2")])
    out = run.replace_between_markers(text, table)
    assert out == f"a\n{run.START}\n{table}\n{run.END}\nb\n"
    assert "| x | 1 | ≥ 0 | yes |" in table and "| y | 2 |  |  |" in table
    with pytest.raises(ValueError, match="markers"):
        run.replace_between_markers("no markers", table)


def test_runner_exits_non_zero_without_shared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _bench("run")
    assert run.main(["--shared", str(tmp_path / "missing"), "--no-readme"]) == 2
    assert "missing" in capsys.readouterr().err
