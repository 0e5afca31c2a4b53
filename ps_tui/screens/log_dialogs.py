"""The detail view's editors: one milestone (planned, actual, owner) and one
risk (text, severity, owner, mitigation, who may see it, opened, closed).

Each checks as the form does, as it is typed: a field that does not parse
is refused inline and keeps what was typed; the whole implementation is then checked by the
caller's `check` (the store's rules and the dates as they enter), whose
first problem is shown before anything is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ps_tui.core.model import Milestone, Risk, Severity
from ps_tui.core.parse import ParseError, parse_date
from ps_tui.screens.dialogs import DIALOG_CSS

#: Why a milestone or risk would be refused (None: it may be saved).
Check = Callable[[Any], str | None]

_EDITOR_CSS = (
    DIALOG_CSS
    + """
.dialog { width: 76; max-height: 100%; overflow-y: auto; }
.editor-fields { grid-size: 2; grid-columns: 22 1fr; grid-rows: 1; grid-gutter: 1 1; height: auto; }
.editor-label { color: $text-muted; text-align: right; width: 100%; }
.editor-fields Input, .editor-fields Select { width: 100%; }
#customer-visible { margin: 1 0 0 0; }
"""
)


def _date_or_none(text: str) -> dt.date | None:
    """A date typed in a box, or None for a blank one. Raises ParseError."""
    return parse_date(text) if text.strip() else None


class _Editor(ModalScreen[object]):
    """Shared frame: labelled inputs, an error line, OK / Cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="editor.cancel")]

    def __init__(self, title: str, check: Check, ok: str = "Save") -> None:
        super().__init__()
        self._title = title
        self._check = check
        self._ok_label = ok

    def build(self) -> object:
        """What the inputs describe; raises ValueError with the problem."""
        raise NotImplementedError

    def _try(self) -> object | None:
        error = self.query_one("#editor-error", Static)
        try:
            value = self.build()
        except ValueError as problem:
            error.update(str(problem))
            return None
        refused = self._check(value)
        error.update(refused or "")
        return None if refused else value

    @on(Input.Changed)
    def _typed(self) -> None:
        """Checked as typed, as the form is: the problem shows at once."""
        self._try()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self._try()
        if value is not None:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def buttons(self) -> ComposeResult:
        yield Static("", classes="field-error", id="editor-error")
        with Horizontal(classes="dialog-buttons"):
            yield Button(f"{self._ok_label} (enter)", variant="primary", id="ok", compact=True)
            yield Button("Cancel (esc)", id="cancel", compact=True)


def _member_select(members: Sequence[str], current: str | None, widget_id: str) -> Select[str]:
    options = [("nobody", ""), *((name, name) for name in members)]
    return Select(options, value=current or "", allow_blank=False, id=widget_id, compact=True)


class MilestoneScreen(_Editor):
    """One milestone's planned date, actual date and owner."""

    #: What the help screen calls it.
    SUB_TITLE = "Milestone"

    CSS = "MilestoneScreen { align: center middle; }\n" + _EDITOR_CSS

    def __init__(
        self, title: str, milestone: Milestone, members: Sequence[str], check: Check, ok: str = "Save"
    ) -> None:
        super().__init__(title, check, ok)
        self._milestone = milestone
        self._members = members

    def compose(self) -> ComposeResult:
        m = self._milestone
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-question")
            with Grid(classes="editor-fields"):
                yield Label("Planned", classes="editor-label")
                planned = m.planned.isoformat() if m.planned else ""
                yield Input(planned, placeholder="YYYY-MM-DD, blank: none", id="planned", compact=True)
                yield Label("Done on", classes="editor-label")
                actual = m.actual.isoformat() if m.actual else ""
                yield Input(actual, placeholder="YYYY-MM-DD, blank: not yet", id="actual", compact=True)
                yield Label("Owner", classes="editor-label")
                yield _member_select(self._members, m.owner, "owner")
            yield from self.buttons()

    def build(self) -> Milestone:
        values = {}
        for name in ("planned", "actual"):
            try:
                values[name] = _date_or_none(self.query_one(f"#{name}", Input).value)
            except ParseError as problem:
                raise ValueError(f"{'Planned' if name == 'planned' else 'Done on'}: {problem}") from None
        owner = self.query_one("#owner", Select).value
        return Milestone(
            key=self._milestone.key,
            planned=values["planned"],
            actual=values["actual"],
            owner=owner if isinstance(owner, str) and owner else None,
        )


class RiskScreen(_Editor):
    """One risk of the log: a new one (`risk` None) or an edit."""

    #: What the help screen calls it.
    SUB_TITLE = "Risk"

    CSS = "RiskScreen { align: center middle; }\n" + _EDITOR_CSS

    def __init__(
        self, title: str, risk: Risk | None, members: Sequence[str], today: dt.date, check: Check
    ) -> None:
        super().__init__(title, check)
        self._risk = risk
        self._members = members
        self._today = today

    def compose(self) -> ComposeResult:
        risk = self._risk
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-question")
            with Grid(classes="editor-fields"):
                yield Label("Risk", classes="editor-label")
                yield Input(
                    risk.text if risk else "", placeholder="what could go wrong", id="text", compact=True
                )
                yield Label("Severity", classes="editor-label")
                yield Select(
                    [(s.label, s.value) for s in Severity],
                    value=(risk.severity if risk else Severity.MEDIUM).value,
                    allow_blank=False,
                    id="severity",
                    compact=True,
                )
                yield Label("Owner", classes="editor-label")
                yield _member_select(self._members, risk.owner if risk else None, "owner")
                yield Label("Mitigation", classes="editor-label")
                mitigation = risk.mitigation if risk else ""
                yield Input(mitigation, placeholder="what is done about it", id="mitigation", compact=True)
                yield Label("Opened", classes="editor-label")
                opened = (risk.opened if risk else self._today).isoformat()
                yield Input(opened, placeholder="YYYY-MM-DD", id="opened", compact=True)
                yield Label("Closed", classes="editor-label")
                closed = risk.closed.isoformat() if risk and risk.closed else ""
                yield Input(closed, placeholder="YYYY-MM-DD, blank: open", id="closed", compact=True)
            yield Checkbox(
                "The customer may see it (their status report)",
                value=risk.customer_visible if risk else False,
                id="customer-visible",
                compact=True,
            )
            yield from self.buttons()

    def build(self) -> Risk:
        text = self.query_one("#text", Input).value.strip()
        if not text:
            raise ValueError("Risk: say what the risk is")
        try:
            opened = parse_date(self.query_one("#opened", Input).value)
        except ParseError as problem:
            raise ValueError(f"Opened: {problem}") from None
        try:
            closed = _date_or_none(self.query_one("#closed", Input).value)
        except ParseError as problem:
            raise ValueError(f"Closed: {problem}") from None
        owner = self.query_one("#owner", Select).value
        severity = self.query_one("#severity", Select).value
        return Risk(
            text=text,
            opened=opened,
            severity=Severity(severity) if isinstance(severity, str) else Severity.MEDIUM,
            closed=closed,
            owner=owner if isinstance(owner, str) and owner else None,
            mitigation=self.query_one("#mitigation", Input).value.strip(),
            customer_visible=self.query_one("#customer-visible", Checkbox).value,
        )
