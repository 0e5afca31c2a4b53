"""Implementations: the live portfolio, filtered, sorted and edited.

The table is virtual, so 100,000 rows cost what 100 do. Rows are built once per
load; filtering and sorting work on positions; an edit replaces its row by key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from rich.highlighter import Highlighter
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ps_tui.core import listing
from ps_tui.core.listing import COLUMNS, DEFAULT_SORT, Row, Scope
from ps_tui.core.model import Implementation
from ps_tui.core.query import FuzzyIndex, Query, filter_rows, read_typed
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


class ImplementationsScreen(ImplementationActions, PsScreen):
    """Filter with `/`, sort with `s`, scope with a/c/r/m/A, open with Enter."""

    MODE = "implementations"
    SUB_TITLE = "Implementations"
    #: The table, not the filter box (the first focusable widget): the box
    #: takes focus when the user means to filter (see `_filter_focused`).
    AUTO_FOCUS = "#table"

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
        #: Every row, in the current sort order.
        self._sorted: list[Row] = []
        self._index: FuzzyIndex | None = None
        self._query = Query(free_text="")
        #: The rows on screen: filtered and scoped, in sort order.
        self._shown: list[Row] = []
        self._bad_word = BadWord()
        #: The saved view last applied, named in the count line while the
        #: screen still shows it.
        self._view: View | None = None
        #: A refilter is asked for and waits for the keys typed so far.
        self._refilter_due = False
        #: The row the cursor is to stay on when it runs.
        self._keep: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filter-bar"):
            yield Input(
                placeholder="/ filter: text, seg:ent owner:louis health:at-risk phase:validation",
                id="filter",
                # `/` goes back to the query to add to it: nothing selected, so
                # the next key does not replace it (the cursor goes to the end).
                select_on_focus=False,
                highlighter=self._bad_word,
            )
            yield Static("", id="row-count")
        yield Static("", id="filter-error")
        yield VirtualTable(TABLE_COLUMNS, row_cell, empty_text=NO_MATCH, sortable=True, id="table")

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
        if previous is not None and portfolio.changed is not None and self._sorted:
            self._update_rows(portfolio, portfolio.changed)
            return
        rows = listing.build_rows(portfolio)
        self.table.set_natural_widths(listing.natural_widths(rows, portfolio.data))
        self._sorted = listing.sort_rows(rows, self.sort_key, self.sort_reverse)
        self._index = None
        self._query = self._parse(self.query_one("#filter", Input).value)
        self._refilter()

    def _fuzzy_index(self) -> FuzzyIndex:
        """The index of the rows in their current order, built on first need.

        Only free text needs it, and it takes about 0.1 s at 100,000 rows,
        so it is not built with the rows (nor after each sort), which would
        hold up the keys pressed meanwhile: it is built once the filter box
        takes focus (see `_filter_focused`), or else by the first free text."""
        if self._index is None:
            self._index = FuzzyIndex(self._sorted)
        return self._index

    def _update_rows(self, portfolio: Portfolio, changed: frozenset[str]) -> None:
        """Replace, add or drop the rows of `changed` where they stand: no rebuild."""
        data = portfolio.data
        keep = self._cursor_id()
        # A new list, not changed in place: the table may be showing this one.
        rows = list(self._sorted)
        current = {impl.id: impl for impl in data.implementations if impl.id in changed}
        positions = {row.id: i for i, row in enumerate(rows) if row.id in changed}
        for impl_id in changed:
            impl = current.get(impl_id)
            position = positions.get(impl_id)
            if impl is None:
                if position is not None:
                    rows.pop(position)
                    positions = {row.id: i for i, row in enumerate(rows) if row.id in changed}
                continue
            row = listing.make_row(impl, portfolio.assessments[impl_id], data)
            if position is None:
                rows.append(row)
            else:
                rows[position] = row
        self.table.set_natural_widths(listing.natural_widths(rows, data))
        self._sorted = rows
        self._index = None
        self._refilter(keep_id=keep)

    def _cursor_id(self) -> str | None:
        table = self.table
        if 0 <= table.cursor_row < len(self._shown):
            return self._shown[table.cursor_row].id
        return None

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

    def _refilter(self, keep_id: str | None = None) -> None:
        """Show the rows of the current filter and scope, once the keys
        typed so far have had their effect: a burst of keys filters once,
        for its last text, not once per key."""
        if self._portfolio is None:
            return
        if keep_id is not None:
            self._keep = keep_id
        elif not self._refilter_due:
            self._keep = self._cursor_id()
        if not self._refilter_due:
            self._refilter_due = True
            host(self).when_keys_read(self._refilter_now)

    def _refilter_now(self) -> None:
        """Run the refilter asked for, if it has not run yet."""
        if not self._refilter_due:
            return
        self._refilter_due = False
        keep_id, self._keep = self._keep, None
        if self._portfolio is None:
            return
        me = host(self).settings.me
        index = self._fuzzy_index() if self._query.free_text else self._index
        rows = self._sorted
        positions = listing.scope_positions(rows, filter_rows(rows, self._query, index), self.scope, me)
        # Every row shown (no filter, scope all): the sorted list itself. A
        # copy would touch each of 100,000 rows, scattered over the heap.
        shown = rows if len(positions) == len(rows) else list(map(rows.__getitem__, positions))
        self._shown = shown
        self.table.empty_text = NO_MATCH if rows else EMPTY_STORE
        cursor = None
        if keep_id is not None:
            cursor = next((i for i, row in enumerate(shown) if row.id == keep_id), None)
        self.table.set_rows(shown, cursor=cursor if cursor is not None else 0)
        self._show_count()

    def _show_count(self) -> None:
        total = len(self._sorted)
        scope = SCOPE_WORDS[self.scope]
        if self.scope is Scope.MINE:
            me = host(self).settings.me
            scope = f"mine ({me})" if me else "mine (set `me` in config)"
        named = ""
        if self._view is not None and self.current_view(self._view.name) == self._view:
            named = f" · view {self._view.name}"
        self.query_one("#row-count", Static).update(f"{len(self._shown):,} / {total:,} · {scope}{named}")

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
        # Free text is likely next: have its index ready, once the box is
        # drawn with the focus (keys typed meanwhile wait for it).
        self.call_after_refresh(self._fuzzy_index)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)

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
        keep = self._cursor_id()
        self._sorted = listing.sort_rows(self._sorted, self.sort_key, self.sort_reverse)
        self._index = None
        self.table.set_sort(self.sort_key, self.sort_reverse)
        self._refilter(keep_id=keep)

    def action_cycle_sort(self) -> None:
        # The next column on screen: a column hidden for want of room would
        # be sorted on with no header to show it.
        keys = [c.key for c in COLUMNS]
        shown = {c.key for c in self.table.columns}
        at = keys.index(self.sort_key)
        following = [keys[(at + step) % len(keys)] for step in range(1, len(keys) + 1)]
        self.sort_key = next(key for key in following if key in shown)
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
            self.sort_key, self.sort_reverse = view.sort_key, view.sort_reverse
            self._sorted = listing.sort_rows(self._sorted, self.sort_key, self.sort_reverse)
            self._index = None
            self.table.set_sort(self.sort_key, self.sort_reverse)
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
        position = next((i for i, row in enumerate(self._sorted) if row.id == impl_id), None)
        if position is None:
            return ""
        row = self._sorted[position]
        if not any(shown.id == impl_id for shown in self._shown):
            index = self._fuzzy_index() if self._query.free_text else self._index
            if position not in filter_rows(self._sorted, self._query, index):
                self.query_one("#filter", Input).value = ""
                self._query = Query()
                widened.append("the filter hid it and is cleared")
            me = host(self).settings.me
            if not listing.scope_positions(self._sorted, [position], self.scope, me):
                widened.append(
                    f"it is {row.status.label.lower()}, outside the {SCOPE_WORDS[self.scope]} scope: "
                    "showing all (a: active only)"
                )
                self.scope = Scope.ALL
        self._refilter(keep_id=impl_id)
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
        self._refilter(keep_id=self._cursor_id())

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
