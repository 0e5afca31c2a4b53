"""The offering matrix: segments as columns, offerings as rows, a cell cursor.

Presentation only: it draws the reference data it is given, highlights the
column of the segment the lookup decided, and reports cursor moves as
messages; what a pick means is the screen's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ps_tui.core.model import Offering, Segment

YES = "✓ yes"
NO = "✗ no"
_SEGMENT_KEYS = Binding.Group("Segment", compact=True)
_OFFERING_KEYS = Binding.Group("Offering", compact=True)


class OfferingMatrix(Widget, can_focus=True):
    """Which segment may buy which offering, as a grid of ✓ yes / ✗ no.

    `highlight` is the column of the answered segment. With focus, left/right
    move the cursor between segment columns (posting `SegmentPicked`) and
    up/down between offerings (posting `OfferingHighlighted`)."""

    DEFAULT_CSS = """
    OfferingMatrix {
        width: auto;
        height: auto;
        padding: 0 1;
    }
    OfferingMatrix > .offering-matrix--header {
        text-style: bold;
        color: $text-muted;
    }
    OfferingMatrix > .offering-matrix--yes {
        color: $text-success;
        text-style: bold;
    }
    OfferingMatrix > .offering-matrix--no {
        color: $text-error;
    }
    OfferingMatrix > .offering-matrix--column {
        background: $accent 20%;
    }
    OfferingMatrix > .offering-matrix--column-header {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    OfferingMatrix > .offering-matrix--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    OfferingMatrix > .offering-matrix--current-row {
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {
        "offering-matrix--header",
        "offering-matrix--yes",
        "offering-matrix--no",
        "offering-matrix--column",
        "offering-matrix--column-header",
        "offering-matrix--cursor",
        "offering-matrix--current-row",
    }

    BINDINGS = [
        Binding("left", "move_column(-1)", "Previous segment", id="matrix.left", group=_SEGMENT_KEYS),
        Binding("right", "move_column(1)", "Next segment", id="matrix.right", group=_SEGMENT_KEYS),
        Binding("up", "move_row(-1)", "Previous offering", id="matrix.up", group=_OFFERING_KEYS),
        Binding("down", "move_row(1)", "Next offering", id="matrix.down", group=_OFFERING_KEYS),
        Binding("home", "first_row", "First offering", id="matrix.home", show=False),
        Binding("end", "last_row", "Last offering", id="matrix.end", show=False),
    ]

    class SegmentPicked(Message):
        """The user moved to (or clicked) a segment column."""

        def __init__(self, segment_id: str) -> None:
            super().__init__()
            self.segment_id = segment_id

    class OfferingHighlighted(Message):
        """The cursor row changed (or the data did)."""

        def __init__(self, offering_id: str | None) -> None:
            super().__init__()
            self.offering_id = offering_id

    #: The segment id whose column is highlighted (the lookup's answer).
    highlight: reactive[str | None] = reactive(None)
    cursor_row: reactive[int] = reactive(0)
    cursor_column: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._segments: list[Segment] = []
        self._offerings: list[Offering] = []

    # -- data ------------------------------------------------------------------

    def set_data(self, segments: Sequence[Segment], offerings: Sequence[Offering]) -> None:
        self._segments = list(segments)
        self._offerings = list(offerings)
        self.cursor_row = min(self.cursor_row, max(len(self._offerings) - 1, 0))
        self.cursor_column = min(self.cursor_column, max(len(self._segments) - 1, 0))
        self.post_message(self.OfferingHighlighted(self.current_offering_id))
        self.refresh(layout=True)

    @property
    def current_offering_id(self) -> str | None:
        if 0 <= self.cursor_row < len(self._offerings):
            return self._offerings[self.cursor_row].id
        return None

    @property
    def current_segment_id(self) -> str | None:
        if 0 <= self.cursor_column < len(self._segments):
            return self._segments[self.cursor_column].id
        return None

    def watch_highlight(self, segment_id: str | None) -> None:
        # The cursor follows the answer, so focusing the matrix starts there.
        for index, segment in enumerate(self._segments):
            if segment.id == segment_id:
                self.cursor_column = index

    # -- keys and mouse ----------------------------------------------------------

    def action_move_column(self, step: int) -> None:
        if not self._segments:
            return
        column = max(0, min(len(self._segments) - 1, self.cursor_column + step))
        self._pick(column)

    def _pick(self, column: int) -> None:
        """Move to `column` and report it, unless it is already the answer."""
        segment_id = self._segments[column].id
        moved = column != self.cursor_column
        self.cursor_column = column
        if moved or segment_id != self.highlight:
            self.post_message(self.SegmentPicked(segment_id))

    def action_move_row(self, step: int) -> None:
        self._go_row(self.cursor_row + step)

    def action_first_row(self) -> None:
        self._go_row(0)

    def action_last_row(self) -> None:
        self._go_row(len(self._offerings) - 1)

    def _go_row(self, row: int) -> None:
        if not self._offerings:
            return
        row = max(0, min(len(self._offerings) - 1, row))
        if row != self.cursor_row:
            self.cursor_row = row
            self.post_message(self.OfferingHighlighted(self.current_offering_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y - 1
        if 0 <= row < len(self._offerings):
            self._go_row(row)
        start = self._name_width() + 1
        for index in range(len(self._segments)):
            width = self._column_width(index)
            if start <= offset.x < start + width:
                self._pick(index)
                break
            start += width

    def watch_cursor_row(self) -> None:
        self.refresh()

    def watch_cursor_column(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing -------------------------------------------------------------------

    def _name_width(self) -> int:
        return max([len("Offering"), *(len(o.name) for o in self._offerings)])

    def _column_width(self, index: int) -> int:
        return max(len(self._segments[index].name), len(YES)) + 2

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._name_width() + 1 + sum(self._column_width(i) for i in range(len(self._segments)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self._offerings)

    def render(self) -> Text:
        style = self.get_component_rich_style
        header, yes, no = (
            style("offering-matrix--header"),
            style("offering-matrix--yes"),
            style("offering-matrix--no"),
        )
        column, column_header = style("offering-matrix--column"), style("offering-matrix--column-header")
        cursor, current = style("offering-matrix--cursor"), style("offering-matrix--current-row")
        name_width = self._name_width()
        focused = self.has_focus
        text = Text(no_wrap=True, overflow="crop", end="")
        text.append("Offering".ljust(name_width + 1), header)
        for index, segment in enumerate(self._segments):
            width = self._column_width(index)
            lit = segment.id == self.highlight
            # Marked in words as well as colour, for monochrome terminals.
            label = f"▸{segment.name}◂" if lit else segment.name
            text.append(label.center(width), column_header if lit else header)
        for row, offering in enumerate(self._offerings):
            text.append("\n")
            on_row = focused and row == self.cursor_row
            text.append(offering.name.ljust(name_width + 1), current if on_row else Style())
            for index, segment in enumerate(self._segments):
                width = self._column_width(index)
                eligible = segment.id in offering.segments
                cell: Style = yes if eligible else no
                if segment.id == self.highlight:
                    cell = cell + column
                if on_row and index == self.cursor_column:
                    cell = cell + cursor
                text.append((YES if eligible else NO).center(width), cell)
        return text
