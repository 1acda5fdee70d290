"""Review in the web app: login, CSRF, API tokens, the dossier's forms and the write API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corroborate import review
from corroborate.auth import hash_password, hash_token
from corroborate.resolve import Resolver
from corroborate.store.base import Store
from corroborate.web import create_app
from tests.web.conftest import Seeded
from tests.web.html_tools import parse
from tests.web.test_web_security import assert_safe_html

PASSWORD = "correct horse battery"
TOKEN = "cor_test-token-for-alice-0123456789"
SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
INC = "inc-mr-1"


@pytest.fixture
def users(store: Store, seeded: Seeded) -> None:
    store.add_user("alice", hash_password(PASSWORD))
    store.add_token(hash_token(TOKEN), "alice", label="tests")


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = parse(client.get(path).text)
    tokens = [
        a.get("content") for t, a in page.tags if t == "meta" and a.get("name") == "csrf-token"
    ]
    assert len(tokens) == 1 and tokens[0]
    return str(tokens[0])


def login(client: TestClient, name: str = "alice", password: str = PASSWORD) -> Any:
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf": token, "next": ""},
        follow_redirects=False,
    )


def form_values(html: str, action_suffix: str) -> dict[str, str]:
    """The named inputs and selects (selected option) of one form, roughly; textareas are
    left out (a field not sent is not changed)."""
    start = html.index(f'action="/incidents/{INC}/review/{action_suffix}"')
    end = html.index("</form>", start)
    chunk = html[start:end]
    page = parse("<form " + chunk + "</form>")
    values: dict[str, str] = {}
    select: str | None = None
    for tag, attrs in page.tags:
        if tag == "input" and attrs.get("name") and attrs.get("type") != "checkbox":
            values[str(attrs["name"])] = attrs.get("value") or ""
        elif tag == "select":
            select = str(attrs["name"])
            values.setdefault(select, "")
        elif tag == "option" and select and "selected" in attrs:
            values[select] = attrs.get("value") or ""
    return values


@pytest.fixture
def analyst(client: TestClient, users: None) -> TestClient:
    r = login(client)
    assert r.status_code == 303, r.text
    return client


# --- authentication ---------------------------------------------------------------


def test_writes_need_a_login_or_a_token(client: TestClient, users: None, store: Store) -> None:
    r = client.post(f"/api/incidents/{INC}/discount", json={"why": "duplicate"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    token = csrf_of(client, f"/incidents/{INC}")
    r = client.post(
        f"/incidents/{INC}/review/discount",
        data={"why": "duplicate", "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert store.get_incident(INC).grade != "Discounted"  # type: ignore[union-attr]
    # the dossier offers a login link, not the forms
    html = client.get(f"/incidents/{INC}").text
    assert "review/edit" not in html and "Log in</a> to correct" in html


def test_login_and_logout(client: TestClient, users: None) -> None:
    r = login(client, password="wrong password")
    assert r.status_code == 401
    assert "Wrong user name or password." in r.text
    r = login(client, name="nobody")
    assert r.status_code == 401
    r = login(client)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    home = client.get("/").text
    assert "Logged in as alice." in home
    assert '<span class="who">alice</span>' in home
    assert "Logged in as alice." not in client.get("/").text  # flash shown once
    token = csrf_of(client, "/")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    r = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "Logged out." in client.get("/").text
    assert client.post(f"/api/incidents/{INC}/discount", json={"why": "x"}).status_code == 401


def test_login_needs_its_csrf_token(client: TestClient, users: None) -> None:
    r = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert r.status_code == 403
    assert '<span class="who">' not in client.get("/").text


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/incidents/inc-ml-1", "/incidents/inc-ml-1"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ],
)
def test_login_redirects_only_within_the_site(
    client: TestClient, users: None, target: str, expected: str
) -> None:
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={"name": "alice", "password": PASSWORD, "csrf": token, "next": target},
        follow_redirects=False,
    )
    assert r.headers["location"] == expected


def test_password_reset_ends_sessions(analyst: TestClient, store: Store) -> None:
    assert '<span class="who">alice</span>' in analyst.get("/").text
    store.add_user("alice", hash_password("another password"))
    assert '<span class="who">' not in analyst.get("/").text
    token = csrf_of(analyst, "/")
    r = analyst.post(
        f"/api/incidents/{INC}/discount", json={"why": "x"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 401


def test_forged_session_cookie_is_ignored(client: TestClient, users: None) -> None:
    import base64
    import json

    body = base64.urlsafe_b64encode(json.dumps({"user": "alice", "iat": 2e9}).encode()).decode()
    client.cookies.set("corroborate_session", body.rstrip("=") + ".AAAA")
    r = client.post(f"/api/incidents/{INC}/discount", json={"why": "x"})
    assert r.status_code == 401


def test_cookie_session_api_calls_need_the_csrf_header(analyst: TestClient, store: Store) -> None:
    url = f"/api/incidents/{INC}/discount"
    assert analyst.post(url, json={"why": "duplicate"}).status_code == 403
    r = analyst.post(url, json={"why": "duplicate"}, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    assert store.get_incident(INC).grade != "Discounted"  # type: ignore[union-attr]
    token = csrf_of(analyst, "/")
    r = analyst.post(url, json={"why": "duplicate"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert r.json()["incident"]["grade"] == "Discounted"


def test_forms_are_rejected_without_the_csrf_token(analyst: TestClient, store: Store) -> None:
    for data in ({"why": "x", "f_location": "Elsewhere"}, {"why": "x", "csrf": "forged"}):
        r = analyst.post(f"/incidents/{INC}/review/edit", data=data, follow_redirects=False)
        assert r.status_code == 403
    r = analyst.post(f"/incidents/{INC}/review/discount", data={"why": "x"}, follow_redirects=False)
    assert r.status_code == 403
    inc = store.get_incident(INC)
    assert inc is not None and inc.grade != "Discounted"
    assert not store.decisions()


def test_bearer_token_writes_without_csrf(client: TestClient, users: None, store: Store) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post(f"/api/incidents/{INC}/discount", json={"why": "satire site"}, headers=auth)
    assert r.status_code == 200, r.text
    assert store.decisions()[0].who == "alice"
    for bad in ("Bearer nope", "Basic YWxpY2U6eA==", "Bearer "):
        r = client.post(
            f"/api/incidents/{INC}/discount", json={"why": "x"}, headers={"Authorization": bad}
        )
        assert r.status_code == 401, bad


def test_a_bad_token_is_not_rescued_by_the_cookie(analyst: TestClient) -> None:
    token = csrf_of(analyst, "/")
    r = analyst.post(
        f"/api/incidents/{INC}/discount",
        json={"why": "x"},
        headers={"X-CSRF-Token": token, "Authorization": "Bearer wrong"},
    )
    assert r.status_code == 401


# --- the dossier's forms ---------------------------------------------------------------


def test_edit_form_persists_is_logged_and_survives_recluster(
    analyst: TestClient, store: Store
) -> None:
    html = analyst.get(f"/incidents/{INC}").text
    assert 'id="review"' in html and "Save corrections" in html
    data = form_values(html, "edit")
    assert data["f_location"] == "near the border with Western Sahara"
    assert data["f_fatalities"] == "2"
    data.update(f_location="Bir Moghrein", f_fatalities="3", why="the governor named the town")
    r = analyst.post(f"/incidents/{INC}/review/edit", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/incidents/{INC}"
    page = analyst.get(f"/incidents/{INC}").text
    assert "Saved fatalities, location." in page

    inc = store.get_incident(INC)
    assert inc is not None
    assert inc.record.location == "Bir Moghrein" and inc.record.fatalities.best == 3
    decisions = store.decisions(incident_id=INC)
    assert {(d.field, d.who, d.why) for d in decisions} == {
        ("location", "alice", "the governor named the town"),
        ("fatalities", "alice", "the governor named the town"),
    }
    edits = [e for e in store.incident_events(INC) if e["action"] == "edit"]
    assert len(edits) == 1 and edits[0]["detail"]["who"] == "alice"
    # the history shows who and why
    rows = [r for r in page.split("<tr>") if "<td>edit</td>" in r]
    assert len(rows) == 1
    assert "<td>alice</td>" in rows[0] and "the governor named the town" in rows[0]
    assert "Decisions in force" in page

    review.recluster(store, resolver=Resolver())
    after = store.incident_of_report(inc.members[0].report_id)
    assert after is not None
    assert after.record.location == "Bir Moghrein" and after.record.fatalities.best == 3


def test_unchanged_edit_form_is_an_error(analyst: TestClient, store: Store) -> None:
    data = form_values(analyst.get(f"/incidents/{INC}").text, "edit")
    data["why"] = "nothing"
    r = analyst.post(f"/incidents/{INC}/review/edit", data=data)
    assert r.status_code == 200
    assert "nothing changed" in r.text
    assert not store.decisions()


def test_review_errors_are_flashed_escaped(analyst: TestClient, store: Store) -> None:
    data = form_values(analyst.get(f"/incidents/{INC}").text, "edit")
    data.update(f_latitude=SCRIPT, why="typo")
    r = analyst.post(f"/incidents/{INC}/review/edit", data=data)
    assert r.status_code == 200
    assert 'class="flash flash-error"' in r.text
    assert "latitude takes a number, not &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in r.text
    assert SCRIPT not in r.text
    assert not store.decisions()


def test_why_is_required(analyst: TestClient, store: Store) -> None:
    token = csrf_of(analyst, "/")
    r = analyst.post(f"/incidents/{INC}/review/discount", data={"csrf": token, "why": "  "})
    assert "say why" in r.text
    assert not store.decisions()


def test_xss_in_why_stays_inert(analyst: TestClient, store: Store) -> None:
    token = csrf_of(analyst, "/")
    why = f"{SCRIPT}{ATTR}"
    r = analyst.post(f"/incidents/{INC}/review/discount", data={"csrf": token, "why": why})
    assert r.status_code == 200 and "The incident is discounted." in r.text
    assert store.get_incident(INC).grade == "Discounted"  # type: ignore[union-attr]
    assert_safe_html(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in r.text


def test_detach_split_merge_and_undo_forms(analyst: TestClient, store: Store) -> None:
    inc = store.get_incident(INC)
    assert inc is not None
    first, second = (m.report_id for m in inc.members)
    token = csrf_of(analyst, f"/incidents/{INC}")

    r = analyst.post(
        f"/incidents/{INC}/review/detach",
        data={"csrf": token, "report": second, "why": "another strike"},
    )
    assert "Moved to the new incident" in r.text
    new = store.incident_of_report(second)
    assert new is not None and new.incident_id != INC
    assert f'href="/incidents/{new.incident_id}"' in r.text

    r = analyst.post(
        f"/incidents/{INC}/review/merge",
        data={"csrf": token, "other": new.incident_id, "why": "same strike after all"},
    )
    assert f"Merged {new.incident_id} into this incident." in r.text
    merged = store.get_incident(INC)
    assert merged is not None and {m.report_id for m in merged.members} == {first, second}

    r = analyst.post(
        f"/incidents/{INC}/review/split",
        data={"csrf": token, "reports": [first, second], "why": "all of them"},
    )
    assert "a split needs reports on both sides" in r.text
    r = analyst.post(
        f"/incidents/{INC}/review/split",
        data={"csrf": token, "reports": [second], "why": "split again"},
    )
    assert "Moved to the new incident" in r.text

    split = store.decisions(incident_id=INC)[-1]
    assert split.kind == "split"
    r = analyst.post(
        f"/incidents/{INC}/review/undo", data={"csrf": token, "decision": str(split.id)}
    )
    assert f"Decision {split.id} taken back" in r.text
    assert not [d for d in store.decisions() if d.id == split.id]
    after = store.incident_of_report(first)
    assert after is not None and {m.report_id for m in after.members} == {first, second}


# --- the write API ---------------------------------------------------------------------


@pytest.fixture
def api(client: TestClient, users: None) -> Iterator[TestClient]:
    client.headers["Authorization"] = f"Bearer {TOKEN}"
    yield client


def test_api_edit_split_merge_detach_undo(api: TestClient, store: Store) -> None:
    r = api.post(
        f"/api/incidents/{INC}/edit",
        json={"changes": {"location": "Zouerate", "latitude": 22.7}, "why": "official toll"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["incident"]["location"] == "Zouerate"
    events = api.get(f"/api/incidents/{INC}/history").json()["events"]
    assert events[-1]["action"] == "edit" and events[-1]["detail"]["who"] == "alice"
    assert events[-1]["reason"] == "official toll"

    inc = store.get_incident(INC)
    assert inc is not None
    first, second = (m.report_id for m in inc.members)
    r = api.post(f"/api/incidents/{INC}/detach", json={"report": second, "why": "other strike"})
    assert r.status_code == 200, r.text
    new_id = r.json()["new_incident"]["incident_id"]
    r = api.post(f"/api/incidents/{INC}/merge", json={"other": new_id, "why": "same"})
    assert r.status_code == 200 and len(r.json()["incident"]["reports"]) == 2
    r = api.post(f"/api/incidents/{INC}/split", json={"reports": [first], "why": "again"})
    assert r.status_code == 200
    decisions = api.get(f"/api/incidents/{INC}/decisions").json()["decisions"]
    assert [d["kind"] for d in decisions] == ["edit", "edit", "detach", "merge", "split"]
    r = api.post(f"/api/decisions/{decisions[-1]['id']}/undo")
    assert r.status_code == 200 and r.json()["undone"] == decisions[-1]["id"]
    everything = api.get(f"/api/incidents/{INC}/decisions", params={"inactive": True}).json()
    assert [d["active"] for d in everything["decisions"]] == [True, True, True, True, False]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("edit", {"changes": {"colour": "red"}, "why": "x"}, "cannot edit 'colour'"),
        ("edit", {"changes": {"latitude": 200}, "why": "x"}, "latitude must lie between"),
        ("edit", {"changes": {}, "why": "x"}, "nothing to edit"),
        ("edit", {"changes": {"location": "X"}, "why": ""}, "say why"),
        ("merge", {"other": INC, "why": "x"}, "cannot be merged with itself"),
        ("merge", {"other": "no-such", "why": "x"}, "no incident 'no-such'"),
        ("split", {"reports": ["nope"], "why": "x"}, "nope not in incident"),
        ("detach", {"report": "nope", "why": "x"}, "nope not in incident"),
        ("discount", {"why": " "}, "say why"),
    ],
)
def test_api_bad_input_is_400_with_the_message(
    api: TestClient, store: Store, path: str, body: dict[str, Any], message: str
) -> None:
    r = api.post(f"/api/incidents/{INC}/{path}", json=body)
    assert r.status_code == 400, r.text
    assert message in r.json()["detail"]
    assert not store.decisions()


def test_api_unknown_incident_and_decision(api: TestClient) -> None:
    r = api.post("/api/incidents/nope/discount", json={"why": "x"})
    assert r.status_code == 400 and "no incident 'nope'" in r.json()["detail"]
    r = api.post("/api/decisions/999/undo")
    assert r.status_code == 400 and "no decision 999" in r.json()["detail"]


def test_openapi_documents_the_write_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name in ("edit", "merge", "split", "detach", "discount"):
        assert "post" in paths[f"/api/incidents/{{incident_id}}/{name}"]
    assert "post" in paths["/api/decisions/{decision_id}/undo"]
    assert "/login" not in paths and "/api/alerts" in paths


# --- reading behind a login --------------------------------------------------------------


def test_read_auth_requires_a_login_to_read(store: Store, seeded: Seeded, users: None) -> None:
    with TestClient(create_app(store, read_auth=True)) as c:
        r = c.get(f"/incidents/{INC}", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/login?next=%2Fincidents%2F{INC}"
        assert c.get("/api/incidents").status_code == 401
        assert c.get("/api/alerts").status_code == 401
        assert c.get("/static/style.css").status_code == 200
        ok = c.get("/api/incidents", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
        assert login(c).status_code == 303
        assert c.get("/api/incidents").status_code == 200
        assert c.get(f"/incidents/{INC}").status_code == 200


def test_reading_is_open_by_default(client: TestClient) -> None:
    assert client.get("/api/incidents").status_code == 200
    assert client.get(f"/incidents/{INC}").status_code == 200
