"""Live updates: `GET /api/v1/events`, a server-sent event stream that tells
every connected client, within a moment of a write landing, what changed.

An event is a hint, not the data: it names what changed and when, and the
client fetches the change itself through the change feed
(`GET /api/v1/implementations?since=SEQ`, or `?updated_since=` from a
server whose store is a file), the same request its poll makes. So a missed
event costs nothing but time: on every (re)connection the client refreshes
once, and the feed, not the stream, is what a copy is kept in sync by. The
wire format:

    event: ready                      once, when the subscription is in place
    data: {"server_time": "2026-11-30T09:00:00.000001Z"}

    event: change                     after each write has landed
    data: {"kind": "saved", "ids": ["IMP-1042"], "at": "2026-11-30T09:00:01.2Z", "seq": 118}

    : keep-alive                      a comment every HEARTBEAT seconds

`kind` is "saved" (created or updated), "deleted", "reference" (the
reference data was replaced; `ids` is empty) or "reloaded" (what changed is
not said: the server read its store file again, as it does when the file
changed on disk, and the change feed then answers `complete: false`; or a
database server may have missed changes, as when its connection to the
database was lost: fetch the feed from where you are); `at` is a time at or
before the change's own stamp, so `updated_since=at` returns it. A server
on a database numbers its changes: `seq` is the change's number, so a
client whose copy is at that number or later has it already (`?since=` its
own number fetches it otherwise); a file's server sends none. Each event is
one `data` line of a few hundred bytes at most.

The broadcaster is a `ChangeBus`. `LocalBus` serves one process, and is what
a file store gets: every write goes through it. A database may be written by
several server processes, so its bus (`server/database_events.DatabaseBus`)
hears every process's changes, its own as they land and the others' from the
database: a thread of its own waits on a `db.connection.Watcher` (PostgreSQL:
`LISTEN ps_tui_changes` on a connection of its own, woken by the `NOTIFY`
each write sends as it commits; SQLite: `PRAGMA data_version` every 200 ms),
reads what changed from the change log, and hands the events to a `LocalBus`
on the event loop (`loop.call_soon_threadsafe`). The route below only ever
sees `subscribe`.

Bounded everywhere: a subscriber's queue holds at most `QUEUE_LIMIT` events;
a subscriber that falls that far behind is dropped (its stream ends, its
client reconnects and refreshes) rather than let the queue grow. A stream
whose client stops reading for `SEND_TIMEOUT` seconds is closed. A stream
ends when the client goes away, and every stream ends when the server stops
(`close`: uvicorn waits for open responses, and a stream never ends by itself).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal, Protocol

import msgspec

log = logging.getLogger("ps_tui.server")

#: Seconds between keep-alive comments: proxies keep the stream open, and a
#: client that hears nothing for a few of these knows the stream is dead.
HEARTBEAT = 15.0
#: Events waiting for one subscriber at most; beyond, the subscriber is dropped.
QUEUE_LIMIT = 256
#: Seconds one write to a client may wait for it to read, before the stream is closed.
SEND_TIMEOUT = 30.0

Kind = Literal["saved", "deleted", "reference", "reloaded"]


class ChangeEvent(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One change that landed: what kind, which implementations, a time at
    or before its stamp (an `updated_since` that returns it), and its number
    in a database's change log (None for a file, and for `reloaded`)."""

    kind: Kind
    ids: list[str]
    at: dt.datetime
    seq: int | None = None


class Ready(msgspec.Struct):
    """The first event of a stream: from now on every change is announced."""

    server_time: dt.datetime


class Closed(Exception):
    """The subscription ended: the server is stopping, or the subscriber fell behind."""


class Subscription:
    """One subscriber's bounded queue of events."""

    def __init__(self, limit: int, on_close: Callable[[Subscription], None]) -> None:
        self._limit = limit
        self._items: deque[ChangeEvent] = deque()
        self._ready = asyncio.Event()
        self._on_close = on_close
        #: Why the subscription ended (None while it is open).
        self.closed: str | None = None

    def offer(self, event: ChangeEvent) -> None:
        """Queue `event`; a subscriber that is `limit` events behind is dropped."""
        if self.closed is not None:
            return
        if len(self._items) >= self._limit:
            log.warning(
                "dropped an event stream more than %d events behind (its client reconnects)", self._limit
            )
            self.close(f"more than {self._limit} events behind")
            return
        self._items.append(event)
        self._ready.set()

    async def next(self, timeout: float) -> ChangeEvent | None:
        """The next event, or None when none came within `timeout` seconds;
        raises Closed once the subscription has ended."""
        if not self._items and self.closed is None:
            self._ready.clear()
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return None
        if self.closed is not None:
            raise Closed(self.closed)
        return self._items.popleft() if self._items else None

    def close(self, reason: str) -> None:
        if self.closed is None:
            self.closed = reason
            self._items.clear()
            self._ready.set()
            self._on_close(self)


class ChangeBus(Protocol):
    """Announces landed changes to every subscriber. `start` is called on
    the event loop as the server starts; `publish` on the event loop once a
    write of this process has landed, and never blocks; `subscribe` gives a
    subscription that receives every change published after it."""

    def start(self) -> None: ...

    def publish(self, event: ChangeEvent) -> None: ...

    def subscribe(self) -> Subscription: ...

    def close(self) -> None:
        """End every subscription (the server is stopping)."""
        ...


class LocalBus:
    """The in-process ChangeBus: a bounded queue per subscriber."""

    def __init__(self, limit: int = QUEUE_LIMIT) -> None:
        self._limit = limit
        self._subscribers: set[Subscription] = set()
        self._closed = False

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def start(self) -> None:
        """Nothing to start: every change is published in this process."""

    def publish(self, event: ChangeEvent) -> None:
        for subscriber in list(self._subscribers):
            subscriber.offer(event)

    def subscribe(self) -> Subscription:
        subscription = Subscription(self._limit, self._subscribers.discard)
        if self._closed:
            subscription.close("the server is stopping")
        else:
            self._subscribers.add(subscription)
        return subscription

    def close(self) -> None:
        self._closed = True
        for subscriber in list(self._subscribers):
            subscriber.close("the server is stopping")


def frame(name: str, payload: msgspec.Struct) -> bytes:
    """One server-sent event: its name and its JSON on one data line."""
    return b"event: " + name.encode() + b"\ndata: " + msgspec.json.encode(payload) + b"\n\n"


KEEP_ALIVE = b": keep-alive\n\n"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class EventStream:
    """The ASGI response of `GET /api/v1/events`: the subscription's events,
    a keep-alive comment when there are none, until the client goes away,
    stops reading, or the subscription ends."""

    def __init__(
        self,
        subscription: Subscription,
        server_time: dt.datetime,
        *,
        heartbeat: float = HEARTBEAT,
        send_timeout: float = SEND_TIMEOUT,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.subscription = subscription
        self.server_time = server_time
        self.heartbeat = heartbeat
        self.send_timeout = send_timeout
        self.headers = headers or {}

    async def __call__(self, scope: Any, receive: Receive, send: Send) -> None:
        # The client sends nothing after its request: the next message is its
        # going away, which ends the subscription (uvicorn's send does not fail then).
        watcher = asyncio.ensure_future(self._watch(receive))
        try:
            await self._stream(send)
        finally:
            watcher.cancel()
            self.subscription.close("the stream ended")

    async def _watch(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.subscription.close("the client went away")

    async def _stream(self, send: Send) -> None:
        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            # nginx and its kin would buffer the stream and deliver it late.
            (b"x-accel-buffering", b"no"),
            *((name.lower().encode(), value.encode("latin-1")) for name, value in self.headers.items()),
        ]
        sent = await self._send(send, {"type": "http.response.start", "status": 200, "headers": headers})
        sent = sent and await self._chunk(send, frame("ready", Ready(self.server_time)))
        while sent:
            try:
                event = await self.subscription.next(self.heartbeat)
            except Closed:
                if self.subscription.closed != "the client went away":
                    await self._send(send, {"type": "http.response.body", "body": b"", "more_body": False})
                return
            sent = await self._chunk(send, KEEP_ALIVE if event is None else frame("change", event))

    async def _chunk(self, send: Send, data: bytes) -> bool:
        return await self._send(send, {"type": "http.response.body", "body": data, "more_body": True})

    async def _send(self, send: Send, message: Message) -> bool:
        """Send `message`; False when the client has not read for `send_timeout` s."""
        try:
            await asyncio.wait_for(send(message), self.send_timeout)
        except TimeoutError:
            log.warning("closed an event stream whose client stopped reading for %g s", self.send_timeout)
            return False
        return True
