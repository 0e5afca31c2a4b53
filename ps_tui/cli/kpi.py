"""`ps-tui kpi`: the dashboard's KPI figures."""

from __future__ import annotations

import argparse
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json
from ps_tui.config import Settings

NAME = "kpi"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="the dashboard's KPI figures",
        description="Implementation duration (kickoff to production-ready, calendar days) over "
        "completions in the window, with the active, at-risk and overdue counts and monthly medians.",
    )
    parser.add_argument("--window", default="90", metavar="DAYS", help="days, or 'all' (default 90)")
    parser.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.session import kpi, load_portfolio, open_store, parse_window

    window = parse_window(args.window)  # before the store is loaded: a typo is instant
    portfolio = load_portfolio(open_store(settings), settings.effective_today())
    figures = kpi(portfolio, window)
    if args.json:
        print_json(figures)
        return EXIT_OK
    from ps_tui.core.summaries import kpi_text

    print(kpi_text(figures, portfolio.today, window))
    return EXIT_OK
