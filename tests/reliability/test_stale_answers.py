"""A headless answer from the cached copy is never passed off as current:
with the shared server down, `ps-tui --remote URL list|kpi|team` print the
copy of the last good load, exit 0, and say on stderr that it is the cached
copy and from when; `--no-cache` refuses instead (exit 2). A real server on
127.0.0.1 fills the cache, then stops."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import FIGURES, child_env
from tests.server_process import TODAY, start_server, write_store

pytest.importorskip("uvicorn")

COMMANDS = [["list", "--format", "json"], ["kpi", "--json"], ["team", "--json"]]


def ps_tui(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env()
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"))
    command = [sys.executable, "-m", "ps_tui", "--remote", url, "--today", TODAY.isoformat(), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_the_cached_copy_says_what_it_is_and_no_cache_refuses_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with start_server(write_store(tmp_path / "store.toml"), token=None, extra_args=["--no-auth"]) as server:
        url = server.url
        live = {tuple(args): ps_tui(home, url, *args) for args in map(tuple, COMMANDS)}
    for args, answer in live.items():
        assert answer.returncode == 0, answer.stderr
        assert answer.stderr == "", f"{args}: a live answer needs no note: {answer.stderr}"

    for args in map(tuple, COMMANDS):
        stale = ps_tui(home, url, *args)
        assert stale.returncode == 0, stale.stderr
        # The same answer as when the server was up, and a sentence that says it is not current.
        assert json.loads(stale.stdout) == json.loads(live[args].stdout)
        assert "cannot reach the server" in stale.stderr
        assert "this is the cached copy from 20" in stale.stderr, stale.stderr
        assert "Traceback" not in stale.stderr
        FIGURES["stale answers named as the cached copy"] += 1

        refused = ps_tui(home, url, "--no-cache", *args)
        assert refused.returncode == 2, refused.stdout
        assert refused.stdout == ""
        assert "--no-cache: the cached copy is not used" in refused.stderr
        assert "Traceback" not in refused.stderr
