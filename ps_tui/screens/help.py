"""The `?` help screen: every key binding of the screen it was opened from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    """Lists the (key, action) pairs of the current screen, then those that
    work everywhere; esc, q or ? closes it."""

    CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-box {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }

    #help-box DataTable {
        height: auto;
    }

    #help-title, #help-hint {
        padding: 0 0 1 0;
    }

    #help-hint {
        color: $text-muted;
        padding: 1 0 0 0;
    }

    .help-heading {
        color: $accent;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, here: list[tuple[str, str]], everywhere: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._sections = [(f"On {title}", here), ("Everywhere", everywhere)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]Keys: {self._title}[/b]", id="help-title")
            for heading, rows in self._sections:
                if not rows:
                    continue
                yield Static(heading, classes="help-heading")
                table: DataTable[str] = DataTable(cursor_type="none", show_cursor=False, show_header=False)
                table.add_columns("Key", "Action")
                for key, description in rows:
                    table.add_row(key, description)
                yield table
            yield Static("esc closes · ^p opens the command palette", id="help-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
