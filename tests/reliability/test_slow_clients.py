"""Clients that are slow or go away cannot lock the team out of `ps-tui
serve`: a real server on 127.0.0.1, with a small connection cap and short
deadlines so that the cases run in seconds.

Each case used to fail: connections trickling their headers held the server
for everyone (and, past the file limit, logged a traceback per accept); a
client that closed mid-body was a logged 500 traceback; a slow body waited
forever."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reliability.conftest import FIGURES
from tests.server_process import ServerProcess, start_server, write_store

pytest.importorskip("uvicorn")

CAP = 20
HEADER_TIMEOUT = 1.5
BODY_TIMEOUT = 1.5
TOKEN = "slow-clients"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    store = write_store(tmp_path_factory.mktemp("slow") / "store.toml")
    extra = [
        "--max-connections",
        str(CAP),
        "--header-timeout",
        str(HEADER_TIMEOUT),
        "--body-timeout",
        str(BODY_TIMEOUT),
        "--protect-reads",
    ]
    process = start_server(store, token=TOKEN, extra_args=extra)
    try:
        yield process
    finally:
        process.stop()


def trickler(server: ServerProcess) -> socket.socket:
    """A connection that has sent half a request head and stops there."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes `sock` within `within` seconds."""
    sock.settimeout(within)
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_three_times_the_cap_of_trickling_connections_do_not_stop_a_normal_request(
    server: ServerProcess,
) -> None:
    slow = [trickler(server) for _ in range(3 * CAP)]
    try:
        for _ in range(5):
            # A new connection each time: each must take a trickler's place.
            answer = httpx.get(f"{server.url}/api/v1/team", headers=server.headers, timeout=5.0)
            assert answer.status_code == 200
    finally:
        for sock in slow:
            sock.close()
    log = server.log()
    assert "Traceback" not in log
    # Refused or shed connections are reported once, not per connection.
    assert log.count("connection limit") == 1, log
    FIGURES["slow clients: trickling connections that did not stop a request"] += len(slow)


def test_a_connection_that_never_finishes_its_request_head_is_closed(server: ServerProcess) -> None:
    sock = trickler(server)
    try:
        started = time.monotonic()
        assert closed_by_server(sock, within=HEADER_TIMEOUT + 5)
        assert time.monotonic() - started >= HEADER_TIMEOUT - 0.5
    finally:
        sock.close()
    assert "sent no complete request" in server.log()
    FIGURES["slow clients: deadlines and disconnects answered without a traceback"] += 1


def test_a_keep_alive_connection_gets_a_new_deadline_for_each_request(server: ServerProcess) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        for _ in range(3):
            sock.sendall(request)
            answer = b""
            while b'{"status":"ok"}' not in answer:
                chunk = sock.recv(4096)
                assert chunk, answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200 OK")
            time.sleep(HEADER_TIMEOUT / 2)  # well inside both deadlines
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # and then nothing more
        assert closed_by_server(sock, within=HEADER_TIMEOUT + 5)
    finally:
        sock.close()


def test_a_body_that_does_not_arrive_in_time_is_a_408(server: ServerProcess) -> None:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=BODY_TIMEOUT + 10)
    try:
        head = (
            "POST /api/v1/implementations HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
            "Content-Length: 500\r\n\r\n"
        )
        sock.sendall(head.encode() + b'{"id": "slo')
        answer = b""
        while chunk := sock.recv(65536):  # the server closes after the 408
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"did not arrive within" in answer
    FIGURES["slow clients: deadlines and disconnects answered without a traceback"] += 1


def test_a_client_that_disconnects_mid_body_is_not_a_traceback(server: ServerProcess) -> None:
    before = server.log()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    head = (
        "PUT /api/v1/implementations/anything HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
        "Content-Length: 5000\r\n\r\n"
    )
    sock.sendall(head.encode() + b'{"id": "anyth')
    time.sleep(0.2)
    sock.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "PUT /api/v1/implementations/anything" not in server.log():
        time.sleep(0.05)
    added = server.log()[len(before) :]
    assert "PUT /api/v1/implementations/anything 400" in added, added
    assert "Traceback" not in added and "internal error" not in added
    FIGURES["slow clients: deadlines and disconnects answered without a traceback"] += 1


def test_responses_are_not_sniffed_and_protected_reads_are_not_cached(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=5.0) as client:
        for answer in (client.get("/api/v1/team"), client.get("/api/v1/implementations/nope")):
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["cache-control"] == "no-store"


def test_without_protect_reads_answers_may_be_cached_but_are_never_sniffed(tmp_path: Path) -> None:
    with start_server(write_store(tmp_path / "store.toml"), token=TOKEN) as process:
        answer = httpx.get(f"{process.url}/api/v1/team", timeout=5.0)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in answer.headers
