"""How the screens fit their terminal: column widths, what scrolls into
view, what the footer keeps. The pictures themselves are snapshot tests
(`tests/test_snapshots.py`); these pin the rules behind them."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from ps_tui.core import listing
from ps_tui.widgets.footer import KeyFooter, fitting
from ps_tui.widgets.vtable import VColumn, VirtualTable, column_widths
from tests.apps import demo_app, settle

# --- column widths ------------------------------------------------------------------

COLUMNS = [
    VColumn("name", "Name", 10, flex=True),
    VColumn("kind", "Kind", 6, priority=1),
    VColumn("step", "Step", 8, flex=True),
    VColumn("n", "N", 2, "right"),
]
NATURAL = {"name": 20, "kind": 9, "step": 24, "n": 3}


def test_each_column_gets_its_natural_width_and_the_rest_goes_to_the_flexible_one() -> None:
    shown, widths = column_widths(COLUMNS, NATURAL, 100)
    assert [c.key for c in shown] == ["name", "kind", "step", "n"]
    assert widths == [100 - 4 - 9 - 24 - 3, 9, 24, 3]


def test_the_flexible_columns_give_way_before_any_other() -> None:
    # 20 + 9 + 24 + 3 + 4 gaps = 60: 10 too many, taken from name (10 to
    # give) and step (16 to give) in proportion; kind and n keep theirs.
    _, widths = column_widths(COLUMNS, NATURAL, 50)
    assert widths[1] == 9 and widths[3] == 3
    assert sum(widths) + len(widths) == 50
    assert widths == [17, 9, 17, 3]


def test_columns_are_hidden_by_priority_only_when_the_flexible_ones_are_at_their_least() -> None:
    shown, widths = column_widths(COLUMNS, NATURAL, 34)
    assert [c.key for c in shown] == ["name", "kind", "step", "n"]
    assert widths == [10, 9, 8, 3]
    shown, widths = column_widths(COLUMNS, NATURAL, 33)
    assert [c.key for c in shown] == ["name", "step", "n"]
    assert sum(widths) + len(widths) == 33


def test_a_sortable_header_keeps_room_for_its_sort_mark() -> None:
    _, widths = column_widths(COLUMNS, {"n": 1}, 100, sortable=True)
    assert widths[3] == len("N ▲")
    _, widths = column_widths(COLUMNS, {"n": 1}, 100)
    assert widths[3] == 1


# --- the Implementations table --------------------------------------------------------


def _header(table: VirtualTable[listing.Row]) -> str:
    return table._header_strip().text


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_implementations_table_fits_without_a_sideways_scroll(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        for scope in ("a", "A", "c"):
            await pilot.press(scope)
            await settle(pilot)
            table = app.screen.query_one("#table", VirtualTable)
            assert not table.show_horizontal_scrollbar, scope
            assert table.virtual_size.width == table.scrollable_content_region.width, scope
            # Every column but the flexible ones shows its widest text whole.
            for column, width in zip(table.columns, table._widths, strict=True):
                if not column.flex:
                    widest = max(len(listing.cell_text(row, column.key)) for row in table.rows)
                    assert widest <= width, (scope, column.key)
        if size[0] >= 200:
            # Wide enough for everything: nothing is cut at all.
            for column, width in zip(table.columns, table._widths, strict=True):
                widest = max(len(listing.cell_text(row, column.key)) for row in table.rows)
                assert widest <= width, column.key


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_sorted_header_shows_its_arrow(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#table", VirtualTable)
        shown = {c.key for c in table.columns}
        for key in [c.key for c in listing.COLUMNS]:
            screen = app.screen
            screen.sort_key, screen.sort_reverse = key, False  # type: ignore[attr-defined]
            screen._resort()  # type: ignore[attr-defined]
            await settle(pilot)
            title = next(c.title for c in listing.COLUMNS if c.key == key)
            if key in shown:
                assert f"{title} ▲" in _header(table), key


# --- the footer -------------------------------------------------------------------------


def _footer_keys(app: object) -> tuple[list[FooterKey], FooterKey | None]:
    footer = app.screen.query_one(KeyFooter)  # type: ignore[attr-defined]
    keys = list(footer.query(FooterKey))
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    return [k for k in keys if k is not palette], palette


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_footer_shows_what_fits_and_always_help(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for screen_key in ("1", "2", "4", "3"):
            await pilot.press(screen_key)
            await settle(pilot)
            keys, palette = _footer_keys(app)
            assert "help" in [k.action for k in keys], screen_key
            edge = palette.region.x if palette is not None else size[0]
            footer = app.screen.query_one(KeyFooter)
            for item in footer.children:
                if item is not palette:
                    # Whole, and clear of the palette key: never cut at the edge.
                    assert item.region.width > 0 and item.region.right <= edge, (screen_key, item)
            if screen_key == "2" and size[0] == 80:
                # Its first keys, then help and quit; the rest are in help.
                shown = [k.description for k in keys]
                assert shown == ["Filter", "Sort", "Detail", "New", "Edit", "Help", "Quit"]


async def test_the_footer_follows_a_resize() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        narrow = [k.description for k in _footer_keys(app)[0]]
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        wide = [k.description for k in _footer_keys(app)[0]]
        assert len(wide) > len(narrow) and "Delete" in wide and "Delete" not in narrow


def test_fitting_keeps_help_first_then_quit_then_the_screen_keys_in_order() -> None:
    units = [("filter", 10), ("sort", 8), ("delete", 10), ("help", 8), ("quit", 8)]
    assert fitting(units, 100) == [0, 1, 2, 3, 4]
    # Help (8) and quit (8) first, then filter (10): in their own order.
    assert fitting(units, 26) == [0, 3, 4]
    assert fitting(units, 10) == [3]
    # Help even when it does not fit.
    assert fitting(units, 3) == [3]


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_grouped_keys_stay_grouped_and_whole(width: int) -> None:
    from textual.widgets._footer import FooterLabel, KeyGroup

    app = demo_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("tab")  # the matrix: ← → Segment, ↑ ↓ Offering
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        groups = list(footer.query(KeyGroup))
        assert len(groups) == 2
        assert [len(group.children) for group in groups] == [2, 2]
        assert [str(label.render()) for label in footer.query(FooterLabel)] == ["Segment", "Offering"]
        keys, palette = _footer_keys(app)
        assert palette is not None
        assert "help" in [k.action for k in keys]
        for item in footer.children:
            if item is not palette:
                assert item.region.right <= palette.region.x, item


# --- help from everywhere -------------------------------------------------------------------

#: Keys that lead to each state, from the dashboard.
STATES = {
    "dashboard": (),
    "implementations": ("2",),
    "filter box": ("2", "slash"),
    "offerings bar": ("3",),
    "offerings matrix": ("3", "tab"),
    "team": ("4",),
    "detail": ("2", "enter"),
    "edit form": ("2", "e"),
    "new form": ("2", "n"),
    "close dialog": ("2", "x"),
    "delete dialog": ("2", "d"),
    "milestone dialog": ("2", "enter", "m"),
    "risk dialog": ("2", "enter", "r"),
}


@pytest.mark.parametrize("state", list(STATES))
async def test_f1_opens_help_from_every_state(state: str) -> None:
    from ps_tui.screens.help import HelpScreen

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in STATES[state]:
            await pilot.press(key)
            await settle(pilot)
        under = app.screen
        focused = app.focused
        value = getattr(focused, "value", None)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen), state
        # It names what it was opened over.
        assert app.screen._title != "ps-tui", state
        listed = dict((action, key) for _, rows in app.screen.sections for key, action in rows)
        if not state.endswith(("form", "dialog")):
            # `?` is listed only where it is not typed into a box.
            assert listed["Help"] == ("F1" if state.endswith(("box", "bar")) else "F1 ?"), state
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is under and app.focused is focused
        # Nothing was typed into a box.
        assert getattr(focused, "value", None) == value


async def test_the_offerings_bar_takes_question_marks_as_text_and_f1_as_help() -> None:
    from textual.widgets import Input

    from ps_tui.screens.help import HelpScreen

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        bar = app.screen.query_one("#lookup", Input)
        assert app.focused is bar
        await pilot.press("question_mark")
        await settle(pilot)
        assert bar.value == "?" and not isinstance(app.screen, HelpScreen)
        keys, _ = _footer_keys(app)
        assert ("F1", "Help") in [(k.key_display, k.description) for k in keys]


# --- scrolling ---------------------------------------------------------------------------


def _cursor_line_on_screen(app: object) -> bool:
    """Whether the attention list's highlighted row is inside the visible
    part of the dashboard."""
    screen = app.screen  # type: ignore[attr-defined]
    table = screen.query_one("#attention", VirtualTable)
    body = screen.query_one("#dashboard-body")
    y = table.region.y + 1 + table.cursor_row - round(table.scroll_y)
    window = body.scrollable_content_region
    return window.y <= y < window.bottom


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_highlighted_attention_row_is_always_on_screen(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#attention", VirtualTable)
        # 9 on the demo data: 3 overdue, 6 at risk (2 of them by an open high risk).
        assert table.row_count == 9
        last = table.row_count - 1
        for n in range(1, table.row_count):
            await pilot.press("down")
            await settle(pilot)
            assert table.cursor_row == n
            assert _cursor_line_on_screen(app), n
        for key, row in [("home", 0), ("end", last), ("pageup", None), ("pagedown", None), ("end", last)]:
            await pilot.press(key)
            await settle(pilot)
            assert row is None or table.cursor_row == row, key
            assert _cursor_line_on_screen(app), key
        # Enter opens the row that is on screen.
        expected = table.rows[table.cursor_row][0].id
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.impl_id == expected  # type: ignore[attr-defined]


async def test_page_down_moves_by_what_the_dashboard_shows() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#attention", VirtualTable)
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_row > 0
        assert _cursor_line_on_screen(app)


def _scrollbars(screen: object) -> list[str]:
    from textual.widget import Widget

    return [
        str(widget.id)
        for widget in screen.walk_children(Widget)  # type: ignore[attr-defined]
        if widget.show_vertical_scrollbar or widget.show_horizontal_scrollbar
    ]


async def test_the_help_box_scrolls_as_one_with_one_scrollbar() -> None:
    # Each key list was a table that scrolled on its own, inside the box:
    # two scrollbars side by side, and pieces of the inner one left inside.
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert _scrollbars(app.screen) == ["help-box"]
        await pilot.press(*["down"] * 12)
        await settle(pilot)
        box = app.screen.query_one("#help-box")
        assert box.scroll_y > 0
        assert _scrollbars(app.screen) == ["help-box"]


async def test_the_dashboard_scrolls_as_one_with_one_scrollbar() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*["down"] * 6)
        await settle(pilot)
        body = app.screen.query_one("#dashboard-body")
        assert body.scroll_y > 0
        assert _scrollbars(app.screen) == ["dashboard-body"]
        await pilot.press("end")
        await settle(pilot)
        assert _scrollbars(app.screen) == ["dashboard-body"]


# --- dialogs and the Offerings rules at 120 columns -------------------------------------------


def screen_lines(app: object) -> list[str]:
    """The terminal's lines as drawn, in plain text."""
    return [strip.text for strip in app.screen._compositor.render_strips()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", ["x", "d"], ids=["close", "delete"])
async def test_dialog_questions_are_whole_at_120_columns(key: str) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        customer = app.screen.selected().customer  # type: ignore[attr-defined]
        await pilot.press(key)
        await settle(pilot)
        text = "\n".join(line.strip(" █") for line in screen_lines(app))
        if key == "x":
            assert f"Close {customer} as completed." in text
            assert "Production-ready date:" in text
        else:
            assert f"Delete {customer} (IMP-0031)?" in text
            assert "This cannot be undone from ps-tui." in text


@pytest.mark.parametrize("size", [(120, 40), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_each_discount_rule_stays_on_one_line(size: tuple[int, int]) -> None:
    app = demo_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press(*"initech")
        await settle(pilot)
        app.screen.query_one("#offerings-body").scroll_end(animate=False)
        await settle(pilot)
        lines = screen_lines(app)
        for words in [
            "SMB        any ARR       Not applicable",
            "Mid-market any ARR       No discount available",
            "▸ Enterprise otherwise     No discount available",
        ]:
            assert any(words in line for line in lines), words


async def test_s_sorts_on_the_columns_on_screen_only() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#table", VirtualTable)
        shown = [c.key for c in table.columns]
        assert "target" not in shown  # no room at 80 columns
        seen = []
        for _ in shown:
            await pilot.press("s")
            await settle(pilot)
            seen.append(app.screen.sort_key)  # type: ignore[attr-defined]
            title = next(c.title for c in table.columns if c.key == seen[-1])
            assert f"{title} ▲" in _header(table)
        assert sorted(seen) == sorted(shown)


async def test_team_channel_purposes_wrap_rather_than_run_off_at_120_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        words = " ".join(" ".join(screen_lines(app)).split())
        assert app.portfolio is not None
        for channel in app.portfolio.data.channels:
            assert channel.purpose in words, channel.name


async def test_the_detail_view_keeps_the_instance_url_on_its_line_at_120_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        lines = screen_lines(app)
        line = next(line for line in lines if "Instance (o opens)" in line)
        assert "https://sourcegraph.los.example.com" in line
        assert not any(line.strip() in ("opens)", "(o opens)") for line in lines)


async def test_the_detail_view_footer_keeps_help_at_80_columns() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        keys, palette = _footer_keys(app)
        assert palette is not None
        assert {"help", "quit"} <= {k.action for k in keys}
        for key in keys:
            assert key.region.right <= palette.region.x, key.description
