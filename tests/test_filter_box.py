"""The filter box repaints only itself while typed in (`widgets.filter_box`)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from ps_tui.widgets.filter_box import FilterBox


class BoxApp(App[None]):
    CSS = "FilterBox { width: 24; } #below { height: 3; }"

    def compose(self) -> ComposeResult:
        yield FilterBox(id="box")
        yield Static("below", id="below")


async def test_typing_in_the_box_lays_nothing_out_and_the_cursor_stays_in_sight() -> None:
    app = BoxApp()
    async with app.run_test(size=(40, 10)) as pilot:
        box = app.query_one(FilterBox)
        box.focus()
        await pilot.pause()
        reflows = 0
        reflow = app.screen._compositor.reflow

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal reflows
            reflows += 1
            return reflow(*args, **kwargs)

        app.screen._compositor.reflow = counted  # type: ignore[method-assign]
        text = "owner:louis seg:ent health:at-risk globex"
        await pilot.press(*text)
        await pilot.pause()
        assert box.value == text
        assert reflows == 0
        # Longer than the box: it scrolled so that the cursor shows.
        assert box.scroll_x > 0
        assert box.region.contains_point(box.cursor_screen_offset)
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_x == 0
        # Any other layout it asks for still happens.
        box.styles.height = 5
        await pilot.pause()
        assert reflows >= 1 and box.region.height == 5
        assert app.query_one("#below").region.y == 5
