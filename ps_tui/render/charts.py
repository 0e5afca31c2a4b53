"""The geometry of the HTML reports' charts, as numbers: the templates draw
them as inline SVG (so a report needs no script and prints as it shows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ps_tui.core.documents import KpiBucket, KpiMonth, MemberDocument

#: The drawing area of a chart, in SVG user units.
WIDTH = 640
HEIGHT = 180
#: Room for the labels below and left of the bars.
BOTTOM = 28
LEFT = 36


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    #: Whether the bar stands for a figure within the target.
    good: bool


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    #: The y of the target line, or None.
    target_y: float | None
    target_label: str
    #: The y of the axis' top and its value.
    top_label: str
    baseline: float


def columns(
    values: Sequence[tuple[str, float | None, str]],
    *,
    target: float | None = None,
    good: Sequence[bool] | None = None,
) -> Chart:
    """Vertical bars, one per (label, value, shown value); a value of None
    draws no bar. `target` draws a line at that value; a bar is `good` when
    at most the target (or as `good` says)."""
    top = max([v for _, v, _ in values if v is not None] + [target or 0, 1])
    top = float(top) * 1.15
    area = HEIGHT - BOTTOM
    step = (WIDTH - LEFT) / max(len(values), 1)
    bars = []
    for index, (text, value, shown) in enumerate(values):
        height = 0.0 if value is None else area * value / top
        within = good[index] if good is not None else target is None or value is None or value <= target
        bars.append(
            Bar(
                x=round(LEFT + index * step + step * 0.15, 1),
                y=round(area - height, 1),
                width=round(step * 0.7, 1),
                height=round(height, 1),
                label=text,
                value=shown,
                good=within,
            )
        )
    target_y = None if target is None else round(area - area * target / top, 1)
    return Chart(
        WIDTH,
        HEIGHT,
        bars,
        target_y,
        "" if target is None else f"target {target:g}",
        f"{top:.0f}",
        float(area),
    )


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def kpi_now_and_before(
    median: float | None,
    p90: float | None,
    median_before: float | None,
    p90_before: float | None,
    target: int,
) -> Chart:
    """The weekly report's median and p90, now and a week before, against the target."""
    return columns(
        [
            ("median now", median, _days(median)),
            ("median a week before", median_before, _days(median_before)),
            ("p90 now", p90, _days(p90)),
            ("p90 a week before", p90_before, _days(p90_before)),
        ],
        target=target,
    )


def team_load(team: Sequence[MemberDocument]) -> Chart:
    """Each member's load (1.0 = full) as a percentage, against 100."""
    return columns(
        [
            (m.name, None if m.load is None else m.load * 100, "" if m.load is None else f"{m.load:.0%}")
            for m in team
        ],
        target=100,
    )


def trend(months: Sequence[KpiMonth], target: int) -> Chart:
    """The median duration of each month's completions against the target."""
    return columns([(m.month[2:], m.median, _days(m.median)) for m in months], target=target)


def histogram(buckets: Sequence[KpiBucket], target: int) -> Chart:
    """Completions per duration bucket; a bucket past the target is marked."""
    return columns(
        [(b.bucket, b.count, str(b.count)) for b in buckets],
        good=[b.max_days is not None and b.max_days <= target for b in buckets],
    )
