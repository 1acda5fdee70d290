"""The ``watch``, ``alerts`` and ``report`` commands, added to the main app by :func:`register`."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.console import Console
from rich.markup import escape

from corroborate.errors import CorroborateError

if TYPE_CHECKING:
    from corroborate.store.monitor import MonitorStore

__all__ = ["register"]

_err = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the monitor's commands to ``app``."""
    app.command("watch")(watch)
    app.add_typer(alerts_app, name="alerts")
    app.command("report")(report)


def _fail(message: str, code: int = 2) -> typer.Exit:
    _err.print(f"[red]error:[/red] {escape(message)}", markup=True, highlight=False)
    return typer.Exit(code)


def _must_exist(db: str) -> None:
    if "://" not in db and not Path(db).exists():
        raise _fail(
            f"no database at {db!r}: run 'corroborate ingest SOURCES --db {db}' first, "
            "or pass the right --db"
        )


DbOption = Annotated[
    str,
    typer.Option("--db", help="SQLite path or postgresql:// URL.", envvar="CORROBORATE_DB"),
]
ConfigOption = Annotated[
    str,
    typer.Option(
        "--config",
        "-c",
        help="The monitor's TOML file ('sample' for the shipped Sahel/Maghreb one).",
        envvar="CORROBORATE_MONITOR_CONFIG",
    ),
]

alerts_app = typer.Typer(
    help=(
        "Alerts raised by the monitor's rules: list them, or check incidents now.\n\n"
        "Examples:\n\n"
        "  corroborate alerts list --db corroborate.db\n\n"
        "  corroborate alerts check --config feeds.toml --db corroborate.db"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _monitor_store(db: str) -> MonitorStore:
    from corroborate.store import open_store

    # Both backends mix in the monitor's methods (corroborate.store.monitor).
    return cast("MonitorStore", open_store(db))


def _logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("corroborate.monitor")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


def watch(
    config: ConfigOption = "sample",
    db: DbOption = "corroborate.db",
    once: Annotated[
        bool, typer.Option("--once", help="Poll the feeds that are due once and exit (cron).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Poll every feed now, due or not.")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option(help="Allow feeds on private or loopback addresses.")
    ] = False,
    print_sample: Annotated[
        bool, typer.Option("--print-sample", help="Print the sample configuration and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
) -> None:
    """Poll RSS/Atom feeds and pages, ingest what is new, resolve incidents, raise alerts.

    Each feed is polled on its own interval with conditional requests (ETag,
    Last-Modified), at most one request per host every few seconds, with
    retries and backoff. State (validators, items seen, next poll) is kept in
    the store, so the watcher can be stopped (SIGTERM, Ctrl-C: it finishes
    the article in hand) and started again, or run from cron with --once.

    Examples:

      corroborate watch --print-sample > feeds.toml

      corroborate watch --config feeds.toml --db monitor.db

      corroborate watch --config feeds.toml --db monitor.db --once
    """
    from corroborate.monitor.config import load_config, sample_config_text

    if print_sample:
        sys.stdout.write(sample_config_text())
        return
    from dataclasses import replace

    from corroborate.extract.pipeline import Pipeline
    from corroborate.monitor.alerts import Alerter
    from corroborate.monitor.watch import Watcher

    _logging(verbose)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logging.getLogger("corroborate.monitor").info(
            "%s: stopping after the current article", signal.Signals(signum).name
        )
        stop.set()

    try:
        cfg = load_config(config)
        if allow_private:
            cfg = replace(cfg, watch=replace(cfg.watch, allow_private=True))
        if not cfg.feeds:
            raise _fail(f"{config} lists no feeds ([[feeds]] with a name and a url)")
        store = _monitor_store(db)
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with store:
            pipeline = Pipeline.from_config()
            watcher = Watcher(
                cfg,
                store,
                extractor=pipeline,
                alerter=Alerter(cfg, store),
                stop=stop,
            )
            if once or force:
                results = watcher.run_once(force=force)
                errors = sum(1 for r in results if r.status == "error")
                _err.print(
                    f"polled {len(results)} feeds: "
                    f"{sum(r.stored for r in results)} new articles, {errors} failed, "
                    f"{watcher.alerter.sent} alerts sent",
                    highlight=False,
                )
                if errors and errors == len(results):
                    raise typer.Exit(3)
            else:
                watcher.run()
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@alerts_app.command("list")
def alerts_list(
    db: DbOption = "corroborate.db",
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    incident: Annotated[str | None, typer.Option(help="Only this incident's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """List the alerts sent (or tried), newest first.

    Example:

      corroborate alerts list --db monitor.db
    """
    _must_exist(db)
    try:
        store = _monitor_store(db)
        with store:
            records = store.list_alerts(limit=limit, incident_id=incident)
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    for rec in records:
        if as_json:
            typer.echo(json.dumps(rec.to_dict(), ensure_ascii=False))
        else:
            detail = (rec.payload or {}).get("detail", "")
            typer.echo(
                f"{rec.created}  {rec.status:6}  {rec.channel:16}  {rec.incident_id}  "
                f"{rec.rule}: {detail}"
            )


@alerts_app.command("check")
def alerts_check(
    config: ConfigOption = "sample",
    db: DbOption = "corroborate.db",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
) -> None:
    """Apply the alert rules to every incident now (e.g. after 'corroborate ingest').

    Changes already notified are not sent again.

    Example:

      corroborate alerts check --config feeds.toml --db monitor.db
    """
    from corroborate.monitor.alerts import Alerter
    from corroborate.monitor.config import load_config

    _logging(verbose)
    _must_exist(db)
    try:
        cfg = load_config(config)
        store = _monitor_store(db)
        with store:
            alerter = Alerter(cfg, store)
            alerter.retry_failed()
            alerter.check(store.iter_incidents())
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    _err.print(f"{alerter.sent} alerts sent, {alerter.failed} failed", highlight=False)
    if alerter.failed:
        raise typer.Exit(3)


def report(
    db: DbOption = "corroborate.db",
    date_from: Annotated[
        str | None, typer.Option("--from", help="First event date (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last event date (YYYY-MM-DD).")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only this country or admin1 region.")] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="html or pdf.", case_sensitive=False)
    ] = "html",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (needed for pdf).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="The brief's title.")] = None,
) -> None:
    """Write a situation report: map, weekly timeline, incidents, civilian harm, sources.

    The HTML is one self-contained page (map and chart embedded as SVG, no
    script); it goes to standard output when no --output is given. PDF needs
    --output and the 'reports' extra (WeasyPrint).

    Examples:

      corroborate report --db corroborate.db > brief.html

      corroborate report --from 2023-03-01 --to 2023-03-31 --region Mali -o mali.html

      corroborate report --region Mauritania --format pdf --output mauritania.pdf
    """
    from corroborate.monitor.report import collect, render_html, render_pdf
    from corroborate.store import open_store

    fmt = fmt.lower()
    if fmt not in {"html", "pdf"}:
        raise _fail(f"--format must be 'html' or 'pdf', not {fmt!r}")
    if fmt == "pdf" and output is None:
        raise _fail("a PDF report needs --output FILE")
    _must_exist(db)
    try:
        with open_store(db) as store:
            data = collect(store, date_from=date_from, date_to=date_to, region=region, title=title)
        html = render_html(data)
        if output is None:
            sys.stdout.write(html)
            return
        if fmt == "pdf":
            output.write_bytes(render_pdf(html))
        else:
            output.write_text(html, encoding="utf-8")
    except CorroborateError as exc:
        raise _fail(exc.message) from None
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror}") from None
    _err.print(f"wrote {output}: {len(data.incidents)} incidents, {data.period}", highlight=False)
