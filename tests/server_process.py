"""Run `ps-tui serve` in a real process, on loopback, for the server's and the
HTTP client's tests.

    from tests.server_process import start_server, write_store

    store_path = write_store(tmp_path / "store.toml")
    server = start_server(store_path, token="s3cret")
    try:
        httpx.get(f"{server.url}/api/v1/implementations")
        server.restart()          # same port, same store: the client reconnects
    finally:
        server.stop()

`start_server` returns once `/healthz` answers (bounded polling), or raises
with the server's log. The process runs with a throwaway HOME and no
PS_TUI_* variable from the caller, so no user config leaks in; its output goes
to a log file beside the store (`server.log()` reads it).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

#: The fixed "today" of the server tests (the demo data is dated around it).
TODAY = dt.date(2026, 11, 30)
#: How long a start may take before the test fails (imports, store load).
START_TIMEOUT = 20.0
#: How long `stop` waits after SIGTERM before it kills.
STOP_TIMEOUT = 5.0


def write_store(path: Path, today: dt.date = TODAY) -> Path:
    """Write the bundled default store (reference + demo implementations dated
    around `today`) to `path` (.toml or .json) and return it."""
    from ps_tui.data import default_store
    from ps_tui.store.file import FileStore

    path.parent.mkdir(parents=True, exist_ok=True)
    FileStore(path).write(default_store(today))
    return path


def free_port() -> int:
    """A port nobody listens on now (127.0.0.1)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def isolated_env(home: Path, token: str | None) -> dict[str, str]:
    """The caller's environment without PS_TUI_* and with a throwaway home;
    PS_TUI_SERVER_TOKEN set to `token` when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PS_TUI_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHONUNBUFFERED="1",
    )
    if token is not None:
        env["PS_TUI_SERVER_TOKEN"] = token
    return env


class ServerProcess:
    """A running `python -m ps_tui serve` on 127.0.0.1."""

    def __init__(
        self,
        store_path: Path,
        *,
        token: str | None,
        extra_args: Sequence[str] = (),
        today: dt.date = TODAY,
        port: int | None = None,
        database: str | None = None,
    ) -> None:
        #: With `database`, the server serves it (`--database URL`) and
        #: `store_path` only says where its home and log go.
        self.database = database
        self.store_path = Path(store_path)
        self.token = token
        self.extra_args = tuple(extra_args)
        self.today = today
        self.port = port or free_port()
        self.home = self.store_path.parent / f"home-{self.port}"
        self.log_path = self.store_path.parent / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:49152 (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header for writes (empty without a token)."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "ps_tui",
            "serve",
            *(("--database", self.database) if self.database else ("--store", str(self.store_path))),
            "--port",
            str(self.port),
            "--today",
            self.today.isoformat(),
            *self.extra_args,
        ]

    def start(self) -> ServerProcess:
        """Start the process and wait until /healthz answers."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the server is already running")
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=isolated_env(self.home, self.token),
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"ps-tui serve exited with {self.process.returncode} before it was ready:\n{self.log()}"
                )
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"ps-tui serve did not answer /healthz within {START_TIMEOUT:g} s:\n{self.log()}")

    def stop(self) -> int | None:
        """Terminate (SIGTERM: uvicorn shuts down cleanly), kill after
        STOP_TIMEOUT; returns the exit status (None if it never started)."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        return process.returncode

    def restart(self) -> ServerProcess:
        """Stop and start again on the same port with the same store."""
        self.stop()
        return self.start()

    def log(self) -> str:
        """Everything the server printed so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_with(self, *lines: str, timeout: float = 10.0) -> str:
        """The log once it holds every one of `lines` (the access log is
        written after the answer is sent, so a client may read it first),
        or as it is when `timeout` has passed."""
        deadline = time.monotonic() + timeout
        while not all(line in (log := self.log()) for line in lines) and time.monotonic() < deadline:
            time.sleep(0.02)
        return log

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(
    store_path: Path,
    *,
    token: str | None,
    extra_args: Sequence[str] = (),
    today: dt.date = TODAY,
    database: str | None = None,
) -> ServerProcess:
    """Start `ps-tui serve --store STORE_PATH --port <free> --today TODAY
    [extra_args]` with PS_TUI_SERVER_TOKEN=token (none when token is None:
    pass `--no-auth` in extra_args then) and wait until it answers; with
    `database`, `--database DATABASE` instead of `--store`. Call `.stop()`
    when done (or use it as a context manager)."""
    return ServerProcess(
        store_path, token=token, extra_args=extra_args, today=today, database=database
    ).start()
