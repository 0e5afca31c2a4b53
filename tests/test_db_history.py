"""The history read in SQL (`tables.events_page`, over `history_events`)
gives what `core.history.select` gives over every record, page by page, on
SQLite and PostgreSQL: names casefolded beyond ASCII, times in other zones
near midnight UTC, records of several events, implementations deleted.
Migration 0004 indexes the records a database already holds the same way."""

from __future__ import annotations

import datetime as dt
import random

from ps_tui.core.history import Action, Change, Event, Save, select
from ps_tui.data import default_store
from ps_tui.db import tables
from ps_tui.db.connection import Database
from ps_tui.db.migrate import upgrade
from ps_tui.db.transfer import import_store
from tests.conftest import TODAY

NAMES = ["Dana Scully", "STRASSE Ömer", "Jürgen Straße", "Łukasz Ćwik", "ps-tui serve (shared token)"]
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=-8))]
IDS = ["IMP-0001", "IMP-0002", "IMP-0003", None]


def history(count: int, seed: int) -> list[Save]:
    """`count` records of one to three events each, at times around midnight in three zones."""
    chooser = random.Random(seed)
    start = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    saves = []
    for n in range(count):
        at = (start + dt.timedelta(hours=n * 7 + chooser.randint(0, 5))).astimezone(chooser.choice(ZONES))
        who = chooser.choice(NAMES)
        events = [
            Event(
                at=at,
                who=who,
                action=chooser.choice([Action.EDIT, Action.CREATE, Action.DELETE]),
                implementation=chooser.choice(IDS),
                changes=[Change(field="notes", before=str(n), after=f"{n}.{e}")],
            )
            for e in range(chooser.randint(1, 3))
        ]
        saves.append(Save(at=at, who=who, parent=str(n - 1), digest=str(n), events=events))
    return saves


QUERIES = [
    {},
    {"implementation": "IMP-0002"},
    {"implementation": "IMP-9999"},
    {"since": dt.date(2026, 11, 28)},
    {"since": dt.date(2026, 12, 1), "implementation": "IMP-0001"},
    {"by": "strasse"},  # casefolds to the same as Straße and STRASSE
    {"by": "STRAẞE"},
    {"by": "łukasz"},
    {"by": "shared", "since": dt.date(2026, 11, 27)},
    {"by": ""},  # no filter, as for the file
]


def compare(database: Database, saves: list[Save]) -> int:
    """Every query, every page: the SQL's answer against `select`'s; how many compared."""
    events = [event for save in saves for event in save.events]
    compared = 0
    with database.read() as cursor:
        for query in QUERIES:
            expected = select(events, **query)  # type: ignore[arg-type]
            whole = tables.events_page(
                cursor,
                database.dialect,
                implementation=query.get("implementation"),  # type: ignore[arg-type]
                since=query.get("since"),  # type: ignore[arg-type]
                by=query.get("by"),  # type: ignore[arg-type]
                limit=None,
                offset=0,
            )
            assert whole == (expected, len(expected)), query
            for limit, offset in ((7, 0), (7, 7), (50, 3), (1, len(expected) - 1), (5, len(expected) + 3)):
                page = tables.events_page(
                    cursor,
                    database.dialect,
                    implementation=query.get("implementation"),  # type: ignore[arg-type]
                    since=query.get("since"),  # type: ignore[arg-type]
                    by=query.get("by"),  # type: ignore[arg-type]
                    limit=limit,
                    offset=max(offset, 0),
                )
                assert page == (expected[max(offset, 0) : max(offset, 0) + limit], len(expected)), query
            compared += len(expected)
    return compared


def test_the_history_in_sql_answers_as_select_does(empty_database: Database) -> None:
    upgrade(empty_database)
    saves = history(60, seed=4)
    import_store(empty_database, default_store(TODAY), saves)
    assert compare(empty_database, saves) > 100
    with empty_database.read() as cursor:  # the records themselves are kept as they were
        assert tables.saves(cursor) == saves


def test_the_migration_indexes_the_records_already_kept(empty_database: Database) -> None:
    upgrade(empty_database, upto=3)
    saves = history(40, seed=8)
    with empty_database.write() as cursor:
        for save in saves:  # as a server before migration 0004 wrote them
            cursor.run(
                "INSERT INTO history (at, who, digest, record) VALUES (?, ?, ?, ?)", tables._save_row(save)
            )
    assert [m.label for m in upgrade(empty_database, upto=4)] == ["0004_history_events"]
    assert compare(empty_database, saves) > 50
