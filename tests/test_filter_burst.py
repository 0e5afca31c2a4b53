"""A burst of keys in the filter box filters once, for its last text: the
keys typed meanwhile are read first (`InOrderKeys.when_keys_read`)."""

from __future__ import annotations

import pytest

from ps_tui.screens.implementations import ImplementationsScreen
from tests.apps import burst, demo_app, open_list, settle


async def test_a_burst_of_keys_filters_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    original = ImplementationsScreen._answer

    def counted(self: ImplementationsScreen, keep: int | None):  # type: ignore[no-untyped-def]
        runs.append(self._query.free_text)
        return original(self, keep)

    monkeypatch.setattr(ImplementationsScreen, "_answer", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "A")
        await settle(pilot)
        runs.clear()
        burst(app, "slash", *"globex")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        assert [row.customer for row in screen.table.rows] == ["Globex Corporation"]
        assert runs == ["globex"]
        runs.clear()
        burst(app, *["backspace"] * 6)
        await settle(pilot)
        assert runs == [""]
        assert len(screen.table.rows) == 42


async def test_keys_typed_one_at_a_time_each_filter() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "A", "slash")
        counts = []
        for key in "pollos":
            await pilot.press(key)
            await settle(pilot)
            counts.append(len(app.screen.table.rows))  # type: ignore[attr-defined]
    assert counts[-1] == 1 and counts[0] > counts[-1]


async def test_a_burst_of_sort_and_scope_keys_on_the_table_sorts_for_the_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[tuple[str, bool, str]] = []
    original = ImplementationsScreen._answer

    def counted(self: ImplementationsScreen, keep: int | None):  # type: ignore[no-untyped-def]
        runs.append((self.sort_key, self.sort_reverse, self.scope.value))
        return original(self, keep)

    monkeypatch.setattr(ImplementationsScreen, "_answer", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        runs.clear()
        burst(app, "s", "s", "S", "A", "s")
        await settle(pilot)
        last = (screen.sort_key, screen.sort_reverse, screen.scope.value)
        # Each key waits for the ones typed after it: one sort, as the last leaves it.
        assert runs == [last]
        assert len(screen.table.rows) == 42
        # A key that does not refilter is not held back: `j` moves on the new rows.
        runs.clear()
        table = screen.table
        kept = table.rows[table.cursor_row].id
        burst(app, "s", "j", "j")
        await settle(pilot)
        assert len(runs) == 1 and table.rows[table.cursor_row - 2].id == kept
