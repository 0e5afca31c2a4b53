"""The KPI's statistics in SQL: completions in a window, their median and
nearest-rank p90 (PostgreSQL's `percentile_cont(0.5)` and
`percentile_disc(0.9)`; in SQLite by offset) agree exactly with
`core/kpi.py` on generated portfolios, for every window; and the migration
that adds the date columns fills them in for the rows already there."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.generate import generate
from ps_tui.core.kpi import compute_kpis
from ps_tui.core.model import Status
from ps_tui.core.stats import median, percentile
from ps_tui.db import tables
from ps_tui.db.connection import Database
from ps_tui.db.migrate import upgrade
from ps_tui.db.transfer import import_store

TODAY = dt.date(2026, 11, 30)
WINDOWS = (None, 1, 7, 30, 90, 365, 36_500)


@pytest.fixture
def database(empty_database: Database) -> Database:
    upgrade(empty_database)
    return empty_database


@pytest.mark.parametrize("count, seed", [(0, 1), (1, 2), (2, 3), (57, 4), (3000, 5)])
def test_median_and_p90_agree_with_the_core(database: Database, count: int, seed: int) -> None:
    store = generate(count, seed=seed, today=TODAY)
    import_store(database, store, [])
    for today in (TODAY, TODAY - dt.timedelta(days=400)):
        for window in WINDOWS:
            with database.read() as cursor:
                found = tables.durations(cursor, database.dialect, today, window)
            figures = compute_kpis(store, today, window_days=window)
            assert (found.count, _round(found.median), _round(found.p90)) == (
                figures.completed,
                figures.median,
                figures.p90,
            ), (today, window)
            # Unrounded, against the core's own functions on the same selection.
            start = None if window is None else today - dt.timedelta(days=window)
            days = sorted(
                (i.production_ready - i.kickoff).days
                for i in store.implementations
                if i.status is Status.COMPLETED
                and i.kickoff is not None
                and i.production_ready is not None
                and i.production_ready <= today
                and (start is None or i.production_ready > start)
            )
            assert (found.median, found.p90) == (median(days), percentile(days, 90))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def test_the_date_columns_are_filled_in_for_rows_already_there(empty_database: Database) -> None:
    upgrade(empty_database, upto=1)
    store = generate(20, seed=9, today=TODAY)
    with empty_database.write() as cursor:
        for position, implementation in enumerate(store.implementations, 1):
            status, owner, segment, tag, _, _, document = tables._columns(implementation)
            cursor.run(
                "INSERT INTO implementations (id, position, version, seq, status, ie_owner_folded, "
                "segment, etag, document) VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?)",
                (implementation.id, position, status, owner, segment, tag, document),
            )
    assert [m.label for m in upgrade(empty_database, upto=2)] == ["0002_completion_dates"]
    with empty_database.read() as cursor:
        rows = cursor.all(
            "SELECT CAST(kickoff AS TEXT), CAST(production_ready AS TEXT) FROM implementations "
            "ORDER BY position"
        )
    expected = [
        tuple(None if day is None else day.isoformat() for day in (i.kickoff, i.production_ready))
        for i in store.implementations
    ]
    assert rows == expected and any(ready is not None for _, ready in rows)
