"""Themes: `theme` in the config, the palette's choice saved into it, and
colours taken from the theme's variables so light themes stay readable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ps_tui.app import PsApp
from ps_tui.cli import main
from ps_tui.config import Settings, read_config, resolve
from ps_tui.core.health import Health
from ps_tui.session import open_store
from ps_tui.widgets.tones import HEALTH_STYLES, themed
from tests.apps import demo_app, settle
from tests.conftest import TODAY

PACKAGE = Path(__file__).parent.parent / "ps_tui"

#: Rich's colour names: a widget naming one paints it whatever the theme.
FIXED = re.compile(r"""["'](?:bold |dim |italic )*(?:red|green|yellow|blue|magenta|cyan|white|black)\b""")


def test_no_screen_or_widget_paints_a_fixed_colour() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in [*PACKAGE.glob("screens/*.py"), *PACKAGE.glob("widgets/*.py")]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIXED.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "solarized-light", "ansi-dark"])
async def test_health_takes_the_themes_text_colours(theme: str) -> None:
    app = demo_app()
    async with app.run_test() as pilot:
        app.theme = theme
        await pilot.pause()
        variables = app.get_css_variables()
        overdue = themed(app.screen, HEALTH_STYLES[Health.OVERDUE])
        assert overdue.startswith("bold ")
        expected = variables["text-error"]
        assert overdue.split()[1] == (
            expected.removeprefix("ansi_") if expected.startswith("ansi_") else expected.upper()
        )


def test_an_unknown_theme_names_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('me = "Ana"\ntheme = "solarised"\n', encoding="utf-8")
    assert main(["--config", str(config)]) == 2
    assert f"{config}:2: theme: no theme 'solarised'" in capsys.readouterr().err


async def test_the_config_theme_is_applied_and_a_chosen_one_saved(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    original = '# mine\nme = "Louis Jarvis"\ntheme = "nord"\n\n[remote]\n# polls\nrefresh_seconds = 30\n'
    config.write_text(original, encoding="utf-8")
    settings = resolve(config=str(config), today=TODAY.isoformat(), env={})
    app = PsApp(open_store(settings), settings)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        app.theme = "textual-light"
        await settle(pilot)
        app.theme = "solarized-light"
        await settle(pilot)
    assert read_config(config).theme == "solarized-light"
    assert config.read_text(encoding="utf-8") == original.replace(
        'theme = "nord"', 'theme = "solarized-light"'
    )


async def test_a_theme_chosen_without_a_config_file_creates_one(tmp_path: Path) -> None:
    config = tmp_path / "new" / "config.toml"
    app = PsApp(open_store(Settings(today=TODAY)), Settings(today=TODAY, config_path=config))
    async with app.run_test() as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
    assert config.read_text(encoding="utf-8") == 'theme = "textual-light"\n'


@pytest.mark.parametrize("key", ["1", "2", "4", "5"], ids=["dashboard", "implementations", "team", "reports"])
def test_a_light_theme(snap_compare: Any, key: str) -> None:
    async def light(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    settings = Settings(today=TODAY, theme="textual-light")
    assert snap_compare(PsApp(open_store(settings), settings), terminal_size=(100, 30), run_before=light)


async def test_a_theme_s_variables_are_worked_out_once_for_every_style(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Textual works out every variable of the theme on each call: a launch
    # resolved each style of the dashboard with a call of its own.
    from textual.app import App

    from ps_tui.widgets import tones

    monkeypatch.setattr(tones, "_resolved", {})
    monkeypatch.setattr(tones, "_variables", {}, raising=False)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls: list[str] = []
        variables = App.get_css_variables

        def counted(self: App[object]) -> dict[str, str]:
            calls.append(self.theme)
            return variables(self)

        monkeypatch.setattr(App, "get_css_variables", counted)
        tones._resolved.clear()
        tones._variables.clear()  # (as a launch finds them)
        styles = {themed(app, style) for style in [*HEALTH_STYLES.values(), tones.GOOD, tones.WARN]}
        assert len(styles) == len({*HEALTH_STYLES.values(), tones.GOOD, tones.WARN})
        assert calls == [app.theme]
        dark = themed(app, tones.BAD)
        app.theme = "textual-light"
        await settle(pilot)
        # Each theme its own variables.
        assert themed(app, tones.BAD) != dark


def screen_colours(app: PsApp) -> dict[str, Any]:
    """The colours the widgets of the screen shown are painted in."""
    return {
        f"{type(node).__name__}#{node.id}": (node.styles.background, node.styles.color)
        for node in app.screen.walk_children(with_self=True)
    }


async def shown_in(theme: str, key: str, tmp_path: Path) -> dict[str, Any]:
    """The colours of screen `key` in an app launched in `theme`."""
    config = tmp_path / f"{theme}.toml"
    config.write_text(f'theme = "{theme}"\n', encoding="utf-8")
    settings = resolve(config=str(config), today=TODAY.isoformat(), env={})
    app = PsApp(open_store(settings), settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        return screen_colours(app)


async def visit(pilot: Pilot[None], keys: str) -> None:
    """Open the screen of each key in turn, each settled before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_switching_screens_does_not_restyle_the_whole_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.css.stylesheet import Stylesheet

    reparsed: list[int] = []
    reparse = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        reparsed.append(1)
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reparsed.clear()
        await visit(pilot, "21234")
        # Each opening of a screen with its own CSS reads that CSS once.
        assert len(reparsed) <= 3, reparsed


async def test_a_theme_chosen_reaches_every_screen_as_if_launched_in_it(tmp_path: Path) -> None:
    light = {key: await shown_in("textual-light", key, tmp_path) for key in "123"}
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await visit(pilot, "21")
        app.theme = "textual-light"
        await settle(pilot)
        assert screen_colours(app) == light["1"]
        # Opened before the change, and one opened after it.
        for key in "23":
            await pilot.press(key)
            await settle(pilot)
            assert screen_colours(app) == light[key], key


def counting_parses(monkeypatch: pytest.MonkeyPatch) -> dict[Any, int]:
    """How many times each CSS source is parsed from now on, by where it was read
    from and its tie breaker (a widget class's CSS is added again with another
    when a subclass deeper down registers)."""
    from textual.css import stylesheet

    parses: dict[Any, int] = {}
    parse = stylesheet.parse

    def counted(scope: str, css: str, read_from: Any, **kwargs: Any) -> Any:
        key = (read_from, kwargs.get("tie_breaker"))
        parses[key] = parses.get(key, 0) + 1
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", counted)
    return parses


async def test_launch_and_screen_switches_parse_each_css_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parses = counting_parses(monkeypatch)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await visit(pilot, "2341")
        assert parses and {count for count in parses.values()} == {1}, parses
        # A theme's variables reach every rule: each source is parsed again, once.
        parses.clear()
        app.theme = "textual-light"
        await settle(pilot)
        sources = {(read_from, source[2]) for read_from, source in app.stylesheet.source.items()}
        assert set(parses) == sources
        assert {count for count in parses.values()} == {1}, parses


async def test_the_rules_kept_are_the_rules_a_parse_from_scratch_gives() -> None:
    from textual.css.stylesheet import Stylesheet
    from textual.layout import Layout

    def shown(rules: list[Any]) -> list[tuple[Any, ...]]:
        # A layout is an object per parse: it is the same rule if it has the same name.
        def value(value: Any) -> Any:
            return value.name if isinstance(value, Layout) else value

        return [
            (
                rule.selectors,
                {name: value(setting) for name, setting in rule.styles.get_rules().items()},
                rule.is_default_rules,
                rule.tie_breaker,
            )
            for rule in rules
        ]

    def fresh(app: PsApp) -> list[tuple[Any, ...]]:
        stylesheet = Stylesheet(variables=dict(app.stylesheet._variables))
        for read_from, (css, is_default, tie_breaker, scope) in app.stylesheet.source.items():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=is_default, tie_breaker=tie_breaker, scope=scope
            )
        stylesheet.parse()
        return shown(stylesheet.rules)

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await visit(pilot, "23")
        assert shown(app.stylesheet.rules) == fresh(app)
        app.theme = "textual-light"
        await settle(pilot)
        await visit(pilot, "4")
        assert shown(app.stylesheet.rules) == fresh(app)
