"""The command line: `ps-tui` starts the TUI; subcommands answer headlessly.

One module per subcommand, each with `add_parser` and `run`; this module
builds the parser, dispatches, and turns every failure into a message and
an exit status (see diagnostics.py). The headless subcommands import no
Textual: their cost is the store's decode plus the answer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import ModuleType

from ps_tui import __version__
from ps_tui.cli import (
    advance,
    close,
    db,
    delete,
    edit,
    history,
    import_rows,
    init,
    keys,
    kpi,
    lookup,
    new,
    risk,
    schema,
    serve,
    team,
    tui,
    validate,
    web,
)
from ps_tui.cli import list as list_command
from ps_tui.cli import report as report_command
from ps_tui.cli.diagnostics import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    FLAG_NAMES,
    Failure,
    quiet_stdout,
    report,
)
from ps_tui.config import ConfigError, Settings, resolve

#: The subcommands in the order `--help` lists them.
COMMANDS: tuple[ModuleType, ...] = (
    init,
    validate,
    schema,
    list_command,
    lookup,
    serve,
    db,
    web,
    kpi,
    team,
    history,
    report_command,
    keys,
    new,
    edit,
    advance,
    close,
    risk,
    delete,
    import_rows,
)


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options valid before or after a subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--store", metavar="PATH", default=default, help="store file, .toml or .json (env PS_TUI_STORE)"
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default,
        help="config file (env PS_TUI_CONFIG; default: the user config dir)",
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", default=default, help="fix today's date (env PS_TUI_TODAY)"
    )
    parser.add_argument(
        "--remote",
        metavar="URL",
        default=default,
        help="use a shared `ps-tui serve` instead of a store file (env PS_TUI_REMOTE)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="with --remote: fail when the server cannot be reached, instead of using the copy "
        "cached from the last good load",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ps-tui",
        description="A terminal dashboard for the Professional Services team: implementations, "
        "offerings, team and the implementation-duration KPI. With no command, starts the TUI "
        "(on demo data until a store is configured).",
    )
    parser.add_argument("--version", action="version", version=f"ps-tui {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="the TUI leaves the mouse to the terminal, so its own selection works (config: mouse = false)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    for command in COMMANDS:
        command.add_parser(commands, common)
    return parser


def _runner(name: str | None) -> Callable[[argparse.Namespace, Settings], int]:
    for command in COMMANDS:
        if name == command.NAME:
            run: Callable[[argparse.Namespace, Settings], int] = command.run
            return run
    return tui.run


def main(argv: Sequence[str] | None = None) -> int:
    from ps_tui.session import RequestProblem
    from ps_tui.store.errors import StoreError

    args = build_parser().parse_args(argv)
    command: str | None = args.command
    try:
        settings = resolve(config=args.config, store=args.store, today=args.today, remote=args.remote)
        if args.no_cache:
            settings = replace(settings, use_cache=False)
        status = _runner(command)(args, settings)
        # Flushed here, so that a reader gone away is noticed below rather
        # than at exit.
        sys.stdout.flush()
    except BrokenPipeError:
        # `ps-tui list | head -1`: the reader has what it wanted.
        quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Failure as failure:
        report(str(failure), command)
        return failure.status
    except RequestProblem as problem:
        report(problem.worded(FLAG_NAMES), command)
        return EXIT_BAD_INPUT
    except (ConfigError, StoreError) as error:
        report(str(error), command)
        return EXIT_BAD_INPUT
    return status


__all__ = ["build_parser", "main"]
