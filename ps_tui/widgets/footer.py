"""The key bar at the bottom of every main screen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import groupby

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

#: The actions the footer keeps before any other, in this order: the way to
#: every other key, and the way out.
FIRST = ("help", "quit")


@dataclass(frozen=True)
class Unit:
    """What the footer shows or leaves out as one: a key, or a group of keys
    under one label (`← → Segment`). Each binding comes with whether it is
    enabled and its tooltip."""

    bindings: tuple[tuple[Binding, bool, str], ...]
    group: Binding.Group | None

    @property
    def action(self) -> str:
        return self.bindings[0][0].action

    def width(self, display: dict[str, str]) -> int:
        """Its cells in the footer, as Textual's footer styles lay it out:
        " key description " for a key; a group's keys side by side after a
        space, then a space, its label and a space."""
        if self.group is not None:
            keys = sum(cell_len(display[binding.key]) for binding, _, _ in self.bindings)
            return 1 + keys + 1 + cell_len(self.group.description) + 1
        binding = self.bindings[0][0]
        return (
            cell_len(display[binding.key])
            + 2
            + (cell_len(binding.description) + 1 if binding.description else 0)
        )


def fitting(units: list[tuple[str, int]], room: int) -> list[int]:
    """Of `units` ((action, width) each), the positions that fit in `room`
    cells, taken in priority order (help, quit, then the screen's own keys
    as listed) and returned in their own order. Help is kept even when
    nothing else fits."""

    def rank(index: int) -> tuple[int, int]:
        action = units[index][0]
        return (FIRST.index(action) if action in FIRST else len(FIRST), index)

    chosen: list[int] = []
    used = 0
    for index in sorted(range(len(units)), key=rank):
        action, width = units[index]
        if used + width > room and (chosen or action != FIRST[0]):
            break
        chosen.append(index)
        used += width
    return sorted(chosen)


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
        return (shown, palette_key, self.compact, self.show_command_palette, self._width())

    def _width(self) -> int:
        """Its width; before its first layout, the app's (it is docked at the bottom)."""
        return self.size.width or self.app.size.width

    def compose(self) -> ComposeResult:
        # Textual's Footer.compose, but for which units are shown.
        # Textual's footer composes empty, to be rebuilt when the screen says
        # its bindings are ready: after the screen's first layout, which a
        # launch then made and rendered again for the keys. This one has its
        # keys from the start (those of the screen as it is composed; a
        # change from there rebuilds it).
        if self._shown is None:
            self._shown = self._keys()
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        units: list[Unit] = []
        for group, runs in groupby(by_action.values(), lambda multi: multi[0][0].group):
            firsts = [multi[0] for multi in runs]
            if group is not None and len(firsts) > 1:
                units.append(Unit(tuple(firsts), group))
            else:
                units.extend(Unit((first,), None) for first in firsts)
        display = {binding.key: self.app.get_key_display(binding) for _, binding, _, _ in active.values()}
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        with_palette = palette is not None and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        room = self._width()
        if palette is not None and with_palette:
            # Docked right: its border takes the place of its left padding.
            room -= Unit(((palette.binding, palette.enabled, palette.tooltip),), None).width(display)
        if self._width():
            shown = [units[i] for i in fitting([(u.action, u.width(display)) for u in units], room)]
        else:
            shown = units  # not laid out yet
        for unit in shown:
            if unit.group is not None:
                with KeyGroup(classes="-compact" if unit.group.compact else ""):
                    for binding, enabled, tooltip in unit.bindings:
                        yield self._bound(
                            FooterKey(
                                binding.key,
                                display[binding.key],
                                "",
                                binding.action,
                                disabled=not enabled,
                                tooltip=tooltip or binding.description,
                                classes="-grouped",
                            )
                        )
                yield FooterLabel(unit.group.description)
            else:
                binding, enabled, tooltip = unit.bindings[0]
                yield self._bound(
                    FooterKey(
                        binding.key,
                        display[binding.key],
                        binding.description,
                        binding.action,
                        disabled=not enabled,
                        tooltip=tooltip,
                    )
                )
        if palette is not None and with_palette:
            # Compact, as Textual's footer leaves it (not bound to the
            # footer's): the class from the start, so it is styled once.
            yield FooterKey(
                palette.binding.key,
                display[palette.binding.key],
                palette.binding.description,
                palette.binding.action,
                classes="-command-palette -compact",
                disabled=not palette.enabled,
                tooltip=palette.binding.tooltip or palette.binding.description,
            )

    def _bound(self, key: FooterKey) -> FooterKey:
        """`key`, compact as this footer is and following it. A FooterKey
        starts compact: bound as it is, each key was styled compact when
        mounted and restyled at once when the binding set it back."""
        key.set_reactive(FooterKey.compact, self.compact)
        return key.data_bind(compact=Footer.compact)

    def on_resize(self, event: events.Resize) -> None:
        if self.is_attached:
            self.bindings_changed(self.screen)

    def on_mount(self) -> None:
        # (Footer.on_mount subscribes to the screen's bindings as well.)
        self.app.screen_change_signal.subscribe(self, self._screen_shown)

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_shown(self, screen: Screen[object]) -> None:
        # A rebuild put off while another screen was shown happens now.
        if self.is_attached and screen is self.screen:
            self.bindings_changed(screen)

    async def _rebuild(self) -> None:
        # Cleared before the keys are read: a change from here on queues
        # another rebuild.
        self._rebuild_queued = False
        if not self.is_attached:
            # Its screen closed meanwhile (a detail view left at once).
            return
        if self.screen is not self.app.screen:
            # Another screen is shown meanwhile (a window focused and `2`
            # pressed at once). Its bindings are not asked now: Textual
            # would ask the shown screen about the `screen.` ones, perhaps
            # before it has composed. Rebuilt when this screen is back.
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
