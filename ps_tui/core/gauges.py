"""How each dashboard gauge reads against the target: value, caption, level.

Kept apart from the widgets so the thresholds are plain, tested rules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ps_tui.core.kpi import KpiFigures


class Level(StrEnum):
    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    NEUTRAL = "neutral"


#: Words beside each level, so colour is never the only signal.
LEVEL_WORDS = {Level.GOOD: "on target", Level.WARN: "watch", Level.BAD: "off target", Level.NEUTRAL: ""}
#: The same in one character, for a box too narrow for the words.
LEVEL_MARKS = {Level.GOOD: "✓", Level.WARN: "!", Level.BAD: "✗", Level.NEUTRAL: ""}


@dataclass(frozen=True)
class Reading:
    """One gauge: `value` is short enough for big digits; `fraction` (0..1)
    fills the bar, None for no bar."""

    key: str
    title: str
    value: str
    caption: str
    level: Level
    fraction: float | None


#: The caption of a gauge with no completions to read.
NONE_YET = "no data yet"


def caption_line(reading: Reading, width: int) -> str:
    """The caption as shown in `width` cells: the level in words and the
    caption (`watch · target ≤30 d`), or, when that does not fit, the level
    as a mark (`! target ≤30 d`). Either way the level is never in colour
    alone; the caller cuts what still does not fit."""
    words = LEVEL_WORDS[reading.level]
    if not words:
        return reading.caption
    full = f"{words} · {reading.caption}"
    if len(full) <= width:
        return full
    return f"{LEVEL_MARKS[reading.level]} {reading.caption}"


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _by_days(value: float | None, target: int, warn_factor: float) -> Level:
    if value is None:
        return Level.NEUTRAL
    if value <= target:
        return Level.GOOD
    return Level.WARN if value <= target * warn_factor else Level.BAD


def _days_reading(key: str, title: str, days: float | None, target: int, warn_factor: float) -> Reading:
    """A gauge of days against the target: good within it, a warning up to
    `warn_factor` times it, bad beyond; the bar fills up to the target."""
    return Reading(
        key,
        title,
        _days(days),
        # The target, named: "≤30 d" alone read as a claim about the value.
        NONE_YET if days is None else f"target ≤{target} d",
        _by_days(days, target, warn_factor),
        None if days is None else min(days / target, 1.0),
    )


def readings(figures: KpiFigures) -> list[Reading]:
    """The six gauges of the dashboard, in display order."""
    target = figures.target_days
    share = figures.within_target_share
    if share is None:
        share_level = Level.NEUTRAL
    else:
        share_level = Level.GOOD if share >= 0.8 else Level.WARN if share >= 0.6 else Level.BAD
    active = figures.active
    return [
        _days_reading("median", "Median days", figures.median, target, 1.25),
        _days_reading("p90", "p90 days", figures.p90, target, 1.5),
        Reading(
            "within",
            "Within target",
            "—" if share is None else f"{share * 100:.0f}%",
            f"{figures.completed} done" if share is not None else NONE_YET,
            share_level,
            share,
        ),
        Reading("active", "Active", str(active), "in progress", Level.NEUTRAL, None),
        Reading(
            "at_risk",
            "At risk",
            str(figures.at_risk),
            f"of {active} active",
            Level.GOOD if figures.at_risk == 0 else Level.WARN,
            figures.at_risk / active if active else None,
        ),
        Reading(
            "overdue",
            "Overdue",
            str(figures.overdue),
            f"of {active}",
            Level.GOOD if figures.overdue == 0 else Level.BAD,
            figures.overdue / active if active else None,
        ),
    ]
