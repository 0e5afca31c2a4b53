"""Errors a store raises; each carries a message fit to show a person."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ps_tui.core.model import Implementation
from ps_tui.core.portfolio import UnknownImplementation
from ps_tui.core.validate import InvalidData, Problem


class StoreError(Exception):
    """Base of every store failure. `str()` is the message for the user."""


class StoreUnreadable(StoreError):
    """The store could not be read at all (missing, a directory, no permission)."""


#: How many problems with the same message a StoreInvalid lists.
SHOWN_PER_KIND = 20


class StoreInvalid(StoreError):
    """The store was read but does not fit the model; lists every problem."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        lines = [f"{source}: {count:,} problem{'s' if count != 1 else ''}"]
        # The first few of each kind (the same message), then a count: a
        # million bad entries must not print a million lines.
        shown: dict[str, int] = {}
        for problem in problems:
            seen = shown.get(problem.message, 0)
            shown[problem.message] = seen + 1
            if seen < SHOWN_PER_KIND:
                lines.append(f"  {problem.describe(source)}")
        lines += [
            f"  ... and {seen - SHOWN_PER_KIND:,} more: {message}"
            for message, seen in shown.items()
            if seen > SHOWN_PER_KIND
        ]
        super().__init__("\n".join(lines))


class StoreConflict(StoreError):
    """The data changed since it was loaded (on disk, or on a shared server);
    saving would overwrite someone else's work.

    A server conflict carries both versions of the implementation: `mine`, as
    the user tried to save it, and `current`, as the server has it now."""

    def __init__(
        self, message: str, *, mine: Implementation | None = None, current: Implementation | None = None
    ) -> None:
        super().__init__(message)
        self.mine = mine
        self.current = current


class StoreOffline(StoreError):
    """A shared server cannot be reached; the data shown is the cached copy."""


class StoreBadAnswer(StoreOffline):
    """The address answers, but not as `ps-tui serve` does (HTML, a redirect,
    truncated or other JSON): as good as offline, with a message that says so."""


class StoreAuthFailed(StoreError):
    """A shared server refused the bearer token (missing or wrong)."""


class StoreWriteFailed(StoreError):
    """A save failed (disk full, permission, ...); the file was left as it was."""


@contextlib.contextmanager
def edit_errors(source: str) -> Iterator[None]:
    """Report a refused edit as a StoreError, whichever backend refused it."""
    try:
        yield
    except InvalidData as invalid:
        raise StoreInvalid(source, invalid.problems) from None
    except UnknownImplementation as missing:
        raise StoreError(f"{source}: {missing}") from None
