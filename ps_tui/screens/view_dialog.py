"""Save what the Implementations screen shows as a named view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from ps_tui.screens.dialogs import DIALOG_CSS

if TYPE_CHECKING:
    from ps_tui.core.views import View


class SaveViewScreen(ModalScreen["View | None"]):
    """Asks the name of the view (and whether the screen opens in it);
    dismisses with the view to save, or None."""

    SUB_TITLE = "Save view"

    CSS = (
        """
    SaveViewScreen {
        align: center middle;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="view.cancel")]

    def __init__(self, shown: View, saved: Sequence[View]) -> None:
        """`shown`: the screen's filter, scope, sort and columns; `saved`:
        the views already in the config."""
        super().__init__()
        self._shown = shown
        self._taken = {view.name.casefold() for view in saved}
        self._default = next((view.name for view in saved if view.default), None)

    def compose(self) -> ComposeResult:
        shown = self._shown
        what = f"filter {shown.filter!r}, " if shown.filter else ""
        with Vertical(classes="dialog"):
            yield Static(
                f"Save this view ({what}scope {shown.scope}, sort {shown.sort}) in the config as:",
                classes="dialog-question",
                markup=False,
            )
            yield Input(placeholder="a name, e.g. My enterprise risks", id="view-name", max_length=60)
            yield Static("", classes="field-error", id="view-error")
            if self._default is None:
                yield Checkbox("Open Implementations in this view", id="view-default")
            else:
                # One default: changing it is an edit of the other view's table.
                yield Static(f"({self._default} is the view Implementations opens in)", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (enter)", variant="primary", id="ok", disabled=True)
                yield Button("Cancel (esc)", id="cancel")

    def _checked(self) -> View | None:
        from ps_tui.core.views import View

        error = self.query_one("#view-error", Static)
        name = self.query_one("#view-name", Input).value.strip()
        problem = ""
        if not name:
            problem = "give it a name"
        elif name.casefold() in self._taken:
            problem = "a view of that name exists: choose another (or edit the config)"
        elif any(ord(char) < 32 or ord(char) == 127 for char in name):
            problem = "no control characters"
        error.update(problem)
        if problem:
            return None
        default = self._default is None and self.query_one("#view-default", Checkbox).value
        try:
            return msgspec.convert(
                {**msgspec.structs.asdict(self._shown), "name": name, "default": default}, View
            )
        except msgspec.ValidationError as invalid:
            error.update(str(invalid))
            return None

    @on(Input.Changed, "#view-name")
    def _changed(self) -> None:
        self.query_one("#ok", Button).disabled = self._checked() is None

    @on(Input.Submitted, "#view-name")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        view = self._checked()
        if view is not None:
            self.dismiss(view)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
