"""The weekly status report (internal): the KPI now and a week before, what
happened in the week, what needs attention, what goes live next, and the
team's load. Built from the same computations as the dashboard, `ps-tui
kpi`, `list`, `team` and `history`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from ps_tui.core.documents import MemberDocument, RowDocument
from ps_tui.core.health import Health
from ps_tui.core.kpi import KpiSummary, compute_kpis
from ps_tui.core.model import Implementation, Status
from ps_tui.core.reports import items
from ps_tui.core.reports.items import (
    Changes,
    GoLive,
    MilestoneDone,
    MilestoneSlip,
    PeriodReport,
    PlanMove,
    Recorded,
    RiskItem,
    Subject,
)
from ps_tui.core.reports.periods import Period
from ps_tui.core.view import Portfolio

#: The KPI window of the weekly report, in days (the dashboard's and `ps-tui kpi`'s default).
WINDOW = 90
#: How far ahead the upcoming go-lives look, in days.
AHEAD = 14


class Attention(Subject, kw_only=True, frozen=True):
    """An active implementation at risk or overdue, as `ps-tui list` shows it."""

    health: Health
    #: True when an open risk, not the dates, made it at risk (as the list's `health_by_risk`).
    health_by_risk: bool
    current_milestone_key: str | None
    current_milestone: str | None
    #: Days since kickoff, and the target.
    days: int | None
    target: int
    #: Days past the target (negative: days left).
    days_over_target: int | None
    #: The next step: the current milestone's planned date.
    next_due: dt.date | None
    projected: dt.date | None
    notes: str


class UpcomingGoLive(Subject, kw_only=True, frozen=True):
    """An active implementation whose go-live (its last milestone) is planned soon."""

    milestone: str
    planned: dt.date
    projected: dt.date | None
    health: Health
    #: True when an open risk, not the dates, made it at risk.
    health_by_risk: bool


class WeeklyReport(PeriodReport, kw_only=True, frozen=True, tag="weekly"):
    """`ps-tui report weekly --format json`, GET /api/v1/reports/weekly: the
    ISO week from Monday to Sunday; `kpi` is `ps-tui kpi --window 90` as of
    `as_of`, `kpi_week_before` as of seven days before."""

    kpi_week_before: KpiSummary
    go_lives: list[GoLive]
    milestones_completed: list[MilestoneDone]
    milestones_slipped: list[MilestoneSlip]
    #: Planned dates moved later in the week (from the history; null without one).
    plans_moved_later: list[PlanMove] | None
    risks_opened: list[RiskItem]
    risks_closed: list[RiskItem]
    #: `ps-tui list --health at-risk,overdue`, worst first.
    attention: list[Attention]
    #: Go-lives planned within two weeks after `as_of`, soonest first.
    upcoming_go_lives: list[UpcomingGoLive]
    #: `ps-tui team --json`.
    team: list[MemberDocument]
    history: Changes


def weekly_report(
    portfolio: Portfolio,
    week_before: Portfolio,
    period: Period,
    *,
    scope: Collection[str] | None,
    attention: Sequence[RowDocument],
    team: list[MemberDocument],
    recorded: Recorded,
    owner: Sequence[str] = (),
    filter: str = "",
) -> WeeklyReport:
    """The report of `period` from `portfolio` (built as of `period.as_of`)
    and `week_before` (the same data as of seven days before). `scope` holds
    the ids an owner or a filter chose (None: all); `attention` the rows
    `ps-tui list` gives for at-risk and overdue."""
    data = portfolio.data
    chosen = items.in_scope(data.implementations, scope)
    target = data.kpi.target_days
    holds = period.holds
    now = compute_kpis(chosen, period.as_of, data.kpi, WINDOW, portfolio.assessments)
    before = compute_kpis(chosen, week_before.today, data.kpi, WINDOW, week_before.assessments)
    told, moves = items.changes(recorded, period.start, period.as_of, scope, chosen, data)
    by_id = portfolio.by_id
    return WeeklyReport(
        **items.period_fields(period, owner, filter),
        kpi=items.summary(now),
        kpi_week_before=items.summary(before),
        go_lives=items.go_lives(chosen, holds, target),
        milestones_completed=items.milestones_done(chosen, holds, data),
        milestones_slipped=items.slips(chosen, holds, period.as_of, data),
        plans_moved_later=moves,
        risks_opened=items.risks(chosen, holds, closed=False),
        risks_closed=items.risks(chosen, holds, closed=True),
        attention=[_attention(row, by_id[row.id].notes) for row in attention],
        upcoming_go_lives=_upcoming(portfolio, chosen, period.as_of),
        team=team,
        history=told,
    )


def _attention(row: RowDocument, notes: str) -> Attention:
    current = next((m for m in row.milestones if m.key == row.current_milestone_key), None)
    return Attention(
        id=row.id,
        customer=row.customer,
        owner=row.ie_owner,
        health=row.health,
        health_by_risk=row.health_by_risk,
        current_milestone_key=row.current_milestone_key,
        current_milestone=row.current_milestone,
        days=row.days,
        target=row.target,
        days_over_target=None if row.days is None else row.days - row.target,
        next_due=None if current is None else current.planned,
        projected=row.projected,
        notes=notes,
    )


def _upcoming(portfolio: Portfolio, chosen: Sequence[Implementation], as_of: dt.date) -> list[UpcomingGoLive]:
    data = portfolio.data
    last = as_of + dt.timedelta(days=AHEAD)
    found = []
    for impl in chosen:
        if impl.status is not Status.ACTIVE or not impl.milestones:
            continue
        go_live = impl.milestones[-1]
        planned = go_live.planned
        if go_live.actual is not None or planned is None or not as_of < planned <= last:
            continue
        assessment = portfolio.assessments.get(impl.id)
        found.append(
            UpcomingGoLive(
                **items.subject(impl),
                milestone=data.milestone_name(go_live.key),
                planned=planned,
                projected=None if assessment is None else assessment.projected,
                health=Health.NONE if assessment is None else assessment.health,
                health_by_risk=assessment is not None and assessment.by_risk,
            )
        )
    found.sort(key=lambda item: (item.planned, item.customer.casefold(), item.id))
    return found
