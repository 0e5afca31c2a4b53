"""`ps-tui history`: who changed what, and when (newest first)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.history import Event

NAME = "history"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="who changed what, and when",
        description="The changes recorded beside the store file (STORE.history.jsonl), newest "
        "first: each with when (UTC), who, what kind of change, the implementation, and each "
        "field's value before and after.",
    )
    parser.add_argument("id", nargs="?", metavar="ID", help="only this implementation's changes")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only changes on or after this day (UTC)")
    parser.add_argument("--by", metavar="NAME", help="only changes by this person (part of the name)")
    parser.add_argument("--json", action="store_true", help="a JSON list of the changes")


def lines(event: Event) -> list[str]:
    """An event as text: a heading line, then one line per field changed."""
    from ps_tui.core.history import Action, value_text
    from ps_tui.core.safe_text import one_line

    when = event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    what = event.action.label
    subject = "reference data" if event.implementation is None else event.implementation
    customer = f" {event.customer}" if event.customer else ""
    heading = one_line(f"{when}  {event.who}  {what}  {subject}{customer}")
    if event.action in (Action.CREATE, Action.DELETE):
        return [heading]
    return [heading] + [
        one_line(f"    {change.field}: {value_text(change.before)} → {value_text(change.after)}")
        for change in event.changes
    ]


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.session import HistoryRequest, history, open_store

    request = HistoryRequest(implementation=args.id, since=args.since, by=args.by)
    events, unreadable = history(open_store(settings), request)
    if unreadable:
        shown = ", ".join(map(str, unreadable[:10])) + (" …" if len(unreadable) > 10 else "")
        report(f"{len(unreadable)} line(s) of the history could not be read and are left out: {shown}", NAME)
    if args.json:
        print_json(events)
        return EXIT_OK
    if not events:
        report("no recorded change matches", NAME)
    for event in events:
        print("\n".join(lines(event)))
    return EXIT_OK
