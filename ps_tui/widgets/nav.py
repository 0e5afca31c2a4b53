"""The tab bar that switches between the five main screens.

One widget that draws its labels and underline itself: every screen opens
with it, and Textual's `Tabs` costs seven widgets to style and lay out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
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


def section_spans(keys: Mapping[str, str] | None = None) -> list[tuple[str, str, int, int]]:
    """(mode, text, start, end) of each label, in cells from the left edge;
    `keys` names the key shown for a mode (its number unless remapped)."""
    spans = []
    x = 1
    for number, (mode, label) in enumerate(SECTIONS, 1):
        text = f"{(keys or {}).get(mode, str(number))} {label}"
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
        for mode, text, start, end in section_spans(self._keys()):
            names.append(" " * (start - x))
            names.append(text, current if mode == self.current else label)
            bar.append("━" * (start - x), rule)
            bar.append("━" * (end - start), underline if mode == self.current else rule)
            x = end
        bar.append("━" * max(0, width - x), rule)
        return Text("\n").join([names, bar])

    def _keys(self) -> dict[str, str]:
        """The first key of each screen's binding as the keymap sets it (a
        `[keymap]` entry "go.team" = "t,4" shows "t Team")."""
        # Textual keeps the keymap in the App's `_keymap` and offers no getter.
        keymap: Mapping[str, str] = getattr(self.app, "_keymap", {})
        shown = {}
        for mode, _label in SECTIONS:
            keys = keymap.get(f"go.{mode}")
            if keys:
                # The app's own display of a key ("F3", "^t"), as the footer shows it.
                shown[mode] = self.app.get_key_display(Binding(keys.split(",")[0], ""))
        return shown

    def on_click(self, event: events.Click) -> None:
        for mode, _text, start, end in section_spans(self._keys()):
            if start <= event.x < end and mode != self.current:
                self.app.switch_mode(mode)
                return
