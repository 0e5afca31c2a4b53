"""A store held in memory: the demo data, and a stand-in for tests."""

from __future__ import annotations

from ps_tui.core import portfolio
from ps_tui.core.model import Implementation, Reference, StoreFile
from ps_tui.store.base import Progress
from ps_tui.store.errors import edit_errors

#: Up to this many implementations, assessing them all takes a few milliseconds.
QUICK_IMPLEMENTATIONS = 1_000


class MemoryStore:
    """Keeps the portfolio in memory; edits are checked but never written (so
    there is no history, and `who` is not kept)."""

    persistent = False

    def __init__(self, store: StoreFile, location: str = "memory") -> None:
        self._store = store
        self.location = location

    @property
    def data(self) -> StoreFile:
        """The store as it stands (what `load` returns), without an event loop."""
        return self._store

    def loads_quickly(self) -> bool:
        return len(self._store.implementations) <= QUICK_IMPLEMENTATIONS

    async def load(self, progress: Progress | None = None) -> StoreFile:
        return self._store

    async def save_implementation(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        with edit_errors(self.location):
            self._store = portfolio.upsert(self._store, implementation)
        return self._store

    async def delete_implementation(self, implementation_id: str, *, who: str | None = None) -> StoreFile:
        with edit_errors(self.location):
            self._store = portfolio.remove(self._store, implementation_id)
        return self._store

    async def save_reference(self, reference: Reference, *, who: str | None = None) -> StoreFile:
        with edit_errors(self.location):
            self._store = portfolio.replace_reference(self._store, reference)
        return self._store
