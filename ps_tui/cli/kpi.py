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


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g} days"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.session import kpi, load_portfolio, open_store, parse_window

    window = parse_window(args.window)  # before the store is loaded: a typo is instant
    portfolio = load_portfolio(open_store(settings), settings.effective_today())
    figures = kpi(portfolio, window)
    if args.json:
        print_json(figures)
        return EXIT_OK
    from ps_tui.core.kpi import TREND_MONTHS

    share = figures.within_target_share
    # Each part under its own window: the summary is over the completions in
    # the window, the counts are as of today, the trend covers its months.
    scope = "all completions" if window is None else f"completions in the last {window} days"
    lines = [
        f"Implementation duration, kickoff to production-ready (as of {portfolio.today.isoformat()}), "
        f"target {figures.target_days} days",
        f"  {scope}:",
        f"    completed        {figures.completed}",
        f"    median           {_days(figures.median)}",
        f"    p90              {_days(figures.p90)}",
        f"    mean             {_days(figures.mean)}",
        f"    within target    {'—' if share is None else f'{share:.0%}'}",
        "  in progress today:",
        f"    active           {figures.active}",
        f"    at risk          {figures.at_risk}",
        f"    overdue          {figures.overdue}",
        f"  median days by month of completion, the last {TREND_MONTHS} months:",
    ]
    lines += [
        f"    {m.month}  {'—' if m.median is None else f'{m.median:g}':>5}  ({m.count} completed)"
        for m in figures.monthly
    ]
    print("\n".join(lines))
    return EXIT_OK
