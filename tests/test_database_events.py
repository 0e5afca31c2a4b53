"""The change bus of a shared database (server/database_events.py) in one
process, against a real SQLite file and a real PostgreSQL: another
connection's changes are announced from the change log, each once, with
its number; a burst too long to list is one `reloaded`, and a write of any
size announces itself alike (PostgreSQL's NOTIFY carries only a number)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from ps_tui.db import parse_url, tables
from ps_tui.db.connection import Database
from ps_tui.db.migrate import upgrade
from ps_tui.db.opening import open_database
from ps_tui.server.database_events import CATCH_UP, DatabaseBus
from ps_tui.server.events import ChangeEvent, Subscription

NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
WAIT = 10.0


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        given: str = request.getfixturevalue("postgres_url")
        return given
    sqlite = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    database = open_database(parse_url(sqlite))
    try:
        upgrade(database)
    finally:
        database.close()
    return sqlite


@pytest.fixture
def databases(url: str) -> Iterator[tuple[Database, Database]]:
    """Two handles on one database: the bus's process, and another."""
    mine, theirs = open_database(parse_url(url)), open_database(parse_url(url))
    try:
        yield mine, theirs
    finally:
        mine.close()
        theirs.close()


def log(database: Database, *changes: tuple[str, str | None]) -> int:
    """Log `changes` (action, implementation) in one transaction; the last number."""
    with database.write() as cursor:
        for action, implementation in changes:
            seq = tables.next_seq(cursor)
            tables.log_change(cursor, seq, NOW, action, implementation)
    return seq


async def next_event(subscription: Subscription) -> ChangeEvent:
    event = await subscription.next(WAIT)
    assert event is not None, f"no event within {WAIT:g} s"
    return event


async def test_another_connections_changes_are_announced_once_each(
    databases: tuple[Database, Database],
) -> None:
    mine, theirs = databases
    bus = DatabaseBus(mine, lambda: 0)
    bus.start()
    subscription = bus.subscribe()
    try:
        seq = log(theirs, ("save", "IMP-1"))
        assert await next_event(subscription) == ChangeEvent("saved", ["IMP-1"], NOW, seq)
        # One of this process's own, published as it landed: not announced again.
        bus.publish(ChangeEvent("deleted", ["IMP-2"], NOW, seq + 1))
        assert log(theirs, ("delete", "IMP-2")) == seq + 1
        assert log(theirs, ("reference", None)) == seq + 2
        assert await next_event(subscription) == ChangeEvent("deleted", ["IMP-2"], NOW, seq + 1)
        assert await next_event(subscription) == ChangeEvent("reference", [], NOW, seq + 2)
        # A write of more changes than are listed one by one: one event, a refresh.
        many = [("save", f"IMP-{number}") for number in range(CATCH_UP + 50)]
        last = log(theirs, *many)
        assert await next_event(subscription) == ChangeEvent("reloaded", [], NOW)
        assert log(theirs, ("save", "IMP-3")) == last + 1
        assert await next_event(subscription) == ChangeEvent("saved", ["IMP-3"], NOW, last + 1)
    finally:
        bus.close()
        bus.join(WAIT)
    assert subscription.closed == "the server is stopping"
