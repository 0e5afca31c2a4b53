"""A new implementation without an id takes, in a database, the id
`portfolio.next_id` gives over the store: found by one indexed MAX on the
`id_number` column (`tables.next_id`), not by reading every id. Compared
with the core's answer over odd sets of ids (gaps, leading zeros, ids that
hold no number or more digits than a 64-bit integer, text order unlike
number order), after deletes and creates, and after migration 0005 fills
the column in for rows already there, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random

import msgspec

from ps_tui.core.model import Implementation, NewImplementation, StoreFile
from ps_tui.core.portfolio import id_number, next_id
from ps_tui.data import default_store
from ps_tui.db import tables
from ps_tui.db.connection import Database
from ps_tui.db.migrate import upgrade
from ps_tui.db.transfer import import_store
from ps_tui.server.database import DatabaseState
from tests.conftest import TODAY

#: Sets of ids, each with the id `next_id` gives after them.
ODD_SETS: list[tuple[list[str], str]] = [
    ([], "IMP-0001"),
    (["IMP-0001", "IMP-0002", "IMP-0010"], "IMP-0011"),
    (["IMP-9999"], "IMP-10000"),
    (["IMP-000123", "IMP-0099"], "IMP-0124"),
    # Text order is not number order.
    (["IMP-10000", "IMP-9999", "IMP-99999", "IMP-100"], "IMP-100000"),
    (["IMP-0000"], "IMP-0001"),
    # An id of digits alone holds its number; other prefixes, any case, none.
    (["0042", "IMP-0007"], "IMP-0043"),
    (
        ["imp-0500", "IMP-0005", "IMP-05a", "IMP-", "IMPX-900", "IMP-IMP-800", "X-1000", "IMP-0005b"],
        "IMP-0006",
    ),
    (["IMP-1.5", "IMP-2e3", "IMP-0x10", "IMP--3", "IMP-.4", "IMP-_5", "IMP-5-"], "IMP-0001"),
    # Wider than any SQL integer.
    (["IMP-" + "9" * 60, "IMP-" + "8" * 60], "IMP-1" + "0" * 60),
    (["9" * 64, "IMP-" + "9" * 60], "IMP-1" + "0" * 64),
    (["IMP-" + "0" * 59 + "7", "IMP-6"], "IMP-0008"),
]


def store_with(ids: list[str]) -> StoreFile:
    """The bundled store, its implementations given `ids` (made again as needed)."""
    store = default_store(TODAY)
    implementations = store.implementations
    made = [
        msgspec.structs.replace(implementations[n % len(implementations)], id=new)
        for n, new in enumerate(ids)
    ]
    return msgspec.structs.replace(store, implementations=made)


def sql_next_id(database: Database) -> str:
    with database.read() as cursor:
        return tables.next_id(cursor)


def new_one(implementation: Implementation, new_id: str | None = None) -> NewImplementation:
    fields = msgspec.structs.asdict(implementation)
    fields["id"] = new_id
    return NewImplementation(**fields)


def test_the_next_id_in_sql_is_the_cores_over_odd_ids(empty_database: Database) -> None:
    upgrade(empty_database)
    for n, (ids, expected) in enumerate(ODD_SETS):
        store = store_with(ids)
        assert next_id(store) == expected, ids  # the rule as it stands
        with empty_database.write() as cursor:  # each set on its own, in the one database
            cursor.run("DELETE FROM implementations")
            tables.insert_all(cursor, store.implementations, n + 1)
        assert sql_next_id(empty_database) == expected, ids


def test_creates_and_deletes_take_the_ids_the_core_gives(empty_database: Database) -> None:
    """Creates without an id, creates with odd ids and deletes (the highest
    too, whose id the next create takes again), in a random order: after
    each, the id in SQL is the core's over the store as the server has it."""
    upgrade(empty_database)
    import_store(empty_database, store_with(["IMP-0001", "IMP-0003", "IMP-0010", "legacy-7", "0012"]), [])
    state = DatabaseState(database=empty_database, who="test")
    template = default_store(TODAY).implementations[0]
    chooser = random.Random(5)
    odd = ["IMP-0100", "IMP-00042", "IMP-9999", "77", "imp-5000", "IMP-20x", "IMP-" + "9" * 30]
    given: list[str] = []
    try:
        state.refresh()
        for _ in range(60):
            ids = [impl.id for impl in state.current().implementations]
            roll = chooser.random()
            if roll < 0.3 and len(ids) > 1:
                gone = max(ids, key=id_number) if chooser.random() < 0.5 else chooser.choice(ids)
                asyncio.run(state.delete(gone, None))
            elif roll < 0.45 and odd:
                asyncio.run(state.create(new_one(template, odd.pop()), TODAY))
            else:
                expected = next_id(state.current())
                created = asyncio.run(state.create(new_one(template), TODAY))
                assert created.id == expected
                given.append(created.id)
            assert sql_next_id(empty_database) == next_id(state.current())
    finally:
        state.database.close()
    # Some ids were taken again after the highest was deleted.
    assert len(set(given)) < len(given), given


def test_the_migration_numbers_the_ids_already_there(empty_database: Database) -> None:
    """A database from before migration 0005 gives, once upgraded, the ids
    the server gave before."""
    upgrade(empty_database, upto=4)
    ids = list(dict.fromkeys(i for ids, _ in ODD_SETS for i in ids))
    store = store_with(ids)
    with empty_database.write() as cursor:
        tables.write_reference(cursor, store, 1)
        for position, implementation in enumerate(store.implementations, 1):
            status, owner, segment, tag, kickoff, ready, document = tables._columns(implementation)
            cursor.run(  # as a server before migration 0005 wrote them
                "INSERT INTO implementations (id, position, version, seq, status, ie_owner_folded, segment, "
                "etag, kickoff, production_ready, document) VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?)",
                (implementation.id, position, status, owner, segment, tag, kickoff, ready, document),
            )
    assert [m.label for m in upgrade(empty_database)] == ["0005_id_numbers"]
    assert sql_next_id(empty_database) == next_id(store) == "IMP-1" + "0" * 64
    with empty_database.read() as cursor:
        keys = dict(cursor.all("SELECT id, id_number FROM implementations"))
    assert keys == {i: tables.id_number_key(i) for i in ids}
    assert keys["IMP-0005"] == "015" and keys["IMP-05a"] is None
