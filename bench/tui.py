"""The Implementations-screen cases, run inside one child process each.

Three apps show the same rows (every implementation, in ps-tui's default sort,
its nine columns as text):

- ps-tui: `PsApp` on a `MemoryStore` of the loaded store: "2" opens the
  Implementations screen and "A" widens its scope to all implementations.
  Its time includes building the Portfolio (every implementation assessed),
  the rows and their sort. The fuzzy index for free-text filtering (and the
  ranks of the next sort) are built in slices once the rows are shown, so
  they are outside this figure; the filter case waits for the index in its setup.
- datatable: Textual's stock `DataTable`, given the cell strings with
  `add_rows` (building the strings is part of its time).
- fastdatatable: `textual_fastdatatable.DataTable` over an Arrow table of the
  same strings (building the strings and the table is part of its time).

Every app runs headless under `run_test` at the same size, with the same
frame hook (`Frames`): a figure ends at the first frame drawn once the app
shows what was asked for. The loaded store, the Portfolio and the rows are
prepared the same way for every variant before any clock starts, so the heap
is alike; they are the baselines' input, while ps-tui builds its own again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header

from bench.launch import SIZE
from ps_tui.core import listing
from ps_tui.core.listing import COLUMNS, DEFAULT_SORT, Row
from ps_tui.core.model import StoreFile
from ps_tui.core.query import FuzzyIndex, filter_rows, parse_query
from ps_tui.core.view import Portfolio
from ps_tui.store.file import FileStore

TODAY = dt.date(2026, 11, 30)

#: How long to wait for any one frame before giving up, in seconds.
FRAME_TIMEOUT = 600.0

Cells = tuple[str, ...]
KEYS = [column.key for column in COLUMNS]
TITLES = [column.title for column in COLUMNS]


class Frames:
    """Timestamps the frames an app draws.

    Wraps the app's `_display`, which the compositor calls with every frame it
    has rendered (headless, every visible line is rendered; only the terminal
    write is skipped). `when(predicate)` is a future resolved with the
    `perf_counter()` of the first frame drawn while `predicate()` holds."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.count = 0
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        #: The UI thread's CPU time (`time.thread_time()`) when each future
        #: was resolved: unlike wall time, not stretched by other processes.
        self.cpu_at: dict[asyncio.Future[float], float] = {}
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or screen is not app.screen or app._batch_count:
                return
            now = time.perf_counter()
            self.count += 1
            for item in list(self._waiting):
                predicate, future = item
                if future.done():
                    self._waiting.remove(item)
                elif predicate():
                    future.set_result(now)
                    self.cpu_at[future] = time.thread_time()
                    self._waiting.remove(item)

        app._display = timed_display  # type: ignore[method-assign]

    def when(self, predicate: Callable[[], bool]) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((predicate, future))
        return future


async def frame(future: asyncio.Future[float]) -> float:
    return await asyncio.wait_for(future, FRAME_TIMEOUT)


def press(app: App[Any], key: str) -> None:
    """Send `key` as the terminal driver would, without `Pilot.press`'s wait
    for the process to go idle (which sleeps in 20 ms steps)."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app.post_message(event)


def replaced(table: Any, check: Callable[[], bool]) -> Callable[[], bool]:
    """A predicate: `table` (a VirtualTable) has been given other rows since
    this call, and `check()` holds."""
    old = table.rows
    return lambda: table.rows is not old and check()


def cell_rows(rows: Sequence[Row]) -> list[Cells]:
    """Each row's nine cells as text, as the baselines show them."""
    cell_text = listing.cell_text
    return [tuple([cell_text(row, key) for key in KEYS]) for row in rows]


def cell_columns(rows: Sequence[Row]) -> dict[str, list[str]]:
    """The same cells, column by column (for Arrow)."""
    cell_text = listing.cell_text
    return {title: [cell_text(row, key) for row in rows] for title, key in zip(TITLES, KEYS, strict=True)}


def measured(table: Widget) -> bool:
    """Whether a DataTable (either kind) has measured the rows it was given."""
    return not getattr(table, "_require_update_dimensions", False) and not getattr(table, "_new_rows", ())


# -- the baseline apps ---------------------------------------------------------------


class StockTableApp(App[None]):
    """Textual's DataTable with a header and a footer."""

    def __init__(self, rows: Sequence[Row]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#table", DataTable)
        for title, key in zip(TITLES, KEYS, strict=True):
            table.add_column(title, key=key)
        table.add_rows(cell_rows(self._rows))

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#table", DataTable)


def fast_table(data: Any) -> Widget:
    """A fastdatatable over the Arrow table `data`."""
    from textual_fastdatatable import ArrowBackend
    from textual_fastdatatable import DataTable as FastDataTable

    return FastDataTable(
        backend=ArrowBackend(data),
        id="table",
        cursor_type="row",
        zebra_stripes=True,
        show_row_labels=False,
        render_markup=False,
    )


class FastTableApp(App[None]):
    """textual-fastdatatable's DataTable with a header and a footer."""

    def __init__(self, rows: Sequence[Row]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        import pyarrow as pa  # type: ignore[import-untyped]

        yield Header()
        yield fast_table(pa.Table.from_pydict(cell_columns(self._rows)))
        yield Footer()

    @property
    def table(self) -> Any:
        return self.query_one("#table")


# -- preparing the input -------------------------------------------------------------


class Prepared:
    """The store, its portfolio and rows in ps-tui's default order, and the
    fuzzy index over them: the same for every variant, built before any clock."""

    def __init__(self, path: Path) -> None:
        self.data: StoreFile = FileStore(path).read()
        portfolio = Portfolio.build(self.data, TODAY)
        self.rows = listing.sort_rows(listing.build_rows(portfolio), *DEFAULT_SORT)
        self.index = FuzzyIndex(self.rows)
        del portfolio

    def matching(self, text: str) -> list[Row]:
        """The rows ps-tui shows for filter `text` with scope "all"."""
        positions = filter_rows(self.rows, parse_query(text, self.data), self.index)
        return [self.rows[i] for i in positions]


def _settle() -> None:
    gc.collect()
    gc.freeze()


def _fastdatatable_missing() -> str | None:
    try:
        import pyarrow  # noqa: F401
        import textual_fastdatatable  # noqa: F401
        from textual_fastdatatable import DataTable as _FastDataTable  # noqa: F401
    except Exception as error:  # ImportError, or a broken build
        return f"textual-fastdatatable not importable ({type(error).__name__}: {error})"
    return None


# -- interactive: from the loaded store to the rows on screen ------------------------


async def _interactive(prepared: Prepared, variant: str) -> dict[str, Any]:
    count = len(prepared.rows)
    if variant == "ps-tui":
        # The screen's module is not imported here: the app imports it when
        # the screen first opens, inside the clock.
        from ps_tui.app import PsApp
        from ps_tui.config import Settings
        from ps_tui.store.memory import MemoryStore

        _settle()
        start = time.perf_counter()
        app: App[Any] = PsApp(MemoryStore(prepared.data, location="bench"), Settings(today=TODAY))
        frames = Frames(app)

        def opened_now() -> bool:
            return type(app.screen).__name__ == "ImplementationsScreen"

        def ready() -> bool:
            return opened_now() and app.screen.table.row_count == count  # type: ignore[attr-defined]

        opened = frames.when(opened_now)
        shown = frames.when(ready)
        async with app.run_test(size=SIZE):
            # "2" opens the screen; "A" (all implementations) once it is drawn.
            press(app, "2")
            await frame(opened)
            press(app, "A")
            end = await frame(shown)
        return {"samples": [end - start], "extra": {"rows": count, "frames": frames.count}}

    if variant == "datatable":
        _settle()
        start = time.perf_counter()
        stock = StockTableApp(prepared.rows)
        frames = Frames(stock)
        shown = frames.when(lambda: stock.table.row_count == count and measured(stock.table))
        async with stock.run_test(size=SIZE):
            end = await frame(shown)
        return {"samples": [end - start], "extra": {"rows": count, "frames": frames.count}}

    if variant == "fastdatatable":
        _settle()
        start = time.perf_counter()
        fast = FastTableApp(prepared.rows)
        frames = Frames(fast)
        shown = frames.when(lambda: fast.table.row_count == count and measured(fast.table))
        async with fast.run_test(size=SIZE):
            end = await frame(shown)
        return {"samples": [end - start], "extra": {"rows": count, "frames": frames.count}}
    raise ValueError(f"unknown variant {variant!r}")


# -- one filter keystroke --------------------------------------------------------------


async def _filter(prepared: Prepared, variant: str, before: str, after: str, repeats: int) -> dict[str, Any]:
    """Time one keystroke that turns filter `before` into `after` (one more
    character) with every implementation in scope, `repeats` times."""
    assert after.startswith(before) and len(after) == len(before) + 1
    rows_before, rows_after = prepared.matching(before), prepared.matching(after)
    samples: list[float] = []
    extra: dict[str, Any] = {"rows_before": len(rows_before), "rows_after": len(rows_after)}
    if variant == "ps-tui":
        from textual.widgets import Input

        from ps_tui.app import PsApp
        from ps_tui.config import Settings
        from ps_tui.screens.implementations import ImplementationsScreen
        from ps_tui.store.memory import MemoryStore

        app: App[Any] = PsApp(MemoryStore(prepared.data, location="bench"), Settings(today=TODAY))
        frames = Frames(app)
        handled: list[float] = []
        async with app.run_test(size=SIZE) as pilot:
            screen: Any = None

            def all_shown() -> bool:
                return isinstance(app.screen, ImplementationsScreen) and app.screen.table.row_count == len(
                    prepared.rows
                )

            ready = frames.when(all_shown)
            await pilot.press("2", "A")
            await frame(ready)
            screen = app.screen
            table = screen.table
            box = screen.query_one("#filter", Input)
            # Note when the screen hands the table its new rows.
            set_rows = table.set_rows

            def timed_set_rows(*args: Any, **kwargs: Any) -> None:
                set_rows(*args, **kwargs)
                handled.append(time.perf_counter())

            table.set_rows = timed_set_rows
            await pilot.press("slash", *before)
            await pilot.pause()
            # The fuzzy index is built in slices once the rows are shown.
            deadline = asyncio.get_running_loop().time() + FRAME_TIMEOUT
            while screen._index is None:
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError("setup: the fuzzy index was never built")
                await asyncio.sleep(0.01)
            if box.value != before or table.row_count != len(rows_before):
                raise RuntimeError(f"setup: filter {box.value!r} shows {table.row_count} rows")
            for _ in range(repeats):
                drawn = frames.when(replaced(table, lambda: box.value == after))
                handled.clear()
                _settle()
                cpu = time.thread_time()
                start = time.perf_counter()
                press(app, after[-1])
                end = await frame(drawn)
                samples.append(end - start)
                extra.setdefault("to_rows_set", []).append(handled[-1] - start)
                extra.setdefault("cpu", []).append(frames.cpu_at.pop(drawn) - cpu)
                if table.row_count != len(rows_after):
                    raise RuntimeError(f"{after!r} shows {table.row_count} rows, expected {len(rows_after)}")
                back = frames.when(replaced(table, lambda: box.value == before))
                await pilot.press("backspace")
                await frame(back)
                await pilot.pause()
        return {"samples": samples, "extra": extra}

    if variant == "datatable":
        cells_before = cell_rows(rows_before)
        after_rows = rows_after
        stock = StockTableApp(rows_before)
        frames = Frames(stock)
        async with stock.run_test(size=SIZE) as pilot:
            table = stock.table
            await frame(frames.when(lambda: table.row_count == len(rows_before) and measured(table)))
            for _ in range(repeats):
                drawn = frames.when(lambda: table.row_count == len(after_rows) and measured(table))
                _settle()
                start = time.perf_counter()
                table.clear()
                table.add_rows(cell_rows(after_rows))
                end = await frame(drawn)
                samples.append(end - start)
                back = frames.when(lambda: table.row_count == len(rows_before) and measured(table))
                table.clear()
                table.add_rows(cells_before)
                await frame(back)
                await pilot.pause()
        return {"samples": samples, "extra": extra}

    if variant == "fastdatatable":
        import pyarrow as pa

        # The full table is kept, as an app built on Arrow would; a filter
        # takes the matching rows from it and mounts a new table over them
        # (fastdatatable's DataTable has no clear(): "mount a new one instead").
        full = pa.Table.from_pydict(cell_columns(prepared.rows))
        position = {id(row): i for i, row in enumerate(prepared.rows)}
        take_before = pa.array([position[id(row)] for row in rows_before])
        take_after = pa.array([position[id(row)] for row in rows_after])
        fast = FastTableApp(rows_before)
        frames = Frames(fast)

        def showing(table: Any, count: int) -> Callable[[], bool]:
            return lambda: table.is_mounted and table.row_count == count and measured(table)

        async def replace(indices: Any, count: int) -> float:
            old = fast.table
            new = fast_table(full.take(indices))
            drawn = frames.when(showing(new, count))
            await old.remove()
            await fast.mount(new, before=fast.query_one(Footer))
            return await frame(drawn)

        async with fast.run_test(size=SIZE) as pilot:
            await frame(frames.when(showing(fast.table, len(rows_before))))
            for _ in range(repeats):
                _settle()
                start = time.perf_counter()
                end = await replace(take_after, len(rows_after))
                samples.append(end - start)
                await replace(take_before, len(rows_before))
                await pilot.pause()
        return {"samples": samples, "extra": extra}
    raise ValueError(f"unknown variant {variant!r}")


# -- one sort ----------------------------------------------------------------------


async def _sort(prepared: Prepared, variant: str, repeats: int) -> dict[str, Any]:
    """Time sorting every implementation on the customer column, `repeats`
    times, going back to the default order (untimed) in between."""
    count = len(prepared.rows)
    samples: list[float] = []
    if variant == "ps-tui":
        from ps_tui.app import PsApp
        from ps_tui.config import Settings
        from ps_tui.screens.implementations import ImplementationsScreen
        from ps_tui.store.memory import MemoryStore

        app: App[Any] = PsApp(MemoryStore(prepared.data, location="bench"), Settings(today=TODAY))
        frames = Frames(app)
        async with app.run_test(size=SIZE) as pilot:

            def all_shown() -> bool:
                return isinstance(app.screen, ImplementationsScreen) and app.screen.table.row_count == count

            ready = frames.when(all_shown)
            await pilot.press("2", "A")
            await frame(ready)
            screen: Any = app.screen
            table = screen.table
            keys = len(COLUMNS)
            for _ in range(repeats):
                assert screen.sort_key == DEFAULT_SORT[0]
                drawn = frames.when(replaced(table, lambda: screen.sort_key == "customer"))
                _settle()
                start = time.perf_counter()
                press(app, "s")
                end = await frame(drawn)
                samples.append(end - start)
                # Round the cycle back to the default sort (health).
                back = frames.when(lambda: screen.sort_key == DEFAULT_SORT[0])
                await pilot.press(*["s"] * (keys - 1))
                await frame(back)
                await pilot.pause()
        return {"samples": samples, "extra": {"rows": count}}

    if variant == "datatable":
        stock = StockTableApp(prepared.rows)
        frames = Frames(stock)
        async with stock.run_test(size=SIZE) as pilot:
            table = stock.table
            await frame(frames.when(lambda: table.row_count == count and measured(table)))
            for _ in range(repeats):
                _settle()
                start = time.perf_counter()
                table.sort("customer", key=str.casefold)
                end = await frame(frames.when(lambda: True))
                samples.append(end - start)
                table.sort("health")
                await frame(frames.when(lambda: True))
                await pilot.pause()
        return {"samples": samples, "extra": {"rows": count}}

    if variant == "fastdatatable":
        fast = FastTableApp(prepared.rows)
        frames = Frames(fast)
        async with fast.run_test(size=SIZE) as pilot:
            table = fast.table
            await frame(frames.when(lambda: table.row_count == count and measured(table)))
            for _ in range(repeats):
                _settle()
                start = time.perf_counter()
                table.sort("Customer")
                end = await frame(frames.when(lambda: True))
                samples.append(end - start)
                table.sort("Health")
                await frame(frames.when(lambda: True))
                await pilot.pause()
        return {"samples": samples, "extra": {"rows": count}}
    raise ValueError(f"unknown variant {variant!r}")


# -- a keystroke in the edit form ------------------------------------------------------


class InputApp(App[None]):
    """One compact Input between a header and a footer: what a keystroke
    costs in Textual itself."""

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Header()
        yield Input(id="box", compact=True)
        yield Footer()


async def _form(prepared: Prepared, variant: str, text: str, repeats: int) -> dict[str, Any]:
    """Time one character typed into the Customer field of the new-implementation
    form (ps-tui: keys 2 then n, then `text` typed) until the frame showing it,
    `repeats` times; backspace (untimed) in between. ps-tui's figure ends when
    both are done: that frame drawn, and the form's check of every field (which
    may come after the frame, and draws nothing when no message changes)."""
    from textual.widgets import Input

    samples: list[float] = []
    extra: dict[str, Any] = {}
    app: App[Any]
    if variant == "ps-tui":
        from ps_tui.app import PsApp
        from ps_tui.config import Settings
        from ps_tui.screens.form import FormScreen
        from ps_tui.store.memory import MemoryStore

        app = PsApp(MemoryStore(prepared.data, location="bench"), Settings(today=TODAY))
    elif variant == "input":
        app = InputApp()
    else:
        raise ValueError(f"unknown variant {variant!r}")
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        if variant == "ps-tui":
            await pilot.press("2")
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            if not isinstance(app.screen, FormScreen):
                raise RuntimeError(f"setup: n opened {type(app.screen).__name__}")
        screen = app.screen
        box = screen.query_one("#field-customer" if variant == "ps-tui" else "#box", Input)
        box.focus()
        #: (value, perf_counter, thread_time) at the end of each check of the form.
        checked: list[tuple[str, float, float]] = []
        if variant == "ps-tui":
            validate = screen.validate

            def timed_validate() -> Any:
                result = validate()
                checked.append((box.value, time.perf_counter(), time.thread_time()))
                return result

            screen.validate = timed_validate
        await pilot.press(*text[:-1])
        await pilot.pause()
        loop = asyncio.get_running_loop()
        for _ in range(repeats):
            drawn = frames.when(lambda: box.value == text)
            checks = len(checked)
            _settle()
            cpu = time.thread_time()
            start = time.perf_counter()
            press(app, text[-1])
            end = await frame(drawn)
            end_cpu = frames.cpu_at.pop(drawn)
            if variant == "ps-tui":
                deadline = loop.time() + FRAME_TIMEOUT
                while not any(value == text for value, _, _ in checked[checks:]):
                    if loop.time() > deadline:
                        raise RuntimeError("the form never checked the new value")
                    await asyncio.sleep(0.001)
                _, at, at_cpu = next(item for item in checked[checks:] if item[0] == text)
                end, end_cpu = max(end, at), max(end_cpu, at_cpu)
            samples.append(end - start)
            extra.setdefault("cpu", []).append(end_cpu - cpu)
            back = frames.when(lambda: box.value == text[:-1])
            await pilot.press("backspace")
            await frame(back)
            await pilot.pause()
    return {"samples": samples, "extra": extra}


# -- the longest UI-thread stall -------------------------------------------------------


class LoopLag:
    """The longest the event loop (the UI thread) was kept from running a
    5 ms timer, per phase: what a user feels as a frozen screen."""

    TICK = 0.005

    def __init__(self) -> None:
        self.worst: dict[str, float] = {}
        self.phase = "setup"
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.TICK)
            late = time.perf_counter() - start - self.TICK
            self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), late)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _stall(prepared: Prepared, variant: str) -> dict[str, Any]:
    """Type a burst, backspace it away, type free text, sort, at the
    store's size: the longest stall of the UI thread in each, and the time
    from a burst's last key to its rows on screen."""
    if variant != "ps-tui":
        return {"unavailable": "ps-tui only"}
    from ps_tui.app import PsApp
    from ps_tui.config import Settings
    from ps_tui.screens.implementations import ImplementationsScreen
    from ps_tui.store.memory import MemoryStore

    count = len(prepared.rows)
    app: App[Any] = PsApp(MemoryStore(prepared.data, location="bench"), Settings(today=TODAY))
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:

        def all_shown() -> bool:
            return isinstance(app.screen, ImplementationsScreen) and app.screen.table.row_count == count

        ready = frames.when(all_shown)
        await pilot.press("2", "A")
        await frame(ready)
        with LoopLag() as lag:
            settled = await typing_phases(app, pilot, frames, lag)
        worst = max(lag.worst[name] for name in settled)
    return {
        "samples": [worst],
        "extra": {"rows": count, "stalls": {n: lag.worst[n] for n in settled}, "settled": settled},
    }


async def typing_phases(app: App[Any], pilot: Any, frames: Frames, lag: LoopLag) -> dict[str, float]:
    """On an Implementations screen showing every row: type a burst,
    backspace it away, type free text, sort, each a phase of `lag`.
    Returns, per phase, the time from its last key to its rows on screen."""
    screen: Any = app.screen
    table = screen.table
    count = table.row_count
    settled: dict[str, float] = {}

    async def phase(name: str, keys: list[str], done: Callable[[], bool]) -> None:
        lag.phase = "between"  # the collection below stalls too: not the phase's
        _settle()
        await pilot.pause(0.2)
        lag.phase = name
        drawn = frames.when(replaced(table, done))
        for key in keys:
            press(app, key)
        last = time.perf_counter()
        settled[name] = await frame(drawn) - last
        await pilot.pause(0.3)

    await phase("burst seg:ent", ["slash", *"seg:ent"], lambda: screen._query.segments != ())
    await phase("backspace run", ["backspace"] * 7, lambda: table.row_count == count)
    await phase("free text globex", list("globex"), lambda: screen._query.free_text == "globex")
    await phase("sort", ["escape", "s"], lambda: screen.sort_key != "health" and table.row_count == count)
    return settled


def measure(path: Path, op: str, variant: str, **params: Any) -> dict[str, Any]:
    """Run TUI measurement `op` ("interactive", "filter", "sort", "form") for `variant`."""
    if variant == "fastdatatable":
        missing = _fastdatatable_missing()
        if missing:
            return {"unavailable": missing}
    prepared = Prepared(path)
    if op == "interactive":
        return asyncio.run(_interactive(prepared, variant))
    if op == "filter":
        return asyncio.run(_filter(prepared, variant, **params))
    if op == "sort":
        return asyncio.run(_sort(prepared, variant, **params))
    if op == "form":
        return asyncio.run(_form(prepared, variant, **params))
    if op == "stall":
        return asyncio.run(_stall(prepared, variant))
    raise ValueError(f"unknown TUI measurement {op!r}")
