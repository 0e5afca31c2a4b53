"""The remote backend: the Store protocol over a shared `ps-tui serve`.

Loads page through the implementations; every good load is cached on disk, so
when the server cannot be reached the app opens on the last copy, says so, and
refuses edits until the server answers again. Updates send the ETag of the
version that was loaded (If-Match): a stale edit comes back as a conflict with
both versions, never a silent overwrite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from ps_tui.core.history import Event
from ps_tui.core.model import Implementation, Reference, StoreFile, etag
from ps_tui.core.safe_text import control_problems, may_hold_control
from ps_tui.core.validate import Problem, check_implementation, check_store
from ps_tui.store.atomic import atomic_write
from ps_tui.store.base import LoadProgress, Progress, counting
from ps_tui.store.errors import (
    StoreAuthFailed,
    StoreBadAnswer,
    StoreConflict,
    StoreError,
    StoreInvalid,
    StoreOffline,
    StoreUnreadable,
    StoreWriteFailed,
)
from ps_tui.store.live import IDLE_TIMEOUT, EventReader, NotOffered, Signal, StreamFailed
from ps_tui.store.tokens import Holder

T = TypeVar("T")

API = "/api/v1"
#: Implementations per request: the server's maximum, so 10,000 is one trip.
PAGE = 10000
#: Pauses between tries of a request that is safe to repeat.
BACKOFF = (0.2, 0.5, 1.0)


class _Meta(msgspec.Struct):
    url: str
    fetched: dt.datetime
    server_time: str | None = None


class RemoteStore:
    """A store served by `ps-tui serve` at `url`."""

    persistent = True

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        cache_dir: Path,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        use_cache: bool = True,
    ) -> None:
        self.url = url.rstrip("/")
        self.location = self.url
        self._token = token
        key = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        self._cache = cache_dir / f"remote-{key}.json"
        self._meta_path = cache_dir / f"remote-{key}.meta.json"
        self._timeout = httpx.Timeout(timeout, connect=min(3.0, timeout))
        #: The most one request may take, however the server trickles its
        #: answer (httpx's timeouts restart with every byte that arrives).
        self._deadline = 3 * timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._data: StoreFile | None = None
        self._etags: dict[str, str] = {}
        self._server_time: str | None = None
        #: The server's number of the last change loaded (None: it numbers
        #: none, as a file-backed server; `updated_since` is polled then).
        self._seq: int | None = None
        #: True while the data shown is the cached copy.
        self.offline = False
        #: When the data shown was fetched from the server.
        self.fetched: dt.datetime | None = None
        self._caching: asyncio.Future[None] | None = None
        #: Whether an unreachable server may be stood in for by the cache.
        self._use_cache = use_cache
        #: Why the server could not be reached, while offline.
        self._unreachable: str | None = None

    # -- plumbing -------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            headers = {"Accept": "application/json"}
            if self._token:
                if not _header_safe(self._token):
                    raise StoreAuthFailed(
                        f"{self.url}: the token holds a character an HTTP header cannot carry (a non-ASCII "
                        "letter, a space or a line break); check `token` under [remote] or PS_TUI_TOKEN"
                    )
                headers["Authorization"] = f"Bearer {self._token}"
            # Plain http never uses TLS: skip loading the certificate store.
            verify = self.url.startswith("https://")
            self._client = httpx.AsyncClient(
                base_url=self.url,
                headers=headers,
                timeout=self._timeout,
                transport=self._transport,
                verify=verify,
            )
        return self._client

    async def aclose(self) -> None:
        if self._caching is not None:
            await self._caching
            self._caching = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _request(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        """One request, repeated with backoff while the connection fails: any
        request when it never reached the server, idempotent ones always."""
        client = self._http()
        for pause in (*BACKOFF, None):
            try:
                return await asyncio.wait_for(client.request(method, path, **kwargs), self._deadline)
            except (TimeoutError, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
                # It accepted the connection: it is there, but not answering.
                # Trying again would only wait as long again.
                raise StoreOffline(
                    f"{self.url}: the server is not answering (no complete reply within {self._deadline:g} s)"
                ) from None
            except httpx.ConnectError as error:
                failure: httpx.TransportError = error
            except httpx.TransportError as error:
                if not idempotent:
                    raise StoreWriteFailed(
                        f"{self.url}: the connection broke during the save ({error.__class__.__name__}); "
                        "reload to see whether it landed"
                    ) from None
                failure = error
            if pause is None:
                raise StoreOffline(f"{self.url}: cannot reach the server ({_reason(failure)})")
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if 300 <= status < 400:
            target = response.headers.get("location", "elsewhere")
            raise StoreBadAnswer(
                f"{self.url}: the server redirects to {_shown(target)}; give that address to --remote"
            )
        if status < 400:
            return
        body = _json(response)
        message = _shown(str(body.get("error") or response.reason_phrase))
        if status == 401:
            raise StoreAuthFailed(
                f"{self.url}: the server refused the token ({message}). Set `token` under [remote] in "
                "config.toml or PS_TUI_TOKEN to your own token or the server's PS_TUI_SERVER_TOKEN."
            )
        if status == 422:
            listed = body.get("problems")
            problems = [
                Problem(_shown(str(p.get("path", ""))), _shown(str(p.get("message", ""))))
                if isinstance(p, dict)
                else Problem("", _shown(str(p)))
                for p in (listed if isinstance(listed, list) else [])[:100]
            ]
            raise StoreInvalid(self.url, problems or [Problem("", message)])
        if status == 404:
            raise StoreError(f"{self.url}: {message}")
        raise StoreWriteFailed(f"{self.url}: {message} (HTTP {status})")

    def _decode(self, response: httpx.Response, kind: type[T], what: str) -> T:
        """The answer as `kind`; StoreBadAnswer, saying what came instead,
        when it is not what `ps-tui serve` sends."""
        try:
            return msgspec.json.decode(response.content, type=kind)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            sent = _answer_text(response, error)
            raise StoreBadAnswer(
                f"{self.url}: the answer to {what} is not one `ps-tui serve` sends ({sent}); "
                "is this the address of a ps-tui server?"
            ) from None

    def _vet(self, problems: list[Problem], what: str) -> None:
        """Refuse data that breaks the rules a store file is held to (the
        same checks as a file's load: a far-off date, an unknown segment, a
        control character in text): StoreBadAnswer naming the first problem,
        so the client keeps its last good data instead of showing it."""
        if problems:
            first = problems[0]
            more = f", and {len(problems) - 1} more" if len(problems) > 1 else ""
            raise StoreBadAnswer(
                f"{self.url}: {what} from the server breaks the store's rules "
                f"({_shown(first.path)}: {_shown(first.message)}{more}); none of it is used"
            )

    # -- loading --------------------------------------------------------------

    def loads_quickly(self) -> bool:
        return False  # a network round trip, and perhaps a timeout

    @property
    def seq(self) -> int | None:
        """The number of the server's last change that the data holds (None:
        unknown, or a server that numbers no changes)."""
        return None if self.offline else self._seq

    async def load(self, progress: Progress | None = None) -> StoreFile:
        """Everything from the server; the cached copy (marked offline) when
        the server cannot be reached. `progress` is told of every page."""
        try:
            data = await self._fetch_all(progress)
        except StoreOffline as failure:
            if not self._use_cache:
                raise StoreUnreadable(f"{failure} (--no-cache: the cached copy is not used)") from None
            cached = await asyncio.to_thread(self._read_cache)
            if cached is None:
                raise StoreUnreadable(f"{failure}, and there is no cached copy yet") from None
            self.offline = True
            self._unreachable = str(failure)
            self._remember(cached)
            return cached
        self.offline = False
        self._unreachable = None
        self.fetched = dt.datetime.now(dt.UTC)
        # A version tag per implementation: a quarter of a second at 100,000,
        # off the event loop (the app's UI thread).
        self._remember(data, await asyncio.to_thread(_etags, data))
        self._cache_later(data)
        return data

    def stale_note(self) -> str | None:
        """What to tell a reader of the last load when it came from the
        cache (None when it is the server's answer)."""
        if not self.offline:
            return None
        return (
            f"{self._unreachable}; this is the cached copy from {self._fetched_text()} "
            "(--no-cache refuses instead)"
        )

    def _cache_later(self, data: StoreFile) -> None:
        """Write the cache in a thread without holding up the caller; `aclose`
        waits for it, so a short-lived command still leaves its copy."""
        previous = self._caching
        loop = asyncio.get_running_loop()

        async def write() -> None:
            if previous is not None:
                await previous
            await loop.run_in_executor(None, self._write_cache, data)

        self._caching = asyncio.ensure_future(write())

    async def _fetch_all(self, progress: Progress | None = None) -> StoreFile:
        if progress is not None:
            progress(LoadProgress("Fetching", 0, None, "implementations"))
        # The reference data and the first page travel at the same time.
        response, first = await asyncio.gather(
            self._request("GET", f"{API}/reference", idempotent=True),
            self._request("GET", f"{API}/implementations", idempotent=True, params={"limit": PAGE}),
        )
        self._check(response)
        reference = self._decode(response, StoreFile, "the reference data")
        implementations: list[Implementation] = []
        server_time = None
        seq: int | None = None
        restarts = 0
        offset = 0
        contents: list[bytes] = []
        page: httpx.Response | None = first
        while True:
            if page is None:
                page = await self._request(
                    "GET", f"{API}/implementations", idempotent=True, params={"limit": PAGE, "offset": offset}
                )
            self._check(page)
            listing = self._decode(page, _Listing, "a page of implementations")
            contents.append(page.content)
            if server_time is None:
                server_time, seq = listing.server_time, listing.seq
            elif listing.seq != seq and restarts < len(BACKOFF):
                # A change between pages moved what the offsets point at: again.
                implementations, offset, contents, server_time, page = [], 0, [], None, None
                restarts += 1
                continue
            implementations.extend(listing.items)
            offset += len(listing.items)
            if progress is not None:
                progress(LoadProgress("Fetching", offset, max(listing.total, offset), "implementations"))
            if not listing.items or offset >= listing.total:
                break
            page = None
        self._server_time, self._seq = server_time, seq
        data = msgspec.structs.replace(reference, implementations=implementations)
        # The checks of a whole store take a while: in a thread, as a file's do.
        problems = await asyncio.to_thread(_store_problems, data, [response.content, *contents], progress)
        self._vet(problems, "the data")
        return data

    def _remember(self, data: StoreFile, etags: dict[str, str] | None = None) -> None:
        self._data = data
        self._etags = _etags(data) if etags is None else etags

    async def refresh(self) -> tuple[StoreFile, frozenset[str] | None]:
        """What changed on the server since the last load or refresh: the new
        data and the ids that changed (None when everything was reloaded)."""
        if self.offline or self._data is None or self._server_time is None:
            data = await self.load()
            if self.offline:
                raise StoreOffline(
                    f"{self.url}: still unreachable; showing the copy from {self._fetched_text()}"
                )
            return data, None
        # A server that numbers its changes is asked for those after the
        # last one seen (complete across its restarts); else by time.
        since = {"since": str(self._seq)} if self._seq is not None else {"updated_since": self._server_time}
        try:
            response = await self._request(
                "GET", f"{API}/implementations", idempotent=True, params={**since, "limit": 10000}
            )
        except StoreOffline:
            # Keep showing what we have; edits wait until a refresh reconnects.
            self.offline = True
            raise
        self._check(response)
        listing = self._decode(response, _Listing, "the changes")
        if not listing.complete or listing.total > len(listing.items):
            return await self.load(), None
        self._server_time, self._seq = listing.server_time, listing.seq
        clue = may_hold_control(response.content)
        problems = [
            problem
            for impl in listing.items
            for problem in check_implementation(impl, self._data, f"implementations[{impl.id}]")
            + (control_problems(impl, f"implementations[{impl.id}]") if clue else [])
        ]
        self._vet(problems, "a change")
        changed = {impl.id: impl for impl in listing.items}
        gone = set(listing.deleted)
        self.fetched = dt.datetime.now(dt.UTC)  # the data is current as of now
        if not changed and not gone:
            return self._data, frozenset()
        kept = [changed.pop(impl.id, impl) for impl in self._data.implementations if impl.id not in gone]
        data = msgspec.structs.replace(self._data, implementations=kept + list(changed.values()))
        self._remember(data)
        self._cache_later(data)
        return data, frozenset({impl.id for impl in listing.items} | gone)

    def _fetched_text(self) -> str:
        if self.fetched is None:
            return "an earlier session"
        return self.fetched.astimezone().strftime("%Y-%m-%d %H:%M")

    # -- history --------------------------------------------------------------

    async def history(self, params: dict[str, str]) -> list[Event]:
        """The server's recorded changes that match `params` (implementation,
        since, by), newest first, every page of them."""
        events: list[Event] = []
        while True:
            query = {**params, "limit": str(PAGE), "offset": str(len(events))}
            response = await self._request("GET", f"{API}/history", idempotent=True, params=query)
            self._check(response)
            page = self._decode(response, _HistoryPage, "the history")
            events.extend(page.items)
            if not page.items or len(events) >= page.total:
                return events

    # -- live updates ---------------------------------------------------------

    async def events(self) -> AsyncIterator[Signal]:
        """One connection to the server's event stream, as signals (see
        store/live.py). Raises NotOffered for a server without one (404, or
        an answer that is not an event stream), StreamFailed when it cannot
        be reached, refuses, or goes quiet for IDLE_TIMEOUT seconds."""
        try:
            client = self._http()
        except StoreError as refused:
            raise StreamFailed(str(refused)) from None
        # No idle limit on reading but the stream's own: the keep-alives.
        timeout = httpx.Timeout(IDLE_TIMEOUT, connect=self._timeout.connect)
        headers = {"Accept": "text/event-stream", "Accept-Encoding": "identity"}
        try:
            async with client.stream("GET", f"{API}/events", headers=headers, timeout=timeout) as response:
                self._offers_events(response)
                reader = EventReader()
                async for chunk in response.aiter_raw():
                    for signal in reader.feed(chunk):
                        yield signal
        except httpx.TimeoutException:
            raise StreamFailed(f"{self.url}: the event stream went quiet") from None
        except httpx.TransportError as error:
            raise StreamFailed(f"{self.url}: the event stream broke off ({_reason(error)})") from None

    def _offers_events(self, response: httpx.Response) -> None:
        """Raise unless `response` is the start of an event stream."""
        status = response.status_code
        if status == 404:
            raise NotOffered(f"{self.url}: the server offers no live updates (an older ps-tui serve?)")
        if status == 401:
            raise StreamFailed(f"{self.url}: the server refused the token for live updates")
        if status != 200:
            raise StreamFailed(f"{self.url}: the server refused live updates (HTTP {status})")
        kind = response.headers.get("content-type", "no content type").split(";")[0].strip()
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if kind != "text/event-stream" or encoding != "identity":
            raise NotOffered(
                f"{self.url}: the answer for live updates is {_shown(kind, 60)}, not an event stream"
            )

    # -- cache ----------------------------------------------------------------

    def _write_cache(self, data: StoreFile) -> None:
        self._cache.parent.mkdir(parents=True, exist_ok=True)
        # The cache holds what a token gave access to: for this user only.
        atomic_write(self._cache, msgspec.json.encode(data), backup=False, private=True)
        meta = _Meta(
            url=self.url, fetched=self.fetched or dt.datetime.now(dt.UTC), server_time=self._server_time
        )
        atomic_write(self._meta_path, msgspec.json.encode(meta), backup=False, private=True)

    def _read_cache(self) -> StoreFile | None:
        try:
            content = self._cache.read_bytes()
            data = msgspec.json.decode(content, type=StoreFile)
            meta = msgspec.json.decode(self._meta_path.read_bytes(), type=_Meta)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return None
        if _store_problems(data, [content]):
            return None  # written by a version with looser rules: not a copy to show
        self.fetched = meta.fetched
        self._server_time = self._seq = None  # the next refresh is a full load
        return data

    # -- writing --------------------------------------------------------------

    def _writable(self) -> StoreFile:
        if self.offline or self._data is None:
            raise StoreOffline(
                f"{self.url} is unreachable: showing the copy from {self._fetched_text()}; "
                "edits are refused until the server is back (nothing was queued)"
            )
        return self._data

    async def _write(
        self,
        send: Callable[[], Awaitable[httpx.Response]],
        mine: Implementation | None,
        what: str = "this implementation",
    ) -> httpx.Response:
        response = await send()
        if response.status_code == 412:
            body = _json(response)
            current = msgspec.convert(body["current"], Implementation) if body.get("current") else None
            raise StoreConflict(
                f"{self.url}: someone else changed {what} since you loaded it",
                mine=mine,
                current=current,
            )
        if response.status_code == 409:
            raise StoreConflict(f"{self.url}: {_json(response).get('error', 'that id exists already')}")
        self._check(response)
        return response

    # `who` is not sent: the server records the holder of the token.

    async def save_implementation(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        return await self._save(implementation, check_version=True)

    async def overwrite_implementation(self, implementation: Implementation) -> StoreFile:
        """Save without the version check: the user chose to replace the
        server's version with theirs after a conflict."""
        return await self._save(implementation, check_version=False)

    async def _save(self, implementation: Implementation, *, check_version: bool) -> StoreFile:
        data = self._writable()
        body = msgspec.json.encode(implementation)
        headers = {"Content-Type": "application/json"}
        if implementation.id in self._etags:
            # `*`: whatever is there, said outright (a server may require If-Match).
            headers["If-Match"] = f'"{self._etags[implementation.id]}"' if check_version else "*"
            path = f"{API}/implementations/{quote(implementation.id, safe='')}"
            response = await self._write(
                lambda: self._request("PUT", path, idempotent=True, content=body, headers=headers),
                implementation,
            )
        else:
            response = await self._write(
                lambda: self._request(
                    "POST", f"{API}/implementations", idempotent=False, content=body, headers=headers
                ),
                implementation,
            )
        saved = self._decode(response, Implementation, "the save")
        implementations = list(data.implementations)
        # The ids with an ETag are those in the copy: a new one is appended
        # without a search (an import of many into a large store: not a
        # pass over it for each).
        index = None
        if saved.id in self._etags:
            index = next((i for i, existing in enumerate(implementations) if existing.id == saved.id), None)
        if index is None:
            implementations.append(saved)
        else:
            implementations[index] = saved
        updated = msgspec.structs.replace(data, implementations=implementations)
        self._data = updated
        self._etags[saved.id] = etag(saved)
        return updated

    async def delete_implementation(self, implementation_id: str, *, who: str | None = None) -> StoreFile:
        data = self._writable()
        headers = {}
        if implementation_id in self._etags:
            headers["If-Match"] = f'"{self._etags[implementation_id]}"'
        await self._write(
            lambda: self._request(
                "DELETE",
                f"{API}/implementations/{quote(implementation_id, safe='')}",
                idempotent=True,
                headers=headers,
            ),
            None,
        )
        updated = msgspec.structs.replace(
            data, implementations=[i for i in data.implementations if i.id != implementation_id]
        )
        self._data = updated
        self._etags.pop(implementation_id, None)
        return updated

    async def save_reference(self, reference: Reference, *, who: str | None = None) -> StoreFile:
        data = self._writable()
        body = msgspec.json.encode(reference)
        await self._write(
            lambda: self._request(
                "PUT",
                f"{API}/reference",
                idempotent=True,
                content=body,
                headers={"Content-Type": "application/json", "If-Match": f'"{etag(data.reference)}"'},
            ),
            None,
            "the reference data",
        )
        updated = data.with_reference(reference)
        self._data = updated
        return updated

    # -- whom the token names -------------------------------------------------

    async def holder(self) -> Holder | None:
        """The team member the token belongs to (GET /api/v1/me); None for
        no token, the shared token, or a server that cannot say."""
        if not self._token:
            return None
        try:
            response = await self._request("GET", f"{API}/me", idempotent=True)
        except StoreError:
            return None
        if response.status_code != 200:
            return None  # refused (the next write says why), or an older server
        try:
            me = msgspec.json.decode(response.content, type=_Me)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        return None if me.member is None else Holder(_shown(me.member), me.read_only)


class _Me(msgspec.Struct):
    member: str | None
    read_only: bool


class _HistoryPage(msgspec.Struct):
    items: list[Event]
    total: int


class _Listing(msgspec.Struct, gc=False):
    items: list[Implementation]
    total: int
    server_time: str
    deleted: list[str] = msgspec.field(default_factory=list)
    complete: bool = True
    seq: int | None = None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _header_safe(token: str) -> bool:
    return token.isascii() and token.isprintable() and " " not in token


def _shown(text: str, limit: int = 200) -> str:
    """Text from a server, safe to print: control characters escaped, cut short."""
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return escaped + ("…" if len(text) > limit else "")


def _answer_text(response: httpx.Response, error: Exception) -> str:
    """What the server sent instead: its type and first bytes, or why it does not fit."""
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    if not response.content:
        return f"an empty {response.status_code} answer"
    if isinstance(error, msgspec.ValidationError):
        return f"JSON of another shape: {_shown(str(error), 120)}"
    head = response.content[:60].decode("utf-8", "replace")
    return f"{kind}, starting {_shown(head, 60)!r}"


def _reason(error: httpx.TransportError) -> str:
    text = str(error) or error.__class__.__name__
    return text.splitlines()[0][:120]


def _etags(data: StoreFile) -> dict[str, str]:
    return {impl.id: etag(impl) for impl in data.implementations}


def _store_problems(
    data: StoreFile, contents: list[bytes], progress: Progress | None = None
) -> list[Problem]:
    """What a store file's load would refuse in `data`, sent as `contents`
    (telling `progress` how the checks go)."""
    problems = check_store(data, counting(progress, "Checking", len(data.implementations)))
    if any(may_hold_control(content) for content in contents):
        problems += control_problems(data)
    return problems
