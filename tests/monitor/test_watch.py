"""corroborate watch: polling local feeds into a store (loopback only, nothing external)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corroborate.cli import app
from corroborate.extract.pipeline import Pipeline
from corroborate.model import Article, Incident
from corroborate.monitor.alerts import Alerter
from corroborate.monitor.config import FeedConfig, MonitorConfig, WatchSettings
from corroborate.monitor.watch import Watcher, item_key
from corroborate.store import open_store
from corroborate.store.monitor import MonitorStore
from tests.monitor.conftest import FeedServer, Route, rss, sample_articles

runner = CliRunner()

SETTINGS = WatchSettings(
    interval=600, host_delay=0, retries=2, backoff=0, max_backoff=3600, timeout=5,
    allow_private=True,
)  # fmt: skip


def _articles(*prefixes: str) -> list[dict[str, Any]]:
    found = [a for a in sample_articles() if a["id"].startswith(prefixes)]
    assert found, prefixes
    return found


def _config(server: FeedServer, *paths: str, settings: WatchSettings = SETTINGS) -> MonitorConfig:
    feeds = tuple(
        FeedConfig(name=f"feed {p}", url=server.url(p), interval=settings.interval) for p in paths
    )
    return MonitorConfig(watch=settings, feeds=feeds)


class Clock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _watcher(
    config: MonitorConfig, store: MonitorStore, pipeline: Pipeline, **kwargs: Any
) -> Watcher:
    return Watcher(config, store, extractor=pipeline, **kwargs)


def test_new_items_are_stored_extracted_and_resolved(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    dori = _articles("sahel-wire-2023-04-03", "atlantic-monitor-2023-04-04-dori", "faso-daily")
    feed_server.routes["/dori.xml"] = Route(body=rss(dori), etag='"v1"')
    watcher = _watcher(_config(feed_server, "/dori.xml"), monitor_store, pipeline)

    [result] = watcher.run_once()

    assert result.status == "ok"
    assert (result.items, result.stored, result.seen) == (3, 3, 0)
    stats = monitor_store.stats()
    assert stats["articles"] == 3
    assert stats["incidents"] >= 1
    incidents = list(monitor_store.iter_incidents())
    dori_incident = next(i for i in incidents if i.record.location == "Dori")
    assert len(dori_incident.members) == 3  # resolution merged the three reports
    state = monitor_store.get_feed_state(feed_server.url("/dori.xml"))
    assert state is not None
    assert state.etag == '"v1"'
    assert state.failures == 0
    assert state.items == 3
    assert state.next_poll is not None


def test_an_unchanged_feed_answers_304_and_costs_nothing(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/f.xml"] = Route(
        body=rss(_articles("sahel-wire-2023-03-13")),
        etag='"abc"',
        last_modified="Mon, 13 Mar 2023 10:00:00 GMT",
    )
    watcher = _watcher(_config(feed_server, "/f.xml"), monitor_store, pipeline)
    [first] = watcher.run_once()
    assert first.stored == 1

    [second] = watcher.run_once(force=True)

    assert second.status == "not-modified"
    assert second.stored == 0
    again = feed_server.hits("/f.xml")[-1].headers
    assert again.get("If-None-Match") == '"abc"'
    assert again.get("If-Modified-Since") == "Mon, 13 Mar 2023 10:00:00 GMT"
    assert monitor_store.stats()["articles"] == 1
    state = monitor_store.get_feed_state(feed_server.url("/f.xml"))
    assert state is not None and state.last_status.startswith("304")


def test_a_changed_feed_gives_only_its_new_items(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    one = _articles("sahel-wire-2023-03-13")
    two = one + _articles("bamako-courier-2023-03-14")
    feed_server.routes["/f.xml"] = Route(body=rss(one), etag='"1"')
    watcher = _watcher(_config(feed_server, "/f.xml"), monitor_store, pipeline)
    watcher.run_once()
    feed_server.routes["/f.xml"] = Route(body=rss(two), etag='"2"')

    [result] = watcher.run_once(force=True)

    assert (result.items, result.seen, result.stored) == (2, 1, 1)
    assert monitor_store.stats()["articles"] == 2


def test_a_broken_feed_is_recorded_backed_off_and_others_still_polled(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/broken.xml"] = Route(body=b"<html><p>not a feed</p", etag='"b"')
    feed_server.routes["/good.xml"] = Route(body=rss(_articles("sahel-wire-2023-03-24")))
    clock = Clock()
    watcher = _watcher(
        _config(feed_server, "/broken.xml", "/good.xml"), monitor_store, pipeline, clock=clock
    )

    broken, good = watcher.run_once()

    assert broken.status == "error"
    assert "feed" in broken.error
    assert good.status == "ok" and good.stored == 1
    state = monitor_store.get_feed_state(feed_server.url("/broken.xml"))
    assert state is not None
    assert state.failures == 1
    assert state.last_status.startswith("error:")
    assert state.etag is None  # validators of a broken answer are not kept
    # not due again within its interval; a second failure doubles the pause
    clock.now += SETTINGS.interval + 1
    [again] = [r for r in watcher.run_once() if r.url.endswith("/broken.xml")]
    assert again.status == "error"
    state2 = monitor_store.get_feed_state(feed_server.url("/broken.xml"))
    assert state2 is not None and state2.failures == 2
    clock.now += SETTINGS.interval + 1
    assert not watcher.due(watcher.config.feeds[0])  # backing off: 2 × interval


def test_server_errors_are_retried_then_recorded(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/down.xml"] = Route(status=503, body=b"busy")
    feed_server.routes["/gone.xml"] = Route(status=404, body=b"gone")
    watcher = _watcher(_config(feed_server, "/down.xml", "/gone.xml"), monitor_store, pipeline)

    down, gone = watcher.run_once()

    assert down.status == gone.status == "error"
    assert len(feed_server.hits("/down.xml")) == SETTINGS.retries + 1  # passing: retried
    assert len(feed_server.hits("/gone.xml")) == 1  # not passing: not retried
    assert "503" in down.error


def test_duplicate_items_across_feeds_are_ingested_once(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    a, b, c = (
        _articles("sahel-wire-2023-03-13")[0],
        _articles("bamako-courier-2023-03-14")[0],
        _articles("mali-patriot-2023-03-14")[0],
    )
    copy = dict(c, url="https://mirror.example/reprint/menaka")  # same text, other link
    feed_server.routes["/one.xml"] = Route(body=rss([a, b]))
    feed_server.routes["/two.xml"] = Route(body=rss([b, c]))
    feed_server.routes["/three.xml"] = Route(body=rss([copy]))
    watcher = _watcher(
        _config(feed_server, "/one.xml", "/two.xml", "/three.xml"), monitor_store, pipeline
    )

    one, two, three = watcher.run_once()

    assert one.stored == 2
    assert (two.seen, two.stored) == (1, 1)  # b was seen in feed one
    assert (three.seen, three.duplicates, three.stored) == (0, 1, 0)  # same text
    assert monitor_store.stats()["articles"] == 3


def test_a_restarted_watcher_resumes_where_it_was(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/f.xml"] = Route(body=rss(_articles("sahel-wire-2023-03-13")))
    clock = Clock()
    config = _config(feed_server, "/f.xml")
    _watcher(config, monitor_store, pipeline, clock=clock).run_once()
    requests = len(feed_server.requests)

    restarted = _watcher(config, monitor_store, pipeline, clock=clock)
    assert restarted.run_once() == []  # not due yet: nothing fetched
    assert len(feed_server.requests) == requests
    clock.now += SETTINGS.interval
    [result] = restarted.run_once()
    assert (result.seen, result.stored) == (1, 0)


def test_polite_delay_between_requests_to_one_host(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/a.xml"] = Route(status=404)
    feed_server.routes["/b.xml"] = Route(status=404)
    waits: list[float] = []

    class RecordingStop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            return False

    settings = WatchSettings(host_delay=30, retries=0, backoff=0, allow_private=True)
    watcher = _watcher(
        _config(feed_server, "/a.xml", "/b.xml", settings=settings),
        monitor_store,
        pipeline,
        stop=RecordingStop(),
    )
    watcher.run_once()
    assert len(waits) == 1 and 0 < waits[0] <= 30  # the second request waited its turn


def test_stop_ends_a_run_between_articles(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/f.xml"] = Route(body=rss(_articles("sahel-wire", "bamako-courier")))
    stop = threading.Event()
    config = _config(feed_server, "/f.xml")

    class StopAfterFirst(Alerter):
        def check(self, incidents: Iterable[Incident]) -> int:
            stop.set()  # as SIGTERM would, while the first article is in hand
            return super().check(incidents)

    watcher = _watcher(
        config, monitor_store, pipeline, stop=stop, alerter=StopAfterFirst(config, monitor_store)
    )
    [result] = watcher.run_once()

    assert result.status == "stopped"
    assert result.stored == 1 == monitor_store.stats()["articles"]
    # the rest is picked up by the next run
    stop.clear()
    [rest] = _watcher(config, monitor_store, pipeline).run_once(force=True)
    assert rest.seen == 1
    assert rest.stored == rest.items - 1


def test_run_returns_when_stopped(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/f.xml"] = Route(status=404)
    stop = threading.Event()
    watcher = _watcher(_config(feed_server, "/f.xml"), monitor_store, pipeline, stop=stop)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_private_addresses_need_allowing(
    feed_server: FeedServer, monitor_store: MonitorStore, pipeline: Pipeline
) -> None:
    feed_server.routes["/f.xml"] = Route(body=rss(_articles("sahel-wire-2023-03-13")))
    settings = WatchSettings(host_delay=0, retries=0, backoff=0, allow_private=False)
    watcher = _watcher(_config(feed_server, "/f.xml", settings=settings), monitor_store, pipeline)
    [result] = watcher.run_once()
    assert result.status == "error"
    assert "loopback" in result.error
    assert feed_server.requests == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.x.example/a/?utm_source=rss", "https://x.example/a"),
        ("HTTPS://X.example/a#top", "https://x.example/a/"),
        ("https://x.example/a?id=2&p=1", "https://x.example/a?p=1&id=2"),
    ],
)
def test_item_keys_ignore_tracking_and_spelling(a: str, b: str) -> None:
    one = Article.create("text one", url=a)
    two = Article.create("text two", url=b)
    assert item_key(one) == item_key(two)


def test_items_without_link_are_known_by_their_text() -> None:
    assert item_key(Article.create("same text")) == item_key(Article.create("same text"))
    assert item_key(Article.create("same text")) != item_key(Article.create("other text"))


def test_cli_watch_once_ingests_alerts_and_is_idempotent(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    dori = _articles("sahel-wire-2023-04-03", "atlantic-monitor-2023-04-04-dori")
    feed_server.routes["/dori.xml"] = Route(body=rss(dori), etag='"d1"')
    config = tmp_path / "feeds.toml"
    config.write_text(
        f"""
[watch]
host_delay = 0
backoff = 0
[[feeds]]
name = "Dori desk"
url = "{feed_server.url("/dori.xml")}"
[[alerts.webhooks]]
name = "team"
url = "{feed_server.url("/hook")}"
[[alerts.rules]]
name = "Burkina Faso"
region = "Burkina Faso"
on = ["match"]
""",
        encoding="utf-8",
    )
    db = str(tmp_path / "watch.db")
    args = ["watch", "--config", str(config), "--db", db, "--allow-private"]

    first = runner.invoke(app, [*args, "--once"])
    second = runner.invoke(app, [*args, "--force"])

    assert first.exit_code == 0, first.output
    assert "polled 1 feeds: 2 new articles, 0 failed, 1 alerts sent" in first.output
    assert second.exit_code == 0, second.output
    assert "polled 1 feeds: 0 new articles, 0 failed, 0 alerts sent" in second.output
    assert "not modified" in second.output
    [posted] = feed_server.posts("/hook")
    assert posted["rule"] == "Burkina Faso"
    listed = runner.invoke(app, ["alerts", "list", "--db", db, "--json"])
    assert listed.exit_code == 0
    [line] = listed.stdout.splitlines()
    assert json.loads(line)["channel"] == "webhook:team"


def test_cli_watch_prints_the_sample() -> None:
    result = runner.invoke(app, ["watch", "--print-sample"])
    assert result.exit_code == 0
    assert "[[feeds]]" in result.stdout and "Studio Tamani" in result.stdout


def test_cli_watch_reports_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[[feeds]]\nurl = 'gopher://x'\n", encoding="utf-8")
    result = runner.invoke(app, ["watch", "--config", str(config), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "http(s) URL" in result.output


@pytest.mark.slow
def test_sigterm_stops_a_long_running_watcher_cleanly(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/f.xml"] = Route(body=rss(_articles("sahel-wire-2023-03-13")))
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[watch]\nhost_delay = 0\n[[feeds]]\nurl = "{feed_server.url("/f.xml")}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "watch.db"
    exe = Path(sys.executable).with_name("corroborate")
    proc = subprocess.Popen(
        [str(exe), "watch", "--config", str(config), "--db", str(db), "--allow-private"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):  # until the first poll is done (it sleeps afterwards)
            if proc.poll() is not None or b"polled" in _feed_status(db):
                break
            time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "SIGTERM" in err and "stopped" in err
    with open_store(db) as store:
        assert store.stats()["articles"] == 1


def _feed_status(db: Path) -> bytes:
    if not db.exists():
        return b""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            rows = conn.execute("SELECT last_success FROM monitor_feeds").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return b""
    return b"polled" if any(r[0] for r in rows) else b""


def test_a_failing_extraction_is_recorded_and_the_watcher_goes_on(
    feed_server: FeedServer, monitor_store: MonitorStore
) -> None:
    class Broken:
        def extract(self, article: Article) -> Any:
            raise RuntimeError("extractor bug")

    feed_server.routes["/a.xml"] = Route(body=rss(_articles("sahel-wire-2023-03-13")))
    feed_server.routes["/b.xml"] = Route(status=404)
    watcher = Watcher(_config(feed_server, "/a.xml", "/b.xml"), monitor_store, extractor=Broken())

    a, b = watcher.run_once()

    # Ingest keeps each article that failed extraction as a reject with its
    # reason and goes on; nothing half-done is stored, and the article is
    # tried again the next time it is read.
    assert b.status == "error"
    stats = monitor_store.stats()
    assert stats["articles"] == 0
    assert stats["rejects_by_reason"].get("extract-failed", 0) >= 1
    assert a.status in ("ok", "error")
