"""`ps-tui kpi` as text: each part says which window it covers."""

from __future__ import annotations

import pytest

from ps_tui.cli import main


def kpi_text(capsys: pytest.CaptureFixture[str], *flags: str) -> list[str]:
    assert main(["kpi", "--today", "2026-11-30", *flags]) == 0
    return capsys.readouterr().out.splitlines()


def test_each_part_is_labelled_with_its_own_window(capsys: pytest.CaptureFixture[str]) -> None:
    lines = kpi_text(capsys)
    assert (
        lines[0] == "Implementation duration, kickoff to production-ready (as of 2026-11-30), target 30 days"
    )
    assert "  completions in the last 90 days:" in lines
    assert "  in progress today:" in lines
    by_month = "  median days by month of completion, the last 12 months:"
    assert by_month in lines
    months = lines[lines.index(by_month) + 1 :]
    assert len(months) == 12 and months[0].startswith("    2025-12") and months[-1].startswith("    2026-11")
    # "last 90 days" is said once, of the summary only.
    assert sum("90 days" in line for line in lines) == 1


def test_all_time_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    lines = kpi_text(capsys, "--window", "all")
    assert "  all completions:" in lines
    assert "  median days by month of completion, the last 12 months:" in lines
