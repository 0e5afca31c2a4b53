"""Small terminal charts: monthly medians against a target, and a histogram.

Both render to the widget's size from plain numbers handed to them, with words
and numbers beside the colours (colour alone fails plain terminals)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widget import Widget

from ps_tui.widgets.tones import BAD, GOOD, WARN, themed

if TYPE_CHECKING:
    from ps_tui.core.histogram import Bucket

_EIGHTHS = " ▁▂▃▄▅▆▇█"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Each chart draws its own title: a widget less per chart at launch.
_TITLED_CSS = """
{name} {{ padding-top: 1; }}
{name} > .chart--title {{ color: $text-accent; text-style: bold; }}
"""


class _Titled(Widget):
    """A chart with a title line above it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"chart--title"}

    def __init__(self, title: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title

    def _with_title(self, body: Text) -> Text:
        # The title's style on its span only: as the text's own style it
        # would also lie under every line of the chart.
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.title, style=self.get_component_rich_style("chart--title"))
        text.append("\n")
        text.append_text(body)
        return text


class TrendChart(_Titled):
    """Vertical bars of a value per month, with a dotted target line.

    `points` are (YYYY-MM, value or None, count); a month without a value
    shows a dot on the axis."""

    DEFAULT_CSS = "TrendChart { height: 14; min-height: 9; }" + _TITLED_CSS.format(name="TrendChart")

    def __init__(self, title: str = "", *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.points: Sequence[tuple[str, float | None, int]] = ()
        self.target = 30

    def show(self, points: Sequence[tuple[str, float | None, int]], target: int) -> None:
        self.points, self.target = points, target
        self.refresh()

    def render(self) -> Text:
        return self._with_title(self._chart(self.size.width, self.size.height - 1))

    def _chart(self, width: int, height: int) -> Text:
        points = list(self.points)
        if not points or width < 20 or height < 5:
            return Text("no data yet", style="dim italic")
        axis = 4
        column = max(3, (width - axis) // len(points))
        rows = height - 2  # bars; then month names and values
        values = [v for _, v, _ in points if v is not None]
        scale = max([*values, self.target * 1.25]) or 1.0
        target_row = min(rows - 1, round(self.target / scale * rows) - 1)
        text = Text(no_wrap=True, overflow="crop")
        for row in range(rows - 1, -1, -1):
            label = ""
            if row == rows - 1:
                label = f"{scale:.0f}"
            elif row == target_row:
                label = f"{self.target}"
            text.append(f"{label:>{axis - 1}} ", style="dim")
            for _, value, _ in points:
                cell = self._cell(value, row, rows, scale, column)
                style = themed(self, GOOD if value is not None and value <= self.target else BAD)
                if cell.strip():
                    text.append(cell, style=style)
                elif row == target_row:
                    text.append("┄" * column, style=themed(self, WARN))
                else:
                    text.append(cell)
            text.append("\n")
        text.append(" " * axis)
        for month, _, _ in points:
            name = _MONTHS[int(month[5:7]) - 1]
            text.append(f"{name:^{column}}", style="dim")
        text.append("\n" + " " * axis)
        for _, value, _ in points:
            shown = "·" if value is None else f"{value:g}"
            text.append(f"{shown:^{column}}", style="bold" if value is not None else "dim")
        return text

    @staticmethod
    def _cell(value: float | None, row: int, rows: int, scale: float, column: int) -> str:
        if value is None:
            return " " * column
        filled = value / scale * rows  # in rows, fractional
        if filled >= row + 1:
            glyph = "█"
        elif filled > row:
            glyph = _EIGHTHS[max(1, round((filled - row) * 8))]
        else:
            return " " * column
        bar = max(1, column - 1)
        return glyph * bar + " " * (column - bar)


class Histogram(_Titled):
    """Horizontal bars: one per bucket, with its count and share; green for
    a bucket within the target."""

    DEFAULT_CSS = "Histogram { height: auto; min-height: 6; }" + _TITLED_CSS.format(name="Histogram")

    def __init__(self, title: str = "", *, id: str | None = None) -> None:
        super().__init__(title, id=id)
        self.buckets: Sequence[Bucket] = ()
        self.target = 30

    def show(self, buckets: Sequence[Bucket], target: int, title: str | None = None) -> None:
        self.buckets, self.target = buckets, target
        if title is not None:
            self.title = title
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 1 + max(1, len(self.buckets))

    def render(self) -> Text:
        return self._with_title(self._chart())

    def _chart(self) -> Text:
        total = sum(bucket.count for bucket in self.buckets)
        if not total:
            return Text("no completions in this window yet", style="dim italic")
        label_width = max(len(bucket.label) for bucket in self.buckets) + 1
        room = max(4, self.size.width - label_width - 12)
        most = max(bucket.count for bucket in self.buckets)
        text = Text(no_wrap=True, overflow="crop")
        for index, bucket in enumerate(self.buckets):
            count = bucket.count
            bar = "█" * round(count / most * room) if most else ""
            text.append(f"{bucket.label:>{label_width}} ", style="dim")
            text.append(bar or "▏", style=themed(self, GOOD if bucket.within(self.target) else BAD))
            text.append(f" {count} ({count / total:.0%})")
            if index < len(self.buckets) - 1:
                text.append("\n")
        return text
