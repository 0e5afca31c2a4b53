"""The parts the reports are made of, and what they share: the scope an
owner or a filter gives, and the milestone facts read from the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import msgspec

from ps_tui.core.history import Event
from ps_tui.core.kpi import KpiFigures, KpiSummary
from ps_tui.core.model import Implementation, Reference, Severity, Status
from ps_tui.core.reports.periods import Period

#: Whether a day is in a report's period (`Period.holds`).
Holds = Callable[[dt.date | None], bool]


class Part(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A part of a report document: every field written (null when unknown)."""


class PeriodReport(Part, kw_only=True, frozen=True, tag_field="report"):
    """What the weekly and the monthly report share: the period, whose
    implementations (owners, filter) and the KPI as of its last day. The
    document's first field, `report`, names its kind."""

    #: The ISO week (2026-W48) or the month (2026-11).
    period: str
    start: dt.date
    end: dt.date
    #: The day the figures are as of: the period's last day, or today within it.
    as_of: dt.date
    #: The owners and filter the report was restricted to (empty: everyone).
    owner: list[str]
    filter: str
    kpi: KpiSummary


class Subject(Part, kw_only=True, frozen=True):
    """Which implementation a line of a report is about."""

    id: str
    customer: str
    #: The IE owner.
    owner: str | None


class GoLive(Subject, kw_only=True, frozen=True):
    """A completion: production-ready on that day, after so many days."""

    segment: str
    production_ready: dt.date
    #: Kickoff to production-ready, in days (the KPI's duration).
    days: int | None
    within_target: bool | None


class MilestoneDone(Subject, kw_only=True, frozen=True):
    """A milestone done in the period."""

    milestone_key: str
    milestone: str
    planned: dt.date | None
    actual: dt.date
    #: Days done after its planned date (0 or less: on time); None without a plan.
    late_days: int | None


class MilestoneSlip(Subject, kw_only=True, frozen=True):
    """A milestone whose planned date fell in the period and passed before it was done."""

    milestone_key: str
    milestone: str
    planned: dt.date
    #: When it was done (after `planned`); None: not done yet.
    actual: dt.date | None
    #: Days past its planned date: to `actual`, or to the report's day.
    late_days: int


class PlanMove(Subject, kw_only=True, frozen=True):
    """A milestone's planned date moved later, as the history recorded it."""

    milestone_key: str
    milestone: str
    before: dt.date
    after: dt.date
    #: How many days later.
    days: int
    at: dt.datetime
    who: str


class RiskItem(Subject, kw_only=True, frozen=True):
    text: str
    severity: Severity
    opened: dt.date
    closed: dt.date | None
    #: The team member who follows it up.
    risk_owner: str | None
    mitigation: str
    customer_visible: bool


class Changes(Part, kw_only=True, frozen=True):
    """What the recorded history tells of the period.

    `recorded` is false when there is no history to tell from (a store that
    keeps none, or nothing recorded yet): then `changes` and the plan moves
    are null, never zero. `complete` is false when the history starts inside
    the period (a store created then): what came before is not known."""

    recorded: bool
    complete: bool
    #: When the first recorded change was made.
    first_recorded: dt.datetime | None
    #: The recorded changes in the period (of implementations in scope).
    changes: int | None
    #: Per kind of change (`create`, `advance`, ...), in the history's words.
    by_action: dict[str, int] | None
    #: Lines of the history file that could not be read.
    unreadable: int
    note: str | None


@dataclass(frozen=True, slots=True)
class Recorded:
    """The history a report is told from: its events (oldest first), or None
    with the reason when there is none to read."""

    events: list[Event] | None
    reason: str | None = None
    unreadable: int = 0


def period_fields(period: Period, owner: Sequence[str], filter: str) -> dict[str, Any]:
    """The `PeriodReport` fields but the KPI (msgspec checks their types)."""
    return {
        "period": period.name,
        "start": period.start,
        "end": period.end,
        "as_of": period.as_of,
        "owner": list(owner),
        "filter": filter,
    }


def summary(figures: KpiFigures) -> KpiSummary:
    """The summary fields of KPI figures (those of `ps-tui kpi --json`)."""
    return KpiSummary(**{name: getattr(figures, name) for name in KpiSummary.__struct_fields__})


def in_scope(
    implementations: Iterable[Implementation], scope: Collection[str] | None
) -> list[Implementation]:
    """The implementations whose id is in `scope` (all of them for None)."""
    if scope is None:
        return list(implementations)
    return [impl for impl in implementations if impl.id in scope]


class SubjectFields(TypedDict):
    id: str
    customer: str
    owner: str | None


def subject(impl: Implementation) -> SubjectFields:
    """The `Subject` fields of an implementation."""
    return {"id": impl.id, "customer": impl.customer, "owner": impl.ie_owner}


def go_lives(implementations: Iterable[Implementation], holds: Holds, target: int) -> list[GoLive]:
    """Completed implementations production-ready in the period, in date order."""
    found = []
    for impl in implementations:
        ready = impl.production_ready
        if impl.status is not Status.COMPLETED or ready is None or not holds(ready):
            continue
        days = None if impl.kickoff is None else (ready - impl.kickoff).days
        found.append(
            GoLive(
                **subject(impl),
                segment=impl.segment,
                production_ready=ready,
                days=days,
                within_target=None if days is None else days <= target,
            )
        )
    found.sort(key=lambda item: (item.production_ready, item.customer.casefold(), item.id))
    return found


def milestones_done(
    implementations: Iterable[Implementation], holds: Holds, reference: Reference
) -> list[MilestoneDone]:
    """Milestones with an actual date in the period, in date order."""
    found = []
    for impl in implementations:
        for milestone in impl.milestones:
            actual = milestone.actual
            if actual is None or not holds(actual):
                continue
            planned = milestone.planned
            found.append(
                MilestoneDone(
                    **subject(impl),
                    milestone_key=milestone.key,
                    milestone=reference.milestone_name(milestone.key),
                    planned=planned,
                    actual=actual,
                    late_days=None if planned is None else (actual - planned).days,
                )
            )
    found.sort(key=lambda item: (item.actual, item.customer.casefold(), item.id))
    return found


def slips(
    implementations: Iterable[Implementation], holds: Holds, as_of: dt.date, reference: Reference
) -> list[MilestoneSlip]:
    """Milestones planned in the period (up to `as_of`) that were not done by
    their planned date: done later, or still not done. Cancelled and
    on-hold implementations are left out: their plans are not running."""
    found = []
    for impl in implementations:
        if impl.status in (Status.CANCELLED, Status.ON_HOLD):
            continue
        for milestone in impl.milestones:
            planned = milestone.planned
            if planned is None or not holds(planned):
                continue
            # Done after the report's day counts as not done as of then.
            actual = milestone.actual if milestone.actual is not None and milestone.actual <= as_of else None
            if actual is not None and actual <= planned:
                continue  # on time
            if actual is None and planned >= as_of:
                continue  # its day has not passed yet
            end = actual or as_of
            found.append(
                MilestoneSlip(
                    **subject(impl),
                    milestone_key=milestone.key,
                    milestone=reference.milestone_name(milestone.key),
                    planned=planned,
                    actual=actual,
                    late_days=(end - planned).days,
                )
            )
    found.sort(key=lambda item: (-item.late_days, item.planned, item.customer.casefold(), item.id))
    return found


def risks(implementations: Iterable[Implementation], holds: Holds, closed: bool) -> list[RiskItem]:
    """Risks opened (or, with `closed`, closed) in the period, in date order."""
    found = []
    for impl in implementations:
        for risk in impl.risks:
            day = risk.closed if closed else risk.opened
            if not holds(day):
                continue
            found.append(
                RiskItem(
                    **subject(impl),
                    text=risk.text,
                    severity=risk.severity,
                    opened=risk.opened,
                    closed=risk.closed,
                    risk_owner=risk.owner,
                    mitigation=risk.mitigation,
                    customer_visible=risk.customer_visible,
                )
            )
    found.sort(key=lambda item: ((item.closed if closed else item.opened), item.customer.casefold(), item.id))
    return found


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def changes(
    recorded: Recorded,
    start: dt.date,
    as_of: dt.date,
    scope: Collection[str] | None,
    implementations: Sequence[Implementation],
    reference: Reference,
) -> tuple[Changes, list[PlanMove] | None]:
    """What the history tells of the days from `start` to `as_of` (UTC):
    how many changes of each kind, and the planned dates moved later."""
    events = recorded.events
    if events is None or not events:
        reason = recorded.reason or "no change has been recorded yet"
        told = Changes(
            recorded=False,
            complete=False,
            first_recorded=None,
            changes=None,
            by_action=None,
            unreadable=recorded.unreadable,
            note=f"{reason}: what changed in this period cannot be told",
        )
        return told, None
    first = events[0].at
    complete = first.astimezone(dt.UTC).date() <= start
    owners = {impl.id: impl.ie_owner for impl in implementations}
    by_action: dict[str, int] = {}
    moves: list[PlanMove] = []
    for event in _within(events, start, as_of):
        if scope is not None and event.implementation not in scope:
            continue
        by_action[event.action.value] = by_action.get(event.action.value, 0) + 1
        for change in event.changes:
            parts = change.field.split(".")
            if len(parts) != 3 or parts[0] != "milestones" or parts[2] != "planned":
                continue
            before, after = _date(change.before), _date(change.after)
            if before is None or after is None or after <= before:
                continue
            moves.append(
                PlanMove(
                    id=event.implementation or "",
                    customer=event.customer or "",
                    owner=owners.get(event.implementation or ""),
                    milestone_key=parts[1],
                    milestone=reference.milestone_name(parts[1]),
                    before=before,
                    after=after,
                    days=(after - before).days,
                    at=event.at,
                    who=event.who,
                )
            )
    note = None
    if not complete:
        note = (
            f"changes are recorded from {first.astimezone(dt.UTC).date().isoformat()} only: "
            "earlier ones in this period are not known"
        )
    if recorded.unreadable:
        unread = f"{recorded.unreadable} line(s) of the history could not be read and are left out"
        note = unread if note is None else f"{note}; {unread}"
    told = Changes(
        recorded=True,
        complete=complete,
        first_recorded=first,
        changes=sum(by_action.values()),
        by_action=dict(sorted(by_action.items())),
        unreadable=recorded.unreadable,
        note=note,
    )
    return told, moves


def _within(events: Sequence[Event], start: dt.date, end: dt.date) -> Iterator[Event]:
    for event in events:
        day = event.at.astimezone(dt.UTC).date()
        if start <= day <= end:
            yield event
