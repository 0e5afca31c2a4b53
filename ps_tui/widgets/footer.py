"""The key bar at the bottom of every main screen."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: The actions the footer keeps before any other, in this order: the way to
#: every other key, and the way out.
FIRST = ("help", "quit")


def key_width(key: FooterKey) -> int:
    """The cells a key takes in the footer: " key description "."""
    return cell_len(key.key_display) + cell_len(key.description) + 3


def fitting(keys: list[FooterKey], room: int) -> list[FooterKey]:
    """The keys that fit in `room` cells, taken in priority order (help,
    quit, then the screen's own keys as listed) and shown in their own
    order. Help is kept even when nothing else fits."""

    def rank(index: int) -> tuple[int, int]:
        action = keys[index].action
        return (FIRST.index(action) if action in FIRST else len(FIRST), index)

    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(keys)), key=rank):
        width = key_width(keys[index])
        if used + width > room and (chosen or keys[index].action != FIRST[0]):
            break
        chosen.add(index)
        used += width
    return [key for index, key in enumerate(keys) if index in chosen]


class KeyFooter(Footer):
    """Textual's Footer, showing what fits, and rebuilt only when the keys it
    shows change.

    The stock footer lays every key out in a row and cuts the row at the
    terminal's edge, so at 80 columns the last keys (help, quit) were the
    ones lost; this one shows the keys that fit, by priority (`fitting`).

    The stock footer also rebuilds every key for every change of bindings,
    and a screen opening changes them several times in a row (mounted,
    resumed, focused), mostly to the same keys. This one queues at most one
    rebuild at a time, and the rebuild is skipped when the keys it would
    show are the ones already shown."""

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
        return (shown, palette_key, self.compact, self.show_command_palette, self.size.width)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        if not self.size.width or not all(isinstance(w, FooterKey) for w in widgets):
            # Not laid out yet, or key groups (none here): as the stock footer.
            yield from widgets
            return
        yield from self._fit(widgets)

    def _fit(self, widgets: Iterable[Widget]) -> list[Widget]:
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        palette = [key for key in keys if key.has_class("-command-palette")]
        # The palette key is docked right: its border takes the place of its
        # left padding.
        room = self.size.width - sum(key_width(key) for key in palette)
        return [*fitting([key for key in keys if key not in palette], room), *palette]

    def on_resize(self, event: events.Resize) -> None:
        self.bindings_changed(self.screen)

    async def _rebuild(self) -> None:
        # Cleared before the keys are read: a change from here on queues
        # another rebuild.
        self._rebuild_queued = False
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
