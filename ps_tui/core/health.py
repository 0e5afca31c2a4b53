"""Implementation health: how each implementation stands against the KPI target.

An active implementation is *overdue* once more calendar days than the target
have passed since kickoff, *at risk* when its projected completion passes the
target, it has reached the at-risk age or an open risk is severe enough
(`kpi.risk_at_risk`), and *on track* otherwise. A completed
one *made* or *missed* the target. Planned, on-hold and cancelled ones are not
assessed.

Everything here runs over the whole portfolio on each refresh, so the hot paths
work on date ordinals and avoid per-call allocations.
"""

from __future__ import annotations

import enum
import math
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from ps_tui.core.model import Implementation, Kpi, Milestone, Severity, Status
from ps_tui.core.stats import median

#: For each milestone key, the median number of days it took in completed
#: implementations (see `milestone_history`).
MilestoneHistory: TypeAlias = Mapping[str, float]


class Health(enum.StrEnum):
    """The health of one implementation against the duration target."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    #: Completed within the target.
    MET = "met"
    #: Completed after the target.
    MISSED = "missed"
    #: Not assessed: planned, on hold, cancelled, or no kickoff yet.
    NONE = "none"

    @property
    def label(self) -> str:
        """Human words for the state ("on track", "made target", ...)."""
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """Sort key, worst first: overdue, at risk, on track, then completed
        (missed before met), then the ones not assessed."""
        return _RANKS[self]


_LABELS = {
    Health.OVERDUE: "overdue",
    Health.AT_RISK: "at risk",
    Health.ON_TRACK: "on track",
    Health.MISSED: "missed target",
    Health.MET: "made target",
    Health.NONE: "—",
}


def health_words(health: Health, by_risk: bool = False) -> str:
    """How a health reads everywhere it is written out (the list, the
    reports): its label, with "(risk)" when an open risk, not the dates,
    made it at risk (`Assessment.by_risk`)."""
    return f"{health.label} (risk)" if by_risk and health is Health.AT_RISK else health.label


_RANKS = {
    Health.OVERDUE: 0,
    Health.AT_RISK: 1,
    Health.ON_TRACK: 2,
    Health.MISSED: 3,
    Health.MET: 4,
    Health.NONE: 5,
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """Where one implementation stands on a given day.

    `elapsed` is as `elapsed_days`; `projected` is the projected completion of an
    assessed active implementation (None otherwise, or when nothing supports a
    projection); `current` is as `current_milestone`."""

    elapsed: int | None
    health: Health
    projected: date | None
    current: str | None
    target_days: int
    #: True when an open risk, not the dates, made it at risk (see `kpi.risk_at_risk`).
    by_risk: bool = False


def elapsed_days(impl: Implementation, today: date) -> int | None:
    """Calendar days from kickoff to today, or to production_ready once completed.

    None without a kickoff, when the kickoff is after `today` (not started yet),
    or for a completed implementation without a production_ready date."""
    kickoff = impl.kickoff
    if kickoff is None or kickoff > today:
        return None
    if impl.status is Status.COMPLETED:
        ready = impl.production_ready
        return None if ready is None else (ready - kickoff).days
    return (today - kickoff).days


def current_milestone(impl: Implementation) -> str | None:
    """Key of the first milestone (in the implementation's order) without an
    actual date; None when every milestone is done (or there are none)."""
    for milestone in impl.milestones:
        if milestone.actual is None:
            return milestone.key
    return None


def milestone_history(implementations: Iterable[Implementation]) -> dict[str, float]:
    """The median days each milestone took, over completed implementations.

    A milestone's time runs from the actual date of the nearest earlier milestone
    (in the implementation's order) that has one, or from the kickoff date for
    the first milestone, to its own actual date. Milestones without an actual
    date are skipped; a negative interval (dates entered out of order) counts as
    0. Keys no completed implementation has done are absent."""
    samples: dict[str, list[int]] = {}
    completed = Status.COMPLETED
    for impl in implementations:
        previous = impl.kickoff
        if impl.status is not completed or previous is None:
            continue
        for milestone in impl.milestones:
            actual = milestone.actual
            if actual is None:
                continue
            days = (actual - previous).days
            bucket = samples.get(milestone.key)
            if bucket is None:
                bucket = samples[milestone.key] = []
            bucket.append(days if days > 0 else 0)
            previous = actual
    return {key: _median_of(values) for key, values in samples.items()}


def _median_of(values: list[int]) -> float:
    values.sort()
    middle = median(values)
    assert middle is not None  # a key is only there with a sample
    return middle


def assess(implementation: Implementation, today: date, kpi: Kpi, history: MilestoneHistory) -> Assessment:
    """Assess one implementation on `today`.

    Active (with a kickoff on or before today), checked in this order:
    overdue when elapsed days > target; at risk when elapsed days >= the at-risk
    threshold or the projected completion is after kickoff + target; at risk
    too, `by_risk`, when it has an open risk at least as severe as
    `kpi.risk_at_risk` (opened by today, not closed); on track otherwise.
    Completed: met when its duration <= target, else missed.
    Anything else: not assessed (Health.NONE).

    The projected completion of an active implementation, from its remaining
    milestones (those without an actual date):

    1. Plan: when the last remaining milestone (in order) has a planned date,
       the latest planned date among the remaining ones, pushed back by the
       current delay: the days from the planned date of the first remaining
       milestone (in order) that has one to today, or 0 when that date is
       today or later. A late milestone delays everything after it; a plan
       already past and not done is thus expected today at the earliest.
    2. Otherwise history: when `history` has every remaining milestone, the
       latest actual date so far (or the kickoff) plus the sum of their median
       days rounded up to a whole day, again never before today.
    3. Otherwise none; then only the at-risk threshold applies.

    When every milestone is done but the implementation is still open, it is
    projected to complete today; with no milestones at all there is no
    projection.
    """
    return _assess(
        implementation,
        today,
        today.toordinal(),
        kpi.target_days,
        kpi.at_risk_days,
        history,
        {},
        risk_rank(kpi),
    )


def assess_all(
    implementations: Iterable[Implementation],
    today: date,
    kpi: Kpi,
    history: MilestoneHistory | None = None,
) -> dict[str, Assessment]:
    """`assess` every implementation, keyed by id, in their order.

    Without a `history`, the one of `implementations` is used, computed only
    if some implementation needs it (see `LazyHistory`). Equal assessments may
    be one shared (immutable) object."""
    if not isinstance(implementations, list | tuple):
        implementations = list(implementations)
    if history is None:
        history = LazyHistory(implementations)
    today_ordinal = today.toordinal()
    target, at_risk, risky = kpi.target_days, kpi.at_risk_days, risk_rank(kpi)
    # Assessments are immutable and repeat a lot across a portfolio (same age,
    # phase and health), so equal ones are shared: fewer objects to build, and
    # far fewer surviving allocations to wake the garbage collector, which would
    # otherwise walk the whole store several times per call.
    shared: dict[_Key, Assessment] = {}
    assessed: dict[str, Assessment] = {}
    # `_assess` inlined for the implementations not under way (most of a
    # portfolio): a Python call or three fewer per implementation.
    for impl in implementations:
        status = impl.status
        kickoff = impl.kickoff
        if status is _ACTIVE and kickoff is not None and kickoff <= today:
            assessed[impl.id] = _assess(impl, today, today_ordinal, target, at_risk, history, shared, risky)
            continue
        # As `elapsed_days`.
        elapsed: int | None = None
        if kickoff is not None and kickoff <= today:
            if status is not _COMPLETED:
                elapsed = today_ordinal - kickoff.toordinal()
            elif (ready := impl.production_ready) is not None:
                elapsed = ready.toordinal() - kickoff.toordinal()
        if status is _COMPLETED and elapsed is not None:
            health = _MET if elapsed <= target else _MISSED
        else:
            health = _NONE
        # As `current_milestone`.
        current = None
        for milestone in impl.milestones:
            if milestone.actual is None:
                current = milestone.key
                break
        key = (elapsed, health, None, current, False)
        found = shared.get(key)
        if found is None:
            found = shared[key] = Assessment(elapsed, health, None, current, target)
        assessed[impl.id] = found
    return assessed


class LazyHistory(Mapping[str, float]):
    """`milestone_history(implementations)`, computed on first use.

    Only an active implementation whose last remaining milestone has no
    planned date needs the history (see `assess`), and computing it reads
    every milestone of every completed implementation: most loads never need
    it. The implementations are taken as they are when given (the list is
    copied; implementations themselves are never changed in place).
    Thread-safe: computed once, whichever thread asks first."""

    __slots__ = ("_history", "_implementations", "_lock")

    def __init__(self, implementations: Iterable[Implementation]) -> None:
        self._implementations: list[Implementation] = list(implementations)
        self._history: dict[str, float] | None = None
        self._lock = threading.Lock()

    def _computed(self) -> dict[str, float]:
        history = self._history
        if history is None:
            with self._lock:
                history = self._history
                if history is None:
                    history = self._history = milestone_history(self._implementations)
                    self._implementations = []
        return history

    def __getitem__(self, key: str) -> float:
        return self._computed()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())

    def __contains__(self, key: object) -> bool:
        return key in self._computed()

    def get(self, key: str, default: Any = None) -> Any:
        return self._computed().get(key, default)

    def __repr__(self) -> str:
        state = "not computed yet" if self._history is None else repr(self._history)
        return f"LazyHistory({state})"


_ACTIVE = Status.ACTIVE
_COMPLETED = Status.COMPLETED
_OVERDUE = Health.OVERDUE
_AT_RISK = Health.AT_RISK
_ON_TRACK = Health.ON_TRACK
_MET = Health.MET
_MISSED = Health.MISSED
_NONE = Health.NONE

#: (elapsed, health, projected ordinal, current milestone): what tells two
#: assessments with the same target apart.
_Key: TypeAlias = tuple[int | None, Health, int | None, str | None, bool]

#: Severities by rank, for the risk rule.
_SEVERITY_RANKS = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


def risk_rank(kpi: Kpi) -> int | None:
    """The rank from which an open risk makes an active implementation at
    least at risk (None: risks do not count)."""
    return None if kpi.risk_at_risk == "off" else _SEVERITY_RANKS[Severity(kpi.risk_at_risk)]


def deciding_risk(impl: Implementation, today: date, rank: int | None) -> bool:
    """Whether `impl` has an open risk (opened by today, not closed) of at
    least `rank`."""
    if rank is None:
        return False
    return any(
        risk.closed is None and risk.opened <= today and _SEVERITY_RANKS[risk.severity] >= rank
        for risk in impl.risks
    )


def _assess(
    impl: Implementation,
    today: date,
    today_ordinal: int,
    target: int,
    at_risk: int,
    history: MilestoneHistory,
    shared: dict[_Key, Assessment],
    risk: int | None = None,
) -> Assessment:
    status = impl.status
    kickoff = impl.kickoff
    projected: int | None = None
    by_risk = False
    if status is not _ACTIVE or kickoff is None or kickoff > today:
        elapsed = elapsed_days(impl, today)
        if status is _COMPLETED and elapsed is not None:
            health = _MET if elapsed <= target else _MISSED
        else:
            health = _NONE
        current = current_milestone(impl)
    else:
        kickoff_ordinal = kickoff.toordinal()
        elapsed = today_ordinal - kickoff_ordinal
        current, projected = _project(impl.milestones, kickoff_ordinal, today_ordinal, history)
        if elapsed > target:
            health = _OVERDUE
        elif elapsed >= at_risk or (projected is not None and projected > kickoff_ordinal + target):
            health = _AT_RISK
        elif impl.risks and deciding_risk(impl, today, risk):
            health, by_risk = _AT_RISK, True
        else:
            health = _ON_TRACK
    key = (elapsed, health, projected, current, by_risk)
    found = shared.get(key)
    if found is None:
        found = shared[key] = Assessment(
            elapsed, health, None if projected is None else _date_at(projected), current, target, by_risk
        )
    return found


def _project(
    milestones: list[Milestone], kickoff_ordinal: int, today_ordinal: int, history: MilestoneHistory
) -> tuple[str | None, int | None]:
    """(current milestone key, projected completion ordinal); see `assess`."""
    if not milestones:
        return None, None
    current: str | None = None
    first_plan: date | None = None
    latest_plan: date | None = None
    last_plan: date | None = None
    for milestone in milestones:
        if milestone.actual is not None:
            continue
        if current is None:
            current = milestone.key
        last_plan = milestone.planned
        if last_plan is not None:
            if first_plan is None:
                first_plan = last_plan
            if latest_plan is None or last_plan > latest_plan:
                latest_plan = last_plan
    if current is None:
        return None, today_ordinal
    if last_plan is not None:
        assert latest_plan is not None and first_plan is not None  # last_plan is a candidate
        delay = today_ordinal - first_plan.toordinal()
        projected = latest_plan.toordinal() + (delay if delay > 0 else 0)
    else:
        # History, read only here: it may not be computed yet (`LazyHistory`).
        last_actual: date | None = None
        history_days = 0.0
        for milestone in milestones:
            actual = milestone.actual
            if actual is not None:
                if last_actual is None or actual > last_actual:
                    last_actual = actual
                continue
            days = history.get(milestone.key)
            if days is None:
                return current, None
            history_days += days
        start = kickoff_ordinal if last_actual is None else last_actual.toordinal()
        projected = start + math.ceil(history_days)
    return current, projected if projected > today_ordinal else today_ordinal


def projection_basis(impl: Implementation) -> str:
    """What an active implementation's projection rests on (see `assess`):
    "the plan" when its last remaining milestone has a planned date, else
    "the team's history" of completed implementations."""
    remaining = [m for m in impl.milestones if m.actual is None]
    return "the plan" if remaining and remaining[-1].planned is not None else "the team's history"


__all__ = [
    "Assessment",
    "Health",
    "LazyHistory",
    "MilestoneHistory",
    "assess",
    "assess_all",
    "current_milestone",
    "elapsed_days",
    "health_words",
    "milestone_history",
    "projection_basis",
]


_LAST_ORDINAL = date.max.toordinal()


def _date_at(ordinal: int) -> date:
    """The date of an ordinal, clamped to the dates Python has, so a
    projection far in the future is a late date, never an error."""
    return date.fromordinal(min(max(ordinal, 1), _LAST_ORDINAL))
