"""Writes from the shell: `ps-tui new`, `edit`, `advance`, `close`, `risk`,
`delete`, against a store file and a real `ps-tui serve`, with the checks
of the TUI's form, `--json` output, exit 2 naming the field on bad input,
and a history record for each."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ps_tui.core.history import Action
from ps_tui.store.file import FileStore
from tests.server_process import TODAY, isolated_env, start_server, write_store

ME = "Andrew Norrish"


def ps_tui(home: Path, *args: str, me: str | None = ME) -> subprocess.CompletedProcess[str]:
    env = isolated_env(home, None)
    if me:
        env["PS_TUI_ME"] = me
    command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.toml")


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ps_tui(store.parent / "home", "--store", str(store), *args)


def test_new_is_checked_as_the_form_planned_and_recorded(store: Path) -> None:
    result = run(
        store,
        "new",
        "--customer",
        "Acme Test",
        "--developers",
        "1200",
        "--status",
        "active",
        "--kickoff",
        "2026-11-20",
        "--ie-owner",
        "Louis Jarvis",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["id"] == "IMP-0043" and created["segment"] == "enterprise"
    planned = {m["key"]: m.get("planned") for m in created["milestones"]}
    assert planned["go_live"] == "2026-12-18"  # kickoff + 28 days: the Standard plan
    assert created["milestones"][0]["actual"] == "2026-11-20"
    (event,) = FileStore(store).history().events()
    assert (event.action, event.implementation, event.who) == (Action.CREATE, "IMP-0043", ME)


def test_new_refuses_bad_input_naming_the_flag_and_writes_nothing(store: Path) -> None:
    before = store.read_bytes()
    result = run(store, "new", "--customer", "Acme", "--developers", "12", "--kickoff", "2026-13-01")
    assert result.returncode == 2
    assert "--kickoff: '2026-13-01' is not a real date" in result.stderr
    result = run(store, "new", "--developers", "12", "--set", "bogus=1")
    assert result.returncode == 2 and "--set bogus: not a field" in result.stderr
    result = run(store, "new", "--developers", "12")
    assert result.returncode == 2 and "--customer: required" in result.stderr
    assert store.read_bytes() == before
    assert "Traceback" not in result.stderr


def test_edit_changes_only_what_is_given(store: Path) -> None:
    result = run(store, "edit", "IMP-0001", "--notes", "Weekly call", "--set", "arr=2.4M", "--json")
    assert result.returncode == 0, result.stderr
    edited = json.loads(result.stdout)
    assert edited["notes"] == "Weekly call" and edited["arr"] == 2_400_000
    (event,) = FileStore(store).history().events()
    assert event.action is Action.EDIT and {c.field for c in event.changes} == {"notes", "arr"}
    assert run(store, "edit", "IMP-0001").returncode == 2
    missing = run(store, "edit", "IMP-9999", "--notes", "x")
    assert missing.returncode == 2 and "no implementation 'IMP-9999'" in missing.stderr


def test_advance_records_the_date_given(store: Path) -> None:
    data = FileStore(store).read()
    active = next(i for i in data.implementations if i.status.value == "active")
    following = next(m for m in active.milestones if m.actual is None)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    result = run(store, "advance", active.id, "--date", yesterday, "--json")
    assert result.returncode == 0, result.stderr
    milestones = {m["key"]: m for m in json.loads(result.stdout)["milestones"]}
    assert milestones[following.key]["actual"] == yesterday
    assert FileStore(store).history().events()[-1].action is Action.ADVANCE
    undone = run(store, "advance", active.id, "--undo")
    assert undone.returncode == 0 and "not done any more" in undone.stdout, undone.stderr
    again = next(i for i in FileStore(store).read().implementations if i.id == active.id)
    assert next(m for m in again.milestones if m.key == following.key).actual is None
    future = run(store, "advance", active.id, "--date", "2027-06-01")
    assert future.returncode == 2 and "Traceback" not in future.stderr


def test_close_and_the_risk_log(store: Path) -> None:
    data = FileStore(store).read()
    active = next(i for i in data.implementations if i.status.value == "active")
    logged = run(
        store, "risk", "add", active.id, "--text", "CAB approval", "--severity", "high", "--owner", ME
    )
    assert logged.returncode == 0, logged.stderr
    listed = run(store, "risk", "list", active.id)
    assert listed.stdout.splitlines()[0].startswith(" 1. high     open")
    assert "CAB approval" in listed.stdout
    closed = run(store, "risk", "close", active.id, "1", "--date", TODAY.isoformat())
    assert closed.returncode == 0, closed.stderr
    again = run(store, "risk", "close", active.id, "1")
    assert again.returncode == 2
    bad = run(store, "risk", "add", active.id, "--text", "x", "--severity", "dire")
    assert bad.returncode == 2 and "--severity: 'dire' is not one of" in bad.stderr
    done = run(store, "close", active.id, "--date", TODAY.isoformat(), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["production_ready"] == TODAY.isoformat()
    other = next(i for i in data.implementations if i.status.value == "active" and i.id != active.id)
    with_risk = run(store, "risk", "add", other.id, "--text", "Open item")
    assert with_risk.returncode == 0
    kept = run(store, "close", other.id, "--date", TODAY.isoformat())
    assert "open risk" in kept.stderr and "left open (--close-risks closes them)" in kept.stderr
    actions = [e.action for e in FileStore(store).history().events()]
    assert actions == [Action.RISK_ADDED, Action.RISK_CLOSED, Action.CLOSE, Action.RISK_ADDED, Action.CLOSE]


def test_delete_needs_yes_and_keeps_the_history(store: Path) -> None:
    refused = run(store, "delete", "IMP-0002")
    assert refused.returncode == 2 and "needs --yes" in refused.stderr
    gone = run(store, "delete", "IMP-0002", "--yes")
    assert gone.returncode == 0 and gone.stdout.startswith("deleted: IMP-0002")
    assert all(i.id != "IMP-0002" for i in FileStore(store).read().implementations)
    history = run(store, "history", "IMP-0002")
    assert "delete  IMP-0002" in history.stdout


def test_the_demo_data_is_not_written(tmp_path: Path) -> None:
    result = ps_tui(tmp_path / "home", "edit", "IMP-0001", "--notes", "x")
    assert result.returncode == 2 and "the demo data is not saved" in result.stderr


def test_writes_through_a_real_server(tmp_path: Path) -> None:
    path = write_store(tmp_path / "store.toml")
    token = "write-commands-0123456789"
    with start_server(path, token=token) as server:
        home = tmp_path / "home"
        env_token = ["--remote", server.url]

        def remote(*args: str) -> subprocess.CompletedProcess[str]:
            env = isolated_env(home, None)
            env["PS_TUI_TOKEN"] = token
            command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), *env_token, *args]
            return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)

        created = remote("new", "--customer", "Hooli", "--developers", "300", "--json")
        assert created.returncode == 0, created.stderr
        new_id = json.loads(created.stdout)["id"]
        noted = remote("edit", new_id, "--notes", "From the CRM")
        assert noted.returncode == 0, noted.stderr
        history = remote("history", new_id, "--json")
    assert [e["action"] for e in json.loads(history.stdout)] == ["edit", "create"]
    assert {e["who"] for e in json.loads(history.stdout)} == {"ps-tui serve (shared token)"}
