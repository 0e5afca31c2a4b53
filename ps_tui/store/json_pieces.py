"""A JSON store cut into pieces of whole implementations, found without
parsing it, so that a big one is decoded a piece at a time.

One decode of a 1.5 GB store, even into `msgspec.Raw` values only, holds the
interpreter for over a second: every other thread (the UI's) waits. In the
layout ps-tui writes (`json_edit.dump_store`: two-space indents, the
implementations last), the list opens with `\n  "implementations": [`,
closes with `\n  ]` just before the file's end, and two of its items meet at
`},\n    {`. Each of these holds a line break, which JSON allows only
between tokens, never inside a string, so they are found by a plain byte
search and never in a customer's notes. A file in another layout, or one
where a cut is wrong (a hand-edited indentation, the list not last), does
not decode piece by piece: the caller then decodes it whole, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_OPEN = b'\n  "implementations": ['
_CLOSE = b"\n  ]"
_BETWEEN = b"},\n    {"

#: About how many bytes of implementations one piece holds (2,000 of the
#: demo's size): one decode of it takes a few milliseconds.
PIECE_BYTES = 3_000_000


#: How near its end a file in the app's layout closes its implementations
#: list (its last field): the bytes after it are `\n}\n`.
_TAIL = 4096


@dataclass(frozen=True, slots=True)
class Pieces:
    """Where the implementations list's items run in a file:
    `data[start:end]`."""

    data: bytes
    start: int
    end: int

    def each(self, size: int | None = None) -> Iterator[bytearray]:
        """Each piece as a JSON list of whole items, of about `size` bytes
        (`PIECE_BYTES`). Every search is over about one piece's bytes: one
        over a big file would itself hold the interpreter."""
        size = PIECE_BYTES if size is None else size
        data, at, end = self.data, self.start, self.end
        view = memoryview(data)
        while True:
            cut = data.find(_BETWEEN, at + size, end)
            stop = end if cut < 0 else cut + 1
            # One copy of the piece, between brackets.
            piece = bytearray(b"[")
            piece += view[at:stop]
            piece += b"]"
            yield piece
            if cut < 0:
                return
            at = cut + 2  # past the comma

    def rest(self) -> bytes:
        """The file with an empty implementations list, for its other fields."""
        return self.data[: self.start] + self.data[self.end :]


def find(data: bytes) -> Pieces | None:
    """The implementations list of `data` in ps-tui's layout, where it is
    the last field; None when the file is not laid out so (it is then
    decoded whole). A wrong guess (another list last) makes the last piece
    fail to decode, and the file is decoded whole too."""
    opened = data.find(_OPEN)
    if opened < 0:
        return None
    start = opened + len(_OPEN)
    end = data.rfind(_CLOSE, max(start, len(data) - _TAIL))
    return None if end < 0 else Pieces(data, start, end)
