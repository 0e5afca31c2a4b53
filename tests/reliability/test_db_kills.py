"""A database server killed mid-write loses nothing: writers send PUTs
through a `ps-tui serve --database` process that is killed with SIGKILL at
a random moment of their burst, round after round (50 on each backend),
and started again on the same database. Every acknowledged write is there
after each kill, and each write that landed (every acknowledged one, and
perhaps the one in flight at the kill) has exactly one history record, in
order: the row and its record commit together.

The servers are forked from one parent that imported the server stack
once (`tests/forked_servers.py`), so a round costs a burst and a fork."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("uvicorn")

from tests.databases import put_store
from tests.forked_servers import Forks
from tests.reliability.conftest import FIGURES

API = "/api/v1"
TOKEN = "kill-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
ROUNDS = 50
TARGETS = ["IMP-0001", "IMP-0002", "IMP-0003", "IMP-0004"]
#: Acknowledged writes in a round before the kill may come.
BEFORE_KILL = 6


def number(notes: str | None, target: str) -> int:
    """The write number a note carries (`IMP-0001 #7`), 0 for none of ours."""
    prefix = f"{target} #"
    return int(notes[len(prefix) :]) if notes and notes.startswith(prefix) else 0


async def writer(
    http: httpx.AsyncClient, target: str, body: dict[str, Any], tag: str | None, outcome: dict[str, int]
) -> None:
    """PUT numbered notes on `target` until the server dies: `outcome[target]`
    is the last acknowledged number, `outcome[target + "?"]` the one in
    flight when the connection broke. With `tag`, each PUT carries If-Match."""
    count = number(body.get("notes"), target)
    while True:
        count += 1
        body["notes"] = f"{target} #{count}"
        headers = {"If-Match": tag} if tag else {}
        try:
            put = await http.put(f"{API}/implementations/{target}", json=body, headers=headers)
        except httpx.TransportError:
            outcome[f"{target}?"] = count
            return
        assert put.status_code == 200, put.text
        outcome[target] = count
        tag = put.headers["ETag"] if tag else None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_kills_mid_write_lose_no_acknowledged_write(
    backend: str, forks: Forks, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    put_store(url)
    chooser = random.Random(20261202)
    writes = 0
    server = forks.spawn(["--database", url], home=tmp_path / "home", token=TOKEN)
    expected: dict[str, set[int]] = {target: {0} for target in TARGETS}
    for _ in range(ROUNDS):
        async with httpx.AsyncClient(base_url=server.url, headers=HEADERS, timeout=10) as http:
            current = {target: await http.get(f"{API}/implementations/{target}") for target in TARGETS}
            stored = {
                target: number(answer.json().get("notes"), target) for target, answer in current.items()
            }
            # Every acknowledged write of the round before; perhaps the one in flight too.
            for target in TARGETS:
                assert stored[target] in expected[target], (target, stored[target], expected[target])
            outcome = dict(stored)
            tasks = [
                asyncio.create_task(
                    writer(
                        http,
                        target,
                        answer.json(),
                        answer.headers["ETag"] if index % 2 == 0 else None,
                        outcome,
                    )
                )
                for index, (target, answer) in enumerate(current.items())
            ]
            # Kill while they write: once a few writes were acknowledged, a moment later.
            async with asyncio.timeout(20):
                while sum(outcome[target] - stored[target] for target in TARGETS) < BEFORE_KILL:
                    await asyncio.sleep(0.002)
            await asyncio.sleep(chooser.uniform(0, 0.03))
            server.kill()
            await asyncio.gather(*tasks)
        writes += sum(outcome[target] - stored[target] for target in TARGETS)
        expected = {target: {outcome[target], outcome.get(f"{target}?", -1)} for target in TARGETS}
        server = server.again()
    async with httpx.AsyncClient(base_url=server.url, headers=HEADERS, timeout=10) as http:
        for target in TARGETS:
            last = number((await http.get(f"{API}/implementations/{target}")).json().get("notes"), target)
            assert last in expected[target], target
            history = (
                await http.get(f"{API}/history", params={"implementation": target, "limit": 10_000})
            ).json()["items"]
            # Each landed write exactly once, in order, across every kill.
            landed = [number(event["changes"][0]["after"], target) for event in reversed(history)]
            assert landed == list(range(1, last + 1)), target
    server.stop()
    assert writes >= ROUNDS * BEFORE_KILL  # the writers did write
    FIGURES[f"database servers killed mid-write ({backend})"] += ROUNDS
