"""`ps-tui validate`: check a store file and list every problem."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure
from ps_tui.config import Settings

NAME = "validate"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="check a store file and list every problem",
        description="Check a store and print every problem with file, line and field. "
        "Exit 0 when valid, 2 when not.",
    )
    parser.add_argument("path", nargs="?", metavar="PATH", help="store file (default: the configured store)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.date_rules import store_warnings
    from ps_tui.core.text import counted
    from ps_tui.core.validate import Problem
    from ps_tui.store.file import FileStore
    from ps_tui.store.locate import line_of

    path = Path(args.path).expanduser() if args.path else settings.store
    if path is None:
        raise Failure("no store to validate: give a PATH, --store, PS_TUI_STORE or a config with `store`")
    # A StoreError (every problem, each with its line) goes to stderr with
    # exit status 2, as every command reports a broken store.
    store = FileStore(path, max_bytes=settings.max_store_mb * 2**20).read(thorough=True)
    # Odd but possible data, and dates after today (which an earlier --today
    # makes likely): said, but the store is valid.
    warnings = store_warnings(store, settings.effective_today())
    said = f", {counted(len(warnings), 'warning')}" if warnings else ""
    sizes = [
        counted(len(store.implementations), "implementation"),
        counted(len(store.members), "team member"),
        counted(len(store.offerings), "offering"),
    ]
    print(f"{path}: valid (schema {store.schema_version}, {', '.join(sizes)}){said}")
    if warnings:
        lines = _field_lines(path)
        print("warnings:")
        located = [Problem(w.path, w.message, line_of(w.path, lines)) for w in warnings]
        for warning in sorted(located, key=lambda w: (w.line or 0, w.path)):
            print(f"  {warning.describe(str(path))}")
    return EXIT_OK


def _field_lines(path: Path) -> dict[str, int]:
    """The line of each field path in the store file at `path` (read again:
    it was valid a moment ago, so only the line numbers are wanted)."""
    from ps_tui.store.file import store_format
    from ps_tui.store.locate import json_lines, toml_lines

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return toml_lines(text) if store_format(path) == "toml" else json_lines(text)
