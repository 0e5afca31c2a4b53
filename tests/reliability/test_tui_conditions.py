"""The TUI under bad conditions, driven with the Pilot on a FileStore in
tmp_path: the store deleted or spoiled under it, a full disk, a tiny
terminal. Each time the app stays up, says what happened, and keeps what the
user typed and the last good data."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from ps_tui.app import PsApp
from ps_tui.data import default_store
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.form import FormScreen
from ps_tui.store.file import FileStore
from tests.apps import demo_app, open_list, settle
from tests.conftest import TODAY
from tests.helpers import deny_reading
from tests.reliability.conftest import FIGURES, temp_files

SIZE = (120, 40)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def listen(app: PsApp) -> list[str]:
    """Every notification from now on, as "title: message"."""
    said: list[str] = []

    def notify(message: object, *, title: str = "", **_: object) -> None:
        said.append(f"{title}: {message}")

    app.notify = notify  # type: ignore[method-assign]
    return said


async def type_into(pilot: Pilot[None], widget: Input | TextArea, text: str) -> None:
    """Type `text` at the end of `widget` key by key, as a person would
    (after the End key: focusing an Input selects all of it; the notes are
    one line here, so End is their end too)."""
    widget.focus()
    await pilot.pause()
    await pilot.press("end")
    await pilot.press(*("space" if ch == " " else ch for ch in text))
    await pilot.pause()


async def open_form(pilot: Pilot[None], note: str) -> FormScreen:
    """The edit form of the first row, with `note` typed into Notes."""
    await pilot.press("e")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    await type_into(pilot, form.query_one("#field-notes", TextArea), note)
    return form


def notes_of(form: FormScreen) -> str:
    return form.query_one("#field-notes", TextArea).text


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# --- (a) the store file deleted while the app runs ------------------------------


async def test_store_deleted_while_running_then_save(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        rows = [row.id for row in screen._shown]
        form = await open_form(pilot, " kept")
        said = listen(app)
        store_path.unlink()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is form
        assert any("Not saved" in m and "deleted since it was loaded" in m for m in said), said
        assert notes_of(form).endswith(" kept")
        assert not store_path.exists(), "a refused save must not recreate the file"
        # Leaving the form, the last good data is still on screen.
        await pilot.press("escape")
        await settle(pilot)
        assert [row.id for row in screen._shown] == rows
    FIGURES["tui: bad conditions survived"] += 1


# --- (b) the file spoiled, then reloaded -----------------------------------------


def spoil_with_garbage(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path.write_bytes(b"schema_version = 1\n[[implementations]\nid = \x00\xff garbage")
    return f"{path}:3: not valid UTF-8"


def spoil_with_directory(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path.unlink()
    path.mkdir()
    return f"{path}: is a directory"


def spoil_permissions(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if os.geteuid() != 0:
        path.chmod(0)
    else:
        # Root reads anything: refuse the read as the kernel would for others.
        deny_reading(path, monkeypatch)
    return f"{path}: permission denied"


@pytest.mark.parametrize(
    "spoil",
    [spoil_with_garbage, spoil_with_directory, spoil_permissions],
    ids=["garbage", "directory", "unreadable"],
)
async def test_reload_of_a_spoiled_store_keeps_the_last_good_data(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Callable[[Path, pytest.MonkeyPatch], str]
) -> None:
    good = store_path.read_bytes()
    app = demo_app(store=store_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        portfolio = app.portfolio
        rows = [row.id for row in screen._shown]
        assert rows
        said = listen(app)
        expected = spoil(store_path, monkeypatch)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running
        assert any(m.startswith("Load failed") and expected in m for m in said), said
        assert app.portfolio is portfolio
        assert [row.id for row in screen._shown] == rows
        # The filter and the keys still work on the data shown.
        await pilot.press("slash", *"zqx")
        await settle(pilot)
        assert list(screen._shown) == []
        await pilot.press("escape")
        await settle(pilot)
        assert [row.id for row in screen._shown] == rows

        # Once the file is good again (and changed), a reload picks it up.
        monkeypatch.undo()
        if store_path.is_dir():
            store_path.rmdir()
        elif store_path.exists():
            store_path.chmod(0o600)
        store_path.write_bytes(good.replace(screen._shown[0].customer.encode(), b"Recovered Ltd"))
        said.clear()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not any(m.startswith("Load failed") for m in said), said
        assert "Recovered Ltd" in [row.customer for row in screen._shown]
    FIGURES["tui: bad conditions survived"] += 1


# --- (c) the disk full during a save ---------------------------------------------


def no_space(*_: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("call", ["fsync", "replace"])
async def test_disk_full_on_save(store_path: Path, monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    before = fingerprint(store_path)
    app = demo_app(store=store_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        form = await open_form(pilot, " full")
        said = listen(app)
        monkeypatch.setattr(os, call, no_space)  # as seen from ps_tui.store.file
        await pilot.press("ctrl+s")
        await settle(pilot)
        monkeypatch.undo()
        assert app.is_running and app.screen is form
        assert any("Not saved" in m and "No space left on device" in m for m in said), said
        assert notes_of(form).endswith(" full")
        assert fingerprint(store_path) == before, "a failed save changed the file"
        assert temp_files(store_path) == []
        # Space again: the same form saves what was typed.
        said.clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        saved = FileStore(store_path).read()
        assert any(impl.notes.endswith(" full") for impl in saved.implementations)
    FIGURES["tui: bad conditions survived"] += 1


# --- (d) a tiny terminal ---------------------------------------------------------


async def shrink_and_restore(pilot: Pilot[None]) -> None:
    await pilot.resize_terminal(40, 10)
    await settle(pilot)
    assert pilot.app.size == (40, 10)
    await pilot.resize_terminal(*SIZE)
    await settle(pilot)


async def test_resize_to_40x10_and_back_everywhere(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # By mode, not number key: the Offerings lookup box takes digits.
        for mode in ["dashboard", "implementations", "offerings", "team"]:
            await app.switch_mode(mode)
            await settle(pilot)
            assert app.current_mode == mode
            shown = app.screen
            await shrink_and_restore(pilot)
            assert app.screen is shown and app.is_running
            FIGURES["tui: screens resized to 40x10 and back"] += 1

        # The filter box keeps its text through a resize.
        screen = await open_list(pilot)
        await pilot.press("slash", *"louis")
        await settle(pilot)
        await shrink_and_restore(pilot)
        assert screen.query_one("#filter", Input).value == "louis"
        await pilot.press("escape")
        await settle(pilot)

        # The detail view.
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await shrink_and_restore(pilot)
        assert app.screen is detail
        await pilot.press("escape")
        await settle(pilot)

        # The form, with typed input, shrunk while typing goes on.
        form = await open_form(pilot, " one")
        customer = form.query_one("#field-customer", Input)
        await type_into(pilot, customer, " Ltd")
        await pilot.resize_terminal(40, 10)
        await settle(pilot)
        await type_into(pilot, form.query_one("#field-notes", TextArea), " two")
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert pilot.app.screen is form
        assert notes_of(form).endswith(" one two")
        assert customer.value.endswith(" Ltd")
        FIGURES["tui: screens resized to 40x10 and back"] += 2
