"""The Store protocol: what the app needs from any backend (file, memory, HTTP)."""

from __future__ import annotations

from typing import Protocol

from ps_tui.core.model import Implementation, Reference, StoreFile


class Store(Protocol):
    """Loads and saves a portfolio. Every method returns the whole store as it
    stands after the call, so callers never hold a stale copy.

    Methods are async so that the TUI never blocks on IO; the file backend runs
    its disk work in a thread."""

    #: Where the data lives, for the header and messages ("~/x/store.toml").
    location: str
    #: False when changes are kept in memory only (the demo data).
    persistent: bool

    async def load(self) -> StoreFile: ...

    async def save_implementation(self, implementation: Implementation) -> StoreFile:
        """Insert or replace (by id) one implementation."""
        ...

    async def delete_implementation(self, implementation_id: str) -> StoreFile: ...

    async def save_reference(self, reference: Reference) -> StoreFile: ...
