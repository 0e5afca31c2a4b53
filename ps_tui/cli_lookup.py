"""`ps-tui lookup`: the Offerings screen's answer, headless.

    ps-tui lookup [CUSTOMER] [--segment S] [--developers N] [--arr AMOUNT] [--json]

The same `core.offerings.lookup` the screen calls, on the same store, so the
JSON is exactly what the screen shows. Bad input (nothing to look up, an
unknown customer or segment, an amount that does not parse) is a message on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ps_tui.config import Settings

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register `lookup` with the CLI's subcommands."""
    parser = commands.add_parser(
        "lookup",
        parents=[common],
        help="can this customer buy X, and can we discount? (the Offerings screen's answer)",
        description="Answer what a customer (or a segment, developer count or ARR) may buy and "
        "whether a discount is available, by the store's rules. Explicit flags win over the "
        "customer's stored record; every disagreement is reported in the notes.",
        epilog="Examples: ps-tui lookup initech · ps-tui lookup --developers 1200 --arr 150k --json · "
        "ps-tui lookup 'Los Pollos' --segment ent",
    )
    parser.add_argument(
        "customer",
        nargs="*",
        metavar="CUSTOMER",
        help="a customer from the store's implementations (fuzzy: part of the name will do)",
    )
    parser.add_argument(
        "--segment", metavar="S", help="smb, mm, enterprise, strategic, or a name or alias (ent, strat)"
    )
    parser.add_argument("--developers", metavar="N", help="number of developers, e.g. 1200 or 1,200")
    parser.add_argument("--arr", metavar="AMOUNT", help="annual recurring revenue, e.g. 150k or $1.2M")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _fail(message: str) -> int:
    print(f"ps-tui lookup: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.cli import _load_portfolio
    from ps_tui.core.offerings import (
        CustomerIndex,
        LookupProblem,
        answer_request,
        customers_from_implementations,
    )

    customer = " ".join(args.customer) or None
    if customer is None and args.segment is None and args.developers is None and args.arr is None:
        # Checked before loading the store, so a bare `ps-tui lookup` is instant.
        return _fail("nothing to look up: give a CUSTOMER, --segment, --developers and/or --arr")
    data = _load_portfolio(settings).data
    index = CustomerIndex(customers_from_implementations(data.implementations))
    try:
        answer = answer_request(data, index, customer, args.segment, args.developers, args.arr)
    except LookupProblem as problem:
        return _fail(str(problem))
    if args.json:
        print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        print(answer.to_text())
    return EXIT_OK
