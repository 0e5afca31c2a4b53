"""`ps-tui risk add|close|list ID`: an implementation's risk log."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json
from ps_tui.cli.writing import add_json, report_written
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, Risk, StoreFile

NAME = "risk"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="an implementation's risk log: add, close, list",
        description="Add a risk to an implementation, close one, or list them (open first).",
    )
    actions = parser.add_subparsers(dest="risk_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="log a new risk")
    add.add_argument("id", metavar="ID")
    add.add_argument("--text", required=True, help="what the risk is")
    add.add_argument("--severity", default="medium", help="low, medium (default), high or critical")
    add.add_argument("--owner", help="the team member who follows it up")
    add.add_argument("--mitigation", default="", help="what is done about it")
    add.add_argument("--customer-visible", action="store_true", help="the customer's report may show it")
    add.add_argument("--opened", metavar="YYYY-MM-DD", help="when it was raised (default today)")
    add_json(add)
    close = actions.add_parser("close", parents=[common], help="close a risk")
    close.add_argument("id", metavar="ID")
    close.add_argument("risk", metavar="RISK", help="its number in `ps-tui risk list ID`")
    close.add_argument("--date", metavar="YYYY-MM-DD", help="when it was closed (default today)")
    add_json(close)
    listed = actions.add_parser("list", parents=[common], help="the risks, open first, numbered")
    listed.add_argument("id", metavar="ID")
    listed.add_argument("--json", action="store_true", help="a JSON list")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.risk_action == "list":
        return _list(args, settings)
    return _add(args, settings) if args.risk_action == "add" else _close(args, settings)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.risks import ordered
    from ps_tui.core.safe_text import one_line
    from ps_tui.session import find, load_store, open_store

    impl = find(load_store(open_store(settings)), args.id)
    numbered = ordered(impl.risks)
    if args.json:
        print_json([risk for _, risk in numbered])
        return EXIT_OK
    for number, risk in numbered:
        state = f"closed {risk.closed.isoformat()}" if risk.closed else "open"
        owner = f"  {risk.owner}" if risk.owner else ""
        print(one_line(f"{number:>2}. {risk.severity.value:<8} {state:<17} {risk.text}{owner}"))
    return EXIT_OK


def _add(args: argparse.Namespace, settings: Settings) -> int:
    import msgspec

    from ps_tui.core.model import Risk, Severity
    from ps_tui.session import RequestProblem, find, open_store, parse_day, write

    try:
        severity = Severity(args.severity.strip().lower())
    except ValueError:
        known = ", ".join(s.value for s in Severity)
        raise RequestProblem(f"--severity: {args.severity!r} is not one of {known}") from None
    opened = parse_day(args.opened, "opened") if args.opened else settings.effective_today()
    risk = Risk(
        text=args.text.strip(),
        opened=opened,
        severity=severity,
        owner=args.owner or None,
        mitigation=args.mitigation,
        customer_visible=args.customer_visible,
    )
    if not risk.text:
        raise RequestProblem("--text: must not be empty")

    def change(data: StoreFile) -> Implementation:
        base = find(data, args.id)
        return msgspec.structs.replace(base, risks=[*base.risks, risk])

    data = write(open_store(settings), change)
    return report_written(args, data, args.id, f"risk logged ({severity.value})")


def _close(args: argparse.Namespace, settings: Settings) -> int:
    import msgspec

    from ps_tui.core.risks import ordered
    from ps_tui.session import RequestProblem, find, open_store, parse_day, write

    closed = parse_day(args.date, "date") if args.date else settings.effective_today()

    def change(data: StoreFile) -> Implementation:
        base = find(data, args.id)
        numbered: dict[str, Risk] = {str(number): risk for number, risk in ordered(base.risks)}
        risk = numbered.get(args.risk.strip())
        if risk is None:
            raise RequestProblem(f"{base.id} has no risk {args.risk!r} (see `ps-tui risk list {base.id}`)")
        if risk.closed is not None:
            raise RequestProblem(f"{base.id}: risk {args.risk} was closed on {risk.closed.isoformat()}")
        if closed < risk.opened:
            raise RequestProblem(
                f"--date: {closed.isoformat()} is before the risk was opened ({risk.opened})"
            )
        index = next(i for i, r in enumerate(base.risks) if r is risk)
        risks = list(base.risks)
        risks[index] = msgspec.structs.replace(risk, closed=closed)
        return msgspec.structs.replace(base, risks=risks)

    data = write(open_store(settings), change)
    return report_written(args, data, args.id, f"risk {args.risk} closed")
