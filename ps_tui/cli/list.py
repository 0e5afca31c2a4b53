"""`ps-tui list`: the Implementations screen's rows, headless: as a table,
as JSON documents (the whole record and what the screen derives, exactly
what GET /api/v1/rows returns), or as CSV of the same values, raw."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure, print_json, print_table
from ps_tui.config import Settings
from ps_tui.core.text import counted

if TYPE_CHECKING:
    from ps_tui.core.views import View

NAME = "list"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="print implementations as the Implementations screen shows them",
        description="Print the implementations with the Implementations screen's columns and their status, "
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
    parser.add_argument(
        "--view",
        metavar="NAME",
        help="a saved view of the config ([[views]]): its filter, scope, sort and columns",
    )
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (default): as the screen shows it; json: each implementation's whole record and "
        "what the screen derives; csv: the same values raw (numbers, ISO dates, keys; empty if unknown)",
    )
    parser.add_argument(
        "--columns",
        metavar="KEYS",
        help="the table's or the CSV's columns, comma-separated, e.g. id,customer,status,days "
        "(default: the screen's columns and status for the table, every column for CSV); "
        "an unknown one lists them all",
    )


def chosen_view(settings: Settings, name: str | None) -> View | None:
    """The config's view called `name` (None for no name); Failure names
    the views there are."""
    if name is None:
        return None
    from ps_tui.core.views import find_view

    view = find_view(settings.views, name)
    if view is None:
        known = ", ".join(repr(v.name) for v in settings.views) or "none: add [[views]] to the config"
        raise Failure(f"--view: no view {name!r} (views: {known})")
    if view.scope == "mine" and not settings.me:
        raise Failure(f"--view {view.name!r}: its scope is mine, and `me` is not set in the config")
    return view


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.report import CSV_COLUMNS, TABLE_COLUMNS, ColumnError, choose_columns
    from ps_tui.session import Listing, ListRequest, load_portfolio, open_store

    if args.columns is not None and args.format == "json":
        raise Failure("--columns chooses the table's or the CSV's columns: a JSON row holds every field")
    view = chosen_view(settings, args.view)
    wanted = args.columns
    if wanted is None and view is not None and view.columns and args.format != "json":
        from ps_tui.core.views import ordered_columns

        wanted = ",".join(ordered_columns(view))
    try:
        columns = choose_columns(wanted, CSV_COLUMNS if args.format == "csv" else TABLE_COLUMNS)
    except ColumnError as error:
        raise Failure(f"--columns: {error}") from None
    if view is None:
        request = ListRequest(
            status=args.status or "active", health=args.health, owner=args.owner, filter=args.filter
        )
    else:
        # The view decides the scope and the order; flags narrow it further.
        request = ListRequest(
            status=args.status or "all",
            health=args.health,
            owner=args.owner,
            filter=f"{view.filter} {args.filter}".strip(),
            scope=view.scope,
            me=settings.me,
            sort=(view.sort_key, view.sort_reverse),
        )
    portfolio = load_portfolio(open_store(settings), settings.effective_today())
    documents = Listing(portfolio).documents(request)
    if args.format == "json":
        print_json(documents)
    elif args.format == "csv":
        from ps_tui.core.export import rows_csv

        # The text the TUI's export writes for the same rows and columns.
        sys.stdout.write(rows_csv(documents, columns))
    else:
        reference = portfolio.data
        rows = [[column.text(document, reference) for column in columns] for document in documents]
        print_table([column.title for column in columns], rows, [column.right for column in columns])
        total = counted(len(portfolio.data.implementations), "implementation")
        print(f"{len(documents):,} of {total}", file=sys.stderr)
    return EXIT_OK
