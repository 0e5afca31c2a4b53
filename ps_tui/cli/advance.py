"""`ps-tui advance ID`: record the next milestone as done, as `p` does."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.writing import add_json, refuse_if_invalid, report_written
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, StoreFile

NAME = "advance"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="record an implementation's next milestone as done",
        description="Record the next milestone not done as done on --date (default today), as "
        "`p` does in the TUI: a planned implementation becomes active.",
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="when it was done (default today)")
    parser.add_argument(
        "--undo", action="store_true", help="take back the last advance (the latest milestone done)"
    )
    add_json(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core import timeline
    from ps_tui.session import RequestProblem, find, open_store, parse_day, write

    today = settings.effective_today()
    when = parse_day(args.date, "date") if args.date else today
    recorded: list[str] = []

    if args.undo and args.date:
        raise RequestProblem("--undo takes no --date")

    def change(data: StoreFile) -> Implementation:
        base = find(data, args.id)
        if args.undo:
            undone, taken = timeline.undo_advance(base, data)
            if taken is None:
                raise RequestProblem(f"{base.id} {base.customer}: no milestone done to take back")
            recorded.append(data.milestone_name(taken))
            return undone
        done, key = timeline.advance(base, when, data)
        if key is None:
            raise RequestProblem(f"{base.id} {base.customer}: every milestone is already done")
        refuse_if_invalid(data, done, base, today)
        recorded.append(data.milestone_name(key))
        return done

    data = write(open_store(settings), change)
    what = f"{recorded[0]} not done any more" if args.undo else f"{recorded[0]} done on {when.isoformat()}"
    return report_written(args, data, args.id, what)
