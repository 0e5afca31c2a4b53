"""Small modal questions: yes/no, and a date with a default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.button import ButtonVariant

from ps_tui.core.parse import ParseError, parse_date

#: The frame every dialog shares (its screens add it to their own `CSS`).
DIALOG_CSS = """
.dialog {
    width: 60;
    max-width: 100%;
    height: auto;
    border: thick $accent;
    background: $surface;
    padding: 1 2;
}

.dialog-question {
    padding: 0 0 1 0;
}

.dialog-buttons {
    height: auto;
    align-horizontal: right;
    padding: 1 0 0 0;
}

.dialog-buttons Button {
    margin: 0 0 0 1;
}

.field-error {
    color: $text-error;
    height: auto;
}
"""


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; y or Enter on Yes confirms, n or Esc declines."""

    #: What the help screen calls it.
    SUB_TITLE = "Question"

    CSS = (
        """
    ConfirmScreen {
        align: center middle;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", variant: ButtonVariant = "error"
    ) -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no
        self._variant = variant

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._question, classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", variant=self._variant, id="yes")
                yield Button(f"{self._no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class DateScreen(ModalScreen[dt.date | None]):
    """Asks for a date (YYYY-MM-DD), pre-filled; rejects bad dates inline."""

    #: What the help screen calls it.
    SUB_TITLE = "Date"

    CSS = (
        """
    DateScreen {
        align: center middle;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="date.cancel")]

    def __init__(
        self,
        question: str,
        default: dt.date,
        *,
        not_before: dt.date | None = None,
        check: Callable[[dt.date], str | None] | None = None,
    ) -> None:
        """`check` returns why a date is refused (shown under it), or None."""
        super().__init__()
        self._question = question
        self._default = default
        self._not_before = not_before
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Static, not Label: a question longer than the box wraps
            # rather than being cut.
            yield Static(self._question, classes="dialog-question", markup=False)
            yield Input(self._default.isoformat(), placeholder="YYYY-MM-DD", id="date")
            yield Static("", classes="field-error", id="date-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK (enter)", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def _parsed(self) -> dt.date | None:
        error = self.query_one("#date-error", Static)
        try:
            value = parse_date(self.query_one("#date", Input).value)
        except ParseError as problem:
            error.update(str(problem))
            return None
        if self._not_before is not None and value < self._not_before:
            error.update(f"must not be before {self._not_before.isoformat()}")
            return None
        refused = self._check(value) if self._check is not None else None
        if refused:
            error.update(refused)
            return None
        error.update("")
        return value

    @on(Input.Changed, "#date")
    def _changed(self) -> None:
        self.query_one("#ok", Button).disabled = self._parsed() is None

    @on(Input.Submitted, "#date")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self._parsed()
        if value is not None:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
