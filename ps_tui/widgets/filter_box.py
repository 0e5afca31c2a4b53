"""The filter box: a one-line Input whose typing repaints only itself."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Input


class FilterBox(Input):
    """An `Input` that does not lay the whole screen out again per key typed.

    Textual's Input sets its virtual size to its text's width on every
    change, and a new virtual size asks for a layout of the screen: every
    widget on it is drawn again before the typed character shows (half the
    frame, at 100,000 rows, went to the table's scrollbar and the rest). A
    box whose size is set in CSS takes the same room whatever it holds and
    shows no scrollbar, so its text's width changes no layout; its own
    scrolling reads the virtual size directly. Every other layout it asks
    for (a style or display change) still happens.
    """

    _typing = False

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> FilterBox:
        if self._typing and layout and not self.styles.auto_dimensions:
            layout = False
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self
