"""What both stores keep for analysts: decisions, accounts, tokens, deletions.

:class:`DecisionStore` is mixed into the SQLite and PostgreSQL stores. Its
SQL is written once with ``?`` placeholders; a backend whose driver wants
another spelling sets ``_PARAM`` (PostgreSQL: ``%s``). JSON columns come
back as text from SQLite and as Python values from PostgreSQL; both are
accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from corroborate.model import Decision, Incident
from corroborate.store._common import (
    REPORT_SELECT,
    dumps,
    incident_from_data,
    now,
    stored_report_from_row,
)
from corroborate.store.base import StoredReport

__all__ = ["DecisionStore"]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _decision_from_row(row: Any) -> Decision:
    return Decision(
        id=int(row["id"]),
        kind=row["kind"],
        incident_id=row["incident_id"],
        report_ids=tuple(_json(row["report_ids"]) or ()),
        other_ids=tuple(_json(row["other_ids"]) or ()),
        field=row["field"],
        value=_json(row["value"]) if row["value"] is not None else None,
        who=row["who"],
        why=row["why"],
        at=row["at"],
        active=bool(row["active"]),
    )


class _Backend(Protocol):
    """What the mixin needs from the store it is mixed into."""

    def _q(self, sql: str) -> str: ...
    def _read(self, sql: str, params: Sequence[Any] = ..., /) -> Sequence[Any]: ...
    def _read_one(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def _exec(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def record_deletion(self, incident_id: str, *, reason: str = "") -> None: ...


class DecisionStore:
    """Analysts' decisions, local users, API tokens and the deletion feed."""

    _PARAM = "?"

    def _q(self, sql: str) -> str:
        return sql if self._PARAM == "?" else sql.replace("?", self._PARAM)

    # --- decisions ------------------------------------------------------

    def add_decision(self: _Backend, decision: Decision) -> Decision:
        """Record a decision; returns it with its ``id`` and ``at``."""
        at = decision.at or now()
        value = dumps(decision.value) if decision.value is not None else None
        with self.transaction():
            self._exec(
                self._q(
                    "INSERT INTO decisions (kind, incident_id, report_ids, other_ids, field,"
                    " value, who, why, at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    decision.kind,
                    decision.incident_id,
                    dumps(list(decision.report_ids)),
                    dumps(list(decision.other_ids)),
                    decision.field,
                    value,
                    decision.who,
                    decision.why,
                    at,
                    True,
                ),
            )
            row = self._read_one("SELECT max(id) AS id FROM decisions")
        return Decision.from_dict({**decision.to_dict(), "id": int(row["id"]), "at": at})

    def decisions(
        self: _Backend, *, active_only: bool = True, incident_id: str | None = None
    ) -> list[Decision]:
        """Decisions, oldest first (only those in force unless ``active_only`` is false)."""
        where: list[str] = []
        params: list[Any] = []
        if active_only:
            where.append("active = ?")
            params.append(True)
        if incident_id is not None:
            where.append("incident_id = ?")
            params.append(incident_id)
        sql = "SELECT * FROM decisions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._read(self._q(sql + " ORDER BY id"), params)
        return [_decision_from_row(r) for r in rows]

    def get_decision(self: _Backend, decision_id: int) -> Decision | None:
        row = self._read_one(self._q("SELECT * FROM decisions WHERE id = ?"), (decision_id,))
        return _decision_from_row(row) if row is not None else None

    def set_decision_active(self: _Backend, decision_id: int, active: bool) -> None:
        with self.transaction():
            self._exec(
                self._q("UPDATE decisions SET active = ? WHERE id = ?"), (active, decision_id)
            )

    def incident_of_report(self: _Backend, report_id: str) -> Incident | None:
        """The incident a stored report belongs to, if any."""
        row = self._read_one(
            self._q(
                "SELECT i.data FROM reports r JOIN incidents i ON i.incident_id = r.incident_id"
                " WHERE r.report_id = ?"
            ),
            (report_id,),
        )
        return incident_from_data(row["data"]) if row is not None else None

    # --- the change feed ------------------------------------------------

    def record_deletion(self: _Backend, incident_id: str, *, reason: str = "") -> None:
        """Remember that an incident is gone (``export --since`` reports it)."""
        with self.transaction():
            self._exec(
                self._q(
                    "INSERT INTO incident_deletions (incident_id, at, reason) VALUES (?, ?, ?)"
                ),
                (incident_id, now(), reason),
            )

    def deletions_since(self: _Backend, since: str) -> list[dict[str, str]]:
        """Incidents deleted at or after ``since`` that do not exist again now."""
        rows = self._read(
            self._q(
                "SELECT d.incident_id, max(d.at) AS at, max(d.reason) AS reason"
                " FROM incident_deletions d WHERE d.at >= ? AND NOT EXISTS"
                " (SELECT 1 FROM incidents i WHERE i.incident_id = d.incident_id)"
                " GROUP BY d.incident_id ORDER BY max(d.at), d.incident_id"
            ),
            (since,),
        )
        return [
            {"incident_id": r["incident_id"], "deleted": r["at"], "reason": r["reason"]}
            for r in rows
        ]

    def incident_ids_updated_since(self: _Backend, since: str) -> list[str]:
        rows = self._read(
            self._q(
                "SELECT incident_id FROM incidents WHERE updated >= ? ORDER BY updated, incident_id"
            ),
            (since,),
        )
        return [r["incident_id"] for r in rows]

    # --- reports, for re-clustering and re-extraction --------------------

    def all_reports(self: _Backend) -> Iterator[StoredReport]:
        """Every stored report, in the order their articles were ingested."""
        for row in self._read(REPORT_SELECT + " ORDER BY a.seq, r.idx"):
            yield stored_report_from_row(row)

    def article_hashes(self: _Backend) -> list[str]:
        """Every stored article's hash, in ingestion order."""
        return [r["hash"] for r in self._read("SELECT hash FROM articles ORDER BY seq")]

    def drop_extraction(self: _Backend, article_hash: str) -> None:
        """Forget an article's reports and extraction (before re-extracting it)."""
        with self.transaction():
            self._exec(self._q("DELETE FROM reports WHERE article_hash = ?"), (article_hash,))
            self._exec(self._q("DELETE FROM extractions WHERE article_hash = ?"), (article_hash,))

    # --- users and tokens -------------------------------------------------

    def add_user(self: _Backend, name: str, password_hash: str, *, role: str = "analyst") -> None:
        """Create a user, or set the password and role of an existing one."""
        with self.transaction():
            self._exec(
                self._q(
                    "INSERT INTO users (name, password_hash, role, created) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash,"
                    " role = excluded.role"
                ),
                (name, password_hash, role, now()),
            )

    def get_user(self: _Backend, name: str) -> dict[str, str] | None:
        row = self._read_one(
            self._q("SELECT name, password_hash, role, created FROM users WHERE name = ?"),
            (name,),
        )
        return dict(row) if row is not None else None

    def list_users(self: _Backend) -> list[dict[str, str]]:
        return [dict(r) for r in self._read("SELECT name, role, created FROM users ORDER BY name")]

    def add_token(self: _Backend, token_hash: str, user_name: str, *, label: str = "") -> None:
        with self.transaction():
            self._exec(
                self._q(
                    "INSERT INTO api_tokens (token_hash, user_name, label, created)"
                    " VALUES (?, ?, ?, ?)"
                ),
                (token_hash, user_name, label, now()),
            )

    def user_for_token(self: _Backend, token_hash: str) -> str | None:
        """The user a token belongs to (and note its use), or None."""
        row = self._read_one(
            self._q("SELECT user_name FROM api_tokens WHERE token_hash = ?"), (token_hash,)
        )
        if row is None:
            return None
        with self.transaction():
            self._exec(
                self._q("UPDATE api_tokens SET last_used = ? WHERE token_hash = ?"),
                (now(), token_hash),
            )
        return str(row["user_name"])
