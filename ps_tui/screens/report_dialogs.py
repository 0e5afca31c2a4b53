"""The Reports screen's questions: which implementation a customer's report
is of (a fuzzy pick from the loaded data), and which file an export goes to."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from ps_tui.core.offerings.customers import CustomerIndex, CustomerRecord
from ps_tui.core.reports.choice import format_of
from ps_tui.screens.dialogs import DIALOG_CSS

#: How many implementations the pick lists at once.
PICK_LIMIT = 8

#: The styles of both dialogs, read with the Reports screen's own when it
#: first opens. A screen with CSS of its own makes Textual restyle every
#: widget of the app the first time it opens, the preview's included (0.4 s
#: with a big report); these dialogs open over a full preview.
DIALOGS_CSS = (
    """
PickScreen, ReportExportScreen {
    align: center middle;
}

PickScreen .dialog {
    width: 70;
}

#pick-list {
    height: auto;
    max-height: 10;
    margin: 1 0 0 0;
}
"""
    + DIALOG_CSS
)


class PickScreen(ModalScreen[str | None]):
    """Type part of a customer's name or an implementation's id; the best
    matches are listed as you type (up and down choose, enter picks). The
    result is the implementation's id, None when closed."""

    #: What the help screen calls it.
    SUB_TITLE = "Pick an implementation"

    #: Styled by `DIALOGS_CSS`, which the Reports screen reads (see there).
    CSS = ""

    # Priority: the keys act on the list while the text box has the focus.
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
        Binding("enter", "pick", "Pick", id="pick.pick", priority=True),
        Binding("down", "move(1)", "Next match", id="pick.down", priority=True),
        Binding("up", "move(-1)", "Previous match", id="pick.up", priority=True),
    ]

    def __init__(self, index: CustomerIndex, first: Sequence[CustomerRecord]) -> None:
        """`index` finds implementations; `first` is listed before anything is typed."""
        super().__init__()
        self._index = index
        self._first = list(first)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "The customer's status report of which implementation? "
                "Type part of the customer's name or the id.",
                classes="dialog-question",
            )
            yield Input(placeholder="customer or id", id="pick-query")
            yield OptionList(id="pick-list")
            yield Static("", classes="field-error", id="pick-none")

    def on_mount(self) -> None:
        self._show(self._first)

    @on(Input.Changed, "#pick-query")
    def _typed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self._show(self._first)
            return
        self._show([match.record for match in self._index.search(text, limit=PICK_LIMIT)])

    def _show(self, records: Sequence[CustomerRecord]) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options([Option(record.name, id=record.source) for record in records])
        options.highlighted = 0 if records else None
        options.display = bool(records)
        self.query_one("#pick-none", Static).update("" if records else "No implementation matches.")

    def action_move(self, step: int) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.option_count:
            at = options.highlighted if options.highlighted is not None else -step
            options.highlighted = (at + step) % options.option_count

    def action_pick(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#pick-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportExportScreen(ModalScreen[str | None]):
    """Asks for the file to export to, pre-filled with a name for the
    report; the extension chooses the format. The result is the name as
    typed, None when cancelled."""

    #: What the help screen calls it.
    SUB_TITLE = "Export the report"

    #: Styled by `DIALOGS_CSS`, which the Reports screen reads.
    CSS = ""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "Export the report to which file? Its extension chooses the format: .md, .html or .json.",
                classes="dialog-question",
                markup=False,
            )
            yield Input(self._default, id="export-path")
            yield Static("", classes="field-error", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (enter)", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def _problem(self) -> str | None:
        name = self.query_one("#export-path", Input).value.strip()
        if not name:
            return "give a file name"
        if format_of(name) is None:
            return "end the name with .md, .html or .json"
        return None

    @on(Input.Changed, "#export-path")
    def _changed(self) -> None:
        problem = self._problem()
        self.query_one("#export-error", Static).update(problem or "")
        self.query_one("#ok", Button).disabled = problem is not None

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        if self._problem() is None:
            self.dismiss(self.query_one("#export-path", Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
