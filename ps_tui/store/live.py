"""Live updates from a shared server: its event stream (`GET /api/v1/events`,
server-sent events), read as hostile input, and the reconnecting loop the app
follows it with.

An event only says that something changed; the app then refreshes as its poll
does (`SharedStore.refresh`, the change feed: `since` the last change number
from a database's server, `updated_since` from a file's), so there is one
way a change is applied. `follow` yields:

- `Live`: the stream is up; every change from now on is announced (refresh
  once to catch up with what happened while it was down);
- `Changed`: a change landed on the server (with its number, from a server
  on a database: a copy that holds it already need not refresh);
- `Down`: the stream is not there (dropped, refused, or an older server that
  offers none); poll meanwhile; `follow` tries again after `retry_in` seconds;
- `Note`: the stream sent something that is not an event we read (a line too
  long, malformed JSON); it is ignored, and said once per connection.

Nothing here does network IO itself: the source (`RemoteStore.events`) does,
and hands every chunk it receives to `EventReader`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Protocol, runtime_checkable

import msgspec

#: Bytes in one line of the stream at most; a longer one is skipped whole.
MAX_LINE = 16 * 1024
#: Seconds without a byte (three of the server's keep-alives) before a stream is taken as dead.
IDLE_TIMEOUT = 45.0
#: Pauses before each reconnection in a row (the last repeats), so that a
#: client is live again within seconds of a restarted server's return.
RECONNECT = (0.5, 1.0, 2.0, 5.0, 10.0)
#: Seconds a stream must stay up to count as a success, after which the
#: pauses start again from the first (a server that ends every stream as
#: soon as it is open still gets growing ones).
STEADY = 5.0
#: The pause after a server that offers no event stream (an older one).
NOT_OFFERED_PAUSE = 300.0


@dataclass(frozen=True)
class Live:
    """The stream is up."""


@dataclass(frozen=True)
class Changed:
    """A change landed on the server (the ids it names, for information),
    and its number when the server numbers its changes (a database): a copy
    at that number or later holds it already."""

    ids: frozenset[str]
    seq: int | None = None


@dataclass(frozen=True)
class Down:
    """No stream: `reason` for the user, the next try in `retry_in` seconds."""

    reason: str
    retry_in: float


@dataclass(frozen=True)
class Note:
    """Something the stream sent was ignored."""

    text: str


Signal = Live | Changed | Down | Note


class NotOffered(Exception):
    """The server has no event stream (404, or not an event stream at all)."""


class StreamFailed(Exception):
    """The stream could not be opened or broke off; the message says why."""


@runtime_checkable
class EventSource(Protocol):
    """A store that can stream its server's changes (`RemoteStore`)."""

    @property
    def seq(self) -> int | None:
        """The number of the server's last change its data holds (None:
        unknown, or a server that numbers none)."""
        ...

    def events(self) -> AsyncIterator[Signal]:
        """One connection's signals, `Live` first; ends when the server ends
        the stream; raises NotOffered or StreamFailed."""
        ...


_LINE_END = re.compile(rb"[\r\n]")

Id = Annotated[str, msgspec.Meta(max_length=200)]


class _Change(msgspec.Struct):
    kind: str
    ids: Annotated[list[Id], msgspec.Meta(max_length=1000)]
    seq: Annotated[int, msgspec.Meta(ge=0, le=2**53 - 1)] | None = None


class EventReader:
    """Server-sent events from the chunks of a stream, as signals. Bounded:
    a line longer than `max_line` bytes is skipped (and so is its event);
    comments (keep-alives), unknown fields and unknown event names are
    ignored; a `change` whose data is not what the server sends is a Note."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self._line = bytearray()
        self._after_cr = False
        #: The rest of an overlong line is being skipped.
        self._skipping = False
        self._name = ""
        self._data: list[bytes] = []
        self._size = 0
        #: The current event lost a line: drop it when it ends.
        self._spoilt = False
        #: How many things were ignored on this stream.
        self.ignored = 0

    def feed(self, chunk: bytes) -> list[Signal]:
        """The signals of the events that `chunk` completes."""
        signals: list[Signal] = []
        # A line ends at LF, CR or CRLF, and a chunk may end between CR and LF.
        start = 1 if self._after_cr and chunk[:1] == b"\n" else 0
        self._after_cr = False
        while start < len(chunk):
            found = _LINE_END.search(chunk, start)
            if found is None:
                self._take(chunk[start:], signals)
                break
            end = found.start()
            self._take(chunk[start:end], signals)
            self._end_line(signals)
            if chunk[end] == 0x0D:
                if end + 1 == len(chunk):
                    self._after_cr = True
                elif chunk[end + 1] == 0x0A:
                    end += 1
            start = end + 1
        return signals

    def _take(self, part: bytes, signals: list[Signal]) -> None:
        if self._skipping:
            return
        if len(self._line) + len(part) > self.max_line:
            self._line.clear()
            self._skipping = self._spoilt = True
            self._ignore(f"a line longer than {self.max_line // 1024} KiB", signals)
            return
        self._line += part

    def _end_line(self, signals: list[Signal]) -> None:
        if self._skipping:
            self._skipping = False
            return
        line = bytes(self._line)
        self._line.clear()
        if not line:
            self._dispatch(signals)
            return
        if line.startswith(b":"):
            return  # a comment: the keep-alive
        field, _, value = line.partition(b":")
        value = value.removeprefix(b" ")
        if field == b"event":
            self._name = value.decode("utf-8", "replace")
        elif field == b"data" and not self._spoilt:
            self._size += len(value) + 1
            if self._size > self.max_line:
                self._spoilt = True
                self._data.clear()
                self._ignore(f"an event longer than {self.max_line // 1024} KiB", signals)
            else:
                self._data.append(value)
        # `id`, `retry` and unknown fields: not used.

    def _dispatch(self, signals: list[Signal]) -> None:
        name, data, spoilt = self._name, b"\n".join(self._data), self._spoilt
        self._name, self._data, self._size, self._spoilt = "", [], 0, False
        if spoilt:
            return
        if name == "ready":
            signals.append(Live())
        elif name == "change":
            try:
                change = msgspec.json.decode(data, type=_Change)
            except (msgspec.DecodeError, msgspec.ValidationError) as error:
                self._ignore(f"a change event that is not one ps-tui serve sends ({_short(error)})", signals)
                return
            signals.append(Changed(frozenset(change.ids), change.seq))
        # Other names (and a nameless `message`): not ours; ignored quietly.

    def _ignore(self, what: str, signals: list[Signal]) -> None:
        self.ignored += 1
        if self.ignored == 1:  # said once per stream, whatever a server sends
            signals.append(Note(f"ignored {what} in the server's event stream"))


def _short(error: Exception) -> str:
    text = str(error)
    text = "".join(c if c.isprintable() else "?" for c in text[:120])
    return text + ("…" if len(str(error)) > 120 else "")


class Backoff:
    """The pause before each reconnection: `RECONNECT` in turn while the
    tries fail, the last repeating; the first again after a stream that was
    live for `STEADY` seconds or more."""

    def __init__(self) -> None:
        self._pauses, self._steady = RECONNECT, STEADY
        self._attempt = 0

    def pause(self, live_for: float | None) -> float:
        """The pause after a connection that was live for `live_for` seconds
        (None: it never went live)."""
        if live_for is not None and live_for >= self._steady:
            self._attempt = 0
        pause = self._pauses[min(self._attempt, len(self._pauses) - 1)]
        self._attempt += 1
        return pause


async def follow(source: EventSource) -> AsyncIterator[Signal]:
    """The source's signals, across reconnections, forever: after each
    connection that ends or fails, `Down` and a pause (`Backoff`; the
    longest for a server that offers no stream), so a server that drops
    every stream at once is not hammered."""
    loop = asyncio.get_running_loop()
    backoff = Backoff()
    while True:
        up_since: float | None = None
        pause: float | None = None
        try:
            async for signal in source.events():
                if isinstance(signal, Live):
                    up_since = loop.time()
                yield signal
            reason = "the server ended the event stream"
        except NotOffered as refused:
            reason, pause = str(refused), NOT_OFFERED_PAUSE
        except StreamFailed as failed:
            reason = str(failed)
        if pause is None:
            pause = backoff.pause(None if up_since is None else loop.time() - up_since)
        yield Down(reason, pause)
        await asyncio.sleep(pause)
