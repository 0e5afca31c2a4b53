"""What the Reports screen asks for: stepping through weeks and months, the
file name an export suggests, the format a name chooses, whom a report may
be narrowed to, and the preview's cut of long tables."""

from __future__ import annotations

import datetime as dt

import pytest

from ps_tui.core.reports.choice import ReportChoice, format_of, implementation_index, owners
from ps_tui.data import default_store
from ps_tui.render import preview

TODAY = dt.date(2026, 12, 3)


def test_weeks_and_months_step_but_never_past_the_current_one() -> None:
    choice = ReportChoice.of_today(TODAY)
    assert (choice.kind, choice.week, choice.month) == ("weekly", "2026-W49", "2026-12")
    back = choice.step(-1, TODAY)
    assert back is not None and back.week == "2026-W48"
    assert choice.step(1, TODAY) is None
    year_start = ReportChoice("weekly", "2026-W01", "2026-01")
    moved = year_start.step(-1, TODAY)
    assert moved is not None and moved.week == "2025-W52"
    month = ReportChoice("monthly", "2026-W01", "2026-01").step(-1, TODAY)
    assert month is not None and month.month == "2025-12"
    assert ReportChoice("monthly", "2026-W49", "2026-12").step(1, TODAY) is None
    assert ReportChoice("customer", "2026-W49", "2026-12", implementation="IMP-0001").step(-1, TODAY) is None


@pytest.mark.parametrize(
    ("choice", "extension", "name"),
    [
        (ReportChoice("weekly", "2026-W48", "2026-11"), "md", "weekly-2026-W48.md"),
        (
            ReportChoice("weekly", "2026-W48", "2026-11", owner="Louis Jarvis"),
            "md",
            "weekly-2026-W48-louis-jarvis.md",
        ),
        (ReportChoice("monthly", "2026-W48", "2026-11"), "html", "monthly-2026-11.html"),
        (
            ReportChoice("customer", "2026-W48", "2026-11", implementation="IMP-0026"),
            "md",
            "customer-IMP-0026.md",
        ),
        (ReportChoice("weekly", "2026-W48", "2026-11", owner="../É/"), "json", "weekly-2026-W48-owner.json"),
    ],
)
def test_the_export_suggests_a_file_name(choice: ReportChoice, extension: str, name: str) -> None:
    assert choice.file_name(extension) == name


def test_the_extension_chooses_the_format() -> None:
    assert [format_of(n) for n in ("a.md", "A.HTML", "x.y.json", "r.markdown", "r.txt", "md", "")] == [
        "md",
        "html",
        "json",
        "md",
        None,
        None,
        None,
    ]


def test_owners_and_the_pick_come_from_the_data() -> None:
    data = default_store(TODAY)
    assert owners(data) == ["Louis Jarvis", "Marc LeBlanc"]
    index = implementation_index(data.implementations)
    assert [m.record.source for m in index.search("IMP-0026", limit=3)] == ["IMP-0026"]
    assert index.search("weyland", limit=3)[0].record.name == "Weyland-Yutani (IMP-0029)"


def test_the_preview_cuts_long_tables_and_lists_and_says_so() -> None:
    rows = "\n".join(f"| r{n} |" for n in range(25))
    items = "\n".join(f"- i{n}" for n in range(3))
    text = f"# T\n\n| h |\n| --- |\n{rows}\n\n{items}\n"
    shown = preview(text, rows=20)
    assert "| r19 |" in shown and "| r20 |" not in shown
    assert "_… 5 more not shown here: the export and the copy have them all._" in shown
    assert "- i2" in shown and shown.count("more not shown") == 1
    assert preview(items + "\n", rows=20) == items + "\n"
