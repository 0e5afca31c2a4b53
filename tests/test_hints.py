"""The commands the TUI suggests work as typed: after the README's first
command, `ps-tui` is in `.venv/bin`, not on PATH."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from ps_tui.app import PsApp
from ps_tui.cli.tui import command_name
from ps_tui.config import Settings
from ps_tui.session import open_store
from tests.conftest import TODAY

CWD = Path("/work/clone")


def nowhere(_: str) -> str | None:
    return None


def test_a_command_not_on_path_is_shown_as_the_path_it_was_started_by() -> None:
    assert command_name(".venv/bin/ps-tui", "/x/python", CWD, nowhere) == ".venv/bin/ps-tui"
    assert command_name("/work/clone/.venv/bin/ps-tui", "/x/python", CWD, nowhere) == ".venv/bin/ps-tui"
    assert command_name("/opt/tools/bin/ps-tui", "/x/python", CWD, nowhere) == "/opt/tools/bin/ps-tui"
    assert command_name("/opt/my tools/ps-tui", "/x/python", CWD, nowhere) == "'/opt/my tools/ps-tui'"


def test_a_command_on_path_is_plain_ps_tui() -> None:
    def found(_: str) -> str:
        return "/work/clone/.venv/bin/ps-tui"

    assert command_name("/work/clone/.venv/bin/ps-tui", "/x/python", CWD, found) == "ps-tui"
    # Another ps-tui first on PATH would be another program: the path, then.
    assert command_name("/elsewhere/ps-tui", "/x/python", CWD, found) == "/elsewhere/ps-tui"


def test_python_dash_m_names_its_interpreter() -> None:
    main = "/work/clone/ps_tui/__main__.py"
    python = "/work/clone/.venv/bin/python"
    assert command_name(main, python, CWD, nowhere) == ".venv/bin/python -m ps_tui"
    assert command_name(main, python, CWD, lambda _: python) == "python3 -m ps_tui"


async def test_the_status_line_says_the_command_as_it_was_typed() -> None:
    settings = Settings(today=TODAY)
    app = PsApp(open_store(settings), settings, command=".venv/bin/ps-tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one("StatusLine", Static).render())
        assert "`.venv/bin/ps-tui init` makes a real store" in status


def test_init_says_how_to_start_as_it_can_be_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ps_tui.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(sys, "argv", [str(tmp_path / ".venv" / "bin" / "ps-tui"), "init"])
    assert main(["init"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Start with: .venv/bin/ps-tui"
    assert main(["init", "team"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1] == "Start with: .venv/bin/ps-tui --config team/config.toml"
    )
