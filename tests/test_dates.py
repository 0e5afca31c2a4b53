"""Dates that cannot be true are refused, odd ones warned about, each at its
boundary: the same day is allowed, one day past is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from ps_tui.core import listing, timeline
from ps_tui.core.date_rules import check_entry, field_label, implementation_warnings, store_warnings
from ps_tui.core.model import Implementation, Milestone, Status
from ps_tui.core.portfolio import InvalidData, upsert
from ps_tui.core.validate import Problem, check_implementation
from ps_tui.core.view import Portfolio
from tests.helpers import reference, sample_store

REF = reference()
TODAY = dt.date(2026, 11, 30)
KICKOFF = dt.date(2026, 11, 2)
DAY = dt.timedelta(days=1)


def impl(**changes: Any) -> Implementation:
    """Active since KICKOFF, the kickoff milestone done that day, the next planned."""
    fields: dict[str, Any] = {
        "id": "IMP-0042",
        "customer": "Acme",
        "segment": "enterprise",
        "status": Status.ACTIVE,
        "kickoff": KICKOFF,
        "ie_owner": "Louis Jarvis",
        "milestones": [
            Milestone(key="kickoff", planned=KICKOFF, actual=KICKOFF),
            Milestone(key="infrastructure", planned=KICKOFF + 6 * DAY),
            Milestone(key="installation", planned=KICKOFF + 11 * DAY),
        ],
    }
    fields.update(changes)
    return Implementation(**fields)


def with_actual(index: int, actual: dt.date | None, base: Implementation | None = None) -> Implementation:
    base = base or impl()
    milestones = list(base.milestones)
    milestones[index] = msgspec.structs.replace(milestones[index], actual=actual)
    return msgspec.structs.replace(base, milestones=milestones)


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


# --- errors in any store ------------------------------------------------------------------


def test_the_base_is_valid_and_unremarkable() -> None:
    assert check_implementation(impl(), REF) == []
    assert implementation_warnings(impl(), REF, TODAY) == []


def test_a_milestone_done_on_kickoff_day_is_fine_the_day_before_is_not() -> None:
    assert check_implementation(with_actual(1, KICKOFF), REF) == []
    assert check_implementation(with_actual(1, KICKOFF - DAY), REF) == [
        Problem("milestones[1].actual", "2026-11-01 is before kickoff (2026-11-02)")
    ]


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.PLANNED, Status.ON_HOLD])
def test_an_open_implementation_has_no_production_ready_date(status: Status) -> None:
    problems = check_implementation(impl(status=status, production_ready=TODAY), REF)
    assert problems == [
        Problem("production_ready", f"must be empty while status is {status.value} (set it when completed)")
    ]


@pytest.mark.parametrize("ready", [None, TODAY])
def test_a_cancelled_implementation_may_have_a_production_ready_date_or_not(ready: dt.date | None) -> None:
    assert check_implementation(impl(status=Status.CANCELLED, production_ready=ready), REF) == []


def test_production_ready_on_kickoff_day_is_fine_the_day_before_is_not() -> None:
    done = impl(status=Status.COMPLETED, production_ready=KICKOFF)
    assert check_implementation(done, REF) == []
    early = impl(status=Status.COMPLETED, production_ready=KICKOFF - DAY)
    assert check_implementation(early, REF) == [Problem("production_ready", "is before kickoff")]


# --- dates after today: refused on entry, warned about in a store -----------------------


def test_one_day_of_grace_for_time_zones() -> None:
    ahead = impl(status=Status.COMPLETED, production_ready=TODAY + DAY)
    assert check_entry(ahead, REF, TODAY) == []
    assert implementation_warnings(ahead, REF, TODAY) == []
    too_far = impl(status=Status.COMPLETED, production_ready=TODAY + 2 * DAY)
    message = "2026-12-02 is in the future (today is 2026-11-30; at most 2026-12-01 is accepted)"
    assert check_entry(too_far, REF, TODAY) == [Problem("production_ready", message)]
    assert implementation_warnings(too_far, REF, TODAY) == [Problem("production_ready", message)]
    # Not an error in a store: viewed with an earlier today, it must still load.
    assert check_implementation(too_far, REF) == []


def test_a_milestone_done_after_tomorrow_is_refused_on_entry() -> None:
    assert check_entry(with_actual(1, TODAY + DAY), REF, TODAY) == []
    assert paths(check_entry(with_actual(1, TODAY + 2 * DAY), REF, TODAY)) == ["milestones[1].actual"]
    assert "milestones[1].actual" in paths(
        implementation_warnings(with_actual(1, TODAY + 2 * DAY), REF, TODAY)
    )


def test_a_date_already_stored_is_not_refused_again() -> None:
    stored = with_actual(1, TODAY + 5 * DAY)
    renamed = msgspec.structs.replace(stored, customer="Renamed")
    assert check_entry(renamed, REF, TODAY, before=stored) == []
    moved = with_actual(1, TODAY + 6 * DAY, renamed)
    assert paths(check_entry(moved, REF, TODAY, before=stored)) == ["milestones[1].actual"]


def test_upsert_given_today_refuses_the_future() -> None:
    store = sample_store()
    ok = upsert(store, with_actual(1, TODAY + DAY), TODAY)
    assert ok.implementations[-1].milestones[1].actual == TODAY + DAY
    with pytest.raises(InvalidData) as refused:
        upsert(store, with_actual(1, TODAY + 2 * DAY), TODAY)
    assert paths(refused.value.problems) == ["milestones[1].actual"]
    # Without today (a store that does not know it), only the plain rules.
    assert upsert(store, with_actual(1, TODAY + 2 * DAY)).implementations[-1].id == "IMP-0042"


# --- odd but possible: warnings ---------------------------------------------------------------


def test_milestones_done_out_of_order_are_a_warning() -> None:
    same_day = with_actual(2, KICKOFF + 5 * DAY, with_actual(1, KICKOFF + 5 * DAY))
    assert implementation_warnings(same_day, REF, TODAY) == []
    reversed_ = with_actual(2, KICKOFF + 4 * DAY, with_actual(1, KICKOFF + 5 * DAY))
    assert implementation_warnings(reversed_, REF, TODAY) == [
        Problem(
            "milestones[2].actual",
            "2026-11-06 is before the actual date of 'Infrastructure build complete' (2026-11-07), "
            "which comes first",
        )
    ]
    assert check_implementation(reversed_, REF) == []


def test_order_is_the_reference_order_not_the_file_order() -> None:
    base = impl()
    swapped = msgspec.structs.replace(
        base, milestones=[base.milestones[0], base.milestones[2], base.milestones[1]]
    )
    in_order = with_actual(2, KICKOFF + 5 * DAY, with_actual(1, KICKOFF + 6 * DAY, swapped))
    assert implementation_warnings(in_order, REF, TODAY) == []


def test_a_planned_date_before_kickoff_is_a_warning() -> None:
    base = impl()
    on_the_day = msgspec.structs.replace(base.milestones[1], planned=KICKOFF)
    early = msgspec.structs.replace(base.milestones[1], planned=KICKOFF - DAY)
    assert implementation_warnings(impl(milestones=[base.milestones[0], on_the_day]), REF, TODAY) == []
    assert implementation_warnings(impl(milestones=[base.milestones[0], early]), REF, TODAY) == [
        Problem("milestones[1].planned", "2026-11-01 is before kickoff (2026-11-02)")
    ]


def test_a_kickoff_that_disagrees_with_its_milestone_is_a_warning() -> None:
    assert implementation_warnings(with_actual(0, KICKOFF + DAY), REF, TODAY) == [
        Problem(
            "milestones[0].actual", "2026-11-03 differs from kickoff (2026-11-02); they are the same date"
        )
    ]
    assert implementation_warnings(with_actual(0, None), REF, TODAY) == [
        Problem("milestones[0].actual", "not recorded, though the implementation kicked off on 2026-11-02")
    ]
    # A planned implementation's kickoff is a plan, not yet a milestone done.
    assert implementation_warnings(with_actual(0, None, impl(status=Status.PLANNED)), REF, TODAY) == []


def test_store_warnings_carry_store_paths_and_labels_name_the_milestone() -> None:
    odd = with_actual(0, KICKOFF + DAY)
    store = msgspec.structs.replace(sample_store(1), implementations=[impl(id="IMP-0009"), odd])
    (warning,) = store_warnings(store, TODAY)
    assert warning.path == "implementations[1].milestones[0].actual"
    assert field_label(odd, REF, "milestones[0].actual") == "Project kickoff, actual"
    assert field_label(odd, REF, "production_ready") == "Production-ready"


# --- kickoff and the kickoff milestone are one fact ----------------------------------------


def test_setting_the_kickoff_sets_the_kickoff_milestone() -> None:
    stored = impl()
    moved = msgspec.structs.replace(stored, kickoff=KICKOFF - DAY)
    aligned = timeline.align_kickoff(moved, REF, stored)
    assert aligned.kickoff == KICKOFF - DAY
    assert aligned.milestones[0].actual == KICKOFF - DAY


def test_setting_the_kickoff_milestone_sets_the_kickoff() -> None:
    stored = impl()
    moved = with_actual(0, KICKOFF - DAY, stored)
    aligned = timeline.align_kickoff(moved, REF, stored)
    assert aligned.kickoff == KICKOFF - DAY
    assert aligned.milestones[0].actual == KICKOFF - DAY


def test_a_new_active_implementation_kicks_off_on_its_kickoff_date() -> None:
    new = with_actual(0, None)
    assert timeline.align_kickoff(new, REF).milestones[0].actual == KICKOFF
    # A milestone date alone gives the kickoff.
    assert timeline.align_kickoff(with_actual(0, KICKOFF, impl(kickoff=None)), REF).kickoff == KICKOFF
    # A plan stays a plan.
    planned = with_actual(0, None, impl(status=Status.PLANNED))
    assert timeline.align_kickoff(planned, REF) is planned


def test_every_save_aligns_the_two() -> None:
    store = upsert(sample_store(), with_actual(0, None))
    saved = store.implementations[-1]
    assert saved.milestones[0].actual == saved.kickoff == KICKOFF
    assert implementation_warnings(saved, REF, TODAY) == []


def test_advancing_to_the_kickoff_milestone_records_the_kickoff_date() -> None:
    started = with_actual(0, None)
    advanced, key = timeline.advance(started, TODAY, REF)
    assert key == "kickoff"
    assert advanced.milestones[0].actual == KICKOFF and advanced.kickoff == KICKOFF
    planned = with_actual(0, None, impl(status=Status.PLANNED, kickoff=TODAY + 7 * DAY))
    advanced, _ = timeline.advance(planned, TODAY, REF)
    assert advanced.status is Status.ACTIVE
    assert advanced.kickoff == advanced.milestones[0].actual == TODAY


# --- closing ------------------------------------------------------------------------------------


def test_closing_records_go_live_and_the_row_shows_done() -> None:
    base = impl(milestones=[Milestone(key=m.key) for m in REF.milestones])
    base = with_actual(0, KICKOFF, base)
    closed = timeline.close(base, TODAY, REF)
    go_live = closed.milestone("go_live")
    assert go_live is not None and go_live.actual == TODAY
    assert closed.status is Status.COMPLETED and closed.production_ready == TODAY
    store = upsert(sample_store(0), closed, TODAY)
    (row,) = listing.build_rows(Portfolio.build(store, TODAY))
    assert row.milestone == listing.DONE
    assert row.milestone_key is None


def test_closing_adds_a_missing_go_live_milestone() -> None:
    closed = timeline.close(impl(), TODAY, REF)
    assert closed.milestones[-1] == Milestone(key="go_live", actual=TODAY)


def test_closing_moves_a_go_live_recorded_earlier_to_the_production_ready_date() -> None:
    base = impl(milestones=[Milestone(key="kickoff", actual=KICKOFF), Milestone(key="go_live", actual=TODAY)])
    closed = timeline.close(base, TODAY - DAY, REF)
    assert closed.milestone("go_live") == Milestone(key="go_live", actual=TODAY - DAY)
