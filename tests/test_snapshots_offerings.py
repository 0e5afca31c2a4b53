"""What the Offerings screen looks like with an answer, small and large.

Regenerate after an intended change with `pytest tests/test_snapshots_offerings.py
--snapshot-update`, then look at the report before committing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.apps import demo_app, settle

SIZES = [(80, 24), (160, 50)]


async def type_lookup(pilot: Pilot[None], text: str) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    # The screen keeps the cursor steady when headless: no timing in the picture.
    assert not pilot.app.screen.query_one("#lookup", Input).cursor_blink
    await pilot.press(*text)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_answer_with_a_conflict(snap_compare: Any, size: tuple[int, int]) -> None:
    """A customer whose stored segment disagrees with the typed developer count."""

    async def run_before(pilot: Pilot[None]) -> None:
        await type_lookup(pilot, "pollos 1200 devs")

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_matrix_focused(snap_compare: Any, size: tuple[int, int]) -> None:
    """The matrix with the cursor on an offering and its description."""

    async def run_before(pilot: Pilot[None]) -> None:
        await type_lookup(pilot, "weyland")
        await pilot.press("tab", "down", "down")
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=size, run_before=run_before)


def test_rules_at_120_columns(snap_compare: Any) -> None:
    """The discount rules one a line beside the Slack support and packages."""

    async def run_before(pilot: Pilot[None]) -> None:
        await type_lookup(pilot, "initech")
        pilot.app.screen.query_one("#offerings-body").scroll_end(animate=False)
        await settle(pilot)

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)
