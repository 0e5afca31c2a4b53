"""The tab bar that switches between the four main screens."""

from __future__ import annotations

from textual import on
from textual.widgets import Tab, Tabs

#: (mode, label) in key order: key 1 is the first.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("dashboard", "Dashboard"),
    ("implementations", "Implementations"),
    ("offerings", "Offerings"),
    ("team", "Team"),
)


class NavBar(Tabs, can_focus=False):
    """Tabs naming each screen with its number key; the current one is active."""

    DEFAULT_CSS = """
    NavBar { height: 2; }
    """

    def __init__(self, current: str) -> None:
        tabs = [Tab(f"{n} {label}", id=mode) for n, (mode, label) in enumerate(SECTIONS, 1)]
        super().__init__(*tabs, active=current)
        self._current = current

    @on(Tabs.TabActivated)
    def _go(self, event: Tabs.TabActivated) -> None:
        event.stop()
        mode = event.tab.id
        if mode and mode != self._current:
            # Put the highlight back: the target screen has its own bar.
            self.active = self._current
            self.app.switch_mode(mode)
