"""Reading what was typed: one quoted-word lexer, and the fuzzy subsequence
pattern, shared by the Implementations filter (`core.query`) and the
Offerings lookup (`core.offerings`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 implementation`, `2 implementations`, `1,200 team members`: the
    count and the noun, singular for exactly one."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def folded(text: str) -> str:
    """`text` casefolded, with each run of whitespace one space, none at the ends."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class Piece:
    """One stretch of typed text: a double-quoted stretch, or the characters
    up to the next space or quote."""

    #: Where it starts in the text (at its opening quote, if quoted).
    start: int
    #: Where the next piece may start (after its closing quote, if quoted).
    end: int
    #: The text, without the quotes.
    value: str
    quoted: bool
    #: False for a quote that is never closed: it runs to the end of the text.
    closed: bool
    #: Whether it follows the previous piece with no space between (`seg:"a b"`).
    joined: bool


def pieces(text: str) -> Iterator[Piece]:
    """The pieces of `text`, in order; whitespace outside quotes separates them."""
    index, length = 0, len(text)
    joined = False
    while index < length:
        if text[index].isspace():
            index += 1
            joined = False
            continue
        start = index
        if text[index] == '"':
            close = text.find('"', index + 1)
            end = length if close < 0 else close
            index = end + 1
            yield Piece(start, min(index, length), text[start + 1 : end], True, close >= 0, joined)
        else:
            end = index
            while end < length and not text[end].isspace() and text[end] != '"':
                end += 1
            index = end
            yield Piece(start, end, text[start:end], False, True, joined)
        joined = True


#: The rest of a haystack line after a match: up to \x01, then the line's number.
LINE_NUMBER = "[^\x01\n]*+\x01([0-9]+)"


def subsequence_pattern(query: str) -> re.Pattern[str]:
    """The regex finding `query` as a subsequence of one line of a haystack
    whose lines are `value \\x01 number \\n` (values hold neither character).

    It starts at the query's first character; each later one is reached by
    skipping everything else possessively (`[^c\\x01\\n]*+c`), which takes
    its first occurrence (all a subsequence test needs) and never backtracks.
    A match runs on to its line's end and captures the line number. When the
    rest of the query is not there, the match instead swallows the rest of the
    line with an empty capture, so a value is tried once, from its first
    occurrence of the first character, not again from every later one.
    `query` must not be empty."""
    head, rest = query[0], query[1:]
    tail = "".join(f"[^{re.escape(char)}\x01\n]*+{re.escape(char)}" for char in rest)
    return re.compile(f"{re.escape(head)}(?:{tail}{LINE_NUMBER}|[^\n]*+)")
