"""`ps-tui new`: add an implementation, checked as the TUI's form checks it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.writing import add_field_flags, add_json, field_values, refused, report_written
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, StoreFile

NAME = "new"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="add an implementation",
        description="Add an implementation to the store (a file, or --remote), with the checks of "
        "the TUI's form: the next free id unless --id, milestones planned from its package.",
    )
    parser.add_argument("--id", help="the id to give it (default: the next IMP-NNNN)")
    add_field_flags(parser)
    add_json(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.forms import blank_form, parse_form
    from ps_tui.core.portfolio import next_id
    from ps_tui.session import open_store, write

    given = field_values(args)
    chosen: list[str] = []

    def change(data: StoreFile) -> Implementation:
        new_id = args.id or next_id(data)
        result = parse_form(blank_form(data) | given, data, None, new_id, today=settings.effective_today())
        if result.implementation is None:
            raise refused(result.errors)
        if any(impl.id == new_id for impl in data.implementations):
            raise refused({"--id": f"{new_id!r} is taken"})
        chosen.append(new_id)
        return result.implementation

    data = write(open_store(settings), change)
    return report_written(args, data, chosen[0], "added")
