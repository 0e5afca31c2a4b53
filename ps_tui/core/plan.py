"""Planned dates from a package's plan: a milestone is due `day` days after
kickoff (`[[packages]] plan` in the store). A new implementation with a
kickoff date is planned from its package; a change of kickoff or package
re-plans only the milestones not done yet, so a recorded date is never moved.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from ps_tui.core.model import LATEST_DATE, Implementation, Milestone, Reference


def plan_days(impl: Implementation, reference: Reference) -> dict[str, int]:
    """milestone key -> days after kickoff, from the implementation's package
    (empty for a custom package or a package without a plan)."""
    package = reference.package(impl.package)
    return {} if package is None else {step.milestone: step.day for step in package.plan}


def planned(impl: Implementation, reference: Reference) -> list[Milestone]:
    """`impl`'s milestones with the planned dates of its package's plan for
    every milestone that has no actual date yet; done milestones, and those
    the plan does not name, keep theirs. Every milestone of the reference is
    present, in lifecycle order, followed by any others `impl` holds."""
    days = plan_days(impl, reference)
    kickoff = impl.kickoff
    by_key = {m.key: m for m in impl.milestones}
    keys = [m.key for m in reference.milestones]
    keys += [m.key for m in impl.milestones if m.key not in set(keys)]
    result = []
    for key in keys:
        milestone = by_key.get(key) or Milestone(key=key, owner=impl.ie_owner)
        day = days.get(key)
        if kickoff is not None and day is not None and milestone.actual is None:
            milestone = msgspec.structs.replace(milestone, planned=_due(kickoff, day))
        result.append(milestone)
    return result


def _due(kickoff: dt.date, day: int) -> dt.date:
    # Within the dates every computation survives (see model.LATEST_DATE).
    return min(kickoff + dt.timedelta(days=day), LATEST_DATE)


def replan_changes(before: Implementation, after: Implementation, reference: Reference) -> list[str]:
    """The keys of the milestones whose planned date a re-plan would move,
    when the kickoff or the package changed from `before` to `after` (empty
    otherwise): what to offer the user before re-planning."""
    if before.kickoff == after.kickoff and before.package == after.package:
        return []
    new = {m.key: m.planned for m in planned(after, reference)}
    return [m.key for m in after.milestones if m.actual is None and new.get(m.key, m.planned) != m.planned]


def replanned(impl: Implementation, reference: Reference) -> Implementation:
    """`impl` with the milestones not done yet planned from its package."""
    return msgspec.structs.replace(impl, milestones=planned(impl, reference))


def first_plan(impl: Implementation, reference: Reference) -> Implementation:
    """A new implementation as it is stored: each of its milestones without a
    date planned from its package (dates the caller gave are kept); one
    given with a kickoff but no milestones gets every milestone of the
    reference. Without a kickoff there is nothing to plan from: it is kept
    as it came (a later re-plan adds the milestones)."""
    days = plan_days(impl, reference)
    kickoff = impl.kickoff
    if kickoff is None:
        return impl
    # An unknown owner is reported once, on ie_owner, not on every milestone.
    owner = impl.ie_owner if impl.ie_owner and reference.member(impl.ie_owner) else None
    milestones = impl.milestones or [Milestone(key=m.key, owner=owner) for m in reference.milestones]
    if kickoff is not None and days:
        milestones = [
            msgspec.structs.replace(m, planned=_due(kickoff, days[m.key]))
            if m.planned is None and m.actual is None and m.key in days
            else m
            for m in milestones
        ]
    return msgspec.structs.replace(impl, milestones=milestones)
