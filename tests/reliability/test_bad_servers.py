"""Servers that misbehave: a stand-in on 127.0.0.1 answers HTML, truncated
JSON, JSON of another shape, a list, an empty 200, a redirect, a 422 whose
problems are not objects, or trickles its answer a byte at a time. The real
client gives a clear message (the TUI would show it over its cached copy,
marked offline), `ps-tui --remote URL list` exits 2, and nothing hangs past
the client's deadline."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from ps_tui.store.errors import StoreAuthFailed, StoreError, StoreInvalid, StoreUnreadable
from ps_tui.store.http import RemoteStore
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
