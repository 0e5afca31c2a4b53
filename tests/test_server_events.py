"""The server's broadcaster and event stream on their own (server/events.py),
driven as ASGI with a stand-in client: keep-alives, a client that goes away,
stops reading or falls behind, and the server stopping."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from ps_tui.server.events import KEEP_ALIVE, ChangeEvent, EventStream, LocalBus

NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
WAIT = 10.0


def change(number: int) -> ChangeEvent:
    return ChangeEvent("saved", [f"IMP-{number}"], NOW)


class Client:
    """What uvicorn gives the stream: a receive that says the client went
    away once `leave()` is called, and a send that records (or, when
    `stalled`, never returns, as a client that stopped reading)."""

    def __init__(self, *, stalled: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.stalled = stalled
        self.gone = asyncio.Event()
        self.received = asyncio.Event()
        self._requested = False

    async def receive(self) -> dict[str, Any]:
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if self.stalled and message["type"] == "http.response.body":
            await asyncio.Event().wait()
        self.sent.append(message)
        self.received.set()

    def leave(self) -> None:
        self.gone.set()

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")

    @property
    def complete(self) -> bool:
        return any(m["type"] == "http.response.body" and not m.get("more_body") for m in self.sent)

    async def until(self, data: bytes) -> None:
        async def wait() -> None:
            while data not in self.body:
                self.received.clear()
                await self.received.wait()

        await asyncio.wait_for(wait(), WAIT)


def streaming(bus: LocalBus, client: Client, **options: Any) -> asyncio.Task[None]:
    stream = EventStream(bus.subscribe(), NOW, **options)
    return asyncio.ensure_future(stream({"type": "http"}, client.receive, client.send))


async def test_ready_then_each_change_then_keep_alives() -> None:
    bus, client = LocalBus(), Client()
    task = streaming(bus, client, heartbeat=0.05)
    await client.until(b"event: ready\n")
    bus.publish(change(1))
    await client.until(b'"ids":["IMP-1"]')
    await client.until(KEEP_ALIVE)
    start = client.sent[0]
    assert (
        start["status"] == 200 and (b"content-type", b"text/event-stream; charset=utf-8") in start["headers"]
    )
    assert client.body.startswith(b'event: ready\ndata: {"server_time":"2026-11-30T09:00:00Z"}\n\n')
    assert (
        b'event: change\ndata: {"kind":"saved","ids":["IMP-1"],"at":"2026-11-30T09:00:00Z"}\n\n'
        in client.body
    )
    client.leave()
    await asyncio.wait_for(task, WAIT)


async def test_a_client_that_goes_away_is_unsubscribed_at_once() -> None:
    bus, client = LocalBus(), Client()
    task = streaming(bus, client, heartbeat=3600)
    await client.until(b"event: ready\n")
    assert bus.subscribers == 1
    client.leave()
    await asyncio.wait_for(task, WAIT)  # not at the next keep-alive, an hour away
    assert bus.subscribers == 0


async def test_closing_the_bus_ends_every_stream_with_a_complete_response() -> None:
    bus = LocalBus()
    clients = [Client() for _ in range(3)]
    tasks = [streaming(bus, client, heartbeat=3600) for client in clients]
    for client in clients:
        await client.until(b"event: ready\n")
    bus.close()
    await asyncio.wait_for(asyncio.gather(*tasks), WAIT)
    assert all(client.complete for client in clients)
    assert bus.subscribers == 0
    # A stream asked for while stopping ends at once.
    late = Client()
    await asyncio.wait_for(streaming(bus, late), WAIT)
    assert late.complete


async def test_a_subscriber_that_falls_behind_is_dropped_not_queued_for() -> None:
    bus = LocalBus(limit=3)
    subscription = bus.subscribe()
    for number in range(3):
        bus.publish(change(number))
    assert subscription.closed is None
    bus.publish(change(3))
    assert subscription.closed == "more than 3 events behind" and bus.subscribers == 0
    bus.publish(change(4))  # nothing more is kept for it
    assert not subscription._items


async def test_a_client_that_stops_reading_is_closed_after_the_send_timeout() -> None:
    bus, client = LocalBus(), Client(stalled=True)
    task = streaming(bus, client, heartbeat=0.05, send_timeout=0.2)
    await asyncio.wait_for(task, WAIT)
    assert bus.subscribers == 0 and not client.complete
