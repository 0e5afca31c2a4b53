"""A write to the database backend costs the same at any size of store.

What a server at 100,000 implementations did on every write: the copy's
whole list of implementations was made again and its id index rebuilt by
the GET that followed, and SQLite read the change log's "what changed
since" by walking every row in position order. Here the work is counted,
not timed: SQLite's virtual-machine steps, and the memory Python allocates,
for a store ten times the size must stay about the same."""

from __future__ import annotations

import asyncio
import sqlite3
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from bench.generate import generate
from ps_tui.core.model import Implementation, NewImplementation
from ps_tui.db import parse_url, tables
from ps_tui.db.connection import Row
from ps_tui.db.migrate import upgrade
from ps_tui.db.opening import open_database
from ps_tui.db.transfer import import_store
from ps_tui.server.database import DatabaseState
from ps_tui.server.state import ChangesQuery
from tests.conftest import TODAY

SMALL, LARGE = 200, 2_000


def database_of(path: Path, count: int) -> DatabaseState:
    database = open_database(parse_url(f"sqlite:///{path}"))
    upgrade(database)
    import_store(database, generate(count), [])
    return DatabaseState(database=database, who="test")


def write_one(state: DatabaseState, number: int) -> None:
    """What a client's write asks of the server: GET the implementation
    (generated ids are numbered in store order), then PUT it."""
    implementation = state.get(f"IMP-{number + 1:06d}")
    edited = msgspec.structs.replace(implementation, notes=f"write {number}")
    asyncio.run(state.update(edited, None, TODAY))


class CountingCursor:
    """A Cursor over a plain sqlite3 connection that counts the virtual
    machine's steps of every statement."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.steps = 0
        connection.set_progress_handler(self._step, 1)

    def _step(self) -> int:
        self.steps += 1
        return 0

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.connection.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.connection.execute(sql, params).fetchall())


def test_what_changed_since_is_read_without_walking_every_row(tmp_path: Path) -> None:
    steps = {}
    for count in (SMALL, LARGE):
        path = tmp_path / f"{count}.db"
        state = database_of(path, count)
        try:
            state.refresh()
            before = state.seq
            write_one(state, 7)
        finally:
            state.database.close()
        with sqlite3.connect(path) as connection:
            cursor = CountingCursor(connection)
            delta = tables.delta_since(cursor, before)
            steps[count] = cursor.steps
        assert [impl.notes for _, impl in delta.implementations] == ["write 7"]
    assert steps[LARGE] < 2 * steps[SMALL], steps


def test_the_whole_delta_is_in_store_order(tmp_path: Path) -> None:
    state = database_of(tmp_path / "store.db", SMALL)
    try:
        state.refresh()
        for number in (150, 3, 90):
            write_one(state, number)
        with state.database.read() as cursor:
            written = tables.delta_since(cursor, 1).implementations
            everything = tables.delta_since(cursor, 0).implementations
    finally:
        state.database.close()
    assert [position for position, _ in written] == sorted(position for position, _ in written)
    assert [impl.notes for _, impl in written] == ["write 3", "write 90", "write 150"]
    assert [impl.id for _, impl in everything] == [impl.id for impl in generate(SMALL).implementations]


def test_a_write_allocates_the_same_at_any_size(tmp_path: Path) -> None:
    peaks = {}
    for count in (SMALL, LARGE):
        state = database_of(tmp_path / f"{count}.db", count)
        try:
            state.refresh()
            write_one(state, 1)  # the first write, and the copy's first reads, are not counted
            tracemalloc.start()
            try:
                for number in range(2, 6):
                    write_one(state, number)
                peaks[count] = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            # Reads of the whole store still see every write.
            notes = {impl.notes for impl in state.current().implementations[1:6]}
            assert notes == {f"write {number}" for number in range(1, 6)}
        finally:
            state.database.close()
    assert peaks[LARGE] < 2 * peaks[SMALL], peaks


def whole_builds(state: DatabaseState) -> list[int]:
    """Once `state` is loaded, the version at each build of its whole store
    from the rows from now on (none is what a write must cost)."""
    state.refresh()
    state.current()
    built: list[int] = []
    whole = state._whole
    state._whole = lambda: (built.append(state.version), whole())[1]  # type: ignore[method-assign]
    return built


def test_an_update_does_not_build_the_whole_store(tmp_path: Path) -> None:
    """An update with its id needs no next id, so it must not build the
    whole store from the rows (at 100,000 that doubled a write's cost)."""
    state = database_of(tmp_path / "store.db", SMALL)
    try:
        built = whole_builds(state)
        for number in range(1, 4):
            write_one(state, number)
        assert built == []
        # A read of the whole store still sees the writes.
        notes = {impl.notes for impl in state.current().implementations[1:4]}
        assert notes == {f"write {number}" for number in range(1, 4)}
    finally:
        state.database.close()


def create_one(state: DatabaseState, number: int) -> Implementation:
    """What a POST without an id asks of the server."""
    fields = msgspec.structs.asdict(state.get("IMP-000001"))
    fields.update(id=None, customer=f"Created {number}")
    return asyncio.run(state.create(NewImplementation(**fields), TODAY))


def test_a_create_without_an_id_does_not_build_the_whole_store(tmp_path: Path) -> None:
    """The next id is the database's answer (one indexed MAX), not the
    whole store's: built from the rows for it, a create at 100,000 cost
    eight times one at 10,000 (34 against 4 ms)."""
    state = database_of(tmp_path / "store.db", SMALL)
    try:
        built = whole_builds(state)
        created = [create_one(state, number).id for number in range(1, 4)]
        assert built == []
        # The ids follow the generated IMP-000001 .. IMP-000200, as before.
        assert created == ["IMP-0201", "IMP-0202", "IMP-0203"]
        assert [impl.id for impl in state.current().implementations[-3:]] == created
    finally:
        state.database.close()


def test_the_next_id_is_found_without_reading_every_row(tmp_path: Path) -> None:
    steps = {}
    for count in (SMALL, LARGE):
        path = tmp_path / f"{count}.db"
        database_of(path, count).database.close()
        with sqlite3.connect(path) as connection:
            cursor = CountingCursor(connection)
            found = tables.next_id(cursor)
            steps[count] = cursor.steps
        assert found == f"IMP-{count + 1:04d}"
    assert steps[LARGE] < 2 * steps[SMALL], steps


async def test_a_first_load_pages_through_the_copy_as_the_database_has_it(tmp_path: Path) -> None:
    """A client's first load (every implementation, page by page) is served
    from the copy, not decoded from every row again (at 100,000 through
    PostgreSQL that took 3.6 times a local load of the file), and still
    answers what the database holds after another process's writes."""
    state = database_of(tmp_path / "store.db", SMALL)
    other = DatabaseState(database=state.database, who="another process")
    try:
        await state.ready()
        await other.ready()
        changed = msgspec.structs.replace(other.get("IMP-000010"), notes="theirs")
        await other.update(changed, None, TODAY)
        await other.delete("IMP-000020", None)
        await state.ready()
        pages = [await state.changes(ChangesQuery(limit=64, offset=o)) for o in range(0, SMALL, 64)]
        with state.database.read() as cursor:
            stored = tables.all_implementations(cursor)
            latest = tables.current_seq(cursor)
        items = [implementation for page in pages for implementation in page.items]
        assert items == stored
        assert {(page.total, page.seq, page.complete) for page in pages} == {(SMALL - 1, latest, True)}
        assert all(implementation is state.get(implementation.id) for implementation in items)
    finally:
        state.database.close()
