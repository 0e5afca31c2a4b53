"""Plain, row-at-a-time statements of rules the package runs as fast
passes over many rows. Tests check the fast code against these."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ps_tui.core.health import Health
from ps_tui.core.listing import Row, Scope
from ps_tui.core.model import Status
from ps_tui.core.query import Query


def matches_tokens(query: Query, row: Row) -> bool:
    """Whether `row` passes every token of `query` (free text aside)."""

    def has_part(parts: tuple[str, ...], name: str) -> bool:
        return any(part in name.casefold() for part in parts)

    if query.segments and row.segment_id not in query.segments:
        return False
    if query.owners and not has_part(query.owners, row.owner):
        return False
    people = (row.owner, row.project_manager, row.resident_architect)
    if query.people and not any(has_part(query.people, name) for name in people if name):
        return False
    if query.statuses and row.status not in query.statuses:
        return False
    if query.healths and row.health not in query.healths:
        return False
    key = row.milestone_key.casefold() if row.milestone_key else None
    return not query.phases or any(
        phase == key or phase in row.milestone.casefold() for phase in query.phases
    )


def in_scope(row: Row, scope: Scope, me: str | None) -> bool:
    """Whether `row` belongs in `scope`; `me` is the user's team member name
    (MINE matches nothing without one)."""
    if scope is Scope.ALL:
        return True
    if scope is Scope.ACTIVE:
        return row.status is Status.ACTIVE
    if scope is Scope.COMPLETED:
        return row.status is Status.COMPLETED
    if scope is Scope.AT_RISK:
        return row.status is Status.ACTIVE and row.health in (Health.AT_RISK, Health.OVERDUE)
    # An empty name must not match the rows that have nobody in a role.
    return bool(me) and me in (row.owner, row.project_manager, row.resident_architect)


#: Per column: its value, and whether it is text (compared case-insensitively,
#: "" counting as missing). For the others None is missing.
_SORT_FIELDS: dict[str, tuple[Callable[[Row], Any], bool]] = {
    "customer": (lambda row: row.customer, True),
    "segment": (lambda row: row.segment_rank, False),
    "arr": (lambda row: row.arr, False),
    "deployment": (lambda row: row.deployment, True),
    "owner": (lambda row: row.owner, True),
    "milestone": (lambda row: row.milestone, True),
    "days": (lambda row: row.elapsed, False),
    "target": (lambda row: row.target, False),
    # Worst health first, then the most elapsed days, then none.
    "health": (lambda row: (row.health.rank, row.elapsed is None, -(row.elapsed or 0)), False),
}


def sort_key(key: str) -> Callable[[Row], tuple[bool, Any]]:
    """An ascending sort key for column `key`: (missing, value), missing
    values (no elapsed days, an unknown ARR, empty text) last."""
    get, text = _SORT_FIELDS[key]

    def ordered(row: Row) -> tuple[bool, Any]:
        value = get(row)
        if text:
            value = value.casefold() or None
        return (True, 0) if value is None else (False, value)

    return ordered
