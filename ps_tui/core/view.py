"""A loaded store with what every screen derives from it, computed once per change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from ps_tui.core.health import Assessment, LazyHistory, MilestoneHistory, assess, assess_all
from ps_tui.core.model import Implementation, StoreFile

_ID = attrgetter("id")

#: Implementations assessed between two calls of `Portfolio.build`'s `assessed`.
BUILD_SLICE = 10_000


@dataclass(frozen=True)
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

    @cached_property
    def by_id(self) -> dict[str, Implementation]:
        """Implementations by id (built on first use)."""
        return {impl.id: impl for impl in self.data.implementations}

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
