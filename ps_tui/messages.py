"""Messages that carry store results from workers to the handlers that own state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from ps_tui.core.history import Event
from ps_tui.core.model import StoreFile
from ps_tui.core.view import Portfolio
from ps_tui.store.base import LoadProgress
from ps_tui.store.live import Changed, Signal

if TYPE_CHECKING:
    from ps_tui.store.tokens import Holder

#: Called by the app's handler once an edit has landed (True) or failed (False).
Done = Callable[[bool], None]


class StoreLoaded(Message):
    """A load or reload finished; this is the store as it now stands."""

    def __init__(self, portfolio: Portfolio) -> None:
        super().__init__()
        self.portfolio = portfolio


class LoadProgressed(Message):
    """How far the load under way has come; `shown` is called once the
    handler has shown it (the load's thread waits for that before its next
    step, so the UI is never starved by it)."""

    def __init__(self, progress: LoadProgress, shown: Callable[[], None]) -> None:
        super().__init__()
        self.progress = progress
        self.shown = shown


class StoreChanged(Message):
    """An edit was saved; `changed` names the implementations it touched."""

    def __init__(self, data: StoreFile, changed: frozenset[str], label: str, done: Done | None) -> None:
        super().__init__()
        self.data = data
        self.changed = changed
        self.label = label
        self.done = done


class StoreFailed(Message):
    """A load or save failed; `error` is the message for the user, `exception`
    the store's error (a conflict carries both versions), `kept` what became
    of the user's change (said after the error; "" when nothing is kept)."""

    def __init__(
        self,
        error: str,
        *,
        during: str,
        done: Done | None = None,
        exception: Exception | None = None,
        kept: str = "",
    ) -> None:
        super().__init__()
        self.error = error
        self.during = during
        self.done = done
        self.exception = exception
        self.kept = kept


class HolderKnown(Message):
    """A shared server said whom the client's token belongs to (None: nobody)."""

    def __init__(self, holder: Holder | None) -> None:
        super().__init__()
        self.holder = holder


class StoreRefreshed(Message):
    """A poll of a shared store finished: `changed` ids (None: everything),
    or `error` when the server could not be reached."""

    def __init__(
        self, data: StoreFile | None, changed: frozenset[str] | None, error: str | None = None
    ) -> None:
        super().__init__()
        self.data = data
        self.changed = changed
        self.error = error


class LiveSignal(Message):
    """What the shared server's event stream said (see store/live.py). A
    change waiting to be handled is superseded by the next one: a burst of
    changes is one refresh."""

    def __init__(self, signal: Signal) -> None:
        super().__init__()
        self.signal = signal

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, LiveSignal)
            and isinstance(self.signal, Changed)
            and isinstance(message.signal, Changed)
        )


class HistoryShown(Message):
    """One implementation's recorded changes, read for the detail view
    (newest first), or why there are none to show."""

    def __init__(self, impl_id: str, events: list[Event] | str) -> None:
        super().__init__()
        self.impl_id = impl_id
        self.events = events
