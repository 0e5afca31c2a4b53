"""Asked once, when the config names nobody and the store is a file ps-tui
writes: who is this? The history records who made each change."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ps_tui.screens.dialogs import DIALOG_CSS

#: The option that answers "not now".
LATER = "\x00later"


class WhoScreen(ModalScreen[str | None]):
    """Pick your name from the roster (enter), or not now (esc)."""

    CSS = (
        """
    WhoScreen { align: center middle; }
    WhoScreen OptionList { height: auto; max-height: 12; }
    """
        + DIALOG_CSS
    )

    BINDINGS = [Binding("escape", "later", "Not now", id="who.later")]

    def __init__(self, members: Sequence[str], config: str) -> None:
        super().__init__()
        self._members = members
        self._config = config

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                "Who are you? ps-tui records who makes each change (ps-tui history). "
                f"Your choice is saved as `me` in {self._config}.",
                classes="dialog-question",
            )
            yield OptionList(
                *(Option(name, id=name) for name in self._members),
                Option("Not now (esc): ask me next time", id=LATER),
                id="who",
            )

    def on_mount(self) -> None:
        self.query_one("#who", OptionList).focus()

    @on(OptionList.OptionSelected, "#who")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(None if chosen in (None, LATER) else chosen)

    def action_later(self) -> None:
        self.dismiss(None)
