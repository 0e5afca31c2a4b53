"""`ps-tui report weekly|customer ID|monthly`: the status reports, as
Markdown (for Slack or a wiki), a self-contained HTML page, or the JSON
document GET /api/v1/reports/... returns; printed, or written to a file
atomically with `-o`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_FAILED, EXIT_OK, Failure, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.render import Report

NAME = "report"

KINDS = {
    "weekly": "the weekly status (internal): KPI now and a week before, go-lives, milestones done and "
    "slipped, risks, what needs attention, the next two weeks' go-lives, team load",
    "customer": "one implementation's status for its customer: phase, milestones planned and done, "
    "what is next, the risks marked customer-visible, contacts (no health, ARR, notes or internal risks)",
    "monthly": "the monthly KPI review: duration trend against the target, histogram, share within "
    "target by segment and owner, worst slips, implementations started and completed",
}


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--owner",
        action="append",
        metavar="NAME",
        help="only this IE owner's implementations (part of a team member's name, as in list); "
        "repeat it or separate with commas",
    )
    parser.add_argument(
        "--filter", metavar="QUERY", default="", help="only what the filter box's language selects"
    )
    parser.add_argument(
        "--view",
        metavar="NAME",
        help="only what a saved view of the config selects (its filter and scope); --filter narrows it",
    )


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "--format",
        choices=("md", "html", "json"),
        default="md",
        help="md (default): Markdown; html: one self-contained page (prints on A4 and Letter); "
        "json: the report's document, as GET /api/v1/reports/... returns it",
    )
    output.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="the weekly status, a customer's status or the monthly KPI review",
        description="A status report from the same figures as the dashboard, kpi, list, team and "
        "history, as Markdown, HTML or JSON.",
    )
    kinds = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    weekly = kinds.add_parser(
        "weekly", parents=[common, output], help=KINDS["weekly"], description=KINDS["weekly"]
    )
    weekly.add_argument("--week", metavar="YYYY-Www", help="the ISO week, e.g. 2026-W48 (default: this week)")
    _scope_options(weekly)
    customer = kinds.add_parser(
        "customer", parents=[common, output], help=KINDS["customer"], description=KINDS["customer"]
    )
    customer.add_argument("id", metavar="ID", help="the implementation's id")
    monthly = kinds.add_parser(
        "monthly", parents=[common, output], help=KINDS["monthly"], description=KINDS["monthly"]
    )
    monthly.add_argument("--month", metavar="YYYY-MM", help="the month, e.g. 2026-11 (default: this month)")
    _scope_options(monthly)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui import session

    today = settings.effective_today()
    store = session.open_store(settings)
    document: Report
    if getattr(args, "view", None) is not None:
        from ps_tui.cli.list import chosen_view
        from ps_tui.core.views import as_filter

        view = chosen_view(settings, args.view)
        assert view is not None
        args.filter = f"{as_filter(view, settings.me)} {args.filter}".strip()
    if args.report == "weekly":
        request = session.ReportRequest(week=args.week, owner=args.owner, filter=args.filter)
        # The week is checked before the store is loaded: a typo is instant.
        session.report_period("week", args.week, today)
        data = session.load_store(store)
        document = session.weekly_report(data, today, request, session.report_history(store))
    elif args.report == "monthly":
        request = session.ReportRequest(month=args.month, owner=args.owner, filter=args.filter)
        session.report_period("month", args.month, today)
        document = session.monthly_report(session.load_store(store), today, request)
    else:
        document = session.customer_report(session.load_store(store), today, args.id)
    text = session.report_text(document, args.format)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.output).expanduser()
    try:
        session.write_report(path, text, overwrite=True)
    except OSError as error:
        raise Failure(f"{path}: cannot write ({error.strerror or error})", EXIT_FAILED) from None
    report(f"wrote {path}", NAME)
    return EXIT_OK
