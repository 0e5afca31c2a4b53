"""Rows of the results table: medians, ratios, budgets, verdicts; text and JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: Seconds, mebibytes, or kilobytes (1,000 bytes: a per-item memory figure).
Unit = Literal["s", "MiB", "KB"]


@dataclass
class Stat:
    """Samples of one figure; `unit` says how to print them."""

    samples: list[float]
    unit: Unit = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def text(self) -> str:
        return format_value(self.median, self.unit)

    def to_json(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "n": len(self.samples),
            "unit": self.unit,
            "samples": self.samples,
        }


def format_value(value: float, unit: Unit) -> str:
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "KB":
        return f"{value:.2f} KB"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


@dataclass(frozen=True)
class Budget:
    """`ratio`: ps-tui median / baseline median must be at most `limit`.
    `absolute`: the ps-tui median must be under `limit` seconds."""

    kind: Literal["ratio", "absolute"]
    limit: float
    #: The unit of an absolute limit.
    unit: Unit = "s"

    def text(self) -> str:
        if self.kind == "ratio":
            return f"<= {self.limit:g}x"
        return f"< {format_value(self.limit, self.unit)}"


@dataclass
class Row:
    """One line of the table."""

    case: str
    figure: str
    baseline: str
    ours: Stat | None = None
    theirs: Stat | None = None
    budget: Budget | None = None
    #: Shown instead of a figure when there is none (error, unavailable, not measured).
    ours_missing: str = ""
    theirs_missing: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.theirs is None or self.theirs.median == 0:
            return None
        return self.ours.median / self.theirs.median

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return "info"
        if self.budget.kind == "absolute":
            if self.ours is None:
                return "n/a"
            return "pass" if self.ours.median < self.budget.limit else "FAIL"
        ratio = self.ratio
        if ratio is None:
            return "n/a"
        return "pass" if ratio <= self.budget.limit else "FAIL"

    def cells(self) -> list[str]:
        ratio = self.ratio
        return [
            self.figure,
            self.ours.text() if self.ours else self.ours_missing or "—",
            self.baseline,
            self.theirs.text() if self.theirs else self.theirs_missing or "—",
            f"{ratio:.2f}x" if ratio is not None else "—",
            self.budget.text() if self.budget else "—",
            self.verdict,
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "figure": self.figure,
            "ps_tui": self.ours.to_json() if self.ours else None,
            "ps_tui_missing": self.ours_missing or None,
            "baseline": self.baseline,
            "baseline_result": self.theirs.to_json() if self.theirs else None,
            "baseline_missing": self.theirs_missing or None,
            "ratio": self.ratio,
            "budget": self.budget.text() if self.budget else None,
            "verdict": self.verdict,
            "notes": self.notes,
        }


HEADERS = ["figure", "ps-tui median", "baseline", "baseline median", "ratio", "budget", "pass/fail"]
#: Columns right-aligned in the text table.
_RIGHT = {1, 3, 4}


def table(rows: list[Row]) -> str:
    """The results as one plain-text table, then the numbered notes."""
    body = [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in [HEADERS, *body]) for i in range(len(HEADERS))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in _RIGHT else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(HEADERS), line(["-" * w for w in widths])]
    out.extend(line(cells) for cells in body)
    notes = [(row.figure, note) for row in rows for note in row.notes]
    if notes:
        out.append("")
        out.append("Notes:")
        out.extend(f"- {figure}: {note}" for figure, note in notes)
    return "\n".join(out)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {}
    from importlib.metadata import PackageNotFoundError, version

    for package in ("textual", "msgspec", "textual-fastdatatable", "pyarrow", "tomli-w"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
