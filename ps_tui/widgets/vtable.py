"""A virtual table: renders only the rows on screen, so 100,000 rows cost what 100 do.

Textual's stock DataTable measures every cell when rows are added; this widget
holds a sequence of row objects and a function that turns a row and a column
into text, and draws the visible lines on demand (the line API).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from ps_tui.widgets.steady_scrollbar import SteadyScrollBar
from ps_tui.widgets.tones import themed

RowT = TypeVar("RowT")

#: A cell's text and an optional Rich style string for it.
Cell = tuple[str, str | None]


@dataclass(frozen=True)
class VColumn:
    """A column: `width` is its width in cells until the owner says how wide
    its content is (`VirtualTable.set_natural_widths`). A `flex` column gives
    way, down to `width`, when the natural widths do not fit; the first one
    takes whatever width is left over when they do."""

    key: str
    title: str
    width: int
    align: Literal["left", "right"] = "left"
    flex: bool = False
    #: 0 always shows; when the table is too narrow, columns with the highest
    #: priority numbers are hidden first.
    priority: int = 0


#: What a sorted column's header adds to its title: " ▲" or " ▼".
SORT_MARK = 2


def column_widths(
    columns: Sequence[VColumn], natural: dict[str, int], available: int, sortable: bool = False
) -> tuple[list[VColumn], list[int]]:
    """The columns that fit in `available` cells and their widths.

    Each column first gets its natural width (`natural`, else its `width`),
    never less than its header with room for the sort mark when the table
    sorts. When that is too wide, the flex columns shrink towards their
    `width`, each in proportion to how much it has to give; when even that
    is too wide, the columns with the highest priority numbers are hidden.
    What is left over goes to the first flex column. One space stands
    before each column."""

    def header(column: VColumn) -> int:
        return cell_len(column.title) + (SORT_MARK if sortable else 0)

    def least(column: VColumn) -> int:
        if column.flex:
            return max(column.width, header(column))
        return wanted(column)

    def wanted(column: VColumn) -> int:
        return max(natural.get(column.key, column.width), header(column))

    shown = list(columns)
    for priority in sorted({c.priority for c in shown if c.priority}, reverse=True):
        if sum(least(c) + 1 for c in shown) <= available:
            break
        shown = [c for c in shown if c.priority != priority]
    widths = [wanted(c) for c in shown]
    spare = available - sum(widths) - len(widths)
    flexible = [i for i, c in enumerate(shown) if c.flex]
    if spare > 0 and flexible:
        widths[flexible[0]] += spare
    elif spare < 0 and flexible:
        slack = {i: widths[i] - least(shown[i]) for i in flexible}
        total = sum(slack.values())
        cut = min(-spare, total)
        given = 0
        for n, i in enumerate(flexible):
            share = cut - given if n == len(flexible) - 1 else cut * slack[i] // total if total else 0
            widths[i] -= share
            given += share
    return shown, widths


def fit(text: str, width: int, align: str = "left") -> str:
    """Pad or cut `text` to exactly `width` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():
        # One cell a character: no width to measure (most cells, and a
        # third of the time of drawing a row).
        if len(text) > width:
            return text[: width - 1] + "…"
        return text.rjust(width) if align == "right" else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    if align == "right":
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


@dataclass(frozen=True, slots=True)
class _Frame:
    """What drawing a line of a table reads, read once for a frame."""

    scroll_x: int
    scroll_y: int
    #: The width of the lines drawn, in cells.
    width: int
    #: The table's own style, and the cursor's and the zebra's on top of it.
    base: Style
    cursor: Style
    zebra: Style
    #: A row's width in cells, its columns and the space before each.
    row_length: int
    #: (style text, on the cursor) -> the style of a cell: filled as drawn.
    cell_styles: dict[tuple[str, bool], Style]


class VirtualTable(ScrollView, Generic[RowT], can_focus=True):
    """A read-only table of `rows`, drawn line by line.

    The owner sets rows with `set_rows` (cheap: nothing is measured) and says
    how to draw a cell with `cell`. A sticky header shows the columns and the
    sort; the cursor row is highlighted."""

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
    }
    VirtualTable > .vtable--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    VirtualTable > .vtable--cursor {
        background: $block-cursor-blurred-background;
    }
    VirtualTable:focus > .vtable--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    VirtualTable > .vtable--zebra {
        background: $surface-lighten-1;
    }
    VirtualTable > .vtable--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--zebra",
        "vtable--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class _Event(Message):
        """A message about this table; `control` names it for @on selectors."""

        def __init__(self, table: VirtualTable[Any]) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class CursorMoved(_Event):
        """The cursor is on another row (or the rows changed under it)."""

        def __init__(self, table: VirtualTable[Any], index: int) -> None:
            super().__init__(table)
            self.index = index

    class RowActivated(_Event):
        """A double click on a row. Enter is left to the owner's bindings: a
        key handled here would still bubble up to them, and act twice."""

        def __init__(self, table: VirtualTable[Any], index: int) -> None:
            super().__init__(table)
            self.index = index

    class HeaderClicked(_Event):
        """A column header was clicked."""

        def __init__(self, table: VirtualTable[Any], key: str) -> None:
            super().__init__(table)
            self.key = key

    def __init__(
        self,
        columns: Sequence[VColumn],
        cell: Callable[[RowT, str], Cell],
        *,
        empty_text: str = "No rows",
        sortable: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.all_columns = list(columns)
        self.columns = list(columns)
        self._cell = cell
        self._rows: Sequence[RowT] = ()
        self._widths: list[int] = [c.width for c in self.columns]
        self._natural: dict[str, int] = {}
        #: Whether a header may carry the sort mark (its room is kept).
        self.sortable = sortable
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.empty_text = empty_text
        #: What the frame being drawn reads (see `render_lines`).
        self._frame: _Frame | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, made as Textual makes it but of the kind
        that draws again only when its lines change (a filter key at
        100,000 rows gives a thumb like the last one)."""
        if self._vertical_scrollbar is None:
            bar = SteadyScrollBar(vertical=True, name="vertical", thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # -- data -----------------------------------------------------------------

    @property
    def rows(self) -> Sequence[RowT]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def set_rows(self, rows: Sequence[RowT], cursor: int | None = None) -> None:
        """Show `rows` (kept by reference, not copied or measured); the cursor
        moves to `cursor` or stays at its index, clamped."""
        self._rows = rows
        self._update_virtual_size()
        target = self.cursor_row if cursor is None else cursor
        self.cursor_row = max(0, min(target, len(rows) - 1))
        self.refresh()

    def refresh_row(self, index: int) -> None:
        """Redraw one row after its object changed in place."""
        y = index - round(self.scroll_offset.y) + 1
        if 0 < y < self.size.height:
            self.refresh_line(y)

    def set_natural_widths(self, natural: dict[str, int]) -> None:
        """How wide each column's content is at most, in cells (a column
        not named keeps its `width`)."""
        if natural != self._natural:
            self._natural = dict(natural)
            self._update_virtual_size()
            self.refresh()

    def set_columns(self, columns: Sequence[VColumn]) -> None:
        """Show only these columns (in this order), as far as they fit."""
        self.all_columns = list(columns)
        self._update_virtual_size()
        self.refresh()

    def set_sort(self, key: str | None, reverse: bool) -> None:
        """Mark the sorted column in the header (sorting is the owner's job)."""
        self.sort_key, self.sort_reverse = key, reverse
        self.refresh_line(0)

    # -- layout ---------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        self.columns, self._widths = column_widths(
            self.all_columns, self._natural, self._available_width(), self.sortable
        )
        size = Size(sum(self._widths) + len(self._widths), len(self._rows) + 1)
        if self._only_taller_or_shorter(size):
            # Another count of rows, all still past the bottom: nothing moves
            # on the screen but the scrollbar's thumb. A new virtual size
            # lays out (and draws) the whole screen again, which at 100,000
            # rows was a third of the frame a filter key waits for.
            self.set_reactive(VirtualTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.scroll_y = self.scroll_y  # kept within the new height
            return
        self.virtual_size = size

    def _only_taller_or_shorter(self, size: Size) -> bool:
        """Whether `size` differs from the virtual size only in height, with
        the vertical scrollbar shown before and after, so that no layout
        depends on the change."""
        old = self.virtual_size
        view = self.container_size.height - self.scrollbar_size_horizontal
        return (
            size != old
            and size.width == old.width
            and self.styles.overflow_y == "auto"
            and self.show_vertical_scrollbar
            and min(size.height, old.height) > view > 0
        )

    def _available_width(self) -> int:
        """The width the columns may fill: the widget's, less the vertical
        scrollbar when the rows will need one. Measured from the rows, not
        from whether the bar shows now: it appears only after the virtual
        size is set, and columns laid out before it would be wider than
        the room it leaves, which scrolls sideways."""
        width = self.size.width - self.styles.gutter.width
        overflow = self.styles.overflow_y
        rows_height = len(self._rows) + 1
        if overflow == "scroll" or (
            overflow == "auto" and rows_height > self.size.height - self.styles.gutter.height
        ):
            width -= self.styles.scrollbar_size_vertical
        return max(0, width)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    # -- drawing --------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line reads is read once a frame, not once a line:
        # `rich_style` walks every ancestor's styles (it was half the cost
        # of drawing a row), the scroll offset and content region are
        # reactive reads, and a styled cell's style is parsed once.
        self._frame = self._read_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _now(self) -> _Frame:
        """What the frame being drawn reads (outside a frame: read now)."""
        return self._frame if self._frame is not None else self._read_frame()

    def _read_frame(self) -> _Frame:
        scroll_x, scroll_y = self.scroll_offset
        return _Frame(
            scroll_x,
            scroll_y,
            self.scrollable_content_region.width,
            self.rich_style,
            self.get_component_rich_style("vtable--cursor"),
            self.get_component_rich_style("vtable--zebra"),
            sum(self._widths) + len(self._widths),
            {},
        )

    def render_line(self, y: int) -> Strip:
        frame = self._now()
        width, base = frame.width, frame.base
        if y == 0:
            strip = self._header_strip()
        else:
            index = frame.scroll_y + y - 1
            if not self._rows and y == 1:
                style = self.get_component_rich_style("vtable--empty")
                strip = Strip([Segment(fit(f" {self.empty_text}", self.virtual_size.width), style)])
            elif 0 <= index < len(self._rows):
                strip = self._row_strip(index)
            else:
                strip = Strip.blank(self.virtual_size.width, base)
        return strip.crop(frame.scroll_x, frame.scroll_x + width).extend_cell_length(width, base)

    def _header_strip(self) -> Strip:
        style = self.get_component_rich_style("vtable--header")
        titles = []
        for column, width in zip(self.columns, self._widths, strict=True):
            title = column.title
            if column.key == self.sort_key:
                title = f"{title} {'▼' if self.sort_reverse else '▲'}"
            titles.append(" " + fit(title, width, column.align))
        return Strip([Segment("".join(titles), style)])

    def _row_strip(self, index: int) -> Strip:
        row = self._rows[index]
        frame = self._now()
        cursor = index == self.cursor_row
        base = frame.base
        if cursor:
            base = base + frame.cursor
        elif index % 2:
            base = base + frame.zebra
        # Cells of one style go in one segment: every segment costs again
        # in each pass Textual makes over the line (crop, filters, output).
        segments: list[Segment] = []
        texts: list[str] = []
        current = base
        styles = frame.cell_styles
        for column, width in zip(self.columns, self._widths, strict=True):
            text, style = self._cell(row, column.key)
            cell_style = base
            if style:
                parsed = styles.get((style, cursor))
                if parsed is None:
                    parsed = Style.parse(themed(self, style))
                    # On the cursor's bar a cell keeps its weight but not its
                    # colour, which may not read on the bar (its words say it).
                    if cursor:
                        parsed = Style(bold=parsed.bold, underline=parsed.underline)
                    styles[style, cursor] = parsed
                cell_style = base + parsed
            if current is not base:
                segments.append(Segment("".join(texts), current))
                texts, current = [], base
            texts.append(" ")
            if cell_style is not current:
                segments.append(Segment("".join(texts), current))
                texts, current = [], cell_style
            texts.append(fit(text, width, column.align))
        segments.append(Segment("".join(texts), current))
        return Strip(segments, frame.row_length)

    # -- cursor ---------------------------------------------------------------

    @property
    def _page(self) -> int:
        """The rows one screenful shows: of the table's own height, or, for a
        table as tall as its rows in a scrolling container, of the part the
        container shows."""
        height = self.scrollable_content_region.height
        outer = self._scrolling_parent()
        if outer is not None:
            height = min(height, outer.scrollable_content_region.height)
        return max(1, height - 1)

    def _scrolling_parent(self) -> Widget | None:
        parent = self.parent
        if isinstance(parent, Widget) and parent.is_scrollable and parent.allow_vertical_scroll:
            return parent
        return None

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_row(old)
        self.refresh_row(new)
        self._scroll_cursor_into_view()
        self.post_message(self.CursorMoved(self, new))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        page = max(1, self.scrollable_content_region.height - 1)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + page:
            self.scroll_to(y=self.cursor_row - page + 1, animate=False)
        self._reveal_cursor_in_parent(self.cursor_row - round(self.scroll_y) + 1)

    def _reveal_cursor_in_parent(self, line: int) -> None:
        """A table as tall as its rows scrolls with its container: have the
        container show the cursor's line (`line` in the table), with the
        header when the cursor is on the first row."""
        outer = self._scrolling_parent()
        if outer is None or not self.region:
            return
        box = self.virtual_region
        top = box.y + (0 if line <= 1 else line)
        outer.scroll_to_region(
            Region(box.x, top, box.width, box.y + line + 1 - top), animate=False, immediate=True
        )

    def _move(self, delta: int) -> None:
        if self._rows:
            self.cursor_row = max(0, min(len(self._rows) - 1, self.cursor_row + delta))

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-self._page)

    def action_page_down(self) -> None:
        self._move(self._page)

    def action_first(self) -> None:
        self._move(-len(self._rows))

    def action_last(self) -> None:
        self._move(len(self._rows))

    # -- mouse ----------------------------------------------------------------

    def column_x(self, key: str) -> int | None:
        """Where column `key` starts, in cells from the table's left edge."""
        x = 0
        for column, width in zip(self.columns, self._widths, strict=True):
            if column.key == key:
                return x - round(self.scroll_offset.x)
            x += width + 1
        return None

    def _column_at(self, x: int) -> str | None:
        position = x + round(self.scroll_offset.x)
        for column, width in zip(self.columns, self._widths, strict=True):
            if position < width + 1:
                return column.key
            position -= width + 1
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key is not None:
                self.post_message(self.HeaderClicked(self, key))
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor_row and event.chain > 1:
                self.post_message(self.RowActivated(self, index))
            self.cursor_row = index
