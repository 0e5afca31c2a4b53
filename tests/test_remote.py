"""The remote store against a real `ps-tui serve` process on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.model import Implementation, Status
from ps_tui.data import default_store
from ps_tui.store.errors import StoreAuthFailed, StoreConflict, StoreOffline
from ps_tui.store.file import FileStore
from ps_tui.store.http import RemoteStore
from tests.apps import settle
from tests.conftest import TODAY
from tests.server_process import ServerProcess, start_server

TOKEN = "test-token-0123456789"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "shared.toml"
    FileStore(path).write(default_store(TODAY))
    return path


@pytest.fixture
def server(store_path: Path) -> Iterator[ServerProcess]:
    process = start_server(store_path, token=TOKEN)
    try:
        yield process
    finally:
        process.stop()


def client(server: ServerProcess, tmp_path: Path, name: str, token: str | None = TOKEN) -> RemoteStore:
    return RemoteStore(server.url, token, cache_dir=tmp_path / f"cache-{name}")


def first_active(store: RemoteStore) -> Implementation:
    assert store._data is not None
    return next(i for i in store._data.implementations if i.status is Status.ACTIVE)


async def test_load_matches_the_file(server: ServerProcess, store_path: Path, tmp_path: Path) -> None:
    remote = client(server, tmp_path, "a")
    try:
        data = await remote.load()
    finally:
        await remote.aclose()
    local = FileStore(store_path).read()
    assert [i.id for i in data.implementations] == [i.id for i in local.implementations]
    assert data.members == local.members and data.discounts == local.discounts
    assert not remote.offline and remote.fetched is not None


async def test_create_update_delete_reach_the_file(
    server: ServerProcess, store_path: Path, tmp_path: Path
) -> None:
    remote = client(server, tmp_path, "a")
    try:
        await remote.load()
        new = Implementation(id="IMP-9001", customer="Remote Co", segment="mm", arr=90_000)
        await remote.save_implementation(new)
        edited = msgspec.structs.replace(first_active(remote), notes="edited over HTTP")
        await remote.save_implementation(edited)
        await remote.delete_implementation("IMP-0001")
    finally:
        await remote.aclose()
    on_disk = {i.id: i for i in FileStore(store_path).read().implementations}
    assert on_disk["IMP-9001"].customer == "Remote Co"
    assert on_disk["IMP-9001"].updated is not None  # stamped by the server
    assert on_disk[edited.id].notes == "edited over HTTP"
    assert "IMP-0001" not in on_disk


async def test_a_stale_edit_is_refused_with_both_versions(server: ServerProcess, tmp_path: Path) -> None:
    alice, bob = client(server, tmp_path, "alice"), client(server, tmp_path, "bob")
    try:
        await alice.load()
        await bob.load()
        target = first_active(alice)
        await bob.save_implementation(msgspec.structs.replace(target, notes="Bob was here"))
        mine = msgspec.structs.replace(target, notes="Alice was here")
        with pytest.raises(StoreConflict) as refused:
            await alice.save_implementation(mine)
        assert refused.value.mine == mine
        assert refused.value.current is not None and refused.value.current.notes == "Bob was here"
        # Alice chooses to overwrite: now hers stands.
        await alice.overwrite_implementation(mine)
        await bob.load()
        assert next(i for i in bob._data.implementations if i.id == target.id).notes == "Alice was here"  # type: ignore[union-attr]
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_a_missing_token_is_explained(server: ServerProcess, tmp_path: Path) -> None:
    anonymous = client(server, tmp_path, "anon", token=None)
    try:
        await anonymous.load()  # reads are open
        with pytest.raises(StoreAuthFailed) as refused:
            await anonymous.save_implementation(first_active(anonymous))
    finally:
        await anonymous.aclose()
    assert "PS_TUI_TOKEN" in str(refused.value) and "config.toml" in str(refused.value)


async def test_refresh_brings_other_clients_changes(server: ServerProcess, tmp_path: Path) -> None:
    alice, bob = client(server, tmp_path, "alice"), client(server, tmp_path, "bob")
    try:
        await alice.load()
        await bob.load()
        _, nothing = await alice.refresh()
        assert nothing == frozenset()
        await bob.save_implementation(Implementation(id="IMP-9002", customer="New Co", segment="smb"))
        await bob.delete_implementation("IMP-0002")
        data, changed = await alice.refresh()
        assert changed == {"IMP-9002", "IMP-0002"}
        ids = {i.id for i in data.implementations}
        assert "IMP-9002" in ids and "IMP-0002" not in ids
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_offline_opens_on_the_cache_refuses_edits_and_reconnects(
    server: ServerProcess, tmp_path: Path
) -> None:
    first = client(server, tmp_path, "me")
    await first.load()
    await first.aclose()
    server.stop()
    again = client(server, tmp_path, "me")  # same cache directory
    try:
        data = await again.load()
        assert again.offline and len(data.implementations) == len(default_store(TODAY).implementations)
        with pytest.raises(StoreOffline, match="refused"):
            await again.save_implementation(data.implementations[0])
        server.restart()
        data, changed = await again.refresh()
        assert not again.offline and changed is None
    finally:
        await again.aclose()


def remote_app(server: ServerProcess, tmp_path: Path, name: str) -> PsApp:
    settings = Settings(today=TODAY, remote_url=server.url, remote_token=TOKEN, refresh_seconds=3600)
    store = RemoteStore(server.url, TOKEN, cache_dir=tmp_path / f"cache-{name}")
    return PsApp(store, settings)


async def test_tui_edits_sees_others_and_survives_the_server_going_away(
    server: ServerProcess, store_path: Path, tmp_path: Path
) -> None:
    app = remote_app(server, tmp_path, "tui")
    other = client(server, tmp_path, "other")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None
        assert "shared" in app.status and app.status_kind == ""
        # An edit from the TUI reaches the server's file.
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("p", "enter")  # advance the first row's milestone, today
        await settle(pilot)
        assert any(
            m.actual == TODAY
            for i in FileStore(store_path).read().implementations
            for m in i.milestones
            if i.status is Status.ACTIVE
        )
        # Another client's change shows after a refresh.
        await other.load()
        await other.save_implementation(Implementation(id="IMP-9100", customer="Seen Co", segment="mm"))
        app.refresh_store()
        await settle(pilot)
        assert "IMP-9100" in app.portfolio.by_id
        # The server goes away: the data stays, the status says offline.
        server.stop()
        app.refresh_store()
        await settle(pilot)
        assert app.status_kind == "offline" and "OFFLINE" in app.status
        assert "IMP-9100" in app.portfolio.by_id
        # And comes back.
        server.restart()
        app.refresh_store()
        await settle(pilot)
        assert app.status_kind == "" and "shared" in app.status
    await other.aclose()


def test_updated_is_a_timezone_aware_stamp(store_path: Path) -> None:
    # Stamps written by the server must read back as aware datetimes in TOML.
    impl = Implementation(
        id="X", customer="X", segment="mm", updated=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    )
    store = FileStore(store_path)
    store.read()
    store.save_implementation_sync(impl)
    again = next(i for i in FileStore(store_path).read().implementations if i.id == "X")
    assert again.updated == impl.updated and again.updated is not None and again.updated.tzinfo is not None


async def test_ids_with_every_allowed_character_round_trip(server: ServerProcess, tmp_path: Path) -> None:
    remote = client(server, tmp_path, "odd")
    try:
        await remote.load()
        odd = Implementation(id="ACME_42.x-1", customer="Odd Id Co", segment="mm")
        await remote.save_implementation(odd)
        await remote.save_implementation(msgspec.structs.replace(odd, notes="again"))
        fresh = client(server, tmp_path, "fresh")
        data = await fresh.load()
        await fresh.aclose()
        assert next(i for i in data.implementations if i.id == odd.id).notes == "again"
        await remote.delete_implementation(odd.id)
    finally:
        await remote.aclose()
