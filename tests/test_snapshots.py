"""What each screen looks like, on the demo data with today fixed, small and large.

Regenerate after an intended change with `pytest tests/test_snapshots.py
--snapshot-update`, then look at the report before committing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.apps import demo_app, settle

SIZES = [(80, 24), (160, 50)]
SCREENS = ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", SCREENS, ids=["dashboard", "implementations", "offerings", "team", "reports"])
def test_screen(snap_compare: Any, key: str, size: tuple[int, int]) -> None:
    async def open_screen(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=open_screen)


def test_help(snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("keys", [("enter",), ("e",)], ids=["detail", "edit-form"])
def test_implementation_views(snap_compare: Any, keys: tuple[str, ...], size: tuple[int, int]) -> None:
    async def open_view(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=open_view)


def test_filtered_table(snap_compare: Any) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash", *"seg:strat", "enter")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=filtered)


@pytest.mark.parametrize("dialog", ["close", "delete", "conflict"])
def test_dialogs(snap_compare: Any, dialog: str) -> None:
    async def open_dialog(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        if dialog == "conflict":
            import msgspec

            from ps_tui.screens.conflict import ConflictScreen

            app: Any = pilot.app
            theirs = app.screen.selected()
            mine = msgspec.structs.replace(theirs, arr=theirs.arr + 5000, notes="Mine: kickoff moved")
            await app.push_screen(ConflictScreen(mine, theirs))
        else:
            await pilot.press("x" if dialog == "close" else "d")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(100, 30), run_before=open_dialog)


#: Layout states at the sizes where they went wrong: (keys from the
#: dashboard, terminal size). The cursor row of a scrolled dashboard, the
#: columns of every scope and sort, the help box scrolled, the gauges and
#: the dialogs at 120 columns.
LAYOUTS = {
    "dashboard-end-80x24": (("end",), (80, 24)),
    "dashboard-120x40": ((), (120, 40)),
    "implementations-all-by-days-80x24": (("2", "A", *["s"] * 7), (80, 24)),
    "implementations-all-120x40": (("2", "A"), (120, 40)),
    "implementations-200x60": (("2",), (200, 60)),
    "help-scrolled-80x24": (("2", "question_mark", *["down"] * 12), (80, 24)),
    "close-dialog-120x40": (("2", "x"), (120, 40)),
    "delete-dialog-120x40": (("2", "d"), (120, 40)),
    # The form scrolled to its milestones (tab past the 19 fields), and
    # the editor enter opens on one of them.
    "edit-form-milestones-80x24": (("2", "e", *["tab"] * 19, "down", "down", "down"), (80, 24)),
    "edit-form-milestone-editor-80x24": (
        ("2", "e", *["tab"] * 19, "down", "down", "down", "enter"),
        (80, 24),
    ),
    "reports-pick-80x24": (("5", "c", "o", "l"), (80, 24)),
    "reports-customer-80x24": (("5", "c", "w", "e", "y", "enter"), (80, 24)),
    "reports-export-80x24": (("5", "left_square_bracket", "e"), (80, 24)),
    "reports-monthly-200x60": (("5", "m"), (200, 60)),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layout(snap_compare: Any, name: str) -> None:
    keys, size = LAYOUTS[name]

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)
