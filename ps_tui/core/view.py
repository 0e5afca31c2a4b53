"""A loaded store with what every screen derives from it, computed once per change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ps_tui.core.health import Assessment, assess, assess_all, milestone_history
from ps_tui.core.model import Implementation, StoreFile


@dataclass(frozen=True)
class Portfolio:
    """The store as of one day, with every implementation assessed.

    Built off the UI thread after each load; after an edit, `updated` reassesses
    only what changed and says so in `changed`, so screens can update rows by
    key instead of rebuilding."""

    data: StoreFile
    today: dt.date
    assessments: dict[str, Assessment]
    #: Median days per milestone over completed implementations.
    history: dict[str, float]
    #: Ids changed (edited, added or deleted) since the previous portfolio;
    #: None when everything may have changed (a load or reload).
    changed: frozenset[str] | None = None

    @cached_property
    def by_id(self) -> dict[str, Implementation]:
        """Implementations by id (built on first use)."""
        return {impl.id: impl for impl in self.data.implementations}

    @classmethod
    def build(cls, data: StoreFile, today: dt.date) -> Portfolio:
        history = milestone_history(data.implementations)
        return cls(data, today, assess_all(data.implementations, today, data.kpi, history), history)

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
