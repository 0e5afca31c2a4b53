"""The change bus of a database that several server processes share: each
process announces its own writes as they land, and hears the others' from
the database, so a client on any process is told of every change.

Every change is logged with its number (`tables.log_change`), and the log
is what the others are told from: a `Watcher` (PostgreSQL: `LISTEN`, woken
by the `NOTIFY` each write sends as it commits, carrying only its number;
SQLite: `PRAGMA data_version`, looked at every 200 ms) wakes a thread of
this process, which reads the changes after the last one it saw
(`tables.logged_after`) and hands them to the event loop, where they go to
the subscribers through a `LocalBus`. A change announced already (this
process's own write, published as it landed) is not announced again.

Bounded: a wake-up that finds more than `CATCH_UP` changes (a burst, or a
database restored to another state) is one `reloaded` event, which asks
every client to fetch the feed from where it is. When the watch fails (the
database restarted, or is unreachable) the thread logs it once, opens it
again with growing pauses (`RETRY`), and then announces `reloaded`: what
was committed meanwhile woke no one. Never a traceback; the streams stay
open throughout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable

from ps_tui.db import tables
from ps_tui.db.connection import Database, DatabaseError
from ps_tui.server.events import QUEUE_LIMIT, ChangeEvent, Kind, LocalBus, Subscription
from ps_tui.server.state import utc_now

log = logging.getLogger("ps_tui.server")

#: Changes one wake-up announces one by one at most; beyond, one `reloaded`.
CATCH_UP = 100
#: Pauses before each try to watch the database again after a failure (the last repeats).
RETRY = (0.2, 0.5, 1.0, 2.0, 5.0)
#: Seconds one wait for a change lasts at most (how soon the thread sees that it should stop).
WAIT = 0.5
#: Change numbers remembered as announced, so that none is announced twice.
REMEMBERED = 1024

#: How each action of the change log is announced.
KINDS: dict[str, Kind] = {
    "save": "saved",
    "delete": "deleted",
    "reference": "reference",
    "import": "reloaded",
}


class DatabaseBus:
    """A ChangeBus for a database: this process's writes as they land, the
    others' from the change log. `since` gives the number of the last
    change the server's copy holds when it starts."""

    def __init__(
        self,
        database: Database,
        since: Callable[[], int],
        *,
        limit: int = QUEUE_LIMIT,
        retry: tuple[float, ...] = RETRY,
    ) -> None:
        self._database = database
        self._since = since
        self._local = LocalBus(limit)
        self._retry = retry
        self._announced: set[int] = set()
        self._order: deque[int] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def subscribers(self) -> int:
        return self._local.subscribers

    # -- on the event loop ----------------------------------------------------------

    def start(self) -> None:
        """Begin watching the database (on the event loop, as the server starts)."""
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(
            target=self._watch, args=(self._since(),), name="ps-tui change watcher", daemon=True
        )
        self._thread.start()

    def publish(self, event: ChangeEvent) -> None:
        if event.seq is None or self._first_time(event.seq):
            self._local.publish(event)

    def subscribe(self) -> Subscription:
        return self._local.subscribe()

    def close(self) -> None:
        self._stop.set()
        self._local.close()

    def join(self, timeout: float) -> None:
        """Wait until the watching thread has ended (after `close`)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _first_time(self, seq: int) -> bool:
        """Whether change `seq` is announced for the first time (and remember it)."""
        if seq in self._announced:
            return False
        self._announced.add(seq)
        self._order.append(seq)
        if len(self._order) > REMEMBERED:
            self._announced.discard(self._order.popleft())
        return True

    def _deliver(self, events: list[ChangeEvent]) -> None:
        for event in events:
            self.publish(event)

    # -- on the watching thread -----------------------------------------------------

    def _hand_over(self, events: list[ChangeEvent]) -> None:
        if not events:
            return
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._deliver, events)
        except RuntimeError:  # the loop has closed: the server is stopping
            self._stop.set()

    def _watch(self, cursor: int) -> None:
        watcher = self._database.watcher()
        failures = 0
        #: Since when a change may have gone unannounced (None: none has).
        lost: dt.datetime | None = None
        try:
            while not self._stop.is_set():
                current = utc_now()
                try:
                    watcher.open()
                    if lost is not None:
                        cursor = self._latest()
                        log.info(
                            "watching %s for changes again; live clients refresh", self._database.location
                        )
                        self._hand_over([ChangeEvent("reloaded", [], lost)])
                        lost, failures = None, 0
                    cursor = self._catch_up(cursor)
                    while not self._stop.is_set():
                        current = utc_now()
                        if watcher.wait(WAIT):
                            cursor = self._catch_up(cursor)
                        failures = 0
                except DatabaseError as failed:
                    if lost is None:
                        lost = current
                        log.warning(
                            "not hearing of other server processes' changes for now: %s. Watching "
                            "again as soon as the database answers; live clients then refresh",
                            str(failed).removesuffix("; try again"),
                        )
                    self._stop.wait(self._retry[min(failures, len(self._retry) - 1)])
                    failures += 1
        finally:
            watcher.close()

    def _latest(self) -> int:
        with self._database.read() as cursor:
            return tables.current_seq(cursor)

    def _catch_up(self, since: int) -> int:
        """Announce the changes after `since`; the number of the last one."""
        with self._database.read() as cursor:
            latest = tables.current_seq(cursor)
            if latest == since:
                return since
            logged = tables.logged_after(cursor, since, CATCH_UP + 1) if latest > since else []
        if latest < since or len(logged) > CATCH_UP:
            # A database restored to an earlier state, or too much to list.
            at = logged[0].at if logged else utc_now()
            self._hand_over([ChangeEvent("reloaded", [], at)])
        else:
            self._hand_over([_event(entry) for entry in logged])
        return latest


def _event(entry: tables.Logged) -> ChangeEvent:
    kind = KINDS.get(entry.action, "reloaded")
    if kind == "reloaded":
        return ChangeEvent(kind, [], entry.at)
    ids = [entry.implementation] if entry.implementation is not None and kind != "reference" else []
    return ChangeEvent(kind, ids, entry.at, entry.seq)
