"""`ps-tui web` in a real headless Chromium (Debian's `chromium`, driven by
Playwright's Python library; no browser is downloaded): a real `ps-tui web`
on the demo data serves the page, the page starts its own ps-tui, the
dashboard renders, `2` switches to Implementations and a filter narrows the
rows.

xterm.js draws the terminal on a canvas; the test turns on its screen-reader
mode in the page it is served (one option in textual-serve's script), so the
terminal's text is in the page's accessibility tree, row by row, to read."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server_process import free_port, isolated_env

#: Where Debian's package puts it (`apt-get install chromium`); PS_TUI_CHROMIUM overrides.
CHROMIUM = os.environ.get("PS_TUI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
TODAY = "2026-11-30"
#: Generous, for two busy cores: the server's start, and each step in the
#: page (the first one starts a Textual app under textual-serve).
START_SECONDS = 60.0
STEP_MS = 90_000
#: The options textual-serve's script gives its xterm.js Terminal, and the
#: same with the screen-reader mode on.
TERMINAL_OPTIONS = "allowProposedApi:!0,"
READABLE_OPTIONS = "allowProposedApi:!0,screenReaderMode:!0,"
TREE = ".xterm-accessibility-tree"

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install -e '.[web]')")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)
if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's (apt-get install -y chromium) or set PS_TUI_CHROMIUM",
        allow_module_level=True,
    )


class WebServer:
    """A running `python -m ps_tui web` on 127.0.0.1, in its own process
    group (its browser sessions' ps-tui processes are in it too)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "web.log"
        home = directory / "home"
        home.mkdir()
        command = [sys.executable, "-m", "ps_tui", "web", "--port", str(self.port), "--today", TODAY]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=isolated_env(home, token=None),
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"ps-tui web exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url, timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"ps-tui web did not answer within {START_SECONDS:g} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as Ctrl+C: it ends its sessions
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a session left behind


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    server = WebServer(tmp_path_factory.mktemp("web"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            yield launched
        finally:
            launched.close()


def readable_terminal(route: Any) -> None:
    """Serve textual-serve's script with xterm.js's screen-reader mode on."""
    response = route.fetch()
    script = response.text()
    if TERMINAL_OPTIONS not in script:
        pytest.fail(f"textual-serve's script no longer sets {TERMINAL_OPTIONS!r}: update this test")
    route.fulfill(response=response, body=script.replace(TERMINAL_OPTIONS, READABLE_OPTIONS, 1))


def screen_text(page: Any) -> str:
    tree = page.locator(TREE)
    return str(tree.inner_text()) if tree.count() else ""


def wait_for(page: Any, web: WebServer, what: str, condition: str) -> None:
    """Wait until the JavaScript `condition` on `text` (the terminal's text)
    holds; on a timeout, fail showing the screen and the server's log."""
    predicate = f"() => {{ const tree = document.querySelector('{TREE}'); const text = tree ? tree.innerText : ''; return {condition}; }}"  # noqa: E501
    try:
        page.wait_for_function(predicate, timeout=STEP_MS, polling=250)
    except playwright_api.TimeoutError:
        pytest.fail(
            f"{what}: not seen within {STEP_MS / 1000:g} s.\nScreen:\n{screen_text(page)}\nLog:\n{web.log()}"
        )


def table_rows(text: str) -> list[str]:
    """The Implementations table's rows: the lines under its header, above
    the status line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Customer Segment"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("DEMO DATA"))
    return lines[start + 1 : end]


def test_the_dashboard_renders_and_keys_drive_it_in_a_browser(browser: Any, web: WebServer) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The page asks Google Fonts for its font; there is no network here.
    page.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    page.route("**/static/js/textual.js", readable_terminal)
    try:
        page.goto(web.url, wait_until="load")
        wait_for(
            page, web, "the dashboard", "text.includes('ps-tui — Dashboard') && text.includes('Median days')"
        )
        dashboard = screen_text(page)
        assert "Within target" in dashboard and "Needs attention" in dashboard, dashboard

        page.locator(".xterm-helper-textarea").focus()  # where xterm.js takes keys
        page.keyboard.press("2")
        wait_for(
            page,
            web,
            "Implementations",
            "text.includes('ps-tui — Implementations') && /\\d+ \\/ 42/.test(text)",
        )
        wait_for(page, web, "its rows", "text.includes('Los Pollos Hermanos')")
        before = table_rows(screen_text(page))
        assert len(before) > 4 and any("Mid-market" in row for row in before), before

        page.keyboard.press("/")
        page.keyboard.type("seg:strat")
        wait_for(
            page,
            web,
            "the filtered rows",
            "!text.includes('Los Pollos Hermanos') && text.includes('seg:strat')",
        )
        after = table_rows(screen_text(page))
        assert 0 < len(after) < len(before), after
        assert all("Strategic" in row for row in after), after
        assert errors == []
    finally:
        page.close()
