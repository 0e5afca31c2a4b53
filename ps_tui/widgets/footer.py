"""The key bar at the bottom of every main screen."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, rebuilt once per batch of binding changes.

    The stock footer queues a full rebuild of its keys for every change of
    bindings, and a screen opening changes them several times in a row
    (mounted, resumed, focused): three rebuilds before the first frame. A
    rebuild reads the bindings as they are when it runs, so while one is
    queued, later changes need no other."""

    _rebuild_queued = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        # Cleared before the keys are read: a change from here on queues
        # another rebuild.
        self._rebuild_queued = False
        await self.recompose()
