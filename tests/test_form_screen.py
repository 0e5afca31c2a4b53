"""The edit form: leaving it with changes, and reloading the store under it."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from ps_tui.core.forms import rebase
from ps_tui.core.model import Implementation
from ps_tui.data import default_store
from ps_tui.screens.form import FormScreen, LeaveScreen
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.store.file import FileStore
from tests.apps import burst, demo_app, settle
from tests.conftest import TODAY


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


async def edit_first(pilot: Pilot[None]) -> tuple[ImplementationsScreen, FormScreen]:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    listing = pilot.app.screen
    assert isinstance(listing, ImplementationsScreen)
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return listing, form


def text(form: FormScreen, name: str) -> str:
    widget = form.query_one(f"#field-{name}")
    return widget.text if isinstance(widget, TextArea) else form.query_one(f"#field-{name}", Input).value


def on_disk(path: Path, impl_id: str) -> Implementation:
    return next(impl for impl in FileStore(path).read().implementations if impl.id == impl_id)


# -- esc ---------------------------------------------------------------------------


async def test_escape_closes_an_untouched_form_at_once() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        listing, _form = await edit_first(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is listing


async def test_escape_with_changes_asks_and_keep_editing_keeps_them() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        _listing, form = await edit_first(pilot)
        await pilot.press("end", *" and Co")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveScreen)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is form
        assert text(form, "customer").endswith(" and Co")
        assert app.focused is form.query_one("#field-customer")


async def test_escape_then_discard_closes_without_saving(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        listing, _form = await edit_first(pilot)
        before = store_path.read_bytes()
        await pilot.press("end", *" and Co")
        burst(app, "escape", "d")
        await settle(pilot)
        assert app.screen is listing
        assert store_path.read_bytes() == before


async def test_escape_then_save_saves(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        listing, form = await edit_first(pilot)
        impl = form.impl
        assert impl is not None
        await pilot.press("end", *" and Co")
        burst(app, "escape", "s")
        await settle(pilot)
        assert app.screen is listing
        assert on_disk(store_path, impl.id).customer == impl.customer + " and Co"


# -- ctrl+r ------------------------------------------------------------------------


def test_rebase_takes_untouched_fields_and_keeps_typed_ones() -> None:
    base = {"customer": "Acme", "arr": "100000", "notes": "old"}
    typed = {"customer": "Acme", "arr": "100000", "notes": "mine"}
    fresh = {"customer": "Acme Ltd", "arr": "100000", "notes": "theirs"}
    moved = rebase(typed, base, fresh)
    assert moved.values["customer"] == "Acme Ltd"  # untouched: the disk's
    assert moved.values["notes"] == "mine"  # typed: kept
    assert moved.taken == ("customer",)
    assert moved.differ == ("notes",)
    # A field typed to what the disk now has too is no difference.
    assert rebase({**typed, "notes": "theirs"}, base, fresh).differ == ()


async def test_ctrl_r_in_the_form_reloads_and_keeps_what_was_typed(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        _listing, form = await edit_first(pilot)
        impl = form.impl
        assert impl is not None
        form.query_one("#field-notes", TextArea).load_text("typed here")
        form.query_one("#field-customer", Input).value = "Mine Co"
        await settle(pilot)
        # Someone else changes the same implementation on disk.
        other = FileStore(store_path)
        other.read()
        theirs = msgspec.structs.replace(impl, arr=777_000, customer="Theirs Co", notes="their note")
        other.save_implementation_sync(theirs)
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is form
        assert text(form, "notes") == "typed here"
        assert text(form, "customer") == "Mine Co"
        assert text(form, "arr") == "777000"  # not touched here: the disk's value
        told = " ".join(said)
        assert "Now shown from disk: ARR" in told
        assert "Customer" in told and "Notes" in told  # typed, and the disk has another value
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = on_disk(store_path, impl.id)
        assert (saved.customer, saved.notes, saved.arr) == ("Mine Co", "typed here", 777_000)


async def test_ctrl_r_with_nothing_changed_on_disk_says_so(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        _listing, form = await edit_first(pilot)
        form.query_one("#field-notes", TextArea).load_text("typed here")
        await settle(pilot)
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is form
        assert text(form, "notes") == "typed here"
        assert any("has not changed on disk" in message for message in said), said
