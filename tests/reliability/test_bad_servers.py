"""Servers that misbehave: a stand-in on 127.0.0.1 answers HTML, truncated
JSON, JSON of another shape, a list, an empty 200, a redirect, a 422 whose
problems are not objects, or trickles its answer a byte at a time. The real
client gives a clear message (the TUI would show it over its cached copy,
marked offline), `ps-tui --remote URL list` exits 2, and nothing hangs past
the client's deadline."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import msgspec
import pytest

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.data import default_store
from ps_tui.store import live
from ps_tui.store.errors import StoreAuthFailed, StoreError, StoreInvalid, StoreUnreadable
from ps_tui.store.http import RemoteStore
from ps_tui.store.live import Changed, Down, Live, Note, Signal, StreamFailed, follow
from tests.apps import settle
from tests.conftest import TODAY
from tests.reliability.conftest import FIGURES, child_env

ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "html": (200, {"Content-Type": "text/html"}, b"<html><body>Welcome to nginx!</body></html>"),
    "truncated": (200, {"Content-Type": "application/json"}, b'{"schema_version": 1, "segm'),
    "shape": (200, {"Content-Type": "application/json"}, b'{"schema_version": "one", "kpi": []}'),
    "list": (200, {"Content-Type": "application/json"}, b"[1, 2, 3]"),
    "empty": (200, {}, b""),
    "redirect": (302, {"Location": "https://elsewhere.invalid/login"}, b""),
    "problems": (422, {"Content-Type": "application/json"}, b'{"error": "no", "problems": [1, "two", null]}'),
}


class StandIn(BaseHTTPRequestHandler):
    mode = "html"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        if self.mode == "trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(40):  # one byte a second, well past the deadline
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        status, headers, body = ANSWERS[self.mode]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_GET


@pytest.fixture
def stand_in() -> Iterator[tuple[str, type[StandIn]]]:
    handler = type("Handler", (StandIn,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mode", [m for m in ANSWERS if m != "problems"])
async def test_a_bad_answer_is_a_clear_message(
    stand_in: tuple[str, type[StandIn]], tmp_path: Path, mode: str
) -> None:
    url, handler = stand_in
    handler.mode = mode
    store = RemoteStore(url, "token", cache_dir=tmp_path)
    try:
        with pytest.raises(StoreUnreadable) as caught:
            await store.load()
    finally:
        await store.aclose()
    message = str(caught.value)
    assert url in message and "no cached copy yet" in message
    expected = (
        "redirects to https://elsewhere.invalid/login"
        if mode == "redirect"
        else "not one `ps-tui serve` sends"
    )
    assert expected in message
    FIGURES["bad servers: answers refused with a message"] += 1


def test_a_422_whose_problems_are_not_objects(tmp_path: Path) -> None:
    """Saving needs a loaded store, which the stand-in cannot give: the answer
    goes straight to the client's check of it."""
    status, headers, body = ANSWERS["problems"]
    store = RemoteStore("http://127.0.0.1:9", "token", cache_dir=tmp_path)
    with pytest.raises(StoreInvalid) as caught:
        store._check(httpx.Response(status, headers=headers, content=body))
    assert [p.message for p in caught.value.problems] == ["1", "two", "None"]
    FIGURES["bad servers: answers refused with a message"] += 1


async def test_a_trickling_server_is_given_up_on_within_the_deadline(
    stand_in: tuple[str, type[StandIn]], tmp_path: Path
) -> None:
    url, handler = stand_in
    handler.mode = "trickle"
    store = RemoteStore(url, "token", cache_dir=tmp_path, timeout=2.0)
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnreadable, match="not answering"):
            await store.load()
    finally:
        await store.aclose()
    # The deadline is 3x the timeout; the answer would take 40 s.
    assert time.monotonic() - started < 20
    FIGURES["bad servers: answers refused with a message"] += 1


@pytest.mark.parametrize("token", ["tøken", "tok\nen", "two words"])
async def test_a_token_a_header_cannot_carry_is_named(tmp_path: Path, token: str) -> None:
    store = RemoteStore("http://127.0.0.1:9", token, cache_dir=tmp_path)
    try:
        with pytest.raises(StoreAuthFailed, match="the token holds a character an HTTP header cannot carry"):
            await store.load()
    finally:
        await store.aclose()


@pytest.mark.parametrize("mode", ["html", "list", "truncated"])
def test_the_cli_exits_2_with_the_message(
    stand_in: tuple[str, type[StandIn]], tmp_path: Path, mode: str
) -> None:
    url, handler = stand_in
    handler.mode = mode
    env = child_env() | {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "ps_tui", "--remote", url, "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "not one `ps-tui serve` sends" in result.stderr
    assert "Traceback" not in result.stderr
    assert issubclass(StoreUnreadable, StoreError)
    FIGURES["bad servers: answers refused with a message"] += 1


# -- a hostile event stream ----------------------------------------------------------

CHANGE = b'event: change\ndata: {"kind": "saved", "ids": ["IMP-1"], "at": "2026-11-30T09:00:00Z"}\n\n'
READY = b'event: ready\ndata: {"server_time": "2026-11-30T09:00:00Z"}\n\n'
STREAMS: dict[str, tuple[int, str, list[bytes]]] = {
    # A line of 4 MB without an end, then a good change.
    "huge": (200, "text/event-stream", [READY, b"data: " + b"x" * 4_000_000, b"\n\n", CHANGE]),
    "garbage": (
        200,
        "text/event-stream",
        [
            READY,
            b"\xff\xfe\x00\x01 garbage\r\n\n",
            b"event: change\ndata: {not json\n\n",
            b'event: change\ndata: {"kind": 1, "ids": "IMP-1"}\n\n',
            b"event: change\n" + b"data: [[[[[[[[\n" * 5000 + b"\n",
            b'event: change\ndata: {"kind": "saved", "ids": ["' + b"I" * 10_000 + b'"]}\n\n',
            CHANGE,
        ],
    ),
    "flood": (200, "text/event-stream", [READY, CHANGE * 20_000]),
    "html": (200, "text/html", [b"<html>Welcome to nginx!</html>"]),
    "missing": (404, "application/json", [b'{"error": "no such route"}']),
    "quiet": (200, "text/event-stream", [READY]),
}


def _store_answers() -> dict[str, bytes]:
    """What a ps-tui serve of the demo data answers for a load."""
    data = default_store(TODAY)
    page = {
        "items": msgspec.to_builtins(data.implementations),
        "total": len(data.implementations),
        "limit": 10000,
        "offset": 0,
        "deleted": [],
        "server_time": "2026-11-30T09:00:00Z",
        "complete": True,
    }
    return {
        "/api/v1/reference": msgspec.json.encode(msgspec.structs.replace(data, implementations=[])),
        "/api/v1/implementations": msgspec.json.encode(page),
    }


class LiveStandIn(BaseHTTPRequestHandler):
    """The store as a ps-tui serve gives it, and a hostile event stream."""

    protocol_version = "HTTP/1.1"
    mode = "huge"
    answers: dict[str, bytes] = {}

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/api/v1/events":
            status, kind, chunks = STREAMS[self.mode]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for chunk in chunks:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                if self.mode == "quiet":
                    time.sleep(5)
            except OSError:
                return
            self.close_connection = True
            return
        body = self.answers.get(path, b'{"error": "no"}')
        self.send_response(200 if path in self.answers else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def live_stand_in() -> Iterator[tuple[str, type[LiveStandIn]]]:
    handler = type("Handler", (LiveStandIn,), {"answers": _store_answers()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


async def signals_of(store: RemoteStore) -> list[Signal]:
    return [signal async for signal in store.events()]


@pytest.mark.parametrize("mode", ["huge", "garbage"])
async def test_a_hostile_event_stream_is_ignored_with_a_note(
    live_stand_in: tuple[str, type[LiveStandIn]], tmp_path: Path, mode: str
) -> None:
    url, handler = live_stand_in
    handler.mode = mode
    store = RemoteStore(url, "token", cache_dir=tmp_path)
    try:
        signals = await asyncio.wait_for(signals_of(store), 30)
    finally:
        await store.aclose()
    notes = [s for s in signals if isinstance(s, Note)]
    assert len(notes) == 1 and "ignored" in notes[0].text
    assert [s for s in signals if not isinstance(s, Note)] == [Live(), Changed(frozenset({"IMP-1"}))]
    FIGURES["bad servers: hostile event streams read without a crash"] += 1


@pytest.mark.parametrize("mode", ["html", "missing"])
async def test_a_server_without_an_event_stream_is_polled(
    live_stand_in: tuple[str, type[LiveStandIn]], tmp_path: Path, mode: str
) -> None:
    url, handler = live_stand_in
    handler.mode = mode
    store = RemoteStore(url, "token", cache_dir=tmp_path)
    signals = follow(store)
    try:
        down = await asyncio.wait_for(anext(signals), 30)
    finally:
        await signals.aclose()
        await store.aclose()
    assert isinstance(down, Down) and down.retry_in == live.NOT_OFFERED_PAUSE
    expected = "offers no live updates" if mode == "missing" else "is text/html, not an event stream"
    assert expected in down.reason
    FIGURES["bad servers: hostile event streams read without a crash"] += 1


async def test_a_stream_that_goes_quiet_is_given_up_on(
    live_stand_in: tuple[str, type[LiveStandIn]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = live_stand_in
    handler.mode = "quiet"
    monkeypatch.setattr("ps_tui.store.http.IDLE_TIMEOUT", 0.5)
    store = RemoteStore(url, "token", cache_dir=tmp_path)
    signals = store.events()
    try:
        assert await asyncio.wait_for(anext(signals), 30) == Live()
        with pytest.raises(StreamFailed, match="went quiet"):
            await asyncio.wait_for(anext(signals), 30)
    finally:
        await signals.aclose()
        await store.aclose()
    FIGURES["bad servers: hostile event streams read without a crash"] += 1


@pytest.mark.parametrize("mode", ["garbage", "flood", "huge"])
async def test_the_tui_on_a_hostile_event_stream_keeps_running(
    live_stand_in: tuple[str, type[LiveStandIn]], tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = live_stand_in
    handler.mode = mode
    monkeypatch.setattr(live, "RECONNECT", (0.5,))
    settings = Settings(today=TODAY, remote_url=url, remote_token="token", refresh_seconds=3600)
    app = PsApp(RemoteStore(url, "token", cache_dir=tmp_path), settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 30
        # Through a few connections (each ends, the TUI reconnects).
        while app.live_down is None or app._following is False:
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        await pilot.press("2")
        await settle(pilot)
        assert app.portfolio is not None and len(app.portfolio.data.implementations) == 42
        assert app.return_code is None
        notes = [n for n in app._notifications if n.title == "Live updates"]
        assert len(notes) == (0 if mode == "flood" else 1)
    FIGURES["bad servers: hostile event streams read without a crash"] += 1
