"""Both engines on one mixed corpus: the same rows as ``extract``, and as each other.

Extraction is compared with ``Pipeline.extract`` run in this test session
(never with frozen values: the extractors keep improving).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corroborate.batch import BatchResult, load_batch, read_table, run_local, run_spark
from corroborate.batch.flatten import article_row, report_row, row_to_incident, row_to_report
from corroborate.batch.io import canonical_uri
from corroborate.errors import ConfigError
from corroborate.extract.pipeline import Pipeline
from corroborate.model import Article, Reject
from corroborate.readers import read_sources
from corroborate.store import open_store
from corroborate.web.views import build_dossier
from tests.batch.conftest import SAMPLES

pytest.importorskip("pyarrow")

Rows = list[dict[str, Any]]


def table(output: Path, name: str) -> Rows:
    key = {"articles": "article_hash", "reports": "report_id", "incidents": "incident_id"}
    rows = list(read_table(str(output), name))
    if name in key:
        return sorted(rows, key=lambda r: str(r[key[name]]))
    return sorted(rows, key=lambda r: (r["origin"], r["detail"]))


@pytest.fixture(scope="module")
def local_run(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory, shared_pipeline: Pipeline
) -> tuple[Path, BatchResult]:
    out = tmp_path_factory.mktemp("local") / "out"
    return out, run_local([str(corpus)], str(out), extractor=shared_pipeline)


@pytest.fixture(scope="module")
def spark_run(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory, spark: Any
) -> tuple[Path, BatchResult]:
    out = tmp_path_factory.mktemp("spark") / "out"
    return out, run_spark([str(corpus)], str(out), spark=spark, partitions=2)


@pytest.fixture(scope="module")
def reference(corpus: Path, shared_pipeline: Pipeline) -> tuple[Rows, Rows, list[Article]]:
    """Article and report rows from the readers and Pipeline.extract, in this process."""
    articles = [
        a
        for a in read_sources([str(corpus / "articles.jsonl"), str(corpus / "news.warc.gz")])
        if isinstance(a, Article)
    ]
    article_rows, report_rows = [], []
    for article in articles:
        extraction = shared_pipeline.extract(article)
        article_rows.append(article_row(article, extraction))
        report_rows += [report_row(article, extraction, i) for i in range(len(extraction.events))]
    return article_rows, report_rows, articles


@pytest.fixture(params=["local", "spark"])
def run(
    request: pytest.FixtureRequest,
) -> tuple[Path, BatchResult]:
    fixture: tuple[Path, BatchResult] = request.getfixturevalue(f"{request.param}_run")
    return fixture


def test_reports_equal_extract_output(
    run: tuple[Path, BatchResult], reference: tuple[Rows, Rows, list[Article]]
) -> None:
    out, _ = run
    article_rows, report_rows, articles = reference
    hashes = {a.id for a in articles}
    got = [r for r in table(out, "reports") if r["article_hash"] in hashes]
    assert got == sorted(report_rows, key=lambda r: str(r["report_id"]))
    assert [r for r in table(out, "articles") if r["article_hash"] in hashes] == sorted(
        article_rows, key=lambda r: str(r["article_hash"])
    )


def test_report_rows_carry_the_extract_contract(
    run: tuple[Path, BatchResult], shared_pipeline: Pipeline
) -> None:
    out, _ = run
    by_article: dict[str, Rows] = {}
    for row in table(out, "reports"):
        by_article.setdefault(row["article_id"], []).append(row)
    samples = [a for a in read_sources([str(SAMPLES)]) if isinstance(a, Article)]
    assert len(samples) == 21
    for article in samples:
        expected = shared_pipeline.extract(article).to_dict()["events"]
        rows = sorted(by_article.get(article.article_id, []), key=lambda r: r["event_index"])
        assert [r["event_index"] for r in rows] == list(range(len(expected)))
        assert [row_to_report(r).to_dict() for r in rows] == expected, article.article_id
        for row, event in zip(rows, expected, strict=True):
            assert row["fatalities_low"] == event["fatalities"]["low"]
            assert row["fatalities_best"] == event["fatalities"]["best"]
            assert row["fatalities_high"] == event["fatalities"]["high"]
            assert [
                {k: s[k] for k in ("name", "kind", "relation")} for s in json.loads(row["sources"])
            ] == event["sources"]
            assert json.loads(row["evidence"]) == event["evidence"]
    # A document without events has an article row and no report row.
    quiet = "maghreb-press-agency-2023-03-20-tindouf-zouerate-road"
    if not shared_pipeline.extract(next(a for a in samples if a.article_id == quiet)).events:
        assert quiet not in by_article
        assert quiet in {r["article_id"] for r in table(out, "articles")}


def test_spark_and_local_write_the_same_rows(
    local_run: tuple[Path, BatchResult], spark_run: tuple[Path, BatchResult]
) -> None:
    for name in ("articles", "reports", "rejects", "incidents"):
        assert table(spark_run[0], name) == table(local_run[0], name), name
    assert spark_run[1].to_dict() == local_run[1].to_dict()


def test_counts_and_rejects(run: tuple[Path, BatchResult], corpus: Path) -> None:
    out, result = run
    rejects = table(out, "rejects")
    by_origin = {(r["origin"], r["reason"]) for r in rejects}
    extra = canonical_uri(str(corpus / "more" / "extra lines.jsonl.gz"))
    assert (extra, "bad-json") in by_origin  # the malformed line
    assert (extra, "missing-text") in by_origin
    bad = next(r for r in rejects if r["reason"] == "bad-json")
    assert bad["detail"].startswith("line 1: ")
    parquet = canonical_uri(str(corpus / "table.parquet"))
    empty = next(r for r in rejects if r["origin"] == parquet)
    assert (empty["reason"], empty["external_id"]) == ("empty", "pq-2")
    assert empty["detail"].startswith("row 2: ")
    assert (canonical_uri(str(corpus / "README.txt")), "unsupported-type") in by_origin
    assert not any("hidden" in r["origin"] or "_SUCCESS" in r["origin"] for r in rejects)
    # 21 samples + 3 JSON lines + 2 WARC pages + 2 Parquet rows + README.
    assert result.documents == 29
    assert result.duplicates == 1  # the copy of a sample's text
    assert result.rejected == len(rejects) == 4
    assert result.articles == len(table(out, "articles")) == 24
    assert result.reports == len(table(out, "reports"))
    assert result.incidents == len(table(out, "incidents"))
    ids = {r["article_id"] for r in table(out, "articles")}
    assert "copy-of-sahel-wire" not in ids
    assert "sahel-wire-2023-03-08-ain-ben-tili-strike" in ids
    assert "pq-1" in ids


def test_warc_pages_are_articles(
    run: tuple[Path, BatchResult], reference: tuple[Rows, Rows, list[Article]], corpus: Path
) -> None:
    out, _ = run
    warc = canonical_uri(str(corpus / "news.warc.gz"))
    pages = [r for r in table(out, "articles") if r["origin"] == warc]
    assert sorted(p["url"] for p in pages) == [
        "https://djibo-herald.example/attack",
        "https://kayes.example/council",
    ]
    for page in pages:  # no id in a WARC: the article id is the content hash
        assert page["article_id"] == page["article_hash"]
    expected = {a.id for a in reference[2] if a.url and "djibo" in a.url}
    assert {p["article_hash"] for p in pages if "djibo" in p["url"]} == expected


def test_incidents_cover_every_report_once(run: tuple[Path, BatchResult]) -> None:
    out, _ = run
    reports = {r["report_id"]: r for r in table(out, "reports")}
    seen: list[str] = []
    for row in table(out, "incidents"):
        incident = row_to_incident(row)
        assert incident.incident_id == row["incident_id"]
        assert [m.report_id for m in incident.members] == row["report_ids"]
        assert row["article_ids"] == list(dict.fromkeys(m.article_id for m in incident.members))
        assert row["n_reports"] == len(incident.members)
        assert (row["fatalities_best"], row["grade"]) == (
            incident.record.fatalities.best,
            incident.grade,
        )
        for member in incident.members:
            assert member.report == row_to_report(reports[member.report_id])
        seen += row["report_ids"]
    assert sorted(seen) == sorted(reports)


def test_load_into_a_store(run: tuple[Path, BatchResult], tmp_path: Path) -> None:
    out, result = run
    db = tmp_path / "batch.db"
    with open_store(str(db)) as store:
        loaded = load_batch(str(out), store=store)
        stats = store.stats()
        assert stats["articles"] == result.articles == loaded.articles
        assert stats["reports"] == result.reports == loaded.reports
        assert stats["incidents"] == result.incidents == loaded.incidents
        assert stats["rejects"] == result.rejected == loaded.rejects
        assert stats["rejects_by_reason"] == dict(result.rejects_by_reason)
        for row in table(out, "incidents"):
            stored = store.get_incident(row["incident_id"])
            assert stored is not None
            assert stored.to_dict() == row_to_incident(row).to_dict()
            for member in stored.members:
                assert store.get_report(member.report_id) is not None
                assert store.find_article(member.article_id) is not None
            # The web dossier finds every member's article text.
            dossier = build_dossier(store, stored)
            assert all(view.text_html is not None for view in dossier.members)
        # Loading again adds no article, report or incident.
        again = load_batch(str(out), store=store)
        assert (again.articles, again.reports, again.incidents) == (0, 0, 0)
        assert again.duplicates == result.articles
        assert store.stats()["incidents"] == result.incidents


def test_output_is_not_overwritten_unless_asked(
    local_run: tuple[Path, BatchResult], corpus: Path
) -> None:
    out, _ = local_run
    with pytest.raises(ConfigError, match="--overwrite"):
        run_local([str(corpus / "articles.jsonl")], str(out))


def test_missing_input_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such input"):
        run_local([str(tmp_path / "nope.jsonl")], str(tmp_path / "out"))


def test_cli_batch_then_load_then_serve(
    tmp_path: Path, shared_pipeline: Pipeline, corpus: Path
) -> None:
    import typer

    from corroborate.batch.cli import register

    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """corroborate."""

    register(app)
    runner = CliRunner()
    out = tmp_path / "out"
    src = str(corpus / "more" / "extra lines.jsonl.gz")
    done = runner.invoke(app, ["batch", src, str(SAMPLES), str(out), "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["rejects_by_reason"] == {"bad-json": 1, "missing-text": 1}
    assert summary["duplicates"] == 1 and summary["articles"] == 21
    again = runner.invoke(app, ["batch", src, str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    db = tmp_path / "cli.db"
    loaded = runner.invoke(app, ["load", str(out), "--db", str(db), "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["incidents"] == summary["incidents"]
    # The web dossier of a loaded incident shows its member articles.
    from fastapi.testclient import TestClient

    from corroborate.web import create_app

    incident_id = next(iter(read_table(str(out), "incidents")))["incident_id"]
    with open_store(str(db)) as store:
        page = TestClient(create_app(store)).get(f"/incidents/{incident_id}")
    assert page.status_code == 200
    bad = runner.invoke(app, ["batch", src, str(tmp_path / "o2"), "--engine", "spork"])
    assert bad.exit_code == 2 and "--engine" in bad.output
    missing = runner.invoke(app, ["load", str(tmp_path / "nothing"), "--db", str(db)])
    assert missing.exit_code == 2 and "no batch output" in missing.output


def test_rejects_keep_their_reason(run: tuple[Path, BatchResult]) -> None:
    out, result = run
    rejects = [Reject(**r) for r in table(out, "rejects")]
    assert sorted({r.reason for r in rejects}) == sorted(result.rejects_by_reason)
