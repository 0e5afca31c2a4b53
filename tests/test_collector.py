"""The cyclic collector stays out of a big store's decode and build."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.generate import write
from ps_tui import collector
from ps_tui.app import PsApp
from ps_tui.cli import parse_args, tui, tui_app
from ps_tui.cli.diagnostics import Failure
from ps_tui.config import Settings
from ps_tui.core import view
from ps_tui.core.validate import check_store
from ps_tui.store import file as file_store
from ps_tui.store.file import FileStore
from tests.apps import settle
from tests.conftest import TODAY
from tests.helpers import python_answer


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on, as it is outside tests, and restored after."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.fixture
def big_store(tmp_path: Path) -> Path:
    """A JSON store over `collector.BIG_BYTES` (about 3,000 implementations)."""
    path = write(tmp_path / "big.json", 3_200)
    assert path.stat().st_size > collector.BIG_BYTES
    return path


def test_a_pause_turns_the_collector_off_and_freezes_what_was_built(collector_on: None) -> None:
    frozen = gc.get_freeze_count()
    with collector.paused(True):
        assert not gc.isenabled()
        built = [[i] for i in range(1_000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(built)


def test_a_small_build_leaves_the_collector_alone(collector_on: None) -> None:
    frozen = gc.get_freeze_count()
    with collector.paused(False):
        assert gc.isenabled()
    assert gc.get_freeze_count() <= frozen  # nothing frozen (freed ones lower it)


def test_a_failed_build_is_not_frozen(collector_on: None) -> None:
    frozen = gc.get_freeze_count()
    with pytest.raises(ValueError), collector.paused(True):
        raise ValueError("a bad file")
    assert gc.isenabled()
    # Nothing frozen (frozen objects freed meanwhile may lower the count).
    assert gc.get_freeze_count() <= frozen  # its garbage is left to collect


async def test_cancelled_work_is_frozen_too(collector_on: None) -> None:
    # Newer input cancels a screen's work: what it left alive must not fall
    # to the next pass at once (a stall of 200 ms at 1,000,000 rows).
    started = asyncio.Event()

    async def work() -> None:
        with collector.paused(True):
            started.set()
            await asyncio.sleep(60)

    task = asyncio.get_running_loop().create_task(work())
    await started.wait()
    kept = [[i] for i in range(1_000)]
    frozen = gc.get_freeze_count()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept) - 1


def test_holds_nest_and_the_last_release_restores_the_collector(collector_on: None) -> None:
    frozen = gc.get_freeze_count()
    collector.hold()
    collector.hold()
    collector.release(freeze=False)
    assert not gc.isenabled()
    kept = [[i] for i in range(1_000)]
    collector.release(freeze=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)


def test_the_command_line_imports_with_the_collector_off() -> None:
    # What `ps_tui.cli` imports lives as long as the program; the collector
    # is held off over it, and runs again once it is imported.
    seen = python_answer(
        """
        import gc, json, sys

        class Watch:
            seen = {}

            def find_spec(self, name, path=None, target=None):
                self.seen[name] = gc.isenabled()
                return None

        sys.meta_path.insert(0, Watch())
        import ps_tui.cli
        imported = {name: on for name, on in Watch.seen.items() if name.startswith(("ps_tui.c", "argparse"))}
        print(json.dumps({"imported": imported, "enabled": gc.isenabled()}))
        """
    )
    assert {"argparse", "ps_tui.cli", "ps_tui.cli.tui", "ps_tui.config"} <= set(seen["imported"])
    on = [
        name
        for name, enabled in seen["imported"].items()
        if enabled and name not in ("ps_tui.cli", "ps_tui.collector")
    ]
    assert on == []
    assert seen["enabled"] is True


def test_a_tui_that_fails_to_start_releases_the_collector(collector_on: None, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    with pytest.raises(Failure, match="no-such-theme"):
        tui_app(["--config", str(config)])
    assert gc.isenabled()


def test_a_tui_that_fails_while_running_releases_the_collector(
    collector_on: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: PsApp, **kwargs: object) -> None:
        raise RuntimeError("the terminal went away")

    monkeypatch.setattr(PsApp, "run", crash)
    with pytest.raises(RuntimeError):
        tui.run(parse_args([]), Settings(today=TODAY))
    assert gc.isenabled()


async def test_the_tui_holds_the_collector_until_its_first_frame(
    collector_on: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    app = tui_app(["--today", TODAY.isoformat()])
    assert not gc.isenabled()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert gc.isenabled()
        assert app.portfolio is not None


def test_overlapping_pauses_end_with_the_last(collector_on: None) -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector.paused(True):
            first_in.set()
            second_in.wait(5)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(5)
    with collector.paused(True):
        second_in.set()
        assert first_out.wait(5)
        seen.append(gc.isenabled())  # the first pause has ended, not this one
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector.paused(True):
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_reading_a_big_store_runs_no_collection(
    collector_on: None, big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 1,000,000 implementations the collector's passes were three
    # quarters of the decode's time.
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    checked_with: list[bool] = []
    real_check = check_store

    def check(*args: object, **kwargs: object) -> object:
        checked_with.append(gc.isenabled())
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(file_store, "check_store", check)
    gc.callbacks.append(counted)
    try:
        data = FileStore(big_store).read()
    finally:
        gc.callbacks.remove(counted)
    assert len(data.implementations) == 3_200
    assert collections == []
    assert checked_with == [False]
    assert gc.isenabled()


async def test_the_apps_big_load_builds_its_portfolio_with_the_collector_off(
    collector_on: None, big_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_with: list[bool] = []
    real_build = view.Portfolio.build

    def build(*args: object, **kwargs: object) -> view.Portfolio:
        built_with.append(gc.isenabled())
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(view.Portfolio, "build", build)
    app = PsApp(FileStore(big_store), Settings(today=TODAY))
    assert not app.store.loads_quickly()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await settle(pilot)
            if app.portfolio is not None:
                break
        assert app.portfolio is not None
    assert built_with == [False]
    assert gc.isenabled()
