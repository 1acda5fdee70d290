"""The monitor's TOML configuration and its shipped Sahel/Maghreb sample."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.errors import ConfigError
from corroborate.monitor.config import (
    TRIGGERS,
    load_config,
    parse_config,
    parse_duration,
    sample_config_text,
)


def test_the_sample_config_lists_sahel_and_maghreb_outlets() -> None:
    config = load_config("sample")
    assert len(config.feeds) >= 10
    countries = {f.country for f in config.feeds if f.country}
    assert {"Mali", "Burkina Faso", "Niger", "Mauritania", "Algeria", "Morocco"} <= countries
    assert all(f.url.startswith("https://") for f in config.feeds)
    assert len({f.url for f in config.feeds}) == len(config.feeds)
    assert config.rules and all(set(r.on) <= set(TRIGGERS) for r in config.rules)
    assert config.webhooks == () and config.emails == ()  # channels are the user's to add
    rfi = next(f for f in config.feeds if f.name == "RFI Afrique")
    assert rfi.interval == 900
    assert config.watch.interval == 1800 and config.watch.host_delay == 5


def test_a_config_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        """
[watch]
interval = "10m"
[[feeds]]
name = "A"
url = "https://a.example/feed"
interval = 120
[[feeds]]
url = "https://b.example/page"
kind = "page"
[[alerts.webhooks]]
name = "team"
url = "https://hooks.example/x"
headers = { Authorization = "Bearer t" }
[alerts.email]
host = "smtp.example"
sender = "m@example.org"
to = "desk@example.org"
[[alerts.rules]]
name = "r"
region = "Mali"
min_fatalities = 3
min_grade = "Fair"
channels = ["team", "email"]
""",
        encoding="utf-8",
    )
    config = load_config(path)
    a, b = config.feeds
    assert (a.interval, b.interval, b.kind, b.name) == (120, 600, "page", b.url)
    assert config.webhooks[0].headers == {"Authorization": "Bearer t"}
    assert config.emails[0].to == ("desk@example.org",)
    [rule] = config.rules
    assert (rule.region, rule.min_fatalities, rule.min_grade) == (("Mali",), 3, "Fair")
    assert rule.on == ("match", "grade-change", "new-origin")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"feeds": [{"name": "x"}]}, "'url'"),
        ({"feeds": [{"url": "ftp://x.example/f"}]}, "http(s)"),
        ({"feeds": [{"url": "https://x.example/f", "kind": "video"}]}, "'kind'"),
        ({"feeds": [{"url": "https://x.example/f", "interval": "soon"}]}, "duration"),
        ({"feeds": [{"url": "https://x.example/f", "colour": "red"}]}, "unknown key colour"),
        ({"feeds": [{"url": "https://x.example/f"}, {"url": "https://x.example/f"}]}, "twice"),
        ({"alerts": {"rules": [{"on": ["always"]}]}}, "unknown trigger"),
        ({"alerts": {"rules": [{"channels": ["nowhere"]}]}}, "no alert channel"),
        ({"alerts": {"rules": [{"event_type": ["Fights"]}]}}, "unknown event type"),
        ({"alerts": {"rules": [{"min_fatalities": -1}]}}, "min_fatalities"),
        ({"alerts": {"email": {"host": "h", "sender": "s"}}}, "'to'"),
        ({"watch": {"retries": "many"}}, "retries"),
        ({"feed": []}, "unknown key feed"),
    ],
)
def test_mistakes_are_reported_plainly(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=None) as info:
        parse_config(data)
    assert message in info.value.message


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[feeds]\nurl = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("500ms", 0.5), (30, 30)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text, where="x") == seconds


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["s", "m", "h", "d"]))
def test_durations_round_trip(n: int, unit: str) -> None:
    factor = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert parse_duration(f"{n}{unit}", where="x") == n * factor


def test_sample_text_is_valid_toml() -> None:
    assert tomllib.loads(sample_config_text())["feeds"]
