"""Numbers a parser cannot hold, found in the text of a store file or a
request body and worded for the person who wrote them.

JSON has no NaN or Infinity (Python's json module accepts them anyway);
`1e400` is a float that overflows to infinity; an integer of more than 4,300
digits is past Python's conversion limit and used to be a traceback. Each is
reported at its line, and none reaches the model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ps_tui.core.model import MAX_INT

#: JSON's non-standard constants, as Python's json module reads them.
NON_STANDARD = ("-Infinity", "Infinity", "NaN")
#: More digits than any number ps-tui keeps (MAX_INT has 16).
MAX_DIGITS = 32

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)|(-?[0-9][0-9.eE+\-]*)')
_LONG_DIGITS = re.compile(rf"[0-9][0-9_]{{{MAX_DIGITS},}}")


@dataclass(frozen=True, slots=True)
class BadNumber:
    """A number that cannot be read: where it starts and what is wrong."""

    offset: int
    message: str

    def line(self, text: str) -> int:
        return text.count("\n", 0, self.offset) + 1

    def column(self, text: str) -> int:
        return self.offset - (text.rfind("\n", 0, self.offset) + 1) + 1


def non_standard(token: str) -> str:
    """What is wrong with NaN or Infinity in JSON."""
    return f"{token} is not standard JSON (JSON numbers are finite); write a number"


def out_of_range(token: str) -> str:
    """What is wrong with a number too large for any field."""
    digits = sum(ch.isdigit() for ch in token)
    shown = token if len(token) <= 24 else f"a number of {digits:,} digits"
    return f"{shown} is out of range (numbers go up to {MAX_INT:,})"


def _unreadable(token: str) -> str | None:
    if token in NON_STANDARD:
        return non_standard(token)
    if sum(ch.isdigit() for ch in token) > MAX_DIGITS:
        return out_of_range(token)
    if any(ch in token for ch in ".eE"):
        try:
            if abs(float(token)) == float("inf"):
                return out_of_range(token)
        except ValueError:
            return None  # not a number at all: the parser words it
    return None


def first_bad_json_number(text: str) -> BadNumber | None:
    """The first NaN, Infinity, overflowing float or overlong integer outside
    the strings of a JSON text."""
    for match in _JSON_TOKENS.finditer(text):
        token = match[1] or match[2]
        if token and (message := _unreadable(token)) is not None:
            return BadNumber(match.start(), message)
    return None


def first_long_number(text: str) -> BadNumber | None:
    """The first run of more than MAX_DIGITS digits in a text (TOML, whose
    integers may hold underscores)."""
    match = _LONG_DIGITS.search(text)
    return None if match is None else BadNumber(match.start(), out_of_range(match[0]))
