"""Keys in order: each key is read once the one before has had its effect.

Textual hands a key to the widget focused when it reads it, through that
widget's message queue, and moves on to the next key at once. A key that moves
focus does so only later: Tab and most bindings run when the key has bubbled
through every queue up to the app, a new screen focuses its first field once
it is mounted, a row activated with enter opens its screen from a message. So
keys typed in a burst after such a key (a fast typist, a paste of several
keys, `tmux send-keys`) reached the widget that had focus before: `Acme` Tab
`1200` gave Customer `Acme1200`, and an esc right after enter was lost.

`InOrderKeys` reads the next key only when the app is quiet again: it posts a
no-op callback (a barrier) to every widget between the focus and the screen,
waits until all of them have run, and repeats while something else was handled
meanwhile or focus or screen changed; then the app's own queue (where the key's
bindings run) gets a turn before the next key is handed on. Keys and pastes
that arrive meanwhile wait, in order.

A terminal sends Alt+j as esc then `j`, so esc typed quickly before a key (esc
to leave the filter box, then `j` to move down) reaches Textual in one read as
`alt+j`, and the box took the `j`. ps-tui binds no Alt+character, so such a
key is taken for what was typed: esc, then the character (`split_alt`).
Textual reads esc then a digit, `-` or `=` as the character WezTerm on macOS
sends for Option and that key (esc 2 as `™`): ps-tui reads it as esc and the
digit (`read_esc_digit_as_esc`), since esc then `2` is how one leaves a
dialog for the second screen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import cast

from textual import _ansi_sequences, events
from textual.app import App, ScreenStackError, UnknownModeError
from textual.dom import DOMNode
from textual.message import Message
from textual.timer import Timer

#: Rounds of barriers after one key at most, should something stay busy
#: (a widget that keeps posting to itself): then the next key goes anyway.
MAX_ROUNDS = 12
#: Seconds a round may take before the next key goes anyway (a widget removed
#: with a barrier still in its queue never runs it).
ROUND_TIMEOUT = 0.5


def read_esc_digit_as_esc() -> None:
    """Have Textual's terminal parser read esc and a key it would take for
    WezTerm's Option+digit character as Alt+that key (then `split_alt`)."""
    sequences = cast(dict[str, object], _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for sequence, meaning in list(sequences.items()):
        if len(sequence) == 2 and sequence[0] == "\x1b" and isinstance(meaning, str) and len(meaning) == 1:
            del sequences[sequence]


def split_alt(event: events.Key) -> tuple[events.Key, events.Key] | None:
    """esc and the key an Alt+character stands for, when `event` is one
    (`alt+j` is esc and `j`, `alt+shift+j` esc and `J`); None otherwise."""
    character = event.character
    if not event.key.startswith("alt+") or character is None:
        return None
    if len(character) != 1 or not character.isprintable():
        return None
    key = event.key.removeprefix("alt+")
    if key.startswith("shift+"):
        key = key.removeprefix("shift+").upper()
    if "+" in key:  # another modifier: not what esc then a key gives
        return None
    return events.Key("escape", "\x1b"), events.Key(key, character)


class InOrderKeys(App[None]):
    """An app that hands each key and paste to the focus as the previous one
    left it (see the module's note)."""

    def __init__(self) -> None:
        super().__init__()
        read_esc_digit_as_esc()
        #: Input that arrived while the app was still busy with an earlier key.
        self._held: deque[events.Key | events.Paste] = deque()
        #: True from handing a key on until the app is quiet again.
        self._settling = False
        #: The round of barriers under way (None between rounds).
        self._open_round: int | None = None
        self._rounds = 0
        self._rounds_left = 0
        self._barriers_left = 0
        #: Whether a watched widget handled something else during the round.
        self._busy = False
        self._watched: list[DOMNode] = []
        self._seen: tuple[object, ...] = ()
        self._watchdog: Timer | None = None
        self._watchdog_round = 0
        #: What waits for every key typed so far to be read (`when_keys_read`).
        self._on_quiet: list[Callable[[], object]] = []

    @property
    def keys_pending(self) -> bool:
        """Whether a key typed so far is still to be handed on or to settle."""
        return self._settling or bool(self._held)

    def keys_waiting(self) -> list[str]:
        """The keys typed and not yet handed on, oldest first ("" for a paste)."""
        return [event.key if isinstance(event, events.Key) else "" for event in self._held]

    def when_keys_read(self, callback: Callable[[], object]) -> None:
        """Call `callback` once every key typed so far has had its effect: a
        screen that recomputes after each key (a filter) does it once for a
        burst, for its last state."""
        if self._settling or self._held:
            self._on_quiet.append(callback)
        else:
            self.call_later(callback)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if isinstance(event, events.Key) and (split := split_alt(event)) and not self._binds(event.key):
                for part in split:
                    await self.on_event(part)
                return
            if self._settling or self._held:
                self._held.append(event)
                return
            await self._hand_on(event)
            return
        await super().on_event(event)

    def _binds(self, key: str) -> bool:
        """Whether a binding of the screen shown (or the app) takes `key`."""
        try:
            return key in self.screen.active_bindings
        except (ScreenStackError, UnknownModeError):
            return False

    async def _hand_on(self, event: events.Key | events.Paste) -> None:
        """Give `event` to Textual (priority bindings, then the focus), then
        wait for the app to settle before the next one."""
        await super().on_event(event)
        self._settling = True
        self._rounds_left = MAX_ROUNDS
        self._start_round()

    def _state(self) -> tuple[object, ...]:
        """What the next key depends on: the screen, whether it is mounted, the focus."""
        try:
            screen = self.screen
        except (ScreenStackError, UnknownModeError):  # the app is closing
            return ()
        return (screen, screen.is_mounted, self.focused)

    def _chain(self) -> list[DOMNode]:
        """The focused widget and its ancestors up to the screen (or the
        screen alone): where the last key's messages travel."""
        try:
            screen = self.screen
        except (ScreenStackError, UnknownModeError):
            return []
        focused = self.focused
        if focused is None:
            return [screen]
        return [node for node in focused.ancestors_with_self if node is not self]

    def _start_round(self) -> None:
        self._rounds += 1
        round_id = self._open_round = self._rounds
        self._rounds_left -= 1
        self._busy = False
        self._seen = self._state()
        # The nodes of the last round too: focus may have left them with work queued.
        self._watched = list(dict.fromkeys([*self._chain(), *self._watched]))
        self._barriers_left = 0
        if self.is_running:  # not when the app is closing
            for node in self._watched:
                if node.is_running and node.call_later(self._barrier_done, round_id):
                    node.message_signal.subscribe(self, self._handled, immediate=True)
                    self._barriers_left += 1
        if self._barriers_left == 0:
            self._round_done(round_id)
        elif self._watchdog is None:
            self._watchdog_round = round_id
            self._watchdog = self.set_timer(ROUND_TIMEOUT, self._watch)

    def _watch(self) -> None:
        """A round still open since the watchdog was set is given up on."""
        self._watchdog = None
        if self._open_round is None:
            return
        if self._open_round == self._watchdog_round:
            self._round_done(self._open_round)
        else:
            self._watchdog_round = self._open_round
            self._watchdog = self.set_timer(ROUND_TIMEOUT, self._watch)

    def _handled(self, message: Message) -> None:
        """A watched widget handled a message: something still goes on,
        unless it was one of the barriers."""
        if not (
            isinstance(message, events.Callback)
            and isinstance(message.callback, partial)
            and message.callback.func == self._barrier_done
        ):
            self._busy = True

    def _barrier_done(self, round_id: int) -> None:
        if round_id != self._open_round:
            return
        self._barriers_left -= 1
        if self._barriers_left == 0:
            self._round_done(round_id)

    def _round_done(self, round_id: int) -> None:
        if round_id != self._open_round:
            return
        self._open_round = None
        for node in self._watched:
            node.message_signal.unsubscribe(self)
        # The app's own queue next: a key that bubbled up runs its bindings there.
        self.call_later(self._after_round)

    async def _after_round(self) -> None:
        state = self._state()
        mounted = len(state) < 2 or bool(state[1])
        if self._rounds_left > 0 and (self._busy or state != self._seen or not mounted):
            self._start_round()
            return
        self._settling = False
        self._watched = []
        if self._held:
            await self._hand_on(self._held.popleft())
        elif self._on_quiet:
            waiting, self._on_quiet = self._on_quiet, []
            for callback in waiting:
                callback()
