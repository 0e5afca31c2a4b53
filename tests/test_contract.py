"""One contract, every backend: the same tests, unchanged, against a real
server on 127.0.0.1 over each store `ps-tui serve` can keep (memory, a
file, SQLite, PostgreSQL), through the real client (RemoteStore) and httpx.

The memory backend runs in this process (`create_app` over a MemoryStore
under uvicorn in a thread: no command serves memory); the others are
`ps-tui serve` processes. A backend that numbers its changes (the
databases) must answer `since` completely across a restart; one that does
not (memory, file) must say `complete: false` after a restart instead of
leaving changes out."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msgspec
import pytest

pytest.importorskip("uvicorn")

from ps_tui.core.model import Implementation, Status, etag
from ps_tui.data import default_store
from ps_tui.store.errors import StoreConflict
from ps_tui.store.http import RemoteStore
from tests.server_process import TODAY, ServerProcess, free_port, isolated_env, write_store

API = "/api/v1"
TOKEN = "contract-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
BACKENDS = ("memory", "file", "sqlite", "postgresql")


@dataclass
class Served:
    """A running server over one backend."""

    kind: str
    url: str
    restart: Callable[[], None]
    #: Whether it numbers its changes (a `seq` on every page).
    numbered: bool
    #: Whether its data outlives a restart.
    durable: bool
    stops: list[Callable[[], None]] = field(default_factory=list)


class InProcess:
    """`create_app` over a MemoryStore, served by uvicorn in a thread."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: object = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        from ps_tui.server.app import create_app
        from ps_tui.store.memory import MemoryStore

        app = create_app(MemoryStore(default_store(TODAY)), token=TOKEN, today=TODAY)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._server = server
        self._thread = threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the in-process server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        import uvicorn

        assert isinstance(self._server, uvicorn.Server) and self._thread is not None
        self._server.should_exit = True
        self._thread.join(10)

    def restart(self) -> None:
        self.stop()
        self.start()


def db_import(home: Path, url: str, store: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ps_tui", "db", "import", url, str(store)],
        capture_output=True,
        text=True,
        env=isolated_env(home, None),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    kind: str = request.param
    if kind == "memory":
        memory = InProcess()
        memory.start()
        yield Served(kind, f"http://127.0.0.1:{memory.port}", memory.restart, numbered=False, durable=False)
        memory.stop()
        return
    store = write_store(tmp_path / "store.toml")
    database = None
    if kind == "sqlite":
        database = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    elif kind == "postgresql":
        database = request.getfixturevalue("postgres_url")
    if database is not None:
        db_import(tmp_path / "home", database, store)
    process = ServerProcess(store, token=TOKEN, database=database).start()
    try:
        yield Served(kind, process.url, process.restart, numbered=database is not None, durable=True)
    finally:
        process.stop()


def client(served: Served, tmp_path: Path, name: str) -> RemoteStore:
    return RemoteStore(served.url, TOKEN, cache_dir=tmp_path / f"cache-{name}")


def active(store: RemoteStore) -> Implementation:
    assert store._data is not None
    return next(i for i in store._data.implementations if i.status is Status.ACTIVE)


def page(served: Served, **params: object) -> dict[str, object]:
    response = httpx.get(f"{served.url}{API}/implementations", params=params, timeout=10)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def ids(body: dict[str, object]) -> list[str]:
    items = body["items"]
    assert isinstance(items, list)
    return [item["id"] for item in items]


async def test_create_update_delete_through_the_client(served: Served, tmp_path: Path) -> None:
    alice = client(served, tmp_path, "alice")
    try:
        loaded = await alice.load()
        assert len(loaded.implementations) == len(default_store(TODAY).implementations)
        new = Implementation(id="IMP-9001", customer="Contract Co", segment="smb")
        await alice.save_implementation(new)
        target = active(alice)
        await alice.save_implementation(msgspec.structs.replace(target, notes="edited"))
        await alice.delete_implementation("IMP-0002")
        again = client(served, tmp_path, "again")
        try:
            data = await again.load()
        finally:
            await again.aclose()
    finally:
        await alice.aclose()
    by_id = {i.id: i for i in data.implementations}
    assert by_id["IMP-9001"].customer == "Contract Co"
    assert by_id[target.id].notes == "edited"
    assert "IMP-0002" not in by_id
    # A new one is last, in the store's order, as in a file.
    assert data.implementations[-1].id == "IMP-9001"
    assert httpx.get(f"{served.url}{API}/implementations/IMP-0002", timeout=10).status_code == 404


async def test_a_stale_if_match_is_412_with_the_current_version(served: Served, tmp_path: Path) -> None:
    alice, bob = client(served, tmp_path, "alice"), client(served, tmp_path, "bob")
    try:
        await alice.load()
        await bob.load()
        target = active(alice)
        await bob.save_implementation(msgspec.structs.replace(target, notes="Bob was here"))
        mine = msgspec.structs.replace(target, notes="Alice was here")
        with pytest.raises(StoreConflict) as refused:
            await alice.save_implementation(mine)
        assert refused.value.current is not None and refused.value.current.notes == "Bob was here"
    finally:
        await alice.aclose()
        await bob.aclose()
    with httpx.Client(base_url=served.url, headers=HEADERS, timeout=10) as http:
        current = http.get(f"{API}/implementations/{target.id}")
        tag = current.headers["ETag"]
        assert tag == f'"{etag(msgspec.json.decode(current.content, type=Implementation))}"'
        body = msgspec.to_builtins(mine)
        stale = http.put(
            f"{API}/implementations/{target.id}", json=body, headers={"If-Match": f'"{etag(target)}"'}
        )
        assert stale.status_code == 412
        assert stale.headers["ETag"] == tag and stale.json()["etag"] == tag.strip('"')
        assert stale.json()["current"]["notes"] == "Bob was here"
        gone = http.delete(f"{API}/implementations/{target.id}", headers={"If-Match": f'"{etag(target)}"'})
        assert gone.status_code == 412
        fresh = http.put(f"{API}/implementations/{target.id}", json=body, headers={"If-Match": tag})
        assert fresh.status_code == 200 and fresh.json()["notes"] == "Alice was here"
        assert http.post(f"{API}/implementations", json=body).status_code == 409


async def test_the_client_refresh_brings_every_change(served: Served, tmp_path: Path) -> None:
    alice, bob = client(served, tmp_path, "alice"), client(served, tmp_path, "bob")
    try:
        await alice.load()
        await bob.load()
        assert (await alice.refresh())[1] == frozenset()
        await bob.save_implementation(Implementation(id="IMP-9002", customer="New Co", segment="smb"))
        await bob.delete_implementation("IMP-0002")
        data, changed = await alice.refresh()
        assert changed == {"IMP-9002", "IMP-0002"}
        assert alice._seq is not None if served.numbered else alice._seq is None
    finally:
        await alice.aclose()
        await bob.aclose()
    assert "IMP-9002" in {i.id for i in data.implementations}
    assert "IMP-0002" not in {i.id for i in data.implementations}


def test_the_change_feed_across_a_restart(served: Served) -> None:
    before = page(served)
    new = msgspec.to_builtins(Implementation(id="IMP-9003", customer="Feed Co", segment="smb"))
    with httpx.Client(base_url=served.url, headers=HEADERS, timeout=10) as http:
        assert http.post(f"{API}/implementations", json=new).status_code == 201
        assert http.delete(f"{API}/implementations/IMP-0003").status_code == 204
    served.restart()
    if served.numbered:
        seq = before["seq"]
        assert isinstance(seq, int)
        after = page(served, since=seq)
        assert after["complete"] is True
        assert ids(after) == ["IMP-9003"] and after["deleted"] == ["IMP-0003"]
        assert isinstance(after["seq"], int) and after["seq"] >= seq + 2
        assert ids(page(served, since=after["seq"])) == []
        # A number this database never gave: start over.
        assert page(served, since=after["seq"] + 100)["complete"] is False
    else:
        assert before["seq"] is None
        after = page(served, updated_since=before["server_time"])
        # Either every change, or the honest answer that some may be missing.
        assert after["complete"] is False or (ids(after) == ["IMP-9003"] and after["deleted"] == ["IMP-0003"])
        refused = httpx.get(f"{served.url}{API}/implementations", params={"since": 0}, timeout=10)
        assert refused.status_code == 422
    if served.durable:
        assert "IMP-9003" in ids(page(served))


def test_filters_and_paging(served: Served) -> None:
    everything = ids(page(served))
    assert ids(page(served, limit=5, offset=3)) == everything[3:8]
    store = default_store(TODAY)
    owner = next(i.ie_owner for i in store.implementations if i.ie_owner)
    assert owner is not None
    wanted = [
        i.id
        for i in store.implementations
        if i.status is Status.ACTIVE and i.ie_owner is not None and i.ie_owner.casefold() == owner.casefold()
    ]
    found = page(served, status="active", owner=owner.upper(), limit=2)
    assert found["total"] == len(wanted) and ids(found) == wanted[:2]
    segment = store.implementations[0].segment
    assert ids(page(served, segment=segment)) == [i.id for i in store.implementations if i.segment == segment]


def test_the_history_is_recorded(served: Served) -> None:
    first = default_store(TODAY).implementations[0]
    with httpx.Client(base_url=served.url, headers=HEADERS, timeout=10) as http:
        edited = msgspec.to_builtins(msgspec.structs.replace(first, notes="Moved to a weekly call"))
        assert http.put(f"{API}/implementations/{first.id}", json=edited).status_code == 200
        assert http.delete(f"{API}/implementations/IMP-0004").status_code == 204
        history = http.get(f"{API}/history")
        one = http.get(f"{API}/implementations/{first.id}/history")
    if served.kind == "memory":
        assert history.status_code == 422  # the memory store keeps no history
        return
    items = history.json()["items"]
    assert [(e["action"], e["implementation"]) for e in items] == [("delete", "IMP-0004"), ("edit", first.id)]
    assert {e["who"] for e in items} == {"ps-tui serve (shared token)"}
    assert items[1]["changes"] == [
        {"field": "notes", "before": first.notes, "after": "Moved to a weekly call"}
    ]
    assert [e["action"] for e in one.json()["items"]] == ["edit"]


def test_out_of_range_numbers_are_refused_or_empty(served: Served) -> None:
    huge = httpx.get(f"{served.url}{API}/implementations", params={"since": 2**64}, timeout=10)
    assert huge.status_code == 422
    far = page(served, offset=10**30)
    assert ids(far) == [] and far["total"] == len(default_store(TODAY).implementations)
