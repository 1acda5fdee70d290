"""CLI commands for analysts' review, re-clustering, re-extraction and accounts.

Registered into the main ``corroborate`` app by :func:`register`.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corroborate.errors import CorroborateError

if TYPE_CHECKING:
    from corroborate.store.base import Store

__all__ = ["register"]

_DB = Annotated[
    str,
    typer.Option(
        "--db",
        help="SQLite path or postgresql:// URL.",
        envvar="CORROBORATE_DB",
    ),
]
_WHO = Annotated[
    str,
    typer.Option(
        "--who",
        help="Who decides (kept with the decision). Defaults to $CORROBORATE_USER or $USER.",
    ),
]
_WHY = Annotated[str, typer.Option("--why", help="Why (kept with the decision).")]


def _who(who: str) -> str:
    return who or os.environ.get("CORROBORATE_USER") or os.environ.get("USER") or ""


def _cli() -> Any:
    from corroborate import cli

    return cli


@contextmanager
def _store(db: str) -> Iterator[Store]:
    cli = _cli()
    try:
        store = cli._open_store(db, must_exist=True)
        with store:
            yield store
    except CorroborateError as exc:
        raise cli._fail(exc.message) from None


def _echo_incident(inc: Any, action: str) -> None:
    r = inc.record
    typer.echo(
        f"{action} {inc.incident_id}: {r.sub_event_type}, {r.event_date or '?'}, "
        f"{len(inc.members)} report(s), grade {inc.grade}"
    )


def _resolver() -> Any:
    from corroborate.resolve import Resolver

    return Resolver()


def _progress_cb(label: str) -> tuple[Any, Callable[[int, int], None]]:
    progress = _cli()._progress()
    task = progress.add_task(label, total=None, status="")

    def tick(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, tick


def merge(
    keep: Annotated[str, typer.Argument(help="The incident that stays (its id is kept).")],
    other: Annotated[str, typer.Argument(help="The incident merged into it (its id goes).")],
    db: _DB = "corroborate.db",
    who: _WHO = "",
    why: _WHY = "",
) -> None:
    """Merge two incidents by hand; the decision survives re-clustering.

    Examples:

      corroborate merge inc-1a2b3c4d5e6f inc-0f9e8d7c6b5a --why "same strike, two outlets"
    """
    from corroborate import review

    with _store(db) as store:
        _echo_incident(review.merge(store, keep, other, who=_who(who), why=why), "merged into")


def split(
    incident: Annotated[str, typer.Argument(help="The incident to split.")],
    reports: Annotated[
        list[str], typer.Argument(help="Report ids (HASH:N) that form the new incident.")
    ],
    db: _DB = "corroborate.db",
    who: _WHO = "",
    why: _WHY = "",
) -> None:
    """Split an incident: the named reports become an incident of their own.

    The reports stay apart from the rest in every later clustering.
    `corroborate show INCIDENT` lists the report ids.

    Examples:

      corroborate split inc-1a2b3c4d5e6f 9f2c…:0 77aa…:0 --why "two different days"
    """
    from corroborate import review

    with _store(db) as store:
        kept, new = review.split(store, incident, reports, who=_who(who), why=why)
    _echo_incident(kept, "kept")
    _echo_incident(new, "new")


def detach(
    incident: Annotated[str, typer.Argument(help="The incident.")],
    report: Annotated[str, typer.Argument(help="The report id (HASH:N) to take out.")],
    db: _DB = "corroborate.db",
    who: _WHO = "",
    why: _WHY = "",
) -> None:
    """Take one report out of an incident (it stays apart from it afterwards).

    Examples:

      corroborate detach inc-1a2b3c4d5e6f 9f2c…:0 --why "reports an earlier strike"
    """
    from corroborate import review

    with _store(db) as store:
        kept, new = review.detach(store, incident, report, who=_who(who), why=why)
    _echo_incident(kept, "kept")
    _echo_incident(new, "detached into")


def edit(
    incident: Annotated[str, typer.Argument(help="The incident.")],
    changes: Annotated[
        list[str], typer.Argument(help="FIELD=VALUE pairs (VALUE 'null' clears a field).")
    ],
    db: _DB = "corroborate.db",
    who: _WHO = "",
    why: _WHY = "",
) -> None:
    """Correct fields of an incident by hand; the values survive re-clustering.

    Fields: the contract's fields (event_type, sub_event_type, event_date,
    actor1, inter1, country, admin1, location, latitude, longitude,
    fatalities, …) and summary.

    Examples:

      corroborate edit inc-1a2b3c4d5e6f fatalities=7 admin1="Hodh Ech Chargui" --why "MoD toll"
    """
    from corroborate import review

    pairs: dict[str, str] = {}
    for c in changes:
        key, sep, value = c.partition("=")
        if not sep or not key.strip():
            raise _cli()._fail(f"expected FIELD=VALUE, got {c!r}")
        pairs[key.strip()] = value
    with _store(db) as store:
        _echo_incident(review.edit(store, incident, pairs, who=_who(who), why=why), "edited")


def discount(
    incident: Annotated[str, typer.Argument(help="The incident.")],
    why: Annotated[str, typer.Option("--why", help="Why it is discounted (required).")],
    db: _DB = "corroborate.db",
    who: _WHO = "",
) -> None:
    """Grade an incident Discounted by hand (e.g. credibly refuted).

    Examples:

      corroborate discount inc-1a2b3c4d5e6f --why "the ministry showed the footage is from 2019"
    """
    from corroborate import review

    with _store(db) as store:
        _echo_incident(review.discount(store, incident, who=_who(who), why=why), "discounted")


def decisions(
    db: _DB = "corroborate.db",
    incident: Annotated[
        str | None, typer.Option(help="Only decisions about this incident.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include decisions taken back.")] = False,
) -> None:
    """List analysts' decisions as JSON lines, oldest first.

    Examples:

      corroborate decisions --db corroborate.db

      corroborate decisions --incident inc-1a2b3c4d5e6f --all
    """
    with _store(db) as store:
        for d in store.decisions(active_only=not all_, incident_id=incident):
            typer.echo(json.dumps(d.to_dict(), ensure_ascii=False))


def undo(
    decision: Annotated[int, typer.Argument(help="The decision id (see corroborate decisions).")],
    db: _DB = "corroborate.db",
    who: _WHO = "",
) -> None:
    """Take a decision back and re-cluster.

    Examples:

      corroborate undo 3 --db corroborate.db
    """
    from corroborate import review

    with _store(db) as store:
        result = review.undo(store, decision, who=_who(who), resolver=_resolver())
    typer.echo(json.dumps(result.to_dict()))


def recluster(db: _DB = "corroborate.db") -> None:
    """Rebuild every incident from the stored reports, honouring analysts' decisions.

    Incident ids stay stable; only changed incidents are rewritten, so a
    second run changes nothing.

    Examples:

      corroborate recluster --db corroborate.db
    """
    from corroborate import review

    with _store(db) as store:
        progress, tick = _progress_cb("re-clustering")
        with progress:
            result = review.recluster(store, resolver=_resolver(), progress=tick)
    typer.echo(json.dumps(result.to_dict()))


def reextract(db: _DB = "corroborate.db") -> None:
    """Re-run extraction on every stored article (after an upgrade), then re-cluster.

    Every manual decision and edit is kept; `export --since` then gives what
    changed.

    Examples:

      corroborate reextract --db corroborate.db
    """
    from corroborate import review

    pipeline = _cli()._pipeline()
    with _store(db) as store:
        progress, tick = _progress_cb("re-extracting")
        with progress:
            n, result = review.reextract(
                store, extractor=pipeline, resolver=_resolver(), progress=tick
            )
    typer.echo(json.dumps({"articles": n, **result.to_dict()}))


user_app = typer.Typer(
    help=(
        "Local accounts for the web app's review and the write API.\n\n"
        "Examples:\n\n"
        "  corroborate user add alice --db corroborate.db\n\n"
        "  corroborate user token alice --label 'sync script'"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user name.")],
    db: _DB = "corroborate.db",
    role: Annotated[str, typer.Option(help="analyst or admin.")] = "analyst",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user (or reset their password).

    Examples:

      corroborate user add alice --db corroborate.db

      echo "$PASSWORD" | corroborate user add bob --password-stdin
    """
    import sys

    from corroborate.auth import MIN_PASSWORD, hash_password

    if role not in ("analyst", "admin"):
        raise _cli()._fail("--role must be analyst or admin")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            raise _cli()._fail("the passwords differ")
    if len(password) < MIN_PASSWORD:
        raise _cli()._fail(f"the password needs at least {MIN_PASSWORD} characters")
    with _store(db) as store:
        store.add_user(name, hash_password(password), role=role)
    typer.echo(f"user {name} ({role}) saved")


@user_app.command("list")
def user_list(db: _DB = "corroborate.db") -> None:
    """List users.

    Example:

      corroborate user list --db corroborate.db
    """
    with _store(db) as store:
        for u in store.list_users():
            typer.echo(f"{u['name']}\t{u['role']}\t{u['created']}")


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="The user the token acts for.")],
    db: _DB = "corroborate.db",
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create an API token for a user; it is printed once and stored hashed.

    Example:

      corroborate user token alice --label "sync script"
    """
    from corroborate.auth import hash_token, new_token

    with _store(db) as store:
        if store.get_user(name) is None:
            raise _cli()._fail(f"no user {name!r}: create it with corroborate user add {name}")
        token = new_token()
        store.add_token(hash_token(token), name, label=label)
    typer.echo(token)


def register(app: typer.Typer) -> None:
    """Add the review commands to the ``corroborate`` app."""
    for fn in (merge, split, detach, edit, discount, decisions, undo, recluster, reextract):
        app.command()(fn)
    app.add_typer(user_app, name="user")
