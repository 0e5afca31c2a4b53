"""Long loads: what they show while under way, and `q` while they are."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from bench.generate import generate
from ps_tui import app as app_module
from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.model import StoreFile
from ps_tui.data import default_store
from ps_tui.screens.dashboard import DashboardScreen
from ps_tui.screens.implementations import NO_MATCH, NOT_LOADED
from ps_tui.store import file as file_store
from ps_tui.store import json_pieces
from ps_tui.store.base import LoadProgress, Progress
from ps_tui.store.file import FileStore
from ps_tui.store.memory import MemoryStore
from ps_tui.widgets.progress import ProgressPanel
from ps_tui.widgets.vtable import VirtualTable
from tests.apps import settle
from tests.conftest import TODAY

#: Steps of the slow store's load: far longer than any test waits.
STEPS = 2_000


class SlowStore(MemoryStore):
    """A store whose load takes its time in a thread, as a big file's does,
    telling its progress after every step and stopping when that raises."""

    def __init__(self, data: StoreFile) -> None:
        super().__init__(data, location="slow")
        self.started = threading.Event()
        self.ended = threading.Event()
        self.steps = 0
        self.finished = False

    def loads_quickly(self) -> bool:
        return False

    def _load(self, progress: Progress | None) -> StoreFile:
        try:
            for step in range(STEPS):
                if progress is not None:
                    progress(LoadProgress("Decoding", step, STEPS, "implementations"))
                self.started.set()
                time.sleep(0.005)  # the slowness of this double, not of ps-tui
                self.steps = step + 1
            self.finished = True
            return self.data
        finally:
            self.ended.set()

    async def load(self, progress: Progress | None = None) -> StoreFile:
        return await asyncio.to_thread(self._load, progress)


async def test_q_quits_during_a_load_without_waiting_for_it() -> None:
    store = SlowStore(default_store(TODAY))
    app = PsApp(store, Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await asyncio.to_thread(store.started.wait, 10)
        await pilot.press("q")
    # The app has exited; its load's thread stopped at its next step rather
    # than run to the end (which the interpreter would wait for at exit).
    assert await asyncio.to_thread(store.ended.wait, 5)
    assert not store.finished
    assert store.steps < STEPS
    assert app.return_code == 0


class EagerStore(MemoryStore):
    """A store whose load's thread reports its steps as fast as it can,
    noting after each how far the app had shown."""

    def __init__(self, data: StoreFile) -> None:
        super().__init__(data, location="eager")
        self.app: PsApp | None = None
        self.seen: list[tuple[int, int]] = []

    def loads_quickly(self) -> bool:
        return False

    def _load(self, progress: Progress | None) -> StoreFile:
        assert progress is not None and self.app is not None
        for step in range(200):
            progress(LoadProgress("Decoding", step, 200, "implementations"))
            shown = self.app.load_progress
            self.seen.append((step, -1 if shown is None else shown.done))
        return self.data

    async def load(self, progress: Progress | None = None) -> StoreFile:
        return await asyncio.to_thread(self._load, progress)


async def test_a_loads_thread_waits_for_the_ui_to_show_each_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "PROGRESS_INTERVAL", 0.0)  # every step is shown
    store = EagerStore(default_store(TODAY))
    app = store.app = PsApp(store, Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None
    # Each step was reported only once the one before it was on the screen.
    assert len(store.seen) == 200
    assert all(shown >= step - 1 for step, shown in store.seen)


async def test_a_fast_load_shows_at_most_ten_steps_a_second() -> None:
    # Each step drawn costs the UI a frame: at a load's pace (500 slices of
    # 1,000,000 implementations) they took a third of the load's time.
    store = EagerStore(default_store(TODAY))
    app = store.app = PsApp(store, Settings(today=TODAY))
    started = time.monotonic()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None
        took = time.monotonic() - started
    assert len(store.seen) == 200
    assert store.seen[1] == (1, 0)  # a stage's first step is shown, and waited for
    shown = {done for _, done in store.seen if done >= 0}
    assert len(shown) <= 2 + took / app_module.PROGRESS_INTERVAL
    assert len(shown) < 50


class GatedStore(MemoryStore):
    """A store whose load says how far it has come, then waits to be let go."""

    def __init__(self, data: StoreFile, step: LoadProgress) -> None:
        super().__init__(data, location="gated")
        self.step = step
        self.gate = asyncio.Event()
        self.persistent = True

    def loads_quickly(self) -> bool:
        return False

    async def load(self, progress: Progress | None = None) -> StoreFile:
        if progress is not None:
            progress(self.step)
        await self.gate.wait()
        return self.data


async def wait_for_panel(pilot: Pilot[None]) -> ProgressPanel:
    for _ in range(100):
        await pilot.pause()
        found = pilot.app.screen.query(ProgressPanel)
        if found:
            return found.first(ProgressPanel)
    raise AssertionError("no progress shown")


async def test_a_load_shows_its_counts_and_the_bar_goes_when_it_ends() -> None:
    step = LoadProgress("Decoding", 12_000, 100_000, "implementations")
    store = GatedStore(default_store(TODAY), step)
    app = PsApp(store, Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await wait_for_panel(pilot)
        await pilot.pause()
        words = str(panel.query_one(".progress-words").render())
        assert words == "Decoding 12,000 of 100,000 implementations"
        bar = panel.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (12_000, 100_000)
        assert str(app.screen.query_one("StatusLine").render()) == "Loading gated…"
        store.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not app.screen.query(ProgressPanel)
        assert app.load_progress is None


async def test_a_screen_opened_during_the_load_shows_it_too() -> None:
    step = LoadProgress("Assessing", 30_000, 100_000, "implementations")
    store = GatedStore(default_store(TODAY), step)
    app = PsApp(store, Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_panel(pilot)
        await pilot.press("2")
        panel = await wait_for_panel(pilot)
        assert app.screen.sub_title == "Implementations"
        # Not "No implementations match": nothing was filtered yet.
        assert app.screen.query_one("#table", VirtualTable).empty_text == NOT_LOADED
        assert (
            str(panel.query_one(".progress-words").render()) == "Assessing 30,000 of 100,000 implementations"
        )
        store.gate.set()
        await settle(pilot)
        assert not app.screen.query(ProgressPanel)
        assert app.screen.query_one("#table", VirtualTable).empty_text == NO_MATCH


def write_json_store(path: Path, count: int) -> StoreFile:
    data = generate(count)
    FileStore(path).write(data)
    return data


def test_a_json_file_is_decoded_in_slices_with_its_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not in ps-tui's layout (one line): a first pass, then slices.
    path = tmp_path / "store.json"
    write_json_store(path, 2_500)
    path.write_bytes(msgspec.json.encode(msgspec.json.decode(path.read_bytes())))
    monkeypatch.setattr(file_store, "DECODE_SLICE", 1_000)
    steps: list[LoadProgress] = []
    data = FileStore(path).read(progress=steps.append)
    assert data == FileStore(path).read()
    size = path.stat().st_size
    assert steps[:2] == [
        LoadProgress("Reading", 0, size, "bytes"),
        LoadProgress("Reading", size, size, "bytes"),
    ]
    decoded = [(s.done, s.total) for s in steps if s.stage == "Decoding"]
    assert decoded == [(0, 2_500), (1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    checked = [s.done for s in steps if s.stage == "Checking"]
    assert checked[-1] == 2_500


def test_a_file_in_the_apps_layout_is_decoded_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.json"
    write_json_store(path, 2_500)
    monkeypatch.setattr(json_pieces, "PIECE_BYTES", 500_000)
    steps: list[LoadProgress] = []
    data = FileStore(path).read(progress=steps.append)
    monkeypatch.setattr(file_store, "_SlicedStore", None)  # the pieces need no first pass
    assert data == FileStore(path).read(progress=lambda step: None) == FileStore(path).read()
    decoded = [(s.done, s.total) for s in steps if s.stage == "Decoding"]
    # Counted as they come (the total is not known before the end).
    assert decoded[0] == (0, None) and decoded[-1] == (2_500, 2_500)
    counts = [done for done, total in decoded[1:-1]]
    assert len(counts) >= 4 and counts == sorted(counts) and counts[-1] == 2_500
    assert all(total is None for _, total in decoded[:-1])
    assert LoadProgress("Decoding", 1_234, None, "implementations").words == "Decoding 1,234 implementations…"


@pytest.mark.parametrize("in_pieces", [False, True], ids=["compact file", "in pieces"])
def test_a_load_stops_when_its_progress_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_pieces: bool
) -> None:
    path = tmp_path / "store.json"
    write_json_store(path, 2_500)
    if in_pieces:
        monkeypatch.setattr(json_pieces, "PIECE_BYTES", 500_000)
    else:
        # Not in the app's layout: one first pass, then slices of 1,000.
        path.write_bytes(msgspec.json.encode(msgspec.json.decode(path.read_bytes())))
        monkeypatch.setattr(file_store, "DECODE_SLICE", 1_000)

    class Stop(Exception):
        pass

    seen: list[int] = []

    def progress(step: LoadProgress) -> None:
        if step.stage == "Decoding":
            seen.append(step.done)
            if step.done:
                raise Stop

    store = FileStore(path)
    with pytest.raises(Stop):
        store.read(progress=progress)
    assert len(seen) == 2 and seen[0] == 0
    assert seen[1] == 1_000 if not in_pieces else 0 < seen[1] < 2_500
    assert store._store is None  # nothing half-loaded is kept


def test_the_sliced_decode_refuses_what_the_whole_one_refuses(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    data = write_json_store(path, 20)
    raw: dict[str, Any] = msgspec.json.decode(path.read_bytes())
    raw["implementations"][3]["colour"] = "blue"
    path.write_bytes(msgspec.json.encode(raw))
    with pytest.raises(file_store.StoreInvalid) as whole:
        FileStore(path).read()
    with pytest.raises(file_store.StoreInvalid) as sliced:
        FileStore(path).read(progress=lambda step: None)
    assert str(sliced.value) == str(whole.value)
    assert len(data.implementations) == 20


def test_the_decode_in_pieces_refuses_what_the_whole_one_refuses(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    write_json_store(path, 20)
    text = path.read_text()
    assert text.count('"customer"') == 20
    path.write_text(text.replace('"customer"', '"colour": "blue",\n      "customer"', 1))
    with pytest.raises(file_store.StoreInvalid) as whole:
        FileStore(path).read()
    with pytest.raises(file_store.StoreInvalid) as pieces:
        FileStore(path).read(progress=lambda step: None)
    assert str(pieces.value) == str(whole.value)
    assert "colour" in str(whole.value)


def test_the_sliced_store_has_the_store_files_fields() -> None:
    sliced = msgspec.structs.fields(file_store._SlicedStore)
    whole = msgspec.structs.fields(StoreFile)
    assert [f.name for f in sliced] == [f.name for f in whole]
    assert [f.type for f in sliced if f.name != "implementations"] == [
        f.type for f in whole if f.name != "implementations"
    ]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_loading_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    step = LoadProgress("Decoding", 42_000, 100_000, "implementations")
    app = PsApp(GatedStore(default_store(TODAY), step), Settings(today=TODAY))

    async def loading(pilot: Pilot[None]) -> None:
        await wait_for_panel(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=loading)


def paging_server(data: StoreFile, gate: asyncio.Event | None = None) -> Any:
    """A transport answering as `ps-tui serve` pages (a page waits for `gate` past the first)."""
    import httpx

    items = data.implementations

    async def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/reference":
            return httpx.Response(200, content=msgspec.json.encode(data.reference))
        if request.url.path != "/api/v1/implementations":
            return httpx.Response(404, json={"error": "not here"})  # no event stream: the app polls
        offset = int(request.url.params.get("offset", "0"))
        limit = int(request.url.params["limit"])
        if offset and gate is not None:
            await gate.wait()
        page = {
            "items": items[offset : offset + limit],
            "total": len(items),
            "server_time": "2026-11-30T12:00:00Z",
        }
        return httpx.Response(200, content=msgspec.json.encode(page))

    return httpx.MockTransport(answer)


async def test_a_remote_load_counts_its_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ps_tui.store import http

    data = default_store(TODAY)
    monkeypatch.setattr(http, "PAGE", 10)
    store = http.RemoteStore("http://server.test", cache_dir=tmp_path, transport=paging_server(data))
    steps: list[LoadProgress] = []
    try:
        loaded = await store.load(steps.append)
    finally:
        await store.aclose()
    assert loaded.implementations == data.implementations
    fetched = [(s.done, s.total) for s in steps if s.stage == "Fetching"]
    total = len(data.implementations)
    assert fetched == [(0, None), *((min(n, total), total) for n in range(10, total + 10, 10))]
    assert [s.done for s in steps if s.stage == "Checking"][-1] == total


async def test_the_app_shows_a_remote_loads_pages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ps_tui.store import http

    data = default_store(TODAY)
    monkeypatch.setattr(http, "PAGE", 10)
    gate = asyncio.Event()
    store = http.RemoteStore("http://server.test", cache_dir=tmp_path, transport=paging_server(data, gate))
    app = PsApp(store, Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await wait_for_panel(pilot)
        for _ in range(100):
            words = str(panel.query_one(".progress-words").render())
            if words != "Fetching…":
                break
            await pilot.pause()
        assert words == f"Fetching 10 of {len(data.implementations)} implementations"
        assert str(app.screen.query_one("StatusLine").render()) == "Loading http://server.test…"
        gate.set()
        for _ in range(100):
            await pilot.pause()
            if app.portfolio is not None:
                break
        assert app.portfolio is not None
        assert not app.screen.query(ProgressPanel)


async def test_a_load_that_ends_as_its_panel_is_mounted_leaves_no_error() -> None:
    # A load of some 10,000 implementations can end in the frame its panel
    # is mounted in: the panel went before its mount ran, and that raised.
    app = PsApp(MemoryStore(default_store(TODAY), location="mem"), Settings(today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.load_progress = LoadProgress("Assessing", 10_000, 10_000, "implementations")
        app.load_progress = None
        await settle(pilot)
        assert not app.screen.query(ProgressPanel)
    # (`run_test` raises here what the app raised.)
