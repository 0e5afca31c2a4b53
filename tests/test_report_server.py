"""The weekly report told from a shared server's history: the server
records its writes, and `ps-tui --remote URL report weekly`, `ps-tui --store
FILE report weekly` and GET /api/v1/reports/weekly give one document."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import msgspec
import pytest

pytest.importorskip("uvicorn")

from ps_tui.core.model import Status
from ps_tui.data import default_store
from tests.server_process import start_server, write_store
from tests.test_history_server import cli

API = "/api/v1"
TOKEN = "report-token-0123456789"


def test_the_remote_weekly_report_is_the_servers(tmp_path: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()  # the history records real times
    path = write_store(tmp_path / "store.toml", today)
    active = next(impl for impl in default_store(today).implementations if impl.status is Status.ACTIVE)
    pending = next(m for m in active.milestones if m.actual is None and m.planned is not None)
    assert pending.planned is not None
    later = pending.planned + dt.timedelta(days=3)
    milestones = [msgspec.structs.replace(m, planned=later) if m is pending else m for m in active.milestones]
    moved = msgspec.to_builtins(msgspec.structs.replace(active, milestones=milestones))
    report = ["--today", today.isoformat(), "report", "weekly", "--format", "json"]
    with start_server(path, token=TOKEN, today=today) as server:
        with httpx.Client(base_url=server.url, headers=server.headers, timeout=30) as client:
            assert client.put(f"{API}/implementations/{active.id}", json=moved).status_code == 200
            served = client.get(f"{API}/reports/weekly").json()
        remote = cli(tmp_path / "home", "--remote", server.url, *report)
    local = cli(tmp_path / "home", "--store", str(path), *report)
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout) == served
    assert served["history"]["recorded"] is True and served["history"]["by_action"] == {"plan_changed": 1}
    (move,) = served["plans_moved_later"]
    assert (move["id"], move["milestone_key"], move["days"]) == (active.id, pending.key, 3)
    assert move["who"] == "ps-tui serve (shared token)"


def test_an_unreachable_servers_history_is_told_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline, a remote report is made from the cached copy: its history
    cannot be read, and the report says so rather than failing or counting zero."""
    from ps_tui import session
    from ps_tui.store.errors import StoreOffline
    from ps_tui.store.http import RemoteStore

    def offline(store: object, request: object) -> object:
        raise StoreOffline("http://127.0.0.1:9: cannot connect")

    monkeypatch.setattr(session, "history", offline)
    recorded = session.report_history(RemoteStore("http://127.0.0.1:9", cache_dir=tmp_path))
    assert recorded.events is None
    assert recorded.reason == "the server's history cannot be read (http://127.0.0.1:9: cannot connect)"
    today = dt.date(2026, 11, 30)
    report = session.weekly_report(default_store(today), today, session.ReportRequest(), recorded)
    assert report.history.recorded is False and report.history.changes is None
    assert report.history.note is not None and report.history.note.startswith("the server's history cannot")
