"""A database server killed mid-write loses nothing: writers send PUTs
through a `ps-tui serve --database` process that is killed with SIGKILL at
random moments, round after round, and started again. After each round,
every acknowledged write is there, and each write that landed (every
acknowledged one, and perhaps the one in flight at the kill) has exactly
one history record, in order: the row and its record commit together."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("uvicorn")

from tests.server_process import ServerProcess, write_store
from tests.test_contract import db_import

API = "/api/v1"
TOKEN = "kill-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
ROUNDS = 12
TARGETS = ["IMP-0001", "IMP-0002", "IMP-0003", "IMP-0004"]


def number(notes: str | None, target: str) -> int:
    """The write number a note carries (`IMP-0001 #7`), 0 for none of ours."""
    prefix = f"{target} #"
    return int(notes[len(prefix) :]) if notes and notes.startswith(prefix) else 0


def writer(
    url: str,
    target: str,
    body: dict[str, Any],
    tag: str | None,
    stop: threading.Event,
    outcome: dict[str, int],
) -> None:
    """PUT numbered notes on `target` until the server dies or `stop`:
    `outcome[target]` is the last acknowledged number, `outcome[target +
    "?"]` the one in flight when the connection broke. With `tag`, each PUT
    carries If-Match."""
    count = number(body.get("notes"), target)
    with httpx.Client(base_url=url, headers=HEADERS, timeout=10) as http:
        while not stop.is_set():
            count += 1
            body["notes"] = f"{target} #{count}"
            headers = {"If-Match": tag} if tag else {}
            try:
                put = http.put(f"{API}/implementations/{target}", json=body, headers=headers)
            except httpx.TransportError:
                outcome[f"{target}?"] = count
                return
            assert put.status_code == 200, put.text
            outcome[target] = count
            tag = put.headers["ETag"] if tag else None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kills_mid_write_lose_no_acknowledged_write(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db_import(tmp_path / "home", url, write_store(tmp_path / "store.toml"))
    server = ServerProcess(tmp_path / "store.toml", token=TOKEN, database=url).start()
    chooser = random.Random(20261202)
    writes = 0
    try:
        for _ in range(ROUNDS):
            with httpx.Client(base_url=server.url, timeout=10) as http:
                current = {target: http.get(f"{API}/implementations/{target}") for target in TARGETS}
            before = {
                target: number(answer.json().get("notes"), target) for target, answer in current.items()
            }
            outcome = dict(before)
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=writer,
                    args=(
                        server.url,
                        target,
                        answer.json(),
                        answer.headers["ETag"] if index % 2 == 0 else None,
                        stop,
                        outcome,
                    ),
                )
                for index, (target, answer) in enumerate(current.items())
            ]
            for thread in threads:
                thread.start()
            # Kill while they write: once a few writes were acknowledged, a
            # moment later.
            deadline = time.monotonic() + 20
            while sum(outcome.get(target, 0) - before[target] for target in TARGETS) < len(TARGETS):
                assert time.monotonic() < deadline, "the writers are not writing"
                time.sleep(0.01)
            time.sleep(chooser.uniform(0, 0.1))
            assert server.process is not None
            server.process.kill()
            server.process.wait()
            server.process = None
            stop.set()
            for thread in threads:
                thread.join()
            server.start()
            with httpx.Client(base_url=server.url, timeout=10) as http:
                for target in TARGETS:
                    acknowledged = outcome[target]
                    stored = number(http.get(f"{API}/implementations/{target}").json().get("notes"), target)
                    # Every acknowledged write; perhaps the one in flight too.
                    assert stored in {acknowledged, outcome.get(f"{target}?")}, target
                    history = http.get(f"{API}/history", params={"implementation": target}).json()["items"]
                    landed = [number(event["changes"][0]["after"], target) for event in reversed(history)]
                    assert landed == list(range(1, stored + 1)), target
                    writes += stored - before[target]
    finally:
        server.stop()
    assert writes >= ROUNDS * len(TARGETS)  # the writers did write
