"""Watching feeds: poll, ingest what is new, resolve incidents, raise alerts.

:class:`Watcher` polls the feeds of a :class:`~corroborate.monitor.config.MonitorConfig`:

* each feed on its own interval (the next poll time is kept in the store, so
  a restarted watcher, or ``--once`` from cron, carries on where it was);
* with a conditional request (``If-None-Match`` / ``If-Modified-Since`` from
  the last answer's ``ETag`` / ``Last-Modified``): a 304 costs nothing;
* politely: at most one request per ``host_delay`` to one host;
* with retries and exponential backoff for passing failures (timeouts,
  connection errors, HTTP 429 and 5xx), and a growing pause (up to
  ``max_backoff``) for a feed that keeps failing;
* through the readers' safe fetcher (no private addresses unless allowed).

Items already seen (by link, in any feed) are skipped; new ones go through
:func:`corroborate.ingest.ingest` (storage, extraction, incident resolution,
one transaction per article), and each incident they touch is handed to
the :class:`~corroborate.monitor.alerts.Alerter`. Setting the ``stop`` event
(the CLI does on SIGTERM/SIGINT) ends the run after the current article.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from corroborate.errors import FetchError, InputTooLarge, UnsafeURL
from corroborate.ingest import Extractor, ingest
from corroborate.model import Article, Incident, Reject
from corroborate.monitor.alerts import Alerter
from corroborate.monitor.config import FeedConfig, MonitorConfig
from corroborate.readers.feed import read_feed
from corroborate.readers.fetch import Fetched, Fetcher, fetch_url
from corroborate.readers.html import read_html
from corroborate.resolve import Resolver
from corroborate.store.monitor import FeedState, MonitorStore

__all__ = ["PollResult", "Watcher", "item_key"]

log = logging.getLogger("corroborate.monitor.watch")

_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|xtor|at_[a-z]+)$", re.I)


def item_key(article: Article) -> str:
    """The identity of a feed item across feeds: its normalised link, else its text hash."""
    if not article.url:
        return f"hash:{article.id}"
    try:
        parts = urlsplit(article.url.strip())
    except ValueError:
        return f"hash:{article.id}"
    if not parts.netloc:
        return f"hash:{article.id}"
    host = parts.netloc.lower().removeprefix("www.")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        )
    )
    path = parts.path.rstrip("/") or "/"
    return "url:" + urlunsplit(("", host, path, query, ""))[2:]


def _iso(ts: float) -> str:
    return (
        dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def _parse_iso(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _transient(exc: FetchError) -> bool:
    """Whether trying again later could help (timeouts, connections, 429 and 5xx)."""
    if isinstance(exc, UnsafeURL | InputTooLarge) or exc.reason in ("bad-url", "bad-scheme"):
        return False
    if exc.reason == "http-error":
        m = _STATUS.search(exc.message)
        return m is not None and (m.group(1) == "429" or m.group(1).startswith("5"))
    return exc.reason in ("timeout", "fetch-failed")


@dataclass(slots=True)
class PollResult:
    """What one poll of one feed did."""

    feed: str
    url: str
    status: str  # "ok", "not-modified", "error", "stopped"
    items: int = 0
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    incidents: int = 0
    error: str = ""

    def line(self) -> str:
        if self.status == "error":
            return f"{self.feed}: error: {self.error}"
        if self.status == "not-modified":
            return f"{self.feed}: not modified (304)"
        return (
            f"{self.feed}: {self.items} items, {self.seen} already seen, {self.stored} stored, "
            f"{self.duplicates} duplicates, {self.rejected} rejected, "
            f"{self.incidents} incidents touched"
        )


class Watcher:
    """Polls the configured feeds into a store; see the module docstring."""

    def __init__(
        self,
        config: MonitorConfig,
        store: MonitorStore,
        *,
        extractor: Extractor,
        resolver: Resolver | None = None,
        fetcher: Fetcher | None = None,
        alerter: Alerter | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.store = store
        self.extractor = extractor
        self.resolver = resolver if resolver is not None else Resolver()
        self.fetcher = fetcher
        self.alerter = alerter if alerter is not None else Alerter(config, store)
        self.stop = stop if stop is not None else threading.Event()
        self.clock = clock
        self.monotonic = monotonic
        self._last_request: dict[str, float] = {}

    # --- scheduling ------------------------------------------------------

    def due(self, feed: FeedConfig, *, now: float | None = None) -> bool:
        state = self.store.get_feed_state(feed.url)
        next_poll = _parse_iso(state.next_poll) if state is not None else None
        return next_poll is None or next_poll <= (self.clock() if now is None else now)

    def run_once(self, *, force: bool = False) -> list[PollResult]:
        """Poll every feed that is due (every feed with ``force``), then retry failed alerts."""
        results: list[PollResult] = []
        now = self.clock()
        for feed in self.config.feeds:
            if self.stop.is_set():
                break
            if force or self.due(feed, now=now):
                results.append(self._poll_safely(feed))
        if not self.stop.is_set():
            self.alerter.retry_failed()
        return results

    def run(self, *, max_wait: float = 60.0) -> None:
        """Poll until ``stop`` is set, sleeping until the next feed is due."""
        log.info("watching %d feeds (stop with Ctrl-C or SIGTERM)", len(self.config.feeds))
        while not self.stop.is_set():
            self.run_once()
            wait = self._until_next(max_wait)
            if wait > 0 and self.stop.wait(wait):
                break
        log.info("stopped")

    def _until_next(self, max_wait: float) -> float:
        now = self.clock()
        times = []
        for feed in self.config.feeds:
            state = self.store.get_feed_state(feed.url)
            t = _parse_iso(state.next_poll) if state is not None else None
            times.append(now if t is None else t)
        if not times:
            return max_wait
        return max(1.0, min(max_wait, min(times) - now))

    # --- one feed ----------------------------------------------------------

    def _polite(self, url: str) -> bool:
        """Wait for the host's turn; False when stopped meanwhile."""
        host = (urlsplit(url).hostname or "").lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.config.watch.host_delay - (self.monotonic() - last)
            if wait > 0 and self.stop.wait(wait):
                return False
        self._last_request[host] = self.monotonic()
        return True

    def _fetch(self, feed: FeedConfig, state: FeedState) -> Fetched | FetchError | None:
        headers: dict[str, str] = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        settings = self.config.watch
        for attempt in range(settings.retries + 1):
            if not self._polite(feed.url):
                return None
            try:
                return fetch_url(
                    feed.url,
                    fetcher=self.fetcher,
                    allow_private=settings.allow_private,
                    timeout=settings.timeout,
                    headers=headers,
                )
            except FetchError as exc:
                if attempt >= settings.retries or not _transient(exc):
                    return exc
                wait = settings.backoff * 2**attempt
                log.info("%s: %s; trying again in %s", feed.name, exc.message, _duration(wait))
                if wait > 0 and self.stop.wait(wait):
                    return None
        raise AssertionError("unreachable")  # pragma: no cover

    def _poll_safely(self, feed: FeedConfig) -> PollResult:
        """:meth:`poll`, but a failure (even a bug) is recorded for the feed, not raised:
        a long-running watcher goes on with its other feeds, and the items not
        ingested are tried again on the feed's next (backed-off) poll."""
        try:
            return self.poll(feed)
        except Exception as exc:
            log.exception("%s: polling failed", feed.name)
            result = PollResult(feed=feed.name, url=feed.url, status="error")
            message = f"{type(exc).__name__}: {exc}"
            try:
                state = self.store.get_feed_state(feed.url)
                return self._failed(
                    feed, state or FeedState(url=feed.url), result, message, self.clock()
                )
            except Exception:  # the store itself failing: report, keep going
                result.error = message
                return result

    def poll(self, feed: FeedConfig) -> PollResult:
        """Poll one feed now, ingest its new items and record its state."""
        state = self.store.get_feed_state(feed.url) or FeedState(url=feed.url, name=feed.name)
        started = self.clock()
        result = PollResult(feed=feed.name, url=feed.url, status="ok")
        fetched = self._fetch(feed, state)
        if fetched is None:
            result.status = "stopped"
            return result
        if isinstance(fetched, FetchError):
            return self._failed(feed, state, result, fetched.message, started)
        if fetched.status == 304:
            result.status = "not-modified"
            self._succeeded(feed, state, result, fetched, started, "304 not modified")
            log.info("%s", result.line())
            return result
        items = list(self._read(feed, fetched))
        if len(items) == 1 and isinstance(items[0], Reject) and items[0].reason == "bad-feed":
            return self._failed(feed, state, result, items[0].detail, started)
        articles: list[tuple[str, Article]] = []
        for item in items:
            if isinstance(item, Reject):
                if item.reason != "empty":
                    result.rejected += 1
                    log.debug("%s: skipped %s", feed.name, item.detail)
                continue
            result.items += 1
            key = item_key(item) if feed.kind == "feed" else f"page:{feed.url}:{item.id}"
            if self.store.item_seen(key):
                result.seen += 1
                continue
            articles.append((key, item))
        self._ingest(feed, articles, result)
        if result.status != "stopped":
            self._succeeded(
                feed, state, result, fetched, started, f"{fetched.status}, {result.stored} new"
            )
        log.info("%s", result.line())
        return result

    def _read(self, feed: FeedConfig, fetched: Fetched) -> Iterator[Article | Reject]:
        if feed.kind == "page":
            yield from read_html(
                fetched.body, origin=feed.url, url=fetched.url, charset=fetched.charset
            )
        else:
            yield from read_feed(
                fetched.body, origin=feed.url, url=fetched.url, content_type=fetched.content_type
            )

    def _ingest(
        self, feed: FeedConfig, articles: list[tuple[str, Article]], result: PollResult
    ) -> None:
        keys = {article.id: key for key, article in articles}

        def items() -> Iterator[Article | Reject]:
            for _key, article in articles:
                if self.stop.is_set():
                    result.status = "stopped"
                    return
                yield article

        def on_item(item: Article | Reject, status: str) -> None:
            if isinstance(item, Reject):
                return
            self.store.mark_item_seen(
                keys.get(item.id, f"hash:{item.id}"), feed_url=feed.url, article_hash=item.id
            )
            if status == "duplicate":
                result.duplicates += 1
                return
            if status != "stored":
                return
            result.stored += 1
            touched = self._incidents_of(item.id)
            result.incidents += len(touched)
            self.alerter.check(touched)

        if articles:
            ingest(
                items(),
                store=self.store,
                extractor=self.extractor,
                resolver=self.resolver,
                on_item=on_item,
            )

    def _incidents_of(self, article_hash: str) -> list[Incident]:
        ids = {r.incident_id for r in self.store.reports_for_article(article_hash) if r.incident_id}
        found = [self.store.get_incident(i) for i in sorted(ids)]
        return [inc for inc in found if inc is not None]

    # --- bookkeeping -------------------------------------------------------

    def _succeeded(
        self,
        feed: FeedConfig,
        state: FeedState,
        result: PollResult,
        fetched: Fetched,
        started: float,
        status: str,
    ) -> None:
        now = self.clock()
        self.store.save_feed_state(
            replace(
                state,
                name=feed.name,
                etag=fetched.etag or state.etag,
                last_modified=fetched.last_modified or state.last_modified,
                last_polled=_iso(started),
                last_success=_iso(now),
                last_status=status,
                failures=0,
                next_poll=_iso(started + feed.interval),
                items=state.items + result.stored,
            )
        )

    def _failed(
        self, feed: FeedConfig, state: FeedState, result: PollResult, message: str, started: float
    ) -> PollResult:
        failures = state.failures + 1
        settings = self.config.watch
        pause = min(
            max(feed.interval, settings.backoff) * 2 ** (failures - 1),
            max(settings.max_backoff, feed.interval),
        )
        self.store.save_feed_state(
            replace(
                state,
                name=feed.name,
                last_polled=_iso(started),
                last_status=f"error: {message}"[:500],
                failures=failures,
                next_poll=_iso(started + pause),
            )
        )
        result.status = "error"
        result.error = message
        log.warning(
            "%s: %s (failure %d in a row; next try in %s)",
            feed.name,
            message,
            failures,
            _duration(pause),
        )
        return result
