"""Who "me" is, asked once: when the config file names nobody and saves go
to a store file, the app asks who this is; the answer is written into the
config without disturbing it, and the history records the changes as theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ps_tui.app import PsApp
from ps_tui.config import resolve
from ps_tui.config_write import remember_me, with_me
from ps_tui.data import default_store
from ps_tui.screens.whoami import WhoScreen
from ps_tui.session import open_store
from ps_tui.store.file import FileStore
from tests.apps import settle
from tests.conftest import TODAY

INIT_CONFIG = (
    "# ps-tui configuration; see `ps-tui --help`.\n"
    'store = "store.toml"\n'
    '# me = "Your Name"   # as on the team roster\n'
    '\n[remote]\n# url = "http://team-host:8765"\n'
)


def test_me_takes_the_place_of_the_commented_line() -> None:
    assert with_me(INIT_CONFIG, "Marc LeBlanc") == INIT_CONFIG.replace(
        '# me = "Your Name"   # as on the team roster', 'me = "Marc LeBlanc"'
    )


def test_me_goes_before_the_first_table_or_at_the_end() -> None:
    text = 'store = "s.toml"\n\n[remote]\nrefresh_seconds = 60\n'
    assert (
        with_me(text, 'O"Brien') == 'store = "s.toml"\n\nme = "O\\"Brien"\n[remote]\nrefresh_seconds = 60\n'
    )
    assert with_me('store = "s.toml"', "Alex Fogg") == 'store = "s.toml"\nme = "Alex Fogg"\n'
    # A commented `me` inside a table is not the top-level key.
    inside = '[remote]\n# me = "x"\n'
    assert with_me(inside, "Alex Fogg") == 'me = "Alex Fogg"\n[remote]\n# me = "x"\n'


def test_remember_me_checks_before_it_writes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(INIT_CONFIG)
    remember_me(path, "Louis Jarvis")
    assert resolve(config=str(path), env={}).me == "Louis Jarvis"


def app_with_config(tmp_path: Path, config: str = INIT_CONFIG) -> tuple[PsApp, Path]:
    FileStore(tmp_path / "store.toml").write(default_store(TODAY))
    path = tmp_path / "config.toml"
    path.write_text(config)
    resolved = resolve(config=str(path), today=TODAY.isoformat(), env={})
    return PsApp(open_store(resolved), resolved), path


async def test_the_answer_is_saved_and_the_history_records_it(tmp_path: Path) -> None:
    app, path = app_with_config(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WhoScreen)
        await pilot.press("down", "down", "enter")  # Andrew, Louis, Marc
        await settle(pilot)
        assert not isinstance(app.screen, WhoScreen)
        assert app.settings.me == "Marc LeBlanc"
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("p", "enter")
        await settle(pilot)
    assert 'me = "Marc LeBlanc"\n' in path.read_text()
    assert path.read_text().replace(
        'me = "Marc LeBlanc"', '# me = "Your Name"   # as on the team roster'
    ) == (INIT_CONFIG)
    (event,) = FileStore(tmp_path / "store.toml").history().events()
    assert event.who == "Marc LeBlanc"


async def test_not_now_leaves_the_config_alone_and_asks_once(tmp_path: Path) -> None:
    app, path = app_with_config(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, WhoScreen)
        app.action_reload()
        await settle(pilot)
        assert not isinstance(app.screen, WhoScreen)
    assert path.read_text() == INIT_CONFIG


@pytest.mark.parametrize("config", [INIT_CONFIG.replace('# me = "Your Name"', 'me = "Alex Fogg"')])
async def test_nobody_is_asked_who_the_config_names(tmp_path: Path, config: str) -> None:
    app, _ = app_with_config(tmp_path, config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, WhoScreen)
