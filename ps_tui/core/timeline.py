"""An implementation's milestone timeline: planned against actual, and the slips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from ps_tui.core.date_rules import go_live_key, kickoff_key
from ps_tui.core.model import Implementation, Milestone, Reference, Status
from ps_tui.core.plan import replanned
from ps_tui.core.validate import STARTED_STATUSES


@dataclass(frozen=True)
class TimelineStep:
    """One milestone on the timeline.

    `slip` is actual minus planned in days once done; while not done, the days
    it is already late (today minus planned, when positive), else None."""

    key: str
    name: str
    owner: str
    planned: dt.date | None
    actual: dt.date | None
    slip: int | None
    late: bool


def timeline(impl: Implementation, reference: Reference, today: dt.date) -> list[TimelineStep]:
    """The implementation's milestones in lifecycle order (unknown keys last)."""
    order = {m.key: i for i, m in enumerate(reference.milestones)}
    steps = sorted(impl.milestones, key=lambda m: order.get(m.key, len(order)))
    return [_step(m, reference, today) for m in steps]


def _step(milestone: Milestone, reference: Reference, today: dt.date) -> TimelineStep:
    planned, actual = milestone.planned, milestone.actual
    slip: int | None = None
    late = False
    if planned is not None and actual is not None:
        slip = (actual - planned).days
        late = slip > 0
    elif planned is not None and actual is None and today > planned:
        slip = (today - planned).days
        late = True
    return TimelineStep(
        milestone.key,
        reference.milestone_name(milestone.key),
        milestone.owner or "",
        planned,
        actual,
        slip,
        late,
    )


def advance(
    impl: Implementation, today: dt.date, reference: Reference | None = None
) -> tuple[Implementation, str | None]:
    """Record `today` as the actual date of the next milestone not done.

    A planned implementation becomes active (kickoff today if it had none).
    The kickoff milestone of one already under way (a kickoff on or before
    today) is recorded on its kickoff date instead, since the two are one
    fact (see `align_kickoff`; `reference` names the kickoff milestone).
    When that sets the kickoff, the milestones not done are planned from the
    package (`plan.replanned`). Returns the new implementation and the key
    of the milestone recorded, or None when every milestone was already done
    (nothing changes)."""
    if not impl.milestones and reference is not None:
        # None recorded yet: the lifecycle's, owned by the IE owner.
        owner = impl.ie_owner if impl.ie_owner and reference.member(impl.ie_owner) else None
        impl = msgspec.structs.replace(
            impl, milestones=[Milestone(key=m.key, owner=owner) for m in reference.milestones]
        )
    for index, milestone in enumerate(impl.milestones):
        if milestone.actual is None:
            done = today
            started = impl.status is not Status.PLANNED and impl.kickoff is not None
            if started and reference is not None and milestone.key == kickoff_key(reference):
                assert impl.kickoff is not None
                done = min(impl.kickoff, today)
            milestones = list(impl.milestones)
            milestones[index] = msgspec.structs.replace(milestone, actual=done)
            changes: dict[str, object] = {"milestones": milestones}
            if impl.status is Status.PLANNED:
                changes["status"] = Status.ACTIVE
                if impl.kickoff is None or impl.kickoff > today:
                    changes["kickoff"] = today
            updated = msgspec.structs.replace(impl, **changes)
            if reference is not None:
                updated = align_kickoff(updated, reference, impl)
                if updated.kickoff != impl.kickoff:
                    # It kicked off now: what is not done is due from today's kickoff.
                    updated = replanned(updated, reference)
            return updated, milestone.key
    return impl, None


def undo_advance(impl: Implementation, reference: Reference) -> tuple[Implementation, str | None]:
    """Take back the last advance: the latest milestone done (in lifecycle
    order) is not done any more. The kickoff milestone is one fact with the
    kickoff date and stays (change the kickoff in the form); a completed
    implementation is reopened by an edit, not here. Returns the new
    implementation and the key of the milestone undone, or None when there
    is nothing to take back (nothing changes)."""
    if impl.status is Status.COMPLETED:
        return impl, None
    order = {m.key: i for i, m in enumerate(reference.milestones)}
    kickoff = kickoff_key(reference)
    done = [
        (order.get(m.key, len(order)), index)
        for index, m in enumerate(impl.milestones)
        if m.actual is not None and m.key != kickoff
    ]
    if not done:
        return impl, None
    _, index = max(done)
    milestones = list(impl.milestones)
    milestones[index] = msgspec.structs.replace(milestones[index], actual=None)
    return msgspec.structs.replace(impl, milestones=milestones), milestones[index].key


def close(
    impl: Implementation, production_ready: dt.date, reference: Reference | None = None
) -> Implementation:
    """The implementation completed on `production_ready`: status completed, and
    its go-live milestone (the reference's last; without `reference`, the
    implementation's last) done that day. An implementation with milestones
    but no go-live one gets it added."""
    milestones = list(impl.milestones)
    key = go_live_key(reference) if reference is not None else None
    if key is None:
        if milestones:
            milestones[-1] = msgspec.structs.replace(milestones[-1], actual=production_ready)
    else:
        for index, milestone in enumerate(milestones):
            if milestone.key == key:
                milestones[index] = msgspec.structs.replace(milestone, actual=production_ready)
                break
        else:
            if milestones:
                milestones.append(Milestone(key=key, actual=production_ready))
    return msgspec.structs.replace(
        impl, status=Status.COMPLETED, production_ready=production_ready, milestones=milestones
    )


def close_open_risks(impl: Implementation, day: dt.date) -> Implementation:
    """`impl` with every risk still open closed on `day` (never before it was
    opened: such a risk is closed on its opening day)."""
    risks = [
        r if r.closed is not None else msgspec.structs.replace(r, closed=max(day, r.opened))
        for r in impl.risks
    ]
    return msgspec.structs.replace(impl, risks=risks)


def align_kickoff(
    impl: Implementation, reference: Reference, before: Implementation | None = None
) -> Implementation:
    """`impl` with its kickoff date and its kickoff milestone's actual date made
    one fact, as every write of an implementation stores it.

    Whichever of the two was changed (against `before`, the implementation as
    stored; None for a new one) sets the other; when both or neither changed,
    the kickoff date decides. A planned or cancelled implementation whose
    kickoff milestone is not done keeps its kickoff as a plan: nothing to
    align. An implementation without the kickoff milestone is left alone."""
    key = kickoff_key(reference)
    index = next((i for i, m in enumerate(impl.milestones) if m.key == key), None)
    if index is None:
        return impl
    milestone = impl.milestones[index]
    actual, kickoff = milestone.actual, impl.kickoff
    if actual == kickoff or (actual is None and impl.status not in STARTED_STATUSES):
        return impl
    old = before.milestone(milestone.key) if before is not None else None
    milestone_changed = before is not None and (old.actual if old is not None else None) != actual
    kickoff_changed = before is not None and before.kickoff != kickoff
    if actual is not None and not kickoff_changed and (kickoff is None or milestone_changed):
        return msgspec.structs.replace(impl, kickoff=actual)
    milestones = list(impl.milestones)
    milestones[index] = msgspec.structs.replace(milestone, actual=kickoff)
    return msgspec.structs.replace(impl, milestones=milestones)
