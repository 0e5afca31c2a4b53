"""The gauge panel: six boxes drawn by one widget, in words as well as colour."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ps_tui.core.gauges import Level, Reading
from ps_tui.widgets.gauge import GaugePanel, big_digits, box_widths

KEYS = ("a", "b", "c", "d", "e", "f")
READINGS = [
    Reading("a", "Median days", "23", "target ≤30 d", Level.GOOD, 23 / 30),
    Reading("b", "p90 days", "41", "target ≤30 d", Level.BAD, 1.0),
    Reading("c", "Within", "75%", "4 done", Level.WARN, 0.75),
    Reading("d", "Active", "15", "in progress", Level.NEUTRAL, None),
    Reading("e", "At risk", "4", "of 15 active", Level.WARN, 4 / 15),
    Reading("f", "Overdue", "0", "of 15 active", Level.GOOD, 0.0),
]


class PanelApp(App[None]):
    def __init__(self, narrow: bool, compact: bool) -> None:
        super().__init__()
        self.panel = GaugePanel(KEYS, narrow=narrow, compact=compact)

    def compose(self) -> ComposeResult:
        yield self.panel


async def lines_of(narrow: bool, compact: bool, width: int, show: bool = True) -> list[str]:
    app = PanelApp(narrow, compact)
    async with app.run_test(size=(width, 20)) as pilot:
        if show:
            app.panel.show(READINGS)
        await pilot.pause()
        assert app.panel.value("a") == ("23" if show else "—")
        height = app.panel.size.height
        return [app.panel.render_line(y).text for y in range(height)]


def test_big_digits_are_three_equal_lines() -> None:
    lines = big_digits("75%")
    assert len(lines) == 3 and len({len(line) for line in lines}) == 1
    assert big_digits("1.5") == [a + b + c for a, b, c in zip(*map(big_digits, "1•5"), strict=True)]


def test_box_widths_fill_the_row() -> None:
    assert box_widths(100, 6) == [15, 16, 16, 16, 16, 16]
    assert sum(box_widths(118, 6)) + 5 == 118
    assert box_widths(4, 6) == [0, 0, 0, 0, 0, 0]


async def test_six_in_a_row_with_titles_words_and_bars() -> None:
    lines = await lines_of(narrow=False, compact=False, width=200)
    assert len(lines) == 7  # border, three lines of digits, caption, bar, border
    top, *_, caption, bar, bottom = lines
    assert top.count("╭") == 6 and bottom.count("╯") == 6
    for title in ("Median days", "p90 days", "Within", "Active", "At risk", "Overdue"):
        assert f"─ {title} ─" in top
    # The level in words beside the colour.
    assert "on target · target ≤30 d" in caption and "off target · target ≤30 d" in caption
    assert "watch · 4 done" in caption
    bars = [part.strip() for part in bar.split("│")][1::2]
    assert len(bars) == 6
    assert set(bars[1]) == {"━"}  # p90: full
    assert set(bars[5]) == {"─"}  # overdue 0: empty
    assert bars[3] == ""  # active: no bar
    assert 0.7 < bars[0].count("━") / len(bars[0]) < 0.8  # 23 of 30


async def test_narrow_puts_three_per_row_and_compact_one_line_numbers() -> None:
    lines = await lines_of(narrow=True, compact=True, width=80)
    assert len(lines) == 10  # two rows of five lines
    assert lines[0].count("╭") == 3 and lines[5].count("╭") == 3
    assert "│ 23 " in lines[1] and "│ 75% " in lines[1]
    assert all(len(line) == 78 for line in lines)


async def test_before_the_data_the_boxes_keep_their_place() -> None:
    lines = await lines_of(narrow=False, compact=False, width=122, show=False)
    assert len(lines) == 7 and lines[0].count("╭") == 6


async def test_a_narrow_box_shows_the_level_as_a_mark_rather_than_cut() -> None:
    # Six in a row at 120 columns: 14 to 15 cells inside each box.
    lines = await lines_of(narrow=False, compact=False, width=120)
    captions = [part.strip() for part in lines[4].split("│")][1::2]
    assert captions == [
        "✓ target ≤30 d",
        "✗ target ≤30 d",
        "watch · 4 done",
        "in progress",
        "! of 15 active",
        "✓ of 15 active",
    ]
    assert not any("…" in caption for caption in captions)


def test_the_days_gauges_name_the_target() -> None:
    import datetime as dt

    from ps_tui.core.gauges import caption_line, readings
    from ps_tui.core.kpi import compute_kpis
    from ps_tui.data import default_store

    today = dt.date(2026, 11, 30)
    store = default_store(today)
    figures = compute_kpis(store.implementations, today, store.kpi, 90)
    shown = {r.key: caption_line(r, 40) for r in readings(figures)}
    assert shown["median"].endswith(" · target ≤30 d")
    assert shown["p90"].endswith(" · target ≤30 d")
