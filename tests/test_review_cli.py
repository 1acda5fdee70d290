"""The review commands: merge / split / detach / edit / discount / decisions / undo,
recluster, reextract, user accounts, and ``export --since`` with deletions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from corroborate.auth import hash_token, verify_password
from corroborate.store import open_store
from tests.test_cli import (  # noqa: F401  (fixtures)
    assert_no_traceback,
    db,
    ingested,
    json_lines,
    run,
    shared_pipeline,
)


@pytest.fixture()
def work(db: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A private copy of the ingested sample database."""
    copy = tmp_path / "work.db"
    shutil.copy(db, copy)
    return copy


def _incidents(path: Path) -> list[dict[str, Any]]:
    result = run(["incidents", "--db", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return json_lines(result.stdout)


def test_merge_then_export_since_gives_the_change_and_the_deletion(work: Path) -> None:
    singles = sorted(
        (i for i in _incidents(work) if len(i["reports"]) == 1), key=lambda i: i["incident_id"]
    )
    a, b = singles[0]["incident_id"], singles[1]["incident_id"]
    since = "2000-01-01T00:00:00"
    before = json_lines(run(["export", "--db", str(work), "--since", "2999-01-01"]).stdout)
    assert before == []
    result = run(["merge", a, b, "--db", str(work), "--who", "ana", "--why", "same event"])
    assert result.exit_code == 0, result.output
    assert f"merged into {a}" in result.stdout
    lines = json_lines(run(["export", "--db", str(work), "--since", since]).stdout)
    assert {"incident_id": b, "deleted": lines[-1]["deleted"]} in lines
    assert any(x["incident_id"] == a and len(x["reports"]) == 2 for x in lines)
    decisions = json_lines(run(["decisions", "--db", str(work)]).stdout)
    assert [(d["kind"], d["who"], d["why"]) for d in decisions] == [("merge", "ana", "same event")]
    # Re-clustering keeps it; a second run changes nothing.
    first = json.loads(run(["recluster", "--db", str(work)]).stdout)
    second = json.loads(run(["recluster", "--db", str(work)]).stdout)
    assert second["changed"] == second["created"] == second["deleted"] == 0
    assert first["incidents"] == second["incidents"] == second["unchanged"]
    assert any(i["incident_id"] == a and len(i["reports"]) == 2 for i in _incidents(work))


def test_deletions_go_to_a_file_for_csv(work: Path, tmp_path: Path) -> None:
    singles = [i for i in _incidents(work) if len(i["reports"]) == 1]
    a, b = singles[0]["incident_id"], singles[1]["incident_id"]
    assert run(["merge", a, b, "--db", str(work), "--who", "ana"]).exit_code == 0
    gone = tmp_path / "gone.jsonl"
    result = run(
        [
            "export",
            "--db",
            str(work),
            "--format",
            "acled-csv",
            "--since",
            "2000-01-01",
            "--deletions",
            str(gone),
        ]
    )
    assert result.exit_code == 0, result.output
    assert [x["incident_id"] for x in json_lines(gone.read_text())] == [b]


def test_detach_edit_discount_undo(work: Path) -> None:
    inc = max(_incidents(work), key=lambda i: len(i["reports"]))
    iid, rid = inc["incident_id"], inc["reports"][-1]["report_id"]
    result = run(["detach", iid, rid, "--db", str(work), "--who", "ana", "--why", "other day"])
    assert result.exit_code == 0, result.output
    result = run(["edit", iid, "fatalities=9", "--db", str(work), "--who", "ana"])
    assert result.exit_code == 0, result.output
    shown = json.loads(run(["show", iid, "--db", str(work)]).stdout)
    assert shown["fatalities"]["best"] == 9
    assert rid not in {r["report_id"] for r in shown["reports"]}
    result = run(["discount", iid, "--db", str(work), "--who", "ana", "--why", "retracted"])
    assert result.exit_code == 0 and "Discounted" in result.stdout
    decisions = json_lines(run(["decisions", "--db", str(work), "--incident", iid]).stdout)
    assert [d["kind"] for d in decisions] == ["detach", "edit", "discount"]
    result = run(["undo", str(decisions[0]["id"]), "--db", str(work), "--who", "ana"])
    assert result.exit_code == 0, result.output
    shown = json.loads(run(["show", iid, "--db", str(work)]).stdout)
    assert rid in {r["report_id"] for r in shown["reports"]}
    assert shown["grade"] == "Discounted" and shown["fatalities"]["best"] == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edit", "inc-000000000000", "fatalities=1", "--who", "a"], "no incident"),
        (["edit", "X", "fatalities", "--who", "a"], "FIELD=VALUE"),
        (["split", "inc-000000000000", "r:0", "--who", "a"], "no incident"),
        (["undo", "42", "--who", "a"], "no decision 42"),
        (["export", "--since", "yesterday"], "ISO 8601"),
        (["export", "--deletions", "x.jsonl"], "needs --since"),
    ],
)
def test_bad_review_commands_say_what_is_wrong(work: Path, args: list[str], message: str) -> None:
    result = run([*args, "--db", str(work)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert_no_traceback(result)


def test_reextract_keeps_incidents(work: Path) -> None:
    before = {i["incident_id"]: len(i["reports"]) for i in _incidents(work)}
    result = run(["reextract", "--db", str(work)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["articles"] == 21 and summary["deleted"] == 0
    assert {i["incident_id"]: len(i["reports"]) for i in _incidents(work)} == before


def test_user_add_and_token(work: Path) -> None:
    result = run(
        ["user", "add", "alice", "--db", str(work), "--password-stdin"],
        input="correct horse battery\n",
    )
    assert result.exit_code == 0, result.output
    short = run(["user", "add", "bob", "--db", str(work), "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "at least" in short.stderr
    token = run(["user", "token", "alice", "--db", str(work), "--label", "sync"]).stdout.strip()
    assert token.startswith("cor_")
    assert "alice" in run(["user", "list", "--db", str(work)]).stdout
    with open_store(str(work)) as store:
        user = store.get_user("alice")
        assert user is not None
        assert verify_password("correct horse battery", user["password_hash"])
        assert not verify_password("wrong", user["password_hash"])
        assert store.user_for_token(hash_token(token)) == "alice"
        assert store.user_for_token(hash_token(token + "x")) is None
    missing = run(["user", "token", "nobody", "--db", str(work)])
    assert missing.exit_code == 2 and "no user" in missing.stderr
