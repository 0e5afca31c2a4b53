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

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.model import Implementation
from ps_tui.messages import LiveSignal
from ps_tui.store.http import RemoteStore
from ps_tui.store.live import Changed, Live
from tests.server_process import TODAY, ServerProcess, write_store
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


async def test_a_write_through_one_is_announced_to_a_client_of_the_other(
    two_servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    """B hears of A's writes (PostgreSQL: NOTIFY; SQLite: its watch on the
    file) and tells its clients, with the change's number; B's own writes
    are announced once each."""
    a, b = two_servers
    watcher = RemoteStore(b.url, TOKEN, cache_dir=tmp_path / "cache-live")
    signals = watcher.events()
    try:
        assert await asyncio.wait_for(anext(signals), 10) == Live()
        await watcher.load()
        seq = watcher.seq
        assert seq is not None
        new = msgspec.to_builtins(Implementation(id="IMP-9101", customer="Pushed Co", segment="smb"))
        written = time.monotonic()
        assert httpx.post(f"{a.url}{API}/implementations", json=new, headers=HEADERS).status_code == 201
        announced = await asyncio.wait_for(anext(signals), 10)
        took = time.monotonic() - written
        assert announced == Changed(frozenset({"IMP-9101"}), seq + 1), took
        assert httpx.delete(f"{a.url}{API}/implementations/IMP-9101", headers=HEADERS).status_code == 204
        assert await asyncio.wait_for(anext(signals), 10) == Changed(frozenset({"IMP-9101"}), seq + 2)
        # B's own write: announced as it lands, and not again when the database tells of it.
        assert httpx.delete(f"{b.url}{API}/implementations/IMP-0005", headers=HEADERS).status_code == 204
        assert await asyncio.wait_for(anext(signals), 10) == Changed(frozenset({"IMP-0005"}), seq + 3)
        assert httpx.delete(f"{a.url}{API}/implementations/IMP-0006", headers=HEADERS).status_code == 204
        assert await asyncio.wait_for(anext(signals), 10) == Changed(frozenset({"IMP-0006"}), seq + 4)
        _, changed = await watcher.refresh()
        assert changed == {"IMP-9101", "IMP-0005", "IMP-0006"} and watcher.seq == seq + 4
    finally:
        await signals.aclose()
        await watcher.aclose()
    assert "Traceback" not in a.log() + b.log()


@pytest.mark.parametrize("two_servers", ["postgresql"], indirect=True)
async def test_two_tuis_on_two_servers_see_each_others_edits_live(
    two_servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    from tests.test_live import settle, until

    def remote_app(server: ServerProcess, name: str) -> PsApp:
        """A TUI on `server` that would poll once an hour."""
        settings = Settings(today=TODAY, remote_url=server.url, remote_token=TOKEN, refresh_seconds=3600)
        return PsApp(RemoteStore(server.url, TOKEN, cache_dir=tmp_path / f"cache-{name}"), settings)

    a, b = two_servers
    first, second = remote_app(a, "first"), remote_app(b, "second")
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        await until(lambda: first.live and second.live, one.pause)
        assert "live" in first.status and "live" in second.status
        assert first.portfolio is not None and second.portfolio is not None
        # Each edits one, and the other shows it, with its poll an hour away.
        mine = first.portfolio.data.implementations[0]
        renamed = msgspec.structs.replace(mine, customer="Renamed On A Co")
        first.submit("Renamed", lambda store: store.save_implementation(renamed), [renamed.id])
        await until(lambda: second.portfolio.by_id[renamed.id].customer == "Renamed On A Co", two.pause)
        theirs = second.portfolio.data.implementations[1]
        renamed = msgspec.structs.replace(theirs, customer="Renamed On B Co")
        second.submit("Renamed", lambda store: store.save_implementation(renamed), [renamed.id])
        await until(lambda: first.portfolio.by_id[renamed.id].customer == "Renamed On B Co", one.pause)
        # A change the copy holds already (by its number) asks for no refresh.
        held = first.store.seq
        assert isinstance(held, int)
        refreshes: list[None] = []
        first._start_refresh = lambda: refreshes.append(None)  # type: ignore[method-assign]
        first.post_message(LiveSignal(Changed(frozenset({renamed.id}), held)))
        await one.pause()
        assert refreshes == []
        first.post_message(LiveSignal(Changed(frozenset({renamed.id}), held + 1)))
        await one.pause()
        assert len(refreshes) == 1


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


async def test_a_postgresql_restart_is_503_then_service_and_live_updates_resume(
    postgres_cluster: object, postgres_url: str, tmp_path: Path
) -> None:
    from tests.databases import Cluster

    assert isinstance(postgres_cluster, Cluster)
    db_import(tmp_path / "home", postgres_url, write_store(tmp_path / "store.toml"))
    with ServerProcess(tmp_path / "store.toml", token=TOKEN, database=postgres_url).start() as server:
        watcher = RemoteStore(server.url, TOKEN, cache_dir=tmp_path / "cache-live")
        signals = watcher.events()
        try:
            assert await asyncio.wait_for(anext(signals), 10) == Live()
            assert httpx.get(f"{server.url}{API}/implementations").status_code == 200
            postgres_cluster.stop_server()
            try:
                down = httpx.get(f"{server.url}{API}/implementations", timeout=30)
                body = msgspec.to_builtins(Implementation(id="IMP-9200", customer="Down Co", segment="smb"))
                write = httpx.post(
                    f"{server.url}{API}/implementations", json=body, headers=HEADERS, timeout=30
                )
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
            # The stream stayed open: once the server listens again, it tells
            # its clients to refresh (what changed meanwhile woke no one) ...
            assert await asyncio.wait_for(anext(signals), 30) == Changed(frozenset())
            # ... and announces each change again.
            made = httpx.post(f"{server.url}{API}/implementations", json=body, headers=HEADERS)
            assert made.status_code == 201
            assert (await asyncio.wait_for(anext(signals), 10)).ids == {"IMP-9200"}
        finally:
            await signals.aclose()
            await watcher.aclose()
        log = server.log()
        assert "internal" not in log and "Traceback" not in log
        assert "not hearing of other server processes' changes" in log and "for changes again" in log


def test_a_member_token_is_recorded_in_the_database_history(tmp_path: Path) -> None:
    from tests.test_tokens import add_token

    store = write_store(tmp_path / "store.toml")
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    db_import(tmp_path / "home", url, store)
    louis = add_token(tmp_path / "home", store, "Louis Jarvis", "--database", url)
    # A tokens file beside the store named with --store is not the database's: not read.
    beside = add_token(tmp_path / "home", store, "Marc LeBlanc")
    server = ServerProcess(store, token=None, database=url, extra_args=["--store", str(store)]).start()
    try:
        new = msgspec.to_builtins(Implementation(id="IMP-9300", customer="Token Co", segment="smb"))
        made = httpx.post(
            f"{server.url}{API}/implementations", json=new, headers={"Authorization": f"Bearer {louis}"}
        )
        assert made.status_code == 201
        assert httpx.post(f"{server.url}{API}/implementations", json=new).status_code == 401
        other = httpx.get(f"{server.url}{API}/me", headers={"Authorization": f"Bearer {beside}"})
        assert other.status_code == 401
        history = httpx.get(f"{server.url}{API}/history").json()["items"]
    finally:
        server.stop()
    assert [(e["who"], e["action"]) for e in history] == [("Louis Jarvis", "create")]
    assert "store.tokens.json are not read with --database" in server.log()
