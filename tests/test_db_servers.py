"""Several `ps-tui serve` processes on one database serve one store: a
write through one is seen by the other at once (its copy follows the
change log before every request), and concurrent writers with If-Match
through both lose nothing: every acknowledged write is there, exactly
once, with its history record."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

pytest.importorskip("uvicorn")

from ps_tui.core.model import Implementation
from ps_tui.store import live
from ps_tui.store.http import RemoteStore
from ps_tui.store.live import Down, follow
from tests.server_process import ServerProcess, write_store
from tests.test_contract import db_import

API = "/api/v1"
TOKEN = "two-servers-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def two_servers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    db_import(tmp_path / "home", url, write_store(tmp_path / "store.toml"))
    first = ServerProcess(tmp_path / "a" / "store.toml", token=TOKEN, database=url)
    second = ServerProcess(tmp_path / "b" / "store.toml", token=TOKEN, database=url)
    for server in (first, second):
        server.store_path.parent.mkdir()
        server.start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


async def test_a_write_through_one_is_seen_by_the_other(
    two_servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = two_servers
    watcher = RemoteStore(b.url, TOKEN, cache_dir=tmp_path / "cache")
    try:
        await watcher.load()
        new = msgspec.to_builtins(Implementation(id="IMP-9100", customer="Seen Co", segment="smb"))
        assert httpx.post(f"{a.url}{API}/implementations", json=new, headers=HEADERS).status_code == 201
        assert httpx.delete(f"{a.url}{API}/implementations/IMP-0005", headers=HEADERS).status_code == 204
        data, changed = await watcher.refresh()
    finally:
        await watcher.aclose()
    assert changed == {"IMP-9100", "IMP-0005"}
    assert "IMP-9100" in {i.id for i in data.implementations}
    assert httpx.get(f"{b.url}{API}/implementations/IMP-9100").status_code == 200
    assert httpx.get(f"{b.url}{API}/implementations/IMP-0005").status_code == 404
    # The portfolio-wide answers follow too.
    rows = httpx.get(f"{b.url}{API}/rows", params={"status": "all"}).json()
    assert "IMP-9100" in {row["id"] for row in rows}
    assert httpx.get(f"{a.url}{API}/kpi").json() == httpx.get(f"{b.url}{API}/kpi").json()


async def test_a_database_server_offers_no_event_stream_so_its_clients_poll(
    two_servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    """Neither server hears of the other's writes: a stream of its own
    would leave a live client on one blind to the other's."""
    a, _ = two_servers
    answer = httpx.get(f"{a.url}{API}/events", timeout=10)
    assert answer.status_code == 404 and "poll with updated_since" in answer.json()["error"]
    client = RemoteStore(a.url, TOKEN, cache_dir=tmp_path / "cache-live")
    signals = follow(client)
    try:
        down = await asyncio.wait_for(anext(signals), 10)
    finally:
        await signals.aclose()
        await client.aclose()
    assert isinstance(down, Down) and down.retry_in == live.NOT_OFFERED_PAUSE


def test_concurrent_writers_through_both_lose_nothing(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    servers = [server.url for server in two_servers]
    target = "IMP-0001"
    acknowledged: list[str] = []
    guard = threading.Lock()

    def writer(number: int) -> None:
        chooser = random.Random(number)
        with httpx.Client(headers=HEADERS, timeout=30) as http:
            for round_ in range(6):
                mark = f"w{number}r{round_}"
                while True:
                    url = chooser.choice(servers)
                    current = http.get(f"{url}{API}/implementations/{target}")
                    body = current.json()
                    body["notes"] = f"{body.get('notes', '')} {mark}".strip()
                    put = http.put(
                        f"{url}{API}/implementations/{target}",
                        json=body,
                        headers={"If-Match": current.headers["ETag"]},
                    )
                    if put.status_code == 200:
                        with guard:
                            acknowledged.append(mark)
                        break
                    assert put.status_code == 412, put.text

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(acknowledged) == 48
    final = httpx.get(f"{servers[1]}{API}/implementations/{target}").json()["notes"].split()
    marks = [word for word in final if word.startswith("w")]
    assert sorted(marks) == sorted(acknowledged)  # every one, exactly once
    history = httpx.get(f"{servers[0]}{API}/implementations/{target}/history").json()
    assert history["total"] == 48


def test_a_postgresql_restart_is_503_then_service_resumes(
    postgres_cluster: object, postgres_url: str, tmp_path: Path
) -> None:
    from tests.databases import Cluster

    assert isinstance(postgres_cluster, Cluster)
    db_import(tmp_path / "home", postgres_url, write_store(tmp_path / "store.toml"))
    with ServerProcess(tmp_path / "store.toml", token=TOKEN, database=postgres_url).start() as server:
        assert httpx.get(f"{server.url}{API}/implementations").status_code == 200
        postgres_cluster.stop_server()
        try:
            down = httpx.get(f"{server.url}{API}/implementations", timeout=30)
            body = msgspec.to_builtins(Implementation(id="IMP-9200", customer="Down Co", segment="smb"))
            write = httpx.post(f"{server.url}{API}/implementations", json=body, headers=HEADERS, timeout=30)
        finally:
            postgres_cluster.start_server()
        assert down.status_code == 503 and write.status_code == 503
        assert "the database is unavailable" in down.json()["error"]
        # It resumes by itself: a pooled connection that died with the old
        # server may answer one more 503 (never a 500) before a new one is made.
        answers = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answers.append(httpx.get(f"{server.url}{API}/implementations", timeout=30).status_code)
            if answers[-1] == 200:
                break
            time.sleep(0.2)
        assert answers[-1] == 200 and set(answers) <= {200, 503}, answers
        assert httpx.post(f"{server.url}{API}/implementations", json=body, headers=HEADERS).status_code == 201
        assert "internal" not in server.log()


def test_a_member_token_is_recorded_in_the_database_history(tmp_path: Path) -> None:
    from tests.test_tokens import add_token

    store = write_store(tmp_path / "store.toml")
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    db_import(tmp_path / "home", url, store)
    louis = add_token(tmp_path / "home", store, "Louis Jarvis")
    # The tokens file is the one beside the store named with --store.
    server = ServerProcess(store, token=None, database=url, extra_args=["--store", str(store)]).start()
    try:
        new = msgspec.to_builtins(Implementation(id="IMP-9300", customer="Token Co", segment="smb"))
        made = httpx.post(
            f"{server.url}{API}/implementations", json=new, headers={"Authorization": f"Bearer {louis}"}
        )
        assert made.status_code == 201
        assert httpx.post(f"{server.url}{API}/implementations", json=new).status_code == 401
        history = httpx.get(f"{server.url}{API}/history").json()["items"]
    finally:
        server.stop()
    assert [(e["who"], e["action"]) for e in history] == [("Louis Jarvis", "create")]
