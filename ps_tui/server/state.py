"""The store as the server holds it: loaded once, kept in memory, written
through the Store one change at a time.

`Backend` is what the endpoints ask of it; `ServerState` is the file (or
memory) one, `server/database.py`'s `DatabaseState` the database one. Both
keep the whole store in memory for the portfolio-wide answers (`Snapshot`).

Every write runs under one asyncio.Lock: check (exists, If-Match, fits the
reference data), stamp `updated`, save through the Store (a FileStore saves
atomically in a thread), then swap the in-memory copy. A failed save leaves
both the file and the memory as they were.

Changes are tracked for `updated_since`: every saved implementation carries
its `updated` time, and deletions are remembered (in memory, since the store
was loaded) with their time."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

import msgspec

from ps_tui import session
from ps_tui.core.history import Event
from ps_tui.core.model import Implementation, Reference, Status, StoreFile, etag
from ps_tui.core.offerings import CustomerIndex, customers_from_implementations
from ps_tui.core.portfolio import UnknownImplementation, entry_problems, prepare, with_id
from ps_tui.core.reports import Recorded
from ps_tui.core.validate import Problem
from ps_tui.core.view import Portfolio
from ps_tui.server.errors import ApiError, ErrorBody, error, invalid
from ps_tui.session import HistoryRequest, Listing
from ps_tui.store.base import Store
from ps_tui.store.errors import StoreConflict, StoreError, StoreInvalid


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A naive datetime is taken as UTC, so every comparison is well defined."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def in_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC; one too close to year 1 or 9999 for its offset (a
    hand-edited file) becomes the earliest or latest time instead of an error."""
    try:
        return as_utc(moment).astimezone(dt.UTC)
    except OverflowError:
        return _EARLIEST if moment.year < 5000 else _LATEST


def quoted(tag: str) -> str:
    """An entity tag as sent in the ETag header (RFC 7232: quoted)."""
    return f'"{tag}"'


def if_match_allows(header: str | None, current: str) -> bool:
    """Whether an If-Match header lets a change of the version `current` go
    ahead. Absent: yes (last write wins). `*`: yes. Otherwise one of the listed
    tags must equal it (strong comparison, so a weak `W/` tag never matches;
    an unquoted tag is accepted as well)."""
    if header is None:
        return True
    for part in header.split(","):
        candidate = part.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            continue
        if candidate.startswith('"') and candidate.endswith('"') and len(candidate) >= 2:
            candidate = candidate[1:-1]
        if candidate == current:
            return True
    return False


@dataclass(frozen=True)
class ChangesQuery:
    """What GET /api/v1/implementations asks for: filters, paging, and the
    changes after a time (`since`) or a change number (`since_seq`)."""

    status: Status | None = None
    owner: str | None = None
    segment: str | None = None
    since: dt.datetime | None = None
    since_seq: int | None = None
    limit: int = 1000
    offset: int = 0


@dataclass(frozen=True)
class Changes:
    """What `list_changes` found: one page and the sync bookkeeping."""

    items: list[Implementation]
    total: int
    deleted: list[str]
    server_time: dt.datetime
    complete: bool
    #: The number of the last change in the answer, for `since` (None: the
    #: backend numbers no changes).
    seq: int | None = None


#: The server's date for a write's entry checks (None: the real one).
Today = dt.date | None
#: Whom a write is recorded as (None: the backend's own name).
Who = str | None


class Backend(Protocol):
    """What the endpoints ask of the store they serve. Writes are called
    under `lock`; `ready` before every request."""

    lock: asyncio.Lock

    @property
    def location(self) -> str: ...

    @property
    def last_change(self) -> int | None:
        """The number of the last change this process wrote (None: the store numbers none)."""
        ...

    async def ready(self, data: StoreFile | None = None) -> None:
        """Loaded (`data`: as already read at startup), and current."""
        ...

    def current(self) -> StoreFile: ...

    def get(self, implementation_id: str) -> Implementation: ...

    def portfolio(self, today: dt.date) -> Portfolio: ...

    def listing(self, today: dt.date) -> Listing: ...

    def customers(self) -> CustomerIndex: ...

    async def changes(self, query: ChangesQuery) -> Changes: ...

    async def create(
        self, implementation: Implementation, today: dt.date | None = None, *, who: str | None = None
    ) -> Implementation:
        """Create `implementation`; a `NewImplementation` without an id is
        given the next one (`portfolio.with_id`) within the write, on the
        store as the write sees it."""
        ...

    async def update(
        self, implementation: Implementation, if_match: str | None, today: Today = None, *, who: Who = None
    ) -> Implementation: ...

    async def delete(
        self, implementation_id: str, if_match: str | None, *, who: str | None = None
    ) -> None: ...

    async def replace_reference(
        self, reference: Reference, if_match: str | None = None, *, who: str | None = None
    ) -> StoreFile: ...

    async def history(
        self, request: HistoryRequest, limit: int | None = None, offset: int = 0
    ) -> tuple[list[Event], int]:
        """The recorded changes that match, newest first (`session.history`'s
        answer): `limit` of them from `offset` (None: all), and how many match."""
        ...

    async def recorded(self) -> Recorded:
        """The history the reports are told from (`session.report_history`'s)."""
        ...


def stale(current: Implementation) -> ApiError:
    """412 for a change made to an older version than `current`."""
    tag = etag(current)
    return ApiError(
        412,
        ErrorBody(
            f"implementation {current.id!r} changed since you loaded it; reload it and "
            "apply your edit again (your change was not saved)",
            current=current,
            etag=tag,
        ),
        {"ETag": quoted(tag)},
    )


def check_reference_version(current: StoreFile, if_match: str | None) -> None:
    """412 unless `if_match` allows changing the reference data of `current`."""
    tag = etag(current.reference)
    if not if_match_allows(if_match, tag):
        message = (
            "the reference data changed since you loaded it; reload it and apply your edit "
            "again (your change was not saved)"
        )
        raise ApiError(412, ErrorBody(message, etag=tag), {"ETag": quoted(tag)})


def taken(existing: Implementation) -> ApiError:
    """409 for a create with the id of one that exists."""
    return ApiError(
        409,
        ErrorBody(
            f"an implementation with id {existing.id!r} already exists; update it with PUT instead",
            current=existing,
            etag=etag(existing),
        ),
    )


@dataclass(kw_only=True)
class Snapshot:
    """The whole store in memory and what is computed from it, cached per version."""

    data: StoreFile | None = None
    #: Bumped on every change of `data`; keys the caches below.
    version: int = 0
    _index: tuple[int, dict[str, int]] | None = None
    _portfolio: tuple[int, dt.date, Portfolio] | None = None
    _customers: tuple[int, CustomerIndex] | None = None
    _listing: tuple[int, dt.date, Listing] | None = None

    def current(self) -> StoreFile:
        assert self.data is not None, "the store is loaded at startup"
        return self.data

    def _replace(self, data: StoreFile) -> None:
        self.data = data
        self.version += 1

    def find(self, implementation_id: str) -> Implementation | None:
        data = self.current()
        if self._index is None or self._index[0] != self.version:
            self._index = (self.version, {impl.id: i for i, impl in enumerate(data.implementations)})
        position = self._index[1].get(implementation_id)
        return None if position is None else data.implementations[position]

    def get(self, implementation_id: str) -> Implementation:
        found = self.find(implementation_id)
        if found is None:
            raise error(404, str(UnknownImplementation(implementation_id)))
        return found

    def portfolio(self, today: dt.date) -> Portfolio:
        """The store as `session.load_portfolio` builds it, cached per version."""
        cached = self._portfolio
        if cached is None or cached[0] != self.version or cached[1] != today:
            cached = (self.version, today, Portfolio.build(self.current(), today))
            self._portfolio = cached
        return cached[2]

    def listing(self, today: dt.date) -> Listing:
        """The rows `ps-tui list` selects from, cached per version."""
        cached = self._listing
        if cached is None or cached[0] != self.version or cached[1] != today:
            cached = (self.version, today, Listing(self.portfolio(today)))
            self._listing = cached
        return cached[2]

    def customers(self) -> CustomerIndex:
        """The lookup's customer index, cached per version."""
        cached = self._customers
        if cached is None or cached[0] != self.version:
            index = CustomerIndex(customers_from_implementations(self.current().implementations))
            cached = self._customers = (self.version, index)
        return cached[1]


@dataclass
class ServerState(Snapshot):
    """The loaded store, the write lock and the change log."""

    store: Store
    #: When `data` was (re)loaded from the store; changes before it are unknown.
    loaded_at: dt.datetime = field(default_factory=utc_now)
    #: Id -> when it was last deleted through this server.
    deleted: dict[str, dt.datetime] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Set while a write is between stamping `updated` and swapping `data`.
    _writing_since: dt.datetime | None = None
    _by_time: tuple[int, list[dt.datetime], list[int]] | None = None

    @property
    def location(self) -> str:
        return self.store.location

    @property
    def last_change(self) -> None:
        return None  # a file's changes have no numbers

    # -- loading ------------------------------------------------------------------

    async def load(self, data: StoreFile | None = None) -> StoreFile:
        """Load the store (or take `data` already loaded from it)."""
        loaded = data if data is not None else await self.store.load()
        self._replace(loaded)
        self.loaded_at = utc_now()
        return loaded

    async def ready(self, data: StoreFile | None = None) -> None:
        if self.data is None:
            async with self.lock:
                if self.data is None:
                    await self.load(data)

    # -- reads --------------------------------------------------------------------

    async def history(
        self, request: HistoryRequest, limit: int | None = None, offset: int = 0
    ) -> tuple[list[Event], int]:
        events, _ = await asyncio.to_thread(session.history, self.store, request)
        return events[offset : None if limit is None else offset + limit], len(events)

    async def recorded(self) -> Recorded:
        return await asyncio.to_thread(session.report_history, self.store)

    async def changes(self, query: ChangesQuery) -> Changes:
        if query.since_seq is not None:
            message = (
                "this server keeps its store in a file and numbers no changes; "
                "send updated_since (with the server_time of the last answer)"
            )
            raise invalid("request", [Problem("query.since", message)])
        return self.list_changes(
            status=query.status,
            owner=query.owner,
            segment=query.segment,
            since=query.since,
            limit=query.limit,
            offset=query.offset,
        )

    def list_changes(
        self,
        *,
        status: Status | None,
        owner: str | None,
        segment: str | None,
        since: dt.datetime | None,
        limit: int,
        offset: int,
    ) -> Changes:
        # The time first, then the data: a write that is stamped but not yet
        # swapped in is reported through `server_time`, so polling again with
        # it as `updated_since` cannot miss that write.
        now = utc_now()
        server_time = min(now, self._writing_since) if self._writing_since else now
        data = self.current()
        tests: list[Callable[[Implementation], bool]] = []
        if status is not None:
            tests.append(lambda impl: impl.status is status)
        if owner is not None:
            wanted = owner.casefold()
            tests.append(lambda impl: impl.ie_owner is not None and impl.ie_owner.casefold() == wanted)
        if segment is not None:
            tests.append(lambda impl: impl.segment == segment)
        deleted: list[str] = []
        complete = True
        candidates: list[Implementation] = data.implementations
        if since is not None:
            since = in_utc(since)
            complete = since >= self.loaded_at
            candidates = self._saved_since(since)
            deleted = [i for i, when in self.deleted.items() if when >= since and self.find(i) is None]
        selected = [impl for impl in candidates if all(test(impl) for test in tests)] if tests else candidates
        return Changes(selected[offset : offset + limit], len(selected), deleted, server_time, complete)

    def _saved_since(self, since: dt.datetime) -> list[Implementation]:
        """The implementations with `updated` at or after `since`, in store
        order: a bisection in a per-version list sorted by time, so frequent
        polls of a large store stay cheap."""
        if self._by_time is None or self._by_time[0] != self.version:
            stamped = sorted(
                (in_utc(impl.updated), position)
                for position, impl in enumerate(self.current().implementations)
                if impl.updated is not None
            )
            self._by_time = (self.version, [moment for moment, _ in stamped], [p for _, p in stamped])
        _, moments, positions = self._by_time
        implementations = self.current().implementations
        return [implementations[p] for p in sorted(positions[bisect.bisect_left(moments, since) :])]

    # -- writes (call under `lock`) --------------------------------------------------
    # `who`: the request's token holder, whom the store's history records for
    # this change (None: the store's own); passed down, never kept here.

    def _check_version(self, current: Implementation, if_match: str | None) -> None:
        if not if_match_allows(if_match, etag(current)):
            raise stale(current)

    async def create(
        self, implementation: Implementation, today: dt.date | None = None, *, who: str | None = None
    ) -> Implementation:
        implementation = with_id(self.current(), implementation)
        existing = self.find(implementation.id)
        if existing is not None:
            raise taken(existing)
        return await self._save(implementation, None, today, who)

    async def update(
        self,
        implementation: Implementation,
        if_match: str | None,
        today: dt.date | None = None,
        *,
        who: str | None = None,
    ) -> Implementation:
        before = self.get(implementation.id)
        self._check_version(before, if_match)
        return await self._save(implementation, before, today, who)

    async def delete(self, implementation_id: str, if_match: str | None, *, who: str | None = None) -> None:
        self._check_version(self.get(implementation_id), if_match)
        now = self._begin()
        try:
            data = await self._write(lambda: self.store.delete_implementation(implementation_id, who=who))
            self._replace(data)
            self.deleted[implementation_id] = now
        finally:
            self._writing_since = None

    async def replace_reference(
        self, reference: Reference, if_match: str | None = None, *, who: str | None = None
    ) -> StoreFile:
        check_reference_version(self.current(), if_match)
        self._begin()
        try:
            data = await self._write(lambda: self.store.save_reference(reference, who=who), "reference")
            self._replace(data)
            return data
        finally:
            self._writing_since = None

    def _begin(self) -> dt.datetime:
        now = utc_now()
        self._writing_since = now
        return now

    async def _save(
        self,
        implementation: Implementation,
        before: Implementation | None,
        today: dt.date | None,
        who: str | None,
    ) -> Implementation:
        """Check and save; `before` is the stored version (None for a new one),
        `today` the server's date (the real one when None) for the dates that
        may not be in the future."""
        implementation = prepare(self.current(), implementation, before)
        problems = entry_problems(self.current(), implementation, before, today or dt.date.today())
        if problems:
            raise invalid("implementation", problems)
        stamped = msgspec.structs.replace(implementation, updated=self._begin())
        try:
            data = await self._write(lambda: self.store.save_implementation(stamped, who=who))
            self._replace(data)
        finally:
            self._writing_since = None
        return stamped

    async def _write(
        self, save: Callable[[], Awaitable[StoreFile]], what: str = "implementation"
    ) -> StoreFile:
        """Run one save through the Store, mapping its errors: refused data is
        422, anything else (disk full, the file changed on disk) 503 with the
        store's message. After a conflict the store is reloaded, so the next
        request sees (and can build on) what is on disk now."""
        try:
            return await save()
        except StoreInvalid as refused:
            raise invalid(what, refused.problems) from None
        except StoreConflict:
            # The store's own message speaks to a person at a form; an API
            # client is told what happened and what to send.
            message = (
                f"{self.store.location}: changed on disk since it was loaded (a hand edit, or "
                "another program); nothing was saved"
            )
            try:
                await self.load()
            except StoreError as reload_failed:
                message += f"; reloading failed too: {reload_failed}"
            else:
                message += "; the server has reloaded the file: send the change again"
            raise error(503, message) from None
        except StoreError as failed:
            raise error(503, str(failed)) from None
