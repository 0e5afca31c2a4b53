"""Saved views: a name for a filter, a scope, a sort and the columns, kept
in the config (`[[views]]`) and shown alike by the Implementations screen,
`ps-tui list --view` and the weekly report's `--view`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

if TYPE_CHECKING:
    from ps_tui.core.listing import Scope

# The config is read at every launch, and the listing's module is not
# needed for that: it is imported when a view is used.
ScopeName = Literal["active", "completed", "at_risk", "mine", "all"]


def _keys() -> tuple[str, ...]:
    from ps_tui.core.listing import COLUMNS

    return tuple(column.key for column in COLUMNS)


Name = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")]


class View(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """One `[[views]]` table of the config."""

    name: Name
    #: The filter box's language (checked against the store when used).
    filter: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    scope: ScopeName = "active"
    #: A column key, reversed with a leading `-` ("-days": most days first).
    sort: Annotated[str, msgspec.Meta(max_length=20)] = "health"
    #: The columns to show, in the table's order; empty: all that fit.
    columns: list[Annotated[str, msgspec.Meta(max_length=20)]] = msgspec.field(default_factory=list)
    #: Keys that open the view (`"f5"`, `"ctrl+1"`), as in `[keymap]`.
    key: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    #: Whether the Implementations screen opens in this view.
    default: bool = False

    @property
    def listing_scope(self) -> Scope:
        from ps_tui.core.listing import Scope

        return Scope(self.scope)

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def sort_reverse(self) -> bool:
        return self.sort.startswith("-")


def view_problems(views: Sequence[View]) -> list[tuple[int, str, str]]:
    """What is wrong with the views, as (index, field, message): an unknown
    sort or column key, a name used twice, more than one default."""
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    defaults = 0
    keys = _keys()
    known = ", ".join(keys)
    for index, view in enumerate(views):
        if view.sort_key not in keys:
            problems.append(
                (index, "sort", f"{view.sort!r} is not a column (columns: {known}; '-' reverses)")
            )
        for column in view.columns:
            if column not in keys:
                problems.append((index, "columns", f"{column!r} is not a column (columns: {known})"))
        folded = view.name.casefold()
        if folded in seen:
            problems.append((index, "name", f"{view.name!r} is also the name of view {seen[folded] + 1}"))
        seen.setdefault(folded, index)
        defaults += view.default
        if view.default and defaults > 1:
            problems.append((index, "default", "only one view may be the default"))
    return problems


def find_view(views: Sequence[View], name: str) -> View | None:
    """The view called `name` (any case)."""
    wanted = name.strip().casefold()
    return next((view for view in views if view.name.casefold() == wanted), None)


def default_view(views: Sequence[View]) -> View | None:
    return next((view for view in views if view.default), None)


#: Each scope as the filter language says it, for the answers that take a
#: filter rather than a scope (the reports); `tests/test_views.py` checks
#: that both select the same rows.
_SCOPE_WORDS: dict[str, str] = {
    "active": "status:active",
    "completed": "status:completed",
    "at_risk": "status:active health:at-risk health:overdue",
    "all": "",
}


def as_filter(view: View, me: str | None) -> str:
    """The view's filter with its scope written in the filter language."""
    # A name holds no double quote (the lexer's quotes have no escape).
    person = (me or "").replace('"', "")
    scope = f'person:"{person}"' if view.scope == "mine" else _SCOPE_WORDS[view.scope]
    return " ".join(part for part in (scope, view.filter) if part)


def ordered_columns(view: View) -> list[str]:
    """The view's columns in the table's order (all of them when it names none)."""
    if not view.columns:
        return list(_keys())
    chosen = set(view.columns)
    return [key for key in _keys() if key in chosen]


__all__ = ["View", "as_filter", "default_view", "find_view", "ordered_columns", "view_problems"]
