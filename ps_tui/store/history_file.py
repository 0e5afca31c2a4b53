"""The history file beside a store: `store.history.jsonl` for `store.toml`,
one JSON object a line, each line the events of one save (`core.history.Save`).

It is only ever appended to. A save's line is written and fsync'd before the
store file is renamed into place, so a crash never leaves a change in the
store without its record; a record whose save was cut short is told apart on
reading (`core.history.landed`). A line torn by a crash mid-append is the
last one: it is ignored on reading and cut off by the next append.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from ps_tui.core.history import Event, Save, landed
from ps_tui.store.errors import StoreUnreadable, StoreWriteFailed

#: The largest history file read (a runaway file is refused, not read).
MAX_HISTORY_BYTES = 1 << 30

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Save)


def history_path(store: Path) -> Path:
    """Where the history of the store file `store` is kept."""
    return store.with_name(f"{store.stem}.history.jsonl")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class History:
    """What a history file holds: the saves that landed, and the numbers of
    the lines that could not be read (a torn last line is not counted)."""

    saves: list[Save]
    unreadable: list[int] = field(default_factory=list)

    def events(self) -> list[Event]:
        return [event for save in self.saves for event in save.events]


def append(path: Path, save: Save) -> None:
    """Add `save` as the last line of the history file at `path`, synced to
    disk before this returns. Raises StoreWriteFailed."""
    line = _ENCODER.encode(save) + b"\n"
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    except OSError as error:
        raise StoreWriteFailed(f"{path}: cannot record the change ({error.strerror or error})") from None
    try:
        size = os.fstat(handle).st_size
        if size:
            _cut_torn_line(handle, size)
        os.write(handle, line)
        os.fsync(handle)
    except OSError as error:
        raise StoreWriteFailed(f"{path}: cannot record the change ({error.strerror or error})") from None
    finally:
        os.close(handle)
    if size == 0:
        _sync_directory(path.parent)


def _cut_torn_line(handle: int, size: int) -> None:
    """Truncate a last line that a crash left without its newline."""
    tail = os.pread(handle, min(size, 1 << 16), max(0, size - (1 << 16)))
    if tail.endswith(b"\n"):
        return
    cut = tail.rfind(b"\n")
    if cut < 0 and size > len(tail):
        return  # a line longer than the window: leave it, the reader skips it
    os.ftruncate(handle, size - len(tail) + cut + 1)


def _sync_directory(directory: Path) -> None:
    try:
        handle = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # not every filesystem opens directories; the file itself is synced
    try:
        os.fsync(handle)
    except OSError:
        pass  # as above: some filesystems refuse to sync a directory
    finally:
        os.close(handle)


def read(path: Path, store_data: bytes | None, limit: int = MAX_HISTORY_BYTES) -> History:
    """The history at `path`: the saves that landed, given the bytes of the
    store file as it is now (None: keep every save). Raises StoreUnreadable."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise StoreUnreadable(f"{path}: {size:,} bytes, over the {limit:,} a history is read up to")
        data = path.read_bytes()
    except FileNotFoundError:
        return History([])
    except OSError as error:
        raise StoreUnreadable(f"{path}: cannot read ({error.strerror or error})") from None
    lines = data.split(b"\n")
    torn = lines.pop() if lines else b""  # after the last newline: empty, or a torn line
    saves: list[Save] = []
    unreadable: list[int] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            saves.append(_DECODER.decode(line))
        except (msgspec.DecodeError, msgspec.ValidationError):
            unreadable.append(number)
    del torn  # ignored: a crash cut it short
    if store_data is not None:
        saves = list(landed(saves, digest(store_data)))
    return History(saves, unreadable)
