"""A JSON store cut into pieces of whole implementations, found without
parsing it, so that a big one is decoded a piece at a time.

One decode of a 1.5 GB store, even into `msgspec.Raw` values only, holds the
interpreter for over a second: every other thread (the UI's) waits. In the
layout ps-tui writes (`json_edit.dump_store`: two-space indents), the
implementations list opens with `\\n  "implementations": [`, closes with
`\\n  ]`, and two of its items meet at `},\\n    {`. Each of these holds a
line break, which JSON allows only between tokens, never inside a string, so
they are found by a plain byte search and never in a customer's notes. A file
in another layout, or one where a cut is wrong (a hand-edited indentation),
does not decode piece by piece: the caller then decodes it whole, as before.
"""

from __future__ import annotations

from collections.abc import Iterator

_OPEN = b'\n  "implementations": ['
_CLOSE = b"\n  ]"
_BETWEEN = b"},\n    {"

#: About how many bytes of implementations one piece holds (2,000 of the
#: demo's size): one decode of it takes a few milliseconds.
PIECE_BYTES = 3_000_000


class NotCut(ValueError):
    """The file is not laid out as `find` took it to be."""


class Pieces:
    """The implementations list of one file, a piece at a time (`each`);
    once they are all taken, the rest of the file (`rest`)."""

    def __init__(self, data: bytes, start: int) -> None:
        self.data = data
        #: Where the list's items start, and (once `each` has found it) end.
        self.start = start
        self.end: int | None = None

    def each(self, size: int | None = None) -> Iterator[bytes]:
        """Each piece as a JSON list of whole items, of about `size` bytes
        (`PIECE_BYTES`). Every search is over about one piece's bytes: one
        to the end of a big file would itself hold the interpreter."""
        size = PIECE_BYTES if size is None else size
        data, at = self.data, self.start
        while True:
            cut = data.find(_BETWEEN, at + size)
            close = data.find(_CLOSE, at, len(data) if cut < 0 else cut)
            if close >= 0:
                self.end = close
                yield b"[" + data[at:close] + b"]"
                return
            if cut < 0:
                raise NotCut("the implementations list has no end in this layout")
            yield b"[" + data[at : cut + 1] + b"]"
            at = cut + 2  # past the comma

    def rest(self) -> bytes:
        """The file with an empty implementations list, for its other
        fields; once `each` has found the list's end (NotCut before)."""
        if self.end is None:
            raise NotCut("the implementations list has no end in this layout")
        return self.data[: self.start] + self.data[self.end :]


def find(data: bytes) -> Pieces | None:
    """The implementations list of `data` in ps-tui's layout; None when the
    file is not laid out so (it is then decoded whole)."""
    opened = data.find(_OPEN)
    return None if opened < 0 else Pieces(data, opened + len(_OPEN))
