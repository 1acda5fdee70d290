"""The monitor's configuration: feeds to watch, polling manners, alert rules and channels.

A TOML file (see ``data/feeds-sahel-maghreb.toml`` for a full example)::

    [watch]
    interval = "30m"       # default time between polls of one feed
    host_delay = "5s"      # at least this long between two requests to one host
    retries = 2            # more tries of a poll that failed for a passing reason
    backoff = "10s"        # wait before the first retry, doubled for each next one
    max_backoff = "6h"     # longest pause for a feed that keeps failing
    timeout = "20s"

    [[feeds]]
    name = "Sahel Wire"
    url = "https://sahel-wire.example/feed.xml"
    interval = "15m"       # this feed's own interval
    kind = "feed"          # or "page": one HTML page read as one article

    [[alerts.webhooks]]
    name = "team"
    url = "https://hooks.example/corroborate"

    [alerts.email]
    name = "desk"          # the channel's name (default "email")
    host = "smtp.example"
    port = 587
    starttls = true
    username = "monitor"
    password_env = "CORROBORATE_SMTP_PASSWORD"
    sender = "monitor@example.org"
    to = ["desk@example.org"]

    [[alerts.rules]]
    name = "Mali: deadly events"
    region = ["Mali"]                  # countries or admin1 regions
    event_type = ["Battles", "Explosions/Remote violence"]
    min_fatalities = 5
    on = ["match", "grade-change", "new-origin"]
    channels = ["team", "desk"]        # default: every channel

Secrets are never written in the file: a password is read from the
environment variable named by ``password_env``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from corroborate.errors import ConfigError

__all__ = [
    "SAMPLE_CONFIG",
    "TRIGGERS",
    "AlertRule",
    "EmailChannel",
    "FeedConfig",
    "MonitorConfig",
    "WatchSettings",
    "WebhookChannel",
    "load_config",
    "parse_config",
    "parse_duration",
    "sample_config_text",
]

#: The sample configuration shipped with the package (Sahel and Maghreb press).
SAMPLE_CONFIG = "feeds-sahel-maghreb.toml"

#: What can trigger an alert: an incident newly matching a rule, any change of
#: a matching incident, a change of its grade, a new independent origin.
TRIGGERS = ("match", "change", "grade-change", "new-origin")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
_GRADES = ("Confirmed", "Fair", "Weak", "Contested", "Discounted")


def parse_duration(value: object, *, where: str) -> float:
    """Seconds from a number or a string such as ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"``."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration such as '15m', not {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        seconds = float(m.group(1)) * _UNITS[m.group(2)]
    else:
        raise ConfigError(f"{where}: expected a duration such as '15m' or 900, not {value!r}")
    if seconds < 0:
        raise ConfigError(f"{where}: a duration cannot be negative")
    return seconds


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How politely and how often to poll."""

    interval: float = 1800.0
    host_delay: float = 5.0
    retries: int = 2
    backoff: float = 10.0
    max_backoff: float = 6 * 3600.0
    timeout: float = 20.0
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One feed (or page) to watch."""

    name: str
    url: str
    interval: float
    kind: str = "feed"  # "feed" or "page"
    country: str | None = None  # where the outlet is based (informative)
    language: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    name: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class EmailChannel:
    name: str
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class AlertRule:
    """Which incidents to notify, on what change, through which channels."""

    name: str
    region: tuple[str, ...] = ()
    event_type: tuple[str, ...] = ()
    min_fatalities: int | None = None
    min_grade: str | None = None
    on: tuple[str, ...] = ("match", "grade-change", "new-origin")
    channels: tuple[str, ...] = ()  # empty: every channel


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    """A whole monitor configuration."""

    watch: WatchSettings = field(default_factory=WatchSettings)
    feeds: tuple[FeedConfig, ...] = ()
    webhooks: tuple[WebhookChannel, ...] = ()
    emails: tuple[EmailChannel, ...] = ()
    rules: tuple[AlertRule, ...] = ()
    max_attempts: int = 3  # tries of one alert on one channel

    def channel_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.webhooks) + tuple(c.name for c in self.emails)


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{where} must be a list (an array of tables: [[{where}]])")
    return value


def _str(table: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _opt_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a string")
    return value.strip() or None


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a string or a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _int(table: Mapping[str, Any], key: str, where: str, default: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: '{key}' must be a whole number ≥ 0")
    return value


def _bool(table: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false")
    return value


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(known: {', '.join(sorted(allowed))})"
        )


def _watch(table: Mapping[str, Any]) -> WatchSettings:
    where = "[watch]"
    _check_keys(
        table,
        {"interval", "host_delay", "retries", "backoff", "max_backoff", "timeout", "allow_private"},
        where,
    )
    d = WatchSettings()
    return WatchSettings(
        interval=parse_duration(table.get("interval", d.interval), where=f"{where} interval"),
        host_delay=parse_duration(
            table.get("host_delay", d.host_delay), where=f"{where} host_delay"
        ),
        retries=_int(table, "retries", where, d.retries),
        backoff=parse_duration(table.get("backoff", d.backoff), where=f"{where} backoff"),
        max_backoff=parse_duration(
            table.get("max_backoff", d.max_backoff), where=f"{where} max_backoff"
        ),
        timeout=parse_duration(table.get("timeout", d.timeout), where=f"{where} timeout"),
        allow_private=_bool(table, "allow_private", where, d.allow_private),
    )


def _feed(table: Mapping[str, Any], n: int, watch: WatchSettings) -> FeedConfig:
    where = f"[[feeds]] #{n}"
    _check_keys(table, {"name", "url", "interval", "kind", "country", "language"}, where)
    url = _str(table, "url", where)
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{where}: 'url' must be an http(s) URL, not {url!r}")
    kind = table.get("kind", "feed")
    if kind not in ("feed", "page"):
        raise ConfigError(f"{where}: 'kind' must be 'feed' or 'page', not {kind!r}")
    interval = parse_duration(table.get("interval", watch.interval), where=f"{where} interval")
    return FeedConfig(
        name=_str(table, "name", where, default=url),
        url=url,
        interval=interval,
        kind=kind,
        country=_opt_str(table, "country", where),
        language=_opt_str(table, "language", where),
    )


def _webhook(table: Mapping[str, Any], n: int) -> WebhookChannel:
    where = f"[[alerts.webhooks]] #{n}"
    _check_keys(table, {"name", "url", "headers", "timeout"}, where)
    url = _str(table, "url", where)
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{where}: 'url' must be an http(s) URL")
    headers = _table(table.get("headers", {}), f"{where} headers")
    if not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(f"{where}: header values must be strings")
    return WebhookChannel(
        name=_str(table, "name", where, default="webhook" if n == 1 else f"webhook{n}"),
        url=url,
        headers=dict(headers),
        timeout=parse_duration(table.get("timeout", 10.0), where=f"{where} timeout"),
    )


def _email(table: Mapping[str, Any]) -> EmailChannel:
    where = "[alerts.email]"
    _check_keys(
        table,
        {
            "name",
            "host",
            "port",
            "starttls",
            "ssl",
            "username",
            "password_env",
            "sender",
            "to",
            "timeout",
        },
        where,
    )
    to = _strings(table, "to", where)
    if not to:
        raise ConfigError(f"{where}: 'to' needs at least one address")
    return EmailChannel(
        name=_str(table, "name", where, default="email"),
        host=_str(table, "host", where),
        port=_int(table, "port", where, 25),
        starttls=_bool(table, "starttls", where, False),
        ssl=_bool(table, "ssl", where, False),
        username=_opt_str(table, "username", where),
        password_env=_opt_str(table, "password_env", where),
        sender=_str(table, "sender", where),
        to=to,
        timeout=parse_duration(table.get("timeout", 10.0), where=f"{where} timeout"),
    )


def _rule(table: Mapping[str, Any], n: int, channels: tuple[str, ...]) -> AlertRule:
    where = f"[[alerts.rules]] #{n}"
    _check_keys(
        table,
        {"name", "region", "event_type", "min_fatalities", "min_grade", "on", "channels"},
        where,
    )
    event_types = _strings(table, "event_type", where)
    for t in event_types:
        if t not in _EVENT_TYPES:
            raise ConfigError(
                f"{where}: unknown event type {t!r} (ACLED: {', '.join(_EVENT_TYPES)})"
            )
    on = _strings(table, "on", where) or ("match", "grade-change", "new-origin")
    for trigger in on:
        if trigger not in TRIGGERS:
            raise ConfigError(
                f"{where}: unknown trigger {trigger!r} (known: {', '.join(TRIGGERS)})"
            )
    wanted = _strings(table, "channels", where)
    for name in wanted:
        if name not in channels:
            raise ConfigError(f"{where}: no alert channel named {name!r}")
    min_grade = _opt_str(table, "min_grade", where)
    if min_grade is not None and min_grade not in _GRADES:
        raise ConfigError(f"{where}: 'min_grade' must be one of {', '.join(_GRADES)}")
    min_fatalities = table.get("min_fatalities")
    if min_fatalities is not None:
        min_fatalities = _int(table, "min_fatalities", where, 0)
    return AlertRule(
        name=_str(table, "name", where, default=f"rule {n}"),
        region=_strings(table, "region", where),
        event_type=event_types,
        min_fatalities=min_fatalities,
        min_grade=min_grade,
        on=on,
        channels=wanted,
    )


def parse_config(data: Mapping[str, Any]) -> MonitorConfig:
    """A configuration from parsed TOML. Raises ConfigError saying what is wrong."""
    _check_keys(data, {"watch", "feeds", "alerts"}, "the configuration")
    watch = _watch(_table(data.get("watch", {}), "[watch]"))
    feeds = tuple(
        _feed(_table(t, "[[feeds]]"), n, watch)
        for n, t in enumerate(_list(data.get("feeds", []), "feeds"), start=1)
    )
    seen: set[str] = set()
    for f in feeds:
        if f.url in seen:
            raise ConfigError(f"the feed {f.url} is listed twice")
        seen.add(f.url)
    alerts = _table(data.get("alerts", {}), "[alerts]")
    _check_keys(alerts, {"webhooks", "email", "rules", "max_attempts"}, "[alerts]")
    webhooks = tuple(
        _webhook(_table(t, "[[alerts.webhooks]]"), n)
        for n, t in enumerate(_list(alerts.get("webhooks", []), "alerts.webhooks"), start=1)
    )
    emails = (_email(_table(alerts["email"], "[alerts.email]")),) if "email" in alerts else ()
    names = tuple(c.name for c in webhooks) + tuple(c.name for c in emails)
    if len(set(names)) != len(names):
        raise ConfigError("[alerts]: two channels have the same name")
    rules = tuple(
        _rule(_table(t, "[[alerts.rules]]"), n, names)
        for n, t in enumerate(_list(alerts.get("rules", []), "alerts.rules"), start=1)
    )
    return MonitorConfig(
        watch=watch,
        feeds=feeds,
        webhooks=webhooks,
        emails=emails,
        rules=rules,
        max_attempts=max(1, _int(alerts, "max_attempts", "[alerts]", 3)),
    )


def sample_config_text() -> str:
    """The text of the sample configuration shipped with the package."""
    return (
        resources.files("corroborate.monitor")
        .joinpath("data", SAMPLE_CONFIG)
        .read_text(encoding="utf-8")
    )


def load_config(path: str | Path) -> MonitorConfig:
    """Read a configuration file (``sample`` names the shipped sample)."""
    if str(path) == "sample":
        text, where = sample_config_text(), SAMPLE_CONFIG
    else:
        try:
            text, where = Path(path).read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ConfigError(f"cannot read the configuration {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from None
    try:
        return parse_config(data)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.message}") from None
