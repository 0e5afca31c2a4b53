"""`ps-tui list`: the Implementations screen's rows, headless."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json
from ps_tui.config import Settings

NAME = "list"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="print implementations as the Implementations screen shows them",
        description="Print the implementations with the columns of the Implementations screen, "
        "worst health first. Different filters must all match; a filter repeated (or values "
        "separated by commas) means either, as in --filter, which takes the screen's filter language.",
    )
    parser.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="active (default), completed, planned, on-hold, cancelled, or all; "
        "repeat it or separate with commas for either",
    )
    parser.add_argument(
        "--health",
        action="append",
        metavar="HEALTH",
        help="at-risk, overdue, on-track, met, missed, none; repeat it or separate with commas for either",
    )
    parser.add_argument(
        "--owner",
        action="append",
        metavar="NAME",
        help="IE owner (part of a team member's name, any case); repeat it or separate with commas",
    )
    parser.add_argument(
        "--filter",
        metavar="QUERY",
        default="",
        help='the filter box\'s language, e.g. "seg:ent phase:validation acme"',
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core import listing
    from ps_tui.core.documents import RowDocument
    from ps_tui.session import Listing, ListRequest, load_portfolio, open_store

    request = ListRequest(
        status=args.status or "active", health=args.health, owner=args.owner, filter=args.filter
    )
    portfolio = load_portfolio(open_store(settings), settings.effective_today())
    rows = Listing(portfolio).select(request)
    columns = [c.key for c in listing.COLUMNS]
    if args.format == "json":
        print_json([RowDocument.of(row) for row in rows])
    elif args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", *columns])
        for row in rows:
            writer.writerow([row.id, *(listing.cell_text(row, c) for c in columns)])
    else:
        table = [[c.title for c in listing.COLUMNS]]
        table += [[listing.cell_text(row, c) for c in columns] for row in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
        right = {c.key for c in listing.COLUMNS if c.align == "right"}
        for line in table:
            cells = [
                text.rjust(width) if key in right else text.ljust(width)
                for text, width, key in zip(line, widths, columns, strict=True)
            ]
            print("  ".join(cells).rstrip())
        print(f"{len(rows)} of {len(portfolio.data.implementations)} implementations", file=sys.stderr)
    return EXIT_OK
