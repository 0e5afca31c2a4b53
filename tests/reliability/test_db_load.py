"""A database store under load, through two `ps-tui serve` processes on one
database (SQLite and PostgreSQL): a hundred concurrent writers (creating
without an id, editing their own implementation, editing shared ones with
If-Match, overwriting shared ones without it) lose nothing, and every
acknowledged write is there exactly once with its history record.

The servers are forked from one parent that imported the server stack
once (`tests/forked_servers.py`), and the writers are asyncio tasks over
one httpx client, so the whole costs seconds."""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

pytest.importorskip("uvicorn")

from ps_tui.core.model import NewImplementation
from tests.databases import put_store
from tests.forked_servers import Forked, Forks
from tests.reliability.conftest import FIGURES

API = "/api/v1"
TOKEN = "load-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
#: Shared implementations edited with If-Match, and without it.
GUARDED = ["IMP-0001", "IMP-0002", "IMP-0003"]
BLIND = ["IMP-0004", "IMP-0005", "IMP-0006"]
#: A restart test's writer's mark.
MARK = re.compile(r"w\d+n\d+")


@pytest.fixture
def two_servers(forks: Forks, database_url: str, tmp_path: Path) -> Iterator[list[Forked]]:
    servers = [
        forks.spawn(["--database", database_url], home=tmp_path / name, token=TOKEN) for name in ("a", "b")
    ]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def new_body(customer: str) -> dict[str, Any]:
    body: dict[str, Any] = msgspec.to_builtins(NewImplementation(customer=customer, segment="smb"))
    return body


async def test_creators_without_an_id_through_two_servers_get_distinct_ids(
    two_servers: list[Forked],
) -> None:
    """Each process takes the next id within its write, so two creating at
    once never pick the same one (which was a 409 for the later)."""
    async with httpx.AsyncClient(headers=HEADERS, timeout=60) as http:
        answers = await asyncio.gather(
            *(
                http.post(f"{two_servers[n % 2].url}{API}/implementations", json=new_body(f"Creator {n}"))
                for n in range(24)
            )
        )
        listed = (await http.get(f"{two_servers[0].url}{API}/implementations")).json()["items"]
    assert [answer.status_code for answer in answers] == [201] * 24, [
        a.text for a in answers if a.status_code != 201
    ]
    ids = [answer.json()["id"] for answer in answers]
    assert len(set(ids)) == 24
    known = {item["id"]: item["customer"] for item in listed}
    assert all(known[answer.json()["id"]] == answer.json()["customer"] for answer in answers)


class Tally:
    """What the writers were told: each acknowledged mark, by implementation."""

    def __init__(self) -> None:
        self.acknowledged: dict[str, list[str]] = {}
        self.refused = Counter[int]()

    def ack(self, implementation_id: str, mark: str) -> None:
        self.acknowledged.setdefault(implementation_id, []).append(mark)


async def creator(http: httpx.AsyncClient, urls: list[str], number: int, tally: Tally) -> None:
    """Create one without an id, then edit it twice with If-Match."""
    made = await http.post(f"{urls[number % 2]}{API}/implementations", json=new_body(f"Load {number}"))
    assert made.status_code == 201, made.text
    body, tag = made.json(), made.headers["ETag"]
    tally.ack(body["id"], "create")
    for edit in range(2):
        mark = f"c{number}e{edit}"
        body["notes"] = mark
        put = await http.put(
            f"{urls[(number + edit + 1) % 2]}{API}/implementations/{body['id']}",
            json=body,
            headers={"If-Match": tag},
        )
        assert put.status_code == 200, put.text
        body, tag = put.json(), put.headers["ETag"]
        tally.ack(body["id"], mark)


async def guarded(http: httpx.AsyncClient, urls: list[str], number: int, tally: Tally) -> None:
    """Append a mark to a shared one's notes with If-Match, again after a 412."""
    chooser = random.Random(number)
    target = GUARDED[number % len(GUARDED)]
    for edit in range(2):
        mark = f"g{number}e{edit}"
        while True:
            url = chooser.choice(urls)
            got = await http.get(f"{url}{API}/implementations/{target}")
            body = got.json()
            body["notes"] = f"{body.get('notes', '')} {mark}".strip()
            put = await http.put(
                f"{url}{API}/implementations/{target}", json=body, headers={"If-Match": got.headers["ETag"]}
            )
            if put.status_code == 200:
                tally.ack(target, mark)
                break
            assert put.status_code == 412, put.text
            tally.refused[412] += 1


async def blind(http: httpx.AsyncClient, urls: list[str], number: int, tally: Tally) -> None:
    """Overwrite a shared one's notes without If-Match: the last one wins,
    and each is recorded."""
    target = BLIND[number % len(BLIND)]
    for edit in range(2):
        mark = f"b{number}e{edit}"
        url = urls[(number + edit) % 2]
        body = (await http.get(f"{url}{API}/implementations/{target}")).json()
        body["notes"] = mark
        put = await http.put(f"{url}{API}/implementations/{target}", json=body)
        assert put.status_code == 200, put.text
        tally.ack(target, mark)


def recorded_notes(events: list[dict[str, Any]]) -> list[str]:
    """The notes each recorded event left (oldest first); "create" for a creation."""
    notes = []
    for event in reversed(events):
        if event["action"] == "create":
            notes.append("create")
            continue
        (change,) = [c for c in event["changes"] if c["field"] == "notes"]
        notes.append(change["after"].split()[-1])  # the mark its writer added
    return notes


async def test_a_hundred_writers_through_two_servers_lose_nothing(two_servers: list[Forked]) -> None:
    urls = [server.url for server in two_servers]
    tally = Tally()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(headers=HEADERS, timeout=120, limits=limits) as http:
        before = {
            target: (await http.get(f"{urls[0]}{API}/implementations/{target}")).json().get("notes", "")
            for target in GUARDED
        }
        writers = [
            *(creator(http, urls, n, tally) for n in range(40)),
            *(guarded(http, urls, n, tally) for n in range(30)),
            *(blind(http, urls, n, tally) for n in range(30)),
        ]
        assert len(writers) == 100
        await asyncio.gather(*writers)
        history = (await http.get(f"{urls[1]}{API}/history", params={"limit": 10_000})).json()
        finals = {
            target: (await http.get(f"{urls[n % 2]}{API}/implementations/{target}")).json()
            for n, target in enumerate(tally.acknowledged)
        }
    acknowledged = sum(len(marks) for marks in tally.acknowledged.values())
    assert acknowledged == 40 * 3 + 30 * 2 + 30 * 2
    # Every acknowledged write has exactly one record, and nothing else was recorded.
    assert history["total"] == acknowledged
    by_target: dict[str, list[dict[str, Any]]] = {}
    for event in history["items"]:
        by_target.setdefault(event["implementation"], []).append(event)
    for target, marks in tally.acknowledged.items():
        assert sorted(recorded_notes(by_target[target])) == sorted(marks), target
    for target in GUARDED:  # every mark there, exactly once
        added = finals[target].get("notes", "").removeprefix(before[target]).split()
        assert sorted(added) == sorted(tally.acknowledged[target]), target
    for target in BLIND:  # the last write recorded is what is stored
        assert finals[target].get("notes", "") == recorded_notes(by_target[target])[-1]
    creations = [target for target in tally.acknowledged if target not in GUARDED + BLIND]
    assert len(creations) == 40
    for target in creations:
        assert finals[target].get("notes", "") == tally.acknowledged[target][-1]
    FIGURES["writes by 100 concurrent writers through two servers on one database"] += acknowledged


async def test_a_postgresql_restart_under_load_is_503_then_service_resumes(
    forks: Forks, postgres_cluster: object, tmp_path: Path
) -> None:
    """Writers through two servers while PostgreSQL stops and starts again:
    every answer is a 200, a 412 or a 503 that says the database is
    unavailable (never a 500), each writer is served again by itself, and
    every acknowledged write is there once with its record (a write
    answered 503 may have landed: then once too)."""
    from tests.databases import Cluster

    assert isinstance(postgres_cluster, Cluster)
    url = postgres_cluster.fresh()
    put_store(url)
    servers = [forks.spawn(["--database", url], home=tmp_path / name, token=TOKEN) for name in ("a", "b")]
    targets = [f"IMP-{n:04d}" for n in range(1, 21)]
    statuses: Counter[int] = Counter()
    unavailable: list[str] = []
    acknowledged: dict[str, list[str]] = {target: [] for target in targets}
    restarted = asyncio.Event()
    served_after: set[str] = set()

    async def write(http: httpx.AsyncClient, index: int) -> None:
        target, url = targets[index], servers[index % 2].url
        for mark in (f"w{index}n{n}" for n in range(10_000)):
            if restarted.is_set() and target in served_after:
                return
            got = await http.get(f"{url}{API}/implementations/{target}")
            statuses[got.status_code] += 1
            if got.status_code == 200:
                body = got.json()
                body["notes"] = f"{body.get('notes', '')} {mark}".strip()
                answer = await http.put(
                    f"{url}{API}/implementations/{target}",
                    json=body,
                    headers={"If-Match": got.headers["ETag"]},
                )
                statuses[answer.status_code] += 1
            else:
                answer = got
            if answer.status_code == 503:
                unavailable.append(answer.json()["error"])
                await asyncio.sleep(0.05)
            elif answer.status_code == 200 and answer.request.method == "PUT":
                acknowledged[target].append(mark)
                if restarted.is_set():
                    served_after.add(target)

    try:
        async with httpx.AsyncClient(headers=HEADERS, timeout=60) as http:
            writers = [asyncio.create_task(write(http, index)) for index in range(len(targets))]
            async with asyncio.timeout(30):
                while sum(map(len, acknowledged.values())) < 40:
                    await asyncio.sleep(0.01)
            await asyncio.to_thread(postgres_cluster.stop_server)
            try:
                async with asyncio.timeout(30):
                    while len(unavailable) < 2:
                        await asyncio.sleep(0.01)
            finally:
                await asyncio.to_thread(postgres_cluster.start_server)
            restarted.set()
            async with asyncio.timeout(60):
                await asyncio.gather(*writers)
            history = (await http.get(f"{servers[0].url}{API}/history", params={"limit": 10_000})).json()
            finals = {
                target: (await http.get(f"{servers[1].url}{API}/implementations/{target}")).json()
                for target in targets
            }
    finally:
        for server in servers:
            server.stop()
    assert set(statuses) <= {200, 412, 503} and statuses[503] >= 2, statuses
    assert all("the database is unavailable" in message for message in unavailable), set(unavailable)
    assert served_after == set(targets)  # each served again, by itself
    recorded = Counter(event["implementation"] for event in history["items"])
    for target in targets:
        landed = [word for word in finals[target].get("notes", "").split() if MARK.fullmatch(word)]
        assert len(landed) == len(set(landed)) == recorded[target], target  # once each, each recorded
        assert set(acknowledged[target]) <= set(landed), target
    assert not any("Traceback" in server.log() or "internal" in server.log() for server in servers)
    FIGURES["answers while PostgreSQL restarted under two servers"] += sum(statuses.values())
