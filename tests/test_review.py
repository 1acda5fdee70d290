"""Analysts' decisions: merge, split, detach, edit, discount, undo; re-clustering and
re-extraction keep them, keep incident ids stable, and are no-ops when run twice.

Runs on both store backends, over the real sample corpus extracted by the real
pipeline (extracted once per session and replayed).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from corroborate.errors import ReviewError
from corroborate.extract.pipeline import Pipeline
from corroborate.ingest import ingest
from corroborate.model import Article, Extraction, Incident
from corroborate.readers import read_sources
from corroborate.resolve import Resolver
from corroborate.review import detach, discount, edit, merge, recluster, reextract, split, undo
from corroborate.store.base import Store
from tests.store.conftest import StoreFactory, pg_admin, store_factory  # noqa: F401

WHO = "analyst-1"


class Replay:
    """The real pipeline's extractions of the sample corpus, computed once."""

    def __init__(self, pipeline: Pipeline, articles: list[Article]) -> None:
        self.done = {a.id: pipeline.extract(a) for a in articles}
        self.pipeline = pipeline
        self.calls = 0

    def extract(self, article: Article) -> Extraction:
        self.calls += 1
        return self.done.get(article.id) or self.pipeline.extract(article)


@pytest.fixture(scope="module")
def corpus(pipeline: Pipeline) -> tuple[list[Article], Replay]:
    path = Path(str(resources.files("corroborate") / "samples" / "articles.jsonl"))
    articles = [a for a in read_sources([str(path)]) if isinstance(a, Article)]
    return articles, Replay(pipeline, articles)


@pytest.fixture()
def loaded(store_factory: StoreFactory, corpus: tuple[list[Article], Replay]) -> Iterator[Store]:  # noqa: F811
    articles, replay = corpus
    store = store_factory()
    ingest(articles, store=store, extractor=replay, resolver=Resolver())
    recluster(store, resolver=Resolver())  # settle member order once
    yield store


def _incidents(store: Store) -> dict[str, Incident]:
    return {i.incident_id: i for i in store.iter_incidents()}


def _groups(store: Store) -> dict[str, frozenset[str]]:
    return {
        i.incident_id: frozenset(m.report_id for m in i.members) for i in store.iter_incidents()
    }


def _multi(store: Store) -> Incident:
    return max(store.iter_incidents(), key=lambda i: (len(i.members), i.incident_id))


def _two_singletons(store: Store) -> tuple[Incident, Incident]:
    singles = sorted(
        (i for i in store.iter_incidents() if len(i.members) == 1), key=lambda i: i.incident_id
    )
    assert len(singles) >= 2, "the sample corpus has single-report incidents"
    return singles[0], singles[1]


def test_recluster_twice_changes_nothing_and_keeps_ids(loaded: Store) -> None:
    before = _groups(loaded)
    result = recluster(loaded, resolver=Resolver())
    assert result.unchanged == len(before)
    assert not (result.created or result.changed or result.deleted)
    assert _groups(loaded) == before


def test_merge_survives_reclustering(loaded: Store) -> None:
    a, b = _two_singletons(loaded)
    merged = merge(loaded, a.incident_id, b.incident_id, who=WHO, why="same event")
    assert merged.incident_id == a.incident_id
    assert {m.report_id for m in merged.members} == {
        a.members[0].report_id,
        b.members[0].report_id,
    }
    assert loaded.get_incident(b.incident_id) is None
    recluster(loaded, resolver=Resolver())
    again = loaded.get_incident(a.incident_id)
    assert again is not None and len(again.members) == 2
    log = loaded.incident_events(a.incident_id)
    assert any(e["action"] == "merge" and e["detail"]["who"] == WHO for e in log)
    assert b.incident_id in {d["incident_id"] for d in loaded.deletions_since("2000-01-01")}


def test_detach_survives_reclustering_and_new_ingest(
    loaded: Store, corpus: tuple[list[Article], Replay]
) -> None:
    inc = _multi(loaded)
    out = inc.members[-1].report_id
    kept, new = detach(loaded, inc.incident_id, out, who=WHO, why="another day")
    assert kept.incident_id == inc.incident_id
    assert [m.report_id for m in new.members] == [out]
    recluster(loaded, resolver=Resolver())
    groups = _groups(loaded)
    others = {m.report_id for m in inc.members} - {out}
    assert others <= groups[inc.incident_id]
    assert not any(out in g and others & g for g in groups.values())
    # Re-ingesting the corpus is a no-op and does not undo the decision.
    ingest(corpus[0], store=loaded, extractor=corpus[1], resolver=Resolver())
    assert _groups(loaded) == groups


def test_split_keeps_the_groups_apart(loaded: Store) -> None:
    inc = _multi(loaded)
    assert len(inc.members) >= 2
    part = [m.report_id for m in inc.members[:1]]
    kept, new = split(loaded, inc.incident_id, part, who=WHO, why="two strikes")
    assert {m.report_id for m in new.members} == set(part)
    recluster(loaded, resolver=Resolver())
    groups = _groups(loaded)
    rest = frozenset(m.report_id for m in kept.members)
    assert rest <= groups[inc.incident_id]  # the rest keeps the id
    assert new.incident_id in groups or any(set(part) <= g for g in groups.values())
    assert not any(set(part) & g and rest & g for g in groups.values())  # they stay apart
    log = [e["action"] for e in loaded.incident_events(inc.incident_id)]
    assert "split" in log


def test_bad_decisions_say_what_is_wrong(loaded: Store) -> None:
    inc = _multi(loaded)
    with pytest.raises(ReviewError, match="not in incident"):
        split(loaded, inc.incident_id, ["nope:0"], who=WHO)
    with pytest.raises(ReviewError, match="both sides"):
        split(loaded, inc.incident_id, [m.report_id for m in inc.members], who=WHO)
    with pytest.raises(ReviewError, match="no incident"):
        merge(loaded, inc.incident_id, "inc-000000000000", who=WHO)
    with pytest.raises(ReviewError, match="cannot edit"):
        edit(loaded, inc.incident_id, {"text": "x"}, who=WHO)
    with pytest.raises(ReviewError, match="whole number"):
        edit(loaded, inc.incident_id, {"fatalities": "many"}, who=WHO)
    with pytest.raises(ReviewError, match="who"):
        edit(loaded, inc.incident_id, {"fatalities": "3"}, who=" ")
    with pytest.raises(ReviewError, match="why"):
        discount(loaded, inc.incident_id, who=WHO, why="")
    assert loaded.decisions() == []


def test_edit_and_discount_survive_reclustering_and_reextraction(
    loaded: Store, corpus: tuple[list[Article], Replay]
) -> None:
    inc = _multi(loaded)
    edited = edit(
        loaded, inc.incident_id, {"fatalities": "7", "admin1": "Somewhere"}, who=WHO, why="MoD"
    )
    assert edited.record.fatalities.best == 7
    assert edited.record.admin1 == "Somewhere"
    other = next(i for i in loaded.iter_incidents() if i.incident_id != inc.incident_id)
    gone = discount(loaded, other.incident_id, who=WHO, why="footage from 2019")
    assert gone.grade == "Discounted" and "footage from 2019" in gone.grade_reason
    before = _groups(loaded)
    recluster(loaded, resolver=Resolver())
    n, _ = reextract(loaded, extractor=corpus[1], resolver=Resolver())
    assert n == len(corpus[0])
    after_groups = _groups(loaded)
    # (Edited values take part in matching, so other reports may join; the
    # edited and the discounted incidents keep their own reports and ids.)
    assert before[inc.incident_id] <= after_groups[inc.incident_id]
    assert before[other.incident_id] <= after_groups[other.incident_id]
    after = loaded.get_incident(inc.incident_id)
    assert after is not None and after.record.fatalities.best == 7
    assert after.record.admin1 == "Somewhere"
    still = loaded.get_incident(other.incident_id)
    assert still is not None and still.grade == "Discounted"
    assert recluster(loaded, resolver=Resolver()).unchanged == len(after_groups)


def test_undo_takes_a_merge_back(loaded: Store) -> None:
    a, b = _two_singletons(loaded)
    before = _groups(loaded)
    merge(loaded, a.incident_id, b.incident_id, who=WHO)
    (decision,) = loaded.decisions()
    undo(loaded, decision.id or 0, who=WHO, resolver=Resolver())
    assert loaded.decisions() == []
    assert [d.active for d in loaded.decisions(active_only=False)] == [False]
    after = _groups(loaded)
    assert sorted(after.values(), key=sorted) == sorted(before.values(), key=sorted)
    assert after.get(a.incident_id) == before[a.incident_id]


def test_ids_stay_stable_after_reextraction(
    loaded: Store, corpus: tuple[list[Article], Replay]
) -> None:
    before = _groups(loaded)
    gone = loaded.deletions_since("2000-01-01")
    reextract(loaded, extractor=corpus[1], resolver=Resolver())
    assert _groups(loaded) == before
    assert loaded.deletions_since("2000-01-01") == gone
