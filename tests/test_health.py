"""Implementation health: elapsed days, projection, health bands, history."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import msgspec
import pytest

from ps_tui.core.health import (
    Assessment,
    Health,
    LazyHistory,
    assess,
    assess_all,
    current_milestone,
    elapsed_days,
    milestone_history,
)
from ps_tui.core.model import Implementation, Kpi, Milestone, Status

TODAY = date(2026, 6, 30)
KPI = Kpi(target_days=30, at_risk_days=21)
KEYS = ("kickoff", "infrastructure", "installation", "configuration", "validation", "go_live")


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def make(
    status: Status = Status.ACTIVE,
    kickoff: date | None = None,
    ready: date | None = None,
    milestones: list[Milestone] | None = None,
    id: str = "IMP-0001",
) -> Implementation:
    return Implementation(
        id=id,
        customer="Initech",
        segment="enterprise",
        status=status,
        kickoff=kickoff,
        production_ready=ready,
        milestones=milestones or [],
    )


def plan(
    kickoff: date, offsets: list[int | None], done: int = 1, actual_offsets: list[int] | None = None
) -> list[Milestone]:
    """Milestones in lifecycle order with planned offsets from kickoff (None: no
    plan); the first `done` are done, at `actual_offsets` (default: as planned)."""
    out = []
    for index, (key, offset) in enumerate(zip(KEYS, offsets, strict=True)):
        planned = None if offset is None else kickoff + timedelta(days=offset)
        actual = None
        if index < done:
            day = actual_offsets[index] if actual_offsets else offset
            assert day is not None
            actual = kickoff + timedelta(days=day)
        out.append(Milestone(key=key, planned=planned, actual=actual))
    return out


# --- elapsed days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kickoff", "ready", "expected"),
    [
        (Status.ACTIVE, ago(0), None, 0),
        (Status.ACTIVE, ago(29), None, 29),
        (Status.ACTIVE, ago(30), None, 30),
        (Status.ACTIVE, ago(31), None, 31),
        (Status.ACTIVE, None, None, None),
        (Status.PLANNED, TODAY + timedelta(days=1), None, None),
        (Status.ON_HOLD, ago(40), None, 40),
        # Completed: up to production_ready, not today.
        (Status.COMPLETED, date(2026, 5, 1), date(2026, 5, 31), 30),
        (Status.COMPLETED, date(2026, 5, 1), date(2026, 5, 1), 0),
        (Status.COMPLETED, date(2026, 5, 1), None, None),
    ],
)
def test_elapsed_days(status: Status, kickoff: date | None, ready: date | None, expected: int | None) -> None:
    assert elapsed_days(make(status, kickoff, ready), TODAY) == expected


# --- health of active implementations without a projection ------------------------


@pytest.mark.parametrize(
    ("elapsed", "kpi", "expected"),
    [
        (0, KPI, Health.ON_TRACK),
        (20, KPI, Health.ON_TRACK),
        (21, KPI, Health.AT_RISK),  # the at-risk threshold is inclusive
        (29, KPI, Health.AT_RISK),
        (30, KPI, Health.AT_RISK),  # exactly the target is not overdue yet
        (31, KPI, Health.OVERDUE),
        # With the threshold at the target, target - 1 is still on track.
        (29, Kpi(target_days=30, at_risk_days=30), Health.ON_TRACK),
        (30, Kpi(target_days=30, at_risk_days=30), Health.AT_RISK),
        (31, Kpi(target_days=30, at_risk_days=30), Health.OVERDUE),
    ],
)
def test_active_health_by_elapsed_days(elapsed: int, kpi: Kpi, expected: Health) -> None:
    result = assess(make(kickoff=ago(elapsed)), TODAY, kpi, {})
    assert result == Assessment(elapsed, expected, None, None, 30)


# --- projection from the plan ---------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "expected_offset", "expected"),
    [
        ([0, 6, 11, 17, 23, 29], 29, Health.ON_TRACK),
        ([0, 6, 11, 17, 23, 30], 30, Health.ON_TRACK),  # landing on the target is fine
        ([0, 6, 11, 17, 23, 31], 31, Health.AT_RISK),
        # The latest remaining plan counts, even when it is not the last milestone's.
        ([0, 6, 11, 17, 32, 29], 32, Health.AT_RISK),
        # Plans of done milestones do not count.
        ([40, 6, 11, 17, 23, 29], 29, Health.ON_TRACK),
        # The last remaining milestone has a plan; earlier gaps do not matter.
        ([0, None, None, None, None, 29], 29, Health.ON_TRACK),
    ],
)
def test_projection_from_plan(offsets: list[int | None], expected_offset: int, expected: Health) -> None:
    # Kickoff 6 days ago: the current milestone (infrastructure, planned at +6)
    # is due today, so there is no delay to carry forward.
    kickoff = ago(6)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, offsets, done=1, actual_offsets=[0]))
    result = assess(impl, TODAY, KPI, {"installation": 99.0})  # history is not used
    assert result == Assessment(6, expected, kickoff + timedelta(days=expected_offset), "infrastructure", 30)


def test_late_plan_is_pushed_back_by_the_delay() -> None:
    # Configuration was planned 8 days ago and is not done: the rest of the
    # plan (go-live at +13, 2 days ago) slips by 8 days, to 6 days from now.
    kickoff = ago(15)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, [0, 3, 5, 7, 9, 13], done=3))
    result = assess(impl, TODAY, KPI, {})
    assert result == Assessment(15, Health.ON_TRACK, TODAY + timedelta(days=6), "configuration", 30)


@pytest.mark.parametrize(
    ("age", "offsets", "done", "expected_offset", "expected"),
    [
        # Installation (+11) due tomorrow, today, yesterday: no delay, no delay, 1 day.
        (10, [0, 6, 11, 17, 23, 29], 2, 29, Health.ON_TRACK),
        (11, [0, 6, 11, 17, 23, 29], 2, 29, Health.ON_TRACK),
        (12, [0, 6, 11, 17, 23, 29], 2, 30, Health.ON_TRACK),  # pushed exactly to the target
        (13, [0, 6, 11, 17, 23, 29], 2, 31, Health.AT_RISK),  # one day past it
        (13, [0, 6, 11, 17, 23, 28], 2, 30, Health.ON_TRACK),
        (14, [0, 6, 11, 17, 23, 28], 2, 31, Health.AT_RISK),
        # The delay runs from the first remaining milestone that has a plan
        # (infrastructure has none; installation at +11 is 4 days late).
        (15, [0, None, 11, 17, 23, 26], 1, 30, Health.ON_TRACK),
        (15, [0, None, 11, 17, 23, 27], 1, 31, Health.AT_RISK),
        # ...in milestone order, not the earliest plan: installation (+14) is
        # due today, so validation's plan long past (+5) adds no delay.
        (14, [0, 6, 14, 17, 5, 29], 2, 29, Health.ON_TRACK),
        # Done milestones' plans never add delay, however late they were.
        (14, [0, 1, 16, 17, 23, 29], 2, 29, Health.ON_TRACK),
    ],
)
def test_plan_delay_boundaries(
    age: int, offsets: list[int | None], done: int, expected_offset: int, expected: Health
) -> None:
    kickoff = ago(age)
    actual_offsets = [0, 6][:done]
    impl = make(kickoff=kickoff, milestones=plan(kickoff, offsets, done=done, actual_offsets=actual_offsets))
    result = assess(impl, TODAY, KPI, {})
    assert result.projected == kickoff + timedelta(days=expected_offset)
    assert result.health is expected
    assert result.elapsed == age


def test_delay_is_never_negative() -> None:
    # Ahead of plan: installation is done early and configuration is not due
    # for 5 days; the projection stays on the plan, not earlier.
    kickoff = ago(12)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, [0, 6, 11, 17, 23, 29], done=3))
    assert assess(impl, TODAY, KPI, {}).projected == kickoff + timedelta(days=29)


# --- projection from history -------------------------------------------------------

HISTORY = {
    "kickoff": 0.0,
    "infrastructure": 5.0,
    "installation": 5.0,
    "configuration": 6.0,
    "validation": 6.0,
    "go_live": 4.5,
}
NO_PLAN: list[int | None] = [None] * 6


@pytest.mark.parametrize(
    ("go_live_days", "expected_offset", "expected"),
    [
        # From the infrastructure actual (kickoff + 4): 5 + 6 + 6 + 4.5 = 21.5, rounded up.
        (4.5, 26, Health.ON_TRACK),
        (9.0, 30, Health.ON_TRACK),  # 4 + 26 lands on the target
        (10.0, 31, Health.AT_RISK),
    ],
)
def test_projection_from_history(go_live_days: float, expected_offset: int, expected: Health) -> None:
    kickoff = ago(10)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, NO_PLAN, done=2, actual_offsets=[0, 4]))
    history = {**HISTORY, "go_live": go_live_days}
    result = assess(impl, TODAY, KPI, history)
    assert result == Assessment(10, expected, kickoff + timedelta(days=expected_offset), "installation", 30)


def test_history_is_used_when_the_last_remaining_milestone_has_no_plan() -> None:
    kickoff = ago(10)
    offsets: list[int | None] = [0, 6, 11, 17, 23, None]
    impl = make(kickoff=kickoff, milestones=plan(kickoff, offsets, done=2, actual_offsets=[0, 4]))
    result = assess(impl, TODAY, KPI, HISTORY)
    assert result.projected == kickoff + timedelta(days=26)


def test_history_projection_starts_from_the_latest_actual_or_the_kickoff() -> None:
    kickoff = ago(3)
    # Nothing done yet: from the kickoff date, 0 + 5 + 5 + 6 + 6 + 4.5 = 26.5 -> 27.
    impl = make(kickoff=kickoff, milestones=plan(kickoff, NO_PLAN, done=0))
    assert assess(impl, TODAY, KPI, HISTORY).projected == kickoff + timedelta(days=27)


def test_history_projection_before_today_is_today() -> None:
    kickoff = ago(18)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, NO_PLAN, done=2, actual_offsets=[0, 1]))
    history = dict.fromkeys(KEYS, 1.0)  # 1 + 4 days: long past
    assert assess(impl, TODAY, KPI, history) == Assessment(18, Health.ON_TRACK, TODAY, "installation", 30)


@pytest.mark.parametrize(
    ("elapsed", "history", "expected"),
    [
        (10, {}, Health.ON_TRACK),
        (20, {}, Health.ON_TRACK),
        (21, {}, Health.AT_RISK),
        # History without one of the remaining milestones gives no projection either.
        (10, {k: 1.0 for k in KEYS if k != "validation"}, Health.ON_TRACK),
    ],
)
def test_no_plan_and_no_history(elapsed: int, history: dict[str, float], expected: Health) -> None:
    kickoff = ago(elapsed)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, NO_PLAN, done=1, actual_offsets=[0]))
    assert assess(impl, TODAY, KPI, history) == Assessment(elapsed, expected, None, "infrastructure", 30)


def test_active_with_every_milestone_done_is_projected_today() -> None:
    kickoff = ago(25)
    impl = make(kickoff=kickoff, milestones=plan(kickoff, [0, 4, 8, 12, 16, 20], done=6))
    assert assess(impl, TODAY, KPI, {}) == Assessment(25, Health.AT_RISK, TODAY, None, 30)


# --- completed and unassessed -------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "expected"),
    [(0, Health.MET), (29, Health.MET), (30, Health.MET), (31, Health.MISSED), (60, Health.MISSED)],
)
def test_completed_met_or_missed(duration: int, expected: Health) -> None:
    ready = ago(100)
    kickoff = ready - timedelta(days=duration)
    impl = make(Status.COMPLETED, kickoff, ready, plan(kickoff, [0, 6, 11, 17, 23, 29], done=6))
    assert assess(impl, TODAY, KPI, {}) == Assessment(duration, expected, None, None, 30)


@pytest.mark.parametrize(
    ("status", "kickoff", "elapsed"),
    [
        (Status.PLANNED, TODAY + timedelta(days=7), None),
        (Status.PLANNED, None, None),
        (Status.ON_HOLD, ago(45), 45),
        (Status.CANCELLED, ago(100), 100),
        (Status.ACTIVE, None, None),
        (Status.ACTIVE, TODAY + timedelta(days=1), None),  # not started yet
        (Status.COMPLETED, ago(10), None),  # no production_ready: no duration
    ],
)
def test_not_assessed(status: Status, kickoff: date | None, elapsed: int | None) -> None:
    milestones = plan(kickoff, [0, 6, 11, 17, 23, 29], done=0) if kickoff else []
    result = assess(make(status, kickoff, None, milestones), TODAY, KPI, HISTORY)
    assert result.health is Health.NONE
    assert result.elapsed == elapsed
    assert result.projected is None
    assert result.current == ("kickoff" if kickoff else None)


# --- current milestone ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("actuals", "expected"),
    [
        ([], None),
        ([None, None], "a"),
        ([date(2026, 1, 1), None], "b"),
        ([date(2026, 1, 1), date(2026, 1, 2)], None),
        # The first gap in list order, even when a later milestone is done.
        ([date(2026, 1, 1), None, date(2026, 1, 5)], "b"),
    ],
)
def test_current_milestone(actuals: list[date | None], expected: str | None) -> None:
    milestones = [Milestone(key=key, actual=actual) for key, actual in zip("abc", actuals, strict=False)]
    assert current_milestone(make(milestones=milestones)) == expected


# --- history ---------------------------------------------------------------------------


def test_milestone_history() -> None:
    def done(key: str, day: date | None) -> Milestone:
        return Milestone(key=key, actual=day)

    d = date
    implementations = [
        make(
            Status.COMPLETED,
            d(2026, 1, 1),
            d(2026, 1, 20),
            [
                done("kickoff", d(2026, 1, 1)),  # 0 from the kickoff date
                done("infrastructure", d(2026, 1, 5)),  # 4
                done("installation", d(2026, 1, 12)),  # 7
                done("go_live", d(2026, 1, 20)),  # 8
            ],
            id="A",
        ),
        make(
            Status.COMPLETED,
            d(2026, 2, 1),
            d(2026, 2, 25),
            [
                done("kickoff", d(2026, 2, 2)),  # 1
                done("infrastructure", d(2026, 2, 8)),  # 6
                done("installation", None),  # skipped
                done("go_live", d(2026, 2, 25)),  # 17, from infrastructure
            ],
            id="B",
        ),
        make(
            Status.COMPLETED,
            d(2026, 3, 1),
            d(2026, 3, 1),
            [done("kickoff", d(2026, 3, 1)), done("infrastructure", d(2026, 2, 27))],  # 0, -2 -> 0
            id="C",
        ),
        # Only completed implementations count.
        make(Status.ACTIVE, d(2026, 4, 1), None, [done("kickoff", d(2026, 4, 30))], id="D"),
        make(Status.CANCELLED, d(2026, 4, 1), None, [done("kickoff", d(2026, 4, 30))], id="E"),
    ]
    assert milestone_history(implementations) == {
        "kickoff": 0.0,  # 0, 1, 0
        "infrastructure": 4.0,  # 4, 6, 0
        "installation": 7.0,
        "go_live": 12.5,  # 8, 17
    }
    assert milestone_history([]) == {}


def test_assess_all_builds_history_from_the_completed_ones() -> None:
    finished = []
    for number, kickoff in enumerate([date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)]):
        finished.append(
            make(
                Status.COMPLETED,
                kickoff,
                kickoff + timedelta(days=40),
                plan(kickoff, NO_PLAN, done=6, actual_offsets=[0, 8, 16, 24, 32, 40]),
                id=f"DONE-{number}",
            )
        )
    kickoff = ago(5)
    running = make(kickoff=kickoff, milestones=plan(kickoff, NO_PLAN, done=1, actual_offsets=[0]))
    result = assess_all([*finished, running], TODAY, KPI)
    assert list(result) == ["DONE-0", "DONE-1", "DONE-2", "IMP-0001"]
    assert result["DONE-0"] == Assessment(40, Health.MISSED, None, None, 30)
    # Five remaining milestones of 8 days each: 40 days, past the target.
    assert result["IMP-0001"] == Assessment(
        5, Health.AT_RISK, kickoff + timedelta(days=40), "infrastructure", 30
    )


PLAN: list[int | None] = [0, 6, 11, 17, 23, 29]
DONE_AT = [0, 8, 16, 24, 32, 40]


def _variety() -> list[Implementation]:
    """Implementations in every state `assess` tells apart, with a few
    completed ones to make a history from."""
    out = [
        make(
            Status.COMPLETED, date(2026, 1, 5), date(2026, 2, 14), plan(date(2026, 1, 5), NO_PLAN, 6, DONE_AT)
        ),
        make(Status.COMPLETED, date(2026, 2, 2), date(2026, 3, 2), plan(date(2026, 2, 2), PLAN, done=6)),
        make(Status.COMPLETED, date(2026, 3, 2), None, plan(date(2026, 3, 2), PLAN, done=6)),
        make(Status.COMPLETED, date(2026, 3, 2), date(2026, 5, 2), plan(date(2026, 3, 2), PLAN, done=4)),
        make(Status.COMPLETED, None, date(2026, 5, 2)),
        make(Status.PLANNED, None),
        make(Status.PLANNED, TODAY + timedelta(days=3), milestones=plan(TODAY, PLAN, done=0)),
        make(Status.ON_HOLD, ago(50), milestones=plan(ago(50), PLAN, done=2)),
        make(Status.CANCELLED, ago(20), milestones=plan(ago(20), PLAN, done=6)),
        make(Status.ACTIVE, None),
        make(Status.ACTIVE, TODAY + timedelta(days=1), milestones=plan(TODAY, PLAN, done=0)),
        make(Status.ACTIVE, ago(3)),
        make(Status.ACTIVE, ago(40), milestones=plan(ago(40), PLAN, done=6)),
        # A milestone no completed implementation has: no history for it.
        make(Status.ACTIVE, ago(22), milestones=[*plan(ago(22), PLAN, done=1), Milestone(key="party")]),
    ]
    for age in (2, 15, 22, 31):
        for done in (0, 1, 3, 5):
            for offsets in (PLAN, NO_PLAN, [0, 5, None, 12, 20, None], [0, None, 10, None, None, 25]):
                actuals = DONE_AT[:done]
                milestones = plan(ago(age), offsets, done=done, actual_offsets=actuals)
                out.append(make(Status.ACTIVE, ago(age), milestones=milestones))
    return [msgspec.structs.replace(impl, id=f"IMP-{n:04d}") for n, impl in enumerate(out)]


def test_assess_all_agrees_with_assess_one_at_a_time() -> None:
    implementations = _variety()
    history = milestone_history(implementations)
    assert history  # some active ones are projected from it
    for given in (None, history, LazyHistory(implementations)):
        result = assess_all(implementations, TODAY, KPI, given)
        assert list(result) == [impl.id for impl in implementations]
        for impl in implementations:
            assert result[impl.id] == assess(impl, TODAY, KPI, history), impl.id
    assert {a.health for a in result.values()} == set(Health)
    assert {a.projected is None for a in result.values() if a.health is Health.AT_RISK} == {True, False}


def test_lazy_history_is_the_milestone_history() -> None:
    implementations = _variety()
    lazy = LazyHistory(iter(implementations))
    assert repr(lazy) == "LazyHistory(not computed yet)"
    expected = milestone_history(implementations)
    assert lazy == expected and dict(lazy) == expected
    assert len(lazy) == len(expected) and list(lazy) == list(expected)
    assert "go_live" in lazy and "party" not in lazy
    assert lazy["go_live"] == expected["go_live"] and lazy.get("party") is None
    with pytest.raises(KeyError):
        lazy["party"]
    assert repr(lazy) == f"LazyHistory({expected!r})"
    assert LazyHistory([]) == {}


def test_lazy_history_is_computed_only_when_a_projection_needs_it() -> None:
    implementations = _variety()
    # Every milestone planned: the plan decides, never the history.
    planned = [impl for impl in implementations if all(m.planned for m in impl.milestones)]
    lazy = LazyHistory(planned)
    assess_all(planned, TODAY, KPI, lazy)
    assert repr(lazy) == "LazyHistory(not computed yet)"
    lazy = LazyHistory(implementations)
    assess_all(implementations, TODAY, KPI, lazy)
    assert repr(lazy) != "LazyHistory(not computed yet)"


def test_lazy_history_takes_the_implementations_as_given() -> None:
    implementations = _variety()
    expected = milestone_history(implementations)
    lazy = LazyHistory(implementations)
    implementations.clear()  # a later change of the list does not count
    assert lazy == expected


# --- labels and order ------------------------------------------------------------------


def test_labels_and_rank() -> None:
    assert {h: h.label for h in Health} == {
        Health.ON_TRACK: "on track",
        Health.AT_RISK: "at risk",
        Health.OVERDUE: "overdue",
        Health.MET: "made target",
        Health.MISSED: "missed target",
        Health.NONE: "—",
    }
    worst_first = sorted(Health, key=lambda h: h.rank)
    assert worst_first == [
        Health.OVERDUE,
        Health.AT_RISK,
        Health.ON_TRACK,
        Health.MISSED,
        Health.MET,
        Health.NONE,
    ]
    assert Health("at_risk") is Health.AT_RISK
    assert Health.AT_RISK == "at_risk"  # type: ignore[comparison-overlap]


# --- the demo store ------------------------------------------------------------------


def test_demo_store_has_every_active_and_completed_health() -> None:
    from ps_tui.data import default_store

    today = date(2026, 11, 30)
    store = default_store(today)
    result = assess_all(store.implementations, today, store.kpi)
    counts = Counter(a.health for a in result.values())
    for health in (Health.OVERDUE, Health.AT_RISK, Health.ON_TRACK, Health.MET, Health.MISSED):
        assert counts[health] >= 1, health
    # assess_all and assess agree, one implementation at a time.
    history = milestone_history(store.implementations)
    for impl in store.implementations:
        assert assess(impl, today, store.kpi, history) == result[impl.id]
