"""The README shows the app as it is: its mock-up is the first screen at
80x24 on the demo data, as the README's first command starts it."""

from __future__ import annotations

from pathlib import Path

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.session import open_store
from tests.apps import settle
from tests.conftest import TODAY

README = Path(__file__).parent.parent / "README.md"


def mock_up() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("```text\n", text.index("## What you see")) + len("```text\n")
    return text[start : text.index("```", start)].rstrip("\n").split("\n")


async def test_the_readme_mock_up_is_the_first_screen() -> None:
    settings = Settings(today=TODAY)
    app = PsApp(open_store(settings), settings, command=".venv/bin/ps-tui")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
    assert lines == mock_up(), "regenerate the README's mock-up from the app (tmux at 80x24)"
