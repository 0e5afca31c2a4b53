"""The Implementations table: one flat row per implementation, its columns,
sorting and scopes.

Rows are built once per portfolio (100,000 of them must take a fraction of a
second), so every lookup that does not depend on the implementation is made
once per build rather than once per row.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import compress, count, islice, repeat
from typing import Any, Literal, cast

import msgspec

from ps_tui.core.health import Assessment, Health, health_words
from ps_tui.core.model import Deployment, Implementation, Reference, Status
from ps_tui.core.parse import UNKNOWN, format_arr
from ps_tui.core.slices import CHUNK, Sliced, Steps, dropping, map_steps, sort_steps
from ps_tui.core.view import Portfolio

#: What the milestone column shows once every milestone is done, or the
#: implementation is completed.
DONE = "Done"
_COMPLETED = Status.COMPLETED


class Row(msgspec.Struct, frozen=True, gc=False):
    """What the table shows (and filters and sorts on) for one implementation.

    Immutable; compares and hashes by value. A msgspec Struct rather than a
    dataclass: built by C code, a row costs a fraction of a frozen dataclass
    (whose fields are each set through object.__setattr__), and its fields
    read as fast. gc=False: rows hold only strings, numbers, None and enum
    members, so they cannot form cycles and the cyclic GC need not track
    100,000 of them."""

    id: str
    customer: str
    segment_id: str
    #: The segment's display name.
    segment: str
    #: The segment's place in the reference's order (by size, smallest
    #: first): what the segment column sorts on.
    segment_rank: int
    #: None when not known.
    arr: int | None
    #: The deployment's label.
    deployment: str
    #: The IE owner, or "".
    owner: str
    #: Key of the current milestone; None when all are done or there are none.
    milestone_key: str | None
    #: Display name of the current milestone; "Done" when all are done or the
    #: implementation is completed, "" when there are none.
    milestone: str
    elapsed: int | None
    target: int
    health: Health
    status: Status
    notes: str
    project_manager: str
    resident_architect: str
    #: An open risk, not the dates, made it at risk (`Assessment.by_risk`).
    by_risk: bool = False


def _rows(pairs: Iterable[tuple[Implementation, Assessment]], reference: Reference) -> list[Row]:
    # Per segment and milestone: (the reference's own id or key string, name).
    segments = {s.id: (s.id, s.name, rank) for rank, s in enumerate(reference.segments)}
    unknown_rank = len(segments)
    milestones = {m.key: (m.key, m.name) for m in reference.milestones}
    deployments = {d: d.label for d in Deployment}
    # Repeated values (segment ids, people, notes) become one shared string
    # each: filtering then compares and hashes a few objects that stay in the
    # CPU cache instead of 100,000 copies spread over the heap.
    shared: dict[str | None, str] = {m.name: m.name for m in reference.members}
    # Nobody (None) becomes "". So `share(name, name)` is "" for None and
    # the one shared copy of any string.
    shared[None] = ""
    share = cast(Callable[[str | None, str | None], str], shared.setdefault)
    row = Row
    out: list[Row] = []
    append = out.append
    for impl, assessment in pairs:
        current = assessment.current
        if impl.status is _COMPLETED:
            # Closed: its go-live is recorded, and any step skipped is moot.
            current = None
        if current is not None:
            current, milestone = milestones.get(current) or (current, current)
        else:
            milestone = DONE if impl.milestones else ""
        segment = impl.segment
        segment_id, segment_name, segment_rank = segments.get(segment) or (segment, segment, unknown_rank)
        owner = impl.ie_owner
        notes = impl.notes
        manager = impl.project_manager
        architect = impl.resident_architect
        append(
            row(
                impl.id,
                impl.customer,
                segment_id,
                segment_name,
                segment_rank,
                impl.arr,
                deployments[impl.deployment],
                share(owner, owner),
                current,
                milestone,
                assessment.elapsed,
                assessment.target_days,
                assessment.health,
                impl.status,
                share(notes, notes),
                share(manager, manager),
                share(architect, architect),
                assessment.by_risk,
            )
        )
    return out


def make_row(impl: Implementation, assessment: Assessment, reference: Reference) -> Row:
    """The row for one implementation (use `build_rows` for a whole portfolio)."""
    return _rows([(impl, assessment)], reference)[0]


def build_rows(portfolio: Portfolio) -> list[Row]:
    """A row per implementation, in the store's order."""
    # Paired in order, not looked up by id: 100,000 lookups land all over a
    # large hash table and would cost a third of the build.
    pairs = zip(portfolio.data.implementations, portfolio.in_store_order(), strict=True)
    return _rows(pairs, portfolio.data)


@dataclass(frozen=True)
class TableStart:
    """The table of one portfolio as it first opens: its rows in the
    store's order, how wide each column's text is, and the positions of the
    rows in the default sort (and its inverse, to pick a scope's rows in it)."""

    rows: list[Row]
    widths: dict[str, int]
    order: list[int]
    #: Where each row stands in `order` (see `places`).
    where: list[int]

    @classmethod
    def of(cls, portfolio: Portfolio) -> TableStart:
        """Made once per portfolio (`Portfolio.derived`): at 1,000,000
        implementations a second and a half, which a big load spends in its
        thread once the dashboard is drawn."""
        start = portfolio.derived(cls._build)
        # What the table showed until now is not needed again: a sixth of
        # the rows, made a second time.
        portfolio.forget_derived(TablePreview._build)
        return start

    @classmethod
    def ready(cls, portfolio: Portfolio) -> bool:
        """Whether `of(portfolio)` is made already."""
        return portfolio.has_derived(cls._build)

    @staticmethod
    def _build(portfolio: Portfolio) -> TableStart:
        rows = build_rows(portfolio)
        # Made in a thread while the UI runs: in steps, each one C call over
        # a chunk, so that the thread lets the UI thread have the interpreter
        # between them (one sort of a million rows holds it a third of a second).
        order = Sliced(default_order(rows)).finish()
        where = Sliced(places(order)).finish()
        return TableStart(rows, natural_widths(rows, portfolio.data), order, where)


@dataclass(frozen=True)
class TablePreview:
    """What a big portfolio's table shows first, while its `TableStart` is
    made: the active implementations (the screen's first scope) in the
    default sort, and where each stands in the store's order. About a sixth
    of the work of the whole table, since most implementations are done."""

    #: The rows, in the default sort.
    rows: list[Row]
    #: Each row's position in the store's order (in `TableStart.rows`).
    positions: list[int]
    widths: dict[str, int]

    @classmethod
    def of(cls, portfolio: Portfolio) -> TablePreview:
        """Made once per portfolio (`Portfolio.derived`)."""
        return portfolio.derived(cls._build)

    @staticmethod
    def _build(portfolio: Portfolio) -> TablePreview:
        data = portfolio.data
        implementations = data.implementations
        active = list(map(operator.is_, map(_STATUS, implementations), repeat(Status.ACTIVE)))
        positions = list(compress(range(len(implementations)), active))
        rows = _rows(compress(zip(implementations, portfolio.in_store_order(), strict=True), active), data)
        # The stable sort of a subset keeps the subset's order in the whole:
        # these are the first rows the whole table shows in this scope.
        order = sort_order(rows, *DEFAULT_SORT)
        return TablePreview(
            list(map(rows.__getitem__, order)),
            list(map(positions.__getitem__, order)),
            natural_widths(rows, data),
        )


# --- columns ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One table column: `key` names it in `cell_text`, `sort_rows` and sorting state."""

    key: str
    title: str
    #: Preferred display width in terminal cells.
    width: int
    align: Literal["left", "right"] = "left"


COLUMNS: tuple[Column, ...] = (
    Column("customer", "Customer", 22),
    Column("segment", "Segment", 10),
    Column("arr", "ARR", 6, "right"),
    Column("deployment", "Deployment", 14),
    Column("owner", "Owner", 12),
    Column("milestone", "Milestone", 18),
    Column("days", "Days", 4, "right"),
    Column("target", "Target", 6, "right"),
    Column("health", "Health", 11),
)

#: Shown for a missing value.
BLANK = UNKNOWN


#: The health cell of an implementation an open risk made at risk.
_BY_RISK = health_words(Health.AT_RISK, by_risk=True)


def natural_widths(rows: Sequence[Row], reference: Reference) -> dict[str, int]:
    """How wide each column's text is at most, in characters: from the
    reference data where the values come from a known set (segments,
    deployments, members, milestones, health), from the rows for the
    customer and the day counts. Cheap enough to run once per load (a few
    C-level passes), never per keystroke."""

    def longest(texts: Iterable[str]) -> int:
        return max(map(len, texts), default=0)

    days = list(map(operator.attrgetter("elapsed"), rows))
    elapsed = max(compress(days, map(operator.is_not, days, repeat(None))), default=0)
    return {
        "customer": longest(map(operator.attrgetter("customer"), rows)),
        "segment": longest(s.name for s in reference.segments),
        # "$999.5k", "$123.4M": format_money's longest forms below $1,000M.
        "arr": 7,
        "deployment": longest(d.label for d in Deployment),
        "owner": longest(m.name for m in reference.members),
        "milestone": longest([DONE, *(m.name for m in reference.milestones)]),
        "days": max(len(BLANK), len(str(elapsed))),
        "target": len(str(max(map(operator.attrgetter("target"), rows), default=0))),
        # With "at risk (risk)" where an open risk decided it (see _CELLS).
        "health": longest([*(h.label for h in Health), *(_BY_RISK for r in rows if r.by_risk)]),
    }


def _days_text(row: Row) -> str:
    return BLANK if row.elapsed is None else str(row.elapsed)


_CELLS: dict[str, Callable[[Row], str]] = {
    "customer": operator.attrgetter("customer"),
    "segment": operator.attrgetter("segment"),
    "arr": lambda row: format_arr(row.arr),
    "deployment": operator.attrgetter("deployment"),
    "owner": lambda row: row.owner or BLANK,
    "milestone": lambda row: row.milestone or BLANK,
    "days": _days_text,
    "target": lambda row: str(row.target),
    "health": lambda row: health_words(row.health, row.by_risk),
}


def cell_text(row: Row, key: str) -> str:
    """The text of column `key` for `row`. Raises KeyError for an unknown column."""
    return _CELLS[key](row)


# --- sorting ----------------------------------------------------------------------

#: The table's initial sort: (column key, reversed).
DEFAULT_SORT: tuple[str, bool] = ("health", False)

# Health sorts on one int: rank first, then elapsed days descending, then no
# elapsed days. A single int compares much faster than a tuple, which matters
# when sorting 100,000 rows. Elapsed days fit in 2**24 either way (dates span
# less than 4 million days).
_RANK_STEP = 1 << 25
_ELAPSED_ZERO = 1 << 24
_NO_ELAPSED = _RANK_STEP - 1
#: Each health's rank, scaled: one dict lookup per row instead of the `rank`
#: property (a Python call of its own).
_RANK_VALUES = {health: health.rank * _RANK_STEP for health in Health}


def _health_value(row: Row) -> int:
    elapsed = row.elapsed
    tail = _NO_ELAPSED if elapsed is None else _ELAPSED_ZERO - elapsed
    return _RANK_VALUES[row.health] + tail


#: Per column: how to read its value, and whether it is text (compared
#: case-insensitively, "" counting as missing). For the others None is missing.
_SORT_FIELDS: dict[str, tuple[Callable[[Row], Any], bool]] = {
    "customer": (operator.attrgetter("customer"), True),
    # In the reference's order (by size), not by name.
    "segment": (operator.attrgetter("segment_rank"), False),
    "arr": (operator.attrgetter("arr"), False),
    "deployment": (operator.attrgetter("deployment"), True),
    "owner": (operator.attrgetter("owner"), True),
    "milestone": (operator.attrgetter("milestone"), True),
    "days": (operator.attrgetter("elapsed"), False),
    "target": (operator.attrgetter("target"), False),
    "health": (_health_value, False),
}


def sort_order(rows: Sequence[Row], key: str, reverse: bool) -> list[int]:
    """The positions of `rows` in the order `sort_rows` puts them."""
    get, text = _SORT_FIELDS[key]
    values = list(map(get, rows))
    if text:
        values = list(map(str.casefold, values))
        present_flags = list(map(operator.truth, values))
    else:
        present_flags = list(map(operator.is_not, values, repeat(None)))
    count = len(values)
    present = list(compress(range(count), present_flags))
    missing = list(compress(range(count), map(operator.not_, present_flags))) if len(present) < count else []
    # Sorting positions by a list lookup keeps the comparisons on plain str or
    # int values, which CPython's sort compares fastest; reverse=True keeps
    # ties in input order, and the missing ones are appended in input order.
    present.sort(key=values.__getitem__, reverse=reverse)
    return present + missing


def default_order(rows: Sequence[Row], chunk: int = CHUNK) -> Steps[list[int]]:
    """`sort_order(rows, *DEFAULT_SORT)` in steps: health is never missing."""
    values = yield from map_steps(_health_value, rows, chunk)
    return (yield from sort_steps(list(range(len(rows))), key=values.__getitem__, chunk=2 * chunk))


def sort_rows(rows: Sequence[Row], key: str, reverse: bool) -> list[Row]:
    """`rows` sorted on column `key`: text case-insensitively, segments by
    size (the reference's order), health worst first, then the most elapsed
    days first. Stably: rows that tie keep their input order, also when
    `reverse` is set; missing values (no elapsed days, an unknown ARR, empty
    text) stay last either way (`tests/oracles.sort_key`
    states the order row by row). Raises KeyError for an unknown column."""
    if key == "health":
        # Never missing: the rows sort directly on their values, without
        # positions to sort and map back (the default sort, on every load).
        return sorted(rows, key=_health_value, reverse=reverse)
    return list(map(rows.__getitem__, sort_order(rows, key, reverse)))


@dataclass(frozen=True, slots=True)
class SortRanks:
    """Per row, in the order of the rows they were read from, an int that
    sorts as the row does on one column: equal values get equal ints, and a
    missing value the highest, in both directions. Sorting positions on
    these ints compares small ints only, so a sort is a fraction of
    `sort_order`'s cost, and the ints survive any reordering of the rows."""

    ascending: list[int]
    #: The present values' ranks flipped; missing values still last.
    descending: list[int]

    def of(self, reverse: bool) -> list[int]:
        return self.descending if reverse else self.ascending


def sort_ranks(rows: Sequence[Row], key: str, chunk: int = CHUNK) -> Steps[SortRanks]:
    """The `SortRanks` of `rows` on column `key`, in steps (`core.slices`).
    Raises KeyError for an unknown column."""
    get, text = _SORT_FIELDS[key]
    values: list[Any] = yield from map_steps(get, rows, chunk)
    missing: Any = None
    if text:
        values = yield from map_steps(str.casefold, values, chunk)
        missing = ""
    # A million distinct customers take a tenth of a second to hash into
    # a set or a dict: those are built a chunk at a time too.
    distinct: set[Any] = set()
    for at in range(0, len(values), chunk):
        distinct.update(values[at : at + chunk])
        yield
    distinct.discard(missing)
    unique: list[Any] = []
    rest = iter(distinct)
    for _ in range(0, len(distinct), chunk):
        unique.extend(islice(rest, chunk))
        yield
    ordered = yield from sort_steps(unique, chunk=chunk)
    top = len(ordered)
    rank: dict[Any, int] = {}
    for at in range(0, top, chunk):
        rank.update(zip(ordered[at : at + chunk], range(at, top), strict=False))
        yield
    rank[missing] = top
    ascending: list[int] = yield from map_steps(rank.__getitem__, values, chunk)
    flipped: list[int] = []
    for at in range(top, 0, -chunk):  # top - 1 down to 0, a chunk at a time
        flipped.extend(range(at - 1, max(at - chunk, 0) - 1, -1))
        yield
    flipped.append(top)
    descending: list[int] = yield from map_steps(flipped.__getitem__, ascending, chunk)
    # What was built on the way goes a step at a time too: a million
    # casefolded names freed at once when this returns stall the screen for
    # 50 ms. The containers first (each drops its references only), then
    # `values`, which frees the names as it empties.
    for built in (distinct, unique, ordered, rank, flipped):
        built.clear()
        yield
    yield from dropping(values, chunk)
    return SortRanks(ascending, descending)


def sorted_positions(order: Sequence[int], ranks: list[int], chunk: int = CHUNK) -> Steps[list[int]]:
    """`order` (positions into the rows `ranks` were read from) sorted on
    `ranks`, in steps: the order `sort_rows` gives those rows taken in
    `order`, ties and missing values kept in `order`'s order. A step sorts
    2 * `chunk` ints or merges up to twice that: each merge level reads
    every key again, so fewer, larger steps cost less in all, while a step
    at 1,000,000 rows (keys read all over the heap) stays near 20 ms."""
    return sort_steps(list(order), key=ranks.__getitem__, chunk=2 * chunk)


# --- scopes -----------------------------------------------------------------------


class Scope(StrEnum):
    """Which implementations the table shows before any filter."""

    ACTIVE = "active"
    COMPLETED = "completed"
    #: Active and at risk or overdue.
    AT_RISK = "at_risk"
    #: Owned, project-managed or architected by the current user.
    MINE = "mine"
    ALL = "all"


_TROUBLE = (Health.AT_RISK, Health.OVERDUE)


_STATUS = operator.attrgetter("status")
_STATUS_HEALTH = operator.attrgetter("status", "health")
#: (status, health) of the rows in Scope.AT_RISK.
_AT_RISK = frozenset((Status.ACTIVE, health) for health in _TROUBLE)
_PEOPLE = operator.attrgetter("owner", "project_manager", "resident_architect")


def scope_positions(rows: Sequence[Row], positions: Iterable[int], scope: Scope, me: str | None) -> list[int]:
    """The `positions` (into `rows`, order kept) whose rows belong in `scope`:
    ALL every row; ACTIVE and COMPLETED by status; AT_RISK the active ones at
    risk or overdue; MINE those where `me` (never empty) is the IE owner,
    project manager or resident architect. Run as a few C-level passes over
    the rows (`tests/oracles.in_scope` states it row by row)."""
    chosen = list(positions)
    if scope is Scope.ALL:
        return chosen
    if scope is Scope.MINE and not me:
        return []
    # Each row is read once, in one chain of lazy passes: 100,000 rows in
    # sort order lie all over the heap, and touching each costs a cache miss.
    candidates = map(rows.__getitem__, chosen)
    if scope is Scope.MINE:
        keep: Iterable[bool] = map(operator.contains, map(_PEOPLE, candidates), repeat(me))
    elif scope is Scope.COMPLETED:
        keep = map(operator.is_, map(_STATUS, candidates), repeat(Status.COMPLETED))
    elif scope is Scope.ACTIVE:
        keep = map(operator.is_, map(_STATUS, candidates), repeat(Status.ACTIVE))
    else:
        keep = map(_AT_RISK.__contains__, map(_STATUS_HEALTH, candidates))
    return list(compress(chosen, keep))


def scoping(
    rows: Sequence[Row], positions: Sequence[int], scope: Scope, me: str | None, chunk: int = CHUNK
) -> Steps[list[int]]:
    """`scope_positions` in steps of about `chunk` positions."""
    if scope is Scope.ALL:
        return list(positions)
    kept: list[int] = []
    for at in range(0, len(positions), chunk):
        kept.extend(scope_positions(rows, positions[at : at + chunk], scope, me))
        yield
    return kept


def places(order: Sequence[int], chunk: int = CHUNK) -> Steps[list[int]]:
    """Where each position stands in `order` (every position once): the
    inverse of `order`, in steps."""
    where = [0] * len(order)
    for at in range(0, len(order), chunk):
        deque(map(where.__setitem__, order[at : at + chunk], count(at)), maxlen=0)
        yield
    return where


def refined(shown: Sequence[int], positions: Sequence[int], chunk: int = CHUNK) -> Steps[list[int] | None]:
    """The `positions` in the order they have in `shown` (distinct
    positions, in the order rows are shown), if `shown` holds every one of
    them: what a narrower filter keeps of the rows on screen. One pass over
    `shown`, where `in_order` sorts the positions (twice the time at 18,000
    of 100,000). None when one of them is not in `shown`."""
    members: set[int] = set()
    for at in range(0, len(positions), chunk):
        members.update(positions[at : at + chunk])
        yield
    kept: list[int] = []
    for at in range(0, len(shown), chunk):
        part = shown[at : at + chunk]
        kept.extend(compress(part, map(members.__contains__, part)))
        yield
    return kept if len(kept) == len(positions) else None


def in_order(
    order: Sequence[int], where: Sequence[int], positions: Sequence[int], chunk: int = CHUNK
) -> Steps[list[int]]:
    """The `positions` in the order they have in `order` (every position
    once: the order rows are shown in; `where` its inverse, see `places`),
    in steps. A few are sorted on where they stand; many are picked from
    `order`, which reads it all once."""
    size = len(order)
    if len(positions) * 4 < size:
        # Sorted on where each stands: one pass where a chunk or two were
        # three (places, their sort, the positions at them).
        items = positions if isinstance(positions, list) else list(positions)
        return (yield from sort_steps(items, key=where.__getitem__, chunk=chunk))
    flags = yield from marked(positions, size, chunk)
    return (yield from flagged(order, flags, chunk))


def marked(positions: Sequence[int], size: int, chunk: int = CHUNK) -> Steps[bytearray]:
    """A byte for each position below `size`, 1 at each of `positions`, in
    steps of about `chunk` (each set in one C-level pass)."""
    flags = bytearray(size)
    for at in range(0, len(positions), chunk):
        deque(map(flags.__setitem__, positions[at : at + chunk], repeat(1)), maxlen=0)
        yield
    return flags


def flagged(shown: Sequence[int], flags: bytes | bytearray, chunk: int = CHUNK) -> Steps[list[int]]:
    """The positions of `shown` whose byte in `flags` is set, in their order,
    in steps of about `chunk`. Each step reads its flags in one C-level call
    (`operator.itemgetter`): half the time of a method call per position."""
    kept: list[int] = []
    for at in range(0, len(shown), chunk):
        part = shown[at : at + chunk]
        if len(part) > 1:
            kept.extend(compress(part, operator.itemgetter(*part)(flags)))
        elif part and flags[part[0]]:  # one position: itemgetter gives no tuple
            kept.append(part[0])
        yield
    return kept


__all__ = [
    "COLUMNS",
    "DEFAULT_SORT",
    "Column",
    "Row",
    "Scope",
    "SortRanks",
    "TablePreview",
    "TableStart",
    "build_rows",
    "cell_text",
    "flagged",
    "in_order",
    "make_row",
    "marked",
    "natural_widths",
    "places",
    "refined",
    "scope_positions",
    "scoping",
    "sort_order",
    "sort_ranks",
    "sort_rows",
    "sorted_positions",
]
