"""Histogram buckets of durations, each with its numeric bounds.

A bucket carries its bounds as numbers beside its label, so whoever draws or
encodes it decides from the numbers (is the bucket within the target?) and
never parses the label back."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import msgspec

#: The highest duration (days) of each bucket of the KPI histogram, ascending;
#: a last None is an open bucket above the one before it.
DURATION_TOPS: tuple[int | None, ...] = (15, 30, 45, 60, None)


class Bucket(msgspec.Struct, frozen=True):
    """Durations from `low` to `high` days, both included (`high` None: no
    upper bound), and how many fell in it."""

    label: str
    low: int
    high: int | None
    count: int

    def within(self, target: int) -> bool:
        """Whether every duration in the bucket is at most `target` days."""
        return self.high is not None and self.high <= target


def bucket_label(low: int, high: int | None) -> str:
    """ "16-30" for a closed bucket; "60+" for the open one that starts at 61."""
    return f"{low}-{high}" if high is not None else f"{low - 1}+"


def count_buckets(ordered: Sequence[int], tops: Sequence[int | None] = DURATION_TOPS) -> list[Bucket]:
    """Counts of sorted, non-negative durations per bucket, from 0 up to each
    of `tops` in turn. Durations above a closed last bucket are not counted."""
    buckets = []
    start = low = 0
    for high in tops:
        end = len(ordered) if high is None else bisect.bisect_right(ordered, high, start)
        buckets.append(Bucket(bucket_label(low, high), low, high, end - start))
        if high is None:
            break
        start, low = end, high + 1
    return buckets
