"""The SQLite store: migrations, articles, reports, incidents, filters, transactions."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from corroborate.errors import NotFound, StoreError
from corroborate.model import Extraction, Figures, Framing, LoadedTerm, Reject
from corroborate.store import IncidentFilter, SQLiteStore, Store, fts_query, open_store
from corroborate.store import sqlite as sqlite_module
from tests.store.factories import article, incident, member, report


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture()
def store(db: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(db)
    yield s
    s.close()


def _latest_version() -> int:
    return int(sqlite_module._migrations()[-1][0])


# --- opening and migrations --------------------------------------------------


def test_fresh_store_is_migrated(db: Path) -> None:
    with SQLiteStore(db) as s:
        assert s.schema_version() == _latest_version()
    conn = sqlite3.connect(db)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {
        "articles",
        "articles_fts",
        "extractions",
        "reports",
        "incidents",
        "rejects",
        "incident_log",
        "schema_version",
    } <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == _latest_version()
    conn.close()


def test_reopening_is_idempotent_and_keeps_data(db: Path) -> None:
    with SQLiteStore(db) as s:
        s.add_article(article("A first article about a clash."))
    for _ in range(2):
        with SQLiteStore(db) as s:
            assert s.schema_version() == _latest_version()
            assert s.stats()["articles"] == 1
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == _latest_version()
    conn.close()


def test_connection_settings(store: SQLiteStore) -> None:
    conn = store._db
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000


def test_newer_schema_is_refused(db: Path) -> None:
    SQLiteStore(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(db)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a sqlite file at all, not even close" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(path))


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "no" / "such" / "dir" / "x.db"))


def test_open_store_sqlite(tmp_path: Path) -> None:
    s = open_store(str(tmp_path / "a.db"))
    assert isinstance(s, SQLiteStore)
    s.close()
    s = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    assert (tmp_path / "b.db").exists()
    s.close()


def test_open_store_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store() as s:
        assert s.stats()["articles"] == 0
    assert (tmp_path / "corroborate.db").exists()


@pytest.mark.parametrize("url", ["postgresql://u@localhost/db", "postgres://localhost/db"])
def test_open_store_postgres_not_implemented(url: str) -> None:
    with pytest.raises(StoreError, match="postgres"):
        open_store(url)


def test_satisfies_protocol(store: SQLiteStore) -> None:
    s: Store = store
    assert s.stats()["incidents"] == 0


def test_closed_store_raises(db: Path) -> None:
    s = SQLiteStore(db)
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.stats()


# --- articles ---------------------------------------------------------------


def test_add_article_twice_is_a_noop(store: SQLiteStore) -> None:
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


def test_find_article_by_external_id_returns_latest(store: SQLiteStore) -> None:
    first = article("The first version of the story.", external_id="story")
    second = article("The second, corrected version of the story.", external_id="story")
    store.add_article(first)
    store.add_article(second)
    assert store.find_article("story") == second
    assert store.find_article(first.id) == first
    assert store.find_article("nothing") is None


def test_search_articles(store: SQLiteStore) -> None:
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
    assert store.search_articles("drone protesters") == []  # terms are ANDed
    assert len(store.search_articles("Nouakchott", limit=1)) == 1
    # FTS syntax in user input is taken literally, never an error
    for weird in ['"', "AND", "a OR", "NEAR(", "-", "*", "col:x", "(", "'"]:
        store.search_articles(weird)
    assert store.search_articles("   ") == []


def test_fts_query() -> None:
    assert fts_query("gold prospectors") == '"gold" "prospectors"'
    assert fts_query('say "hello world"') == '"say" "hello world"'
    assert fts_query("prospect*") == '"prospect"*'
    assert fts_query("- * ()") is None


# --- extraction -------------------------------------------------------------


def test_add_extraction_and_read_back(store: SQLiteStore) -> None:
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


def test_add_extraction_replaces_reports(store: SQLiteStore) -> None:
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


def test_add_extraction_unknown_article(store: SQLiteStore) -> None:
    with pytest.raises(NotFound):
        store.add_extraction("f" * 32, Extraction(id="x", language="en", events=(report(),)))


def test_reextraction_keeps_incident_of_unchanged_reports(store: SQLiteStore) -> None:
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


def _seed_reports(store: SQLiteStore, n: int) -> list[str]:
    ids: list[str] = []
    for i in range(n):
        a = article(f"Article number {i} about an event.")
        store.add_article(a)
        stored = store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(),)))
        ids.append(stored[0].report_id)
    return ids


def test_save_incident_points_reports_at_it(store: SQLiteStore) -> None:
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


def test_save_incident_without_timestamps(store: SQLiteStore) -> None:
    inc = incident("inc-x", updated=None)
    store.save_incident(inc)
    assert store.get_incident("inc-x") == inc
    row = store._db.execute("SELECT created, updated FROM incidents").fetchone()
    assert row["created"] == "2022-01-18T09:00:00Z"
    assert row["updated"]  # falls back to the time of saving


def test_member_without_stored_report_is_fine(store: SQLiteStore) -> None:
    inc = incident("inc-1", members=(member("abc:0", report()),))
    store.save_incident(inc)
    assert store.get_incident("inc-1") == inc


def _seed_incidents(store: SQLiteStore) -> None:
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


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (IncidentFilter(), ["inc-b", "inc-a", "inc-d", "inc-c"]),
        (IncidentFilter(country="Mauritania"), ["inc-a", "inc-d", "inc-c"]),
        (IncidentFilter(country="mali"), ["inc-b"]),
        (IncidentFilter(admin1="Mopti"), ["inc-b"]),
        (IncidentFilter(event_type="Battles"), ["inc-b"]),
        (IncidentFilter(sub_event_type="Air/drone strike"), ["inc-a", "inc-d"]),
        (IncidentFilter(date_from="2022-01-17"), ["inc-b"]),
        (IncidentFilter(date_from="2022-01-16"), ["inc-b", "inc-a", "inc-d"]),
        (IncidentFilter(date_to="2022-01-16"), ["inc-a", "inc-d"]),
        (IncidentFilter(date_to="2022-01-15"), []),
        (IncidentFilter(date_from="2022-01-16", date_to="2022-01-16"), ["inc-a", "inc-d"]),
        (IncidentFilter(date_from="2022-03", date_to="2022-03"), ["inc-b"]),
        (IncidentFilter(date_to="2022"), ["inc-b", "inc-a", "inc-d"]),
        (IncidentFilter(actor="jnim"), ["inc-b"]),
        (IncidentFilter(actor="MALI"), ["inc-b"]),  # actor1
        (IncidentFilter(actor="islam and"), ["inc-b"]),  # actor2
        (IncidentFilter(actor="morocco"), ["inc-a", "inc-d"]),
        (IncidentFilter(min_fatalities=3), ["inc-b"]),
        (IncidentFilter(min_fatalities=0), ["inc-b", "inc-a", "inc-d"]),
        (IncidentFilter(grade="strong"), ["inc-a"]),
        (IncidentFilter(q="prospectors"), ["inc-a"]),
        (IncidentFilter(q="rebel*"), ["inc-b"]),
        (IncidentFilter(q="the"), ["inc-b", "inc-a", "inc-c"]),
        (IncidentFilter(q="nothing-matches-this"), []),
        (IncidentFilter(country="Mauritania", q="capital"), ["inc-c"]),
        (IncidentFilter(country="Mauritania", min_fatalities=1, grade="Weak"), []),
    ],
)
def test_list_incidents_filters(
    store: SQLiteStore, flt: IncidentFilter, expected: list[str]
) -> None:
    _seed_incidents(store)
    page, total = store.list_incidents(flt)
    assert [i.incident_id for i in page] == expected
    assert total == len(expected)
    assert [i.incident_id for i in store.iter_incidents(flt)] == expected


def test_paging(store: SQLiteStore) -> None:
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


def test_iter_incidents_in_batches(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_module, "_ITER_CHUNK", 3)
    for n in range(10):
        store.save_incident(incident(f"inc-{n}", event_date=f"2022-02-{n + 1:02d}"))
    ids = [i.incident_id for i in store.iter_incidents()]
    assert ids == [f"inc-{n}" for n in reversed(range(10))]


def test_candidate_incidents(store: SQLiteStore) -> None:
    store.save_incident(incident("in-window", event_date="2022-01-15"))
    store.save_incident(incident("too-early", event_date="2021-12-01"))
    store.save_incident(incident("undated", event_date=None))
    store.save_incident(incident("elsewhere", event_date="2022-01-15", country="Mali"))
    store.save_incident(incident("no-country", event_date="2022-01-16", country=None))
    found = store.candidate_incidents(
        date_from="2022-01-10", date_to="2022-01-20", country="Mauritania"
    )
    assert {i.incident_id for i in found} == {"in-window", "undated", "no-country"}
    everything = store.candidate_incidents(date_from=None, date_to=None, country=None)
    assert len(everything) == 5


def test_incident_log(store: SQLiteStore) -> None:
    store.log_incident_event(
        "inc-1", action="merge", reason="same place and day", detail={"from": ["inc-2"]}
    )
    store.log_incident_event("inc-1", action="regrade")
    events = store.incident_events("inc-1")
    assert [e["action"] for e in events] == ["merge", "regrade"]
    assert events[0]["detail"] == {"from": ["inc-2"]}
    assert events[0]["reason"] == "same place and day"
    assert events[1]["detail"] == {}
    assert events[0]["at"]
    assert store.incident_events("other") == []


# --- rejects and stats --------------------------------------------------------


def test_rejects_and_stats(store: SQLiteStore) -> None:
    assert store.stats() == {
        "articles": 0,
        "reports": 0,
        "incidents": 0,
        "rejects": 0,
        "rejects_by_reason": {},
    }
    store.add_reject(Reject(origin="a.html", reason="unreadable", detail="binary"))
    store.add_reject(
        Reject(origin="b.jsonl:3", reason="too-large", detail="2 MB", external_id="b3")
    )
    store.add_reject(Reject(origin="c.html", reason="unreadable", detail="empty"))
    rejects = store.list_rejects()
    assert rejects[0] == Reject(origin="c.html", reason="unreadable", detail="empty")
    assert rejects[1].external_id == "b3"
    assert len(store.list_rejects(limit=2)) == 2
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


# --- transactions and crashes ---------------------------------------------------


def test_failed_transaction_leaves_nothing(store: SQLiteStore) -> None:
    a = article("An article that must not survive.")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(a)
        store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(),)))
        store.save_incident(incident("inc-1"))
        store.add_reject(Reject(origin="x", reason="unreadable", detail="y"))
        store.log_incident_event("inc-1", action="create")
        raise RuntimeError("crash in the middle")
    assert store.stats() == {
        "articles": 0,
        "reports": 0,
        "incidents": 0,
        "rejects": 0,
        "rejects_by_reason": {},
    }
    assert store.search_articles("survive") == []
    assert store.incident_events("inc-1") == []
    # the store is still usable
    assert store.add_article(a) is True


def test_transaction_commits_together(db: Path, store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(article("One."))
        store.add_article(article("Two."))
    with SQLiteStore(db) as other:
        assert other.stats()["articles"] == 2


def test_nested_failure_undoes_only_inner_work(store: SQLiteStore) -> None:
    with store.transaction():
        store.add_article(article("Kept."))
        with pytest.raises(NotFound):
            store.add_extraction("f" * 32, Extraction(id="x", language="en", events=(report(),)))
        with pytest.raises(ValueError), store.transaction():
            store.add_article(article("Undone."))
            raise ValueError("inner")
        store.add_article(article("Also kept."))
    assert store.stats()["articles"] == 2
    assert store.search_articles("undone") == []


def test_killed_process_leaves_nothing_behind(db: Path) -> None:
    SQLiteStore(db).close()
    script = textwrap.dedent(
        f"""
        import os
        from corroborate.model import Article
        from corroborate.store import SQLiteStore
        store = SQLiteStore({str(db)!r})
        store.add_article(Article.create("Committed before the crash."))
        with store.transaction():
            store.add_article(Article.create("Written during the crash."))
            os._exit(9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert proc.returncode == 9
    with SQLiteStore(db) as s:
        assert s.stats()["articles"] == 1
        assert [a.text for a in s.search_articles("crash")] == ["Committed before the crash."]


# --- concurrency -----------------------------------------------------------------


def test_two_stores_writing_from_two_threads(db: Path) -> None:
    SQLiteStore(db).close()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with SQLiteStore(db) as s:
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
    with SQLiteStore(db) as s:
        stats = s.stats()
    assert stats["articles"] == stats["reports"] == stats["rejects"] == stats["incidents"] == 80


def test_one_store_shared_by_threads(store: SQLiteStore) -> None:
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
