"""Where to export the rows on screen: a path, whose extension says the
format; an existing file is replaced only after a yes."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ps_tui.core.export import FORMATS
from ps_tui.screens.dialogs import DIALOG_CSS, ConfirmScreen


class ExportScreen(ModalScreen["tuple[Path, str] | None"]):
    """Asks for the file; dismisses with (path, format) or None."""

    SUB_TITLE = "Export"

    CSS = (
        """
    ExportScreen {
        align: center middle;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, what: str, default: Path) -> None:
        super().__init__()
        self._what = what
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Export {self._what} to (.csv, .json or .md):", classes="dialog-question", markup=False
            )
            yield Input(str(self._default), id="export-path")
            yield Static("", classes="field-error", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export (enter)", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")

    def _checked(self) -> tuple[Path, str] | None:
        error = self.query_one("#export-error", Static)
        text = self.query_one("#export-path", Input).value.strip()
        problem = ""
        path = Path(text).expanduser() if text else None
        if path is None:
            problem = "give a file name"
        elif path.suffix.lower() not in FORMATS:
            problem = "end the name with .csv, .json or .md (that is the format)"
        elif not path.parent.is_dir():
            problem = f"no folder {path.parent}"
        elif path.is_dir():
            problem = "that is a folder: add a file name"
        error.update(problem)
        if problem or path is None:
            return None
        return path, FORMATS[path.suffix.lower()]

    @on(Input.Changed, "#export-path")
    def _changed(self) -> None:
        self.query_one("#ok", Button).disabled = self._checked() is None

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        chosen = self._checked()
        if chosen is None:
            return
        if not chosen[0].exists():
            self.dismiss(chosen)
            return

        def replace(yes: bool | None) -> None:
            if yes:
                self.dismiss(chosen)

        self.app.push_screen(ConfirmScreen(f"{chosen[0]} exists. Replace it?", yes="Replace"), replace)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
