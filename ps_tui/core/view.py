"""A loaded store with what every screen derives from it, computed once per change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ps_tui.core.health import Assessment, assess_all, milestone_history
from ps_tui.core.model import StoreFile


@dataclass(frozen=True)
class Portfolio:
    """The store as of one day, with every implementation assessed.

    Built off the UI thread after each load or save; screens only read it."""

    data: StoreFile
    today: dt.date
    assessments: dict[str, Assessment]
    #: Median days per milestone over completed implementations.
    history: dict[str, float]

    @classmethod
    def build(cls, data: StoreFile, today: dt.date) -> Portfolio:
        history = milestone_history(data.implementations)
        return cls(data, today, assess_all(data.implementations, today, data.kpi, history), history)
