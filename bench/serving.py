"""A real `ps-tui serve` on 127.0.0.1 for the remote cases, started and
stopped outside the clock: from a store file or from a database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

#: The bearer token the benchmark servers accept for writes.
TOKEN = "bench-token"
#: The day the generated data are dated around.
TODAY = "2026-11-30"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(source: list[str], start_timeout: float = 600.0) -> Iterator[str]:
    """Run `ps-tui serve SOURCE` (`--store PATH` or `--database URL`) and
    yield its URL once `/healthz` answers; stop it afterwards (SIGTERM, then
    SIGKILL by its id)."""
    port = free_port()
    env = {**os.environ, "PS_TUI_SERVER_TOKEN": TOKEN}
    argv = [sys.executable, "-m", "ps_tui", "serve", *source, "--port", str(port), "--today", TODAY]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_for(server, url, log, start_timeout)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_for(server: subprocess.Popen[bytes], url: str, log: IO[bytes], timeout: float) -> None:
    """Until the server at `url` answers `/healthz`; RuntimeError with its
    log's end when it exits or takes longer than `timeout` seconds."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            log.seek(0)
            said = log.read().decode(errors="replace").strip()[-300:]
            raise RuntimeError(f"ps-tui serve exited with {server.returncode}: {said}")
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"ps-tui serve did not answer within {timeout:.0f} s")
        time.sleep(0.05)
