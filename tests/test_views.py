"""Saved views: `[[views]]` in the config, shown alike by the Implementations
screen, `ps-tui list --view` and `report weekly --view`; saved from the
screen into the config without disturbing it."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from ps_tui.app import PsApp
from ps_tui.cli import main
from ps_tui.config import ConfigError, Settings, read_config, resolve
from ps_tui.core.views import View, as_filter
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.screens.view_dialog import SaveViewScreen
from ps_tui.session import Listing, ListRequest, load_portfolio, open_store
from tests.apps import settle
from tests.conftest import TODAY

ME = "Louis Jarvis"

VIEWS = """# my views
me = "Louis Jarvis"

[[views]]
name = "Risky enterprise"
filter = "seg:ent"
scope = "at_risk"
sort = "-days"
columns = ["customer", "owner", "days", "health"]
default = true
key = "f5"

[[views]]
name = "Everything by customer"
scope = "all"
sort = "customer"
"""


def write_config(tmp_path: Path, text: str = VIEWS) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["--today", TODAY.isoformat(), *args]) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


# -- the config --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ('[[views]]\nname = "a"\nsort = "bogus"\n', ":3: views[0].sort", "'bogus' is not a column"),
        ('[[views]]\nname = "a"\ncolumns = ["customer", "nope"]\n', ":3: views[0].columns", "'nope'"),
        ('[[views]]\nname = "a"\n\n[[views]]\nname = "A"\n', ":5: views[1].name", "also the name of view 1"),
        (
            '[[views]]\nname = "a"\ndefault = true\n[[views]]\nname = "b"\ndefault = true\n',
            ":6: views[1].default",
            "only one view may be the default",
        ),
        ('[[views]]\nname = "a"\nscope = "mine-ish"\n', ":3", "views[0].scope"),
    ],
)
def test_a_bad_view_names_the_file_line_and_field(
    tmp_path: Path, body: str, where: str, message: str
) -> None:
    path = write_config(tmp_path, body)
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    assert f"{path}{where}" in str(raised.value) and message in str(raised.value)


def test_a_view_key_that_is_not_a_key_stops_the_tui(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, '[[views]]\nname = "a"\nkey = "ctrl+nope"\n')
    assert main(["--config", str(path)]) == 2
    assert f"{path}:3: views[0].key: 'ctrl+nope' is not a key" in capsys.readouterr().err


# -- one selection: the list, the filter language and the screen ----------------------------


@pytest.mark.parametrize("scope", ["active", "completed", "at_risk", "mine", "all"])
def test_a_scope_selects_what_its_filter_words_select(scope: str) -> None:
    settings = Settings(today=TODAY)
    listing = Listing(load_portfolio(open_store(settings), TODAY))
    view = View(name="v", scope=scope, filter="seg:ent")  # type: ignore[arg-type]
    by_scope = listing.select(ListRequest(status="all", filter=view.filter, scope=scope, me=ME))
    by_words = listing.select(ListRequest(status="all", filter=as_filter(view, ME)))
    assert [row.id for row in by_scope] == [row.id for row in by_words]
    assert by_scope or scope == "completed"


def test_list_view_prints_the_view_sorted_with_its_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path))
    assert (
        main(
            [
                "--config",
                config,
                "--today",
                TODAY.isoformat(),
                "list",
                "--view",
                "risky enterprise",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    plain = listed(
        capsys,
        "list",
        "--status",
        "active",
        "--health",
        "at-risk,overdue",
        "--filter",
        "seg:ent",
        "--format",
        "json",
    )
    assert rows and sorted(row["id"] for row in rows) == sorted(plain)
    days = [row["days"] for row in rows]
    assert days == sorted(days, reverse=True)
    assert main(["--config", config, "--today", TODAY.isoformat(), "list", "--view", "Risky enterprise"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header == ["Customer", "Owner", "Days", "Health"]
    everything = listed(
        capsys, "--config", config, "list", "--view", "Everything by customer", "--format", "json"
    )
    assert len(everything) == 42
    assert main(["--config", config, "list", "--view", "nope"]) == 2
    assert "no view 'nope' (views: 'Risky enterprise', 'Everything by customer')" in capsys.readouterr().err


def test_the_weekly_report_takes_a_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path))
    assert (
        main(
            [
                "--config",
                config,
                "--today",
                TODAY.isoformat(),
                "report",
                "weekly",
                "--view",
                "risky enterprise",
                "--format",
                "json",
            ]
        )
        == 0
    )
    by_view = json.loads(capsys.readouterr().out)
    words = as_filter(read_config(Path(config)).views[0], ME)
    assert (
        main(
            [
                "--config",
                config,
                "--today",
                TODAY.isoformat(),
                "report",
                "weekly",
                "--filter",
                words,
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == by_view


# -- the TUI --------------------------------------------------------------------------------


def views_app(tmp_path: Path, text: str = VIEWS) -> PsApp:
    settings = resolve(config=str(write_config(tmp_path, text)), today=TODAY.isoformat(), env={})
    from ps_tui.cli.tui import checked_view_keys

    settings = checked_view_keys(settings)
    return PsApp(open_store(settings), settings)


def shown_ids(screen: ImplementationsScreen) -> list[str]:
    return [row.id for row in screen.table.rows]


async def test_implementations_opens_in_the_default_view_as_list_view_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = listed(
        capsys,
        "--config",
        str(write_config(tmp_path)),
        "list",
        "--view",
        "Risky enterprise",
        "--format",
        "json",
    )
    app = views_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        assert shown_ids(screen) == expected
        assert [c.key for c in screen.table.columns] == ["customer", "owner", "days", "health"]
        assert "view Risky enterprise" in str(screen.query_one("#row-count").render())
        await pilot.press("A")  # another scope: no longer the view
        await settle(pilot)
        assert "view " not in str(screen.query_one("#row-count").render())


async def test_a_view_from_its_key_and_from_the_palette(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = listed(
        capsys,
        "--config",
        str(write_config(tmp_path)),
        "list",
        "--view",
        "Everything by customer",
        "--format",
        "json",
    )
    app = views_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        from ps_tui.screens.commands import DataCommands

        provider = DataCommands(app.screen)
        discovered = [hit.text async for hit in provider.discover()]
        assert discovered == ["View: Risky enterprise", "View: Everything by customer"]
        hit = await anext(aiter(provider.search("everything")))
        assert hit.text == "View: Everything by customer"
        await hit.command()  # type: ignore[misc]
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        assert shown_ids(screen) == expected
        await pilot.press("f5")
        await settle(pilot)
        assert "view Risky enterprise" in str(screen.query_one("#row-count").render())


async def test_saving_a_view_adds_it_to_the_config_and_keeps_the_rest(tmp_path: Path) -> None:
    app = views_app(tmp_path)
    config = tmp_path / "config.toml"
    before = config.read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("A", "slash", *" owner:louis", "enter", "s")
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SaveViewScreen)
        await pilot.press(*"risky enterprise")
        await settle(pilot)
        assert "a view of that name exists" in str(dialog.query_one("#view-error").render())
        await pilot.press(*(["backspace"] * 16), *"Louis all")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveViewScreen)
        names = [view.name for view in app.settings.views]
    assert names == ["Risky enterprise", "Everything by customer", "Louis all"]
    after = config.read_bytes()
    assert after.startswith(before)
    saved = read_config(config).views[2]
    assert (saved.filter, saved.scope, saved.sort, saved.columns, saved.default) == (
        "seg:ent owner:louis",
        "all",
        "health",  # after days, among the view's columns
        ["customer", "owner", "days", "health"],
        False,
    )
    assert msgspec.structs.replace(saved, name="x") != read_config(config).views[0]
