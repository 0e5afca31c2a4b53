"""What the write commands (`new`, `edit`, `advance`, `close`, `risk`,
`delete`) share: the form's fields as flags, and how a written
implementation is printed. Each command decides its write from the loaded
store with the same core functions as the TUI, and `session.write` makes it
through the store (a file's save is recorded in its history)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ps_tui.cli.diagnostics import EXIT_OK, Failure, print_json
from ps_tui.core.forms import FORM_FIELDS

if TYPE_CHECKING:
    from ps_tui.core.model import Implementation, StoreFile


def flag(field: str) -> str:
    """The flag of a form field: `ie_owner` -> `--ie-owner`."""
    return "--" + field.replace("_", "-")


def add_field_flags(parser: argparse.ArgumentParser) -> None:
    """A flag per field of the TUI's form, and `--set FIELD=VALUE`."""
    fields = parser.add_argument_group("fields (as in the TUI's form; an empty value clears a field)")
    for form_field in FORM_FIELDS:
        hint = f" ({form_field.hint})" if form_field.hint else ""
        fields.add_argument(
            flag(form_field.name),
            dest=f"field_{form_field.name}",
            metavar="VALUE",
            help=f"{form_field.label}{hint}",
        )
    fields.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="any field by its store name, e.g. --set ie_owner='Louis Jarvis' (repeatable)",
    )


def field_values(args: argparse.Namespace) -> dict[str, str]:
    """The fields the command line gives: from their flags and from --set."""
    names = {f.name for f in FORM_FIELDS}
    values = {
        f.name: value for f in FORM_FIELDS if (value := getattr(args, f"field_{f.name}", None)) is not None
    }
    for item in args.set:
        name, equals, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not equals:
            raise Failure(f"--set {item!r}: write FIELD=VALUE")
        if name not in names:
            known = ", ".join(sorted(names))
            raise Failure(f"--set {name}: not a field (fields: {known})")
        values[name] = value
    return values


def refused(errors: Mapping[str, str]) -> Failure:
    """The form's refusal, each problem on the flag of its field."""
    names = {f.name for f in FORM_FIELDS}
    lines = [f"{flag(name) if name in names else name}: {message}" for name, message in errors.items()]
    return Failure("; ".join(lines))


def refuse_if_invalid(data: StoreFile, changed: Implementation, base: Implementation, today: dt.date) -> None:
    """Refuse a change the store would refuse as it enters (the rules of
    the TUI's dialogs), with the first problem, before anything is written."""
    from ps_tui.core.portfolio import entry_problems
    from ps_tui.session import RequestProblem

    problems = entry_problems(data, changed, base, today)
    if problems:
        raise RequestProblem(f"{base.id}: {problems[0].message}")


def report_written(args: argparse.Namespace, data: StoreFile, implementation_id: str, what: str) -> int:
    """Print the implementation as stored (`--json`), or a line saying what was done."""
    from ps_tui.core.safe_text import one_line
    from ps_tui.session import find

    written: Implementation = find(data, implementation_id)
    if args.json:
        print_json(written)
    else:
        print(one_line(f"{what}: {written.id} {written.customer}"))
    return EXIT_OK


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the implementation as stored, as JSON")
