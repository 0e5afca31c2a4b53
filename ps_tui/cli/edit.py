"""`ps-tui edit ID`: change fields of an implementation, as the TUI's form does."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import Failure
from ps_tui.cli.writing import add_field_flags, add_json, field_values, refused, report_written
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, StoreFile

NAME = "edit"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="change an implementation's fields",
        description="Change the given fields of one implementation, with the checks of the TUI's "
        "form; the fields not given keep their values. --replan re-plans the milestones not done "
        "yet from the package (after a change of kickoff or package).",
    )
    parser.add_argument("id", metavar="ID")
    add_field_flags(parser)
    parser.add_argument("--replan", action="store_true", help="re-plan the milestones not done yet")
    add_json(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.forms import form_values, parse_form
    from ps_tui.core.plan import replanned
    from ps_tui.session import find, open_store, write

    given = field_values(args)
    if not given and not args.replan:
        raise Failure("nothing to change: give a field (e.g. --notes TEXT or --set field=value) or --replan")

    def change(data: StoreFile) -> Implementation:
        base = find(data, args.id)
        result = parse_form(form_values(base) | given, data, base, base.id, today=settings.effective_today())
        if result.implementation is None:
            raise refused(result.errors)
        return replanned(result.implementation, data) if args.replan else result.implementation

    data = write(open_store(settings), change)
    return report_written(args, data, args.id, "saved")
