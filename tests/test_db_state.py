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
