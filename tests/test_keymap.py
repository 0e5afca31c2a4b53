"""`[keymap]` in the config, `ps-tui keys`, and the declarations that make a
remap predictable: every binding id means one thing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ps_tui.app import PsApp
from ps_tui.cli import main
from ps_tui.cli.tui import checked_keymap
from ps_tui.config import Settings, resolve
from ps_tui.keymap import KeymapError, declarations, effective_keymap, parse_keys, registry
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.form import FormScreen
from ps_tui.session import open_store
from tests.apps import settle
from tests.conftest import TODAY


def keyed_app(keymap: dict[str, str]) -> PsApp:
    settings = Settings(today=TODAY)
    return PsApp(open_store(settings), settings, keymap=effective_keymap(keymap))


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


# -- the declarations ------------------------------------------------------------


def test_every_binding_id_is_one_key_and_one_action() -> None:
    # Declared twice with different keys, a keymap entry would move one of
    # them and leave the other: each id is declared the same everywhere.
    meanings: dict[str, set[tuple[str, str, str]]] = {}
    for _, binding in declarations():
        assert binding.id is not None
        meanings.setdefault(binding.id, set()).add((binding.key, binding.action, binding.description))
    twice = {binding_id: found for binding_id, found in meanings.items() if len(found) > 1}
    assert twice == {}


def test_no_screen_declares_an_id_twice() -> None:
    seen: set[tuple[str, str]] = set()
    for where, binding in declarations():
        assert binding.id is not None
        assert (where, binding.id) not in seen, f"{where} declares {binding.id} twice"
        seen.add((where, binding.id))


def test_the_detail_view_keeps_the_edit_keys_but_new() -> None:
    ids = [binding.id for binding in DetailScreen.BINDINGS if hasattr(binding, "id")]
    assert "impl.new" not in ids
    for wanted in ("impl.edit", "impl.advance", "impl.close", "impl.delete", "impl.open"):
        assert wanted in ids


def test_the_registry_finds_bindings_of_every_screen_and_widget() -> None:
    known = registry()
    for binding_id in (
        "go.dashboard",
        "impl.edit",
        "form.save",
        "offerings.copy",
        "table.down",
        "help.close",
    ):
        assert binding_id in known
    assert known["impl.edit"].where == ["DetailScreen", "ImplementationsScreen"]


# -- parsing keys ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "long_form"),
    [
        ("E,f2", "E,f2"),
        ("ctrl+e", "ctrl+e"),
        ("?", "question_mark"),
        ("/", "slash"),
        (" Escape , F5 ", "escape,f5"),
        ("ctrl+shift+left", "ctrl+shift+left"),
        ("space", "space"),
        ("+", "plus"),
    ],
)
def test_keys_are_read_as_textual_names_them(written: str, long_form: str) -> None:
    assert parse_keys(written) == long_form


@pytest.mark.parametrize("written", ["", "e,,f2", "control+e", "ctrl+", "escap", "f99", "\x1b", "ctrl+e x"])
def test_what_is_not_a_key_is_refused(written: str) -> None:
    with pytest.raises(KeymapError):
        parse_keys(written)


# -- the config ----------------------------------------------------------------------


def test_an_unknown_id_names_the_file_and_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '# mine\nme = "Ana"\n\n[keymap]\n"impl.edit" = "E"\n"impl.edt" = "x"\n')
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{config}:6: keymap: 'impl.edt': no such binding; did you mean 'impl.edit'?" in err


def test_an_unparsable_key_names_the_file_and_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '[keymap]\n"impl.edit" = "control+e"\n')
    assert main(["--config", str(config), "keys"]) == 2
    err = capsys.readouterr().err
    assert f"{config}:2: keymap: 'impl.edit': 'control+e' is not a key" in err


def test_a_keymap_that_is_not_a_table_of_strings_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "me = 'Ana'\n[keymap]\n\"impl.edit\" = 5\n")
    assert main(["--config", str(config), "keys"]) == 2
    assert f"{config}:2: keymap" in capsys.readouterr().err


def test_mouse_false_in_the_config(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'mouse = false\n[keymap]\n"impl.edit" = "E,f2"\n')
    settings = resolve(config=str(config), env={})
    assert settings.mouse is False
    assert checked_keymap(settings)["impl.edit"] == "E,f2"


# -- ps-tui keys --------------------------------------------------------------------------


def test_keys_lists_every_id_with_its_default_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_id = {entry["id"]: entry for entry in listed}
    assert set(by_id) == set(registry())
    assert by_id["impl.edit"] == {
        "id": "impl.edit",
        "keys": "e",
        "default_keys": "e",
        "description": "Edit",
        "where": ["detail", "implementations"],
    }
    assert by_id["quit"]["where"] == ["everywhere"]


def test_keys_shows_the_keymap_in_effect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, '[keymap]\n"impl.edit" = "E,f2"\n')
    assert main(["--config", str(config), "keys"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("impl.edit "))
    assert line.split()[:3] == ["impl.edit", "E,f2", "e"]


# -- the keymap in the app --------------------------------------------------------------------


async def test_a_remapped_key_runs_the_action_and_the_old_one_does_not() -> None:
    app = keyed_app({"impl.edit": "E,f2"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)


async def test_the_footer_and_the_help_show_the_remapped_key() -> None:
    app = keyed_app({"impl.edit": "f2"})
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        footer = app.screen.query_one("KeyFooter")
        shown = " ".join(str(child.render()) for child in footer.query("*")) + str(footer.render())
        assert "F2 Edit" in shown
        await pilot.press("f1")
        await settle(pilot)
        help_text = " ".join(str(widget.render()) for widget in app.screen.query("Static"))
        assert "F2" in help_text and "Edit" in help_text


async def test_remapping_one_escape_binding_keeps_the_others_on_escape() -> None:
    # On Offerings, esc clears the bar and, in an empty bar, leaves it:
    # moving "clear" to ctrl+u must leave "leave the bar" on esc.
    app = keyed_app({"offerings.clear": "ctrl+u"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        lookup = app.screen.query_one("#lookup")
        assert app.focused is lookup
        await pilot.press("a", "c", "m", "e")
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert lookup.value == ""  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is not lookup


def test_no_mouse_and_mouse_false_run_the_app_without_mouse_capture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[bool] = []
    monkeypatch.setattr(PsApp, "run", lambda self, **kwargs: runs.append(kwargs["mouse"]))
    assert main(["--no-mouse"]) == 0
    config = write_config(tmp_path, "mouse = false\n")
    assert main(["--config", str(config)]) == 0
    assert main(["--config", str(write_config(tmp_path, "mouse = true\n"))]) == 0
    assert runs == [False, False, True]


def test_a_launch_without_a_keymap_imports_no_screen_to_check_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from ps_tui.cli.tui import checked_keymap; from ps_tui.config import Settings; "
        "assert checked_keymap(Settings()) == {}; "
        "print(sorted(m for m in sys.modules if m.startswith(('ps_tui.keymap', 'ps_tui.screens'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


async def test_the_tabs_name_the_keys_in_effect() -> None:
    from ps_tui.widgets.nav import NavBar

    app = keyed_app({"go.team": "t,4", "go.offerings": "f3"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one(NavBar).render())
        assert "t Team" in shown and "F3 Offerings" in shown and "2 Implementations" in shown
        await pilot.press("t")
        await settle(pilot)
        assert app.current_mode == "team"
