"""The command line: `ps-tui` starts the TUI; subcommands answer headlessly.

One module per subcommand, each with `add_parser` and `run`; this module
builds the parser, dispatches, and turns every failure into a message and
an exit status (see diagnostics.py). The headless subcommands import no
Textual: their cost is the store's decode plus the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ps_tui import __version__, collector

if TYPE_CHECKING:
    from ps_tui.app import PsApp

# What the imports make lives as long as the program: the collector's passes
# over it are wasted (see `ps_tui.collector`; `tui.app_for` holds it again
# over Textual's).
with collector.paused(True):
    import argparse
    import importlib
    import sys
    from collections.abc import Callable, Sequence
    from dataclasses import replace
    from types import ModuleType

    from ps_tui.cli import tui
    from ps_tui.cli.diagnostics import (
        EXIT_BAD_INPUT,
        EXIT_BROKEN_PIPE,
        FLAG_NAMES,
        Failure,
        quiet_stdout,
    )
    from ps_tui.cli.diagnostics import report as report_failure  # `report` is a subcommand
    from ps_tui.config import ConfigError, Settings, resolve

#: The subcommands' modules (`ps_tui.cli.<name>`), in the order `--help`
#: lists them. They are imported only for a command line with arguments:
#: `ps-tui` alone starts the TUI without them (see `build_parser`).
COMMAND_MODULES: tuple[str, ...] = (
    "init",
    "validate",
    "schema",
    "list",
    "lookup",
    "serve",
    "db",
    "web",
    "kpi",
    "team",
    "history",
    "report",
    "keys",
    "new",
    "edit",
    "advance",
    "close",
    "risk",
    "delete",
    "import_rows",
)


def commands() -> tuple[ModuleType, ...]:
    """The subcommands' modules, each with `NAME`, `add_parser` and `run`."""
    return tuple(importlib.import_module(f"ps_tui.cli.{name}") for name in COMMAND_MODULES)


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


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without `subcommands`, only the options of
    the TUI (what `ps-tui` alone needs: the subcommands' modules and their
    parsers were a tenth of the time to its first frame)."""
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
    if not subcommands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    for command in commands():
        command.add_parser(subparsers, common)
    return parser


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """`argv` (default: the process's) parsed; an empty one is parsed
    without the subcommands, as it names none."""
    argv = sys.argv[1:] if argv is None else [*argv]  # `list` is a subcommand here
    return build_parser(subcommands=bool(argv)).parse_args(argv)


def _runner(name: str | None) -> Callable[[argparse.Namespace, Settings], int]:
    if name is None:
        return tui.run
    for command in commands():
        if name == command.NAME:
            run: Callable[[argparse.Namespace, Settings], int] = command.run
            return run
    return tui.run


def _settings(args: argparse.Namespace) -> Settings:
    settings = resolve(config=args.config, store=args.store, today=args.today, remote=args.remote)
    if args.no_cache:
        settings = replace(settings, use_cache=False)
    return settings


def tui_app(argv: Sequence[str]) -> PsApp:
    """The app `ps-tui ARGV` runs (ARGV names no subcommand), made as `main`
    makes it but not run: what the launch benchmark starts."""
    args = parse_args(argv)
    if args.command is not None:
        raise ValueError(f"{args.command!r} is a subcommand, not the TUI")
    return tui.app_for(args, _settings(args))


def main(argv: Sequence[str] | None = None) -> int:
    from ps_tui.session import RequestProblem
    from ps_tui.store.errors import StoreError

    args = parse_args(argv)
    command: str | None = args.command
    try:
        status = _runner(command)(args, _settings(args))
        # Flushed here, so that a reader gone away is noticed below rather
        # than at exit.
        sys.stdout.flush()
    except BrokenPipeError:
        # `ps-tui list | head -1`: the reader has what it wanted.
        quiet_stdout()
        return EXIT_BROKEN_PIPE
    except Failure as failure:
        report_failure(str(failure), command)
        return failure.status
    except RequestProblem as problem:
        report_failure(problem.worded(FLAG_NAMES), command)
        return EXIT_BAD_INPUT
    except (ConfigError, StoreError) as error:
        report_failure(str(error), command)
        return EXIT_BAD_INPUT
    return status


__all__ = ["build_parser", "commands", "main", "parse_args", "tui_app"]
