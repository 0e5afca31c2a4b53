"""Live updates: `GET /api/v1/events` on a real `ps-tui serve` on 127.0.0.1
and the real client (RemoteStore, the app on it). Waits are generous
timeouts for an event to arrive, never a measure of how fast it came."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec
import pytest

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.model import Implementation, Status
from ps_tui.store import live
from ps_tui.store.file import FileStore
from ps_tui.store.http import RemoteStore
from ps_tui.store.live import Changed, Down, EventReader, Live, Note, StreamFailed, follow
from tests.apps import settle
from tests.conftest import TODAY
from tests.server_process import ServerProcess, start_server, write_store

pytest.importorskip("uvicorn")

TOKEN = "live-token-0123456789"
#: The longest any wait for an event here may take before the test fails.
WAIT = 10.0

T = TypeVar("T")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return write_store(tmp_path / "shared.toml")


@pytest.fixture
def server(store_path: Path) -> Iterator[ServerProcess]:
    process = start_server(store_path, token=TOKEN)
    try:
        yield process
    finally:
        process.stop()


def client(server: ServerProcess, tmp_path: Path, name: str, token: str | None = TOKEN) -> RemoteStore:
    return RemoteStore(server.url, token, cache_dir=tmp_path / f"cache-{name}")


async def soon(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, WAIT)


async def until(condition: Callable[[], bool], pause: Callable[[], Awaitable[Any]]) -> None:
    """Wait (pausing with `pause`) until `condition` holds, failing after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await pause()


def new(number: int, customer: str = "Pushed Co") -> Implementation:
    return Implementation(id=f"IMP-{number}", customer=customer, segment="mm")


# -- the stream --------------------------------------------------------------------


async def test_an_event_arrives_soon_after_another_clients_write(
    server: ServerProcess, tmp_path: Path
) -> None:
    watcher, writer = client(server, tmp_path, "watcher"), client(server, tmp_path, "writer")
    signals = watcher.events()
    try:
        assert await soon(anext(signals)) == Live()
        await writer.load()
        await writer.save_implementation(new(9200))
        assert await soon(anext(signals)) == Changed(frozenset({"IMP-9200"}))
        await writer.delete_implementation("IMP-9200")
        assert await soon(anext(signals)) == Changed(frozenset({"IMP-9200"}))
    finally:
        await signals.aclose()
        await watcher.aclose()
        await writer.aclose()


class Event(msgspec.Struct):
    kind: str
    ids: list[str]
    at: dt.datetime


async def next_change(lines: AsyncIterator[str]) -> Event:
    async for line in lines:
        if line.startswith("data: ") and '"kind"' in line:
            return msgspec.json.decode(line.removeprefix("data: "), type=Event)
    raise AssertionError("the stream ended")


async def test_each_kind_of_change_names_what_changed_and_a_time_to_fetch_it_from(
    server: ServerProcess,
) -> None:
    async with (
        httpx.AsyncClient(base_url=server.url, headers=server.headers, timeout=WAIT) as http,
        http.stream("GET", "/api/v1/events") as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-store"
        lines = stream.aiter_lines()
        assert await soon(anext(lines)) == "event: ready"
        created = await http.post("/api/v1/implementations", content=msgspec.json.encode(new(9300)))
        assert created.status_code == 201
        event = await soon(next_change(lines))
        assert (event.kind, event.ids) == ("saved", ["IMP-9300"])
        # `at` is a cursor: the change feed from it holds the change.
        since = await http.get("/api/v1/implementations", params={"updated_since": event.at.isoformat()})
        assert "IMP-9300" in [item["id"] for item in since.json()["items"]]
        deleted = await http.delete("/api/v1/implementations/IMP-9300")
        assert deleted.status_code == 204
        event = await soon(next_change(lines))
        assert (event.kind, event.ids) == ("deleted", ["IMP-9300"])
        since = await http.get("/api/v1/implementations", params={"updated_since": event.at.isoformat()})
        assert since.json()["deleted"] == ["IMP-9300"]
        reference = (await http.get("/api/v1/reference")).content
        replaced = await http.put("/api/v1/reference", content=reference)
        assert replaced.status_code == 200
        event = await soon(next_change(lines))
        assert (event.kind, event.ids) == ("reference", [])
        # A refused write is not announced: the next event is the next landed change.
        refused = await http.post("/api/v1/implementations", content=msgspec.json.encode(new(9301, "")))
        assert refused.status_code == 422
        await http.post("/api/v1/implementations", content=msgspec.json.encode(new(9302)))
        assert (await soon(next_change(lines))).ids == ["IMP-9302"]


def test_the_schema_describes_the_event_stream(server: ServerProcess) -> None:
    schema = httpx.get(f"{server.url}/openapi.json", timeout=WAIT).json()
    operation = schema["paths"]["/api/v1/events"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["text/event-stream"]
    assert "updated_since" in operation["responses"]["200"]["description"]


async def test_the_stream_needs_the_token_when_reads_are_protected(store_path: Path, tmp_path: Path) -> None:
    with start_server(store_path, token=TOKEN, extra_args=["--protect-reads"]) as protected:
        async with httpx.AsyncClient(base_url=protected.url, timeout=WAIT) as http:
            refused = await http.get("/api/v1/events")
            assert refused.status_code == 401 and "bearer token" in refused.json()["error"]
        anonymous = client(protected, tmp_path, "anonymous", token=None)
        with pytest.raises(StreamFailed, match="refused the token"):
            await anext(anonymous.events())
        await anonymous.aclose()
        member = client(protected, tmp_path, "member")
        signals = member.events()
        assert await soon(anext(signals)) == Live()
        await signals.aclose()
        await member.aclose()


def open_stream(server: ServerProcess) -> socket.socket:
    """A raw connection whose event stream has begun (its `ready` read)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    sock.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
    received = b""
    while b"event: ready" not in received:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the stream before it began"
        received += chunk
    return sock


def ended(sock: socket.socket) -> bool:
    """Whether the server ends `sock` within WAIT seconds."""
    sock.settimeout(WAIT)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def test_ctrl_c_ends_open_streams_and_the_server_exits(store_path: Path) -> None:
    server = start_server(store_path, token=TOKEN)
    streams = [open_stream(server) for _ in range(3)]
    try:
        assert server.process is not None
        server.process.send_signal(signal.SIGINT)
        # uvicorn waits for every response in progress: a stream must end by itself.
        assert server.process.wait(WAIT) == 128 + 2, server.log()
        assert all(ended(stream) for stream in streams)
        assert "Traceback" not in server.log()
    finally:
        for stream in streams:
            stream.close()
        server.stop()


def test_streams_count_as_connections_and_give_way_to_a_request(store_path: Path) -> None:
    extra = ["--max-connections", "3", "--header-timeout", "0.5"]
    with start_server(store_path, token=TOKEN, extra_args=extra) as server:
        streams = [open_stream(server) for _ in range(3)]
        try:
            # Well past the header deadline, the streams are still open and live.
            time.sleep(1.5)
            answer = httpx.post(
                f"{server.url}/api/v1/implementations",
                content=msgspec.json.encode(new(9400)),
                headers=server.headers,
                timeout=WAIT,
            )
            assert answer.status_code == 201
            # The request took the place of the oldest stream; the others heard of it.
            assert ended(streams[0])
            for stream in streams[1:]:
                stream.settimeout(WAIT)
                received = b""
                while b"IMP-9400" not in received:
                    chunk = stream.recv(4096)
                    assert chunk, "a stream was closed"
                    received += chunk
        finally:
            for stream in streams:
                stream.close()
        assert "closed the oldest event stream" in server.log()


# -- the app -----------------------------------------------------------------------


def remote_app(server: ServerProcess, tmp_path: Path, name: str) -> PsApp:
    """A TUI on the shared server that would poll once an hour."""
    settings = Settings(today=TODAY, remote_url=server.url, remote_token=TOKEN, refresh_seconds=3600)
    return PsApp(client(server, tmp_path, name), settings)


async def test_two_tuis_see_each_others_edits_without_waiting_for_a_poll(
    server: ServerProcess, tmp_path: Path
) -> None:
    first, second = remote_app(server, tmp_path, "first"), remote_app(server, tmp_path, "second")
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        await until(lambda: first.live and second.live, one.pause)
        assert "live" in first.status and "live" in second.status
        assert first.portfolio is not None and second.portfolio is not None
        # The first advances a milestone from the keyboard ...
        await one.press("2")
        await settle(one)
        await one.press("p", "enter")
        await settle(one)

        def advanced(app: PsApp) -> bool:
            assert app.portfolio is not None
            return any(
                m.actual == TODAY
                for i in app.portfolio.data.implementations
                if i.status is Status.ACTIVE
                for m in i.milestones
            )

        assert advanced(first)
        # ... and the second shows it, with its poll an hour away.
        await until(lambda: advanced(second), two.pause)
        # And the other way round.
        first_active = next(i for i in second.portfolio.data.implementations if i.status is Status.ACTIVE)
        renamed = msgspec.structs.replace(first_active, customer="Renamed Live Co")
        second.submit("Renamed", lambda store: store.save_implementation(renamed), [renamed.id])
        await until(lambda: first.portfolio.by_id[renamed.id].customer == "Renamed Live Co", one.pause)


async def test_a_dropped_stream_falls_back_to_polling_and_recovers(
    server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "RECONNECT", (0.2, 0.5))
    app = remote_app(server, tmp_path, "tui")
    other = client(server, tmp_path, "other")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(lambda: app.live, pilot.pause)
        assert app._refresh_timer is None  # no polling while live
        server.stop()
        await until(lambda: not app.live, pilot.pause)
        assert app._refresh_timer is not None  # polling again
        assert "polled" in app.status or "OFFLINE" in app.status
        server.start()
        # Changed while the TUI was not following: the catch-up on reconnection brings it.
        await other.load()
        await other.save_implementation(new(9500, "Missed Co"))
        await until(lambda: app.live, pilot.pause)
        assert app.portfolio is not None
        await until(lambda: "IMP-9500" in app.portfolio.by_id, pilot.pause)
        assert app._refresh_timer is None and "live" in app.status
    await other.aclose()


async def test_a_store_changed_on_disk_reaches_a_live_tui_when_the_server_reloads_it(
    server: ServerProcess, store_path: Path, tmp_path: Path
) -> None:
    app = remote_app(server, tmp_path, "tui")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await until(lambda: app.live, pilot.pause)
        # Another program adds an implementation to the file itself.
        by_hand = FileStore(store_path)
        data = by_hand.read()
        by_hand.write(msgspec.structs.replace(data, implementations=[*data.implementations, new(9600)]))
        # The next write through the server finds the file changed, reloads it and says so.
        async with httpx.AsyncClient(base_url=server.url, headers=server.headers, timeout=WAIT) as http:
            refused = await http.post("/api/v1/implementations", content=msgspec.json.encode(new(9601)))
        assert refused.status_code == 503 and "reloaded" in refused.json()["error"]
        assert app.portfolio is not None
        await until(lambda: "IMP-9600" in app.portfolio.by_id, pilot.pause)
        assert "IMP-9601" not in app.portfolio.by_id


# -- reading a stream --------------------------------------------------------------

STREAM = (
    b": keep-alive\n\n"
    b"event: ready\ndata: {}\n\n"
    b'id: 7\nretry: 10\nevent: change\r\ndata: {"kind": "saved", "ids": ["IMP-1"], "at": "x"}\r\n\r\n'
    b"event: something-newer\ndata: 1\n\n"
    b'event: change\rdata: {"kind": "deleted", "ids": ["IMP-2"], "extra": true}\r\r'
)


@pytest.mark.parametrize("size", [1, 2, 7, len(STREAM)])
def test_the_reader_reads_events_however_the_stream_is_cut(size: int) -> None:
    reader = EventReader()
    signals = [s for start in range(0, len(STREAM), size) for s in reader.feed(STREAM[start : start + size])]
    assert signals == [Live(), Changed(frozenset({"IMP-1"})), Changed(frozenset({"IMP-2"}))]
    assert reader.ignored == 0


def test_the_reader_skips_what_is_too_long_or_malformed_and_says_so_once() -> None:
    reader = EventReader(max_line=1024)
    signals = reader.feed(b"data: " + b"x" * 5000)
    signals += reader.feed(b"x" * 5000 + b"\n\n")
    signals += reader.feed(b"event: change\n" + b"data: [\n" * 600 + b"\n")
    signals += reader.feed(b"event: change\ndata: not json\n\n\xff\xfe\x00\n\n")
    signals += reader.feed(b'event: change\ndata: {"kind": "saved", "ids": ["' + b"I" * 300 + b'"]}\n\n')
    signals += reader.feed(b'event: change\ndata: {"kind": "saved", "ids": ["IMP-3"]}\n\n')
    assert signals == [
        Note("ignored a line longer than 1 KiB in the server's event stream"),
        Changed(frozenset({"IMP-3"})),
    ]
    assert reader.ignored == 4


class Script:
    """An EventSource that plays connections: each a list of signals, or an
    exception to raise."""

    def __init__(self, *connections: list[Any] | Exception) -> None:
        self.connections = list(connections)

    async def events(self) -> AsyncIterator[Any]:
        connection = self.connections.pop(0)
        if isinstance(connection, Exception):
            raise connection
        for item in connection:
            yield item


async def test_follow_reconnects_with_growing_pauses_and_never_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "RECONNECT", (0.01, 0.02))
    monkeypatch.setattr(live, "NOT_OFFERED_PAUSE", 0.03)
    source = Script(
        [Live(), Changed(frozenset({"A"}))],
        StreamFailed("gone"),
        StreamFailed("still gone"),
        live.NotOffered("an older server"),
        [Live()],
    )
    signals = follow(source)
    got = [await soon(anext(signals)) for _ in range(8)]
    await signals.aclose()
    assert got == [
        Live(),
        Changed(frozenset({"A"})),
        Down("the server ended the event stream", 0.01),
        Down("gone", 0.02),
        Down("still gone", 0.02),
        Down("an older server", 0.03),
        Live(),
        Down("the server ended the event stream", 0.02),
    ]


def test_a_restarted_server_is_followed_again_within_seconds_however_long_it_was_down() -> None:
    """The pauses between tries stay short (a client is live again soon after
    its server returns), and start again from the first after a stream that
    was up: a server restarted twice in a minute is not waited for longer."""
    backoff = live.Backoff()
    down_for_two_minutes = []
    while sum(down_for_two_minutes) < 120:
        down_for_two_minutes.append(backoff.pause(None))
    assert max(down_for_two_minutes) <= 10
    assert backoff.pause(live.STEADY) == live.RECONNECT[0] <= 1
    # A stream that ends as soon as it is up does not reset them.
    assert backoff.pause(0.0) > live.RECONNECT[0]
