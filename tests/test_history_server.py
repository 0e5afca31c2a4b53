"""The history through `ps-tui serve`: a real server records every write it
makes beside its store file, answers GET /api/v1/history and
/api/v1/implementations/{id}/history, and `ps-tui --remote URL history`
prints exactly what `ps-tui --store FILE history` prints for that file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import msgspec
import pytest

pytest.importorskip("uvicorn")

from ps_tui.data import default_store
from tests.server_process import TODAY, isolated_env, start_server, write_store

API = "/api/v1"
TOKEN = "history-token-0123456789"


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = isolated_env(home, None)
    return subprocess.run(
        [sys.executable, "-m", "ps_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_server_records_its_writes_and_serves_them(tmp_path: Path) -> None:
    path = write_store(tmp_path / "store.toml")
    first = default_store(TODAY).implementations[0]
    with start_server(path, token=TOKEN) as server:
        with httpx.Client(base_url=server.url, headers=server.headers, timeout=10) as client:
            edited = msgspec.to_builtins(msgspec.structs.replace(first, notes="Moved to a weekly call"))
            assert client.put(f"{API}/implementations/{first.id}", json=edited).status_code == 200
            assert client.delete(f"{API}/implementations/IMP-0002").status_code == 204
            page = client.get(f"{API}/history").json()
            one = client.get(f"{API}/implementations/{first.id}/history").json()
            gone = client.get(f"{API}/implementations/IMP-0002/history").json()
            paged = client.get(f"{API}/history", params={"limit": 1, "offset": 1}).json()
            bad = client.get(f"{API}/history", params={"since": "yesterday"})
        remote = cli(tmp_path / "home", "--remote", server.url, "history", "--json")
        remote_text = cli(tmp_path / "home", "--remote", server.url, "history", first.id)
    assert page["total"] == 2
    assert [(e["action"], e["implementation"]) for e in page["items"]] == [
        ("delete", "IMP-0002"),
        ("edit", first.id),
    ]
    assert {e["who"] for e in page["items"]} == {"ps-tui serve (shared token)"}
    assert page["items"][1]["changes"] == [
        {"field": "notes", "before": first.notes, "after": "Moved to a weekly call"}
    ]
    assert [e["action"] for e in one["items"]] == ["edit"]
    assert [e["action"] for e in gone["items"]] == ["delete"]  # a deleted one keeps its history
    assert paged["items"] == page["items"][1:] and paged["total"] == 2
    assert bad.status_code == 422 and "since" in bad.text

    # One answer: the remote command, the file command and the API agree.
    local = cli(tmp_path / "home", "--store", str(path), "history", "--json")
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout) == page["items"]
    assert remote_text.returncode == 0 and "edit  " + first.id in remote_text.stdout
