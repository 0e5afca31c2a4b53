"""The columns of `ps-tui list --format csv` and of its text table.

Each column is one value of a `RowDocument` (the row `--format json` prints),
in two forms: raw for CSV (whole numbers, ISO dates, stored keys such as
`managed_cloud` or `at_risk`, an empty cell for an unknown value), and as the
Implementations screen shows it for the table (`$2.4M`, `made target`, `—`).
So a script reading the CSV never parses display text, and the table reads
as the screen does.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ps_tui.core.documents import RowDocument
from ps_tui.core.health import health_words
from ps_tui.core.model import Reference
from ps_tui.core.parse import UNKNOWN, format_arr, format_count

#: A raw cell: what the csv module writes as it is (None as an empty cell).
Raw = str | int | None


@dataclass(frozen=True)
class ReportColumn:
    """One column: `key` names it in `--columns`; `raw` is its CSV value,
    `text` what the table shows."""

    key: str
    title: str
    raw: Callable[[RowDocument], Raw]
    text: Callable[[RowDocument, Reference], str]
    right: bool = False


def _raw(value: object) -> Raw:
    """A stored value as a CSV cell: an enum as its key, a date as ISO 8601."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _field(name: str) -> Callable[[RowDocument], Raw]:
    return lambda document: _raw(getattr(document, name))


def _plain(name: str) -> Callable[[RowDocument, Reference], str]:
    """The value as it is, or `—` when unknown or empty."""

    def text(document: RowDocument, reference: Reference) -> str:
        value = _raw(getattr(document, name))
        return UNKNOWN if value is None or value == "" else str(value)

    return text


def _label(name: str) -> Callable[[RowDocument, Reference], str]:
    """An enum's label: `Managed cloud`, `On hold`, `made target`."""
    return lambda document, reference: str(getattr(document, name).label)


def _count(name: str) -> Callable[[RowDocument, Reference], str]:
    return lambda document, reference: format_count(getattr(document, name))


def _column(
    key: str,
    title: str,
    text: Callable[[RowDocument, Reference], str] | None = None,
    *,
    right: bool = False,
) -> ReportColumn:
    return ReportColumn(key, title, _field(key), text or _plain(key), right)


def _package(document: RowDocument, reference: Reference) -> str:
    package = reference.package(document.package)
    return package.name if package is not None else document.package


COLUMNS: tuple[ReportColumn, ...] = (
    _column("id", "ID"),
    _column("customer", "Customer"),
    _column("segment", "Segment", lambda document, reference: reference.segment_name(document.segment)),
    _column("developers", "Developers", _count("developers"), right=True),
    _column("arr", "ARR", lambda document, reference: format_arr(document.arr), right=True),
    _column("engagement", "Engagement", _label("engagement")),
    _column("deployment", "Deployment", _label("deployment")),
    _column("hosting", "Hosting", _label("hosting")),
    _column("package", "Package", _package),
    _column("package_hours", "Package h", _count("package_hours"), right=True),
    _column("package_days", "Package d", _count("package_days"), right=True),
    _column("status", "Status", _label("status")),
    _column("kickoff", "Kickoff"),
    _column("production_ready", "Production-ready"),
    _column("ie_owner", "Owner"),
    _column("project_manager", "Project manager"),
    _column("resident_architect", "Resident architect"),
    _column("current_milestone_key", "Milestone key"),
    _column("current_milestone", "Milestone"),
    _column("days", "Days", right=True),
    _column("target", "Target", right=True),
    _column(
        "health", "Health", lambda document, reference: health_words(document.health, document.health_by_risk)
    ),
    _column("projected", "Projected"),
    _column("instance_url", "Instance URL"),
    _column("slack_channel", "Slack channel"),
    _column("notes", "Notes"),
    _column("updated", "Updated"),
)
BY_KEY = {column.key: column for column in COLUMNS}
#: Other names a column answers to: the screen's and the filter's.
ALIASES = {
    "owner": "ie_owner",
    "pm": "project_manager",
    "ra": "resident_architect",
    "milestone": "current_milestone",
    "phase": "current_milestone",
}

#: What CSV prints by default: every column.
CSV_COLUMNS = tuple(column.key for column in COLUMNS)
#: What the table prints by default: the Implementations screen's columns and the status.
TABLE_COLUMNS = (
    "customer",
    "segment",
    "arr",
    "deployment",
    "ie_owner",
    "current_milestone",
    "days",
    "target",
    "health",
    "status",
)


class ColumnError(ValueError):
    """`--columns` names a column that does not exist; the message lists them."""


def choose_columns(text: str | None, default: Sequence[str]) -> list[ReportColumn]:
    """The columns `text` names (comma-separated keys, any case, aliases
    allowed, in the order given), or `default`'s. Raises ColumnError."""
    if text is None:
        return [BY_KEY[key] for key in default]
    chosen: list[ReportColumn] = []
    for word in text.split(","):
        key = word.strip().casefold().replace("-", "_")
        column = BY_KEY.get(ALIASES.get(key, key))
        if column is None:
            known = ", ".join(BY_KEY)
            shown = word.strip()
            raise ColumnError(f"unknown column {shown!r}; use some of {known}, separated by commas")
        if column not in chosen:
            chosen.append(column)
    return chosen


__all__ = [
    "ALIASES",
    "BY_KEY",
    "COLUMNS",
    "CSV_COLUMNS",
    "TABLE_COLUMNS",
    "ColumnError",
    "Raw",
    "ReportColumn",
    "choose_columns",
]
