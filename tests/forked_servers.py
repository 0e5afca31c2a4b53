"""Many real `ps-tui serve` processes, cheaply: one parent process imports
the server stack once and forks a server for each `spawn`, so a test can
start (and SIGKILL) dozens of them in seconds instead of paying the
imports every time.

    with Forks() as forks:
        server = forks.spawn(["--database", url], home=tmp_path / "home", token=TOKEN)
        httpx.get(f"{server.url}/healthz")
        server.kill()              # SIGKILL, as a crash would
        server = server.again()    # the same arguments and port, a new process

Each child is a whole server, as `python -m ps_tui serve ...` would run it:
`ps_tui.cli.main(["serve", ...])` with the environment of
`server_process.isolated_env`, its output in a log file. The parent opens
nothing (no database, no socket) before it forks, so a child shares
nothing with it but the imported code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from tests.server_process import START_TIMEOUT, TODAY, free_port, isolated_env

#: The parent: imports, then forks a server per line read (a JSON object:
#: argv, env, log) and prints the child's pid. Children are reaped by the
#: kernel (SIGCHLD ignored), so a killed one leaves no zombie.
_PARENT = r"""
import json, os, signal, sys
import fastapi, uvicorn
import ps_tui.cli, ps_tui.cli.serve, ps_tui.server.app, ps_tui.server.database, ps_tui.db.opening
try:
    import psycopg, psycopg_pool, ps_tui.db.postgres
except ImportError:
    pass
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
print("ready", flush=True)
for line in sys.stdin:
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.environ.clear()
        os.environ.update(order["env"])
        code = 1
        try:
            code = ps_tui.cli.main(order["argv"])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 1)
    print(pid, flush=True)
"""


@dataclass
class Forked:
    """One forked `ps-tui serve` on 127.0.0.1."""

    forks: Forks
    args: list[str]
    home: Path
    token: str | None
    port: int
    pid: int = 0
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        """Whether the process runs, and is still ours (a child of the
        forking parent: a pid freed by its end may be another's soon)."""
        if not self.pid:
            return False
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            # A process that ends while its entry is read gives ESRCH, not ENOENT.
            self.pid = 0
            return False
        # pid (comm) state ppid ...: comm may hold spaces, so split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z" or int(fields[1]) != self.forks.parent_pid:
            self.pid = 0
            return False
        return True

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` (SIGKILL: no goodbye) and wait until the process is gone."""
        if self.alive():
            os.kill(self.pid, sig)
        deadline = time.monotonic() + 10
        while self.alive():
            assert time.monotonic() < deadline, f"server {self.pid} outlived {signal.Signals(sig).name}"
            time.sleep(0.005)

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down cleanly), SIGKILL if it lingers."""
        if not self.alive():
            return
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.kill()

    def again(self) -> Forked:
        """The same server (arguments, port, home) in a new process."""
        return self.forks.start(self.args, self.home, self.token, self.port)


class Forks:
    """The forking parent; `spawn` servers from it, `close` ends it (and
    every server it forked that is still running)."""

    def __init__(self) -> None:
        self._parent = subprocess.Popen(
            [sys.executable, "-c", _PARENT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.parent_pid = self._parent.pid
        self._servers: list[Forked] = []
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self._parent.stdout is not None
        line = self._parent.stdout.readline().strip()
        if not line:
            raise RuntimeError(f"the forking parent ended ({self._parent.wait()})")
        return line

    def spawn(self, args: list[str], *, home: Path, token: str | None) -> Forked:
        """`ps-tui serve ARGS --port <free> --today TODAY`, answering /healthz."""
        return self.start(args, home, token, free_port())

    def start(self, args: list[str], home: Path, token: str | None, port: int) -> Forked:
        home.mkdir(parents=True, exist_ok=True)
        server = Forked(self, args, home, token, port, log_path=home / f"server-{port}.log")
        argv = ["--today", TODAY.isoformat(), "serve", *args, "--port", str(port)]
        order = {"argv": argv, "env": isolated_env(home, token), "log": str(server.log_path)}
        assert self._parent.stdin is not None
        self._parent.stdin.write(json.dumps(order) + "\n")
        self._parent.stdin.flush()
        server.pid = int(self._read())
        self._servers.append(server)
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(timeout=1.0) as http:
            while True:
                if not server.alive():
                    raise RuntimeError(f"ps-tui serve ended before it was ready:\n{server.log()}")
                try:
                    if http.get(f"{server.url}/healthz").status_code == 200:
                        return server
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    server.kill()
                    raise RuntimeError(
                        f"ps-tui serve did not answer within {START_TIMEOUT:g} s:\n{server.log()}"
                    )
                time.sleep(0.02)

    def close(self) -> None:
        for server in self._servers:
            server.stop()
        assert self._parent.stdin is not None
        self._parent.stdin.close()
        self._parent.wait(10)

    def __enter__(self) -> Forks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
