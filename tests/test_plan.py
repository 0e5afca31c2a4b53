"""Plans from packages: a new implementation's planned dates come from its
package's plan (`[[packages]] plan` in the store); a re-plan moves only
what is not done; the plan itself is checked like the rest of the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.forms import blank_form, parse_form
from ps_tui.core.model import Implementation, Milestone, PlanStep, Status
from ps_tui.core.plan import first_plan, planned, replan_changes, replanned
from ps_tui.core.portfolio import upsert
from ps_tui.core.validate import InvalidData, check_store, decode_store
from ps_tui.store.file import parse_store
from tests.helpers import reference, to_raw

KICKOFF = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 12, 1)


def new(package: str = "standard", **changes: object) -> Implementation:
    fields: dict[str, object] = {
        "id": "IMP-0100",
        "customer": "Acme Test",
        "segment": "enterprise",
        "status": Status.ACTIVE,
        "kickoff": KICKOFF,
        "ie_owner": "Louis Jarvis",
        "package": package,
    }
    fields.update(changes)
    return Implementation(**fields)  # type: ignore[arg-type]


def dates(impl: Implementation, field: str = "planned") -> dict[str, dt.date | None]:
    return {m.key: getattr(m, field) for m in impl.milestones}


@pytest.mark.parametrize(
    ("package", "days"),
    [("standard", [0, 7, 12, 19, 24, 28]), ("advanced", [0, 6, 11, 18, 25, 30])],
)
def test_a_new_implementation_is_planned_from_its_package(package: str, days: list[int]) -> None:
    store = upsert(reference(), new(package), today=TODAY)
    stored = store.implementations[-1]
    keys = [m.key for m in reference().milestones]
    assert [m.key for m in stored.milestones] == keys
    assert list(dates(stored).values()) == [KICKOFF + dt.timedelta(days=d) for d in days]
    # The kickoff milestone is done on the kickoff date (one fact), owned by the IE owner.
    assert stored.milestones[0].actual == KICKOFF
    assert {m.owner for m in stored.milestones} == {"Louis Jarvis"}


def test_the_form_plans_a_new_implementation_the_same_way() -> None:
    values = blank_form(reference()) | {
        "customer": "Acme Test",
        "developers": "1200",
        "status": "active",
        "kickoff": KICKOFF.isoformat(),
        "ie_owner": "Louis Jarvis",
        "package": "standard",
    }
    result = parse_form(values, reference(), None, "IMP-0100", today=TODAY)
    assert result.implementation is not None, result.errors
    assert dates(result.implementation)["go_live"] == dt.date(2026, 12, 18)


def test_dates_given_with_a_new_implementation_are_kept() -> None:
    mine = [Milestone(key="validation"), Milestone(key="go_live", planned=dt.date(2026, 12, 5))]
    stored = upsert(reference(), new(milestones=mine), today=TODAY).implementations[-1]
    # The milestones given, and only those: the blank one planned, the dated one kept.
    assert dates(stored) == {"validation": KICKOFF + dt.timedelta(days=24), "go_live": dt.date(2026, 12, 5)}


def test_a_custom_package_or_no_kickoff_plans_nothing() -> None:
    custom = first_plan(new("custom", package_hours=10, package_days=20), reference())
    assert set(dates(custom).values()) == {None}
    unplanned = new(kickoff=None, status=Status.PLANNED)
    assert first_plan(unplanned, reference()) == unplanned  # nothing to plan from


def test_a_replan_moves_only_what_is_not_done() -> None:
    stored = upsert(reference(), new(), today=TODAY).implementations[-1]
    done = [
        msgspec.structs.replace(m, actual=dt.date(2026, 11, 26)) if m.key == "infrastructure" else m
        for m in stored.milestones
    ]
    stored = msgspec.structs.replace(stored, milestones=done)
    later = msgspec.structs.replace(stored, kickoff=dt.date(2026, 11, 23), package="advanced")
    moved = replan_changes(stored, later, reference())
    assert moved == ["installation", "configuration", "validation", "go_live"]
    again = replanned(later, reference())
    assert dates(again, "actual")["infrastructure"] == dt.date(2026, 11, 26)
    assert dates(again)["infrastructure"] == KICKOFF + dt.timedelta(days=7)  # done: its plan stays
    assert dates(again)["go_live"] == dt.date(2026, 11, 23) + dt.timedelta(days=30)
    assert replan_changes(stored, msgspec.structs.replace(stored, notes="x"), reference()) == []


def test_planned_keeps_milestones_the_reference_does_not_know_at_the_end() -> None:
    odd = new(milestones=[Milestone(key="legacy_step"), Milestone(key="go_live")])
    assert [m.key for m in planned(odd, reference())][-1] == "legacy_step"


def test_a_plan_is_checked_with_the_store() -> None:
    raw = to_raw(reference())
    standard = next(p for p in raw["packages"] if p["id"] == "standard")
    standard["plan"] = [
        {"milestone": "kickoff", "day": 0},
        {"milestone": "go_live", "day": 28},
        {"milestone": "go_live", "day": 29},
        {"milestone": "launch_party", "day": 30},
    ]
    with pytest.raises(InvalidData) as caught:
        decode_store(raw)
    messages = {(p.path, p.message) for p in caught.value.problems}
    index = raw["packages"].index(standard)
    assert (f"packages[{index}].plan[2].milestone", "'go_live' is planned twice") in messages
    assert (f"packages[{index}].plan[3].milestone", "unknown milestone 'launch_party'") in messages
    standard["plan"] = [{"milestone": "kickoff", "day": 3651}]
    with pytest.raises(InvalidData) as caught:
        decode_store(raw)
    assert caught.value.problems[0].path == f"packages[{index}].plan[0].day"


def test_the_bundled_plans_are_valid_and_documented() -> None:
    from ps_tui.data import reference_text

    text = reference_text()
    assert "due this many days after" in text
    store = parse_store(Path("store.toml"), text.encode())
    assert not check_store(store)
    standard = store.package("standard")
    assert standard is not None and standard.plan[-1] == PlanStep(milestone="go_live", day=28)


def test_undo_takes_back_the_last_milestone_done_but_never_the_kickoff() -> None:
    from ps_tui.core.timeline import advance, undo_advance

    stored = upsert(reference(), new(), today=TODAY).implementations[-1]
    once, key = advance(stored, TODAY, reference())
    assert key == "infrastructure"
    undone, taken = undo_advance(once, reference())
    assert taken == "infrastructure" and undone == stored
    assert undo_advance(stored, reference()) == (stored, None)  # only the kickoff is done
    completed = msgspec.structs.replace(once, status=Status.COMPLETED, production_ready=TODAY)
    assert undo_advance(completed, reference()) == (completed, None)


def test_advancing_a_planned_one_kicks_it_off_and_plans_it() -> None:
    from ps_tui.core.history import Action, events_between
    from ps_tui.core.timeline import advance

    store = upsert(reference(), new(status=Status.PLANNED, kickoff=None), today=TODAY)
    waiting = store.implementations[-1]
    started, key = advance(waiting, TODAY, reference())
    assert key == "kickoff" and started.status is Status.ACTIVE and started.kickoff == TODAY
    assert dates(started)["go_live"] == TODAY + dt.timedelta(days=28)
    after = upsert(store, started, today=TODAY)
    (event,) = events_between(store, after, "x", dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert event.action is Action.ADVANCE


def test_the_projection_says_what_it_rests_on() -> None:
    from ps_tui.core.health import projection_basis

    stored = upsert(reference(), new(), today=TODAY).implementations[-1]
    assert projection_basis(stored) == "the plan"
    unplanned = msgspec.structs.replace(
        stored, milestones=[msgspec.structs.replace(m, planned=None) for m in stored.milestones]
    )
    assert projection_basis(unplanned) == "the team's history"


def test_closing_the_open_risks_never_closes_one_before_it_opened() -> None:
    from ps_tui.core.model import Risk
    from ps_tui.core.timeline import close_open_risks

    opened_later = Risk(text="late", opened=TODAY)
    done = Risk(text="done", opened=KICKOFF, closed=KICKOFF)
    impl = new(risks=[Risk(text="a", opened=KICKOFF), opened_later, done])
    closed = close_open_risks(impl, TODAY - dt.timedelta(days=1))
    assert [r.closed for r in closed.risks] == [TODAY - dt.timedelta(days=1), TODAY, KICKOFF]


def test_the_demo_is_planned_from_the_bundled_packages() -> None:
    """One source of truth: each demo implementation's planned dates are its
    package's plan in the bundled store, counted from its kickoff."""
    from ps_tui.data import default_store

    store = default_store(TODAY)
    assert check_store(store) == []
    for impl in store.implementations:
        package = store.package(impl.package)
        assert package is not None and package.plan, impl.package
        assert impl.kickoff is not None
        days = {step.milestone: step.day for step in package.plan}
        assert dates(impl) == {key: impl.kickoff + dt.timedelta(days=day) for key, day in days.items()}, (
            impl.id
        )
        # and a re-plan from its package would move nothing
        assert replan_changes(msgspec.structs.replace(impl, kickoff=None), impl, store) == []
