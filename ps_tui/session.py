"""The headless layer: open the configured store, load it, and answer the
requests the TUI, the CLI and the server share.

    store = open_store(settings)
    portfolio = load_portfolio(store, settings.effective_today())
    document = kpi(portfolio, parse_window(text))

Loading never passes the store through `asyncio.run`: on CPython 3.11
(bug #112559) `asyncio.run` builds a repr() of the value its coroutine
returns whenever SIGINT is at its default (always, in a terminal), which
costs seconds and hundreds of MiB at 100,000 implementations. A file is read
synchronously, the memory store's data is taken as it is, and a remote store
loads in a coroutine that keeps the result and returns None.

The request adapters take typed parameters and return typed documents
(`core/documents.py`, `Answer`) or raise `RequestProblem`, whose message
names no flag or query parameter: each front end words it for its users
(`RequestProblem.worded`). Nothing here imports Textual, httpx (but for a
remote store) or FastAPI.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, Union

from ps_tui.config import Settings
from ps_tui.store.base import LoadProgress, Progress, Store
from ps_tui.store.errors import StoreError, StoreOffline

#: What a write does: save this implementation, or delete the one with this id.
Write = Union["Implementation", str]

T = TypeVar("T", str, int)

if TYPE_CHECKING:
    from ps_tui.core.documents import KpiDocument, MemberDocument, RowDocument
    from ps_tui.core.history import Event
    from ps_tui.core.listing import Row
    from ps_tui.core.model import Implementation, StoreFile
    from ps_tui.core.offerings import Answer, CustomerIndex
    from ps_tui.core.query import FuzzyIndex
    from ps_tui.core.reports import CustomerReport, MonthlyReport, Period, Recorded, WeeklyReport
    from ps_tui.core.reports.choice import ReportChoice
    from ps_tui.core.view import Portfolio
    from ps_tui.render import Report
    from ps_tui.store.http import RemoteStore


# --- the store ------------------------------------------------------------------------


def open_store(settings: Settings) -> Store:
    """The store the settings name: a shared server, a file, or the bundled
    demo data."""
    if settings.remote_url:
        from ps_tui.config import user_cache_dir
        from ps_tui.store.http import RemoteStore

        return RemoteStore(
            settings.remote_url,
            settings.remote_token,
            cache_dir=user_cache_dir(),
            use_cache=settings.use_cache,
        )
    if settings.store is not None:
        from ps_tui.store.file import FileStore

        return FileStore(settings.store, max_bytes=settings.max_store_mb * 2**20, who=settings.me)
    from ps_tui.data import default_store
    from ps_tui.store.memory import MemoryStore

    return MemoryStore(default_store(settings.effective_today()), location="demo")


def load_store(store: Store, progress: Progress | None = None) -> StoreFile:
    """The store's data, for a caller with no event loop running (the CLI,
    `ps-tui serve` before it starts), telling `progress` how the load goes.
    Raises StoreError."""
    from ps_tui.store.file import FileStore
    from ps_tui.store.memory import MemoryStore

    if isinstance(store, FileStore):
        return store.read(progress=progress)
    if isinstance(store, MemoryStore):
        return store.data
    loaded: list[StoreFile] = []

    async def load() -> None:
        # Keeps the result instead of returning it (see the module's note).
        try:
            loaded.append(await store.load(progress))
        finally:
            close = getattr(store, "aclose", None)
            if close is not None:
                await close()

    asyncio.run(load())
    stale = getattr(store, "stale_note", None)
    if stale is not None and (note := stale()) is not None:
        # The answer printed next is not current: say so where a script's
        # reader of stdout is not disturbed.
        print(f"ps-tui: {note}", file=sys.stderr, flush=True)
    return loaded[0]


def load_portfolio(store: Store, today: dt.date) -> Portfolio:
    """The store as the screens see it: every implementation assessed once."""
    from ps_tui.core.view import Portfolio

    return Portfolio.build(load_store(store), today)


# --- problems -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """Where a problem's message names one of the request's inputs."""

    field: str


class RequestProblem(ValueError):
    """The request cannot be answered. The message is made of text and the
    names of inputs (`Name`), which each front end words its own way: the
    CLI as flags, the server as query parameters."""

    def __init__(self, *parts: str | Name) -> None:
        self.parts = parts
        super().__init__(self.worded({}))

    @property
    def fields(self) -> tuple[str, ...]:
        """The inputs the message names, in order."""
        return tuple(part.field for part in self.parts if isinstance(part, Name))

    def worded(self, names: Mapping[str, str]) -> str:
        """The message, with each input called what `names` calls it (else its field name)."""
        return "".join(
            part if isinstance(part, str) else names.get(part.field, part.field) for part in self.parts
        )


def _about(field: str, message: str) -> RequestProblem:
    return RequestProblem(Name(field), f": {message}")


# --- the KPI --------------------------------------------------------------------------

#: The longest window, in days (a hundred years).
MAX_WINDOW = 36_500
#: What a window may be, for the OpenAPI schema (`parse_window` decides).
WINDOW_PATTERN = r"^\s*([0-9]+|[Aa][Ll][Ll])\s*$"


def parse_window(text: str) -> int | None:
    """A KPI window: 1 to MAX_WINDOW days in ASCII digits, or 'all' (None),
    any case, spaces around allowed."""
    word = text.strip()
    if word.lower() == "all":
        return None
    if word.isascii() and word.isdigit():
        # Leading zeros aside, so that int() never meets thousands of digits.
        digits = word.lstrip("0")
        if digits and len(digits) <= len(str(MAX_WINDOW)) and int(digits) <= MAX_WINDOW:
            return int(digits)
    raise RequestProblem(
        Name("window"), f" {text!r}: give a number of days from 1 to {MAX_WINDOW} (e.g. 90) or 'all'"
    )


def kpi(portfolio: Portfolio, window: int | None) -> KpiDocument:
    """The KPI figures of the portfolio for completions in the window."""
    from ps_tui.core.documents import KpiDocument

    return KpiDocument.of(portfolio.kpis(window))


# --- the team -------------------------------------------------------------------------


def team(data: StoreFile) -> list[MemberDocument]:
    """Every member with their load, in the Team screen's order."""
    from ps_tui.core.documents import MemberDocument
    from ps_tui.core.team import team_load

    return [MemberDocument.of(load) for load in team_load(data)]


def parse_day(text: str, field: str) -> dt.date:
    """A date given as `field` (YYYY-MM-DD, within the dates ps-tui accepts)."""
    from ps_tui.core.parse import ParseError, parse_date

    try:
        return parse_date(text)
    except ParseError as problem:
        raise _about(field, str(problem)) from None


# --- writes ---------------------------------------------------------------------------


async def _reachable(store: RemoteStore, progress: Progress | None = None) -> StoreFile:
    """The server's data, for a write: StoreOffline when only a cached copy
    could be had (a write must not be decided on it)."""
    data = await store.load(progress)
    if store.offline:
        note = store.stale_note() or "the server cannot be reached"
        raise StoreOffline(f"{note}; nothing was written")
    return data


def write(store: Store, change: Callable[[StoreFile], Write]) -> StoreFile:
    """Load the store, decide a write from its data with `change` (which may
    raise RequestProblem), and make it through the store: a file saved under
    its lock (recorded in its history), a shared server through the API.
    Returns the store after the write. Raises StoreError (a refused write
    names its fields, as the TUI's form does)."""
    from ps_tui.store.file import FileStore
    from ps_tui.store.http import RemoteStore
    from ps_tui.store.memory import MemoryStore

    if isinstance(store, MemoryStore):
        raise RequestProblem("the demo data is not saved: `ps-tui init` creates a store to write to")
    if isinstance(store, FileStore):
        wanted = change(store.read())
        if isinstance(wanted, str):
            return store.delete_implementation_sync(wanted)
        return store.save_implementation_sync(wanted)
    assert isinstance(store, RemoteStore)
    written: list[StoreFile] = []

    async def remote() -> None:
        try:
            wanted = change(await _reachable(store))
            if isinstance(wanted, str):
                written.append(await store.delete_implementation(wanted))
            else:
                written.append(await store.save_implementation(wanted))
        finally:
            await store.aclose()

    asyncio.run(remote())
    return written[0]


def write_many(
    store: Store,
    change: Callable[[StoreFile], Sequence[Implementation]],
    progress: Progress | None = None,
) -> tuple[StoreFile, int]:
    """Load the store, decide several saves from its data with `change`, and
    make them: a file in one save (one history record, all or nothing), a
    shared server one request each, after `change` has checked them all
    against the server's data. Returns the store after the writes and how
    many were written (all of them, unless a server refused one: then the
    StoreError says which, and those before it are written). `progress` is
    told how the load goes, then how many are written ("Writing")."""
    from ps_tui.store.file import FileStore
    from ps_tui.store.http import RemoteStore
    from ps_tui.store.memory import MemoryStore

    if isinstance(store, MemoryStore):
        raise RequestProblem("the demo data is not saved: `ps-tui init` creates a store to write to")
    if isinstance(store, FileStore):
        wanted = change(store.read(progress=progress))
        if not wanted:
            return store.read(), 0
        if progress is not None:
            # One save: nothing to count until it has landed.
            count = f"{len(wanted):,} implementation" + ("" if len(wanted) == 1 else "s")
            progress(LoadProgress(f"Writing {count}", 0, None, "implementations"))
        return store.save_implementations_sync(wanted), len(wanted)
    assert isinstance(store, RemoteStore)
    # The last store and how many were written, kept instead of returned (see
    # the module's note); only the last: each holds every implementation.
    written: list[tuple[StoreFile, int]] = []

    async def remote() -> None:
        try:
            data = await _reachable(store, progress)
            written.append((data, 0))
            wanted = change(data)
            for n, implementation in enumerate(wanted):
                if progress is not None:
                    progress(LoadProgress("Writing", n, len(wanted), "implementations"))
                try:
                    written[0] = (await store.save_implementation(implementation), n + 1)
                except StoreError as failed:
                    raise StoreError(
                        f"{implementation.id}: {failed}; {n} written before it, nothing after"
                    ) from None
        finally:
            await store.aclose()

    asyncio.run(remote())
    return written[0]


def find(data: StoreFile, implementation_id: str) -> Implementation:
    """The implementation with that id, or a RequestProblem naming it."""
    found = next((impl for impl in data.implementations if impl.id == implementation_id), None)
    if found is None:
        raise _about("id", f"no implementation {implementation_id!r}")
    return found


# --- the history ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """Which recorded changes to give: one implementation's, since a day
    (YYYY-MM-DD, UTC), by someone (part of the name, any case)."""

    implementation: str | None = None
    since: str | None = None
    by: str | None = None


def history(store: Store, request: HistoryRequest) -> tuple[list[Event], list[int]]:
    """The recorded changes that match, newest first, and the numbers of the
    history file's lines that could not be read. Raises RequestProblem, or
    StoreError when the history cannot be read."""
    from ps_tui.core.history import select
    from ps_tui.store.file import FileStore

    since = None if request.since is None else parse_day(request.since, "since")
    from ps_tui.store.http import RemoteStore

    if isinstance(store, RemoteStore):
        params = {"since": since.isoformat()} if since else {}
        params.update(
            {k: v for k, v in (("implementation", request.implementation), ("by", request.by)) if v}
        )
        fetched: list[list[Event]] = []

        async def fetch() -> None:
            try:
                fetched.append(await store.history(params))
            finally:
                await store.aclose()

        asyncio.run(fetch())
        return fetched[0], []
    if not isinstance(store, FileStore):
        raise RequestProblem(
            f"{store.location} keeps no history: changes are recorded beside a store file "
            "(ps-tui --store PATH history)"
        )
    found = store.history()
    chosen = select(found.events(), implementation=request.implementation, since=since, by=request.by)
    return chosen, found.unreadable


async def history_of(store: Store, implementation_id: str) -> list[Event] | str:
    """One implementation's recorded changes, newest first, for a running
    app (the file is read in a thread; a shared server is asked); or a
    sentence saying why there are none to show."""
    from ps_tui.core.history import select
    from ps_tui.store.errors import StoreError
    from ps_tui.store.file import FileStore
    from ps_tui.store.http import RemoteStore

    try:
        if isinstance(store, FileStore):
            found = await asyncio.to_thread(store.history)
            return select(found.events(), implementation=implementation_id)
        if isinstance(store, RemoteStore):
            return await store.history({"implementation": implementation_id})
    except StoreError as failed:
        return f"the history cannot be read: {failed}"
    return "the demo data keeps no history"


# --- the list -------------------------------------------------------------------------


#: What a list request's status, health or owner may be: one value, or the
#: values given (a flag or a query parameter repeated).
Values = str | Sequence[str] | None


def _each(values: Values) -> tuple[str, ...]:
    """Every value given, with those holding commas split (`at-risk,overdue`)."""
    given = (values,) if isinstance(values, str) else tuple(values or ())
    return tuple(part for value in given for part in value.split(","))


@dataclass(frozen=True, slots=True)
class ListRequest:
    """Which implementations to list: statuses (None, or "all" among them:
    every one), healths, parts of an IE owner's name, and the filter box's
    language. Each of status, health and owner may be given several times,
    or list several separated by commas: any of them may match, as a key
    repeated in the filter does (a name holding a comma needs the filter's
    `owner:"..."`)."""

    status: Values = "active"
    health: Values = None
    owner: Values = None
    filter: str = ""
    #: A saved view's scope (`listing.Scope` by its value) and who "mine" is.
    scope: str | None = None
    me: str | None = None
    #: (column key, reversed), for an order other than the screen's default.
    sort: tuple[str, bool] | None = None


class Listing:
    """The portfolio's rows in the screen's default order, with their fuzzy
    index built on first use; `select` answers list requests."""

    def __init__(self, portfolio: Portfolio) -> None:
        from ps_tui.core import listing

        key, reverse = listing.DEFAULT_SORT
        self.portfolio = portfolio
        self.rows: list[Row] = listing.sort_rows(listing.build_rows(portfolio), key, reverse)
        self._index: FuzzyIndex | None = None
        self._names: list[str] | None = None

    def select(self, request: ListRequest) -> list[Row]:
        """The rows the request asks for, in order. Raises RequestProblem,
        also for an owner who is part of no one's name."""
        from ps_tui.core.query import FuzzyIndex, QueryError, filter_rows, parse_query, with_tokens

        reference = self.portfolio.data
        try:
            query = parse_query(request.filter, reference)
        except QueryError as error:
            raise _about("filter", str(error)) from None
        statuses = _each(request.status) if request.status is not None else ()
        if any(word.strip().casefold() == "all" for word in statuses):
            statuses = ()
        try:
            query = with_tokens(query, reference, status=statuses)
        except QueryError as error:
            raise _about("status", str(error)) from None
        try:
            query = with_tokens(query, reference, health=_each(request.health))
        except QueryError as error:
            raise _about("health", str(error)) from None
        owners = _each(request.owner)
        self._check_owners(owners)
        query = with_tokens(query, reference, owner=owners)
        if query.free_text and self._index is None:
            self._index = FuzzyIndex(self.rows)
        positions = filter_rows(self.rows, query, self._index)
        if request.scope is not None:
            from ps_tui.core.listing import Scope, scope_positions

            positions = scope_positions(self.rows, positions, Scope(request.scope), request.me)
        selected = [self.rows[i] for i in positions]
        if request.sort is not None:
            from ps_tui.core.listing import sort_rows

            selected = sort_rows(selected, *request.sort)
        return selected

    def documents(self, request: ListRequest) -> list[RowDocument]:
        """The rows the request asks for as documents: each implementation's
        record and what the screen derives (`ps-tui list --format json`,
        GET /api/v1/rows). Raises RequestProblem."""
        from ps_tui.core.documents import RowDocument

        portfolio = self.portfolio
        implementations = portfolio.by_id
        assessments = portfolio.assessments
        return [
            RowDocument.of(row, implementations[row.id], assessments[row.id]) for row in self.select(request)
        ]

    def _check_owners(self, owners: Sequence[str]) -> None:
        """Refuse an owner who is part of no team member's (or IE owner's) name."""
        from ps_tui.core.query import unmatched_owners

        if not any(owner.strip() for owner in owners):
            return
        if self._names is None:
            members = [member.name for member in self.portfolio.data.members]
            self._names = list(dict.fromkeys([*members, *(row.owner for row in self.rows if row.owner)]))
        unmatched = unmatched_owners(owners, self._names)
        if unmatched:
            known = ", ".join(self._names) or "none"
            raise RequestProblem(
                Name("owner"), f" {unmatched[0].strip()!r} is part of no team member's name. Known: {known}."
            )


def list_rows(portfolio: Portfolio, request: ListRequest) -> list[RowDocument]:
    """The listed rows as documents (`ps-tui list --format json`)."""
    return Listing(portfolio).documents(request)


# --- the lookup -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupRequest:
    """A lookup made of separate values, each as typed."""

    customer: str | None = None
    segment: str | None = None
    developers: str | None = None
    arr: str | None = None

    def normalised(self) -> LookupRequest:
        customer = " ".join(self.customer.split()) if self.customer else None
        return LookupRequest(customer or None, self.segment, self.developers, self.arr)

    @property
    def is_empty(self) -> bool:
        return self.customer is None and self.segment is None and self.developers is None and self.arr is None


NOTHING_TO_LOOK_UP = RequestProblem(
    "nothing to look up: give ",
    Name("customer"),
    ", ",
    Name("segment"),
    ", ",
    Name("developers"),
    " and/or ",
    Name("arr"),
)


def check_lookup(request: LookupRequest) -> LookupRequest:
    """The request, normalised, when there is something to look up (checked
    before any store is loaded). Raises RequestProblem."""
    request = request.normalised()
    if request.is_empty:
        raise NOTHING_TO_LOOK_UP
    return request


def lookup(data: StoreFile, index: CustomerIndex, request: LookupRequest) -> Answer:
    """The Offerings screen's answer. `request.customer` is read as the
    lookup bar reads what is typed (`offerings.parse_lookup`): customer text,
    segment words (`ent`, `strat`), `1200 devs`, `150k`; the other fields are
    explicit values, which must not disagree with those words. Raises
    RequestProblem for what must not be answered: nothing to look up, ARR
    alone, a value that does not parse, a customer not found, or one picked
    by luck from a single letter (a script must never get an answer for a
    customer it did not ask about)."""
    from ps_tui.core.offerings import (
        LookupInput,
        LookupProblem,
        parse_developers,
        parse_lookup,
        parse_segment,
        unsure_match,
    )
    from ps_tui.core.offerings import lookup as decide
    from ps_tui.core.parse import ParseError, parse_amount

    request = check_lookup(request)
    words = parse_lookup(request.customer, data) if request.customer is not None else None
    if words is not None and words.problems:
        raise RequestProblem("; ".join(words.problems))
    said = words.input if words is not None else LookupInput()
    try:
        segment = parse_segment(request.segment, data) if request.segment is not None else None
    except ParseError as problem:
        raise _about("segment", str(problem)) from None
    try:
        developers = parse_developers(request.developers) if request.developers is not None else None
    except ParseError as problem:
        raise _about("developers", str(problem)) from None
    try:
        arr = parse_amount(request.arr) if request.arr is not None else None
    except ParseError as problem:
        raise _about("arr", str(problem)) from None
    given = LookupInput(
        customer=said.customer,
        segment=_once("segment", said.segment, segment, data),
        developers=_once("developers", said.developers, developers, data),
        arr=_once("arr", said.arr, arr, data),
    )
    if given.customer is None and given.segment is None and given.developers is None:
        raise RequestProblem(
            Name("arr"),
            " alone does not decide the segment: add ",
            Name("customer"),
            ", ",
            Name("segment"),
            " or ",
            Name("developers"),
        )
    if given.customer is not None:
        candidates = unsure_match(given.customer, index)
        if candidates:
            raise RequestProblem(
                f"{given.customer!r} could be {', '.join(candidates)}: give more of the customer's name"
            )
    try:
        answer = decide(given, data, index)
    except LookupProblem as problem:
        # Every input parsed: what is left (no such customer, no segment for
        # that many developers) names no input.
        raise RequestProblem(str(problem)) from None
    if answer.problems:
        raise RequestProblem("; ".join(answer.problems))
    return answer


def _once(field: str, in_words: T | None, flagged: T | None, data: StoreFile) -> T | None:
    """The value of `field`, given in the words or explicitly, but not as
    two different values. Raises RequestProblem."""
    if in_words is None or flagged is None or in_words == flagged:
        return flagged if flagged is not None else in_words
    from ps_tui.core.offerings import money

    if isinstance(in_words, str) and isinstance(flagged, str):
        shown = f"{data.segment_name(in_words)} and {data.segment_name(flagged)}"
    elif field == "arr":
        shown = f"{money(int(in_words))} and {money(int(flagged))}"
    else:
        shown = f"{in_words:,} and {flagged:,}"
    raise RequestProblem(Name(field), f" given twice, as {shown}: give it once")


def customer_index(data: StoreFile) -> CustomerIndex:
    """The lookup's index of the store's customers."""
    from ps_tui.core.offerings import CustomerIndex, customers_from_implementations

    return CustomerIndex(customers_from_implementations(data.implementations))


# --- the reports ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Which report to make: the ISO week (YYYY-Www) or month (YYYY-MM;
    None: today's), restricted to IE owners (as the list's owner) and to
    what the filter box's language selects."""

    week: str | None = None
    month: str | None = None
    owner: Values = None
    filter: str = ""

    @property
    def owners(self) -> list[str]:
        return [owner for owner in _each(self.owner) if owner.strip()]


def report_period(field: str, text: str | None, today: dt.date) -> Period:
    from ps_tui.core.reports import PeriodError, month, week

    try:
        return (week if field == "week" else month)(text, today)
    except PeriodError as problem:
        raise RequestProblem(Name(field), f" {problem}") from None


def _report_scope(listing: Listing, request: ReportRequest) -> set[str] | None:
    """The ids the owners and the filter choose; None when neither is given."""
    if not request.owners and not request.filter.strip():
        return None
    chosen = listing.select(ListRequest(status="all", owner=request.owner, filter=request.filter))
    return {row.id for row in chosen}


def report_history(store: Store) -> Recorded:
    """The history the weekly report is told from, oldest first: a store
    file's, a shared server's, or none (with the reason) for the demo data.
    Raises StoreError when it cannot be read."""
    from ps_tui.core.reports import Recorded
    from ps_tui.store.file import FileStore
    from ps_tui.store.memory import MemoryStore

    if isinstance(store, FileStore):
        if store.history_path is None:
            return Recorded(None, f"{store.location} keeps no history")
        found = store.history()
        return Recorded(found.events(), unreadable=len(found.unreadable))
    if isinstance(store, MemoryStore):
        return Recorded(
            None, f"no history is kept for {store.location} (changes are recorded beside a store file)"
        )
    # A shared server (httpx is imported only here); offline, the report is
    # made from the cached copy and says that the history cannot be read.
    from ps_tui.store.errors import StoreError

    try:
        events, _ = history(store, HistoryRequest())
    except StoreError as error:
        return Recorded(None, f"the server's history cannot be read ({error})")
    events.reverse()
    return Recorded(events)


async def app_report_history(store: Store) -> Recorded:
    """`report_history` for a running app: a store file's history is read in
    a thread, a shared server is asked on the app's own connection (offline:
    none, with the reason)."""
    from ps_tui.core.reports import Recorded
    from ps_tui.store.errors import StoreError
    from ps_tui.store.file import FileStore
    from ps_tui.store.http import RemoteStore

    if isinstance(store, FileStore):
        return await asyncio.to_thread(report_history, store)
    if isinstance(store, RemoteStore):
        try:
            events = await store.history({})
        except StoreError as error:
            return Recorded(None, f"the server's history cannot be read ({error})")
        events.reverse()
        return Recorded(events)
    return report_history(store)


def weekly_report(
    data: StoreFile, today: dt.date, request: ReportRequest, recorded: Recorded
) -> WeeklyReport:
    """The weekly status report of the week asked for, as of its last day or
    today. Raises RequestProblem (a week not begun, an owner nobody is)."""
    from ps_tui.core.reports import weekly_report as build
    from ps_tui.core.view import Portfolio

    period = report_period("week", request.week, today)
    portfolio = Portfolio.build(data, period.as_of)
    before = Portfolio.build(data, period.as_of - dt.timedelta(days=7))
    listing = Listing(portfolio)
    scope = _report_scope(listing, request)
    attention = listing.documents(
        ListRequest(
            status="active", health=("at-risk", "overdue"), owner=request.owner, filter=request.filter
        )
    )
    return build(
        portfolio,
        before,
        period,
        scope=scope,
        attention=attention,
        team=team(data),
        recorded=recorded,
        owner=request.owners,
        filter=request.filter,
    )


def monthly_report(data: StoreFile, today: dt.date, request: ReportRequest) -> MonthlyReport:
    """The monthly KPI review of the month asked for, as of its last day or
    today. Raises RequestProblem."""
    from ps_tui.core.reports import monthly_report as build
    from ps_tui.core.view import Portfolio

    period = report_period("month", request.month, today)
    portfolio = Portfolio.build(data, period.as_of)
    scope = _report_scope(Listing(portfolio), request)
    return build(portfolio, period, scope=scope, owner=request.owners, filter=request.filter)


def customer_report(data: StoreFile, today: dt.date, implementation_id: str) -> CustomerReport:
    """The customer's status report of one implementation. Raises RequestProblem."""
    from ps_tui.core.reports import customer_report as build

    return build(find(data, implementation_id), data, today)


def chosen_report(data: StoreFile, today: dt.date, choice: ReportChoice, recorded: Recorded | None) -> Report:
    """The report the Reports screen shows, from the adapters `ps-tui report`
    calls with the same week, month, owner or id (`recorded` is the history,
    for the weekly one). Raises RequestProblem."""
    if choice.kind == "customer":
        return customer_report(data, today, choice.implementation or "")
    request = ReportRequest(week=choice.week, month=choice.month, owner=choice.owner)
    if choice.kind == "monthly":
        return monthly_report(data, today, request)
    from ps_tui.core.reports import Recorded

    return weekly_report(data, today, request, recorded or Recorded(None, "the history was not read"))


def report_text(document: Report, fmt: str) -> str:
    """The report in `fmt`: Markdown (`md`), one HTML page (`html`), or its
    JSON document (`json`), as `ps-tui report --format` prints it."""
    if fmt == "json":
        import msgspec

        return msgspec.json.format(msgspec.json.encode(document), indent=2).decode("utf-8") + "\n"
    from ps_tui.render import render

    return render(document, fmt)


def write_report(path: Path, text: str, *, overwrite: bool) -> None:
    """Write a report to `path` atomically (readers see the old file or the
    new one). Raises FileExistsError when `path` exists and `overwrite` is
    not given, IsADirectoryError for a directory, OSError when it cannot be
    written."""
    from ps_tui.store.atomic import atomic_write

    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if not overwrite and path.exists():
        raise FileExistsError(errno.EEXIST, "exists already", str(path))
    atomic_write(path, text.encode("utf-8"), backup=False)


__all__ = [
    "MAX_WINDOW",
    "WINDOW_PATTERN",
    "ListRequest",
    "Listing",
    "LookupRequest",
    "Name",
    "ReportRequest",
    "RequestProblem",
    "app_report_history",
    "check_lookup",
    "chosen_report",
    "customer_index",
    "customer_report",
    "kpi",
    "list_rows",
    "load_portfolio",
    "load_store",
    "lookup",
    "monthly_report",
    "open_store",
    "parse_window",
    "report_history",
    "report_text",
    "team",
    "weekly_report",
    "write_report",
]
