"""The app shell: screens, help, palette, data shown, errors on load."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.model import Status
from ps_tui.data import default_store, reference_store
from ps_tui.screens.help import HelpScreen
from ps_tui.session import open_store
from ps_tui.store.file import QUICK_BYTES, FileStore
from ps_tui.widgets.gauge import GaugePanel
from ps_tui.widgets.nav import NavBar, section_spans
from ps_tui.widgets.offering_matrix import OfferingMatrix
from ps_tui.widgets.vtable import VirtualTable
from tests.apps import demo_app, settle
from tests.conftest import TODAY


async def test_number_keys_switch_screens() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.current_mode == "dashboard"
        for key, mode in [
            ("2", "implementations"),
            ("3", "offerings"),
            ("4", "team"),
            ("5", "reports"),
            ("1", "dashboard"),
        ]:
            if app.current_mode == "offerings":
                # Its lookup bar has focus and takes digits ("1200 devs"): esc leaves it.
                await pilot.press("escape")
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert app.screen.sub_title == mode.capitalize()


async def test_tab_bar_click_switches_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        spans = {mode: (start, end) for mode, _text, start, end in section_spans()}
        await pilot.click(NavBar, offset=(spans["offerings"][0], 0))
        await pilot.pause()
        assert app.current_mode == "offerings"
        # The last cell of a label counts; the gap after it does not.
        await pilot.click(NavBar, offset=(spans["team"][1] - 1, 0))
        await pilot.pause()
        assert app.current_mode == "team"
        await pilot.click(NavBar, offset=(spans["offerings"][1] + 1, 0))
        await pilot.pause()
        assert app.current_mode == "team"


async def test_help_lists_screen_and_global_keys() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        actions = {action for _, rows in app.screen.sections for _, action in rows}
        assert {"Window", "Dashboard", "Implementations", "Offerings", "Team", "Help", "Quit"} <= actions
        assert "Scroll Up" not in actions  # widget internals stay out of the list
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_goes_to_a_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to team")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "team"


async def test_quit_key_exits() -> None:
    app = demo_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_screens_show_store_data() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        portfolio = app.portfolio
        assert portfolio is not None
        data = portfolio.data
        status = str(app.screen.query_one("StatusLine", Static).render())
        assert "DEMO DATA" in status and "ps-tui init" in status

        assert app.screen.query_one(GaugePanel).value("median") not in ("", "—")

        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one("#table", VirtualTable)
        active = [i for i in data.implementations if i.status is Status.ACTIVE]
        assert table.row_count == len(active) > 10

        await pilot.press("3")
        await pilot.pause()
        matrix = app.screen.query_one("#matrix", OfferingMatrix)
        lines = matrix.render().plain.splitlines()
        assert len(lines) == 1 + len(data.offerings)
        row = next(line for line in lines if line.startswith("Managed Services"))
        assert row.split()[2:] == ["✗", "no", "✗", "no", "✓", "yes", "✓", "yes"]

        await pilot.press("escape", "4")  # esc leaves the lookup bar, where 4 is a digit
        await pilot.pause()
        roster = app.screen.query_one("#roster", DataTable)
        names = {str(roster.get_row_at(i)[0]).strip() for i in range(roster.row_count)}
        assert {m.name for m in data.members} <= names


async def test_window_key_cycles_the_dashboard_window() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#window-line", Static)
        assert "last 90 days" in str(line.render())
        await pilot.press("w")
        await pilot.pause()
        assert "last 180 days" in str(line.render())
        for _ in range(2):
            await pilot.press("w")
        await pilot.pause()
        assert "all time" in str(line.render())


async def test_file_store_is_named_in_status_line(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(reference_store())
    app = demo_app(store=path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("StatusLine", Static).render())
        assert "store.toml" in status and "0 implementations" in status
        assert "DEMO" not in status
        # An empty store still renders every gauge, without NaN.
        assert app.screen.query_one(GaugePanel).value("median") == "—"


async def test_broken_store_exits_with_status_2_and_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    path.write_text("schema_version = 1\nbogus = 3\n")
    before = path.read_bytes()
    app = demo_app(store=path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("me", "said"),
    [
        ("Nobody Here", "PS_TUI_ME: 'Nobody Here' is not a team member. Known: "),
        (
            "marc leblanc",
            "PS_TUI_ME: 'marc leblanc' is not a team member; did you mean 'Marc LeBlanc'? Known: ",
        ),
    ],
)
async def test_an_unknown_me_exits_with_status_2_and_the_known_names(me: str, said: str) -> None:
    settings = Settings(today=TODAY, me=me, me_origin="PS_TUI_ME")
    app = PsApp(open_store(settings), settings)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.failure is not None and app.failure.startswith(said)
    assert "Louis Jarvis" in app.failure


async def test_a_known_me_opens_the_app() -> None:
    app = demo_app(me="Marc LeBlanc")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.portfolio is not None
    assert app.return_code in (None, 0)


@pytest.mark.parametrize("quick", [True, False])
async def test_a_small_store_is_on_the_first_frame_and_a_big_one_loads_in_a_worker(
    quick: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.json"
    FileStore(path).write(default_store(TODAY))
    # The file stays the same; only the size limit moves.
    monkeypatch.setitem(QUICK_BYTES, "json", path.stat().st_size if quick else 0)
    app = demo_app(store=path)
    first: list[str] = []
    display = app._display

    def record(screen: Screen[object], renderable: object) -> None:
        display(screen, renderable)
        if renderable is not None and not first:
            first.append(app.screen.query_one(GaugePanel).value("active"))

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(GaugePanel).value("active") == "15"
    assert first == (["15"] if quick else ["—"])


@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5"])
async def test_no_text_is_drawn_in_the_background_colour(key: str) -> None:
    # A screen missing Textual's own Screen styles draws plain text fully
    # transparent: present in every snapshot, invisible on the terminal.
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        if app.current_mode == "offerings":
            await pilot.press("escape")
        await pilot.press(key)
        await settle(pilot)
        for widget in app.screen.query("*"):
            assert widget.visual_style.foreground is None or widget.visual_style.foreground.a > 0, widget
