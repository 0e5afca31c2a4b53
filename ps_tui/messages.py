"""Messages that carry store results from workers to the handlers that own state."""

from __future__ import annotations

from textual.message import Message

from ps_tui.core.model import StoreFile


class StoreLoaded(Message):
    """A load (or reload) finished with this data."""

    def __init__(self, data: StoreFile) -> None:
        super().__init__()
        self.data = data


class StoreFailed(Message):
    """A load or save failed; `error` is the message for the user."""

    def __init__(self, error: str, *, during: str) -> None:
        super().__init__()
        self.error = error
        self.during = during
