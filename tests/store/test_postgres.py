"""What only the PostgreSQL store has: URLs, connections, schemas, lexemes, PostGIS.

Everything both backends do is tested in test_store.py, on each of them.
Tests marked by the ``pg`` fixture need the server named by
CORROBORATE_TEST_PG_URL (skipped without it, failing in CI); the others need
only psycopg.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from corroborate.errors import StoreError
from corroborate.model import Extraction, Figures
from corroborate.store import IncidentFilter, open_store
from corroborate.store._common import SearchTerm, load_migrations, search_terms
from tests.store.conftest import PostgresFactory, in_ci, require_postgres
from tests.store.factories import article, incident, report


@pytest.fixture(scope="module")
def pg_module() -> Any:
    """corroborate.store.postgres (which needs psycopg)."""
    try:
        from corroborate.store import postgres
    except ImportError as exc:
        if in_ci():
            pytest.fail(f"psycopg is not installed ({exc}): pip install -e '.[postgres]'")
        pytest.skip(f"the PostgreSQL store needs psycopg ({exc}): pip install -e '.[postgres]'")
    return postgres


@pytest.fixture()
def pg(pg_admin: Any) -> Iterator[PostgresFactory]:
    """A fresh schema in the test database; call it to open a PostgresStore there."""
    factory = PostgresFactory(pg_admin, require_postgres())
    yield factory
    factory.close_all()
    factory.drop()


def _has_postgis(pg: PostgresFactory) -> bool:
    rows = pg.admin.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchall()
    return bool(rows)


# --- opening, without a server -------------------------------------------------------


def test_importing_the_store_does_not_import_psycopg() -> None:
    code = "import sys, corroborate.store; assert 'psycopg' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_missing_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "corroborate.store.postgres", raising=False)
    with pytest.raises(StoreError, match=r"pip install 'corroborate\[postgres\]'") as info:
        open_store("postgresql://localhost/corroborate")
    assert info.value.reason == "missing-dependency"


def test_unreachable_server_is_a_store_error(pg_module: Any) -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://someone:s3cret@127.0.0.1:1/corroborate", timeout=2)
    message = str(info.value)
    assert message.startswith("cannot connect to the PostgreSQL store")
    assert "refused" in message.lower()
    assert "s3cret" not in message and "someone:***@" in message
    assert "\n" not in message


@pytest.mark.parametrize("url", ["postgresql://host/db?no_such_option=1", "postgres://a b@host/db"])
def test_bad_url_is_a_store_error(pg_module: Any, url: str) -> None:
    with pytest.raises(StoreError, match="not a PostgreSQL URL"):
        open_store(url)


def test_redact(pg_module: Any) -> None:
    redact = pg_module.redact
    assert redact("postgresql://u:pw@h:5/d") == "postgresql://u:***@h:5/d"
    assert redact("postgresql://u@h/d?password=pw&x=1") == "postgresql://u@h/d?password=***&x=1"
    assert redact("postgresql://h/d") == "postgresql://h/d"


def test_lazy_export(pg_module: Any) -> None:
    from corroborate.store import PostgresStore

    assert PostgresStore is pg_module.PostgresStore


def test_migrations_are_numbered() -> None:
    names = [name for _, name, _ in load_migrations("migrations_pg")]
    assert names[:2] == ["initial", "optional_extensions"]


# --- lexemes and queries, without a server -------------------------------------------------


def _vector(pg_module: Any, *texts: str | None) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for item in pg_module.search_vector(*texts).split(" "):
        if item:
            word, positions = item.rsplit(":", 1)
            found[word.strip("'")] = [int(p) for p in positions.split(",")]
    return found


def test_search_vector_folds_case_and_diacritics(pg_module: Any) -> None:
    assert _vector(pg_module, "Réunis à NOUAKCHOTT", "l'État") == {
        "reunis": [1],
        "a": [2],
        "nouakchott": [3],
        "l": [5],  # title and text are one position apart: no phrase across them
        "etat": [6],
    }
    assert _vector(pg_module, None, "") == {}
    assert _vector(pg_module, "snake_case rebel-held") == {
        "snake": [1],
        "case": [2],
        "rebel": [3],
        "held": [4],
    }
    # marks stay inside words (Devanagari vowel signs), other scripts are words too
    assert list(_vector(pg_module, "हिन्दी Москва")) == ["हिन्दी", "москва"]


def test_search_vector_stays_within_postgres_limits(pg_module: Any) -> None:
    vector = _vector(pg_module, " ".join(["war"] * 20_000 + ["x" * 3000, "peace"]))
    assert len(vector["war"]) == 256  # positions per lexeme
    assert vector["peace"] == [16383]  # the last position
    assert "x" * 3000 not in vector  # too long to be a lexeme
    many = " ".join(f"w{n:07d}" for n in range(200_000))
    assert len(pg_module.search_vector(many).encode()) < 1_048_575


def test_search_query(pg_module: Any) -> None:
    query = pg_module.search_query
    assert query(search_terms("")) is None
    assert query(search_terms("- * ()")) is None
    assert query(search_terms("Gold prospect*")) == "('gold') & ('prospect':*)"
    assert query(search_terms('"gold prospectors" rebel-held')) == (
        "('gold' <-> 'prospectors') & ('rebel' <-> 'held')"
    )
    assert query(search_terms("RÉUNIS")) == "('reunis')"
    nothing = query(search_terms("_"))
    assert nothing == query([SearchTerm("x" * 3000)])
    assert nothing not in (None, "")


# --- with a server ------------------------------------------------------------------


def test_open_store_dispatches_postgres_urls(pg: PostgresFactory, pg_module: Any) -> None:
    for scheme in ("postgres://", "postgresql+psycopg://"):
        location = pg.location.replace("postgresql://", scheme, 1)
        with open_store(location) as s:
            assert isinstance(s, pg_module.PostgresStore)
            assert "***" in repr(s)
    [(versions,)] = pg.query("SELECT count(*) FROM schema_version")
    assert versions == len(load_migrations("migrations_pg"))


def test_schema_of_its_own(pg_admin: Any) -> None:
    url = require_postgres()
    one, two = PostgresFactory(pg_admin, url), PostgresFactory(pg_admin, url)
    try:
        a, b = one(), two(timeout=0.5)
        with a.transaction():  # a writer in one schema does not hold up the other
            a.add_article(article("Only in the first schema."))
            b.add_article(article("Only in the second schema."))
        assert [x.text for x in a.search_articles("schema")] == ["Only in the first schema."]
        assert [x.text for x in b.search_articles("schema")] == ["Only in the second schema."]
    finally:
        for factory in (one, two):
            factory.close_all()
            factory.drop()


def test_missing_schema_is_a_store_error(pg: PostgresFactory) -> None:
    from tests.store.conftest import with_search_path

    with pytest.raises(StoreError, match="no schema"):
        open_store(with_search_path(require_postgres(), "no_such_schema_here"))


def test_concurrent_first_opens_migrate_once(pg: PostgresFactory) -> None:
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            pg().close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [(versions,)] = pg.query("SELECT count(*) FROM schema_version")
    assert versions == len(load_migrations("migrations_pg"))


def test_reconnects_when_the_server_drops_the_connection(pg: PostgresFactory) -> None:
    store = pg()
    store.add_article(article("Before the connection was dropped."))
    pid = store._db.info.backend_pid  # type: ignore[attr-defined]
    pg.admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert store.stats()["articles"] == 1
    assert store.add_article(article("After the connection was dropped.")) is True
    assert store._db.info.backend_pid != pid  # type: ignore[attr-defined]


def test_failed_statement_inside_a_transaction_undoes_only_its_savepoint(
    pg: PostgresFactory,
) -> None:
    store = pg()
    with store.transaction():
        store.add_article(article("Kept."))
        with pytest.raises(StoreError, match="out of range"):
            store.save_incident(incident("inc-huge", fatalities=Figures(best=2**70)))
        store.add_article(article("Also kept."))
    assert store.stats()["articles"] == 2
    assert store.stats()["incidents"] == 0


def test_long_article_is_stored_and_searchable(pg: PostgresFactory) -> None:
    store = pg()
    text = "An opening line about prospectors. " + " ".join(f"w{n:07d}" for n in range(200_000))
    a = article(text)
    assert store.add_article(a) is True
    assert store.get_article(a.id) == a
    assert [x.id for x in store.search_articles("prospectors")] == [a.id]
    assert [x.id for x in store.search_articles('"opening line"')] == [a.id]


def test_actor_filter_uses_trigram_index_when_available(pg: PostgresFactory) -> None:
    pg().close()
    [(available,)] = pg.admin.execute(
        "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"
    ).fetchall()
    names = {
        row[0] for row in pg.query("SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'")
    }
    assert ("incidents_actor1_trgm" in names) == bool(available)


def test_postgis_point_on_incidents(pg: PostgresFactory) -> None:
    store = pg()
    if not _has_postgis(pg):
        assert not store.has_postgis  # type: ignore[attr-defined]
        pytest.skip("PostGIS is not installed in the test database")
    assert store.has_postgis  # type: ignore[attr-defined]
    store.save_incident(incident("here", latitude=25.2333, longitude=-11.5833))
    store.save_incident(incident("off-globe", latitude=95.0, longitude=10.0))
    store.save_incident(incident("unplaced", latitude=None, longitude=None))
    store.save_incident(incident("nearby", latitude=25.30, longitude=-11.60))
    rows = pg.query(
        "SELECT b.incident_id, round(public.ST_Distance(a.geog, b.geog)::numeric, -3)"
        " FROM incidents a, incidents b WHERE a.incident_id = 'here'"
        " AND b.geog IS NOT NULL ORDER BY 2"
    )
    assert [r[0] for r in rows] == ["here", "nearby"]
    assert 5_000 <= float(rows[1][1]) <= 10_000
    indexes = {row[0] for row in pg.query("SELECT indexname FROM pg_indexes")}
    assert "incidents_geog" in indexes
    # moving an incident moves its point
    store.save_incident(incident("nearby", latitude=None, longitude=None))
    [(geog,)] = pg.query("SELECT geog FROM incidents WHERE incident_id = 'nearby'")
    assert geog is None


def test_geography_column_comes_back_when_missing(pg: PostgresFactory) -> None:
    store = pg()
    if not _has_postgis(pg):
        pytest.skip("PostGIS is not installed in the test database")
    store.save_incident(incident("here", latitude=25.2333, longitude=-11.5833))
    store.close()
    pg.execute("ALTER TABLE incidents DROP COLUMN geog")
    with pg() as again:  # as when PostGIS is installed after the store was made
        assert again.has_postgis  # type: ignore[attr-defined]
    [(filled,)] = pg.query("SELECT count(*) FROM incidents WHERE geog IS NOT NULL")
    assert filled == 1


def test_works_without_postgis(
    pg: PostgresFactory, pg_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg().close()
    pg.execute("ALTER TABLE incidents DROP COLUMN IF EXISTS geog")
    monkeypatch.setattr(pg_module.PostgresStore, "_use_postgis", lambda self: None)
    store = pg()
    assert not store.has_postgis  # type: ignore[attr-defined]
    a = article("Gold prospectors were hit near the border.")
    store.add_article(a)
    stored = store.add_extraction(a.id, Extraction(id=a.id, language="en", events=(report(),)))
    store.save_incident(incident("here", latitude=25.2, longitude=-11.5))
    assert [i.incident_id for i in store.list_incidents(IncidentFilter(q="prospectors"))[0]] == []
    assert store.get_incident("here") is not None
    assert stored[0].report.latitude == report().latitude
    assert len(store.candidate_incidents(date_from=None, date_to=None, country=None)) == 1
