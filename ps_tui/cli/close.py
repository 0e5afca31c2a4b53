"""`ps-tui close ID`: complete an implementation, as the TUI's close dialog does."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import report
from ps_tui.cli.writing import add_json, refuse_if_invalid, report_written
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, StoreFile

NAME = "close"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="complete an implementation",
        description="Mark an implementation completed, production-ready on --date (default: its "
        "go-live milestone's date if recorded, else today); its go-live milestone is done that day.",
    )
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the production-ready date")
    parser.add_argument(
        "--close-risks", action="store_true", help="close its open risks too, on the same date"
    )
    add_json(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core import timeline
    from ps_tui.core.date_rules import go_live_key
    from ps_tui.core.model import Status
    from ps_tui.session import RequestProblem, find, open_store, parse_day, write

    today = settings.effective_today()
    given = parse_day(args.date, "date") if args.date else None
    chosen: list[str] = []
    left: list[object] = []

    def change(data: StoreFile) -> Implementation:
        base = find(data, args.id)
        if base.status is Status.COMPLETED:
            raise RequestProblem(f"{base.id} {base.customer} is already completed")
        key = go_live_key(data)
        go_live = base.milestone(key) if key is not None else None
        ready = given or (go_live.actual if go_live is not None and go_live.actual else today)
        done = timeline.close(base, ready, data)
        if args.close_risks:
            done = timeline.close_open_risks(done, ready)
        else:
            left.extend(r for r in done.risks if r.closed is None)
        refuse_if_invalid(data, done, base, today)
        chosen.append(ready.isoformat())
        return done

    data = write(open_store(settings), change)
    if left:
        count = len(left)
        report(f"{count} open risk{'s' if count != 1 else ''} left open (--close-risks closes them)", NAME)
    return report_written(args, data, args.id, f"completed on {chosen[0]}")
