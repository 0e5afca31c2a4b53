"""What the command line says when something goes wrong, and with which
exit status: every subcommand raises `Failure` (or lets a StoreError or a
RequestProblem through) and `ps_tui.cli.main` prints it here, once.

Exit status: 0 on success, 2 for bad input (a broken store or config, a bad
flag), 1 for anything else that went wrong.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import msgspec

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
#: A command whose output was cut short (`ps-tui list | head -1`): what a
#: shell reports for a process killed by SIGPIPE, as git's.
EXIT_BROKEN_PIPE = 128 + 13

#: How the command line names a request's inputs (see session.RequestProblem).
FLAG_NAMES = {
    "window": "--window",
    "customer": "a CUSTOMER",
    "segment": "--segment",
    "developers": "--developers",
    "arr": "--arr",
    "status": "--status",
    "health": "--health",
    "owner": "--owner",
    "filter": "--filter",
    "since": "--since",
    "date": "--date",
    "opened": "--opened",
    "id": "ID",
    "week": "--week",
    "month": "--month",
}


class Failure(Exception):
    """The command cannot do what was asked; the message says why."""

    def __init__(self, message: str, status: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.status = status


def report(message: str, command: str | None = None) -> None:
    """One line on stderr, prefixed with the program (and the subcommand)."""
    prefix = f"ps-tui {command}" if command else "ps-tui"
    print(f"{prefix}: {message}", file=sys.stderr, flush=True)


def print_json(document: object | Sequence[object]) -> None:
    """A document (a msgspec struct, or a list of them) as indented JSON,
    encoded as the server encodes it (msgspec: 100,000 list rows in a
    second, where the json module takes ten)."""
    print(msgspec.json.format(msgspec.json.encode(document), indent=2).decode("utf-8"))


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> None:
    """A header row and the rows in aligned columns (`summaries.aligned`)."""
    from ps_tui.core.summaries import aligned

    print(aligned(header, rows, right))


def quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null, so that the flush at
    exit cannot fail again and print a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
