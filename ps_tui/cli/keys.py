"""`ps-tui keys`: every key binding by id, with its keys, so a `[keymap]`
can be written without reading code."""

from __future__ import annotations

import argparse
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, print_json, print_table
from ps_tui.config import Settings

NAME = "keys"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="every key binding id, its keys and what it does",
        description="Every key binding of the TUI: its id (what a [keymap] entry in the config "
        'names, e.g. "impl.edit" = "E,f2"), the keys in effect with the config\'s keymap, the '
        "default keys, where it works and what it does.",
    )
    parser.add_argument("--json", action="store_true", help="a JSON list")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.cli.tui import checked_keymap
    from ps_tui.keymap import binding_documents

    documents = binding_documents(checked_keymap(settings))
    if args.json:
        print_json(documents)
        return EXIT_OK
    rows = [
        (
            doc.id,
            doc.keys,
            "" if doc.keys == doc.default_keys else doc.default_keys,
            ", ".join(doc.where),
            doc.description,
        )
        for doc in documents
    ]
    print_table(("Id", "Keys", "Default", "Where", "What"), rows, (False,) * 5)
    return EXIT_OK
