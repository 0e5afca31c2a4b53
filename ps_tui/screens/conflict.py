"""The choice after a version conflict on a shared server: both versions side
by side, then keep theirs (reload) or overwrite with mine."""

from __future__ import annotations

from typing import Literal

import msgspec
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from ps_tui.core.model import Implementation
from ps_tui.screens.dialogs import DIALOG_CSS

Choice = Literal["theirs", "mine", "cancel"]


def differences(mine: Implementation, theirs: Implementation) -> list[tuple[str, str, str]]:
    """(field, mine, theirs) for every top-level field that differs."""
    a, b = msgspec.to_builtins(mine), msgspec.to_builtins(theirs)
    out = []
    for name in Implementation.__struct_fields__:
        left, right = a.get(name), b.get(name)
        if left != right:
            out.append((name, _short(left), _short(right)))
    return out


def _short(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


class ConflictScreen(ModalScreen[Choice]):
    """Shows what differs between the user's edit and the server's version."""

    #: What the help screen calls it.
    SUB_TITLE = "Conflict"

    CSS = (
        """
    ConflictScreen {
        align: center middle;
    }

    #conflict-box {
        width: 90;
    }

    #conflict-diff {
        height: auto;
        max-height: 12;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("m", "choose('mine')", "Overwrite with mine", id="conflict.mine"),
        Binding("escape", "choose('cancel')", "Back to my edit", id="conflict.cancel"),
    ]

    def __init__(self, mine: Implementation, theirs: Implementation) -> None:
        super().__init__()
        self.mine = mine
        self.theirs = theirs

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="conflict-box"):
            yield Static(
                Text.assemble(
                    ("Someone else changed ", "bold"),
                    (self.theirs.customer, "bold"),
                    (" while you were editing.", "bold"),
                    "\nNothing was saved. Keep their version, or overwrite it with yours.",
                ),
                classes="dialog-question",
            )
            table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True, id="conflict-diff")
            table.add_columns("Field", "Yours", "Theirs")
            for name, mine, theirs in differences(self.mine, self.theirs):
                table.add_row(name, mine, theirs)
            yield table
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep theirs (t)", id="theirs")
                yield Button("Overwrite with mine (m)", variant="error", id="mine")
                yield Button("Back (esc)", id="cancel")

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = event.button.id
        if choice in ("theirs", "mine", "cancel"):
            self.dismiss(choice)  # type: ignore[arg-type]
