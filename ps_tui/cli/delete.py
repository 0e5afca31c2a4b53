"""`ps-tui delete ID --yes`: remove an implementation."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure, print_json
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import StoreFile

NAME = "delete"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="remove an implementation",
        description="Remove an implementation from the store; its history stays. Needs --yes.",
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--yes", action="store_true", help="really delete it")
    parser.add_argument("--json", action="store_true", help="print the deleted implementation as JSON")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.safe_text import one_line
    from ps_tui.session import find, open_store, write

    if not args.yes:
        raise Failure(f"deleting {args.id} needs --yes")
    gone: list[object] = []

    def change(data: StoreFile) -> str:
        gone.append(find(data, args.id))
        return str(args.id)

    write(open_store(settings), change)
    if args.json:
        print_json(gone[0])
    else:
        print(one_line(f"deleted: {args.id} {getattr(gone[0], 'customer', '')}"))
    return EXIT_OK
