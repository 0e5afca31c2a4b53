"""The dashboard's KPI gauges: a row of boxes, each a big number, a caption
with words for its level, and a bar.

One widget draws every box (the line API), rather than a widget per gauge:
the dashboard opens with six, and each widget costs styling and layout time
at launch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.renderables.digits import Digits
from textual.strip import Strip
from textual.widget import Widget

from ps_tui.core.gauges import Level, Reading, caption_line
from ps_tui.widgets.vtable import fit

#: Shown for a gauge that has no reading yet.
NO_VALUE = "—"


def big_digits(text: str) -> list[str]:
    """`text` in Textual's 3x3 digit font: three lines of equal width."""
    rendered = Digits(text).render(Style())
    return [part.text for part in rendered if isinstance(part, Segment) and part.text != "\n"]


def box_widths(total: int, columns: int, gap: int = 1) -> list[int]:
    """Widths of `columns` boxes side by side with `gap` cells between them,
    filling `total` cells; the last boxes take the cells left over."""
    room = max(0, total - gap * (columns - 1))
    base, extra = divmod(room, columns)
    return [base + (1 if index >= columns - extra else 0) for index in range(columns)]


class GaugePanel(Widget):
    """Shows `Reading`s as bordered boxes, six in a row or three per row when
    `narrow`; `compact` puts each number on one line instead of big digits.
    The border takes the colour of the reading's level, and the caption says
    the level in words."""

    DEFAULT_CSS = """
    GaugePanel {
        height: auto;
        padding: 0 1;
    }
    GaugePanel > .gauges--good { color: $text-success; }
    GaugePanel > .gauges--warn { color: $text-warning; }
    GaugePanel > .gauges--bad { color: $text-error; }
    GaugePanel > .gauges--neutral { color: $text; }
    GaugePanel > .gauges--frame { color: $panel-lighten-2; }
    GaugePanel > .gauges--title { color: $text; }
    GaugePanel > .gauges--caption { color: $text-muted; }
    GaugePanel > .gauges--rest { color: $text-muted 50%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gauges--good",
        "gauges--warn",
        "gauges--bad",
        "gauges--neutral",
        "gauges--frame",
        "gauges--title",
        "gauges--caption",
        "gauges--rest",
    }

    def __init__(
        self, keys: Sequence[str], *, narrow: bool = False, compact: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.keys = list(keys)
        self.readings: dict[str, Reading] = {}
        self.narrow = narrow
        self.compact = compact
        self._lines: list[Strip] = []
        self._drawn_for: tuple[object, ...] | None = None

    # -- data and shape -------------------------------------------------------

    def show(self, readings: Sequence[Reading]) -> None:
        self.readings = {reading.key: reading for reading in readings}
        self._drawn_for = None
        self.refresh()

    def value(self, key: str) -> str:
        """The number gauge `key` shows ("—" before there is one)."""
        reading = self.readings.get(key)
        return reading.value if reading else NO_VALUE

    def set_shape(self, narrow: bool, compact: bool) -> None:
        """Three per row or six; big digits or one line."""
        if (narrow, compact) != (self.narrow, self.compact):
            self.narrow, self.compact = narrow, compact
            self._drawn_for = None
            self.refresh(layout=True)

    @property
    def columns(self) -> int:
        return 3 if self.narrow else 6

    @property
    def box_height(self) -> int:
        # Borders, then the number (3 lines, or 1 when compact), caption, bar.
        return 5 if self.compact else 7

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        rows = -(-len(self.keys) // self.columns)
        return rows * self.box_height

    # -- drawing --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        key = (width, self.narrow, self.compact, tuple(self.readings.values()), self.rich_style)
        if key != self._drawn_for:
            self._lines = self._draw(width)
            self._drawn_for = key
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(width, self.rich_style)

    def _draw(self, width: int) -> list[Strip]:
        columns = self.columns
        widths = box_widths(width, columns)
        blank = Segment(" ", self.rich_style)
        lines: list[Strip] = []
        for start in range(0, len(self.keys), columns):
            boxes = [
                self._box(self.readings.get(key), box_width)
                for key, box_width in zip(self.keys[start : start + columns], widths, strict=False)
            ]
            for row in range(self.box_height):
                segments: list[Segment] = []
                for index, box in enumerate(boxes):
                    if index:
                        segments.append(blank)
                    segments.extend(box[row])
                lines.append(Strip(segments).extend_cell_length(width, self.rich_style))
        return lines

    def _style(self, name: str) -> Style:
        return self.rich_style + self.get_component_rich_style(f"gauges--{name}")

    def _box(self, reading: Reading | None, width: int) -> list[list[Segment]]:
        """The lines of one box, `width` cells wide, as segments."""
        inner = max(0, width - 4)
        level = reading.level if reading else Level.NEUTRAL
        border = self._style("frame" if level is Level.NEUTRAL else level.value)
        number = self._style(level.value)
        plain = self.rich_style

        title = f" {reading.title} " if reading else ""
        if cell_len(title) > width - 4:
            title = fit(title, max(0, width - 4))
        top = [
            Segment("╭─", border),
            Segment(title, self._style("title")),
            Segment("─" * max(0, width - 3 - cell_len(title)) + "╮", border),
        ]
        body: list[list[Segment]] = []
        value = reading.value if reading else NO_VALUE
        if self.compact:
            body.append([Segment(fit(value, inner), number + Style(bold=True))])
        else:
            body.extend([Segment(fit(line, inner), number)] for line in big_digits(value))
        if reading is not None:
            caption = caption_line(reading, inner)
            body.append([Segment(fit(caption, inner), self._style("caption"))])
            body.append(self._bar(reading.fraction, inner, number))
        while len(body) < self.box_height - 2:
            body.append([Segment(" " * inner, plain)])
        lines = [top]
        for content in body:
            lines.append([Segment("│ ", border), *content, Segment(" │", border)])
        lines.append([Segment("╰" + "─" * max(0, width - 2) + "╯", border)])
        return lines

    def _bar(self, fraction: float | None, width: int, style: Style) -> list[Segment]:
        if fraction is None:
            return [Segment(" " * width, self.rich_style)]
        filled = round(max(0.0, min(1.0, fraction)) * width)
        return [Segment("━" * filled, style), Segment("─" * (width - filled), self._style("rest"))]
