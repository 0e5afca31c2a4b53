"""`ps-tui schema`: the store's JSON Schema."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK
from ps_tui.config import Settings

NAME = "schema"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    commands.add_parser(NAME, parents=[common], help="print the store's JSON Schema")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.model import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK
