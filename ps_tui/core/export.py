"""The rows on screen as text to export or copy: CSV (raw values, as
`ps-tui list --format csv`), JSON (the row documents, as `--format json`) or
a Markdown table (as the table shows the values)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import msgspec

from ps_tui.core.documents import RowDocument
from ps_tui.core.model import Reference
from ps_tui.core.report import ALIASES, BY_KEY, ReportColumn
from ps_tui.core.safe_text import markdown_text

#: File extensions and the format each one means.
FORMATS = {".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md"}


def columns_for(keys: Sequence[str]) -> list[ReportColumn]:
    """The report columns of the table's column keys (`owner` is `ie_owner`)."""
    return [BY_KEY[ALIASES.get(key, key)] for key in keys]


def rows_csv(documents: Sequence[RowDocument], columns: Sequence[ReportColumn]) -> str:
    """A header of column keys, then each row's raw values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.key for column in columns])
    writer.writerows([column.raw(document) for column in columns] for document in documents)
    return out.getvalue()


def rows_json(documents: Sequence[RowDocument]) -> str:
    return msgspec.json.format(msgspec.json.encode(list(documents)), indent=2).decode("utf-8") + "\n"


def rows_markdown(
    documents: Sequence[RowDocument], columns: Sequence[ReportColumn], reference: Reference
) -> str:
    """A Markdown table: the titles, then each row as the table shows it."""
    lines = [
        "| " + " | ".join(markdown_text(column.title) for column in columns) + " |",
        "| " + " | ".join("---:" if column.right else "---" for column in columns) + " |",
    ]
    for document in documents:
        lines.append(
            "| " + " | ".join(markdown_text(column.text(document, reference)) for column in columns) + " |"
        )
    return "\n".join(lines) + "\n"


def export_text(
    kind: str, documents: Sequence[RowDocument], columns: Sequence[ReportColumn], reference: Reference
) -> str:
    """The rows in format `kind` (csv, json or md)."""
    if kind == "csv":
        return rows_csv(documents, columns)
    if kind == "json":
        return rows_json(documents)
    return rows_markdown(documents, columns, reference)


def row_line(document: RowDocument, columns: Sequence[ReportColumn], reference: Reference) -> str:
    """One row as a line of text, its values as the table shows them."""
    return " · ".join(" ".join(column.text(document, reference).split()) for column in columns)
