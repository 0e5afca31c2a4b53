"""The tab bar that switches between the five main screens.

One widget that draws its labels and underline itself: every screen opens
with it, and Textual's `Tabs` costs seven widgets to style and lay out."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

#: (mode, label) in key order: key 1 is the first.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("dashboard", "Dashboard"),
    ("implementations", "Implementations"),
    ("offerings", "Offerings"),
    ("team", "Team"),
    ("reports", "Reports"),
)

#: Blank cells before the first label and between labels.
_GAP = 2


def section_spans() -> list[tuple[str, str, int, int]]:
    """(mode, text, start, end) of each label, in cells from the left edge."""
    spans = []
    x = 1
    for number, (mode, label) in enumerate(SECTIONS, 1):
        text = f"{number} {label}"
        spans.append((mode, text, x, x + cell_len(text)))
        x += cell_len(text) + _GAP
    return spans


class NavBar(Widget):
    """Names each screen with its number key; the current one is highlighted
    and underlined. A click on a name opens that screen."""

    DEFAULT_CSS = """
    NavBar {
        height: 2;
    }
    NavBar > .navbar--label {
        color: $foreground 60%;
    }
    NavBar > .navbar--current {
        color: $foreground;
        text-style: bold;
    }
    NavBar > .navbar--rule {
        color: $foreground 15%;
    }
    NavBar > .navbar--underline {
        color: $block-cursor-background;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "navbar--label",
        "navbar--current",
        "navbar--rule",
        "navbar--underline",
    }

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def render(self) -> Text:
        label = self.get_component_rich_style("navbar--label")
        current = self.get_component_rich_style("navbar--current")
        rule = self.get_component_rich_style("navbar--rule")
        underline = self.get_component_rich_style("navbar--underline")
        width = self.size.width
        names = Text(no_wrap=True, overflow="crop")
        bar = Text(no_wrap=True, overflow="crop")
        x = 0
        for mode, text, start, end in section_spans():
            names.append(" " * (start - x))
            names.append(text, current if mode == self.current else label)
            bar.append("━" * (start - x), rule)
            bar.append("━" * (end - start), underline if mode == self.current else rule)
            x = end
        bar.append("━" * max(0, width - x), rule)
        return Text("\n").join([names, bar])

    def on_click(self, event: events.Click) -> None:
        for mode, _text, start, end in section_spans():
            if start <= event.x < end and mode != self.current:
                self.app.switch_mode(mode)
                return
