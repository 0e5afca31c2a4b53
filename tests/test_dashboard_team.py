"""Dashboard and Team: figures computed by hand, the CLI agrees, and both
follow edits made elsewhere."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import msgspec
import pytest
from textual.widgets import DataTable, Input, Static
from textual.widgets._footer import FooterKey

from ps_tui.app import PsApp
from ps_tui.cli import main
from ps_tui.config import Settings
from ps_tui.core.histogram import Bucket
from ps_tui.core.model import Implementation, Milestone, Status, StoreFile
from ps_tui.core.team import package_weekly_hours, team_load
from ps_tui.data import reference_store
from ps_tui.screens.dashboard import DashboardScreen
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.screens.team import ROLE_ROW
from ps_tui.store.base import Progress
from ps_tui.store.file import FileStore
from ps_tui.store.memory import MemoryStore
from ps_tui.widgets.charts import Histogram, TrendChart
from ps_tui.widgets.footer import KeyFooter
from ps_tui.widgets.gauge import GaugePanel
from ps_tui.widgets.vtable import VirtualTable
from tests.apps import burst, demo_app, settle
from tests.conftest import TODAY


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def completed(impl_id: str, ready_days_ago: int, duration: int, **extra: object) -> Implementation:
    ready = days_ago(ready_days_ago)
    return Implementation(
        id=impl_id,
        customer=f"Customer {impl_id}",
        segment="strategic",
        status=Status.COMPLETED,
        kickoff=ready - dt.timedelta(days=duration),
        production_ready=ready,
        ie_owner="Louis Jarvis",
        **extra,  # type: ignore[arg-type]
    )


def fixture_store() -> StoreFile:
    """By hand, window 90: durations 20, 25, 30, 40 -> median 27.5, p90 40
    (nearest rank: ceil(0.9 * 4) = 4th), mean 28.75 -> 28.8, within 3 of 4.
    All time adds a 10-day one from 200 days ago: 10, 20, 25, 30, 40 -> median
    25, p90 40, mean 25.0, within 4 of 5. Cancelled and on-hold never count."""
    plan = [Milestone(key="go_live", planned=days_ago(5) + dt.timedelta(days=20))]
    implementations = [
        completed("C1", 10, 20),
        completed("C2", 20, 25),
        completed("C3", 30, 30),
        completed("C4", 80, 40),
        completed("C5", 200, 10),
        Implementation(
            id="X1",
            customer="Cancelled Co",
            segment="mm",
            status=Status.CANCELLED,
            kickoff=days_ago(15),
            production_ready=days_ago(10),
        ),
        Implementation(
            id="H1", customer="Paused Co", segment="mm", status=Status.ON_HOLD, kickoff=days_ago(50)
        ),
        Implementation(
            id="A1",
            customer="Overdue Co",
            segment="enterprise",
            status=Status.ACTIVE,
            kickoff=days_ago(35),
            ie_owner="Marc LeBlanc",
            project_manager="Andrew Norrish",
            package="advanced",
        ),
        Implementation(
            id="A2",
            customer="Risky Co",
            segment="enterprise",
            status=Status.ACTIVE,
            kickoff=days_ago(22),
            ie_owner="Louis Jarvis",
            project_manager="Andrew Norrish",
        ),
        Implementation(
            id="A3",
            customer="Fine Co",
            segment="strategic",
            status=Status.ACTIVE,
            kickoff=days_ago(5),
            ie_owner="Louis Jarvis",
            resident_architect="Alex Fogg",
            milestones=plan,
        ),
    ]
    return msgspec.structs.replace(reference_store(), implementations=implementations)


BY_HAND_90 = {
    "completed": 4,
    "median": 27.5,
    "p90": 40.0,
    "mean": 28.8,
    "within_target_share": 0.75,
    "active": 3,
    "at_risk": 1,
    "overdue": 1,
}
BY_HAND_ALL = {"completed": 5, "median": 25.0, "p90": 40.0, "mean": 25.0, "within_target_share": 0.8}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(fixture_store())
    return path


def kpi_json(store: Path, *window: str) -> dict[str, object]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["kpi", "--json", "--store", str(store), "--today", TODAY.isoformat(), *window]) == 0
    figures: dict[str, object] = json.loads(out.getvalue())
    return figures


def test_cli_kpi_matches_hand_computed_figures(store_path: Path) -> None:
    figures = kpi_json(store_path)
    assert {k: figures[k] for k in BY_HAND_90} == BY_HAND_90
    assert figures["window_days"] == 90 and figures["target_days"] == 30
    everything = kpi_json(store_path, "--window", "all")
    assert {k: everything[k] for k in BY_HAND_ALL} == BY_HAND_ALL
    months = {m["month"]: m for m in everything["monthly"]}  # type: ignore[union-attr,index]
    assert months["2026-11"] == {"month": "2026-11", "median": 22.5, "count": 2}  # C1 20 d, C2 25 d
    assert len(months) == 12


def test_cli_kpi_rejects_a_bad_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", "--window", "0"]) == 2
    assert "--window" in capsys.readouterr().err


def gauge(screen: DashboardScreen, key: str) -> str:
    return screen.query_one(GaugePanel).value(key)


async def test_dashboard_shows_the_same_figures_and_w_changes_window(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        shown = {
            key: gauge(screen, key) for key in ("median", "p90", "within", "active", "at_risk", "overdue")
        }
        assert shown == {
            "median": "27.5",
            "p90": "40",
            "within": "75%",
            "active": "3",
            "at_risk": "1",
            "overdue": "1",
        }
        for _ in range(3):  # 90 -> 180 -> 365 -> all
            await pilot.press("w")
        await pilot.pause()
        assert "all time" in str(screen.query_one("#window-line", Static).render())
        assert (gauge(screen, "median"), gauge(screen, "within")) == ("25", "80%")
        trend = screen.query_one("#trend", TrendChart)
        assert dict((m, v) for m, v, _ in trend.points)["2026-11"] == 22.5
        histogram = {b.label: b.count for b in screen.query_one("#histogram", Histogram).buckets}
        assert histogram == {"0-15": 1, "16-30": 3, "31-45": 1, "46-60": 0, "60+": 0}


async def test_enter_on_an_attention_row_opens_it(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#attention", VirtualTable)
        assert table.row_count == 2
        assert table.rows[0][0].customer == "Overdue Co"  # worst first
        dashboard = app.screen
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.impl_id == table.rows[1][0].id
        # Esc goes back where the user came from: the dashboard, its cursor kept.
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "dashboard"
        assert app.screen is dashboard and app.focused is table
        assert table.cursor_row == 1


async def test_enter_then_escape_at_once_on_the_dashboard_comes_back_to_it(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        burst(app, "enter", "escape")
        await settle(pilot)
        assert app.screen is dashboard
        assert [type(screen) for screen in app.screen_stack] == [DashboardScreen]


async def test_enter_then_escape_at_once_on_the_team_clears_the_filter_it_set() -> None:
    # The esc reaches the screen enter opened (the list filtered to the
    # person), where it clears the filter; it used to be lost on the roster.
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("down")
        burst(app, "enter", "escape")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ImplementationsScreen)
        assert listing.query_one("#filter", Input).value == ""
        assert app.focused is listing.table


async def test_an_edit_elsewhere_changes_the_dashboard(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await pilot.press("2")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ImplementationsScreen)
        listing.reveal("A1")
        await pilot.press("x")  # close the overdue one today
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen is dashboard
        assert gauge(dashboard, "overdue") == "0"
        assert gauge(dashboard, "active") == "2"
        # A1 ran 35 days: durations 20, 25, 30, 35, 40 in the window now.
        assert (gauge(dashboard, "median"), gauge(dashboard, "within")) == ("30", "60%")


async def test_a_dashboard_left_before_the_data_arrives_renders_when_shown(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[int] = []
    original = DashboardScreen.show_portfolio

    def counting(self: DashboardScreen, portfolio: object) -> None:
        rendered.append(1)
        original(self, portfolio)  # type: ignore[arg-type]

    monkeypatch.setattr(DashboardScreen, "show_portfolio", counting)
    gate = asyncio.Event()

    class GatedStore(MemoryStore):
        def loads_quickly(self) -> bool:
            return False

        async def load(self, progress: Progress | None = None) -> StoreFile:
            await gate.wait()
            return await super().load()

    app = PsApp(GatedStore(FileStore(store_path).read()), Settings(today=TODAY))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("2")
        assert app.portfolio is None
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, ImplementationsScreen)
        assert app.portfolio is not None
        assert rendered == []  # hidden all along: no work spent on it
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert rendered == [1]
        assert gauge(app.screen, "overdue") == "1"


async def test_empty_and_single_stores_render_without_nan(tmp_path: Path) -> None:
    for implementations in ([], [completed("ONE", 3, 12)]):
        path = tmp_path / f"store{len(implementations)}.json"
        FileStore(path).write(msgspec.structs.replace(reference_store(), implementations=implementations))
        app = demo_app(store=path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            values = [gauge(screen, k) for k in ("median", "p90", "within", "active", "at_risk", "overdue")]
            assert not any("nan" in v.lower() for v in values)
            if implementations:
                assert values[:3] == ["12", "12", "100%"]
            else:
                assert values[:3] == ["—", "—", "—"]


def test_weekly_hours_by_hand() -> None:
    data = fixture_store()
    ref = reference_store()
    standard = Implementation(id="S", customer="S", segment="mm", package="standard")
    assert package_weekly_hours(standard, ref) == pytest.approx(40 / (45 / 7))
    advanced = msgspec.structs.replace(standard, package="advanced")
    assert package_weekly_hours(advanced, ref) == pytest.approx(120 / (90 / 7))
    custom = msgspec.structs.replace(standard, package="custom", package_hours=70, package_days=70)
    assert package_weekly_hours(custom, ref) == pytest.approx(7.0)
    loads = {load.member.name: load for load in team_load(data)}
    louis, marc = loads["Louis Jarvis"], loads["Marc LeBlanc"]
    assert (louis.owned, louis.active) == (2, 2)  # A2, A3 (completed ones do not count)
    assert louis.weekly_hours == pytest.approx(2 * 40 / (45 / 7))
    assert marc.weekly_hours == pytest.approx(120 / (90 / 7))
    andrew = loads["Andrew Norrish"]
    assert andrew.managed == 2
    assert andrew.weekly_hours == pytest.approx(0.25 * (120 / (90 / 7) + 40 / (45 / 7)))
    assert loads["Alex Fogg"].weekly_hours == pytest.approx(260 / 52)
    assert [load.member.role.value for load in team_load(data)] == [
        "implementation_engineer",
        "implementation_engineer",
        "resident_architect",
        "manager",
    ]


def test_cli_team_json(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "--json", "--store", str(store_path), "--today", TODAY.isoformat()]) == 0
    members = {m["name"]: m for m in json.loads(capsys.readouterr().out)}
    assert members["Louis Jarvis"]["active"] == 2
    assert members["Louis Jarvis"]["weekly_hours"] == round(2 * 40 / (45 / 7), 1)
    assert members["Alex Fogg"]["load"] == round((260 / 52) / 40, 3)


def test_cli_team_text_has_a_header_and_display_labels(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["team", "--store", str(store_path), "--today", TODAY.isoformat()]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["Role", "Name", "Slack", "Active", "Hours/wk", "Load"]
    louis = next(line for line in lines if "Louis Jarvis" in line)
    assert louis.startswith("Implementation engineer  Louis Jarvis")
    weekly = 2 * 40 / (45 / 7)
    assert louis.split()[-3:] == [f"{weekly:.1f}/40", f"{weekly / 40:.0%}", "ok"]
    # How hours are counted, with the package's name, never its key.
    assert "Resident Architect Standard package's yearly hours" in captured.err
    assert "ra_standard" not in captured.out + captured.err


async def test_team_screen_names_the_architect_package_by_its_name(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        note = str(app.screen.query_one("#load-note", Static).render())
        assert "Resident Architect Standard package's" in note
        assert "ra_standard" not in note


async def test_team_enter_filters_the_implementations_to_that_person(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        roster = app.screen.query_one("#roster", DataTable)
        row = next(i for i in range(roster.row_count) if "Andrew Norrish" in str(roster.get_row_at(i)[0]))
        roster.move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ImplementationsScreen)
        assert listing.query_one("#filter", Input).value == 'person:"Andrew Norrish"'
        ids = {r.id for r in listing.table.rows}
        assert ids == {"A1", "A2"}


async def test_team_cursor_rests_on_people_and_enter_is_in_the_footer_and_help() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        team = app.screen
        roster = team.query_one("#roster", DataTable)
        assert app.focused is roster

        def on_row() -> str:
            return str(roster.coordinate_to_cell_key(roster.cursor_coordinate).row_key.value)

        first = on_row()
        assert not first.startswith(ROLE_ROW)  # a person, not the first role heading
        footer = [key.key for key in team.query_one(KeyFooter).query(FooterKey)]
        assert "enter" in footer
        # Down through the whole roster: never on a heading; up back to the first person.
        for _ in range(roster.row_count):
            await pilot.press("down")
            assert not on_row().startswith(ROLE_ROW)
        for _ in range(roster.row_count):
            await pilot.press("up")
            assert not on_row().startswith(ROLE_ROW)
        assert on_row() == first
        await pilot.press("question_mark")
        await settle(pilot)
        help_text = " ".join(
            f"{key} {action}"
            for _, rows in app.screen.sections  # type: ignore[attr-defined]
            for key, action in rows
        )
        assert "Their work" in help_text


def test_trend_chart_and_histogram_render_words_and_numbers() -> None:
    async def run() -> tuple[str, str]:
        from textual.app import App, ComposeResult

        class Charts(App[None]):
            def compose(self) -> ComposeResult:
                yield TrendChart(id="t")
                yield Histogram(id="h")

        app = Charts()
        async with app.run_test(size=(100, 30)) as pilot:
            trend = app.query_one(TrendChart)
            trend.show([("2026-10", 20.0, 1), ("2026-11", None, 0), ("2026-12", 45.5, 2)], 30)
            hist = app.query_one(Histogram)
            hist.show([Bucket("0-15", 0, 15, 0), Bucket("16-30", 16, 30, 3), Bucket("31-45", 31, 45, 1)], 30)
            await pilot.pause()
            return str(trend.render()), str(hist.render())

    trend_text, hist_text = asyncio.run(run())
    assert "Oct" in trend_text and "Dec" in trend_text and "45.5" in trend_text and "·" in trend_text
    assert "┄" in trend_text  # the target line
    assert "3 (75%)" in hist_text and "1 (25%)" in hist_text
