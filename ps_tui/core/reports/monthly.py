"""The monthly KPI review (leadership): the duration trend against the
target, the month's histogram, the share within target by segment and by
owner, the worst slips and the milestones they were, and what started and
completed. The month's figures are `ps-tui kpi` as of its last day (or
today) with a window of the month's days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from ps_tui.core.documents import KpiBucket, KpiDocument, KpiMonth
from ps_tui.core.kpi import compute_kpis
from ps_tui.core.model import Implementation, Status
from ps_tui.core.reports import items
from ps_tui.core.reports.items import GoLive, MilestoneDone, Part, PeriodReport, Subject
from ps_tui.core.reports.periods import Period
from ps_tui.core.stats import median
from ps_tui.core.view import Portfolio

#: How many of the worst slips the review lists.
WORST = 10


class Share(Part, kw_only=True, frozen=True):
    """The month's completions of one segment or owner against the target."""

    key: str
    name: str
    completed: int
    within_target: int
    within_target_share: float | None
    median: float | None


class MilestoneSlips(Part, kw_only=True, frozen=True):
    """How one milestone fared over the month: how many were done, how many
    after their planned date, and by how much (the slips' causes)."""

    milestone_key: str
    milestone: str
    done: int
    late: int
    median_late_days: float | None
    total_late_days: int


class Started(Subject, kw_only=True, frozen=True):
    segment: str
    kickoff: dt.date
    status: Status


class MonthlyReport(PeriodReport, kw_only=True, frozen=True, tag="monthly"):
    """`ps-tui report monthly --format json`, GET /api/v1/reports/monthly;
    `kpi` is `ps-tui kpi --window DAYS` as of `as_of`, DAYS the month's days
    up to it."""

    #: The twelve months ending with this one, oldest first (as `ps-tui kpi`).
    trend: list[KpiMonth]
    #: The month's completions per duration bucket.
    histogram: list[KpiBucket]
    by_segment: list[Share]
    by_owner: list[Share]
    #: Milestones done in the month the most days after their plan, worst first.
    worst_slips: list[MilestoneDone]
    #: Per milestone, in the lifecycle's order.
    slips_by_milestone: list[MilestoneSlips]
    started: list[Started]
    completed: list[GoLive]


def monthly_report(
    portfolio: Portfolio,
    period: Period,
    *,
    scope: Collection[str] | None,
    owner: Sequence[str] = (),
    filter: str = "",
) -> MonthlyReport:
    """The review of `period` from `portfolio` (built as of `period.as_of`)."""
    data = portfolio.data
    chosen = items.in_scope(data.implementations, scope)
    target = data.kpi.target_days
    figures = compute_kpis(chosen, period.as_of, data.kpi, period.days, portfolio.assessments)
    document = KpiDocument.of(figures)
    completed = items.go_lives(chosen, period.holds, target)
    done = items.milestones_done(chosen, period.holds, data)
    late = sorted(
        (item for item in done if item.late_days is not None and item.late_days > 0),
        key=lambda item: (-(item.late_days or 0), item.actual, item.customer.casefold(), item.id),
    )
    names = {segment.id: segment.name for segment in data.segments}
    return MonthlyReport(
        **items.period_fields(period, owner, filter),
        kpi=items.summary(figures),
        trend=document.monthly,
        histogram=document.histogram,
        by_segment=_shares(completed, target, lambda item: item.segment, names.get, list(names)),
        by_owner=_shares(completed, target, lambda item: item.owner or "", lambda key: key or None, []),
        worst_slips=late[:WORST],
        slips_by_milestone=_by_milestone(done, [m.key for m in data.milestones]),
        started=_started(chosen, period),
        completed=completed,
    )


def _shares(
    completed: Sequence[GoLive],
    target: int,
    key: Callable[[GoLive], str],
    name: Callable[[str], str | None],
    order: list[str],
) -> list[Share]:
    groups: dict[str, list[int]] = {}
    for item in completed:
        if item.days is not None:
            groups.setdefault(key(item), []).append(item.days)
    rank = {k: i for i, k in enumerate(order)}
    shares = []
    for group, days in sorted(groups.items(), key=lambda pair: (rank.get(pair[0], len(rank)), pair[0])):
        days.sort()
        within = sum(1 for d in days if d <= target)
        shares.append(
            Share(
                key=group,
                name=name(group) or group or "no owner",
                completed=len(days),
                within_target=within,
                within_target_share=within / len(days),
                median=median(days),
            )
        )
    return shares


def _by_milestone(done: Sequence[MilestoneDone], order: list[str]) -> list[MilestoneSlips]:
    groups: dict[str, list[MilestoneDone]] = {}
    for item in done:
        groups.setdefault(item.milestone_key, []).append(item)
    rank = {k: i for i, k in enumerate(order)}
    found = []
    for key, group in sorted(groups.items(), key=lambda pair: (rank.get(pair[0], len(rank)), pair[0])):
        late = sorted(item.late_days for item in group if item.late_days is not None and item.late_days > 0)
        found.append(
            MilestoneSlips(
                milestone_key=key,
                milestone=group[0].milestone,
                done=len(group),
                late=len(late),
                median_late_days=median(late),
                total_late_days=sum(late),
            )
        )
    return found


def _started(chosen: Sequence[Implementation], period: Period) -> list[Started]:
    found = [
        Started(**items.subject(impl), segment=impl.segment, kickoff=impl.kickoff, status=impl.status)
        for impl in chosen
        if impl.kickoff is not None and period.holds(impl.kickoff)
    ]
    found.sort(key=lambda item: (item.kickoff, item.customer.casefold(), item.id))
    return found
