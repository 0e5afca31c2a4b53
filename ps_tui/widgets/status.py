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
        self.watch(self.app, "status_kind", self._kind)

    def _show(self, text: str) -> None:
        self.update(text)

    def _kind(self, kind: str) -> None:
        self.set_class(kind == "demo", "-demo")
        self.set_class(kind == "offline", "-offline")
