"""The Store protocol: what the app needs from any backend (file, memory, HTTP)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ps_tui.core.model import Implementation, Reference, StoreFile

if TYPE_CHECKING:
    from ps_tui.store.tokens import Holder


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """How far a load has come: `done` of `total` (None: not known yet),
    counted in `unit` ("bytes" or "implementations"), in its `stage`
    ("Reading", "Decoding", "Assessing", ...)."""

    stage: str
    done: int
    total: int | None
    unit: str

    @property
    def words(self) -> str:
        """What it says: "Decoding 12,000 of 100,000 implementations"."""
        if self.unit == "bytes":
            size = "" if self.total is None else f" ({megabytes(self.total)})"
            return f"{self.stage} the file{size}"
        if self.total is None:
            return f"{self.stage} {self.done:,} {self.unit}…" if self.done else f"{self.stage}…"
        return f"{self.stage} {self.done:,} of {self.total:,} {self.unit}"


def megabytes(count: int) -> str:
    """A size in megabytes, as a person reads it: "3.2 MB", "149 MB"."""
    return f"{count / 1_000_000:,.1f} MB" if count < 10_000_000 else f"{count / 1_000_000:,.0f} MB"


#: Told how a load is going, from the thread the load runs in, a few dozen
#: times per load at most. It may raise to stop the load (the app does when
#: it quits before the load has finished): the load lets the exception through.
Progress = Callable[[LoadProgress], None]


def counting(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    """What tells `progress` that `done` of `total` implementations are
    through `stage` (None without a `progress`), for the slices of a
    check or an assessment (`core` knows only the counts)."""
    if progress is None:
        return None
    report = progress  # narrowed, for the closure

    def counted(done: int) -> None:
        report(LoadProgress(stage, done, total, "implementations"))

    return counted


class Store(Protocol):
    """Loads and saves a portfolio. Every method returns the whole store as it
    stands after the call, so callers never hold a stale copy.

    Methods are async so that the TUI never blocks on IO; the file backend runs
    its disk work in a thread."""

    #: Where the data lives, for the header and messages ("~/x/store.toml").
    location: str
    #: False when changes are kept in memory only (the demo data).
    persistent: bool

    def loads_quickly(self) -> bool:
        """Whether `load()` (and assessing what it returns) takes no more than
        a few milliseconds: the app then waits for it before its first frame."""
        ...

    async def load(self, progress: Progress | None = None) -> StoreFile:
        """The whole store; `progress`, when given, is told how the load
        goes, between slices of work short enough for the UI to stay live."""
        ...

    # `who`: the person the store's history records for this one change (a
    # server passes its request's token holder); None is the store's own
    # (the config's `me`). A store without a history of its own ignores it.

    async def save_implementation(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        """Insert or replace (by id) one implementation."""
        ...

    async def delete_implementation(self, implementation_id: str, *, who: str | None = None) -> StoreFile: ...

    async def save_reference(self, reference: Reference, *, who: str | None = None) -> StoreFile: ...


@runtime_checkable
class SharedStore(Store, Protocol):
    """A store others edit too (a `ps-tui serve`): polled for their changes,
    possibly unreachable, and able to overwrite after a version conflict."""

    #: True while the data shown is a cached copy because the server is down.
    offline: bool
    #: When the data shown was fetched from the server.
    fetched: dt.datetime | None

    async def refresh(self) -> tuple[StoreFile, frozenset[str] | None]:
        """Changes since the last load or refresh, and the ids they touched
        (None: everything was reloaded)."""
        ...

    async def overwrite_implementation(self, implementation: Implementation) -> StoreFile:
        """Save without the version check, after the user chose to."""
        ...

    async def holder(self) -> Holder | None:
        """The team member the client's token belongs to, as the server says
        (None: no token, a shared one, or the server cannot say)."""
        ...

    async def aclose(self) -> None: ...
