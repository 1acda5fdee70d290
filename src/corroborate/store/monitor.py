"""The monitor's store methods (``corroborate watch`` and its alerts), for both backends.

:class:`MonitorMixin` is mixed into the SQLite and PostgreSQL stores. It
uses the store's own helpers (``_read``, ``_read_one``, ``_exec``,
``transaction``), with SQL written once with ``?`` placeholders and turned
into the backend's spelling (``_PARAM``). The tables come from migration
0003 (SQLite) / 0004 (PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from corroborate.store._common import dumps, now
from corroborate.store.base import Store

__all__ = [
    "AlertRecord",
    "FeedState",
    "IncidentState",
    "MonitorMixin",
    "MonitorStore",
]


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the monitor remembers about one feed between polls."""

    url: str
    name: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_success: str | None = None
    last_status: str = ""
    failures: int = 0  # consecutive
    next_poll: str | None = None
    items: int = 0


@dataclass(frozen=True, slots=True)
class IncidentState:
    """The state of an incident when the alert rules last looked at it."""

    incident_id: str
    grade: str
    origins: int
    signature: str


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """One notification of one incident change on one channel."""

    dedup_key: str
    rule: str
    incident_id: str
    change: str
    channel: str
    target: str
    status: str  # "sent" or "failed"
    attempts: int = 1
    error: str = ""
    payload: dict[str, Any] | None = None
    created: str | None = None
    sent_at: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dedup_key": self.dedup_key,
            "rule": self.rule,
            "incident_id": self.incident_id,
            "change": self.change,
            "channel": self.channel,
            "target": self.target,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
            "payload": self.payload or {},
            "created": self.created,
            "sent_at": self.sent_at,
        }


class MonitorStore(Store, Protocol):
    """A store with the monitor's methods (both backends are one)."""

    def get_feed_state(self, url: str) -> FeedState | None: ...

    def save_feed_state(self, state: FeedState) -> None: ...

    def list_feed_states(self) -> list[FeedState]: ...

    def mark_item_seen(self, item_key: str, *, feed_url: str, article_hash: str | None) -> bool: ...

    def item_seen(self, item_key: str) -> bool: ...

    def get_incident_state(self, incident_id: str) -> IncidentState | None: ...

    def save_incident_state(self, state: IncidentState) -> None: ...

    def get_alert(self, dedup_key: str, *, channel: str, target: str) -> AlertRecord | None: ...

    def record_alert(self, alert: AlertRecord) -> None: ...

    def list_alerts(
        self, *, limit: int = 100, offset: int = 0, incident_id: str | None = None
    ) -> list[AlertRecord]: ...


_FEED_COLUMNS = (
    "url",
    "name",
    "etag",
    "last_modified",
    "last_polled",
    "last_success",
    "last_status",
    "failures",
    "next_poll",
    "items",
)
_ALERT_COLUMNS = (
    "dedup_key",
    "rule",
    "incident_id",
    "change",
    "channel",
    "target",
    "status",
    "attempts",
    "error",
    "payload",
    "created",
    "sent_at",
)


def _feed(row: Any) -> FeedState:
    return FeedState(
        url=row["url"],
        name=row["name"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled=row["last_polled"],
        last_success=row["last_success"],
        last_status=row["last_status"],
        failures=int(row["failures"]),
        next_poll=row["next_poll"],
        items=int(row["items"]),
    )


def _alert(row: Any) -> AlertRecord:
    try:
        payload = json.loads(row["payload"]) if row["payload"] else {}
    except ValueError:
        payload = {}
    return AlertRecord(
        id=int(row["id"]),
        dedup_key=row["dedup_key"],
        rule=row["rule"],
        incident_id=row["incident_id"],
        change=row["change"],
        channel=row["channel"],
        target=row["target"],
        status=row["status"],
        attempts=int(row["attempts"]),
        error=row["error"],
        payload=payload,
        created=row["created"],
        sent_at=row["sent_at"],
    )


class MonitorMixin:
    """The monitor's methods, written once for both backends.

    SQL is written with ``?`` placeholders; a backend whose driver wants
    another spelling sets ``_PARAM`` (PostgreSQL: ``%s``), as for
    :class:`~corroborate.store.decisions.DecisionStore`.
    """

    _PARAM = "?"

    if TYPE_CHECKING:

        def _read(self, sql: str, params: Sequence[Any] = ...) -> Sequence[Any]: ...

        def _read_one(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

        def _exec(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    def _sql(self, sql: str) -> str:
        return sql if self._PARAM == "?" else sql.replace("?", self._PARAM)

    # --- feeds -----------------------------------------------------------

    def get_feed_state(self, url: str) -> FeedState | None:
        """What was recorded for the feed at ``url`` (None before its first poll)."""
        row = self._read_one(self._sql("SELECT * FROM monitor_feeds WHERE url = ?"), (url,))
        return None if row is None else _feed(row)

    def save_feed_state(self, state: FeedState) -> None:
        """Insert or replace a feed's state."""
        cols = ", ".join(_FEED_COLUMNS)
        marks = ", ".join("?" for _ in _FEED_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _FEED_COLUMNS if c != "url")
        values = tuple(getattr(state, c) for c in _FEED_COLUMNS)
        with self.transaction():
            self._exec(
                self._sql(
                    f"INSERT INTO monitor_feeds ({cols}) VALUES ({marks}) "
                    f"ON CONFLICT (url) DO UPDATE SET {updates}"
                ),
                values,
            )

    def list_feed_states(self) -> list[FeedState]:
        """Every feed polled so far, by URL."""
        return [_feed(r) for r in self._read("SELECT * FROM monitor_feeds ORDER BY url")]

    # --- items -------------------------------------------------------------

    def mark_item_seen(self, item_key: str, *, feed_url: str, article_hash: str | None) -> bool:
        """Record a feed item; False (and nothing changes) when it was seen before."""
        with self.transaction():
            cursor = self._exec(
                self._sql(
                    "INSERT INTO monitor_items (item_key, feed_url, article_hash, first_seen) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (item_key) DO NOTHING"
                ),
                (item_key, feed_url, article_hash, now()),
            )
            return bool(cursor.rowcount == 1)

    def item_seen(self, item_key: str) -> bool:
        row = self._read_one(
            self._sql("SELECT 1 AS x FROM monitor_items WHERE item_key = ?"), (item_key,)
        )
        return row is not None

    # --- incident states -----------------------------------------------------

    def get_incident_state(self, incident_id: str) -> IncidentState | None:
        row = self._read_one(
            self._sql(
                "SELECT incident_id, grade, origins, signature FROM monitor_incident_state "
                "WHERE incident_id = ?"
            ),
            (incident_id,),
        )
        if row is None:
            return None
        return IncidentState(
            incident_id=row["incident_id"],
            grade=row["grade"],
            origins=int(row["origins"]),
            signature=row["signature"],
        )

    def save_incident_state(self, state: IncidentState) -> None:
        with self.transaction():
            self._exec(
                self._sql(
                    "INSERT INTO monitor_incident_state "
                    "(incident_id, grade, origins, signature, seen_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (incident_id) DO UPDATE SET grade = excluded.grade, "
                    "origins = excluded.origins, signature = excluded.signature, "
                    "seen_at = excluded.seen_at"
                ),
                (state.incident_id, state.grade, state.origins, state.signature, now()),
            )

    # --- alerts --------------------------------------------------------------

    def get_alert(self, dedup_key: str, *, channel: str, target: str) -> AlertRecord | None:
        """The record of one change notified on one channel, if it was tried."""
        row = self._read_one(
            self._sql(
                "SELECT * FROM monitor_alerts WHERE dedup_key = ? AND channel = ? AND target = ?"
            ),
            (dedup_key, channel, target),
        )
        return None if row is None else _alert(row)

    def record_alert(self, alert: AlertRecord) -> None:
        """Insert an alert, or update the earlier try of the same one (status, attempts)."""
        cols = ", ".join(_ALERT_COLUMNS)
        marks = ", ".join("?" for _ in _ALERT_COLUMNS)
        updated = ("status", "attempts", "error", "payload", "sent_at")
        updates = ", ".join(f"{c} = excluded.{c}" for c in updated)
        values = (
            alert.dedup_key,
            alert.rule,
            alert.incident_id,
            alert.change,
            alert.channel,
            alert.target,
            alert.status,
            alert.attempts,
            alert.error,
            dumps(alert.payload or {}),
            alert.created or now(),
            alert.sent_at,
        )
        with self.transaction():
            self._exec(
                self._sql(
                    f"INSERT INTO monitor_alerts ({cols}) VALUES ({marks}) "
                    f"ON CONFLICT (dedup_key, channel, target) DO UPDATE SET {updates}"
                ),
                values,
            )

    def list_alerts(
        self, *, limit: int = 100, offset: int = 0, incident_id: str | None = None
    ) -> list[AlertRecord]:
        """Alerts sent or tried, newest first (optionally for one incident)."""
        where, params = (
            ("", []) if incident_id is None else ("WHERE incident_id = ?", [incident_id])
        )
        rows = self._read(
            self._sql(
                f"SELECT * FROM monitor_alerts {where} ORDER BY created DESC, id DESC "
                "LIMIT ? OFFSET ?"
            ),
            [*params, max(0, int(limit)), max(0, int(offset))],
        )
        return [_alert(r) for r in rows]
