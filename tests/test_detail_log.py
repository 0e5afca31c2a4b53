"""The detail view keeps the plan and the risk log: a milestone's planned
date, actual date and owner edited from the keyboard, risks logged, edited
and closed, the last advance taken back, and the implementation's history
shown newest first. Each write goes through the store (and its history)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from ps_tui.core.history import Action
from ps_tui.core.model import Severity, Status
from ps_tui.data import default_store
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.log_dialogs import MilestoneScreen, RiskScreen
from ps_tui.store.file import FileStore
from tests.apps import demo_app, settle
from tests.conftest import TODAY

ME = "Marc LeBlanc"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def first_active(path: Path) -> str:
    return next(i.id for i in FileStore(path).read().implementations if i.status is Status.ACTIVE)


def stored(path: Path, impl_id: str):  # type: ignore[no-untyped-def]
    return next(i for i in FileStore(path).read().implementations if i.id == impl_id)


async def submit(pilot, editor, field: str = "#actual") -> None:  # type: ignore[no-untyped-def]
    """Press enter in one of the editor's boxes, as a user ends a field."""
    editor.query_one(field, Input).focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


def error_of(editor) -> str:  # type: ignore[no-untyped-def]
    return str(editor.query_one("#editor-error", Static).render())


def rows(table: DataTable) -> list[list[str]]:  # type: ignore[type-arg]
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_milestone_is_edited_and_recorded(path: Path) -> None:
    impl_id = first_active(path)
    before = stored(path, impl_id)
    current = next(m for m in before.milestones if m.actual is None)
    app = demo_app(store=path, me=ME)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(impl_id))
        await settle(pilot)
        await pilot.press("m")  # the current milestone: the first not done
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, MilestoneScreen)
        planned = editor.query_one("#planned", Input)
        assert planned.value == (current.planned.isoformat() if current.planned else "")
        # A date that does not parse is refused inline, keeping what was typed.
        editor.query_one("#actual", Input).value = "2026-02-30"
        await submit(pilot, editor)
        assert app.screen is editor
        assert "Done on: '2026-02-30' is not a real date" in error_of(editor)
        assert editor.query_one("#actual", Input).value == "2026-02-30"
        # A date after today is refused as the form refuses it.
        editor.query_one("#actual", Input).value = (TODAY + dt.timedelta(days=30)).isoformat()
        await submit(pilot, editor)
        assert app.screen is editor and "in the future" in error_of(editor)
        yesterday = TODAY - dt.timedelta(days=1)
        editor.query_one("#actual", Input).value = yesterday.isoformat()
        editor.query_one("#planned", Input).value = (TODAY - dt.timedelta(days=3)).isoformat()
        editor.query_one("#owner", Select).value = "Louis Jarvis"
        await submit(pilot, editor)
        assert isinstance(app.screen, DetailScreen)
        history = rows(app.screen.query_one("#history", DataTable))
        assert history[0][1] == ME and history[0][2] == "advance"
    after = next(m for m in stored(path, impl_id).milestones if m.key == current.key)
    assert (after.actual, after.planned, after.owner) == (
        yesterday,
        TODAY - dt.timedelta(days=3),
        "Louis Jarvis",
    )
    (event,) = FileStore(path).history().events()
    assert event.who == ME and event.implementation == impl_id


async def test_the_risk_log_adds_edits_and_closes(path: Path) -> None:
    impl_id = first_active(path)
    app = demo_app(store=path, me=ME)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(impl_id))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, RiskScreen)
        await submit(pilot, editor, "#text")  # no text yet
        assert "say what the risk is" in error_of(editor)
        editor.query_one("#text", Input).value = "Firewall change needs CAB"
        editor.query_one("#severity", Select).value = "critical"
        editor.query_one("#owner", Select).value = "Andrew Norrish"
        editor.query_one("#mitigation", Input).value = "Raise it at Tuesday's CAB"
        await submit(pilot, editor, "#mitigation")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        listed = rows(detail.query_one("#risks", DataTable))
        assert listed[0][1:2] == ["Critical"] and "Firewall change needs CAB" in listed[0][5]
        # Open risks first, the most severe first: the new one is number 1.
        risks = detail.query_one("#risks", DataTable)
        risks.focus()
        risks.move_cursor(row=0)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # closed today
        await settle(pilot)
    closed = next(r for r in stored(path, impl_id).risks if r.text == "Firewall change needs CAB")
    assert closed.closed == TODAY and closed.severity is Severity.CRITICAL
    assert closed.owner == "Andrew Norrish" and closed.mitigation == "Raise it at Tuesday's CAB"
    actions = [e.action for e in FileStore(path).history().events()]
    assert actions == [Action.RISK_ADDED, Action.RISK_CLOSED]


async def test_undo_takes_back_the_last_advance_after_asking(path: Path) -> None:
    impl_id = first_active(path)
    before = stored(path, impl_id)
    done = [m for m in before.milestones if m.actual is not None]
    app = demo_app(store=path, me=ME)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(impl_id))
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("n")  # not after all
        await settle(pilot)
        assert stored(path, impl_id) == before
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    after = stored(path, impl_id)
    if len(done) > 1:
        assert next(m for m in after.milestones if m.key == done[-1].key).actual is None
    else:
        assert after == before  # only the kickoff: nothing to take back


async def test_the_demo_data_says_it_keeps_no_history() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        assert app.portfolio is not None
        app.push_screen(DetailScreen(app.portfolio.data.implementations[0].id))
        await settle(pilot)
        history = rows(app.screen.query_one("#history", DataTable))
        assert "the demo data keeps no history" in history[0][3]
