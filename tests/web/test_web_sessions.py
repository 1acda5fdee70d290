"""The signed session cookie, its secret, CSRF tokens and redirect targets."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.store import open_store
from corroborate.web.sessions import (
    Signer,
    csrf_ok,
    ensure_csrf,
    is_loopback,
    load_secret,
    safe_next,
)

SECRET = b"0123456789abcdef0123456789abcdef"


@given(
    st.dictionaries(
        st.text(max_size=10), st.one_of(st.text(max_size=30), st.integers(), st.none()), max_size=5
    )
)
def test_signed_sessions_round_trip(data: dict[str, object]) -> None:
    signer = Signer(SECRET)
    value = {**data, "iat": 1_000_000}
    assert signer.loads(signer.dumps(value), now=1_000_010) == value


def test_tampered_foreign_or_expired_sessions_are_refused() -> None:
    signer = Signer(SECRET)
    value = signer.dumps({"user": "alice", "iat": 1_000_000})
    payload, mac = value.split(".")
    forged = Signer(SECRET).dumps({"user": "mallory", "iat": 1_000_000}).split(".")[0]
    assert signer.loads(f"{forged}.{mac}", now=1_000_001) is None
    assert signer.loads(payload, now=1_000_001) is None
    assert signer.loads(value + "x", now=1_000_001) is None
    assert Signer(b"another secret of 32 bytes......").loads(value, now=1_000_001) is None
    assert signer.loads(value, now=1_000_000 + 13 * 3600) is None  # expired
    assert signer.loads(value, now=999_000) is None  # from the future
    assert signer.loads(signer.dumps({"user": "alice"}), now=1_000_001) is None  # no iat
    with pytest.raises(ValueError):
        Signer(b"short")


def test_csrf_tokens() -> None:
    session: dict[str, object] = {}
    token = ensure_csrf(session)
    assert len(token) >= 32 and ensure_csrf(session) == token
    assert csrf_ok(session, token)
    assert not csrf_ok(session, token[:-1] + ("a" if token[-1] != "a" else "b"))
    assert not csrf_ok(session, "")
    assert not csrf_ok(session, None)
    assert not csrf_ok({}, token)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/incidents/x?y=1", "/incidents/x?y=1"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/a b", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_secret_is_kept_next_to_the_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CORROBORATE_SECRET", raising=False)
    store = open_store(tmp_path / "s.db")
    try:
        first = load_secret(store)
        path = tmp_path / "s.db.secret"
        assert path.exists()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert load_secret(store) == first and len(first) == 32
    finally:
        store.close()
    monkeypatch.setenv("CORROBORATE_SECRET", "from the environment")
    assert load_secret(object()) == b"from the environment"
    monkeypatch.delenv("CORROBORATE_SECRET")
    assert load_secret(object()) != load_secret(object())  # per process, random
