"""The Implementations screen filters and sorts in slices between keys and
frames: a newer key drops the work under way, a sort keeps the cursor on its
implementation, and free text typed before the fuzzy index is built still
finds the right rows. Every step is made its own slice here, so that at the
demo's size the work can be caught under way."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot

from ps_tui.core import slices
from ps_tui.core.listing import Row, sort_rows
from ps_tui.core.query import FuzzyIndex
from ps_tui.screens.implementations import ImplementationsScreen
from tests.apps import burst, demo_app, settle


@pytest.fixture(autouse=True)
def one_step_a_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slices, "SLICE", 0.0)
    monkeypatch.setattr(slices, "FIRST_SLICE", 0.0)
    monkeypatch.setattr(ImplementationsScreen, "CHUNK", 2, raising=False)


async def all_rows(pilot: Pilot[None]) -> ImplementationsScreen:
    await settle(pilot)
    await pilot.press("2", "A")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImplementationsScreen)
    return screen


async def under_way(screen: ImplementationsScreen) -> None:
    """Wait (a bounded number of turns) until a refilter or sort runs in slices."""
    for _ in range(2000):
        if screen._job is not None:
            return
        await asyncio.sleep(0)
    raise AssertionError("no work under way")


def shown(screen: ImplementationsScreen) -> list[Row]:
    return list(screen.table.rows)


async def test_a_key_typed_while_a_filter_runs_drops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await all_rows(pilot)
        applied: list[list[str]] = []
        apply = screen._apply

        def recorded(answer: Any) -> None:
            applied.append([row.customer for row in answer.rows])
            apply(answer)

        monkeypatch.setattr(screen, "_apply", recorded)
        burst(app, "slash", "g")
        await under_way(screen)
        burst(app, *"lobex")
        await settle(pilot)
        # The filter for "g" never showed: only the last text's rows did.
        assert applied == [["Globex Corporation"]]
        assert [row.customer for row in shown(screen)] == ["Globex Corporation"]


async def test_a_sort_in_slices_keeps_the_cursor_on_its_implementation() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await all_rows(pilot)
        await pilot.press(*["down"] * 5)
        chosen = screen.selected()
        assert chosen is not None and screen.table.cursor_row == 5
        before = shown(screen)
        burst(app, "s")
        await under_way(screen)
        # Meanwhile the rows and the cursor are as they were.
        assert shown(screen) == before and screen.selected() == chosen
        await settle(pilot)
        rows = shown(screen)
        assert screen.sort_key == "customer" and rows == sort_rows(before, "customer", False)
        assert screen.selected() == chosen
        assert rows[screen.table.cursor_row].id == chosen.id
        await pilot.press("S")
        await settle(pilot)
        assert shown(screen) == sort_rows(rows, "customer", True)
        assert screen.selected() == chosen


async def test_free_text_before_the_index_is_built_finds_the_rows_in_the_order_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing built ahead: only the filter itself builds the index.
    monkeypatch.setattr(ImplementationsScreen, "_prepare", lambda self: None)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await all_rows(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert screen.sort_key == "customer" and screen._index is None
        job = screen._index_job()
        job.step()
        job.step()  # under way, far from done
        assert not job.done
        burst(app, "slash", *"co")
        await settle(pilot)
        ordered = shown_before = list(screen._sorted)
        assert shown_before == sort_rows(screen._rows, "customer", False)
        wanted = [ordered[i] for i in FuzzyIndex(ordered).search("co")]
        assert wanted and len(wanted) < len(ordered)
        assert shown(screen) == wanted
        assert screen._index is job.value


async def test_what_a_key_sets_going_runs_to_its_end_between_two_slices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A chain of three callbacks (a timer's callback, then its task; a key
    # from the app to the screen to the focus) got one step per slice, and
    # waited three slices; now it ends before the next slice.
    runs: list[int] = []
    original = slices.Sliced.run_for

    def counted(self: slices.Sliced[Any], seconds: float) -> bool:
        runs.append(1)
        return original(self, seconds)

    monkeypatch.setattr(slices.Sliced, "run_for", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await all_rows(pilot)
        burst(app, "s")
        await under_way(screen)
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[int] = loop.create_future()
        start = len(runs)

        def hop(left: int) -> None:
            if left:
                loop.call_soon(hop, left - 1)
            else:
                ended.set_result(len(runs) - start)

        loop.call_soon(hop, 2)
        assert await ended <= 1
        assert screen._job is not None  # still sorting: the slices go on
        await settle(pilot)
        assert screen.sort_key != "health" and screen._job is None
