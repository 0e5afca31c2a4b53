"""Messages that carry store results from workers to the handlers that own state."""

from __future__ import annotations

from textual.message import Message

from ps_tui.core.view import Portfolio


class StoreLoaded(Message):
    """A load, reload or save finished; this is the store as it now stands."""

    def __init__(self, portfolio: Portfolio) -> None:
        super().__init__()
        self.portfolio = portfolio


class StoreFailed(Message):
    """A load or save failed; `error` is the message for the user."""

    def __init__(self, error: str, *, during: str) -> None:
        super().__init__()
        self.error = error
        self.during = during
