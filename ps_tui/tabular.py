"""Spreadsheet files read as rows of text: CSV (any of `,` `;` tab, UTF-8)
and Excel `.xlsx` (openpyxl, an optional extra). Bounded, as every input:
the file's size, the number of rows and columns, and a cell's length.

A row keeps its place in the file (the CSV line it starts on, the sheet's
row number), so a problem can be shown as FILE:LINE:COLUMN."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ps_tui.core.importing import Row

MAX_BYTES = 64 << 20
MAX_ROWS = 200_000
MAX_COLUMNS = 256
MAX_CELL = 100_000


class TableError(ValueError):
    """A file that cannot be read as a table; the message names the file
    (and the line, where there is one)."""


@dataclass(frozen=True)
class Table:
    """A header row and the data rows under it."""

    headers: list[str]
    rows: list[Row]


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """The table in a `.csv` or `.xlsx` file, by its extension."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise TableError(f"{path}: --sheet is for .xlsx files")
    return _read_csv(path)


def _raw(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise TableError(f"{path}: not a file")
        if path.stat().st_size > MAX_BYTES:
            raise TableError(f"{path}: larger than {MAX_BYTES >> 20} MiB")
        return path.read_bytes()
    except OSError as error:
        raise TableError(f"{path}: cannot read ({error.strerror or error})") from None


def _checked(path: Path, line: int, cells: list[str]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        raise TableError(f"{path}:{line}: more than {MAX_COLUMNS} columns")
    for column, cell in enumerate(cells, 1):
        if len(cell) > MAX_CELL:
            raise TableError(f"{path}:{line}:{column}: a cell longer than {MAX_CELL:,} characters")
    return cells


def _table(path: Path, numbered: list[tuple[int, list[str]]]) -> Table:
    filled = [(line, cells) for line, cells in numbered if any(cell.strip() for cell in cells)]
    if not filled:
        raise TableError(f"{path}: no header row (the file is empty)")
    (_, headers), *data = filled
    if len(data) > MAX_ROWS:
        raise TableError(f"{path}: more than {MAX_ROWS:,} rows")
    return Table([header.strip() for header in headers], [Row(line, cells) for line, cells in data])


def _read_csv(path: Path) -> Table:
    raw = _raw(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise TableError(
            f"{path}:{line}: not UTF-8 (byte {error.start}); export the file as CSV UTF-8"
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if "\x00" in "".join(cells):
                raise TableError(f"{path}:{start}: a NUL byte: not a text file")
            numbered.append((start, _checked(path, start, cells)))
            if len(numbered) > MAX_ROWS + 1:
                break
            start = reader.line_num + 1
    except csv.Error as error:
        raise TableError(f"{path}:{reader.line_num}: {error}") from None
    return _table(path, numbered)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        raise TableError(
            f"{path}: reading .xlsx needs openpyxl: pip install 'ps-tui[xlsx]' (or export the sheet as CSV)"
        ) from None
    _raw(path)  # the size bound, and a clear message for a missing file
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError(f"{path}: not an Excel workbook ({error})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise TableError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        numbered: list[tuple[int, list[str]]] = []
        for line, values in enumerate(worksheet.iter_rows(values_only=True), 1):
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            numbered.append((line, _checked(path, line, cells)))
            if len(numbered) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return _table(path, numbered)
