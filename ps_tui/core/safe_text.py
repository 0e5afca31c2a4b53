"""Stored text must not hold control characters: a terminal acts on them.

A customer named `\\x1b[2J\\x1b]0;pwned\\x07 Corp` cleared the screen and set the
terminal's title in every output that printed it. So text with a control
character (C0 but tab and newline, DEL, C1) is refused where it enters: a
store file, an edit, the API. Newlines are allowed: notes and descriptions
span lines.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ps_tui.core.validate import Problem

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: What a store file's bytes hold when one of its strings may hold a control
#: character: the escapes TOML and JSON write them with, or the raw bytes
#: JSON allows (DEL, C1).
_MAY_HOLD_CONTROL = re.compile(
    rb"\\[bfr]|\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\U0000[0-9a-fA-F]{4}"
    rb"|[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]"
)
#: Every byte but the raw control bytes, for a scan at memchr speed.
_NOT_CONTROL = bytes(b for b in range(256) if not ((b < 0x20 and b not in (9, 10, 13)) or b == 0x7F))
#: The escapes the regex looks for, found by their backslash (a literal the
#: regex engine skips to at memchr speed).
_ESCAPE_CLUE = re.compile(rb"\\(?:[bfrU]|u00)")


#: Bytes scanned at once: each scan holds the interpreter (and a UI thread
#: waiting on a load's) for about 10 ms per piece, not a second per 1.5 GB.
SCAN_PIECE = 16 * 2**20
#: Longer than anything the regex matches (`\\U0000` and four digits), so
#: that a match across the end of a piece is whole in the next one.
_OVERLAP = 16


def may_hold_control(data: bytes, piece: int = SCAN_PIECE) -> bool:
    """Whether a store file's bytes may hold a string with a control
    character, so its strings must be walked. A clean file pays a few scans
    at memchr speed (about 10 ms for 15 MB), a `piece` of bytes at a time;
    the regex runs only on a clue (a `\\u00` escape, a non-breaking space, ...)."""
    if len(data) <= piece:
        return _piece_may_hold_control(data)
    view = memoryview(data)
    return any(
        _piece_may_hold_control(bytes(view[start : start + piece + _OVERLAP]))
        for start in range(0, len(data), piece)
    )


def _piece_may_hold_control(data: bytes) -> bool:
    if data.translate(None, _NOT_CONTROL):
        return True
    if b"\xc2" not in data and _ESCAPE_CLUE.search(data) is None:
        return False
    return _MAY_HOLD_CONTROL.search(data) is not None


def control_problems(value: Any, path: str = "") -> list[Problem]:
    """A problem for every string in `value` (a struct, list or string) that
    holds a control character, naming the field and the character."""
    problems: list[Problem] = []
    _walk(value, path, problems)
    return problems


def _walk(value: Any, path: str, problems: list[Problem]) -> None:
    if isinstance(value, str):
        if match := _CONTROL.search(value):
            shown = repr(match[0])[1:-1]
            problems.append(
                Problem(path, f"holds a control character ({shown}), which a terminal would act on")
            )
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            _walk(getattr(value, name), f"{path}.{name}" if path else name, problems)
    elif isinstance(value, list):
        for index, element in enumerate(value):
            _walk(element, f"{path}[{index}]", problems)


def one_line(text: str) -> str:
    """`text` for a line of output: every control character, newline and tab
    included, shown as its escape (`\\x1b`, `\\n`), so stored text can never
    act on the terminal or break the line."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_text(value: object) -> str:
    """A value as Markdown text that shows as written: on one line (control
    characters, newlines and tabs as their escapes), `& < >` as HTML entities
    (so neither a Markdown renderer nor Slack takes them as markup), and
    Markdown's punctuation backslash-escaped. Reports and table exports both
    write text through this."""
    if value is None:
        return ""
    text = one_line(str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
