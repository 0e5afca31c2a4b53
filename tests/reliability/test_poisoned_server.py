"""A server that sends well-formed data which breaks the store's rules (a
customer named with terminal escapes, a go-live planned for 9999-12-31):
the client holds it to the rules a store file is held to, refuses it with a
message, and keeps its last good copy, so nothing is drawn or computed from
it, whether the server is a rogue or an older ps-tui with looser rules."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.model import Milestone, StoreFile
from ps_tui.data import default_store
from ps_tui.store.errors import StoreUnreadable
from ps_tui.store.http import RemoteStore
from tests.reliability.conftest import FIGURES, child_env
from tests.server_process import TODAY

GOOD = default_store(TODAY)
ESCAPES = "\x1b[2J\x1b[31mEVIL\x1b]0;pwned\x07 Corp"


def poisoned(kind: str) -> StoreFile:
    first = GOOD.implementations[0]
    if kind == "escapes":
        bad = msgspec.structs.replace(first, customer=ESCAPES)
    else:
        go_live = Milestone(key="go_live", planned=dt.date(9999, 12, 31))
        bad = msgspec.structs.replace(first, milestones=[*first.milestones[:-1], go_live])
    return msgspec.structs.replace(GOOD, implementations=[bad, *GOOD.implementations[1:]])


class Serving(BaseHTTPRequestHandler):
    data: StoreFile = GOOD

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        if self.path.startswith("/api/v1/reference"):
            body = msgspec.json.encode(msgspec.structs.replace(self.data, implementations=[]))
        elif self.path.startswith("/api/v1/implementations"):
            items = self.data.implementations
            page = {"items": items, "total": len(items), "limit": 1000, "offset": 0, "deleted": []}
            body = msgspec.json.encode({**page, "server_time": "2026-11-30T09:00:00Z", "complete": True})
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[tuple[str, type[Serving]]]:
    handler = type("Handler", (Serving,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


async def load(url: str, cache: Path) -> tuple[StoreFile, bool]:
    store = RemoteStore(url, "token", cache_dir=cache)
    try:
        return await store.load(), store.offline
    finally:
        await store.aclose()


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("escapes", "implementations[0].customer: holds a control character (\\x1b)"),
        ("far-future", "9999-12-31 is outside the dates ps-tui accepts"),
    ],
)
async def test_data_that_breaks_the_rules_is_refused_and_the_good_copy_kept(
    server: tuple[str, type[Serving]], tmp_path: Path, kind: str, said: str
) -> None:
    url, handler = server
    handler.data = poisoned(kind)
    with pytest.raises(StoreUnreadable) as caught:
        await load(url, tmp_path)
    message = str(caught.value)
    assert "breaks the store's rules" in message and said in message, message
    assert "\x1b" not in message

    handler.data = GOOD
    data, offline = await load(url, tmp_path)
    assert not offline and data == GOOD
    handler.data = poisoned(kind)
    data, offline = await load(url, tmp_path)
    assert offline and data == GOOD  # the last good copy, marked offline
    FIGURES["bad servers: answers refused with a message"] += 1


def test_the_command_line_never_prints_what_was_refused(
    server: tuple[str, type[Serving]], tmp_path: Path
) -> None:
    url, handler = server
    handler.data = poisoned("escapes")
    env = child_env()
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    for command in (["list"], ["list", "--format", "csv"], ["lookup", "evil"], ["kpi"]):
        result = subprocess.run(
            [sys.executable, "-m", "ps_tui", "--remote", url, "--today", TODAY.isoformat(), *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "breaks the store's rules" in result.stderr
        assert "\x1b" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
