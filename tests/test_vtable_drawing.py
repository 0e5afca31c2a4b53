"""How VirtualTable draws a line: what it shows is guarded by the snapshot
tests; these pin the cost of drawing it."""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.scrollbar import ScrollBar

from ps_tui.widgets import vtable
from ps_tui.widgets.steady_scrollbar import SteadyScrollBar
from ps_tui.widgets.vtable import Cell, VColumn, VirtualTable

COLUMNS = [VColumn(key, key.title(), 8) for key in ("a", "b", "c", "d", "e", "f")]


def cell(row: int, key: str) -> Cell:
    # One styled cell in the middle of the row, the rest plain.
    return f"{key}{row}", "bold red" if key == "c" else None


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, cell, id="table")

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_rows(list(range(100)))


async def test_plain_cells_share_one_segment() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)):
        table: VirtualTable[int] = app.query_one(VirtualTable)
        strip = table._row_strip(3)
        # Plain cells before the styled one, the styled one, plain cells after.
        segments = list(strip)
        assert [segment.text.split() for segment in segments] == [["a3", "b3"], ["c3"], ["d3", "e3", "f3"]]
        assert strip.text == "".join(f" {key}3".ljust(9) for key in "abcdef")
        assert segments[1].style == segments[0].style + Style.parse("bold red")


async def test_a_frame_reads_the_table_style_once(monkeypatch: Any) -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)):
        table: VirtualTable[int] = app.query_one(VirtualTable)
        reads = []
        style = type(table).rich_style

        def counted(self: VirtualTable[int]) -> Any:
            reads.append(self)
            return style.fget(self)  # type: ignore[attr-defined]

        monkeypatch.setattr(type(table), "rich_style", property(counted))
        table._styles_cache.clear()
        lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        assert len(lines) == table.size.height
        assert reads.count(table) == 1


def counting_reflows(app: App[None]) -> list[int]:
    """A list that grows by one with each layout of the app's screen."""
    reflows: list[int] = []
    reflow = app.screen._compositor.reflow

    def counted(*args: Any, **kwargs: Any) -> Any:
        reflows.append(1)
        return reflow(*args, **kwargs)

    app.screen._compositor.reflow = counted  # type: ignore[method-assign]
    return reflows


async def test_other_rows_past_the_bottom_move_only_the_scrollbar() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table: VirtualTable[int] = app.query_one(VirtualTable)
        bar = table.vertical_scrollbar
        await pilot.pause()
        table.scroll_to(y=90, animate=False)
        await pilot.pause()
        reflows = counting_reflows(app)
        table.set_rows(list(range(40)), cursor=39)
        await pilot.pause()
        # No layout: the same columns, the bar's thumb for 40 rows, and the
        # view within them (its last row at the bottom, none blank below).
        assert reflows == []
        assert table.virtual_size.height == 41 and bar.window_virtual_size == 41
        assert table.scroll_y == table.max_scroll_y == 41 - table.scrollable_content_region.height
        assert table.region.width == 80 and table.show_vertical_scrollbar
        lines = [strip.text for strip in table.render_lines(Region(0, 0, 80, table.size.height))]
        assert lines[-1].split()[0] == "a39"
        # Fewer rows than the view holds: the bar goes, which is a layout.
        table.set_rows(list(range(5)))
        await pilot.pause()
        assert reflows and not table.show_vertical_scrollbar and table.scroll_y == 0
        table.set_rows(list(range(100)))
        await pilot.pause()
        assert table.show_vertical_scrollbar and bar.window_virtual_size == 101


def bar_lines(bar: ScrollBar) -> list[list[tuple[str, Style | None]]]:
    """What `bar` draws, segment by segment."""
    strips = bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def counting_draws(bar: ScrollBar) -> list[int]:
    """A list that grows by one with each line of content `bar` draws."""
    draws: list[int] = []
    render_line = bar.render_line

    def counted(y: int) -> Any:
        draws.append(y)
        return render_line(y)

    bar.render_line = counted  # type: ignore[method-assign]
    return draws


async def showing(pilot: Any, count: int) -> tuple[VirtualTable[int], ScrollBar]:
    """The table of the app under `pilot` showing `count` rows, drawn, and its scrollbar."""
    table: VirtualTable[int] = pilot.app.query_one(VirtualTable)
    table.set_rows(list(range(count)))
    await pilot.pause()
    return table, table.vertical_scrollbar


async def test_rows_that_leave_the_thumb_as_it_was_do_not_draw_the_scrollbar_again() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table, bar = await showing(pilot, 100_000)
        before = bar_lines(bar)
        draws = counting_draws(bar)
        # 18,000 of 100,000 rows at the top: the same one-cell thumb.
        table.set_rows(list(range(18_000)))
        await pilot.pause()
        assert bar.window_virtual_size == 18_001
        assert bar_lines(bar) == before
        assert draws == []


@pytest.mark.parametrize("change", ["fewer rows", "scrolled", "hovered", "theme"])
async def test_the_scrollbar_draws_what_textuals_own_draws(change: str) -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table, bar = await showing(pilot, 1_000)
        assert isinstance(bar, SteadyScrollBar)
        before = bar_lines(bar)
        if change == "fewer rows":
            table.set_rows(list(range(60)))
        elif change == "scrolled":
            table.scroll_to(y=500, animate=False)
        elif change == "hovered":
            bar.mouse_over = True
        else:
            app.theme = "textual-light"
        await pilot.pause()
        drawn = bar_lines(bar)
        assert drawn != before
        # Textual's own scrollbar, drawn afresh in the same state.
        bar.refresh()
        stock = ScrollBar.render_lines(bar, Region(0, 0, bar.size.width, bar.size.height))
        assert drawn == [[(segment.text, segment.style) for segment in strip] for strip in stock]


async def test_a_frame_works_out_each_style_once(monkeypatch: Any) -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)):
        table: VirtualTable[int] = app.query_one(VirtualTable)
        calls: list[str] = []
        component = table.get_component_rich_style
        themed = vtable.themed

        def counted_component(*names: str, **kwargs: Any) -> Style:
            calls.append(f"component {names}")
            return component(*names, **kwargs)

        def counted_themed(node: Any, style: str) -> str:
            calls.append(f"themed {style}")
            return themed(node, style)

        monkeypatch.setattr(table, "get_component_rich_style", counted_component)
        monkeypatch.setattr(vtable, "themed", counted_themed)
        table._styles_cache.clear()
        lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        assert len(lines) == table.size.height
        # The cursor's and the zebra's style, the header's; the styled
        # cell's on the cursor row and off it: not once a row.
        assert sorted(calls) == [
            "component ('vtable--cursor',)",
            "component ('vtable--header',)",
            "component ('vtable--zebra',)",
            "themed bold red",
            "themed bold red",
        ]


@pytest.mark.parametrize(
    "text",
    ["", "a", "abcdefgh", "abcdefghi", "abcdefghijkl", "café", "日本語テキスト", "tab\there", "\x1b[2J"],
)
@pytest.mark.parametrize("align", ["left", "right"])
def test_fit_gives_exactly_the_width_asked_for(text: str, align: str) -> None:
    assert vtable.fit(text, 0, align) == ""
    for width in range(1, 11):
        fitted = vtable.fit(text, width, align)
        assert cell_len(fitted) == width
        if cell_len(text) <= width:
            kept = fitted.endswith(text) if align == "right" else fitted.startswith(text)
            assert kept or not text.isprintable()
        else:
            assert fitted.endswith("…")
