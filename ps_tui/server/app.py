"""The HTTP API over a Store: `create_app(store, token=...)` returns the
FastAPI app that `ps-tui serve` runs with uvicorn.

    GET    /healthz                          {"status": "ok"}
    GET    /api/v1/me                        whom the bearer token names: member, read-only
    GET    /api/v1/reference                 the store without its implementations, its ETag
    PUT    /api/v1/reference                 replace the reference data (write); If-Match honoured
    GET    /api/v1/implementations           filter, page, and changes since a change number or time
    POST   /api/v1/implementations           create (write): 201, Location; no id: the next; 409 if taken
    GET    /api/v1/implementations/{id}      one, with its ETag
    PUT    /api/v1/implementations/{id}      update (write); If-Match honoured
    DELETE /api/v1/implementations/{id}      delete (write); If-Match honoured
    GET    /api/v1/kpi?window=90|all         exactly `ps-tui kpi --json`
    GET    /api/v1/lookup?customer=&segment=&developers=&arr=   exactly `ps-tui lookup --json`
    GET    /api/v1/rows?status=&health=&owner=&filter=          exactly `ps-tui list --format json`
    GET    /api/v1/team                      exactly `ps-tui team --json`
    GET    /api/v1/events                    live updates: a server-sent event per change (events.py)
    GET    /api/v1/reports/weekly?week=&owner=&filter=    exactly `ps-tui report weekly --format json`
    GET    /api/v1/reports/monthly?month=&owner=&filter=  exactly `ps-tui report monthly --format json`
    GET    /api/v1/reports/customer/{id}     exactly `ps-tui report customer ID --format json`
    GET    /openapi.json, /docs              the schema and its browsable docs (Swagger
                                             UI's assets come from cdn.jsdelivr.net)

Writes need `Authorization: Bearer <token>`; reads too with `protect_reads`.
A per-user token's writes are recorded in the history as its member's; a
read-only one gets 403 for a write (see auth.py).
If-Match is optional: without it an update or delete applies whatever
changed meanwhile (last write wins); with it a stale version gets 412 and
the current one; with `require_if_match` a write without it gets 428.
Every error is JSON with an `error` message (see errors.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response

from ps_tui import __version__, session
from ps_tui.core.documents import KpiDocument, MemberDocument, RowDocument
from ps_tui.core.model import SCHEMA_VERSION, Implementation, NewImplementation, Status, StoreFile, etag
from ps_tui.core.offerings import LookupDocument
from ps_tui.core.portfolio import InvalidData
from ps_tui.core.portfolio import replace_reference as checked_reference
from ps_tui.core.reports import CustomerReport, MonthlyReport, WeeklyReport
from ps_tui.core.validate import Problem
from ps_tui.server import errors as api_errors
from ps_tui.server import wire
from ps_tui.server.auth import Access, BearerAuth
from ps_tui.server.connections import quiet_accept_errors
from ps_tui.server.errors import ApiError, error, invalid, json_response
from ps_tui.server.events import HEARTBEAT, ChangeBus, ChangeEvent, EventStream, Kind, LocalBus
from ps_tui.server.state import Backend, ChangesQuery, ServerState, as_utc, quoted, utc_now
from ps_tui.store.base import Store
from ps_tui.store.tokens import TokenRegistry

access_log = logging.getLogger("ps_tui.server.access")

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
#: The largest change number a client may send (the project's whole-number bound).
MAX_SEQ = 2**53 - 1

#: The If-Match header parameter of PUT and DELETE (optional: absent, the last write wins).
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="the ETag you loaded; when the current version differs the change is refused "
        "with 412 and the current version. Without it the last write wins (428 when the server "
        "runs with --require-if-match).",
    ),
]

#: The filters and paging of the history routes.
Since = Annotated[str | None, Query(description="only changes on or after this day (YYYY-MM-DD, UTC)")]
By = Annotated[str | None, Query(description="only changes by this person (part of the name, any case)")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0)]

#: The owner and filter of the report routes.
ReportOwner = Annotated[
    list[str],
    Query(
        default_factory=list,
        description="only this IE owner's (part of a team member's name); repeated or comma-separated",
    ),
]
ReportFilter = Annotated[str, Query(description="only what the filter box's language selects")]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class AccessLog:
    """One log line per request: method, path (as sent, no query string),
    status and duration. Never a header, so never the token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "backslashreplace")
            path = raw.decode("ascii", "backslashreplace")
            path = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in path)
            elapsed = (time.perf_counter() - start) * 1000
            access_log.info("%s %s %d %.1f ms", scope["method"], path, status, elapsed)


class ResponseHeaders:
    """Headers on every response: `X-Content-Type-Options: nosniff` (a JSON
    error echoing input is never sniffed as HTML), and `Cache-Control:
    no-store` when reads need the token, so no cache keeps protected data."""

    def __init__(self, app: ASGIApp, *, protect_reads: bool) -> None:
        self.app = app
        self.extra = [(b"x-content-type-options", b"nosniff")]
        if protect_reads:
            self.extra.append((b"cache-control", b"no-store"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(name, value) for name, value in self.extra if name not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, sending)


async def write_access(request: Request) -> Access:
    """Whom a write acts for (401; 403 for a read-only token). The writes'
    router depends on it, and a handler that declares it (`Writer`) gets the
    same answer: FastAPI runs a dependency once per request."""
    auth: BearerAuth = request.app.state.ps_tui_auth
    return await auth.require_write(request)


Writer = Annotated[Access, Depends(write_access)]


def refused(problem: session.RequestProblem) -> ApiError:
    """A request the headless layer refuses: 422 with its message, each
    input named as its query parameter (the field's own name)."""
    return error(422, problem.worded({}))


def parse_since(text: str) -> dt.datetime:
    """An ISO 8601 date and time (`Z` or an offset; none means UTC), strictly:
    not a number of seconds."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
        return as_utc(moment).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        message = "not an ISO 8601 date and time (e.g. 2026-11-30T09:00:00Z); send back `server_time`"
        raise invalid("request", [Problem("query.updated_since", message)]) from None


class Streamed(Response):
    """A route's answer that is an event stream (the ASGI app does the sending)."""

    media_type = "text/event-stream"

    def __init__(self, stream: EventStream) -> None:
        super().__init__()
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.stream(scope, receive, send)


def create_app(
    store: Store | None = None,
    *,
    backend: Backend | None = None,
    token: str | None,
    tokens: TokenRegistry | None = None,
    protect_reads: bool = False,
    require_if_match: bool = False,
    max_body: int = 1_000_000,
    body_timeout: float = wire.BODY_TIMEOUT,
    today: dt.date | None = None,
    data: StoreFile | None = None,
    bus: ChangeBus | None = None,
    heartbeat: float = HEARTBEAT,
) -> FastAPI:
    """The API over `store`. `token` is the shared token, `tokens` the
    per-user ones; neither means no auth at all (`--no-auth`);
    `require_if_match` refuses an update or delete without If-Match (428);
    a request body is refused past `max_body` bytes or `body_timeout` seconds;
    `today` fixes the date for the KPI and lookup (the real date otherwise);
    `data` is the store as already loaded (else it is loaded at startup).
    `backend` serves a store other than a Store (a database) instead.
    `bus` announces each landed change to `/api/v1/events`, with a
    keep-alive every `heartbeat` seconds: an in-process LocalBus for a
    Store; a database, which other server processes may write too, offers
    no stream unless it is given a bus that carries their changes as well
    (`database_events.DatabaseBus`, as `ps-tui serve --database` does)."""
    if backend is None:
        assert store is not None, "a Store or a backend to serve"
        backend = ServerState(store)
    state: Backend = backend
    auth = BearerAuth(token, tokens)
    held = state if isinstance(state, ServerState) else None
    offers_events = bus is not None or held is not None
    changes: ChangeBus = bus if bus is not None else LocalBus()

    @asynccontextmanager
    async def writing() -> AsyncIterator[Callable[[Kind, list[str]], None]]:
        """One write under the lock, and its announcement to the event
        streams once it has landed (the body calls the function it is given
        with what changed; nothing is announced when the write fails). A
        write that made the server reload its store (it changed on disk) is
        announced as `reloaded`, even when refused. Each event's time was
        taken before the lock, so it is at or before the change's stamp."""
        began, loaded_at = utc_now(), held.loaded_at if held else None
        landed: list[ChangeEvent] = []
        try:
            async with state.lock:
                # Called right after the write, still under the lock: its number is the last.
                yield lambda kind, ids: landed.append(ChangeEvent(kind, ids, began, state.last_change))
        finally:
            if held is not None and held.loaded_at != loaded_at:
                changes.publish(ChangeEvent("reloaded", [], began))
        for event in landed:
            changes.publish(event)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        restore = quiet_accept_errors(asyncio.get_running_loop())
        await loaded()
        changes.start()
        try:
            yield
        finally:
            changes.close()
            restore()

    async def loaded() -> None:
        await state.ready(data)

    async def read_access(request: Request) -> None:
        if protect_reads:
            await auth.require(request)

    def precondition(if_match: str | None) -> None:
        """With `require_if_match`, a change must say which version it changes."""
        if require_if_match and if_match is None:
            raise error(
                428,
                "this server requires If-Match on every update and delete: send the ETag you "
                "loaded (GET the resource, then If-Match: its ETag header; * to overwrite whatever "
                "is there)",
            )

    def today_now() -> dt.date:
        return today or dt.date.today()

    app = FastAPI(
        title="ps-tui",
        version=__version__,
        description="The shared store of ps-tui: implementations, reference data, KPI and lookup.",
        lifespan=lifespan,
        redoc_url=None,
    )
    api_errors.install(app)
    app.add_middleware(ResponseHeaders, protect_reads=protect_reads)
    app.add_middleware(AccessLog)
    reads = APIRouter(prefix="/api/v1", dependencies=[Depends(read_access), Depends(loaded)])
    writes = APIRouter(prefix="/api/v1", dependencies=[Depends(write_access), Depends(loaded)])

    @app.get("/healthz", responses={200: wire.json_content(wire.ref(wire.ServerHealth), "The server is up")})
    async def healthz() -> Response:
        return json_response(wire.ServerHealth("ok"))

    @app.get(
        "/api/v1/me",
        responses={200: wire.json_content(wire.ref(wire.Me), "Whom the token names"), **wire.errors(401)},
    )
    async def me(request: Request) -> Response:
        """The token's holder: the member (null for the shared token, or
        none), whether it may only read, and whom the history records."""
        access = await auth.require(request)
        return json_response(
            wire.Me(member=access.member, read_only=access.read_only, recorded_as=access.who)
        )

    # -- reference ------------------------------------------------------------------

    @reads.get(
        "/reference",
        responses={200: wire.json_content(wire.ref(wire.ReferenceDocument), "The reference data")},
    )
    async def get_reference() -> Response:
        data = state.current()
        return json_response(wire.ReferenceDocument.of(data), headers={"ETag": quoted(etag(data.reference))})

    @writes.put(
        "/reference",
        responses={
            200: wire.json_content(wire.ref(wire.ReferenceDocument), "The new reference data"),
            **wire.errors(400, 403, 408, 412, 413, 422, 428, 503),
        },
        openapi_extra=wire.request_body(wire.ReferenceDocument),
    )
    async def put_reference(request: Request, access: Writer, if_match: IfMatch = None) -> Response:
        precondition(if_match)
        body = await wire.read_body(request, max_body, body_timeout)
        document = wire.decode(body, wire.ReferenceDocument, "reference")
        if document.schema_version > SCHEMA_VERSION:
            message = f"{document.schema_version} is newer than this ps-tui reads ({SCHEMA_VERSION})"
            raise invalid("reference", [Problem("schema_version", message)])
        reference = document.reference
        async with writing() as landed:
            try:
                checked_reference(state.current(), reference)
            except InvalidData as refused:
                raise invalid("reference", refused.problems) from None
            saved = await state.replace_reference(reference, if_match, who=access.who)
            landed("reference", [])
        return json_response(
            wire.ReferenceDocument.of(saved), headers={"ETag": quoted(etag(saved.reference))}
        )

    # -- history (declared before the implementation routes, which take any path) ---

    async def history_page(request: session.HistoryRequest, limit: int, offset: int) -> Response:
        try:
            events, total = await state.history(request, limit, offset)
        except session.RequestProblem as problem:
            raise refused(problem) from None
        page = wire.HistoryPage(items=events, total=total, limit=limit, offset=offset)
        return json_response(page)

    history_responses: dict[int | str, dict[str, Any]] = {
        200: wire.json_content(wire.ref(wire.HistoryPage), "The recorded changes, newest first"),
        **wire.errors(422),
    }

    @reads.get("/history", responses=history_responses)
    async def get_history(
        implementation: Annotated[str | None, Query(description="only this implementation's changes")] = None,
        since: Since = None,
        by: By = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response:
        """Exactly `ps-tui history --json` (with its filters), paged."""
        return await history_page(session.HistoryRequest(implementation, since, by), limit, offset)

    @reads.get("/implementations/{implementation_id}/history", responses=history_responses)
    async def get_implementation_history(
        implementation_id: str,
        since: Since = None,
        by: By = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response:
        """Exactly `ps-tui history ID --json`, paged; a deleted implementation keeps its history."""
        return await history_page(session.HistoryRequest(implementation_id, since, by), limit, offset)

    # -- implementations ---------------------------------------------------------------

    @reads.get(
        "/implementations",
        responses={
            200: wire.json_content(wire.ref(wire.ImplementationPage), "One page of implementations"),
            **wire.errors(422),
        },
    )
    async def list_implementations(
        status: Annotated[Status | None, Query(description="only this status")] = None,
        owner: Annotated[str | None, Query(description="IE owner, the whole name, any case")] = None,
        segment: Annotated[str | None, Query(description="a segment id")] = None,
        updated_since: Annotated[
            str | None,
            Query(
                description="only those saved at or after this time (ISO 8601; UTC if no offset), "
                "and the ids deleted since",
                json_schema_extra={"format": "date-time"},
            ),
        ] = None,
        since: Annotated[
            int | None,
            Query(
                ge=0,
                le=MAX_SEQ,
                description="only what changed after this change number (the `seq` of an earlier "
                "answer), and the ids deleted since: complete across restarts; a server whose store "
                "is a file numbers no changes (its answers have no `seq`)",
            ),
        ] = None,
        limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        if since is not None and updated_since is not None:
            message = "give since or updated_since, not both"
            raise invalid("request", [Problem("query.since", message)])
        moment = parse_since(updated_since) if updated_since is not None else None
        found = await state.changes(ChangesQuery(status, owner, segment, moment, since, limit, offset))
        page = wire.ImplementationPage(
            items=found.items,
            total=found.total,
            limit=limit,
            offset=offset,
            deleted=found.deleted,
            server_time=found.server_time,
            complete=found.complete,
            seq=found.seq,
        )
        return json_response(page)

    def with_etag(implementation: Implementation, status: int = 200) -> Response:
        headers = {"ETag": quoted(etag(implementation))}
        if status == 201:
            headers["Location"] = f"/api/v1/implementations/{quote(implementation.id, safe='')}"
        return json_response(implementation, status, headers)

    one = "/implementations/{implementation_id:path}"
    etag_header = {"ETag": {"description": "The version, for If-Match", "schema": {"type": "string"}}}
    implementation_response = wire.json_content(wire.ref(Implementation), "The implementation")

    @reads.get(one, responses={200: {**implementation_response, "headers": etag_header}, **wire.errors(404)})
    async def get_implementation(implementation_id: str) -> Response:
        return with_etag(state.get(implementation_id))

    @writes.post(
        "/implementations",
        status_code=201,
        responses={
            201: {**implementation_response, "headers": etag_header},
            **wire.errors(400, 403, 408, 409, 413, 422, 503),
        },
        openapi_extra=wire.request_body(NewImplementation),
    )
    async def create_implementation(request: Request, access: Writer) -> Response:
        body = await wire.read_body(request, max_body, body_timeout)
        new = wire.decode(body, NewImplementation, "implementation")
        async with writing() as landed:
            # Without an id, the next one, as the TUI's `n` gives it: taken
            # by the backend within its write (another process may create too).
            created = await state.create(new, today_now(), who=access.who)
            landed("saved", [created.id])
        return with_etag(created, 201)

    @writes.put(
        one,
        responses={
            200: {**implementation_response, "headers": etag_header},
            **wire.errors(400, 403, 404, 408, 412, 413, 422, 428, 503),
        },
        openapi_extra=wire.request_body(Implementation),
    )
    async def update_implementation(
        implementation_id: str,
        request: Request,
        access: Writer,
        if_match: IfMatch = None,
    ) -> Response:
        precondition(if_match)
        body = await wire.read_body(request, max_body, body_timeout)
        implementation = wire.decode(body, Implementation, "implementation")
        if implementation.id != implementation_id:
            message = f"must equal the id in the URL ({implementation_id!r}); an id cannot be changed"
            raise invalid("implementation", [Problem("id", message)])
        async with writing() as landed:
            saved = await state.update(implementation, if_match, today_now(), who=access.who)
            landed("saved", [saved.id])
        return with_etag(saved)

    @writes.delete(
        one,
        status_code=204,
        responses={204: {"description": "Deleted"}, **wire.errors(403, 404, 412, 428, 503)},
    )
    async def delete_implementation(
        implementation_id: str,
        access: Writer,
        if_match: IfMatch = None,
    ) -> Response:
        precondition(if_match)
        async with writing() as landed:
            await state.delete(implementation_id, if_match, who=access.who)
            landed("deleted", [implementation_id])
        return Response(status_code=204)

    # -- live updates ------------------------------------------------------------------

    @reads.get(
        "/events",
        response_class=Streamed,
        status_code=200,
        responses={
            200: {
                "description": "Server-sent events: `ready` once, then a `change` after each write "
                "lands (kind, ids, at, and seq from a database), and a keep-alive comment every "
                f"{heartbeat:g} s; fetch the change itself with `since` (a database's `seq`) or "
                "`updated_since`",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            },
            **wire.errors(404),
        },
    )
    async def events() -> Response:
        if not offers_events:
            raise error(
                404,
                "no live updates from this server: poll with since or updated_since",
            )
        # Subscribed before `ready` is sent: a client that refreshes on
        # `ready` misses no change made after its refresh began.
        return Streamed(EventStream(changes.subscribe(), utc_now(), heartbeat=heartbeat))

    # -- views -------------------------------------------------------------------------

    @reads.get(
        "/kpi",
        responses={
            200: wire.json_content(wire.ref(KpiDocument), "Exactly `ps-tui kpi --json`"),
            **wire.errors(422),
        },
    )
    async def kpi(
        window: Annotated[
            str,
            Query(
                description=f"days (1 to {session.MAX_WINDOW}, ASCII digits) or 'all'",
                json_schema_extra={"pattern": session.WINDOW_PATTERN},
            ),
        ] = "90",
    ) -> Response:
        try:
            days = session.parse_window(window)
        except session.RequestProblem as problem:
            raise refused(problem) from None
        portfolio = await asyncio.to_thread(state.portfolio, today_now())
        return json_response(session.kpi(portfolio, days))

    @reads.get(
        "/lookup",
        responses={
            200: wire.json_content(wire.ref(LookupDocument), "Exactly `ps-tui lookup --json`"),
            **wire.errors(422),
        },
    )
    async def lookup_offerings(
        customer: Annotated[
            str | None,
            Query(
                description="a customer (fuzzy), or any words the Offerings bar takes (ent, 1200 devs, 150k)"
            ),
        ] = None,
        segment: Annotated[str | None, Query(description="a segment id, name or alias")] = None,
        developers: Annotated[str | None, Query(description="a developer count, e.g. 1200")] = None,
        arr: Annotated[str | None, Query(description="the ARR, e.g. 150k or $1.2M")] = None,
    ) -> Response:
        request = session.LookupRequest(customer, segment, developers, arr)
        try:
            answer = session.lookup(state.current(), state.customers(), request)
        except session.RequestProblem as problem:
            raise refused(problem) from None
        return json_response(answer.document())

    @reads.get(
        "/rows",
        responses={
            200: wire.json_content(
                {"type": "array", "items": wire.ref(RowDocument)}, "Exactly `ps-tui list --format json`"
            ),
            **wire.errors(422),
        },
    )
    async def list_rows(
        status: Annotated[
            list[str] | None,
            Query(
                description="active (default), completed, planned, on-hold, cancelled, or all; "
                "repeated or comma-separated: either"
            ),
        ] = None,
        health: Annotated[
            list[str] | None,
            Query(description="at-risk, overdue, on-track, met, missed, none; repeated or comma-separated"),
        ] = None,
        owner: Annotated[
            list[str] | None,
            Query(
                description="IE owner (part of a team member's name, any case); repeated or comma-separated"
            ),
        ] = None,
        filter: Annotated[str, Query(description='the filter box\'s language, e.g. "seg:ent acme"')] = "",
    ) -> Response:
        request = session.ListRequest(status=status or "active", health=health, owner=owner, filter=filter)
        listing = await asyncio.to_thread(state.listing, today_now())
        try:
            documents = await asyncio.to_thread(listing.documents, request)
        except session.RequestProblem as problem:
            raise refused(problem) from None
        return json_response(documents)

    @reads.get(
        "/team",
        responses={
            200: wire.json_content(
                {"type": "array", "items": wire.ref(MemberDocument)}, "Exactly `ps-tui team --json`"
            )
        },
    )
    async def get_team() -> Response:
        return json_response(session.team(state.current()))

    # -- reports -----------------------------------------------------------------------

    @reads.get(
        "/reports/weekly",
        responses={
            200: wire.json_content(wire.ref(WeeklyReport), "Exactly `ps-tui report weekly --format json`"),
            **wire.errors(422),
        },
    )
    async def report_weekly(
        *,
        week: Annotated[
            str | None, Query(description="the ISO week, e.g. 2026-W48 (default: this week)")
        ] = None,
        owner: ReportOwner,
        filter: ReportFilter = "",
    ) -> Response:
        request = session.ReportRequest(week=week, owner=owner, filter=filter)
        today = today_now()
        try:
            session.report_period("week", week, today)
            recorded = await state.recorded()
            document = await asyncio.to_thread(
                session.weekly_report, state.current(), today, request, recorded
            )
        except session.RequestProblem as problem:
            raise refused(problem) from None
        return json_response(document)

    @reads.get(
        "/reports/monthly",
        responses={
            200: wire.json_content(wire.ref(MonthlyReport), "Exactly `ps-tui report monthly --format json`"),
            **wire.errors(422),
        },
    )
    async def report_monthly(
        *,
        month: Annotated[
            str | None, Query(description="the month, e.g. 2026-11 (default: this month)")
        ] = None,
        owner: ReportOwner,
        filter: ReportFilter = "",
    ) -> Response:
        request = session.ReportRequest(month=month, owner=owner, filter=filter)
        try:
            document = await asyncio.to_thread(session.monthly_report, state.current(), today_now(), request)
        except session.RequestProblem as problem:
            raise refused(problem) from None
        return json_response(document)

    @reads.get(
        "/reports/customer/{implementation_id}",
        responses={
            200: wire.json_content(
                wire.ref(CustomerReport), "Exactly `ps-tui report customer ID --format json`"
            ),
            **wire.errors(404),
        },
    )
    async def report_customer(implementation_id: str) -> Response:
        state.get(implementation_id)  # 404 for an unknown one, as GET /implementations/{id}
        return json_response(session.customer_report(state.current(), today_now(), implementation_id))

    app.include_router(reads)
    app.include_router(writes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema = wire.complete_openapi(schema, protect_reads=protect_reads, auth=auth.enabled)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.ps_tui = state
    app.state.ps_tui_auth = auth
    app.state.ps_tui_events = changes
    return app
