"""The store's behaviour, the same on every backend (see conftest.store_factory).

Migrations, articles, reports, incidents, filters, transactions, crashes and
concurrency. What only one backend has is tested in test_sqlite.py and
test_postgres.py.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from dataclasses import replace

import pytest

from corroborate.errors import ConfigError, NotFound, StoreError
from corroborate.model import Extraction, Figures, Framing, LoadedTerm, Reject
from corroborate.store import IncidentFilter, Store, _common
from tests.store.conftest import StoreFactory
from tests.store.factories import article, incident, member, report

_EMPTY_STATS = {"articles": 0, "reports": 0, "incidents": 0, "rejects": 0, "rejects_by_reason": {}}


def _latest_version(store_factory: StoreFactory) -> int:
    folder = "migrations" if store_factory.name == "sqlite" else "migrations_pg"
    return int(_common.load_migrations(folder)[-1][0])


# --- opening and migrations --------------------------------------------------


def test_fresh_store_is_migrated(store_factory: StoreFactory) -> None:
    with store_factory() as s:
        assert s.schema_version() == _latest_version(store_factory)  # type: ignore[attr-defined]
    assert {
        "articles",
        "extractions",
        "reports",
        "incidents",
        "rejects",
        "incident_log",
        "schema_version",
    } <= store_factory.tables()
    [(versions,)] = store_factory.query("SELECT count(*) FROM schema_version")
    assert versions == _latest_version(store_factory)


def test_reopening_is_idempotent_and_keeps_data(store_factory: StoreFactory) -> None:
    with store_factory() as s:
        s.add_article(article("A first article about a clash."))
    for _ in range(2):
        with store_factory() as s:
            assert s.schema_version() == _latest_version(store_factory)  # type: ignore[attr-defined]
            assert s.stats()["articles"] == 1
    [(versions,)] = store_factory.query("SELECT count(*) FROM schema_version")
    assert versions == _latest_version(store_factory)


def test_newer_schema_is_refused(store_factory: StoreFactory) -> None:
    store_factory().close()
    store_factory.set_schema_version(999)
    with pytest.raises(StoreError, match="newer"):
        store_factory()


def test_satisfies_protocol(store: Store) -> None:
    s: Store = store
    assert s.stats()["incidents"] == 0


def test_closed_store_raises(store_factory: StoreFactory) -> None:
    s = store_factory()
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.stats()


# --- articles ---------------------------------------------------------------


def test_add_article_twice_is_a_noop(store: Store) -> None:
    a = article("Two soldiers were killed in an ambush.", external_id="doc-1", outlet="X")
    assert store.add_article(a) is True
    # same text, other metadata: same hash, nothing changes
    again = article("Two  soldiers were killed in an ambush. ", external_id="doc-2", outlet="Y")
    assert again.id == a.id
    assert store.add_article(again) is False
    assert store.get_article(a.id) == a
    assert store.stats()["articles"] == 1
    assert store.has_article(a.id)
    assert not store.has_article("0" * 32)
    assert store.get_article("0" * 32) is None


def test_find_article_by_external_id_returns_latest(store: Store) -> None:
    first = article("The first version of the story.", external_id="story")
    second = article("The second, corrected version of the story.", external_id="story")
    store.add_article(first)
    store.add_article(second)
    assert store.find_article("story") == second
    assert store.find_article(first.id) == first
    assert store.find_article("nothing") is None


def test_search_articles(store: Store) -> None:
    a = article(
        "A drone strike hit gold prospectors near the border.",
        title="Strike in Tiris Zemmour",
    )
    b = article("Protesters gathered in Nouakchott on Friday.", title="Protest")
    c = article("Les manifestants se sont réunis à Nouakchott.", title="Manifestation")
    for x in (a, b, c):
        store.add_article(x)
    assert [x.id for x in store.search_articles("prospectors")] == [a.id]
    assert [x.id for x in store.search_articles("zemmour")] == [a.id]  # title
    assert [x.id for x in store.search_articles("prospect*")] == [a.id]
    assert [x.id for x in store.search_articles('"gold prospectors"')] == [a.id]
    assert store.search_articles('"prospectors gold"') == []
    assert {x.id for x in store.search_articles("Nouakchott")} == {b.id, c.id}
    assert [x.id for x in store.search_articles("reunis")] == [c.id]  # diacritics folded
    assert [x.id for x in store.search_articles("RÉUNIS")] == [c.id]
    assert store.search_articles("drone protesters") == []  # terms are ANDed
    assert len(store.search_articles("Nouakchott", limit=1)) == 1
    assert len(store.search_articles("Nouakchott", limit=-1)) == 2
    # search syntax in user input is taken literally, never an error
    for weird in ['"', "AND", "a OR", "NEAR(", "-", "*", "col:x", "(", "'", "a & !b", "x:*", "\\"]:
        store.search_articles(weird)
    assert store.search_articles("   ") == []
    assert store.search_articles("_") == []  # a term without searchable words matches nothing


# --- extraction -------------------------------------------------------------


def test_add_extraction_and_read_back(store: Store) -> None:
    a = article("Text of the article.", external_id="ext-1", outlet="Outlet A")
    store.add_article(a)
    framing = Framing(loaded_terms=(LoadedTerm("cowardly", 3, 11),), score=0.4)
    reports = (report(), report(event_type="Battles", sub_event_type="Armed clash"))
    extraction = Extraction(id="ext-1", language="en", events=reports, framing=framing)
    stored = store.add_extraction(a.id, extraction)
    assert [s.report_id for s in stored] == [f"{a.id}:0", f"{a.id}:1"]
    assert [s.index for s in stored] == [0, 1]
    assert stored[0].report == reports[0]  # source offsets survive
    assert stored[0].extra["article_id"] == "ext-1"
    assert stored[0].extra["outlet"] == "Outlet A"
    assert stored[0].extra["extractor_version"] == "casualties.rules@1"
    assert store.get_extraction(a.id) == extraction
    assert store.get_report(f"{a.id}:1") == stored[1]
    assert store.get_report("nope:0") is None
    assert store.get_extraction("0" * 32) is None


def test_add_extraction_replaces_reports(store: Store) -> None:
    a = article("Text of the article.")
    store.add_article(a)
    store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(), report())))
    store.add_extraction(
        a.id, Extraction(id=a.id, language="en", events=(report(),)), extractor_version="v2"
    )
    stored = store.reports_for_article(a.id)
    assert len(stored) == 1
    assert stored[0].extra["extractor_version"] == "v2"
    assert store.stats()["reports"] == 1
    store.add_extraction(a.id, Extraction(id=a.id, language="en"))
    assert store.get_extraction(a.id) == Extraction(id=a.id, language="en")


def test_add_extraction_unknown_article(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_extraction("f" * 32, Extraction(id="x", language="en", events=(report(),)))


def test_reextraction_keeps_incident_of_unchanged_reports(store: Store) -> None:
    a = article("Text of the article.")
    store.add_article(a)
    r0, r1 = report(), report(event_type="Battles", sub_event_type="Armed clash")
    store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(r0, r1)))
    store.save_incident(
        incident("inc-1", members=(member(f"{a.id}:0", r0), member(f"{a.id}:1", r1)))
    )
    changed = r1.with_(fatalities=Figures(low=1, best=1, high=1))
    stored = store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(r0, changed)))
    assert [s.incident_id for s in stored] == ["inc-1", None]
    assert [s.report_id for s in store.reports_without_incident()] == [f"{a.id}:1"]


# --- incidents ---------------------------------------------------------------


def _seed_reports(store: Store, n: int) -> list[str]:
    ids: list[str] = []
    for i in range(n):
        a = article(f"Article number {i} about an event.")
        store.add_article(a)
        stored = store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(),)))
        ids.append(stored[0].report_id)
    return ids


def test_save_incident_points_reports_at_it(store: Store) -> None:
    r1, r2, r3 = _seed_reports(store, 3)
    assert len(store.reports_without_incident()) == 3
    inc = incident("inc-1", members=(member(r1, report()), member(r2, report())))
    store.save_incident(inc)
    assert store.get_incident("inc-1") == inc
    assert [s.report_id for s in store.reports_without_incident()] == [r3]
    stored = store.get_report(r1)
    assert stored is not None and stored.incident_id == "inc-1"

    # replace: r2 leaves, r3 joins
    inc2 = incident("inc-1", members=(member(r1, report()), member(r3, report())), grade="Strong")
    store.save_incident(inc2)
    assert store.get_incident("inc-1") == inc2
    assert [s.report_id for s in store.reports_without_incident()] == [r2]
    assert store.stats()["incidents"] == 1

    store.delete_incident("inc-1")
    assert store.get_incident("inc-1") is None
    assert len(store.reports_without_incident()) == 3
    store.delete_incident("inc-1")  # unknown ids are ignored


def test_member_moves_between_incidents(store: Store) -> None:
    (r1,) = _seed_reports(store, 1)
    store.save_incident(incident("inc-1", members=(member(r1, report()),)))
    store.save_incident(incident("inc-2", members=(member(r1, report()),)))
    stored = store.get_report(r1)
    assert stored is not None and stored.incident_id == "inc-2"


def test_save_incident_without_timestamps(store_factory: StoreFactory) -> None:
    store = store_factory()
    inc = incident("inc-x", updated=None)
    store.save_incident(inc)
    assert store.get_incident("inc-x") == inc
    [(created, updated)] = store_factory.query("SELECT created, updated FROM incidents")
    assert created == "2022-01-18T09:00:00Z"
    assert updated  # falls back to the time of saving
    # saving again without a created time keeps the first one
    store.save_incident(replace(incident("inc-x", updated=None), created=None))
    [(created_again,)] = store_factory.query("SELECT created FROM incidents")
    assert created_again == "2022-01-18T09:00:00Z"


def test_member_without_stored_report_is_fine(store: Store) -> None:
    inc = incident("inc-1", members=(member("abc:0", report()),))
    store.save_incident(inc)
    assert store.get_incident("inc-1") == inc


def _seed_incidents(store: Store) -> None:
    texts = {
        "a": "Gold prospectors were hit by a drone near the border.",
        "b": "Soldiers clashed with rebels outside the town.",
        "c": "Protesters marched peacefully in the capital.",
    }
    rid: dict[str, str] = {}
    for key, text in texts.items():
        art = article(text, outlet=f"Outlet {key}")
        store.add_article(art)
        rid[key] = store.add_extraction(
            art.id, Extraction(id=art.id, language="en", events=(report(),))
        )[0].report_id
    store.save_incident(
        incident(
            "inc-a",
            members=(member(rid["a"], report()),),
            grade="Strong",
            event_date="2022-01-16",
        )
    )
    store.save_incident(
        incident(
            "inc-b",
            members=(member(rid["b"], report()),),
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1="Military Forces of Mali",
            actor2="JNIM: Group for Support of Islam and Muslims",
            inter2=2,
            civilian_targeting=False,
            country="Mali",
            admin1="Mopti",
            event_date="2022-03-01",
            fatalities=Figures(low=10, best=12, high=20),
        )
    )
    store.save_incident(
        incident(
            "inc-c",
            members=(member(rid["c"], report()),),
            event_type="Protests",
            sub_event_type="Peaceful protest",
            actor1="Protesters (Mauritania)",
            inter1=6,
            actor2=None,
            inter2=None,
            civilian_targeting=False,
            admin1="Nouakchott",
            event_date=None,
            fatalities=Figures(),
        )
    )
    store.save_incident(
        incident("inc-d", event_date="2022-01-16", fatalities=Figures(low=0, best=0, high=0))
    )
    store.save_incident(
        incident(
            "inc-e",
            event_date="2021-06-01",
            country="Côte d'Ivoire",
            admin1="Abidjan",
            actor1="Forces de Défense et de Sécurité",
            actor2="100%_militia",
            grade="Moderate",
        )
    )


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (IncidentFilter(), ["inc-b", "inc-a", "inc-d", "inc-e", "inc-c"]),
        (IncidentFilter(country="Mauritania"), ["inc-a", "inc-d", "inc-c"]),
        (IncidentFilter(country="mali"), ["inc-b"]),
        (IncidentFilter(country="CÔTE D'IVOIRE"), []),  # NOCASE folds ASCII only
        (IncidentFilter(country="CôTE D'IVOIRE"), ["inc-e"]),
        (IncidentFilter(admin1="Mopti"), ["inc-b"]),
        (IncidentFilter(event_type="Battles"), ["inc-b"]),
        (IncidentFilter(event_type="battles"), ["inc-b"]),
        (IncidentFilter(sub_event_type="Air/drone strike"), ["inc-a", "inc-d", "inc-e"]),
        (IncidentFilter(date_from="2022-01-17"), ["inc-b"]),
        (IncidentFilter(date_from="2022-01-16"), ["inc-b", "inc-a", "inc-d"]),
        (IncidentFilter(date_to="2022-01-16"), ["inc-a", "inc-d", "inc-e"]),
        (IncidentFilter(date_to="2021-06-01"), ["inc-e"]),
        (IncidentFilter(date_to="2021-05-31"), []),
        (IncidentFilter(date_from="2022-01-16", date_to="2022-01-16"), ["inc-a", "inc-d"]),
        (IncidentFilter(date_from="2022-03", date_to="2022-03"), ["inc-b"]),
        (IncidentFilter(date_to="2022"), ["inc-b", "inc-a", "inc-d", "inc-e"]),
        (IncidentFilter(date_to="2021"), ["inc-e"]),
        (IncidentFilter(actor="jnim"), ["inc-b"]),
        (IncidentFilter(actor="MALI"), ["inc-b"]),  # actor1
        (IncidentFilter(actor="islam and"), ["inc-b"]),  # actor2
        (IncidentFilter(actor="  islam and  "), ["inc-b"]),
        (IncidentFilter(actor="morocco"), ["inc-a", "inc-d"]),
        (IncidentFilter(actor="DÉFENSE"), ["inc-e"]),  # casefolded, not only ASCII
        (IncidentFilter(actor="100%_"), ["inc-e"]),  # LIKE wildcards are literal
        (IncidentFilter(actor="%"), ["inc-e"]),
        (IncidentFilter(actor="_"), ["inc-e"]),
        (IncidentFilter(actor="   "), ["inc-b", "inc-a", "inc-d", "inc-e", "inc-c"]),
        (IncidentFilter(min_fatalities=3), ["inc-b"]),
        (IncidentFilter(min_fatalities=0), ["inc-b", "inc-a", "inc-d", "inc-e"]),
        (IncidentFilter(grade="strong"), ["inc-a"]),
        (IncidentFilter(q="prospectors"), ["inc-a"]),
        (IncidentFilter(q="rebel*"), ["inc-b"]),
        (IncidentFilter(q="the"), ["inc-b", "inc-a", "inc-c"]),
        (IncidentFilter(q='"the capital"'), ["inc-c"]),
        (IncidentFilter(q="nothing-matches-this"), []),
        (IncidentFilter(q="- * ()"), ["inc-b", "inc-a", "inc-d", "inc-e", "inc-c"]),
        (IncidentFilter(q="_"), []),
        (IncidentFilter(country="Mauritania", q="capital"), ["inc-c"]),
        (IncidentFilter(country="Mauritania", min_fatalities=1, grade="Weak"), []),
    ],
)
def test_list_incidents_filters(store: Store, flt: IncidentFilter, expected: list[str]) -> None:
    _seed_incidents(store)
    page, total = store.list_incidents(flt)
    assert [i.incident_id for i in page] == expected
    assert total == len(expected)
    assert [i.incident_id for i in store.iter_incidents(flt)] == expected


def test_paging(store: Store) -> None:
    for n in range(25):
        store.save_incident(incident(f"inc-{n:02d}", event_date=f"2022-01-{n % 10 + 1:02d}"))
    seen: list[str] = []
    for offset in range(0, 30, 10):
        page, total = store.list_incidents(limit=10, offset=offset)
        assert total == 25
        seen.extend(i.incident_id for i in page)
    assert len(seen) == 25 == len(set(seen))
    by_id = {i.incident_id: i for i in store.iter_incidents()}
    dates = [by_id[i].record.event_date or "" for i in seen]
    assert dates == sorted(dates, reverse=True)
    # ties on the date are broken by incident id
    same_day = [i for i, d in zip(seen, dates, strict=True) if d == "2022-01-01"]
    assert same_day == sorted(same_day)
    page, total = store.list_incidents(IncidentFilter(date_from="2022-01-10"), limit=1)
    assert len(page) == 1 and total == 2
    assert store.list_incidents(limit=0) == ([], 25)
    assert store.list_incidents(offset=100) == ([], 25)
    with pytest.raises(ConfigError, match="negative"):
        store.list_incidents(offset=-1)


def test_order_is_by_code_point(store: Store) -> None:
    """Ties are broken by incident id in code-point order, whatever the locale."""
    ids = ["inc_b", "Inc-c", "inc-a", "inc-B", "ínc-a", "inc-10", "inc-9"]
    for incident_id in ids:
        store.save_incident(incident(incident_id, event_date="2022-01-01"))
    store.save_incident(incident("undated", event_date=None))
    page, _ = store.list_incidents()
    assert [i.incident_id for i in page] == [*sorted(ids), "undated"]


def test_iter_incidents_in_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "ITER_CHUNK", 3)
    for n in range(10):
        store.save_incident(incident(f"inc-{n}", event_date=f"2022-02-{n + 1:02d}"))
    ids = [i.incident_id for i in store.iter_incidents()]
    assert ids == [f"inc-{n}" for n in reversed(range(10))]


def test_candidate_incidents(store: Store) -> None:
    store.save_incident(incident("in-window", event_date="2022-01-15"))
    store.save_incident(incident("too-early", event_date="2021-12-01"))
    store.save_incident(incident("undated", event_date=None))
    store.save_incident(incident("elsewhere", event_date="2022-01-15", country="Mali"))
    store.save_incident(incident("no-country", event_date="2022-01-16", country=None))
    found = store.candidate_incidents(
        date_from="2022-01-10", date_to="2022-01-20", country="Mauritania"
    )
    assert {i.incident_id for i in found} == {"in-window", "undated", "no-country"}
    assert {
        i.incident_id
        for i in store.candidate_incidents(date_from="2022-01-10", date_to=None, country="MALI")
    } == {"elsewhere", "no-country"}
    assert [
        i.incident_id
        for i in store.candidate_incidents(date_from=None, date_to="2021-12-31", country=None)
    ] == ["too-early", "undated"]
    everything = store.candidate_incidents(date_from=None, date_to=None, country=None)
    assert len(everything) == 5


def test_incident_log(store: Store) -> None:
    store.log_incident_event(
        "inc-1", action="merge", reason="same place and day", detail={"from": ["inc-2"]}
    )
    store.log_incident_event("inc-1", action="regrade")
    events = store.incident_events("inc-1")
    assert [e["action"] for e in events] == ["merge", "regrade"]
    assert events[0]["detail"] == {"from": ["inc-2"]}
    assert events[0]["reason"] == "same place and day"
    assert events[0]["incident_id"] == "inc-1"
    assert events[1]["detail"] == {}
    assert events[0]["at"]
    assert store.incident_events("other") == []


# --- rejects and stats --------------------------------------------------------


def test_rejects_and_stats(store: Store) -> None:
    assert store.stats() == _EMPTY_STATS
    store.add_reject(Reject(origin="a.html", reason="unreadable", detail="binary"))
    store.add_reject(
        Reject(origin="b.jsonl:3", reason="too-large", detail="2 MB", external_id="b3")
    )
    store.add_reject(Reject(origin="c.html", reason="unreadable", detail="empty"))
    rejects = store.list_rejects()
    assert rejects[0] == Reject(origin="c.html", reason="unreadable", detail="empty")
    assert rejects[1].external_id == "b3"
    assert len(store.list_rejects(limit=2)) == 2
    assert len(store.list_rejects(limit=-1)) == 3  # a negative limit is no limit
    _seed_reports(store, 2)
    store.save_incident(incident("inc-1"))
    stats = store.stats()
    assert stats == {
        "articles": 2,
        "reports": 2,
        "incidents": 1,
        "rejects": 3,
        "rejects_by_reason": {"too-large": 1, "unreadable": 2},
    }


def test_strings_round_trip_exactly(store: Store) -> None:
    """Every string comes back as stored, NUL characters included."""
    odd = "nul\x00 ffff\uffff esc\uffff0 \uffff1 é 🙂"
    a = article(f"Text with {odd}.", external_id=odd, outlet=odd, title=odd, url=odd)
    store.add_article(a)
    assert store.get_article(a.id) == a
    assert store.find_article(odd) == a
    stored = store.add_extraction(
        a.id, Extraction(id=odd, language=odd, events=(report(actor1=odd, summary=odd),))
    )
    assert stored[0].report.actor1 == odd
    assert stored[0].extra["outlet"] == odd
    inc = incident(
        odd, members=(member(stored[0].report_id, report(actor1=odd)),), grade=odd, actor1=odd
    )
    store.save_incident(inc)
    assert store.get_incident(odd) == inc
    needle = "\uffff esc\uffff0"
    assert [i.incident_id for i in store.list_incidents(IncidentFilter(actor=needle))[0]] == [odd]
    assert [i.incident_id for i in store.list_incidents(IncidentFilter(grade=odd))[0]] == [odd]
    store.log_incident_event(odd, action=odd, reason=odd, detail={"k": odd})
    assert store.incident_events(odd)[0]["detail"] == {"k": odd}
    store.add_reject(Reject(origin=odd, reason=odd, detail=odd, external_id=odd))
    assert store.list_rejects() == [Reject(origin=odd, reason=odd, detail=odd, external_id=odd)]
    assert store.stats()["rejects_by_reason"] == {odd: 1}


# --- transactions and crashes ---------------------------------------------------


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    a = article("An article that must not survive.")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(a)
        store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(),)))
        store.save_incident(incident("inc-1"))
        store.add_reject(Reject(origin="x", reason="unreadable", detail="y"))
        store.log_incident_event("inc-1", action="create")
        raise RuntimeError("crash in the middle")
    assert store.stats() == _EMPTY_STATS
    assert store.search_articles("survive") == []
    assert store.incident_events("inc-1") == []
    # the store is still usable
    assert store.add_article(a) is True


def test_transaction_commits_together(store_factory: StoreFactory) -> None:
    store = store_factory()
    with store.transaction():
        store.add_article(article("One."))
        store.add_article(article("Two."))
        with store_factory() as other:  # nothing is visible before the commit
            assert other.stats()["articles"] == 0
    with store_factory() as other:
        assert other.stats()["articles"] == 2


def test_nested_failure_undoes_only_inner_work(store: Store) -> None:
    with store.transaction():
        store.add_article(article("Kept."))
        with pytest.raises(NotFound):
            store.add_extraction("f" * 32, Extraction(id="x", language="en", events=(report(),)))
        with pytest.raises(ValueError), store.transaction():
            store.add_article(article("Undone."))
            raise ValueError("inner")
        # a failing statement (SQLite refuses the number before sending it) undoes
        # only its savepoint: the outer transaction goes on
        with pytest.raises((StoreError, OverflowError)), store.transaction():
            store.add_article(article("Undone too."))
            store.save_incident(incident("inc-huge", fatalities=Figures(best=2**70)))
        store.add_article(article("Also kept."))
    assert store.stats()["articles"] == 2
    assert store.search_articles("undone") == []


def test_writer_waits_then_gives_up(store_factory: StoreFactory) -> None:
    """A writer waits for another writer's transaction, up to its timeout."""
    holder = store_factory()
    waiter = store_factory(timeout=0.3)
    with holder.transaction():
        holder.add_article(article("Held."))
        with pytest.raises(StoreError, match="busy"):
            waiter.add_article(article("Waiting."))
    assert waiter.add_article(article("Waiting.")) is True
    assert waiter.stats()["articles"] == 2


def test_killed_process_leaves_nothing_behind(store_factory: StoreFactory) -> None:
    store_factory().close()
    script = textwrap.dedent(
        f"""
        import os
        from corroborate.model import Article
        from corroborate.store import open_store
        store = open_store({store_factory.location!r})
        store.add_article(Article.create("Committed before the crash."))
        with store.transaction():
            store.add_article(Article.create("Written during the crash."))
            os._exit(9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert proc.returncode == 9
    with store_factory() as s:
        assert s.stats()["articles"] == 1
        assert [a.text for a in s.search_articles("crash")] == ["Committed before the crash."]


# --- concurrency -----------------------------------------------------------------


def test_two_stores_writing_from_two_threads(store_factory: StoreFactory) -> None:
    store_factory().close()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with store_factory() as s:
                barrier.wait()
                for i in range(40):
                    with s.transaction():
                        a = article(f"Article {i} written by {name}.")
                        s.add_article(a)
                        s.add_extraction(
                            a.id, Extraction(id=a.id, language="en", events=(report(),))
                        )
                    s.add_reject(Reject(origin=f"{name}-{i}", reason="unreadable", detail="x"))
                    s.save_incident(incident(f"{name}-{i}"))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store_factory() as s:
        stats = s.stats()
    assert stats["articles"] == stats["reports"] == stats["rejects"] == stats["incidents"] == 80


def test_one_store_shared_by_threads(store: Store) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(20):
                store.add_article(article(f"Shared store article {n}-{i}."))
                store.list_incidents()
                store.stats()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.stats()["articles"] == 80
