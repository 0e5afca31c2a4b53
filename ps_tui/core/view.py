"""A loaded store with what every screen derives from it, computed once per change."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar

from ps_tui.core.attention import needs_attention
from ps_tui.core.health import Assessment, LazyHistory, MilestoneHistory, assess, assess_all
from ps_tui.core.kpi import KpiFigures, compute_kpis
from ps_tui.core.model import Implementation, StoreFile

_ID = attrgetter("id")

T = TypeVar("T")

#: Implementations assessed between two calls of `Portfolio.build`'s `assessed`.
BUILD_SLICE = 10_000


@dataclass(frozen=True, repr=False)
class Portfolio:
    """The store as of one day, with every implementation assessed.

    Built off the UI thread after each load; after an edit, `updated` reassesses
    only what changed and says so in `changed`, so screens can update rows by
    key instead of rebuilding."""

    data: StoreFile
    today: dt.date
    assessments: dict[str, Assessment]
    #: Median days per milestone over completed implementations (as
    #: `milestone_history`; from `build`, computed on first use).
    history: MilestoneHistory
    #: Ids changed (edited, added or deleted) since the previous portfolio;
    #: None when everything may have changed (a load or reload).
    changed: frozenset[str] | None = None
    #: Whether `assessments` holds exactly one entry per implementation, in
    #: the store's order (as `build` makes it), so the two pair up without a
    #: lookup by id (see `in_store_order`).
    aligned: bool = False
    #: Held while the lock of one thing derived from this portfolio is
    #: looked up (see `derived`).
    _deriving: threading.Lock = field(default_factory=threading.Lock, init=False, compare=False, repr=False)

    def __repr__(self) -> str:
        # Not the whole store: a repr is for a log line or a debugger.
        return f"Portfolio({len(self.data.implementations):,} implementations as of {self.today})"

    def derived(self, build: Callable[[Portfolio], T]) -> T:
        """What `build` makes of this portfolio, made once: by whichever
        thread asks first, the others waiting for it (a big load makes the
        table's rows in its thread while the dashboard is shown). Each
        `build` waits only for its own: not for another one under way."""
        made: dict[Any, Any] = self.__dict__.setdefault("_derived", {})
        if build in made:
            return made[build]  # type: ignore[no-any-return]
        with self._deriving:
            locks: dict[Any, threading.Lock] = self.__dict__.setdefault("_derived_locks", {})
            lock = locks.setdefault(build, threading.Lock())
        with lock:
            if build not in made:
                made[build] = build(self)
            return made[build]  # type: ignore[no-any-return]

    def has_derived(self, build: Callable[[Portfolio], Any]) -> bool:
        """Whether `derived(build)` is made already, so asking costs nothing."""
        return build in self.__dict__.get("_derived", {})

    def forget_derived(self, build: Callable[[Portfolio], Any]) -> None:
        """Let go of what `build` made (something made only to be shown
        until a fuller one is ready); asked for again, it is made again."""
        self.__dict__.get("_derived", {}).pop(build, None)

    @cached_property
    def by_id(self) -> dict[str, Implementation]:
        """Implementations by id (built on first use)."""
        return {impl.id: impl for impl in self.data.implementations}

    def kpis(self, window_days: int | None) -> KpiFigures:
        """The KPI figures for completions in the window (`compute_kpis`),
        computed once per portfolio and window: a third of a second at
        1,000,000 implementations, drawn again at every visit of the
        dashboard. A big load computes the dashboard's in its thread."""
        cache: dict[int | None, KpiFigures] = self.__dict__.setdefault("_kpis", {})
        figures = cache.get(window_days)
        if figures is None:
            data = self.data
            figures = compute_kpis(data.implementations, self.today, data.kpi, window_days, self.assessments)
            cache[window_days] = figures
        return figures

    @cached_property
    def attention(self) -> list[tuple[Implementation, Assessment]]:
        """The active implementations at risk or overdue, worst first
        (`needs_attention`), found once per portfolio."""
        return needs_attention(self.data.implementations, self.assessments)

    @classmethod
    def build(
        cls, data: StoreFile, today: dt.date, assessed: Callable[[int], None] | None = None
    ) -> Portfolio:
        """`assessed`, when given, is told how many implementations are
        assessed after each `BUILD_SLICE` of them (a load's progress; it may
        raise to stop the build)."""
        implementations = data.implementations
        history = LazyHistory(implementations)
        if assessed is None:
            assessments = assess_all(implementations, today, data.kpi, history)
        else:
            assessments = {}
            for start in range(0, len(implementations), BUILD_SLICE):
                piece = implementations[start : start + BUILD_SLICE]
                assessments.update(assess_all(piece, today, data.kpi, history))
                assessed(start + len(piece))
        # assess_all keys its result in the implementations' order; with no
        # id twice, the two line up one to one.
        aligned = len(assessments) == len(implementations)
        return cls(data, today, assessments, history, aligned=aligned)

    def in_store_order(self) -> Iterable[Assessment]:
        """The assessment of each implementation, in the store's order.

        Raises KeyError for an implementation without one."""
        if self.aligned:
            return self.assessments.values()
        return map(self.assessments.__getitem__, map(_ID, self.data.implementations))

    def updated(self, data: StoreFile, changed: Iterable[str]) -> Portfolio:
        """The portfolio after an edit of the implementations `changed`.

        The milestone history is kept as it was: one edit barely moves the
        medians, and the next load recomputes them."""
        ids = frozenset(changed)
        assessments = dict(self.assessments)
        found = set()
        for implementation in data.implementations:
            if implementation.id in ids:
                found.add(implementation.id)
                assessments[implementation.id] = assess(implementation, self.today, data.kpi, self.history)
        for gone in ids - found:
            assessments.pop(gone, None)
        return Portfolio(data, self.today, assessments, self.history, ids)
