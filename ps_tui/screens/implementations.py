"""Implementations: the live portfolio, filtered, sorted and edited.

The table is virtual, so 100,000 rows cost what 100 do. Rows are built once per
load; filtering and sorting work on positions; an edit replaces its row by key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ps_tui import collector
from ps_tui.core import listing, slices
from ps_tui.core.listing import COLUMNS, DEFAULT_SORT, Row, Scope, SortRanks, TablePreview, TableStart
from ps_tui.core.model import Implementation
from ps_tui.core.query import FuzzyIndex, Query, filter_rows, filtering, narrows, read_typed
from ps_tui.core.slices import Picked, Sliced, Steps, wait_for
from ps_tui.core.view import Portfolio

if TYPE_CHECKING:
    from pathlib import Path

    from ps_tui.core.documents import RowDocument
    from ps_tui.core.report import ReportColumn
    from ps_tui.core.views import View
from ps_tui.screens.actions import EDIT_BINDINGS, ImplementationActions
from ps_tui.screens.base import PsScreen
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.host import host
from ps_tui.widgets.filter_box import FilterBox
from ps_tui.widgets.tones import BAD, HEALTH_STYLES, themed
from ps_tui.widgets.vtable import Cell, VColumn, VirtualTable

SCOPE_WORDS = {
    Scope.ACTIVE: "active",
    Scope.COMPLETED: "completed",
    Scope.AT_RISK: "at risk or overdue",
    Scope.MINE: "mine",
    Scope.ALL: "all",
}

#: What the empty table says: nothing matches, or nothing is there yet.
NO_MATCH = "No implementations match"
EMPTY_STORE = "No implementations yet: press n to add the first one"
#: What the table says before the store is read (the load shows its progress above).
NOT_LOADED = "Nothing loaded yet"
#: What the table shows while a big store's rows are being made.
PREPARING = "Preparing the rows…"

#: Which columns give way first on a narrow terminal (higher goes first).
_HIDE_FIRST = {"target": 3, "deployment": 2, "segment": 1}

#: The columns that give way when the natural widths do not fit, and the
#: least each keeps (the others always get their natural width).
_FLEX = {"customer": 16, "milestone": 14}

TABLE_COLUMNS = [
    VColumn(
        c.key,
        c.title,
        _FLEX.get(c.key, c.width),
        c.align,
        flex=c.key in _FLEX,
        priority=_HIDE_FIRST.get(c.key, 0),
    )
    for c in COLUMNS
]


class BadWord(Highlighter):
    """Marks the word of the filter box that is not understood (yet)."""

    def __init__(self) -> None:
        self.span: tuple[int, int] | None = None
        #: The mark, in the theme's colours (set by the screen).
        self.style = "bold underline"

    def highlight(self, text: Text) -> None:
        if self.span is not None and self.span[1] <= len(text):
            text.stylize(self.style, *self.span)


def row_cell(row: Row, key: str) -> Cell:
    """A row's text and style in one column: health in words and colour."""
    text = listing.cell_text(row, key)
    if key == "health":
        return text, HEALTH_STYLES[row.health]
    if key == "days" and row.elapsed is not None and row.elapsed > row.target:
        return text, BAD
    return text, None


#: The actions that refilter: a burst of their keys refilters once.
_REFILTERING = frozenset({"cycle_sort", "reverse_sort", "scope"})


@dataclass(frozen=True, slots=True)
class _Answer:
    """What the table is to show, as a sliced computation found it."""

    #: Positions into the rows (store order), in the order shown when
    #: nothing is filtered, the sort it is in, and those rows in that order.
    order: list[int]
    sort: tuple[str, bool]
    ordered: Sequence[Row]
    #: The positions shown (filtered and scoped), in that order, and their
    #: rows (views, see `slices.Picked`).
    at: list[int]
    rows: Sequence[Row]
    #: Where the cursor goes (None: the first row).
    cursor: int | None
    #: The filter, scope and `me` these rows are of.
    matched: _Filter


#: A filter, a scope and whom "mine" means.
_Filter = tuple[Query, Scope, str | None]


async def _turns() -> None:
    """Give the event loop `slices.TURNS` turns: what a key or a timer set
    going runs to its end between two slices of work (see `slices.TURNS`)."""
    for _ in range(slices.TURNS):
        await asyncio.sleep(0)


class ImplementationsScreen(ImplementationActions, PsScreen):
    """Filter with `/`, sort with `s`, scope with a/c/r/m/A, open with Enter."""

    MODE = "implementations"
    SUB_TITLE = "Implementations"
    #: The table, not the filter box (the first focusable widget): the box
    #: takes focus when the user means to filter (see `_filter_focused`).
    AUTO_FOCUS = "#table"
    #: Rows a step of sliced work handles at most (see core/slices.py).
    CHUNK: ClassVar[int] = slices.CHUNK

    BINDINGS = [
        # Priority: the app runs these before it reads the next key, so keys
        # typed right after `/` or esc land where the user expects.
        Binding("slash", "focus_filter", "Filter", id="impl.filter", priority=True),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="impl.clear", priority=True),
        Binding("s", "cycle_sort", "Sort", id="impl.sort"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="impl.reverse"),
        Binding("a", "scope('active')", "Active", show=False, id="impl.scope.active"),
        Binding("c", "scope('completed')", "Completed", show=False, id="impl.scope.completed"),
        Binding("r", "scope('at_risk')", "At risk", show=False, id="impl.scope.at_risk"),
        Binding("m", "scope('mine')", "Mine", show=False, id="impl.scope.mine"),
        Binding("A", "scope('all')", "All", show=False, id="impl.scope.all"),
        Binding("enter", "open_detail", "Detail", id="impl.detail"),
        Binding("V", "save_view", "Save view", show=False, id="impl.save_view"),
        Binding("E", "export", "Export", show=False, id="impl.export"),
        Binding("y", "copy_row", "Copy row", show=False, id="impl.copy_row"),
        Binding("Y", "copy_table", "Copy table", show=False, id="impl.copy_table"),
        *EDIT_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scope = Scope.ACTIVE
        self.sort_key, self.sort_reverse = DEFAULT_SORT
        self._portfolio: Portfolio | None = None
        #: Every row, in the store's order: what the fuzzy index, the sort
        #: ranks and filters speak of by position.
        self._rows: list[Row] = []
        #: The positions of every row in the order shown, the sort that
        #: order is in (the screen's `sort_key` may be ahead of it while a
        #: sort is under way), and the rows in that order.
        self._order: list[int] = []
        self._order_sort: tuple[str, bool] = DEFAULT_SORT
        self._sorted: Sequence[Row] = []
        #: An order and where each position stands in it (`listing.places`).
        self._places: tuple[list[int], list[int]] = ([], [])
        #: Built in slices once the rows are shown (see `_prepare`), or by
        #: the first work that needs them; none depends on the order shown.
        self._indexing: Sliced[FuzzyIndex] | None = None
        self._ranks: dict[str, Sliced[SortRanks]] = {}
        self._query = Query(free_text="")
        #: The rows on screen: filtered and scoped, in sort order, and
        #: their positions in `_rows`.
        self._shown: Sequence[Row] = []
        self._shown_at: list[int] = []
        #: The order `_shown_at` was picked from (an `_order`), if it was,
        #: and the filter they are of.
        self._shown_in: list[int] | None = None
        self._shown_for: _Filter | None = None
        self._bad_word = BadWord()
        #: The saved view last applied, named in the count line while the
        #: screen still shows it.
        self._view: View | None = None
        #: A big portfolio's rows are being made (see `show_portfolio`);
        #: meanwhile its first rows may be shown (`_show_preview`), and where
        #: the cursor was on them when they went.
        self._preparing = False
        self._preview_cursor: int | None = None
        #: A refilter is asked for and waits for the keys typed so far.
        self._refilter_due = False
        #: The row (position in `_rows`) the cursor is to stay on when it runs.
        self._keep: int | None = None
        #: The refilter (and sort) under way in slices, if any; each request
        #: counts up `_generation`, and an answer of an older one is dropped.
        self._job: Sliced[_Answer] | None = None
        self._generation = 0

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filter-bar"):
            yield FilterBox(
                placeholder="/ filter: text, seg:ent owner:louis health:at-risk phase:validation",
                id="filter",
                # `/` goes back to the query to add to it: nothing selected, so
                # the next key does not replace it (the cursor goes to the end).
                select_on_focus=False,
                highlighter=self._bad_word,
            )
            yield Static("", id="row-count", markup=False)
        yield Static("", id="filter-error")
        yield VirtualTable(TABLE_COLUMNS, row_cell, empty_text=NOT_LOADED, sortable=True, id="table")

    def on_mount(self) -> None:
        super().on_mount()
        self.table.set_sort(self.sort_key, self.sort_reverse)
        self.set_focus(self.table)
        from ps_tui.core.views import default_view

        view = default_view(host(self).settings.views)
        if view is not None:
            self.apply_view(view)

    @property
    def table(self) -> VirtualTable[Row]:
        return self.query_one("#table", VirtualTable)

    # -- data -----------------------------------------------------------------

    def show_portfolio(self, portfolio: Portfolio) -> None:
        self._bad_word.style = themed(self, f"bold underline {BAD}")
        previous, self._portfolio = self._portfolio, portfolio
        if previous is not None and portfolio.changed is not None and self._rows:
            self._update_rows(portfolio, portfolio.changed)
            return
        if TableStart.ready(portfolio) or len(portfolio.data.implementations) <= collector.BIG_COUNT:
            self._show_start(TableStart.of(portfolio))
            return
        # A big store's rows take a second or more: made in a thread (the
        # app starts it once the dashboard is drawn) while the screen is
        # served. The rows shown before, if any, go: they are out of date.
        self._preparing, self._preview_cursor = True, None
        self._rows, self._shown, self._shown_at, self._shown_in = [], [], [], None
        self._drop_preview()
        self._start_of(portfolio)

    @work(exclusive=True, group="listing", description="wait for the table's rows")
    async def _start_of(self, portfolio: Portfolio) -> None:
        with collector.paused(True):
            if self._previewable() and not TableStart.ready(portfolio):
                # The first rows in a sixth of the time (see TablePreview).
                preview = await asyncio.to_thread(TablePreview.of, portfolio)
                if portfolio is self._portfolio and self._previewable():
                    self._show_preview(preview)
            made = await asyncio.to_thread(TableStart.of, portfolio)
        if portfolio is self._portfolio:
            self._show_start(made)

    def _previewable(self) -> bool:
        """Whether the screen asks for what a `TablePreview` holds: the
        active implementations in the default sort, unfiltered."""
        return (
            self._preparing
            and self.scope is Scope.ACTIVE
            and (self.sort_key, self.sort_reverse) == DEFAULT_SORT
            and not self.query_one("#filter", Input).value.strip()
        )

    def _show_preview(self, preview: TablePreview) -> None:
        """Show a big portfolio's first rows while the rest are made: the
        cursor moves and a row opens; what needs every row (a filter, a sort,
        another scope) runs once they are made."""
        self.table.set_natural_widths(preview.widths)
        self._shown, self._shown_at, self._shown_in = preview.rows, preview.positions, None
        self.table.set_rows(preview.rows)
        self._show_count()

    def _drop_preview(self) -> None:
        """Show nothing until the rows are made: the screen now asks for other
        rows than the first ones on screen (which stay, if shown)."""
        if self._shown:
            self._preview_cursor = self._cursor_at()
        self._shown, self._shown_at, self._shown_in = [], [], None
        self.table.empty_text = PREPARING
        self.table.set_rows([])
        self._show_count()

    def _show_start(self, made: TableStart) -> None:
        """Show the rows of a new portfolio: in the default order at first,
        then (in slices, see `_answer`) in the screen's own sort."""
        keep = self._cursor_at()  # a position in the store's order (also in a preview)
        if keep is None:
            keep = self._preview_cursor
        self._preparing, self._preview_cursor = False, None
        rows = made.rows
        self.table.set_natural_widths(made.widths)
        self._rows = rows
        self._order, self._order_sort = made.order, DEFAULT_SORT
        self._places = (made.order, made.where)
        self._sorted = Picked(rows, self._order)
        self.table.set_sort(*self._order_sort)
        self._forget_prepared()
        self._query = self._parse(self.query_one("#filter", Input).value)
        self._refilter(keep_at=keep)
        # Now, not once the keys typed so far are read: new rows are not a
        # key's effect, and while a store loads the app settles slowly (its
        # progress keeps the screen busy). A key yet to be read refilters again.
        self._refilter_now()

    # -- work in slices (see core/slices.py) -------------------------------------

    def _forget_prepared(self) -> None:
        """The rows changed: what was built from them is of no use, and what
        the next key will likely need is built again once they are shown."""
        self._indexing = None
        self._ranks = {}
        self.call_after_refresh(self._prepare)

    def _index_job(self) -> Sliced[FuzzyIndex]:
        """The fuzzy index of `_rows`, built or under way. It is built from
        the rows in store order, so it answers in positions whatever the
        sort, and a sort keeps it."""
        if self._indexing is None:
            self._indexing = Sliced(FuzzyIndex.building(self._rows, self._chunk))
        return self._indexing

    @property
    def _index(self) -> FuzzyIndex | None:
        """The fuzzy index once it is built."""
        return self._indexing.value if self._indexing is not None and self._indexing.done else None

    def _ranks_job(self, key: str) -> Sliced[SortRanks]:
        """The sort ranks of `_rows` on column `key`, computed or under way."""
        job = self._ranks.get(key)
        if job is None:
            job = self._ranks[key] = Sliced(listing.sort_ranks(self._rows, key, self._chunk))
        return job

    def _prepare(self) -> None:
        """Build, in slices while nothing else runs, what the next keys
        will likely need: the fuzzy index, the ranks of the next sort."""
        wanted: list[Sliced[Any]] = [self._index_job(), self._ranks_job(self._next_sort_key())]
        if self._rows and not all(job.done for job in wanted):
            self._prepare_in_slices(wanted)

    @work(exclusive=True, group="prepare", description="prepare the next keys' work")
    async def _prepare_in_slices(self, wanted: Sequence[Sliced[Any]]) -> None:
        # What is built here lives as long as the rows: the collector is
        # kept out of it (see `ps_tui.collector`), or its passes over the
        # lists growing here stall the screen (130 ms at 1,000,000 rows).
        with collector.paused(self._big()):
            for job in wanted:
                while not job.done:
                    if self._job is not None:  # a refilter or sort goes first
                        await asyncio.sleep(slices.SLICE)
                        continue
                    job.run_for(slices.SLICE)
                    await _turns()

    @property
    def _chunk(self) -> int:
        return slices.chunk_for(len(self._rows), self.CHUNK)

    def _big(self) -> bool:
        return len(self._rows) > collector.BIG_COUNT

    def _update_rows(self, portfolio: Portfolio, changed: frozenset[str]) -> None:
        """Replace, add or drop the rows of `changed` where they stand: no rebuild."""
        data = portfolio.data
        keep = self._cursor_at()
        keep_id = self._rows[keep].id if keep is not None else None
        # A new list, not changed in place: the table may be showing this one.
        rows = list(self._rows)
        order = list(self._order)
        current = {impl.id: impl for impl in data.implementations if impl.id in changed}
        positions = {row.id: i for i, row in enumerate(rows) if row.id in changed}
        gone: set[int] = set()
        for impl_id in changed:
            impl = current.get(impl_id)
            position = positions.get(impl_id)
            if impl is None:
                if position is not None:
                    gone.add(position)
                continue
            row = listing.make_row(impl, portfolio.assessments[impl_id], data)
            if position is None:
                order.append(len(rows))
                rows.append(row)
            else:
                rows[position] = row
        if gone:
            moved = [-1] * len(rows)
            kept = [i for i in range(len(rows)) if i not in gone]
            for new, old in enumerate(kept):
                moved[old] = new
            rows = [rows[i] for i in kept]
            order = [moved[i] for i in order if moved[i] >= 0]
        self.table.set_natural_widths(listing.natural_widths(rows, data))
        self._rows, self._order = rows, order
        self._sorted = Picked(rows, order)
        self._forget_prepared()
        if keep_id is not None:
            keep = next((i for i, row in enumerate(rows) if row.id == keep_id), None)
        self._refilter(keep_at=keep)

    def _cursor_at(self) -> int | None:
        """The position in `_rows` of the row under the cursor."""
        cursor = self.table.cursor_row
        return self._shown_at[cursor] if 0 <= cursor < len(self._shown_at) else None

    def _cursor_id(self) -> str | None:
        cursor = self.table.cursor_row
        return self._shown[cursor].id if 0 <= cursor < len(self._shown) else None

    def _parse(self, text: str) -> Query:
        """The query the box's text stands for while it is typed: a word not
        understood (half typed, or wrong) is marked and leaves the filter as
        it was before that word (`core.query.read_typed`)."""
        error = self.query_one("#filter-error", Static)
        if self._portfolio is None:
            return Query(free_text="")
        typed = read_typed(text, self._portfolio.data)
        if typed.bad != self._bad_word.span:
            self._bad_word.span = typed.bad
            self.query_one("#filter", Input).refresh()
        if typed.problem:
            error.update(Text(f"⚠ {typed.problem} · filtering on: {typed.applied or 'nothing yet'}"))
            error.display = True
        else:
            error.display = False
        return typed.query

    def _refilter(self, keep_at: int | None = None) -> None:
        """Show the rows of the current filter, scope and sort, once the keys
        typed so far have had their effect: a burst of keys filters once,
        for its last text, not once per key. A refilter or sort still under
        way is dropped at once: its answer is out of date."""
        if self._portfolio is None or self._preparing:
            # The rows, once made, are shown with the filter of then.
            if self._preparing and self._shown and not self._previewable():
                self._drop_preview()
            return
        self._generation += 1
        self._job = None
        if keep_at is not None:
            self._keep = keep_at
        elif not self._refilter_due:
            self._keep = self._cursor_at()
        waiting, self._refilter_due = self._refilter_due, True
        if not self._keys_will_refilter():
            # Nothing typed after it changes the filter: it runs now, and one
            # frame shows the character typed with its rows (drawing the
            # character first cost a frame and the barrier rounds after it,
            # a third of a key at 100,000 rows). The keys typed next, if any,
            # are not the filter's (esc or enter left the box, then `j`):
            # they act on the rows of the new filter, so one that waited for
            # the keys of its burst runs now too.
            self._refilter_now()
        elif not waiting:
            host(self).when_keys_read(self._refilter_now)

    def _keys_will_refilter(self) -> bool:
        """Whether keys typed after the one being handled refilter again: any
        key while the filter box has the focus (a burst of typing filters
        once, for its last text), or a run of sort and scope keys."""
        # The focus as set, not `has_focus`: that follows once its events run.
        if self.focused is self.query_one("#filter", Input):
            return bool(host(self).keys_waiting())
        return self._only_refilters_waiting()

    def _only_refilters_waiting(self) -> bool:
        """Whether keys are waiting and each of them refilters too (a sort
        or a scope key): `s s s` typed at once sorts once, on the column
        the last one picks, not three times."""
        waiting = host(self).keys_waiting()
        bindings = self.active_bindings

        def refilters(key: str) -> bool:
            return key in bindings and bindings[key].binding.action.partition("(")[0] in _REFILTERING

        return bool(waiting) and all(map(refilters, waiting))

    def _refilter_now(self) -> None:
        """Run the refilter asked for, if it has not run yet: its first slice
        now, and the rest (if any) between the next keys and frames."""
        if not self._refilter_due:
            return
        self._refilter_due = False
        keep, self._keep = self._keep, None
        if self._portfolio is None:
            return
        self._generation += 1
        job = Sliced(self._answer(keep))
        # Past CHUNK_ROWS rows no key is done within the first slice: the
        # keys' own work and a frame go first.
        first = slices.FIRST_SLICE if len(self._rows) <= slices.CHUNK_ROWS else slices.SLICE
        if job.run_for(first):
            self._apply(job.value)
            return
        self._job = job
        self._finish(job, self._generation)

    @work(exclusive=True, group="refilter", description="finish a refilter")
    async def _finish(self, job: Sliced[_Answer], generation: int) -> None:
        with collector.paused(self._big()):  # as in `_prepare_in_slices`
            while generation == self._generation:
                await _turns()
                if generation == self._generation and job.run_for(slices.SLICE):
                    self._apply(job.value)
                    return

    def _answer(self, keep: int | None) -> Steps[_Answer]:
        """What to show for the current sort, filter and scope, in steps."""
        rows, order, ordered, sort = self._rows, self._order, self._sorted, self._order_sort
        shown_at, shown_in = self._shown_at, self._shown_in
        chunk = self._chunk
        wanted = (self.sort_key, self.sort_reverse)
        if wanted != sort:
            # Stable: rows that tie keep the order shown.
            ranks = yield from wait_for(self._ranks_job(self.sort_key))
            order = yield from listing.sorted_positions(order, ranks.of(self.sort_reverse), chunk)
            ordered = Picked(rows, order)
            sort = wanted
        query = self._query
        matched: _Filter = (query, self.scope, host(self).settings.me)
        if query.free_text and self._narrows(matched, order):
            narrowed = yield from self._narrowed(query.free_text, shown_at, chunk)
            cursor = None if keep is None else (yield from slices.index_steps(narrowed, keep, chunk))
            return _Answer(order, sort, ordered, narrowed, Picked(rows, narrowed), cursor, matched)
        if query.is_empty and self.scope is Scope.ALL:
            # Every row: no pass over them (a million positions listed
            # in one step would stall the screen).
            positions: Sequence[int] = order
        else:
            index = (yield from wait_for(self._index_job())) if query.free_text else None
            positions = yield from filtering(rows, query, index, chunk)
            positions = yield from listing.scoping(rows, positions, self.scope, host(self).settings.me, chunk)
        if len(positions) == len(rows):
            at, shown = order, ordered
        else:
            picked = None
            if shown_in is order and len(positions) <= len(shown_at) <= 3 * len(positions):
                # A narrower filter (one more letter typed): picked from
                # the rows shown, already in order, instead of sorted.
                picked = yield from listing.refined(shown_at, positions, chunk)
            if picked is None:
                where = yield from self._places_of(order, chunk)
                picked = yield from listing.in_order(order, where, positions, chunk)
            at, shown = picked, Picked(rows, picked)
        # Where `keep` stands now: None when filtered out, or scoped.
        cursor = None if keep is None else (yield from slices.index_steps(at, keep, chunk))
        return _Answer(order, sort, ordered, at, shown, cursor, matched)

    def _narrowed(self, text: str, shown_at: list[int], chunk: int) -> Steps[list[int]]:
        """Of the rows shown, in their order, those free text `text` finds,
        for a filter that narrows the one shown (see `_narrows`): they are
        of its tokens and scope already."""
        index = yield from wait_for(self._index_job())
        marks = yield from index.marking(text, chunk)
        if isinstance(marks, list):  # few rows, found as positions: flagged
            marks = yield from listing.marked(marks, len(self._rows), chunk)
        return (yield from listing.flagged(shown_at, marks, chunk))

    def _narrows(self, matched: _Filter, order: list[int]) -> bool:
        """Whether every row `matched` lets through is among those shown:
        they are in `order`, and of the same scope and tokens with free
        text the new one holds in order (see `core.query.narrows`)."""
        shown_for = self._shown_for
        if shown_for is None or self._shown_in is not order:
            return False
        query, scope, me = matched
        return (scope, me) == shown_for[1:] and narrows(query, shown_for[0])

    def _places_of(self, order: list[int], chunk: int) -> Steps[list[int]]:
        """Where each position stands in `order` (`listing.places`), kept
        for the next answer in the same order."""
        if self._places[0] is not order:
            self._places = (order, (yield from listing.places(order, chunk)))
        return self._places[1]

    def _apply(self, answer: _Answer) -> None:
        self._job = None
        if answer.order is not self._order:
            self._order, self._order_sort, self._sorted = answer.order, answer.sort, answer.ordered
            self.table.set_sort(*answer.sort)
            self.call_after_refresh(self._prepare)  # the ranks of the next sort
        self._shown_at, self._shown, self._shown_in = answer.at, answer.rows, answer.order
        self._shown_for = answer.matched
        self.table.empty_text = NO_MATCH if self._rows else EMPTY_STORE
        self.table.set_rows(answer.rows, cursor=answer.cursor if answer.cursor is not None else 0)
        self._show_count()

    def _show_count(self) -> None:
        if self._preparing:
            shown = f"{len(self._shown):,} {SCOPE_WORDS[Scope.ACTIVE]} · " if self._shown else ""
            total = len(self._portfolio.data.implementations) if self._portfolio is not None else 0
            self._set_count(f"{shown}preparing all {total:,}…")
            return
        total = len(self._rows)
        scope = SCOPE_WORDS[self.scope]
        if self.scope is Scope.MINE:
            me = host(self).settings.me
            scope = f"mine ({me})" if me else "mine (set `me` in config)"
        named = ""
        if self._view is not None and self.current_view(self._view.name) == self._view:
            named = f" · view {self._view.name}"
        self._set_count(f"{len(self._shown):,} / {total:,} · {scope}{named}")

    def _set_count(self, text: str) -> None:
        """Show `text` in the count line; the bar is laid out again only
        when its width changes (a layout draws the whole screen again)."""
        label = self.query_one("#row-count", Static)
        label.update(text, layout=cell_len(text) != cell_len(str(label.content)))

    # -- filter ---------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        query = self._parse(event.value)
        if query == self._query and self._shown:
            return  # set from code, and already applied (reveal, filter_to)
        self._query = query
        self._refilter()

    @on(events.DescendantFocus, "#filter")
    def _filter_focused(self) -> None:
        # Free text is likely next: its index is being built, or is.
        self._prepare()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)
        if self._refilter_due:
            self._refilter()  # the keys typed after enter act on its rows

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        box = self.query_one("#filter", Input)
        if action == "focus_filter":
            return self.focused is not box  # in the box, "/" is just a character
        if action == "clear_filter":
            return self.focused is box or bool(box.value)
        return True

    def action_focus_filter(self) -> None:
        # Focus now, not after a refresh: the next keys typed belong to the box.
        box = self.query_one("#filter", Input)
        self.set_focus(box)
        box.cursor_position = len(box.value)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        self.set_focus(self.table)

    # -- sort and scope ---------------------------------------------------------

    def _resort(self) -> None:
        """Sort as `sort_key` and `sort_reverse` now say, in slices: the rows
        shown change once it is done, the cursor on the same row."""
        self._refilter(keep_at=self._cursor_at())

    def _next_sort_key(self) -> str:
        """The column `s` sorts on next: the next one on screen (a column
        hidden for want of room would be sorted on with no header to show it)."""
        keys = [c.key for c in COLUMNS]
        shown = {c.key for c in self.table.columns}
        at = keys.index(self.sort_key)
        following = [keys[(at + step) % len(keys)] for step in range(1, len(keys) + 1)]
        return next((key for key in following if key in shown), self.sort_key)

    def action_cycle_sort(self) -> None:
        self.sort_key = self._next_sort_key()
        self.sort_reverse = False
        self._resort()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._resort()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = event.key, False
        self._resort()

    def filter_to(self, text: str, scope: Scope) -> None:
        """Show the rows matching filter `text` within `scope`."""
        self.scope = scope
        box = self.query_one("#filter", Input)
        box.value = text
        self._query = self._parse(text)
        # Asked by the app, not typed: no keys to wait for.
        self._refilter()
        self._refilter_now()
        self.set_focus(self.table)

    def apply_view(self, view: View) -> None:
        """Show a saved view: its filter, scope, sort and columns."""
        from ps_tui.core.views import ordered_columns

        keys = ordered_columns(view)
        self.table.set_columns([column for column in TABLE_COLUMNS if column.key in keys])
        if view.sort_key in keys:
            # Sorted with the filter, in the refilter `filter_to` asks for.
            self.sort_key, self.sort_reverse = view.sort_key, view.sort_reverse
        self._view = None
        self.filter_to(view.filter, view.listing_scope)
        self._view = self.current_view(view.name)
        self._show_count()

    def current_view(self, name: str) -> View:
        """What the screen shows now, as a view called `name`."""
        from ps_tui.core.views import View

        shown = [column.key for column in self.table.all_columns]
        everything = [column.key for column in TABLE_COLUMNS]
        return View(
            name=name,
            filter=self.query_one("#filter", Input).value.strip(),
            scope=self.scope.value,
            sort=("-" if self.sort_reverse else "") + self.sort_key,
            columns=[] if shown == everything else shown,
        )

    # -- export and copy: what is on screen ---------------------------------------

    def _shown_documents(self) -> list[RowDocument]:
        from ps_tui.core.documents import RowDocument

        portfolio = host(self).portfolio
        if portfolio is None:
            return []
        by_id, assessments = portfolio.by_id, portfolio.assessments
        return [RowDocument.of(row, by_id[row.id], assessments[row.id]) for row in self._shown]

    def _shown_columns(self) -> list[ReportColumn]:
        from ps_tui.core.export import columns_for

        return columns_for([column.key for column in self.table.columns])

    def action_export(self) -> None:
        from ps_tui.export_file import default_export_dir
        from ps_tui.screens.export_dialog import ExportScreen

        if not self._shown:
            self.notify("No rows to export", severity="warning", timeout=3)
            return
        documents, columns = self._shown_documents(), self._shown_columns()
        name = f"ps-tui-implementations-{host(self).today.isoformat()}.csv"
        what = f"the {len(documents):,} rows on screen"

        def chosen(answer: tuple[Path, str] | None) -> None:
            if answer is None:
                return
            from ps_tui.core.export import export_text

            portfolio = host(self).portfolio
            assert portfolio is not None
            path, kind = answer
            host(self).export(path, export_text(kind, documents, columns, portfolio.data), what)

        self.app.push_screen(ExportScreen(what, default_export_dir() / name), chosen)

    def action_copy_row(self) -> None:
        from ps_tui.core.export import row_line

        portfolio = host(self).portfolio
        row = self.table.cursor_row
        if portfolio is None or not self._shown or row >= len(self._shown):
            self.notify("No row to copy", severity="warning", timeout=3)
            return
        document = self._shown_documents()[row]
        self.app.copy_to_clipboard(row_line(document, self._shown_columns(), portfolio.data))
        self.notify(f"{document.id} {document.customer}", title="Row copied to the clipboard", timeout=3)

    def action_copy_table(self) -> None:
        from ps_tui.core.export import rows_markdown

        portfolio = host(self).portfolio
        if portfolio is None or not self._shown:
            self.notify("No rows to copy", severity="warning", timeout=3)
            return
        text = rows_markdown(self._shown_documents(), self._shown_columns(), portfolio.data)
        self.app.copy_to_clipboard(text)
        self.notify(
            f"{len(self._shown):,} rows as a Markdown table", title="Copied to the clipboard", timeout=3
        )

    def action_save_view(self) -> None:
        from ps_tui.screens.view_dialog import SaveViewScreen

        views = host(self).settings.views
        asked = SaveViewScreen(self.current_view(""), views)

        def saved(view: View | None) -> None:
            if view is not None:
                host(self).save_view(view)
                self._view = msgspec.structs.replace(view, default=False, key=None)
                self._show_count()

        self.app.push_screen(asked, saved)

    def reveal(self, impl_id: str) -> str:
        """Put the cursor on an implementation, clearing the filter or
        widening the scope to all if they hide it; says what it changed ("" for
        nothing)."""
        if self._pending is not None:  # an edit that landed while the form was open
            self._render_portfolio(self._pending)
        widened: list[str] = []
        position = next((i for i, row in enumerate(self._rows) if row.id == impl_id), None)
        if position is None:
            return ""
        row = self._rows[position]
        if not any(shown.id == impl_id for shown in self._shown):
            # The row alone: no need to wait for the index of every row.
            alone = [row]
            index = FuzzyIndex(alone) if self._query.free_text else None
            if not filter_rows(alone, self._query, index):
                self.query_one("#filter", Input).value = ""
                self._query = Query()
                widened.append("the filter hid it and is cleared")
            me = host(self).settings.me
            if not listing.scope_positions(alone, [0], self.scope, me):
                widened.append(
                    f"it is {row.status.label.lower()}, outside the {SCOPE_WORDS[self.scope]} scope: "
                    "showing all (a: active only)"
                )
                self.scope = Scope.ALL
        self._refilter(keep_at=position)
        self.set_focus(self.table)
        if not widened:
            return ""
        return f"{row.customer} ({impl_id}): " + "; ".join(widened)

    def _form_closed(self, saved: str | None) -> None:
        if saved is not None:
            widened = self.reveal(saved)
            if widened:
                self.notify(widened, timeout=8)

    def action_scope(self, scope: str) -> None:
        self.scope = Scope(scope)
        self._refilter(keep_at=self._cursor_at())

    # -- for the other screens ----------------------------------------------------

    def current(self) -> Implementation | None:
        return self.selected()

    @on(VirtualTable.RowActivated)
    def action_open_detail(self) -> None:
        impl = self.selected()
        if impl is not None:
            self.app.push_screen(DetailScreen(impl.id))

    def selected(self) -> Implementation | None:
        """The implementation under the cursor."""
        impl_id = self._cursor_id()
        if impl_id is None or self._portfolio is None:
            return None
        return self._portfolio.by_id.get(impl_id)
