"""An implementation's milestone timeline: planned against actual, and the slips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from ps_tui.core.model import Implementation, Milestone, Reference, Status


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


def advance(impl: Implementation, today: dt.date) -> tuple[Implementation, str | None]:
    """Record `today` as the actual date of the next milestone not done.

    A planned implementation becomes active (kickoff today if it had none).
    Returns the new implementation and the key of the milestone recorded, or
    None when every milestone was already done (nothing changes)."""
    for index, milestone in enumerate(impl.milestones):
        if milestone.actual is None:
            milestones = list(impl.milestones)
            milestones[index] = msgspec.structs.replace(milestone, actual=today)
            changes: dict[str, object] = {"milestones": milestones}
            if impl.status is Status.PLANNED:
                changes["status"] = Status.ACTIVE
                if impl.kickoff is None or impl.kickoff > today:
                    changes["kickoff"] = today
            return msgspec.structs.replace(impl, **changes), milestone.key
    return impl, None


def close(impl: Implementation, production_ready: dt.date) -> Implementation:
    """The implementation completed on `production_ready`: status completed, and
    the last milestone (go-live) done that day if it was not already."""
    milestones = list(impl.milestones)
    if milestones and milestones[-1].actual is None:
        milestones[-1] = msgspec.structs.replace(milestones[-1], actual=production_ready)
    return msgspec.structs.replace(
        impl, status=Status.COMPLETED, production_ready=production_ready, milestones=milestones
    )
