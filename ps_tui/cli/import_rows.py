"""`ps-tui import FILE`: create and update implementations from a CSV or
Excel export, every row checked by the form's rules, all or nothing."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_BAD_INPUT, EXIT_OK, Failure, print_json
from ps_tui.cli.progress import TerminalProgress
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.importing import ImportPlan
    from ps_tui.core.model import Implementation, StoreFile
    from ps_tui.tabular import Table

NAME = "import"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="create and update implementations from a CSV or Excel export",
        description="Read a .csv or .xlsx file (a CRM or spreadsheet export): each row creates an "
        "implementation, or updates the one its id column names (else its customer's, matched by "
        "name). Every row is checked with the form's rules; one problem and nothing is written. "
        "Without --map or --mapping the columns are guessed from their headers, printed for you to "
        "check: then run with --dry-run first, and --yes to write.",
    )
    parser.add_argument("file", metavar="FILE", help="a .csv (UTF-8; , ; or tab) or .xlsx file")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="read the column HEADER as FIELD, e.g. --map 'Account Name=customer' (repeatable)",
    )
    parser.add_argument(
        "--mapping",
        metavar="PATH",
        help='a TOML file with a [columns] table: "Account Name" = "customer", ...',
    )
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of an .xlsx file (default: the first)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    parser.add_argument("--yes", action="store_true", help="write with a guessed mapping without asking")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")


def _given_mapping(args: argparse.Namespace) -> dict[str, str]:
    spec: dict[str, str] = {}
    if args.mapping:
        path = Path(args.mapping).expanduser()
        try:
            loaded = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise Failure(f"{path}: cannot read ({error})") from None
        except tomllib.TOMLDecodeError as error:
            raise Failure(f"{path}: TOML syntax: {error}") from None
        columns = loaded.get("columns")
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise Failure(f'{path}: needs a [columns] table of "HEADER" = "field" lines')
        spec.update(columns)
    for item in args.map:
        header, equals, name = item.rpartition("=")
        if not equals or not header.strip():
            raise Failure(f"--map {item!r}: write HEADER=FIELD")
        spec[header] = name
    return spec


def _plan(
    args: argparse.Namespace, table: Table, data: StoreFile, settings: Settings, progress: TerminalProgress
) -> tuple[ImportPlan, list[Implementation]]:
    from ps_tui.core.importing import ImportPlan, MappingProblem, guess_mapping, mapping_from, plan_import

    spec = _given_mapping(args)
    try:
        mapping = mapping_from(spec, table.headers) if spec else guess_mapping(table.headers)
    except MappingProblem as problem:
        raise Failure(f"{'--map' if args.map else args.mapping}: {problem}") from None
    if not mapping:
        raise Failure(
            f"{args.file}: no column header names a field ({', '.join(map(repr, table.headers))}); "
            "give the columns with --map HEADER=FIELD"
        )
    rows = len(table.rows)

    def planned(done: int) -> None:
        progress.say(f"checking row {done:,} of {rows:,}", now=done == rows)

    today = settings.effective_today()
    changes, problems, saved, unchanged = plan_import(
        data, table.rows, mapping, today, planned if progress.live else None
    )
    plan = ImportPlan(
        source=args.file,
        mapping={name: table.headers[index] for index, name in sorted(mapping.items())},
        guessed=not spec,
        changes=changes,
        problems=problems,
        unchanged=unchanged,
    )
    return plan, saved


def _print_plan(plan: ImportPlan, headers: list[str]) -> None:
    from ps_tui.core.safe_text import one_line

    how = "guessed from the headers: check it" if plan.guessed else "as given"
    print(f"columns ({how}):")
    width = max(len(header) for header in plan.mapping.values())
    for name, header in plan.mapping.items():
        print(f"  {one_line(header).ljust(width)}  -> {name}")
    ignored = [header for header in headers if header not in plan.mapping.values()]
    if ignored:
        print(f"  ignored: {one_line(', '.join(ignored))}")
    for change in plan.changes:
        what = f": {', '.join(change.fields)}" if change.action == "update" else ""
        print(one_line(f"line {change.line}: {change.action} {change.id} {change.customer}{what}"))
    creates = sum(change.action == "create" for change in plan.changes)
    print(f"{creates} to create, {len(plan.changes) - creates} to update, {plan.unchanged} unchanged")


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input("Write these changes with this mapping? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.session import load_store, open_store, write_many
    from ps_tui.tabular import TableError, read_table

    path = Path(args.file).expanduser()
    # Each step says how it goes on a terminal's stderr: a big store takes
    # seconds to load and to write, thousands of rows to check.
    progress = TerminalProgress(f"ps-tui import {args.file}")
    loading = progress.load if progress.live else None
    try:
        progress.say("reading the rows", now=True)
        try:
            table = read_table(path, sheet=args.sheet)
        except TableError as error:
            raise Failure(str(error)) from None
        store = open_store(settings)
        plan, _ = _plan(args, table, load_store(store, loading), settings, progress)
    finally:
        progress.clear()
    if args.json:
        print_json(plan)
    else:
        _print_plan(plan, table.headers)
    for problem in plan.problems:
        where = f"{args.file}:{problem.line}" + (f":{problem.column}" if problem.column else "")
        print(f"{where}: {problem.field}: {problem.message}", file=sys.stderr)
    if plan.problems:
        print(f"ps-tui import: {len(plan.problems)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.dry_run or not plan.changes:
        return EXIT_OK
    if plan.guessed and not args.yes and not _confirmed():
        raise Failure(
            "the columns were guessed from the headers (above): check them, then run again with "
            "--yes, or give them with --map HEADER=FIELD; nothing was written"
        )

    def change(data: StoreFile) -> list[Implementation]:
        # Planned again on the data as it is now, so a change made since
        # the plan above is neither overwritten nor missed.
        again, wanted = _plan(args, table, data, settings, progress)
        if again.problems:
            raise Failure(f"the store changed meanwhile: {again.problems[0].message}; nothing was written")
        return wanted

    try:
        _, written = write_many(store, change, loading)
    finally:
        progress.clear()
    if not args.json:
        print(f"written: {written} implementation(s)")
    return EXIT_OK
