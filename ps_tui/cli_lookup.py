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
        LookupInput,
        LookupProblem,
        customers_from_implementations,
        lookup,
        parse_developers,
        parse_segment,
    )
    from ps_tui.core.parse import ParseError, parse_amount

    customer = " ".join(" ".join(args.customer).split()) or None
    if customer is None and args.segment is None and args.developers is None and args.arr is None:
        return _fail("nothing to look up: give a CUSTOMER, --segment, --developers and/or --arr")
    if customer is None and args.segment is None and args.developers is None:
        return _fail("--arr alone does not decide the segment: add a CUSTOMER, --segment or --developers")

    data = _load_portfolio(settings).data
    try:
        segment = parse_segment(args.segment, data) if args.segment is not None else None
    except ParseError as error:
        return _fail(f"--segment: {error}")
    try:
        developers = parse_developers(args.developers) if args.developers is not None else None
    except ParseError as error:
        return _fail(f"--developers: {error}")
    try:
        arr = parse_amount(args.arr) if args.arr is not None else None
    except ParseError as error:
        return _fail(f"--arr: {error}")
    query = LookupInput(customer=customer, segment=segment, developers=developers, arr=arr)
    index = CustomerIndex(customers_from_implementations(data.implementations))
    try:
        answer = lookup(query, data, index)
    except LookupProblem as problem:
        return _fail(str(problem))
    if answer.problems:
        # The screen answers from the rest and shows the problem; a script
        # must not get an answer for a customer it did not ask about.
        return _fail("; ".join(answer.problems))
    if args.json:
        print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        print(answer.to_text())
    return EXIT_OK
