"""The command line: `ps-tui` starts the TUI; subcommands answer headlessly.

Exit status: 0 on success, 2 for bad input (a broken store or config, a bad
flag), 1 for anything else that went wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ps_tui import __version__, cli_lookup
from ps_tui.config import ConfigError, Settings, resolve, user_config_dir
from ps_tui.store.errors import StoreError

if TYPE_CHECKING:
    from ps_tui.core.listing import Row
    from ps_tui.core.view import Portfolio

EXIT_OK = 0
EXIT_BAD_INPUT = 2


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ps-tui",
        description="A terminal dashboard for the Professional Services team: implementations, "
        "offerings, team and the implementation-duration KPI. With no command, starts the TUI "
        "(on demo data until a store is configured).",
    )
    parser.add_argument("--version", action="version", version=f"ps-tui {__version__}")
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)

    init = commands.add_parser(
        "init",
        parents=[common],
        help="write a real store and a config pointing at it",
        description="Write store.toml (the handbook's reference data, no implementations) and "
        "config.toml (pointing at it) to DIR or the user config directory.",
    )
    init.add_argument(
        "dir", nargs="?", metavar="DIR", help=f"target directory (default: {user_config_dir()})"
    )
    init.add_argument("--force", action="store_true", help="overwrite existing files")
    init.add_argument(
        "--demo",
        action="store_true",
        help="add the demo implementations (dated around today) to the store, to try ps-tui on a real file",
    )

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check a store file and list every problem",
        description="Check a store and print every problem with file, line and field. "
        "Exit 0 when valid, 2 when not.",
    )
    validate.add_argument(
        "path", nargs="?", metavar="PATH", help="store file (default: the configured store)"
    )

    commands.add_parser("schema", parents=[common], help="print the store's JSON Schema")

    listing = commands.add_parser(
        "list",
        parents=[common],
        help="print implementations as the Implementations screen shows them",
        description="Print the implementations with the columns of the Implementations screen, "
        "worst health first. Filters combine; --filter takes the screen's filter language.",
    )
    listing.add_argument(
        "--status",
        default="active",
        metavar="STATUS",
        help="active (default), completed, planned, on-hold, cancelled, or all",
    )
    listing.add_argument("--health", metavar="HEALTH", help="at-risk, overdue, on-track, met, missed")
    listing.add_argument("--owner", metavar="NAME", help="IE owner (part of the name, any case)")
    listing.add_argument(
        "--filter",
        metavar="QUERY",
        default="",
        help='the filter box\'s language, e.g. "seg:ent phase:validation acme"',
    )
    listing.add_argument("--format", choices=("table", "json", "csv"), default="table")
    cli_lookup.add_parser(commands, common)
    from ps_tui import cli_serve

    cli_serve.add_parser(commands, common)

    kpi = commands.add_parser(
        "kpi",
        parents=[common],
        help="the dashboard's KPI figures",
        description="Implementation duration (kickoff to production-ready, calendar days) over "
        "completions in the window, with the active, at-risk and overdue counts and monthly medians.",
    )
    kpi.add_argument("--window", default="90", metavar="DAYS", help="days, or 'all' (default 90)")
    kpi.add_argument("--json", action="store_true", help="one JSON object")

    team = commands.add_parser("team", parents=[common], help="the roster with each person's load")
    team.add_argument("--json", action="store_true", help="a JSON list")
    return parser


def _fail(message: str) -> int:
    print(f"ps-tui: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _with_demo(text: str, today: dt.date) -> str:
    """The reference store's text with the demo implementations appended, in
    the layout a save keeps (so the first edit's diff is the edit alone)."""
    from ps_tui.core.demo import demo_store
    from ps_tui.data import reference_store
    from ps_tui.store.toml_edit import edit_toml

    reference = reference_store()
    return edit_toml(text, reference, demo_store(reference, today))


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.data import reference_text
    from ps_tui.store.file import atomic_write

    target = Path(args.dir).expanduser() if args.dir else user_config_dir()
    store_path, config_path = target / "store.toml", target / "config.toml"
    existing = [p for p in (store_path, config_path) if p.exists()]
    if existing and not args.force:
        names = ", ".join(str(p) for p in existing)
        return _fail(f"{names} already exist{'s' if len(existing) == 1 else ''}; use --force to overwrite")
    try:
        target.mkdir(parents=True, exist_ok=True)
        text = reference_text()
        if args.demo:
            text = _with_demo(text, settings.effective_today())
        atomic_write(store_path, text.encode("utf-8"))
        config = (
            "# ps-tui configuration; see `ps-tui --help`. Relative paths are relative to this file.\n"
            'store = "store.toml"\n'
            '# me = "Your Name"   # your name as on the team roster, for the "mine" filter\n'
        )
        atomic_write(config_path, config.encode("utf-8"))
    except OSError as error:
        return _fail(f"{target}: cannot write ({error.strerror or error})")
    print(f"Wrote {store_path}\nWrote {config_path}")
    if args.dir and Path(args.dir).expanduser().resolve() != user_config_dir().resolve():
        print(f"Start with: ps-tui --config {config_path}")
    else:
        print("Start with: ps-tui")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.validate import Problem, store_warnings
    from ps_tui.store.file import FileStore
    from ps_tui.store.locate import line_of

    path = Path(args.path).expanduser() if args.path else settings.store
    if path is None:
        return _fail("no store to validate: give a PATH, --store, PS_TUI_STORE or a config with `store`")
    try:
        store = FileStore(path, max_bytes=settings.max_store_mb * 2**20).read(thorough=True)
    except StoreError as error:
        print(error)
        return EXIT_BAD_INPUT
    # Odd but possible data, and dates after today (which an earlier --today
    # makes likely): said, but the store is valid.
    warnings = store_warnings(store, settings.effective_today())
    counted = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    print(
        f"{path}: valid (schema {store.schema_version}, {len(store.implementations)} implementations, "
        f"{len(store.members)} team members, {len(store.offerings)} offerings){counted}"
    )
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


def cmd_schema() -> int:
    from ps_tui.core.model import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _load_portfolio(settings: Settings) -> Portfolio:
    """The configured store (or the demo data) as the screens would see it."""
    import asyncio

    from ps_tui.app import open_store
    from ps_tui.core.view import Portfolio

    data = asyncio.run(open_store(settings).load())
    return Portfolio.build(data, settings.effective_today())


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core import listing
    from ps_tui.core.query import FuzzyIndex, QueryError, filter_rows, parse_query

    portfolio = _load_portfolio(settings)
    words = [args.filter]
    if args.status != "all":
        words.append(f'status:"{args.status}"')
    if args.health:
        words.append(f'health:"{args.health}"')
    if args.owner:
        words.append(f'owner:"{args.owner}"')
    try:
        query = parse_query(" ".join(words), portfolio.data)
    except QueryError as error:
        return _fail(str(error))
    key, reverse = listing.DEFAULT_SORT
    rows = listing.sort_rows(listing.build_rows(portfolio), key, reverse)
    rows = [rows[i] for i in filter_rows(rows, query, FuzzyIndex(rows))]
    columns = [c.key for c in listing.COLUMNS]
    if args.format == "json":
        print(json.dumps([_row_json(row) for row in rows], indent=2))
    elif args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", *columns])
        for row in rows:
            writer.writerow([row.id, *(listing.cell_text(row, c) for c in columns)])
    else:
        table = [[c.title for c in listing.COLUMNS]]
        table += [[listing.cell_text(row, c) for c in columns] for row in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
        right = {c.key for c in listing.COLUMNS if c.align == "right"}
        for line in table:
            cells = [
                text.rjust(width) if key in right else text.ljust(width)
                for text, width, key in zip(line, widths, columns, strict=True)
            ]
            print("  ".join(cells).rstrip())
        print(f"{len(rows)} of {len(portfolio.data.implementations)} implementations", file=sys.stderr)
    return EXIT_OK


def cmd_kpi(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.kpi import compute_kpis

    window: int | None
    if args.window.strip().lower() == "all":
        window = None
    elif args.window.strip().isdigit() and int(args.window) > 0:
        window = int(args.window)
    else:
        return _fail(f"--window {args.window!r}: give a number of days (e.g. 90) or 'all'")
    portfolio = _load_portfolio(settings)
    data = portfolio.data
    figures = compute_kpis(data.implementations, portfolio.today, data.kpi, window, portfolio.assessments)
    if args.json:
        print(json.dumps(figures.to_json(), indent=2))
        return EXIT_OK

    def days(value: float | None) -> str:
        return "—" if value is None else f"{value:g} days"

    share = figures.within_target_share
    scope = "all time" if window is None else f"last {window} days"
    lines = [
        f"Implementation duration, {scope} (as of {portfolio.today.isoformat()}), "
        f"target {figures.target_days} days",
        f"  completed        {figures.completed}",
        f"  median           {days(figures.median)}",
        f"  p90              {days(figures.p90)}",
        f"  mean             {days(figures.mean)}",
        f"  within target    {'—' if share is None else f'{share:.0%}'}",
        f"  active           {figures.active}",
        f"  at risk          {figures.at_risk}",
        f"  overdue          {figures.overdue}",
        "  by month of completion:",
    ]
    lines += [
        f"    {month}  {'—' if median is None else f'{median:g}':>5}  ({count} completed)"
        for month, median, count in figures.monthly
    ]
    print("\n".join(lines))
    return EXIT_OK


def cmd_team(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.core.team import ROLE_TITLES, team_load

    data = _load_portfolio(settings).data
    loads = team_load(data)
    if args.json:
        print(json.dumps([load.to_json() for load in loads], indent=2))
        return EXIT_OK
    for load in loads:
        member = load.member
        share = "—" if load.share is None else f"{load.share:.0%}"
        print(
            f"{ROLE_TITLES.get(member.role, member.role.label):<18} {member.name:<20} {member.slack:<18} "
            f"{load.active:>3} active  {load.weekly_hours:5.1f}/{member.capacity_hours} h  {share:>5}"
        )
    return EXIT_OK


def _row_json(row: Row) -> dict[str, object]:
    """A row with raw values (numbers as numbers, health and status as keys)."""
    return {
        "id": row.id,
        "customer": row.customer,
        "segment": row.segment,
        "arr": row.arr,
        "deployment": row.deployment,
        "owner": row.owner or None,
        "milestone": row.milestone or None,
        "days": row.elapsed,
        "target": row.target,
        "health": row.health.value,
        "status": row.status.value,
    }


def run_tui(settings: Settings) -> int:
    from ps_tui.app import PsApp, open_store

    try:
        store = open_store(settings)
    except StoreError as error:
        return _fail(str(error))
    app = PsApp(store=store, settings=settings)
    app.run()
    if app.failure:
        # Printed after the terminal is restored, unwrapped, like `validate`.
        print(app.failure, file=sys.stderr)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = resolve(config=args.config, store=args.store, today=args.today, remote=args.remote)
    except ConfigError as error:
        return _fail(str(error))
    if args.command == "init":
        return cmd_init(args, settings)
    if args.command == "validate":
        return cmd_validate(args, settings)
    if args.command == "schema":
        return cmd_schema()
    if args.command == "serve":
        from ps_tui import cli_serve

        return cli_serve.run(args, settings)
    try:
        if args.command == "list":
            return cmd_list(args, settings)
        if args.command == "lookup":
            return cli_lookup.run(args, settings)
        if args.command == "kpi":
            return cmd_kpi(args, settings)
        if args.command == "team":
            return cmd_team(args, settings)
    except StoreError as error:
        return _fail(str(error))
    return run_tui(settings)
