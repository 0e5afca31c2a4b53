"""The database backend's copy of the store, in one process: a refresh
that read the change log while a write of this process landed does not
take the copy back, nor mistake it for a database that went back."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import msgspec
import pytest

from ps_tui.data import default_store
from ps_tui.db import parse_url, tables
from ps_tui.db.migrate import upgrade
from ps_tui.db.opening import open_database
from ps_tui.db.transfer import import_store
from ps_tui.server.database import DatabaseState
from tests.conftest import TODAY


async def test_a_refresh_overtaken_by_a_write_keeps_the_newer_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(parse_url(f"sqlite:///{tmp_path / 'ps-tui.db'}"))
    upgrade(database)
    import_store(database, default_store(TODAY), [])
    other = DatabaseState(database=database, who="other process")
    state = DatabaseState(database=database, who="this process")
    try:
        await state.ready()
        await other.ready()
        first = state.current().implementations[0]
        # Another process writes: this one's copy is now behind.
        await other.update(msgspec.structs.replace(first, notes="theirs"), None, TODAY)
        original = tables.delta_since

        def overtaken(cursor: tables.Cursor, since: int) -> tables.Delta:
            delta = original(cursor, since)
            # While the refresh reads, a write of this process lands (in
            # another thread, as the server's writes run).
            second = state.current().implementations[1]
            writer = threading.Thread(
                target=lambda: asyncio.run(
                    state.update(msgspec.structs.replace(second, notes="mine"), None, TODAY)
                )
            )
            monkeypatch.setattr(tables, "delta_since", original)
            writer.start()
            writer.join()
            return delta

        monkeypatch.setattr(tables, "delta_since", overtaken)
        await asyncio.to_thread(state.refresh)
        notes = {i.id: i.notes for i in state.current().implementations}
        assert notes[first.id] == "theirs"
        assert notes[state.current().implementations[1].id] == "mine"
        assert state.seq == 3
    finally:
        database.close()


async def test_the_history_for_the_reports_follows_every_process(tmp_path: Path) -> None:
    """`recorded` keeps what it read and reads only what was recorded after;
    a database made anew under it is read again whole."""
    path = tmp_path / "ps-tui.db"
    database = open_database(parse_url(f"sqlite:///{path}"))
    upgrade(database)
    import_store(database, default_store(TODAY), [])
    other = DatabaseState(database=database, who="other process")
    state = DatabaseState(database=database, who="this process")

    def everything() -> list[object]:
        with database.read() as cursor:
            return [event for save in tables.saves(cursor) for event in save.events]

    try:
        await state.ready()
        await other.ready()
        assert (await state.recorded()).events == []
        for n, implementation in enumerate(state.current().implementations[:3]):
            await other.update(msgspec.structs.replace(implementation, notes=f"theirs {n}"), None, TODAY)
            recorded = (await state.recorded()).events
            assert recorded == everything() and len(recorded) == n + 1
        await state.update(
            msgspec.structs.replace(state.current().implementations[5], notes="mine"), None, TODAY
        )
        assert (await other.recorded()).events == everything()
        assert [event.who for event in (await state.recorded()).events] == ["other process"] * 3 + [
            "this process"
        ]
        # Made anew: the same path, another history of the same length.
        database.close()
        path.unlink()
        anew = open_database(parse_url(f"sqlite:///{path}"))
        upgrade(anew)
        import_store(anew, default_store(TODAY), [])
        writer = DatabaseState(database=anew, who="anew")
        await writer.ready()
        for implementation in writer.current().implementations[:4]:
            await writer.update(msgspec.structs.replace(implementation, notes="anew"), None, TODAY)
        anew.close()
        assert [event.who for event in (await state.recorded()).events] == ["anew"] * 4
    finally:
        database.close()
