"""The key bar at the bottom of every main screen."""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows change.

    The stock footer rebuilds every key for every change of bindings, and a
    screen opening changes them several times in a row (mounted, resumed,
    focused), mostly to the same keys. This one queues at most one rebuild
    at a time, and the rebuild is skipped when the keys it would show are
    the ones already shown."""

    _rebuild_queued = False
    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> Hashable:
        """What `compose` would show: every shown binding, in order, with
        whether it is enabled and its tooltip, and the layout switches."""
        active = self.screen.active_bindings
        display = self.app.get_key_display
        shown = tuple(
            (display(binding), binding.action, binding.description, binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        palette_key = None if palette is None else (palette[1].key, palette[2], palette[3])
        return (shown, palette_key, self.compact, self.show_command_palette)

    async def _rebuild(self) -> None:
        # Cleared before the keys are read: a change from here on queues
        # another rebuild.
        self._rebuild_queued = False
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
