"""A KPI gauge: a big number, a caption with words for its level, and a bar.

One widget that draws all three, rather than three child widgets: the
dashboard opens with six of these, and every widget costs styling time at
launch."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.renderables.digits import Digits
from textual.widget import Widget

from ps_tui.core.gauges import LEVEL_WORDS, Reading


class Gauge(Widget):
    """Shows one `Reading`. Its level sets a class (-good, -warn, -bad) for the
    border; `-compact` puts the number on one line instead of big digits."""

    DEFAULT_CSS = """
    Gauge {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $text;
        padding: 0 1;
    }
    Gauge.-good { border: round $success; }
    Gauge.-warn { border: round $warning; }
    Gauge.-bad { border: round $error; }
    Gauge > .gauge--good { color: $success; }
    Gauge > .gauge--warn { color: $warning; }
    Gauge > .gauge--bad { color: $error; }
    Gauge > .gauge--neutral { color: $text; }
    Gauge > .gauge--caption { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gauge--good",
        "gauge--warn",
        "gauge--bad",
        "gauge--neutral",
        "gauge--caption",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.reading: Reading | None = None

    @property
    def value(self) -> str:
        """The number shown ("—" before there is one)."""
        return self.reading.value if self.reading else "—"

    def show(self, reading: Reading) -> None:
        self.reading = reading
        self.border_title = reading.title
        for level in ("good", "warn", "bad"):
            self.set_class(reading.level.value == level, f"-{level}")
        self.refresh()

    def render(self) -> RenderableType:
        reading = self.reading
        if reading is None:
            return Text("—")
        style = self.get_component_rich_style(f"gauge--{reading.level.value}")
        caption_style = self.get_component_rich_style("gauge--caption")
        words = LEVEL_WORDS[reading.level]
        caption = Text(f"{words} · {reading.caption}" if words else reading.caption, style=caption_style)
        number: RenderableType
        if self.has_class("-compact"):
            number = Text(reading.value, style=style + Style(bold=True))
        else:
            number = Digits(reading.value, style)
        return Group(number, caption, self._bar(reading, style))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Fixed, whatever is shown yet: digits (3 lines) or one line, then the
        # caption and the bar.
        return 3 if self.has_class("-compact") else 5

    def _bar(self, reading: Reading, style: Style) -> Text:
        width = self.content_region.width
        if reading.fraction is None or width <= 0:
            return Text("")
        filled = round(max(0.0, min(1.0, reading.fraction)) * width)
        bar = Text("━" * filled, style=style)
        bar.append("─" * (width - filled), style="dim")
        return bar
