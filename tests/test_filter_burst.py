"""A burst of keys in the filter box filters once, for its last text: the
keys typed meanwhile are read first (`InOrderKeys.when_keys_read`)."""

from __future__ import annotations

import pytest

from ps_tui.core.query import FuzzyIndex, filter_rows
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


async def test_a_key_typed_alone_shows_its_character_with_its_rows() -> None:
    # One frame for the key: the character typed and the rows it keeps,
    # not the character over the old rows first (a frame and two barrier
    # rounds more, a third of a key at 100,000 rows).
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("A", "slash")
        await settle(pilot)
        box, table = screen.query_one("#filter"), screen.table
        drawn: list[tuple[str, int]] = []
        display = app._display

        def noted(shown: object, renderable: object) -> None:
            display(shown, renderable)  # type: ignore[arg-type]
            if renderable is not None:
                drawn.append((box.value, len(table.rows)))  # type: ignore[attr-defined]

        app._display = noted  # type: ignore[method-assign]
        for key, text in [("g", "g"), ("l", "gl"), ("backspace", "g")]:
            drawn.clear()
            await pilot.press(key)
            await settle(pilot)
            expected = len(filter_rows(screen._rows, screen._query, FuzzyIndex(screen._rows)))
            assert screen._query.free_text == text
            assert expected < 42 and drawn and drawn[-1] == (text, expected)
            assert all(rows == expected for value, rows in drawn if value == text), (key, drawn)


@pytest.mark.parametrize("leave", ["enter", "escape"])
async def test_keys_typed_after_leaving_the_box_act_on_the_new_rows(leave: str) -> None:
    # `/in<enter>jj` typed at once: the filter applies, then the cursor goes
    # two rows down its rows (it waited for the whole burst, and `j j` moved
    # over the old rows before the new ones replaced them). Esc clears the
    # filter, and `j j` then move over all the rows again.
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("A")
        await settle(pilot)
        before = [row.id for row in screen.table.rows]
        screen.table.cursor_row = 1
        await settle(pilot)
        burst(app, "slash", "i", "n", leave, "j", "j")
        await settle(pilot)
        rows = [row.id for row in screen.table.rows]
        expected = len(filter_rows(screen._rows, screen._query, FuzzyIndex(screen._rows)))
        assert screen._query.free_text == ("in" if leave == "enter" else "")
        assert len(rows) == expected and len(rows) >= 5
        assert (rows == before) == (leave == "escape")
        assert screen.focused is screen.table
        assert screen.table.cursor_row == 2 + (rows.index(before[1]) if before[1] in rows else 0)
