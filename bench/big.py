"""The big-store case, run inside one child process each: ps-tui on a
JSON store file of 1,000,000 implementations (100,000 with --quick), as a
user starts it.

- decode: `FileStore(path).read()` alone (read, typed decode, checks,
  fingerprint: no views built), and the memory the decoded store holds.
- ps-tui: `PsApp` on a `FileStore` of the same file, loading it as it does
  from a terminal (in a thread, with its progress shown). From the app's
  construction to the first frame of the dashboard with data; then "2" at
  once, to the Implementations screen's first rows drawn; "A" (every
  implementation); the typing and sorting phases of the stall case, with
  the longest UI-thread stall of each; and the process's peak memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import resource
import time
from pathlib import Path
from typing import Any

from bench.launch import SIZE
from bench.tui import Frames, LoopLag, frame, press, typing_phases

TODAY = dt.date(2026, 11, 30)
STATM = Path("/proc/self/statm")


def _resident_mib() -> float:
    """This process's resident memory now, in MiB (Linux)."""
    pages = int(STATM.read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _decode(path: Path) -> dict[str, Any]:
    from ps_tui.store.file import FileStore

    store = FileStore(path)
    gc.collect()
    before = _resident_mib()
    start = time.perf_counter()
    data = store.read()
    elapsed = time.perf_counter() - start
    gc.collect()
    return {
        "samples": [elapsed],
        "extra": {
            "implementations": len(data.implementations),
            # What the decoded store holds, the file's bytes freed.
            "store_mib": _resident_mib() - before,
            "resident_mib": _resident_mib(),
            "peak_mib": _peak_mib(),
        },
    }


async def _ps_tui(path: Path) -> dict[str, Any]:
    from ps_tui.app import PsApp
    from ps_tui.config import Settings
    from ps_tui.screens.implementations import ImplementationsScreen
    from ps_tui.store.file import FileStore

    gc.collect()
    before = _resident_mib()
    start = time.perf_counter()
    app: Any = PsApp(FileStore(path), Settings(store=path, today=TODAY))
    frames = Frames(app)

    def on_implementations() -> bool:
        return isinstance(app.screen, ImplementationsScreen)

    def rows_drawn() -> bool:
        return on_implementations() and app.screen.table.row_count > 0

    def dashboard_figures() -> bool:
        return app.portfolio is not None and type(app.screen).__name__ == "DashboardScreen"

    dashboard = frames.when(dashboard_figures)
    async with app.run_test(size=SIZE) as pilot:
        with LoopLag() as lag:
            lag.phase = "load"
            shown = await frame(dashboard)
            # "2" the moment the figures are on screen, as an impatient user would.
            lag.phase = "open"
            opened, first_rows = frames.when(on_implementations), frames.when(rows_drawn)
            pressed = time.perf_counter()
            press(app, "2")
            screen_at = await frame(opened)
            rows_at = await frame(first_rows)
            count = len(app.portfolio.data.implementations)
            every = frames.when(lambda: on_implementations() and app.screen.table.row_count == count)
            lag.phase = "all"
            press(app, "A")
            all_at = await frame(every)
            settled = await typing_phases(app, pilot, frames, lag)
    return {
        "samples": [shown - start],
        "extra": {
            "implementations": count,
            "open": rows_at - pressed,
            "screen": screen_at - pressed,
            "all": all_at - rows_at,
            "stalls": {name: lag.worst[name] for name in ("load", "open", "all", *settled)},
            "settled": settled,
            "before_mib": before,
            "peak_mib": _peak_mib(),
        },
    }


def measure(path: Path, variant: str) -> dict[str, Any]:
    """Run `variant` ("decode" or "ps-tui") on the store file at `path`."""
    if not STATM.exists():
        return {"unavailable": "needs Linux's /proc/self/statm for memory"}
    if variant == "decode":
        return _decode(path)
    if variant == "ps-tui":
        return asyncio.run(_ps_tui(path))
    raise ValueError(f"unknown variant {variant!r}")
