"""The HTML reports in a real headless Chromium (Debian's `chromium`,
driven by Playwright's Python library; no browser is downloaded): each page
renders without a console error, its charts are drawn and visible, it fits
an A4 page's width on screen and in print, a screenshot at A4 width is not
blank, and hostile stored text runs no script."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ps_tui.cli import main
from tests.test_reports import hostile_id, hostile_store

#: Where Debian's package puts it (`apt-get install chromium`); PS_TUI_CHROMIUM overrides.
CHROMIUM = os.environ.get("PS_TUI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
#: A4's width at 96 dpi (210 mm), and Letter's (8.5 in).
A4_WIDTH, LETTER_WIDTH = 794, 816

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)
if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's (apt-get install -y chromium) or set PS_TUI_CHROMIUM",
        allow_module_level=True,
    )


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


def render_html(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], name: str) -> Path:
    target = tmp_path / f"{name}.html"
    assert main(["report", *argv, "--format", "html", "-o", str(target)]) == 0
    capsys.readouterr()
    return target


def open_page(browser: Any, path: Path, width: int = A4_WIDTH) -> tuple[Any, list[str]]:
    """The page at `path` in a new page `width` pixels wide, and the list its
    console errors, page errors, dialogs and requests out of the file go to."""
    page = browser.new_page(viewport={"width": width, "height": 1123})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning") else None)  # fmt: skip
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: problems.append(f"request: {request.url}")
            if not request.url.startswith("file://") else None)  # fmt: skip
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def png_is_blank(data: bytes) -> bool:
    """Whether a PNG's pixels are (nearly) all one colour: its decompressed
    rows hold next to no distinct byte values."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return len(set(pixels)) < 16


CASES = {
    "weekly": ["weekly", "--today", "2026-12-03"],
    "monthly": ["monthly", "--month", "2026-11", "--today", "2026-12-03"],
    "customer": ["customer", "IMP-0026", "--today", "2026-12-03"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_report_renders_with_its_charts_and_fits_a4(
    browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path = render_html(capsys, tmp_path, CASES[name], name)
    page, problems = open_page(browser, path)
    try:
        charts = page.locator("figure.chart svg")
        assert charts.count() >= 1
        for index in range(charts.count()):
            chart = charts.nth(index)
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 30, box
        marks = page.locator("figure.chart svg rect, figure.chart svg circle")
        drawn = [marks.nth(i).bounding_box() for i in range(marks.count())]
        assert any(box is not None and box["height"] > 2 and box["width"] > 2 for box in drawn)
        # Nothing sticks out sideways: the page fits A4's width as it is.
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
        shot = page.screenshot(full_page=True)
        assert not png_is_blank(shot)
        page.emulate_media(media="print")
        for width in (A4_WIDTH, LETTER_WIDTH):
            page.set_viewport_size({"width": width - 106, "height": 1000})  # less 2 x 14 mm margins
            assert page.evaluate("document.documentElement.scrollWidth") <= width - 106, width
        assert page.pdf(format="A4")[:5] == b"%PDF-"
        assert page.pdf(format="Letter")[:5] == b"%PDF-"
        assert problems == []
    finally:
        page.close()


def test_hostile_text_runs_no_script(
    browser: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = hostile_store(tmp_path)
    common = ["--store", str(store), "--today", "2026-11-30"]
    pages = {
        "weekly": ["weekly", *common],
        "customer": ["customer", hostile_id(store), *common],
    }
    for name, argv in pages.items():
        page, problems = open_page(browser, render_html(capsys, tmp_path, argv, name))
        try:
            assert page.locator("script, img").count() == 0, name
            assert "<script>alert(1)</script>" in page.inner_text("body"), name
            assert problems == [], name
        finally:
            page.close()
