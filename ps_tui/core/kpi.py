"""The team KPI: implementation duration against the target.

Implementation duration is the number of calendar days from kickoff to
production_ready of a completed implementation; it is *within target* when it
is at most the target days.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import msgspec

from ps_tui.core.health import Assessment, Health, LazyHistory, assess_all
from ps_tui.core.histogram import Bucket, count_buckets
from ps_tui.core.model import Implementation, Kpi, Status, StoreFile
from ps_tui.core.stats import median, percentile

#: The dashboard's windows in days; None means all time.
WINDOWS: tuple[int | None, ...] = (30, 90, 180, 365, None)
#: The window the dashboard opens on and `ps-tui kpi` uses, in days.
DEFAULT_WINDOW = 90

#: How many calendar months the monthly trend covers, ending with today's month.
TREND_MONTHS = 12


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class KpiSummary(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The figures of one window: what the dashboard's gauges show, and the
    first fields of the KPI document (`core.documents.KpiDocument`).

    `completed`, `median`, `p90`, `mean` and `within_target_share` cover
    completions in the window; `active`, `at_risk` and `overdue` count active
    implementations as of today, whatever the window."""

    #: The window in days; None for all time.
    window_days: int | None
    target_days: int
    completed: int
    median: float | None
    p90: float | None
    mean: float | None
    within_target_share: float | None
    active: int
    at_risk: int
    overdue: int


class KpiFigures(KpiSummary, frozen=True, kw_only=True):
    """The KPI for one window, as the dashboard and the report show it:
    the summary, the monthly trend (the last twelve calendar months, oldest
    first, whatever the window) and the histogram of the window's
    completions."""

    #: (YYYY-MM, median days or None, completions) per month of production_ready.
    monthly: list[tuple[str, float | None, int]]
    #: Completions per duration bucket, see `histogram.DURATION_TOPS`.
    histogram: list[Bucket]


def compute_kpis(
    store_or_implementations: StoreFile | Iterable[Implementation],
    today: date,
    kpi: Kpi | None = None,
    window_days: int | None = None,
    assessments: Mapping[str, Assessment] | None = None,
) -> KpiFigures:
    """The KPI figures as of `today` for completions in the window.

    The window holds completed implementations (status completed; on-hold and
    cancelled ones never count) whose production_ready is after
    `today - window_days` and on or before `today`: the last `window_days`
    days including today, so a completion exactly `window_days` days ago is
    out. With `window_days` None it holds every completion on or before today.

    `kpi` defaults to the store's (or the model defaults for a bare list).
    `assessments` may pass in `health.assess_all` results already at hand;
    otherwise the active implementations are assessed here.
    """
    if window_days is not None and window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days}")
    if isinstance(store_or_implementations, StoreFile):
        implementations: Sequence[Implementation] = store_or_implementations.implementations
        kpi = kpi or store_or_implementations.kpi
    else:
        implementations = list(store_or_implementations)
    kpi = kpi or Kpi()
    target = kpi.target_days

    today_ordinal = today.toordinal()
    window_start = None if window_days is None else today_ordinal - window_days  # exclusive
    this_month = today.year * 12 + today.month - 1
    monthly_durations: list[list[int]] = [[] for _ in range(TREND_MONTHS)]
    durations: list[int] = []
    active: list[Implementation] = []
    completed_status, active_status = Status.COMPLETED, Status.ACTIVE
    for impl in implementations:
        status = impl.status
        if status is active_status:
            active.append(impl)
            continue
        if status is not completed_status:
            continue
        kickoff, ready = impl.kickoff, impl.production_ready
        if kickoff is None or ready is None:
            continue
        ready_ordinal = ready.toordinal()
        if ready_ordinal > today_ordinal:
            continue
        days = ready_ordinal - kickoff.toordinal()
        if window_start is None or ready_ordinal > window_start:
            durations.append(days)
        months_ago = this_month - (ready.year * 12 + ready.month - 1)
        if months_ago < TREND_MONTHS:
            monthly_durations[months_ago].append(days)

    at_risk = overdue = 0
    if assessments is None:
        # History comes from every completed implementation, but only the
        # active ones need assessing (and few of those need the history).
        history = LazyHistory(implementations)
        healths = [a.health for a in assess_all(active, today, kpi, history).values()]
    else:
        healths = [a.health for impl in active if (a := assessments.get(impl.id)) is not None]
    for health in healths:
        if health is Health.AT_RISK:
            at_risk += 1
        elif health is Health.OVERDUE:
            overdue += 1

    durations.sort()
    n = len(durations)
    monthly = []
    for months_ago in range(TREND_MONTHS - 1, -1, -1):
        year, month0 = divmod(this_month - months_ago, 12)
        values = sorted(monthly_durations[months_ago])
        monthly.append((f"{year:04d}-{month0 + 1:02d}", _round(median(values)), len(values)))
    return KpiFigures(
        window_days=window_days,
        target_days=target,
        completed=n,
        median=_round(median(durations)),
        p90=_round(percentile(durations, 90)),
        mean=_round(sum(durations) / n) if n else None,
        within_target_share=bisect.bisect_right(durations, target) / n if n else None,
        active=len(active),
        at_risk=at_risk,
        overdue=overdue,
        monthly=monthly,
        histogram=count_buckets(durations),
    )


__all__ = [
    "TREND_MONTHS",
    "WINDOWS",
    "KpiFigures",
    "KpiSummary",
    "compute_kpis",
]
