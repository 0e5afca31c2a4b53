"""Connections that cannot lock the team out: a cap on open connections and a
deadline for each request's headers, on top of uvicorn's h11 protocol.

uvicorn waits for a request's headers for as long as the client takes, and
its own `limit_concurrency` answers 503 to everyone once slow clients hold the
slots, so 300 connections that trickle one byte every few seconds used to
stall every other request and, past the process's file limit, fill the log
with an accept traceback per attempt. Here:

- a connection has `header_timeout` seconds from its opening (or from the end
  of its previous response) to deliver a complete request head, else it is
  closed; a request's body has its own deadline (see wire.read_body);
- at most `limit` connections are open: a new one beyond it takes the place of
  the one that has waited longest for its request head, else of the oldest
  event stream (`GET /api/v1/events`: its client falls back to polling and
  reconnects later); any other request being answered is never cut, so a
  client that sends its request at once always gets in, however many slow
  ones or streams there are;
- an event stream is a request being answered for as long as it lasts: no
  header deadline runs meanwhile, and it has no body to time out;
- what is refused is logged once a minute with a count, never per attempt;
- on shutdown the event streams are ended first (`Server`), since uvicorn
  waits for every response in progress and a stream never ends by itself.

What needs a proxy in front (many addresses, TLS, bandwidth) is in the README.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

log = logging.getLogger("ps_tui.server")

#: Seconds a client has to send a complete request head.
HEADER_TIMEOUT = 10.0
#: Open connections at most (lowered to fit the process's file limit).
MAX_CONNECTIONS = 256
#: File descriptors kept for the store, the log and the interpreter itself.
RESERVED_FILES = 64
#: How often a repeated refusal is reported.
REPORT_EVERY = 60.0
#: The request path of the long-lived event streams.
EVENTS_PATH = "/api/v1/events"


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one; return the limit now."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no limit to raise
        return MAX_CONNECTIONS + RESERVED_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass  # keep the soft limit; the connection cap fits under it
    return soft


def connection_cap(wanted: int, file_limit: int) -> int:
    """`wanted` connections, or as many as the file limit leaves room for."""
    return max(1, min(wanted, file_limit - RESERVED_FILES))


class Tally:
    """Counts a repeated event and logs it at most once per `every` seconds:
    the first at once, the rest as one line with their count."""

    def __init__(self, what: str, every: float = REPORT_EVERY) -> None:
        self.what = what
        self.every = every
        self.pending = 0
        self.timer: asyncio.TimerHandle | None = None

    def count(self, loop: asyncio.AbstractEventLoop, detail: str) -> None:
        if self.timer is None:
            log.warning(
                "%s (%s); further ones are counted, reported every %g s", self.what, detail, self.every
            )
            self.timer = loop.call_later(self.every, self._report)
        else:
            self.pending += 1

    def _report(self) -> None:
        self.timer = None
        if self.pending:
            log.warning("%s: %d more in the last %g s", self.what, self.pending, self.every)
            self.pending = 0


class Guard:
    """The shared state of every connection of one server."""

    def __init__(self, limit: int, header_timeout: float) -> None:
        self.limit = limit
        self.header_timeout = header_timeout
        self.open: set[GuardedH11Protocol] = set()
        self.shed = Tally(f"connection limit ({limit}) reached: closed the connection waiting longest")
        self.shed_stream = Tally(f"connection limit ({limit}) reached: closed the oldest event stream")
        self.refused = Tally(f"connection limit ({limit}) reached with every request in progress: refused")
        self.slow = Tally(f"closed a connection that sent no complete request in {header_timeout:g} s")

    def admit(self, newcomer: GuardedH11Protocol) -> bool:
        """Make room for `newcomer`; False when it must be closed instead."""
        self.open.add(newcomer)
        if len(self.open) <= self.limit:
            return True
        waiting = [c for c in self.open if c is not newcomer and c.waiting_since is not None]
        if waiting:
            oldest = min(waiting, key=lambda c: c.waiting_since or 0.0)
            self.shed.count(newcomer.loop, f"from {oldest.peer}")
            oldest.close()
            return True
        streams = [c for c in self.open if c is not newcomer and c.streaming_since is not None]
        if streams:
            oldest = min(streams, key=lambda c: c.streaming_since or 0.0)
            self.shed_stream.count(newcomer.loop, f"from {oldest.peer}")
            oldest.close()
            return True
        self.refused.count(newcomer.loop, f"from {newcomer.peer}")
        return False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and the Guard."""

    guard: Guard

    def __init__(self, config: Config, server_state: ServerState, **options: Any) -> None:
        super().__init__(config, server_state, **options)
        #: Loop time since which the connection waits for a request head.
        self.waiting_since: float | None = None
        self.deadline: asyncio.TimerHandle | None = None
        #: Loop time since which the connection carries an event stream.
        self.streaming_since: float | None = None

    @property
    def peer(self) -> str:
        return self.client[0] if self.client else "an unknown address"

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.guard.admit(self):
            self._await_request()
        else:
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.guard.open.discard(self)
        self._stop_waiting()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._stop_waiting()
            if self.streaming_since is None and self.cycle.scope["path"] == EVENTS_PATH:
                self.streaming_since = self.loop.time()

    def on_response_complete(self) -> None:
        self.streaming_since = None
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._await_request()

    def close(self) -> None:
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.close()

    def _await_request(self) -> None:
        self._stop_waiting()
        self.waiting_since = self.loop.time()
        self.deadline = self.loop.call_later(self.guard.header_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        self.waiting_since = None
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _too_slow(self) -> None:
        self.deadline = None
        self.guard.slow.count(self.loop, f"from {self.peer}")
        self.close()


def guarded_protocol(limit: int, header_timeout: float = HEADER_TIMEOUT) -> type[GuardedH11Protocol]:
    """A protocol class for `uvicorn.Config(http=...)`, with its own Guard."""
    guard = Guard(limit, header_timeout)
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})


class Server(uvicorn.Server):
    """uvicorn's server that ends the event streams (`end_streams`) as it
    begins to stop, so Ctrl-C or SIGTERM does not wait on them forever."""

    def __init__(self, config: Config, end_streams: Callable[[], None]) -> None:
        super().__init__(config)
        self.end_streams = end_streams

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.end_streams()
        await super().shutdown(sockets)


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """Report the loop's "out of system resource" accept errors (a full file
    table) once a minute instead of a traceback per attempt; other errors go
    to the default handler. Returns a function that restores the old one."""
    previous = loop.get_exception_handler()
    tally = Tally("cannot accept connections: the process has no free file descriptor")

    def handler(current: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        problem = context.get("exception")
        if isinstance(problem, OSError) and "accept" in str(context.get("message", "")):
            tally.count(current, problem.strerror or str(problem))
        elif previous is not None:
            previous(current, context)
        else:
            current.default_exception_handler(context)

    loop.set_exception_handler(handler)
    return lambda: loop.set_exception_handler(previous)
