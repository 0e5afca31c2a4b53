"""Rows of a spreadsheet or CRM export as implementations: which column is
which field, and what each row creates or updates, checked by the form's
own rules (`forms.parse_form`) so an import refuses what the form refuses.

All or nothing: `plan_import` returns every problem of every row, and a
plan with problems is never written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import msgspec

from ps_tui.core.forms import FORM_FIELDS, blank_form, field_choices, form_values, parse_form
from ps_tui.core.model import Implementation, StoreFile
from ps_tui.core.portfolio import entry_problems, id_number, numbered_id
from ps_tui.core.safe_text import one_line

#: The field an "id" column names: not in the form, which never edits ids.
ID = "id"

#: Header names (besides each field's name and label) that name a field, as
#: CRM and spreadsheet exports spell them; compared without case, spaces or
#: punctuation.
_ALIASES: dict[str, tuple[str, ...]] = {
    ID: ("id", "implementation id", "implementation"),
    "customer": ("account", "account name", "company", "company name", "customer name", "client"),
    "developers": ("devs", "developer count", "number of developers", "engineers", "seats"),
    "arr": ("annual recurring revenue", "arr usd", "contract value", "acv"),
    "kickoff": ("kickoff date", "kick off", "start", "start date", "kick-off"),
    "production_ready": ("production ready date", "go live", "go-live", "go live date", "completed"),
    "ie_owner": ("owner", "implementation engineer", "ie", "engineer"),
    "project_manager": ("pm", "ipm", "implementation project manager"),
    "resident_architect": ("ra", "architect"),
    "instance_url": ("url", "instance", "instance address"),
    "notes": ("note", "comments", "description"),
    "package": ("package name", "plan"),
    "status": ("stage", "state"),
}


def _squash(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


def _known_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for form_field in FORM_FIELDS:
        for spelled in (form_field.name, form_field.label, *_ALIASES.get(form_field.name, ())):
            names.setdefault(_squash(spelled), form_field.name)
    for spelled in _ALIASES[ID]:
        names.setdefault(_squash(spelled), ID)
    return names


def importable_fields() -> list[str]:
    """The fields a column may map to: `id` and the form's fields."""
    return [ID, *(f.name for f in FORM_FIELDS)]


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index -> field, for the headers that name a field; the first
    column naming a field wins, the others are left out."""
    names = _known_names()
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = names.get(_squash(header))
        if name is not None and name not in mapping.values():
            mapping[index] = name
    return mapping


class MappingProblem(ValueError):
    """A column mapping that names no column or no field."""


def mapping_from(spec: Mapping[str, str], headers: Sequence[str]) -> dict[int, str]:
    """Column index -> field from `header name -> field` pairs given by the
    user (flags or a mapping file); headers match without case."""
    fields = set(importable_fields())
    by_header = {header.strip().casefold(): index for index, header in enumerate(headers)}
    mapping: dict[int, str] = {}
    for header, name in spec.items():
        target = name.strip().replace("-", "_")
        if target not in fields:
            raise MappingProblem(f"{header!r}: {name!r} is not a field (fields: {', '.join(sorted(fields))})")
        index = by_header.get(header.strip().casefold())
        if index is None:
            raise MappingProblem(f"{header!r}: no such column (columns: {', '.join(map(repr, headers))})")
        if target in mapping.values():
            raise MappingProblem(f"{header!r}: {target} is already given by another column")
        mapping[index] = target
    return mapping


@dataclass(frozen=True)
class Row:
    """One data row: where it is (a line of a CSV file, a row of a sheet)
    and its cells as text."""

    line: int
    cells: Sequence[str]


class ImportProblem(msgspec.Struct, frozen=True):
    """Why a row cannot be imported, where: line and column (1-based; 0 for
    the row as a whole)."""

    line: int
    column: int
    field: str
    message: str


class ImportChange(msgspec.Struct, frozen=True):
    """One implementation the import creates or updates."""

    line: int
    action: str  # "create" or "update"
    id: str
    customer: str
    #: The fields an update changes (a create sets them all).
    fields: list[str] = msgspec.field(default_factory=list)


class ImportPlan(msgspec.Struct, kw_only=True):
    """What an import does, as `ps-tui import --json` prints it."""

    source: str
    #: Field -> the column header it is read from.
    mapping: dict[str, str]
    #: Whether the mapping was guessed from the headers.
    guessed: bool
    changes: list[ImportChange]
    problems: list[ImportProblem]
    #: Rows that change nothing (an update with every field as stored).
    unchanged: int = 0


def _canonical(name: str, text: str, data: StoreFile) -> str:
    """A cell as the form reads it: a choice by its label or value in any
    case (`Production deployment`, `Implementation Standard`), a member by
    name in any case. Anything else is left for the form to refuse."""
    form_field = next((f for f in FORM_FIELDS if f.name == name), None)
    if form_field is None or form_field.kind not in ("choice", "member") or not text:
        return text
    wanted = text.casefold()
    for choice in field_choices(form_field, data):
        if choice.value and wanted in (choice.value.casefold(), choice.label.casefold()):
            return choice.value
    return text


#: Rows planned between two calls of `plan_import`'s `planned`.
PLAN_SLICE = 100


def plan_import(
    data: StoreFile,
    rows: Sequence[Row],
    mapping: Mapping[int, str],
    today: dt.date,
    planned: Callable[[int], None] | None = None,
) -> tuple[list[ImportChange], list[ImportProblem], list[Implementation], int]:
    """What the rows create and update in `data`: the changes, every
    problem (empty when the import may be written), the implementations to
    save, and how many rows change nothing. `planned`, when given, is told
    how many rows are planned after every `PLAN_SLICE` of them.

    A row updates the implementation its id names, else the one implementation
    of its customer (by name, any case); with neither it creates one with
    the next free id. An empty cell changes nothing: an update keeps the
    stored value, a new one the form's default."""
    by_id = {impl.id: impl for impl in data.implementations}
    by_customer: dict[str, list[Implementation]] = {}
    for impl in data.implementations:
        by_customer.setdefault(impl.customer.casefold(), []).append(impl)
    columns = {name: index for index, name in mapping.items()}
    changes: list[ImportChange] = []
    problems: list[ImportProblem] = []
    saved: list[Implementation] = []
    touched: dict[str, int] = {}
    unchanged = 0
    # The number of the next free id, as `next_id` of the store with the
    # rows created so far (counted, not searched for again at every row).
    highest = max((id_number(impl.id) for impl in data.implementations), default=0)

    def problem(row: Row, name: str, message: str) -> None:
        column = columns.get(name, -1) + 1
        problems.append(ImportProblem(row.line, column, name, one_line(message)))

    for count, row in enumerate(rows, 1):
        if planned is not None and count % PLAN_SLICE == 0:
            planned(count)
        cells = {name: (row.cells[i].strip() if i < len(row.cells) else "") for i, name in mapping.items()}
        base: Implementation | None = None
        wanted_id = cells.get(ID, "")
        if wanted_id:
            base = by_id.get(wanted_id)
        elif cells.get("customer"):
            same = by_customer.get(cells["customer"].casefold(), [])
            if len(same) > 1:
                ids = ", ".join(impl.id for impl in same)
                problem(
                    row, "customer", f"{len(same)} implementations of this customer ({ids}): add an id column"
                )
                continue
            base = same[0] if same else None
        new_id = base.id if base is not None else (wanted_id or numbered_id(highest + 1))
        if base is not None or wanted_id:
            # A new one without an id takes the next free id, never one
            # an earlier row took.
            if new_id in touched:
                problem(row, ID if wanted_id else "customer", f"{new_id} is also on line {touched[new_id]}")
                continue
            touched[new_id] = row.line
        values = form_values(base) if base is not None else blank_form(data)
        for name, text in cells.items():
            if name != ID and text:
                values[name] = _canonical(name, text, data)
        result = parse_form(values, data, base, new_id, today=today)
        if result.implementation is None:
            for name, message in result.errors.items():
                problem(row, name, message)
            continue
        written = result.implementation
        entry = entry_problems(data, written, base, today)
        if entry:
            for found in entry:
                problem(row, found.path.split(".")[0].split("[")[0], found.message)
            continue
        if base is None:
            given = sorted(name for name, text in cells.items() if text and name != ID)
            changes.append(ImportChange(row.line, "create", new_id, written.customer, given))
            # The next row's free id follows this one.
            highest = max(highest, id_number(written.id))
        else:
            before, after = form_values(base), form_values(written)
            differ = [name for name in before if before[name] != after[name]]
            if not differ:
                unchanged += 1
                continue
            changes.append(ImportChange(row.line, "update", new_id, written.customer, differ))
        saved.append(written)
    if planned is not None:
        planned(len(rows))
    return changes, problems, saved, unchanged
