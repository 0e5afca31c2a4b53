"""The statistics the KPI and the milestone history share, over values
already sorted ascending (each caller sorts once and reads several figures)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def median(ordered: Sequence[float]) -> float | None:
    """The median of sorted values; for an even count, the mean of the two
    middle values. None when there are none."""
    n = len(ordered)
    if not n:
        return None
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0 < p <= 100) of sorted values by the nearest-rank
    method: the smallest value such that at least p% of the values are <= it.
    It is always one of the values. None when there are none."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p}")
    n = len(ordered)
    if not n:
        return None
    # Exact arithmetic: in floats p * n / 100 can land just above a whole
    # number (8.8 * 375 / 100) and ceil would then pick the next rank.
    rank = math.ceil(Fraction(str(p)) * n / 100)
    return float(ordered[max(1, rank) - 1])
