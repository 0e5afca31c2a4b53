"""How a long command is going, on one line of stderr rewritten in place,
when stderr is a terminal; nothing at all otherwise (a pipe, a file, a
script's capture), so what a script reads is never interleaved with it."""

from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO

from ps_tui.store.base import LoadProgress

#: Erase the line the cursor is on and go back to its start.
_ERASE = "\r\x1b[2K"


class TerminalProgress:
    """Says what `what` (the command) is doing, at most every `interval` seconds."""

    def __init__(self, what: str, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.what = what
        self.stream = sys.stderr if stream is None else stream
        self.live = self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def say(self, text: str, *, now: bool = False) -> None:
        """Show `text` in place of the last (`now`: whatever the time since)."""
        if not self.live:
            return
        moment = time.monotonic()
        if not now and moment - self._last < self.interval:
            return
        self._last = moment
        # One line, never wrapped: a wrapped line cannot be erased in place.
        width = max(self._columns() - 1, 10)
        line = f"{self.what}: {text}"
        if len(line) > width:
            line = line[: width - 1] + "…"
        self.stream.write(_ERASE + line)
        self.stream.flush()
        self._shown = True

    def _columns(self) -> int:
        """The width of the terminal the line goes to (stdout may be a pipe)."""
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
        return columns or shutil.get_terminal_size().columns

    def load(self, step: LoadProgress) -> None:
        """A store's load or write, as the TUI words it (the first and last step at once)."""
        self.say(f"the store · {step.words}", now=step.done in (0, step.total))

    def clear(self) -> None:
        """Erase the line, before the command prints anything else."""
        if self._shown:
            self.stream.write(_ERASE)
            self.stream.flush()
            self._shown = False
