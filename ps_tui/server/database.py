"""The server's store in a database (`ps-tui serve --database URL`).

Each write is one transaction: take the next change number (which
serialises writers across every process on the database), bring the
in-memory copy up to the change before it, check the change with the same
rules as every backend (`portfolio.prepare`, `entry_problems`), write the
row with its version checked in the statement itself
(`UPDATE ... WHERE id = ? AND version = ?`), log the change and write its
history record; then commit. A version that moved on is 412 with the
current one, a database that cannot be reached 503.

Reads of the whole portfolio (KPI, lookup, rows, team, reports) use the
in-memory copy, brought up to date before every request from the change
log (`SELECT ... WHERE seq > ?`: one cheap query when nothing changed), so
several processes on one database give the same answers; so do the pages
of an unfiltered listing (a client's first load), at the copy's change
number. Listing with filters, and the change feed, run in SQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec

from ps_tui.core.history import Event
from ps_tui.core.model import Implementation, Reference, StoreFile
from ps_tui.core.portfolio import InvalidData, UnknownImplementation, entry_problems, given_id, prepare
from ps_tui.core.portfolio import replace_reference as checked_reference
from ps_tui.core.reports import Recorded
from ps_tui.db import tables
from ps_tui.db.connection import Cursor, Database, DatabaseError
from ps_tui.server.errors import error, invalid
from ps_tui.server.state import (
    Changes,
    ChangesQuery,
    Snapshot,
    Today,
    Who,
    check_reference_version,
    if_match_allows,
    stale,
    taken,
    utc_now,
)
from ps_tui.session import HistoryRequest, parse_day

T = TypeVar("T")


async def blocking(call: Callable[[], T]) -> T:
    """Run a database call in a thread; a database that fails is 503 with its message."""
    try:
        return await asyncio.to_thread(call)
    except DatabaseError as failed:
        raise error(503, str(failed)) from None


@dataclass
class DatabaseState(Snapshot):
    """The store in `database`, and this process's copy of it."""

    database: Database
    #: Who the history records as making the changes.
    who: str
    #: The last change applied to the copy.
    seq: int = 0
    #: The number of the last change this process wrote (its event carries it).
    last_change: int | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _rows: dict[str, tuple[int, Implementation]] = field(default_factory=dict)
    _reference: StoreFile | None = None
    #: The `version` that `data` was made at.
    _built: int = -1
    _guard: threading.Lock = field(default_factory=threading.Lock)
    #: The history's events read so far (oldest first), after the last
    #: record's id and digest.
    _history: tuple[int, str | None, list[Event]] = (0, None, [])
    _history_guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def location(self) -> str:
        return self.database.location

    # -- the copy -------------------------------------------------------------------

    async def ready(self, data: StoreFile | None = None) -> None:
        await blocking(self.refresh)

    def refresh(self) -> None:
        """Bring the copy up to the database's last change (blocking)."""
        # Read once: another thread may move the copy on meanwhile.
        since, loaded = self.seq, self._reference is not None
        with self.database.read() as cursor:
            latest = tables.current_seq(cursor)
            if latest == since and loaded:
                return
            # A database that went back (restored, or made anew) is read whole.
            backwards = latest < since
            whole = backwards or not loaded
            delta = tables.delta_since(cursor, 0 if whole else since)
        self._apply(delta, whole=whole, backwards=backwards)

    def _catch_up(self, cursor: Cursor, upto: int) -> None:
        """Within a write that took change `upto + 1`: the copy up to `upto`."""
        if self.seq < upto or self._reference is None:
            delta = tables.delta_since(cursor, self.seq)
            self._apply(tables.Delta(upto, delta.implementations, delta.deleted, delta.reference))

    def _apply(self, delta: tables.Delta, *, whole: bool = False, backwards: bool = False) -> None:
        """Merge `delta` into the copy (`whole`: it is everything, from change
        0; `backwards`: even though the copy is at a later change)."""
        with self._guard:
            if self._reference is not None and delta.seq <= self.seq and not backwards:
                return  # another thread brought it this far already
            if whole:
                self._rows, self._reference = {}, None
            if delta.reference is not None:
                self._reference = delta.reference
            if self._reference is None:
                raise DatabaseError(
                    f"{self.location}: holds no store yet; put one in with `ps-tui db import URL STORE`"
                )
            for gone in delta.deleted:
                self._rows.pop(gone, None)
            for position, implementation in delta.implementations:
                known = self._rows.get(implementation.id)
                if known is not None and known[0] != position:
                    del self._rows[implementation.id]  # deleted and made again: now last
                self._rows[implementation.id] = (position, implementation)
            self.seq = delta.seq
            # The whole store is made again only when a read asks for it
            # (`current`): a write costs the same at any size.
            self.version += 1

    def current(self) -> StoreFile:
        """The whole store as of the last change applied, made from the rows
        when it changed since the last read that asked for it."""
        with self._guard:
            return self._whole()

    def _whole(self) -> StoreFile:
        """`current()`, with `_guard` held."""
        if self.data is None or self._built != self.version:
            reference = self._reference_now()
            implementations = [implementation for _, implementation in self._rows.values()]
            self.data = msgspec.structs.replace(reference, implementations=implementations)
            self._built = self.version
        return self.data

    def find(self, implementation_id: str) -> Implementation | None:
        with self._guard:
            known = self._rows.get(implementation_id)
        return None if known is None else known[1]

    def _reference_now(self) -> StoreFile:
        assert self._reference is not None, "the copy is loaded before any write"
        return self._reference

    # -- reads ----------------------------------------------------------------------

    async def changes(self, query: ChangesQuery) -> Changes:
        if query == ChangesQuery(limit=query.limit, offset=query.offset):
            return await blocking(lambda: self._everything(query.limit, query.offset))

        def run() -> Changes:
            with self.database.read() as cursor:
                latest = tables.current_seq(cursor)
                server_time = tables.change_time(cursor, latest) or utc_now()
                if query.since_seq is not None and query.since_seq > latest:
                    # A number from another database (or one made anew): start over.
                    return Changes([], 0, [], server_time, complete=False, seq=latest)
                after = query.since_seq
                if after is None and query.since is not None:
                    after = tables.seq_before(cursor, query.since)
                items, total = tables.page(
                    cursor,
                    status=query.status,
                    owner=query.owner,
                    segment=query.segment,
                    since=after,
                    limit=query.limit,
                    offset=query.offset,
                )
                deleted = [] if after is None else tables.deleted_since(cursor, after)
            return Changes(items, total, deleted, server_time, complete=True, seq=latest)

        return await blocking(run)

    def _everything(self, limit: int, offset: int) -> Changes:
        """A page of every implementation (what a client's first load asks
        for) from the copy, which this request's refresh brought up to date:
        the same rows as the database's at the copy's change, without
        decoding each again."""
        with self._guard:
            seq, implementations = self.seq, self._whole().implementations
        with self.database.read() as cursor:
            server_time = tables.change_time(cursor, seq) or utc_now()
        page = implementations[offset : offset + limit]
        return Changes(page, len(implementations), [], server_time, complete=True, seq=seq)

    async def history(
        self, request: HistoryRequest, limit: int | None = None, offset: int = 0
    ) -> tuple[list[Event], int]:
        since = None if request.since is None else parse_day(request.since, "since")

        def run() -> tuple[list[Event], int]:
            with self.database.read() as cursor:
                return tables.events_page(
                    cursor,
                    self.database.dialect,
                    implementation=request.implementation,
                    since=since,
                    by=request.by,
                    limit=limit,
                    offset=offset,
                )

        return await blocking(run)

    async def recorded(self) -> Recorded:
        """Every event, oldest first: this process's copy, with those
        recorded since it last looked. The history only grows; one whose
        last record seen is gone or another (a database made anew) is read
        again whole."""

        def run() -> list[Event]:
            with self._history_guard, self.database.read() as cursor:
                upto, digest, events = self._history
                if upto and tables.record_digest(cursor, upto) != digest:
                    upto, events = 0, []
                last, more = tables.events_after(cursor, upto)
                if more:
                    events = events + more
                    digest = tables.record_digest(cursor, last)
                self._history = (last, digest, events)
                return events

        return Recorded(list(await blocking(run)))

    # -- writes (called under `lock`) ----------------------------------------------------

    async def create(
        self, implementation: Implementation, today: dt.date | None = None, *, who: str | None = None
    ) -> Implementation:
        return await blocking(lambda: self._save(implementation, None, today, who, creating=True))

    async def update(
        self, implementation: Implementation, if_match: str | None, today: Today = None, *, who: Who = None
    ) -> Implementation:
        return await blocking(lambda: self._save(implementation, if_match, today, who, creating=False))

    def _save(
        self,
        implementation: Implementation,
        if_match: str | None,
        today: dt.date | None,
        who: str | None,
        *,
        creating: bool,
    ) -> Implementation:
        with self.database.write() as cursor:
            seq = tables.next_seq(cursor)
            self._catch_up(cursor, seq - 1)
            reference = self._reference_now()
            # A new one without an id takes the next one here, where the
            # change number makes this process the only writer: one indexed
            # query, never the whole store, or a create would cost the
            # store's size.
            implementation = given_id(implementation, lambda: tables.next_id(cursor))
            row = tables.stored(cursor, implementation.id)
            if creating and row is not None:
                raise taken(row.implementation)
            if not creating and row is None:
                raise error(404, str(UnknownImplementation(implementation.id)))
            before = None if row is None else row.implementation
            if row is not None and not if_match_allows(if_match, row.etag):
                raise stale(row.implementation)
            prepared = prepare(reference, implementation, before)
            problems = entry_problems(reference, implementation, before, today or dt.date.today())
            if problems:
                raise invalid("implementation", problems)
            now = utc_now()
            stamped = msgspec.structs.replace(prepared, updated=now)
            if row is None:
                position = tables.insert(cursor, stamped, seq)
            elif tables.update(cursor, stamped, row.version, seq):
                position = row.position
            else:  # pragma: no cover - the change number serialises writers
                raise stale(row.implementation)
            tables.log_change(cursor, seq, now, "save", stamped.id)
            old = [] if before is None else [before]
            tables.record(cursor, _with(reference, old), _with(reference, [stamped]), who or self.who, now)
        self._apply(tables.Delta(seq, [(position, stamped)], [], None))
        self.last_change = seq
        return stamped

    async def delete(self, implementation_id: str, if_match: str | None, *, who: str | None = None) -> None:
        def run() -> None:
            with self.database.write() as cursor:
                seq = tables.next_seq(cursor)
                self._catch_up(cursor, seq - 1)
                row = tables.stored(cursor, implementation_id)
                if row is None:
                    raise error(404, str(UnknownImplementation(implementation_id)))
                if not if_match_allows(if_match, row.etag):
                    raise stale(row.implementation)
                if not tables.delete(cursor, implementation_id, row.version):  # pragma: no cover
                    raise stale(row.implementation)
                now = utc_now()
                tables.log_change(cursor, seq, now, "delete", implementation_id)
                reference = self._reference_now()
                tables.record(cursor, _with(reference, [row.implementation]), reference, who or self.who, now)
            self._apply(tables.Delta(seq, [], [implementation_id], None))
            self.last_change = seq

        await blocking(run)

    async def replace_reference(
        self, reference: Reference, if_match: str | None = None, *, who: str | None = None
    ) -> StoreFile:
        def run() -> StoreFile:
            with self.database.write() as cursor:
                seq = tables.next_seq(cursor)
                self._catch_up(cursor, seq - 1)
                check_reference_version(self.current(), if_match)
                try:
                    updated = checked_reference(self.current(), reference)
                except InvalidData as refused:
                    raise invalid("reference", refused.problems) from None
                new = _with(updated, [])
                now = utc_now()
                tables.write_reference(cursor, new, seq)
                tables.log_change(cursor, seq, now, "reference", None)
                tables.record(cursor, self._reference_now(), new, who or self.who, now)
            self._apply(tables.Delta(seq, [], [], new))
            self.last_change = seq
            return self.current()

        return await blocking(run)


def _with(store: StoreFile, implementations: list[Implementation]) -> StoreFile:
    return msgspec.structs.replace(store, implementations=implementations)
