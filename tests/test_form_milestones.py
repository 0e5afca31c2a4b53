"""The form's milestone editor and its re-plan offer: each milestone's
planned date, actual date and owner edited from the keyboard in the form
(the detail view's editor, checked as the form checks), a new
implementation shown with its package's plan, and a change of kickoff or
package offering to re-plan what is not done yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from ps_tui.core.forms import replan_moves
from ps_tui.core.model import Implementation, Milestone, Status
from ps_tui.data import default_store
from ps_tui.screens.dialogs import ConfirmScreen
from ps_tui.screens.form import FormScreen, LeaveScreen
from ps_tui.screens.log_dialogs import MilestoneScreen
from ps_tui.store.file import FileStore
from tests.apps import demo_app, settle
from tests.conftest import TODAY
from tests.helpers import reference

DAY = dt.timedelta(days=1)
#: The bundled Standard package's plan: days after kickoff.
STANDARD = {"kickoff": 0, "infrastructure": 7, "installation": 12, "configuration": 19}
STANDARD |= {"validation": 24, "go_live": 28}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def first_active(path: Path) -> Implementation:
    """An active implementation with a milestone done after kickoff and one not done."""
    return next(
        i
        for i in FileStore(path).read().implementations
        if i.status is Status.ACTIVE
        and i.package == "standard"
        and sum(m.actual is not None for m in i.milestones) >= 2
        and any(m.actual is None for m in i.milestones)
    )


def stored(path: Path, impl_id: str) -> Implementation:
    return next(i for i in FileStore(path).read().implementations if i.id == impl_id)


def table_rows(form: FormScreen) -> list[list[str]]:
    table = form.query_one("#form-milestones", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_form(pilot: Pilot[None], impl: Implementation | None) -> FormScreen:
    await settle(pilot)
    await pilot.app.push_screen(FormScreen(impl))
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def edit_row(pilot: Pilot[None], form: FormScreen, row: int) -> MilestoneScreen:
    """Enter on a milestone of the form's table, as a user opens its editor."""
    table = form.query_one("#form-milestones", DataTable)
    table.focus()
    table.move_cursor(row=row)
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, MilestoneScreen)
    return editor


async def type_into(pilot: Pilot[None], box: Input, text: str) -> None:
    """Clear `box` and type `text` into it key by key."""
    box.focus()
    await pilot.pause()
    box.value = ""
    if text:
        await pilot.press(*text)
    await settle(pilot)


def error_of(screen: MilestoneScreen) -> str:
    return str(screen.query_one("#editor-error", Static).render())


async def test_a_milestone_is_edited_in_the_form_and_saved(path: Path) -> None:
    impl = first_active(path)
    index = next(i for i, m in enumerate(impl.milestones) if m.actual is None)
    open_step = impl.milestones[index]
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        editor = await edit_row(pilot, form, index)
        planned = editor.query_one("#planned", Input)
        assert planned.value == (open_step.planned.isoformat() if open_step.planned else "")
        # Checked as typed: a date that is not one is said at once and kept.
        await type_into(pilot, planned, "2026-02-30")
        assert app.screen is editor
        assert "Planned: '2026-02-30' is not a real date" in error_of(editor)
        assert planned.value == "2026-02-30"
        # The impossible-data rules of the store and of data as it enters.
        actual = editor.query_one("#actual", Input)
        await type_into(pilot, planned, (TODAY + 5 * DAY).isoformat())
        await type_into(pilot, actual, (TODAY + 30 * DAY).isoformat())
        assert "in the future" in error_of(editor)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is editor  # refused: nothing left the editor
        await type_into(pilot, actual, "")
        assert error_of(editor) == ""
        editor.query_one("#owner", Select).value = "Louis Jarvis"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        row = table_rows(form)[index]
        assert row[1:] == [(TODAY + 5 * DAY).isoformat(), "not yet", "Louis Jarvis"]
        assert form.edited() == ["milestones"] and not form.query_one("#save").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    saved = stored(path, impl.id).milestones[index]
    assert (saved.key, saved.planned, saved.actual, saved.owner) == (
        open_step.key,
        TODAY + 5 * DAY,
        None,
        "Louis Jarvis",
    )
    # Nothing else of it changed.
    others = [m for i, m in enumerate(stored(path, impl.id).milestones) if i != index]
    assert others == [m for i, m in enumerate(impl.milestones) if i != index]


async def test_the_form_s_editor_refuses_what_the_store_would(path: Path) -> None:
    impl = first_active(path)
    index = next(i for i, m in enumerate(impl.milestones) if m.actual is None)
    assert impl.kickoff is not None
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        before = table_rows(form)
        editor = await edit_row(pilot, form, index)
        actual = editor.query_one("#actual", Input)
        # Done before the kickoff: impossible, as everywhere else.
        await type_into(pilot, actual, (impl.kickoff - DAY).isoformat())
        assert "is before kickoff" in error_of(editor)
        # After today (and its day of grace), as the form and the server refuse it.
        await type_into(pilot, actual, (TODAY + 2 * DAY).isoformat())
        assert "in the future" in error_of(editor)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is editor
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and table_rows(form) == before


async def test_leaving_the_form_with_a_milestone_edited_asks_first(path: Path) -> None:
    impl = first_active(path)
    index = next(i for i, m in enumerate(impl.milestones) if m.actual is None)
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        editor = await edit_row(pilot, form, index)
        editor.query_one("#owner", Select).value = "Louis Jarvis"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
        leave = app.screen
        assert isinstance(leave, LeaveScreen)
        assert "Milestones" in str(leave.query_one(".dialog-question", Static).render())


async def test_a_new_implementation_shows_its_package_plan(path: Path) -> None:
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, None)
        assert [row[1] for row in table_rows(form)] == ["—"] * 6  # no kickoff: nothing to plan from
        form.query_one("#field-kickoff", Input).value = "2026-11-20"
        await settle(pilot)
        kickoff = dt.date(2026, 11, 20)
        standard = [(kickoff + d * DAY).isoformat() for d in STANDARD.values()]
        assert [row[1] for row in table_rows(form)] == standard
        form.query_one("#field-package", Select).value = "advanced"
        await settle(pilot)
        days = [0, 6, 11, 18, 25, 30]
        assert [row[1] for row in table_rows(form)] == [(kickoff + d * DAY).isoformat() for d in days]
        assert not isinstance(app.screen, ConfirmScreen)  # nothing planned by hand: nothing to ask


async def test_changing_the_kickoff_offers_a_re_plan_and_accepting_moves_only_what_is_not_done(
    path: Path,
) -> None:
    impl = first_active(path)
    assert impl.kickoff is not None
    earlier = impl.kickoff - 2 * DAY
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        kickoff = form.query_one("#field-kickoff", Input)
        kickoff.focus()
        await pilot.pause()
        kickoff.value = earlier.isoformat()
        await settle(pilot)
        await pilot.press("tab")  # leaving the field asks
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ConfirmScreen)
        question = str(offer.query_one(".dialog-question", Static).render())
        moved = {m.key: earlier + STANDARD[m.key] * DAY for m in impl.milestones if m.actual is None}
        assert moved
        for m in impl.milestones:
            if m.key in moved and m.planned != moved[m.key]:
                assert m.planned is not None
                name = reference().milestone_name(m.key)
                assert f"{name}: {m.planned.isoformat()} → {moved[m.key].isoformat()}" in question
        for m in impl.milestones:
            if m.actual is not None and m.key != "kickoff":
                assert reference().milestone_name(m.key) not in question  # done: never moves
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form  # answered once: the save does not ask again
    saved = stored(path, impl.id)
    assert saved.kickoff == earlier
    for before, after in zip(impl.milestones, saved.milestones, strict=True):
        if before.key == "kickoff":
            assert after.actual == earlier  # one fact with the kickoff
        elif before.actual is not None:
            assert after == before
        else:
            assert after.planned == moved[before.key]


async def test_declining_the_re_plan_keeps_the_plan_and_the_save_does_not_ask_again(path: Path) -> None:
    impl = first_active(path)
    assert impl.kickoff is not None
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        form.query_one("#field-kickoff", Input).value = (impl.kickoff - DAY).isoformat()
        await settle(pilot)
        await pilot.press("ctrl+s")  # still in the field: the save asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is not form  # and then saves
    saved = stored(path, impl.id)
    assert saved.kickoff == impl.kickoff - DAY
    assert [m.planned for m in saved.milestones] == [m.planned for m in impl.milestones]


async def test_changing_the_package_offers_a_re_plan(path: Path) -> None:
    impl = first_active(path)
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        form.query_one("#field-package", Select).value = "advanced"
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ConfirmScreen)
        assert "The package changed" in str(offer.query_one(".dialog-question", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is form
        assert impl.kickoff is not None
        advanced = {"kickoff": 0, "infrastructure": 6, "installation": 11, "configuration": 18}
        advanced |= {"validation": 25, "go_live": 30}
        for m, row in zip(impl.milestones, table_rows(form), strict=True):
            expected = m.planned if m.actual is not None else impl.kickoff + advanced[m.key] * DAY
            assert row[1] == (expected.isoformat() if expected else "—")


def test_replan_moves_name_what_moves_from_what_to_what() -> None:
    ref = reference()
    kickoff = dt.date(2026, 11, 20)
    draft = Implementation(
        id="IMP-0001",
        customer="Acme",
        segment="enterprise",
        status=Status.ACTIVE,
        package="standard",
        kickoff=kickoff + DAY,
        milestones=[
            Milestone(key="kickoff", planned=kickoff, actual=kickoff + DAY),
            Milestone(key="infrastructure", planned=kickoff + 7 * DAY, actual=kickoff + 8 * DAY),
            Milestone(key="installation", planned=kickoff + 12 * DAY),
        ],
    )
    moves = replan_moves(draft, kickoff, "standard", ref)
    assert [(m.key, m.before, m.after) for m in moves] == [
        ("installation", kickoff + 12 * DAY, kickoff + 13 * DAY)
    ]
    assert replan_moves(draft, kickoff + DAY, "standard", ref) == []  # planned for this kickoff
    # The package changed too: the Advanced plan has installation on day 11.
    moved = msgspec.structs.replace(draft, kickoff=kickoff, package="advanced")
    assert [m.after for m in replan_moves(moved, kickoff, "standard", ref)] == [kickoff + 11 * DAY]
