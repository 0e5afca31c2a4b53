"""A big store's derived work stays off the UI thread: the dashboard's
figures are computed in the load's thread, the table's rows in a thread
once the dashboard is drawn, and the Implementations screen opened before
they are there says so and shows them when they are."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot

from bench.generate import write
from ps_tui import collector
from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core import listing, view
from ps_tui.core.kpi import DEFAULT_WINDOW
from ps_tui.core.listing import TablePreview, TableStart
from ps_tui.core.slices import Sliced
from ps_tui.core.view import Portfolio
from ps_tui.screens.implementations import PREPARING, ImplementationsScreen
from ps_tui.store.file import FileStore
from tests.apps import settle
from tests.conftest import TODAY

COUNT = 3_000


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    assert collector.BIG_COUNT < COUNT
    return write(tmp_path / "big.json", COUNT)


def on_ui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


async def test_the_dashboards_figures_are_computed_in_the_loads_thread(
    big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[tuple[int | None, bool]] = []
    real = view.compute_kpis

    def compute(*args: object, **kwargs: object) -> object:
        computed.append((args[3], on_ui_thread()))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(view, "compute_kpis", compute)
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    assert not app.store.loads_quickly()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None
        shown = app.screen.query_one("#window-line").render()
        assert "90 days" in str(shown)
    # Once, off the UI thread; the dashboard drew what was computed.
    assert computed == [(DEFAULT_WINDOW, False)]


async def _preparing_screen(app: PsApp, pilot: Pilot[None]) -> ImplementationsScreen:
    """The Implementations screen, opened while the table's rows are made
    (held back by the test), once it shows its first rows."""
    for _ in range(400):
        await pilot.pause(0.02)
        if app.portfolio is not None:
            break
    await pilot.press("2")
    for _ in range(400):
        await pilot.pause(0.02)
        screen = app.screen
        if isinstance(screen, ImplementationsScreen) and screen.table.row_count:
            return screen
    raise AssertionError("no rows shown")


@dataclass
class Held:
    """The table's rows (TableStart), made once `gate` is set; whether each
    making ran on the UI thread."""

    gate: threading.Event = field(default_factory=threading.Event)
    on_ui: list[bool] = field(default_factory=list)


@pytest.fixture
def held_start(monkeypatch: pytest.MonkeyPatch) -> Held:
    held = Held()
    real = TableStart._build

    def build(portfolio: Portfolio) -> TableStart:
        held.on_ui.append(on_ui_thread())
        assert held.gate.wait(30)
        return real(portfolio)

    monkeypatch.setattr(TableStart, "_build", staticmethod(build))
    return held


async def test_the_rows_are_made_in_a_thread_and_shown_when_ready(big_store: Path, held_start: Held) -> None:
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _preparing_screen(app, pilot)
        # Keys go on being served while the rows are made, and one typed
        # into the filter meanwhile is applied to them when they come.
        await pilot.press("slash", *"seg:ent", "enter")
        assert screen.table.row_count == 0
        assert screen.table.empty_text == PREPARING
        held_start.gate.set()
        await settle(pilot)
        portfolio = app.portfolio
        assert portfolio is not None
        expected = listing.scope_positions(
            TableStart.of(portfolio).rows, range(COUNT), listing.Scope.ACTIVE, None
        )
        enterprise = [i for i in expected if TableStart.of(portfolio).rows[i].segment_id == "enterprise"]
        assert 0 < screen.table.row_count == len(enterprise)
    assert held_start.on_ui == [False]  # made once, never on the UI thread


async def test_a_small_store_makes_its_rows_when_the_screen_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    from ps_tui.data import default_store
    from ps_tui.store.memory import MemoryStore

    app = PsApp(MemoryStore(default_store(TODAY)), Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None and not TableStart.ready(app.portfolio)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ImplementationsScreen)
        assert app.screen.table.row_count > 0
        assert TableStart.ready(app.portfolio)


def test_the_preview_is_the_first_rows_of_the_whole_table(big_store: Path) -> None:
    portfolio = Portfolio.build(FileStore(big_store).read(), TODAY)
    preview = TablePreview.of(portfolio)
    assert TablePreview.of(portfolio) is preview  # made once
    start = TableStart.of(portfolio)
    active = listing.scope_positions(start.rows, start.order, listing.Scope.ACTIVE, None)
    assert 0 < len(active) < COUNT
    assert preview.positions == active
    assert preview.rows == [start.rows[i] for i in active]
    assert start.order == listing.sort_order(start.rows, *listing.DEFAULT_SORT)
    # Not kept once the whole table is made: it is shown no more.
    assert not portfolio.has_derived(TablePreview._build)


def test_the_default_order_in_steps_is_the_default_sort(big_store: Path) -> None:
    rows = TableStart.of(Portfolio.build(FileStore(big_store).read(), TODAY)).rows
    steps = listing.default_order(rows, chunk=7)
    assert Sliced(steps).finish() == listing.sort_order(rows, *listing.DEFAULT_SORT)


async def test_the_first_rows_show_while_the_rest_are_made(big_store: Path, held_start: Held) -> None:
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _preparing_screen(app, pilot)
        first = [row.id for row in screen.table.rows]
        count = str(screen.query_one("#row-count").render())
        assert f"{len(first):,} active · preparing all {COUNT:,}" in count
        await pilot.press("down", "down", "down")
        on = screen.table.rows[screen.table.cursor_row].id
        held_start.gate.set()
        await settle(pilot)
        # The same rows, now from the whole table; the cursor where it was.
        assert not screen._preparing
        assert [row.id for row in screen.table.rows] == first
        assert screen.table.rows[screen.table.cursor_row].id == on
        assert f"{len(first):,} / {COUNT:,} · active" in str(screen.query_one("#row-count").render())


async def test_a_row_of_the_first_rows_opens(big_store: Path, held_start: Held) -> None:
    from ps_tui.screens.detail import DetailScreen

    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _preparing_screen(app, pilot)
        await pilot.press("down", "down")
        wanted = screen.table.rows[2].id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.impl_id == wanted
        held_start.gate.set()


async def test_another_scope_waits_for_every_row_and_keeps_the_cursor(
    big_store: Path, held_start: Held
) -> None:
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _preparing_screen(app, pilot)
        await pilot.press("down", "down", "down", "down")
        on = screen.table.rows[screen.table.cursor_row].id
        await pilot.press("A")
        # The first rows are the active ones: with "all" asked for, they go.
        assert screen.table.row_count == 0 and screen.table.empty_text == PREPARING
        held_start.gate.set()
        await settle(pilot)
        assert screen.table.row_count == COUNT
        assert screen.table.rows[screen.table.cursor_row].id == on


def test_one_thing_derived_does_not_wait_for_another_under_way(big_store: Path) -> None:
    portfolio = Portfolio.build(FileStore(big_store).read(), TODAY)
    gate, started = threading.Event(), threading.Event()

    def slow(_: Portfolio) -> str:
        started.set()
        assert gate.wait(30)
        return "slow"

    def quick(_: Portfolio) -> str:
        return "quick"

    worker = threading.Thread(target=portfolio.derived, args=(slow,))
    worker.start()
    assert started.wait(30)
    try:
        assert portfolio.derived(quick) == "quick"  # not held up by `slow`
    finally:
        gate.set()
        worker.join(30)
    assert portfolio.derived(slow) == "slow" and portfolio.has_derived(slow)


async def test_a_load_makes_the_tables_rows_first_when_implementations_is_open(
    big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, bool]] = []
    real_rows, real_kpis, real_read = TableStart._build, view.compute_kpis, FileStore.read
    gate = threading.Event()

    def rows(portfolio: Portfolio) -> TableStart:
        made.append(("rows", on_ui_thread()))
        return real_rows(portfolio)

    def kpis(*args: object, **kwargs: object) -> object:
        made.append(("figures", on_ui_thread()))
        return real_kpis(*args, **kwargs)  # type: ignore[arg-type]

    def read(store: FileStore, *args: object, **kwargs: object) -> object:
        assert gate.wait(30)  # until Implementations is open
        return real_read(store, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TableStart, "_build", staticmethod(rows))
    monkeypatch.setattr(view, "compute_kpis", kpis)
    monkeypatch.setattr(FileStore, "read", read)
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ImplementationsScreen)
        gate.set()
        for _ in range(400):
            await pilot.pause(0.02)
            if len(made) == 2:
                break
        await settle(pilot)
        assert app.screen.table.row_count > 0
    # Every row first, then the dashboard's figures: both off the UI thread.
    assert made == [("rows", False), ("figures", False)]
