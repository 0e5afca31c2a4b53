"""The scan for control characters in a store file's bytes, a piece at a time."""

from __future__ import annotations

import pytest

from ps_tui.core.safe_text import SCAN_PIECE, may_hold_control

#: Each kind of clue: a raw control byte, the escapes JSON and TOML write
#: them with, a C1 character in UTF-8.
CLUES = [b"\x1b", b"\x7f", b"\\b", b"\\u001b", b"\\u007F", b"\\u0085", b"\\U0000001b", "\x85".encode()]
PIECE = 7


@pytest.mark.parametrize("clue", CLUES, ids=repr)
def test_a_clue_is_found_wherever_the_pieces_cut_it(clue: bytes) -> None:
    for at in range(3 * PIECE):
        data = b"a" * at + clue + b"z" * (3 * PIECE)
        assert may_hold_control(data, piece=PIECE), (clue, at)
        assert may_hold_control(data, piece=PIECE) == may_hold_control(data, piece=len(data))


def test_clean_bytes_and_half_clues_in_pieces_are_clean() -> None:
    # The start of an escape with no end, cut at every place: no clue.
    for at in range(3 * PIECE):
        data = b"a" * at + b'\\u00"' + b"z" * (2 * PIECE) + "é".encode()
        assert not may_hold_control(data, piece=PIECE)


def test_a_big_file_is_scanned_to_its_last_byte() -> None:
    data = bytearray(b" " * (2 * SCAN_PIECE + 5))
    assert not may_hold_control(bytes(data))
    data[-1] = 0x1B
    assert may_hold_control(bytes(data))
