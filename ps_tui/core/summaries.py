"""The KPI figures and the team's load as plain text: what `ps-tui kpi` and
`ps-tui team` print, and what `y` copies from the Dashboard and Team screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ps_tui.core.documents import KpiDocument
from ps_tui.core.model import StoreFile

TEAM_HEADER = ("Role", "Name", "Slack", "Active", "Hours/wk", "Load")
TEAM_RIGHT = (False, False, False, True, True, False)


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A header row and the rows in aligned columns, two spaces apart; a
    column with `right` set is right-aligned (numbers)."""
    lines = [list(header), *map(list, rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            text.rjust(width) if flush else text.ljust(width)
            for text, width, flush in zip(line, widths, right, strict=True)
        ).rstrip()
        for line in lines
    )


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g} days"


def kpi_text(figures: KpiDocument, today: dt.date, window: int | None) -> str:
    """The KPI figures in lines, each part under its own window: the summary
    over the completions in the window, the counts as of today, the trend
    over its months."""
    from ps_tui.core.kpi import TREND_MONTHS

    share = figures.within_target_share
    scope = "all completions" if window is None else f"completions in the last {window} days"
    lines = [
        f"Implementation duration, kickoff to production-ready (as of {today.isoformat()}), "
        f"target {figures.target_days} days",
        f"  {scope}:",
        f"    completed        {figures.completed}",
        f"    median           {_days(figures.median)}",
        f"    p90              {_days(figures.p90)}",
        f"    mean             {_days(figures.mean)}",
        f"    within target    {'—' if share is None else f'{share:.0%}'}",
        "  in progress today:",
        f"    active           {figures.active}",
        f"    at risk          {figures.at_risk}",
        f"    overdue          {figures.overdue}",
        f"  median days by month of completion, the last {TREND_MONTHS} months:",
    ]
    lines += [
        f"    {m.month}  {'—' if m.median is None else f'{m.median:g}':>5}  ({m.count} completed)"
        for m in figures.monthly
    ]
    return "\n".join(lines)


def team_rows(data: StoreFile) -> list[list[str]]:
    """Each member's row of `ps-tui team`, in the Team screen's order."""
    from ps_tui.core.team import load_band, team_load

    rows = []
    for load in team_load(data):
        member = load.member
        share = load.share
        rows.append(
            [
                member.role.label,
                member.name,
                member.slack or "—",
                str(load.active),
                # To one decimal, as in the JSON.
                f"{load.weekly_hours:.1f}/{member.capacity_hours}",
                "no capacity" if share is None else f"{share:>4.0%} {load_band(share).value}",
            ]
        )
    return rows


def team_text(data: StoreFile) -> str:
    return aligned(TEAM_HEADER, team_rows(data), TEAM_RIGHT)
