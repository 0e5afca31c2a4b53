"""How far a long piece of work has come: a line of words and a bar.

The screens mount a `ProgressPanel` while the app's load is under way (the
app's `load_progress`), and the Reports screen while it makes a report;
nothing here does any work or IO, it only shows what it is given."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from ps_tui.store.base import LoadProgress


class ProgressPanel(Vertical):
    """A title, what is being done with its counts, and a bar: filled as far
    as the counts go, or sweeping while the total is not known."""

    DEFAULT_CSS = """
    ProgressPanel {
        height: auto;
        padding: 1 2;
    }
    ProgressPanel > .progress-title {
        text-style: bold;
    }
    ProgressPanel > .progress-words {
        color: $text-muted;
    }
    ProgressPanel > ProgressBar {
        margin-top: 1;
    }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        #: What to show: words, steps done, total steps (None: not known).
        self._shown: tuple[str, int, int | None] = ("", 0, None)
        self._composed = False

    def compose(self) -> ComposeResult:
        yield Static(self._title, classes="progress-title", markup=False)
        yield Static("", classes="progress-words", markup=False)
        # No ETA: a load's stages go at different speeds, so it would mislead.
        yield ProgressBar(total=None, show_eta=False)

    def on_mount(self) -> None:
        self._composed = True
        self._apply()

    def show(self, words: str, done: int, total: int | None) -> None:
        """Show `words` and a bar at `done` of `total` (now, or once mounted)."""
        self._shown = (words, done, total)
        if self._composed:
            self._apply()

    def _apply(self) -> None:
        words, done, total = self._shown
        lines, bars = self.query(".progress-words").results(Static), self.query(ProgressBar)
        line = next(lines, None)
        if line is None or not bars:
            # Removed before its mount ran (a load that ended in the frame
            # its panel came in): its children went with it.
            return
        line.update(words)
        bars.first().update(total=total, progress=done)

    def show_load(self, step: LoadProgress) -> None:
        """A load's step; a file's bytes read count as done, not as a bar."""
        total = None if step.unit == "bytes" and step.done < (step.total or 0) else step.total
        self.show(step.words, step.done, total)
