"""Reports as Markdown and HTML, rendered with Jinja2 from the templates in
`templates/`, from the report documents of `core/reports/`.

Stored text is untrusted, so every value a template prints is escaped:
HTML by Jinja2's autoescape; Markdown by a `finalize` hook that every
`{{ ... }}` passes through (`markdown_text`), so a template cannot forget
it. In both, a control character is shown as its escape (`\\x1b`), never
written: a report printed to a terminal cannot act on it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ps_tui.core.health import Health, health_words
from ps_tui.core.model import Role, Severity, Status
from ps_tui.core.reports import CustomerReport, MonthlyReport, WeeklyReport
from ps_tui.core.safe_text import markdown_text
from ps_tui.render import charts

Report = WeeklyReport | CustomerReport | MonthlyReport

#: The formats `render` writes (JSON is the document itself, encoded by msgspec).
FORMATS = ("md", "html")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def html_text(value: object) -> object:
    """A value for HTML (escaped by autoescape after this): control
    characters but newlines shown as their escapes."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub(lambda found: repr(found[0])[1:-1], value)
    return value


def day(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


def days(value: float | int | None) -> str:
    if value is None:
        return "—"
    shown = f"{value:g}"
    return f"{shown} day" if shown in ("1", "-1") else f"{shown} days"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def signed(value: int | None) -> str:
    """Days against a target: `+5` over, `-2` left, `0` on it."""
    return "—" if value is None else f"{value:+d}" if value else "0"


def label(value: object) -> str:
    """An enum as a person reads it (`at risk`, `Implementation engineer`)."""
    if isinstance(value, Health | Role | Severity | Status):
        return value.label
    return "—" if value is None else str(value)


def health(item: Any) -> str:
    """An item's health as the list writes it: "at risk (risk)" where an
    open risk decided it (`core.health.health_words`, the one rule)."""
    return health_words(item.health, item.health_by_risk)


FILTERS: dict[str, Callable[..., Any]] = {
    "health": health,
    "day": day,
    "days": days,
    "share": share,
    "signed": signed,
    "label": label,
}


@cache
def _environment(kind: str) -> jinja2.Environment:
    markdown = kind == "md"
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ps_tui.render", "templates"),
        autoescape=not markdown,
        finalize=markdown_text if markdown else html_text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(FILTERS)
    environment.globals["charts"] = charts
    return environment


def render(report: Report, kind: str) -> str:
    """The report as Markdown (`md`) or a self-contained HTML page (`html`)."""
    if kind not in FORMATS:
        raise ValueError(f"unknown report format {kind!r}")
    name = report.__struct_config__.tag
    template = _environment(kind).get_template(f"{name}.{kind}.j2")
    return template.render(r=report)


#: How many rows of each table or items of each list a preview shows.
PREVIEW_ROWS = 20


def preview(markdown: str, rows: int = PREVIEW_ROWS) -> str:
    """A report's Markdown with each table and list cut after `rows` rows
    or items, saying how many more there are: what a screen can draw
    quickly (every table cell is a widget there), while the export and the
    copy keep them all."""
    lines: list[str] = []
    kind: str | None = None
    count = cut = 0

    def close() -> None:
        if cut:
            lines.extend(["", f"_… {cut:,} more not shown here: the export and the copy have them all._"])

    for line in markdown.splitlines():
        now = "table" if line.startswith("|") else "list" if line.startswith("- ") else None
        if now != kind:
            close()
            kind, count, cut = now, 0, 0
        if now is not None:
            count += 1
            # A table's first two lines are its header and rule.
            if count > rows + (2 if now == "table" else 0):
                cut += 1
                continue
        lines.append(line)
    close()
    return "\n".join(lines) + "\n"


__all__ = ["FORMATS", "PREVIEW_ROWS", "markdown_text", "preview", "render"]
