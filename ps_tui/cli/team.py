"""`ps-tui team`: the roster with each person's load."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json
from ps_tui.config import Settings

NAME = "team"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="the roster with each person's load",
        description="Each team member with their active implementations, weekly hours against "
        "capacity and load (ok, busy, over), in the Team screen's order.",
    )
    parser.add_argument("--json", action="store_true", help="a JSON list")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.summaries import team_text
    from ps_tui.core.team import load_explanation
    from ps_tui.session import load_store, open_store, team

    data = load_store(open_store(settings))
    if args.json:
        print_json(team(data))
        return EXIT_OK
    print(team_text(data))
    print(load_explanation(data), file=sys.stderr)
    return EXIT_OK
