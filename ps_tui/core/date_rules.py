"""Date rules that depend on today, and data that is odd but possible.

Dates after today (one day of grace for time zones) are refused where data
enters (`check_entry`: the form, the close dialog, the server with its own
today) but are only warnings in a store that is read, so a store viewed with an
earlier `--today` still opens; odd-but-possible data (actual dates out of
order, a planned date before kickoff, a kickoff milestone that disagrees with
the kickoff date) is a warning everywhere. The rules that do not depend on
today are errors, in `core/validate.py`.
"""

from __future__ import annotations

import datetime as dt
import re

from ps_tui.core.model import Implementation, Reference, StoreFile
from ps_tui.core.validate import STARTED_STATUSES, Problem, join_path

#: How many days after "today" a date entered as done may be: one, because
#: the one entering it may be a time zone ahead of the one whose today it is.
GRACE_DAYS = 1


def kickoff_key(ref: Reference) -> str | None:
    """The key of the kickoff milestone: the first of the reference's milestones."""
    return ref.milestones[0].key if ref.milestones else None


def go_live_key(ref: Reference) -> str | None:
    """The key of the go-live milestone: the last of the reference's milestones."""
    return ref.milestones[-1].key if ref.milestones else None


def latest_allowed(today: dt.date) -> dt.date:
    """The latest date that may be recorded as done on `today` (see GRACE_DAYS)."""
    return today + dt.timedelta(days=GRACE_DAYS)


def _future(value: dt.date, today: dt.date) -> str:
    return f"{value} is in the future (today is {today}; at most {latest_allowed(today)} is accepted)"


def check_entry(
    impl: Implementation,
    ref: Reference,
    today: dt.date,
    path: str = "",
    before: Implementation | None = None,
) -> list[Problem]:
    """The rules that depend on today, for data as it enters (the form, the
    server, an edit of the store): production_ready and milestone actual dates
    may be at most `latest_allowed(today)`.

    `before` is the implementation as stored: a date it already had is not
    refused again, so an old store viewed with an earlier today can still be
    edited. In a store that is read, these are warnings (`implementation_warnings`)."""
    latest = latest_allowed(today)
    problems: list[Problem] = []
    ready = impl.production_ready
    if ready is not None and ready > latest and (before is None or before.production_ready != ready):
        problems.append(Problem(join_path(path, "production_ready"), _future(ready, today)))
    for i, milestone in enumerate(impl.milestones):
        actual = milestone.actual
        if actual is None or actual <= latest:
            continue
        old = before.milestone(milestone.key) if before is not None else None
        if old is None or old.actual != actual:
            problems.append(Problem(join_path(path, f"milestones[{i}].actual"), _future(actual, today)))
    return problems


def implementation_warnings(
    impl: Implementation, ref: Reference, today: dt.date, path: str = ""
) -> list[Problem]:
    """Odd but possible data in one implementation: a date after
    `latest_allowed(today)`, milestone actual dates out of the reference
    order, a planned date before kickoff, and a kickoff date that disagrees
    with the kickoff milestone's actual date."""

    def at(name: str) -> str:
        return join_path(path, name)

    problems: list[Problem] = []
    latest = latest_allowed(today)
    kickoff = impl.kickoff
    ready = impl.production_ready
    if ready is not None and ready > latest:
        problems.append(Problem(at("production_ready"), _future(ready, today)))
    order = {m.key: i for i, m in enumerate(ref.milestones)}
    done: list[tuple[int, int, dt.date]] = []
    for i, milestone in enumerate(impl.milestones):
        actual, planned = milestone.actual, milestone.planned
        if actual is not None:
            if actual > latest:
                problems.append(Problem(at(f"milestones[{i}].actual"), _future(actual, today)))
            if milestone.key in order:
                done.append((order[milestone.key], i, actual))
        if planned is not None and kickoff is not None and planned < kickoff:
            problems.append(
                Problem(at(f"milestones[{i}].planned"), f"{planned} is before kickoff ({kickoff})")
            )
    done.sort()
    latest_done: tuple[int, dt.date] | None = None
    for _, i, actual in done:
        if latest_done is not None and actual < latest_done[1]:
            earlier = ref.milestone_name(impl.milestones[latest_done[0]].key)
            message = (
                f"{actual} is before the actual date of {earlier!r} ({latest_done[1]}), which comes first"
            )
            problems.append(Problem(at(f"milestones[{i}].actual"), message))
        if latest_done is None or actual > latest_done[1]:
            latest_done = (i, actual)
    problems += _kickoff_disagreement(impl, ref, path)
    return problems


def _kickoff_disagreement(impl: Implementation, ref: Reference, path: str) -> list[Problem]:
    key = kickoff_key(ref)
    if key is None:
        return []
    for i, milestone in enumerate(impl.milestones):
        if milestone.key != key:
            continue
        actual, kickoff = milestone.actual, impl.kickoff
        where = join_path(path, f"milestones[{i}].actual")
        if actual is not None and (kickoff is None or actual > kickoff):
            # (before kickoff is an error of its own)
            shown = kickoff.isoformat() if kickoff else "not set"
            return [Problem(where, f"{actual} differs from kickoff ({shown}); they are the same date")]
        if actual is None and kickoff is not None and impl.status in STARTED_STATUSES:
            return [Problem(where, f"not recorded, though the implementation kicked off on {kickoff}")]
        return []
    return []


def store_warnings(store: StoreFile, today: dt.date) -> list[Problem]:
    """`implementation_warnings` of every implementation, with store paths."""
    problems: list[Problem] = []
    for i, impl in enumerate(store.implementations):
        problems += implementation_warnings(impl, store, today, f"implementations[{i}]")
    return problems


_MILESTONE_PATH = re.compile(r"^milestones\[(?P<index>\d+)\]\.(?P<field>\w+)$")
_FIELD_LABELS = {"production_ready": "Production-ready", "kickoff": "Kickoff"}


def field_label(impl: Implementation, ref: Reference, path: str) -> str:
    """Human words for a field path within one implementation
    (`milestones[2].actual` -> "Product installation, actual")."""
    match = _MILESTONE_PATH.match(path)
    if match and int(match["index"]) < len(impl.milestones):
        name = ref.milestone_name(impl.milestones[int(match["index"])].key)
        return f"{name}, {match['field']}"
    return _FIELD_LABELS.get(path, path)
