"""`ps-tui team`: the roster with each person's load."""

from __future__ import annotations

import argparse
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json
from ps_tui.config import Settings

NAME = "team"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(NAME, parents=[common], help="the roster with each person's load")
    parser.add_argument("--json", action="store_true", help="a JSON list")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.team import ROLE_TITLES, team_load
    from ps_tui.session import load_store, open_store, team

    data = load_store(open_store(settings))
    if args.json:
        print_json(team(data))
        return EXIT_OK
    # The text shows the unrounded load, as the Team screen does.
    for load in team_load(data):
        member = load.member
        share = "—" if load.share is None else f"{load.share:.0%}"
        print(
            f"{ROLE_TITLES.get(member.role, member.role.label):<18} {member.name:<20} {member.slack:<18} "
            f"{load.active:>3} active  {load.weekly_hours:5.1f}/{member.capacity_hours} h  {share:>5}"
        )
    return EXIT_OK
