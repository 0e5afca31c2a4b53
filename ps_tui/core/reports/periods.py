"""The periods a report covers: an ISO week (`2026-W48`) or a calendar
month (`2026-11`), each cut off at today when it is not over yet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ps_tui.core.model import EARLIEST_DATE, LATEST_DATE

_WEEK = re.compile(r"^([0-9]{4})-?[Ww]([0-9]{1,2})$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


class PeriodError(ValueError):
    """A week or a month that cannot be read, or one that has not begun."""


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` to `end`, both included; `as_of` is the last day the
    report knows of: `end`, or today when the period is not over."""

    name: str
    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def days(self) -> int:
        """The days from `start` to `as_of`, both included."""
        return (self.as_of - self.start).days + 1

    def holds(self, day: dt.date | None) -> bool:
        """Whether `day` is in the period, up to `as_of`."""
        return day is not None and self.start <= day <= self.as_of


def _cut(name: str, start: dt.date, end: dt.date, today: dt.date) -> Period:
    if start > today:
        raise PeriodError(f"{name} has not begun (today is {today.isoformat()})")
    if start < EARLIEST_DATE or end > LATEST_DATE:
        raise PeriodError(f"{name} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    return Period(name, start, end, min(end, today))


def week_name(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_name(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week(text: str | None, today: dt.date) -> Period:
    """The ISO week `text` names (YYYY-Www; None: the week of today)."""
    if text is None:
        text = week_name(today)
    found = _WEEK.match(text.strip())
    if found is None:
        raise PeriodError(f"{text!r}: give an ISO week as YYYY-Www, e.g. {week_name(today)}")
    if not EARLIEST_DATE.year <= int(found[1]) <= LATEST_DATE.year:
        raise PeriodError(f"{text!r} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    try:
        monday = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise PeriodError(f"{text!r}: {found[1]} has no week {int(found[2])}") from None
    return _cut(week_name(monday), monday, monday + dt.timedelta(days=6), today)


def month(text: str | None, today: dt.date) -> Period:
    """The calendar month `text` names (YYYY-MM; None: the month of today)."""
    if text is None:
        text = month_name(today)
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12:
        raise PeriodError(f"{text!r}: give a month as YYYY-MM, e.g. {today.year:04d}-{today.month:02d}")
    year, number = int(found[1]), int(found[2])
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise PeriodError(f"{text!r} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    start = dt.date(year, number, 1)
    end = dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)
    return _cut(f"{year:04d}-{number:02d}", start, end, today)


def stepped(kind: str, name: str, steps: int, today: dt.date) -> str | None:
    """The week (`kind` "week") or month `steps` after the one `name` names
    (before it, when negative); None when that one has not begun or is out
    of range. Raises PeriodError when `name` cannot be read."""
    start = (week if kind == "week" else month)(name, today).start
    if kind == "week":
        moved = start.toordinal() + 7 * steps
        if not EARLIEST_DATE.toordinal() <= moved <= LATEST_DATE.toordinal():
            return None
        target = week_name(dt.date.fromordinal(moved))
    else:
        index = start.year * 12 + start.month - 1 + steps
        if not EARLIEST_DATE.year <= index // 12 <= LATEST_DATE.year:
            return None
        target = f"{index // 12:04d}-{index % 12 + 1:02d}"
    try:
        (week if kind == "week" else month)(target, today)
    except PeriodError:
        return None
    return target
