"""The one-line status bar: where the data comes from and what "today" is."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    """Shows the app's `status` text; demo data is marked so nobody mistakes it
    for real data."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    StatusLine.-demo {
        background: $warning-muted;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show)

    def _show(self, text: str) -> None:
        self.update(text)
        self.set_class(not getattr(self.app, "store_persistent", True), "-demo")
