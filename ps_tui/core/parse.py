"""Parsing and formatting of the values people type: money, dates, counts."""

from __future__ import annotations

import datetime as dt
import re

from ps_tui.core.model import EARLIEST_DATE, LATEST_DATE


class ParseError(ValueError):
    """A value a person typed could not be understood; the message says why."""


_AMOUNT = re.compile(
    r"""^\s*(?:usd\s*)?\$?\s*
        (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<suffix>k|m|mm|b)?\s*(?:usd|arr)?\s*$""",
    re.I | re.X,
)
_SCALE = {None: 1, "k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000}


def parse_amount(text: str) -> int:
    """Whole US dollars from `150k`, `$1.2M`, `1,200,000`, `USD 90000`.

    Raises ParseError with the reason for anything else."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if not text.strip():
        raise ParseError("an amount is required, e.g. 150k, $1.2M or 1,200,000")
    match = _AMOUNT.match(text)
    if match is None:
        if text.strip().startswith("-"):
            raise ParseError(f"{text.strip()!r}: amounts cannot be negative")
        raise ParseError(f"{text.strip()!r} is not an amount; use e.g. 150k, $1.2M or 1,200,000")
    number = float(match["number"].replace(",", ""))
    suffix = match["suffix"].lower() if match["suffix"] else None
    value = number * _SCALE[suffix]
    if value > 1e15:
        raise ParseError(f"{text.strip()!r} is too large")
    return round(value)


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD. Raises ParseError otherwise."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    stripped = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        raise ParseError(f"{stripped!r} is not a date; use YYYY-MM-DD")
    try:
        value = dt.date.fromisoformat(stripped)
    except ValueError as error:
        raise ParseError(f"{stripped!r} is not a real date ({error})") from None
    if problem := date_range_problem(value):
        raise ParseError(problem)
    return value


def date_range_problem(value: dt.date) -> str | None:
    """Why `value` is not a date ps-tui accepts, or None."""
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"{value.isoformat()} is outside the dates ps-tui accepts ({EARLIEST_DATE} to {LATEST_DATE})"


def parse_count(text: str) -> int:
    """A non-negative whole number, allowing thousands separators (`1,200`)."""
    stripped = text.strip().replace(",", "").replace("_", "")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not stripped.isdecimal():
        raise ParseError(f"{text.strip()!r} is not a whole number")
    try:
        return int(stripped)
    except ValueError:
        # More digits than int() converts (sys.get_int_max_str_digits, 4300).
        raise ParseError(f"a {len(stripped)}-digit number is too large") from None


def format_money(amount: int) -> str:
    """Compact dollars: $950, $150k, $1.2M, $3M."""
    if amount >= 1_000:
        value = f"{amount / 1_000:.1f}".removesuffix(".0")
        # 999,999 rounds to "1000" thousands: show it as $1M, not $1000k.
        if amount < 1_000_000 and value != "1000":
            return f"${value}k"
        value = f"{amount / 1_000_000:.1f}".removesuffix(".0")
        return f"${value}M"
    return f"${amount}"


#: How a value that is not known is shown: never as 0.
UNKNOWN = "—"


def format_arr(amount: int | None) -> str:
    """`format_money`, or "—" for an ARR that is not known."""
    return UNKNOWN if amount is None else format_money(amount)


def format_count(count: int | None) -> str:
    """A count with thousands separators (`1,200`), or "—" when not known."""
    return UNKNOWN if count is None else f"{count:,}"
