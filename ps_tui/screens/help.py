"""The `?` (or F1) help screen: every key binding of the screen it was opened from."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def key_list(rows: list[tuple[str, str]]) -> Text:
    """(key, action) rows as two aligned columns of plain text."""
    width = max((cell_len(key) for key, _ in rows), default=0)
    text = Text()
    for n, (key, description) in enumerate(rows):
        if n:
            text.append("\n")
        text.append(f" {key}{' ' * (width - cell_len(key))}  ", style="bold")
        text.append(description)
    return text


class HelpScreen(ModalScreen[None]):
    """Lists the (key, action) pairs of the current screen, then those that
    work everywhere; esc, q, ? or F1 closes it.

    The lists are plain text in the one scrolling box: a table widget in it
    would scroll on its own, with a second scrollbar inside the box's."""

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

    .help-keys {
        padding: 0 0 1 0;
    }

    #help-title, #help-hint {
        padding: 0 0 1 0;
    }

    #help-hint {
        color: $text-muted;
        padding: 1 0 0 0;
    }

    .help-heading {
        color: $text-accent;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, here: list[tuple[str, str]], everywhere: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        #: (heading, [(key, action), ...]) in the order shown.
        self.sections = [(f"On {title}", here), ("Everywhere", everywhere)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(f"[b]Keys: {self._title}[/b]", id="help-title")
            for heading, rows in self.sections:
                if not rows:
                    continue
                yield Static(heading, classes="help-heading")
                yield Static(key_list(rows), classes="help-keys")
            yield Static(
                "esc or F1 closes · in a text box every printable key is typed (? and q too):"
                " esc leaves it · ^p opens the command palette",
                id="help-hint",
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
