"""`ps-tui lookup`: the Offerings screen's answer, headless.

    ps-tui lookup [CUSTOMER...] [--segment S] [--developers N] [--arr AMOUNT] [--json]

The same `core.offerings` answer the screen shows, through the same
`session.lookup` the server calls, on the same store. The words are read as
the Offerings bar reads them (`ent` is a segment, `1200 devs` a developer
count, the rest a customer). Bad input (nothing to look up, an unknown
customer or segment, an amount that does not parse, one letter that could
be several customers) is a message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK
from ps_tui.config import Settings

NAME = "lookup"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register `lookup` with the CLI's subcommands."""
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="can this customer buy X, and can we discount? (the Offerings screen's answer)",
        description="Answer what a customer (or a segment, developer count or ARR) may buy and "
        "whether a discount is available, by the store's rules. Explicit flags win over the "
        "customer's stored record; every disagreement is reported in the notes.",
        epilog="Examples: ps-tui lookup initech · ps-tui lookup ent 150k · "
        "ps-tui lookup --developers 1200 --arr 150k --json · ps-tui lookup 'Los Pollos' --segment ent",
    )
    parser.add_argument(
        "customer",
        nargs="*",
        metavar="CUSTOMER",
        help="a customer from the store's implementations (fuzzy: part of the name will do), or any "
        "words the Offerings bar takes, read as it reads them: a segment (smb, mm, ent, strat), a "
        "developer count (1200 devs), an ARR (150k); quote a name as '\"Enterprise Co\"' to keep "
        "its segment words",
    )
    parser.add_argument(
        "--segment", metavar="S", help="smb, mm, enterprise, strategic, or a name or alias (ent, strat)"
    )
    parser.add_argument("--developers", metavar="N", help="number of developers, e.g. 1200 or 1,200")
    parser.add_argument("--arr", metavar="AMOUNT", help="annual recurring revenue, e.g. 150k or $1.2M")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    import msgspec

    from ps_tui.session import LookupRequest, check_lookup, customer_index, load_store, lookup, open_store

    request = LookupRequest(" ".join(args.customer), args.segment, args.developers, args.arr)
    check_lookup(request)  # before the store is loaded, so a bare `ps-tui lookup` is instant
    data = load_store(open_store(settings))
    answer = lookup(data, customer_index(data), request)
    if args.json:
        print(json.dumps(msgspec.to_builtins(answer.document()), indent=2, ensure_ascii=False))
    else:
        print(answer.to_text())
    return EXIT_OK
