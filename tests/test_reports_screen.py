"""The Reports screen (key 5): the preview is what `ps-tui report ... --format
md` prints for the same data and today; the week steps back and forth; a
customer's report is picked by a few letters; an export writes the file
(asking before it overwrites one) and a copy goes out as OSC 52."""

from __future__ import annotations

import asyncio
import base64
import re
import threading
from pathlib import Path

import msgspec
import pytest
from textual.widgets import Input, Markdown

from ps_tui import session
from ps_tui.cli import main
from ps_tui.core.view import Portfolio
from ps_tui.data import default_store
from ps_tui.screens.dialogs import ConfirmScreen
from ps_tui.screens.report_dialogs import PickScreen, ReportExportScreen
from ps_tui.screens.reports import ReportsScreen
from ps_tui.store.file import FileStore
from tests.apps import burst, demo_app, settle
from tests.conftest import TODAY


def command_output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["report", *argv, "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def reports(app: object) -> ReportsScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ReportsScreen)
    return screen


@pytest.mark.parametrize(
    ("keys", "argv"),
    [
        ((), ["weekly", "--week", "2026-W49"]),
        (("left_square_bracket", "o"), ["weekly", "--week", "2026-W48", "--owner", "Louis Jarvis"]),
        (("m",), ["monthly", "--month", "2026-11"]),
        (("m", "left_square_bracket"), ["monthly", "--month", "2026-10"]),
        (("c", *"nakat", "enter"), ["customer", "IMP-0024"]),
    ],
    ids=["this-week", "last-week-louis", "this-month", "last-month", "customer"],
)
async def test_the_preview_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], store: Path, keys: tuple[str, ...], argv: list[str]
) -> None:
    app = demo_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", *keys)
        await settle(pilot)
        screen = reports(app)
        shown = screen.query_one("#report", Markdown).source
    expected = command_output(capsys, *argv, "--store", str(store))
    assert screen.source == expected
    # The demo's lists are short: the preview shows the whole report.
    assert shown == expected


async def test_the_week_steps_back_and_forth_but_not_past_this_one() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = reports(app)
        assert screen.source.startswith("# Weekly status 2026-W49\n")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert screen.source.startswith("# Weekly status 2026-W47\n")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.source.startswith("# Weekly status 2026-W48\n")
        await pilot.press("t", "right_square_bracket")
        await settle(pilot)
        assert screen.source.startswith("# Weekly status 2026-W49\n")
        assert [n.message for n in app._notifications][-1] == "No later week: it has not begun."


async def test_a_burst_of_keys_picks_a_customer_report() -> None:
    """`5`, `c`, a few letters and enter, typed faster than the screens open."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "5", "c", *"wey", "enter")
        await settle(pilot)
        screen = reports(app)
        assert screen.choice is not None and screen.choice.implementation == "IMP-0029"
        assert screen.source.startswith("# Weyland-Yutani: implementation status\n")
        # The week and month keys do nothing for a customer's report.
        await pilot.press("left_square_bracket", "o")
        await settle(pilot)
        assert screen.source.startswith("# Weyland-Yutani: implementation status\n")


async def test_the_pick_finds_by_id_and_esc_keeps_the_report() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "c")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press(*"0026", "down", "up")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = reports(app)
        assert screen.source.startswith("# Weekly status")
        await pilot.press("c", *"0026", "enter")
        await settle(pilot)
        assert screen.choice is not None and screen.choice.implementation == "IMP-0026"


async def test_the_report_is_made_off_the_ui_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    made = session.chosen_report

    def spy(*args: object) -> object:
        threads.append(threading.current_thread())
        return made(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "chosen_report", spy)
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "m")
        await settle(pilot)
    assert len(threads) == 2
    assert all(thread is not threading.main_thread() for thread in threads)


async def test_export_writes_the_file_and_asks_before_overwriting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "e")
        await settle(pilot)
        assert isinstance(app.screen, ReportExportScreen)
        assert app.screen.query_one("#export-path", Input).value == "weekly-2026-W49.md"
        await pilot.press("enter")
        await settle(pilot)
        screen = reports(app)
        written = tmp_path / "weekly-2026-W49.md"
        assert written.read_text(encoding="utf-8") == screen.source
        assert [n.title for n in app._notifications][-1] == "Report exported"

        # Again: the file is there, so the screen asks; "no" leaves it alone.
        written.write_text("kept", encoding="utf-8")
        await pilot.press("e", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert written.read_text(encoding="utf-8") == "kept"
        await pilot.press("e", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert written.read_text(encoding="utf-8") == screen.source
        assert not list(tmp_path.glob(".*.tmp"))

        # The extension chooses the format: the same page as --format html.
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = "status.html"
        await pilot.press("enter")
        await settle(pilot)
        # A name without a known extension is refused in the dialog.
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path", Input).value = "status.txt"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportExportScreen)
        assert "end the name with .md, .html or .json" in str(app.screen.query_one("#export-error").render())
        await pilot.press("escape")
        await settle(pilot)
    assert (tmp_path / "status.html").read_text(encoding="utf-8") == command_output(
        capsys, "weekly", "--week", "2026-W49", "--format", "html"
    )
    assert not (tmp_path / "status.txt").exists()


async def test_an_export_that_cannot_be_written_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "m", "e")
        await settle(pilot)
        assert app.screen.query_one("#export-path", Input).value == "monthly-2026-11.md"
        app.screen.query_one("#export-path", Input).value = "missing/dir/r.json"
        await pilot.press("enter")
        await settle(pilot)
        last = list(app._notifications)[-1]
        assert last.title == "Not exported"
        assert "missing/dir/r.json" in last.message


async def test_copy_sends_the_markdown_as_osc_52() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        sent: list[str] = []
        driver = app._driver
        assert driver is not None
        write = driver.write
        driver.write = lambda data: (sent.append(data), write(data))[1]  # type: ignore[method-assign]
        await pilot.press("y")
        await settle(pilot)
        screen = reports(app)
    assert app.clipboard == screen.source
    codes = [found for data in sent for found in re.findall(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\a", data)]
    assert [base64.b64decode(code).decode("utf-8") for code in codes] == [screen.source]


async def test_the_screen_follows_new_data_shown_or_hidden() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5", "c", *"0026", "enter")
        await settle(pilot)
        screen = reports(app)
        assert "Goliath National Bank" not in screen.source

        def renamed(name: str) -> None:
            portfolio = app.portfolio
            assert portfolio is not None
            data = portfolio.data
            implementations = [
                msgspec.structs.replace(impl, customer=name) if impl.id == "IMP-0026" else impl
                for impl in data.implementations
            ]
            app.portfolio = Portfolio.build(
                msgspec.structs.replace(data, implementations=implementations), TODAY
            )

        renamed("Goliath National Bank")
        await settle(pilot)
        assert screen.source.startswith("# Goliath National Bank: implementation status\n")
        await pilot.press("1")
        await settle(pilot)
        renamed("Acme Rockets")
        await settle(pilot)
        assert screen.source.startswith("# Goliath National Bank")  # hidden: not made again yet
        await pilot.press("5")
        await settle(pilot)
        assert screen.source.startswith("# Acme Rockets: implementation status\n")
        assert "Acme Rockets (IMP-0026)" in str(screen.query_one("#report-choice").render())

        # Deleted elsewhere: the screen says so, and has nothing to share.
        portfolio = app.portfolio
        assert portfolio is not None
        kept = [impl for impl in portfolio.data.implementations if impl.id != "IMP-0026"]
        app.portfolio = Portfolio.build(msgspec.structs.replace(portfolio.data, implementations=kept), TODAY)
        await settle(pilot)
        assert screen.source == "" and screen.document is None
        shown = screen.query_one("#report", Markdown).source
        assert shown == "_No report: the implementation: no implementation 'IMP-0026'._\n"
        await pilot.press("y")
        await settle(pilot)
        assert list(app._notifications)[-1].message == "No report to share: choose another."
        assert app.clipboard == ""


async def test_a_shared_store_reports_from_the_loaded_data_and_the_servers_history(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("uvicorn")
    import datetime as dt

    from ps_tui.app import PsApp
    from ps_tui.config import Settings
    from ps_tui.store.http import RemoteStore
    from tests.server_process import start_server

    # The history records real times: the report is made for today.
    today = dt.datetime.now(dt.UTC).date()
    token = "reports-token-0123456789"
    path = tmp_path / "shared.toml"
    FileStore(path).write(default_store(today))
    with start_server(path, token=token) as server:
        other = RemoteStore(server.url, token, cache_dir=tmp_path / "cache-other")
        data = await other.load()
        first = data.implementations[0]
        await other.save_implementation(msgspec.structs.replace(first, notes="Weekly call moved"))
        await other.aclose()
        settings = Settings(today=today, remote_url=server.url, remote_token=token, refresh_seconds=3600)
        app = PsApp(RemoteStore(server.url, token, cache_dir=tmp_path / "cache-tui"), settings)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("5")
            await settle(pilot)
            source = reports(app).source
        monkeypatch.setenv("PS_TUI_TOKEN", token)
        # In a thread: the command runs its own event loop.
        argv = ["--remote", server.url, "report", "weekly", "--today", today.isoformat()]
        code = await asyncio.to_thread(main, argv)
        out, err = capsys.readouterr()
    assert code == 0, err
    assert source == out
    assert "1 change(s): 1 edit." in source


async def test_copy_and_export_typed_in_a_burst_wait_for_their_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`5 [ y` and `e enter` typed at once: the report is still being made
    when the keys arrive; the copy and the file are of that report."""
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "5", "left_square_bracket", "y", "e", "enter")
        await settle(pilot)
        screen = reports(app)
        assert screen.source.startswith("# Weekly status 2026-W48\n")
        assert app.clipboard == screen.source
        assert (tmp_path / "weekly-2026-W48.md").read_text(encoding="utf-8") == screen.source


async def test_the_keys_line_shows_the_keys_as_remapped() -> None:
    from ps_tui.app import PsApp
    from ps_tui.config import Settings
    from ps_tui.keymap import effective_keymap

    settings = Settings(today=TODAY)
    keymap = effective_keymap({"reports.copy": "k", "reports.previous": "comma"})
    app = PsApp(session.open_store(settings), settings, keymap=keymap)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        line = str(reports(app).query_one("#report-keys").render())
        assert line.startswith(", ] week · t this week · o owner · w c m report · e export · k copy")
        await pilot.press("comma", "k")
        await settle(pilot)
        assert reports(app).source.startswith("# Weekly status 2026-W48\n")
        assert app.clipboard == reports(app).source


async def test_a_report_in_the_making_shows_its_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import ProgressBar

    from ps_tui.widgets.progress import ProgressPanel

    started, release = threading.Event(), threading.Event()
    made = session.chosen_report

    def slow(*args: object) -> object:
        started.set()
        release.wait(10)
        return made(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "chosen_report", slow)
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        assert await asyncio.to_thread(started.wait, 10)
        await pilot.pause()
        screen = reports(app)
        panel = screen.query_one("#report-progress", ProgressPanel)
        count = len(default_store(TODAY).implementations)
        words = str(panel.query_one(".progress-words").render())
        # The weekly report reads the history, the pick's index is made, then the report.
        assert words == f"Step 3 of 4: Making the report from {count} implementations"
        bar = panel.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (2, 4)
        release.set()
        await settle(pilot)
        assert not screen.query(ProgressPanel)
        assert screen.source.startswith("# Weekly status")
