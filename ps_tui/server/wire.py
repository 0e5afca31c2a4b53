"""What goes over the wire: request bodies in, JSON documents out, and the
OpenAPI description of both.

Bodies are decoded with msgspec into the same models the store files use, so
the API refuses exactly what the local store refuses, with the same field
paths and messages. Responses are msgspec-encoded (dates as ISO strings,
defaults omitted as in the files), so an implementation's ETag is the
`etag()` of the JSON a client receives."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from typing import Annotated, Any, TypeVar

import msgspec
from fastapi import Request
from msgspec import Meta
from starlette.requests import ClientDisconnect

from ps_tui.core.documents import DOCUMENTS as CORE_DOCUMENTS
from ps_tui.core.history import Event
from ps_tui.core.model import SCHEMA_VERSION, Implementation, NewImplementation, Reference, StoreFile
from ps_tui.core.numbers import NON_STANDARD, non_standard
from ps_tui.core.offerings import LookupDocument
from ps_tui.core.reports import REPORTS
from ps_tui.core.validate import problem_from_error
from ps_tui.server.errors import ApiError, ErrorBody, error, invalid

T = TypeVar("T")


class ReferenceDocument(Reference, kw_only=True, forbid_unknown_fields=True, omit_defaults=False):
    """The store without its implementations: every reference field, and the
    schema version (GET and PUT /api/v1/reference)."""

    schema_version: Annotated[int, Meta(ge=1)] = SCHEMA_VERSION

    @classmethod
    def of(cls, store: StoreFile) -> ReferenceDocument:
        fields = {name: getattr(store, name) for name in Reference.__struct_fields__}
        return cls(**fields, schema_version=store.schema_version)

    @property
    def reference(self) -> Reference:
        return Reference(**{name: getattr(self, name) for name in Reference.__struct_fields__})


class ImplementationPage(msgspec.Struct, kw_only=True):
    """GET /api/v1/implementations: one page of the matching implementations
    (in store order) and what a client needs to keep a copy in sync."""

    items: list[Implementation]
    #: How many match the filters, before paging.
    total: int
    limit: int
    offset: int
    #: Ids deleted since `since` or `updated_since` (empty without either); never an id that exists now.
    deleted: list[str]
    #: Send this back as `updated_since` to get what changed after this answer.
    server_time: dt.datetime
    #: False when `updated_since` is before the server loaded the store (or
    #: `since` is a number this database never gave): the changes before that
    #: are unknown, so reload everything.
    complete: bool
    #: The number of the last change this answer includes: send it back as
    #: `since` for every change after it. None when the store is a file (use
    #: `updated_since` with `server_time` then).
    seq: int | None = None


class HistoryPage(msgspec.Struct, kw_only=True):
    """GET /api/v1/history: one page of the recorded changes, newest first
    (exactly what `ps-tui history --json` lists, paged)."""

    items: list[Event]
    #: How many match the filters, before paging.
    total: int
    limit: int
    offset: int


class ServerHealth(msgspec.Struct):
    """GET /healthz: the server is up."""

    status: str


class Me(msgspec.Struct, kw_only=True):
    """GET /api/v1/me: whom the bearer token names."""

    #: The team member the token belongs to; null for the shared token (or none).
    member: str | None
    #: Whether the token may only read.
    read_only: bool
    #: Whom the history records for this token's writes.
    recorded_as: str


# --- request bodies -----------------------------------------------------------------


#: Seconds a client has to send a whole request body once its head is in.
BODY_TIMEOUT = 30.0


async def read_body(request: Request, max_body: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed
    `max_body` bytes (from Content-Length, or while it streams in), with 408
    when it takes longer than `timeout` seconds, and with 400 when the client
    goes away before its end (a client's doing: no traceback in the log)."""
    too_large = f"request body too large: at most {max_body:,} bytes"
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdecimal():
            raise error(400, "Content-Length is not a number")
        if int(length) > max_body:
            raise error(413, too_large, {"Connection": "close"})
    received = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                received += chunk
                if len(received) > max_body:
                    raise error(413, too_large, {"Connection": "close"})
    except TimeoutError:
        message = f"the request body did not arrive within {timeout:g} s"
        raise error(408, message, {"Connection": "close"}) from None
    except ClientDisconnect:
        raise error(400, "the client closed the connection before the end of the body") from None
    return bytes(received)


def decode(body: bytes, kind: type[T], what: str) -> T:
    """Decode a JSON body into `kind`: 400 when it is not JSON, 422 with the
    field path and the store's message when it does not fit."""
    if not body.strip():
        raise error(400, f"the request body is empty; send the {what} as a JSON object")
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as problem:
        # msgspec stops at the first misfit, which may come before a syntax
        # error further on: malformed JSON is a 400 whatever it holds.
        _well_formed(body)
        raise invalid(what, [problem_from_error(problem)]) from None
    except msgspec.DecodeError as malformed:
        raise _malformed(body, malformed) from None
    except RecursionError:
        raise error(400, _TOO_DEEP) from None


_TOO_DEEP = "malformed JSON: nested too deeply (no document of ps-tui nests more than a few levels)"
_AT_BYTE = re.compile(r"\(byte (\d+)\)")


def _well_formed(body: bytes) -> None:
    """Raise the 400 of a body that is not JSON at all. A number out of
    range is well-formed JSON: the typed error, with its field, stands."""
    try:
        msgspec.json.decode(body)
    except msgspec.ValidationError:
        # Out of range, so msgspec stopped there: check the rest's syntax
        # without converting a number (the stdlib parser takes hooks).
        try:
            json.loads(body, parse_int=len, parse_float=len, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise error(400, "malformed JSON: the body is not one complete JSON document") from None
    except msgspec.DecodeError as malformed:
        raise _malformed(body, malformed) from None
    except RecursionError:
        raise error(400, _TOO_DEEP) from None


def _no_constant(name: str) -> None:
    raise ValueError(name)


def _malformed(body: bytes, problem: msgspec.DecodeError) -> ApiError:
    """400 for a body that is not JSON, naming NaN and Infinity for what they are."""
    found = _AT_BYTE.search(str(problem))
    if found:
        at = int(found[1])
        for token in NON_STANDARD:
            # msgspec points past the sign of -Infinity.
            for start in (at - 1, at):
                if start >= 0 and body.startswith(token.encode(), start):
                    return error(400, f"malformed JSON at byte {start}: {non_standard(token)}")
    return error(400, f"malformed JSON: {problem}")


# --- OpenAPI ------------------------------------------------------------------------

#: The body and response documents, as components of the OpenAPI schema.
DOCUMENTS: tuple[Any, ...] = (
    Implementation,
    NewImplementation,
    ReferenceDocument,
    ImplementationPage,
    HistoryPage,
    *CORE_DOCUMENTS,
    LookupDocument,
    *REPORTS,
    ErrorBody,
    ServerHealth,
    Me,
)
REF = "#/components/schemas/{name}"


def ref(kind: Any) -> dict[str, Any]:
    return {"$ref": REF.format(name=kind.__name__)}


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def request_body(kind: Any) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref(kind)}}}}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for error statuses, each an ErrorBody."""
    descriptions = {
        400: "Malformed JSON or a malformed request",
        401: "Missing, wrong or revoked bearer token",
        403: "The token is read-only",
        428: "The server requires If-Match (it runs with --require-if-match)",
        404: "No implementation with that id",
        409: "An implementation with that id already exists",
        412: "If-Match does not match the current version (the body has `current` and `etag`)",
        408: "The request body did not arrive in time",
        413: "Request body too large",
        422: "Invalid input: `problems` lists each field path and message",
        503: "The store could not be written (the message says why); nothing was changed",
    }
    return {status: json_content(ref(ErrorBody), descriptions[status]) for status in statuses}


def complete_openapi(schema: dict[str, Any], *, protect_reads: bool, auth: bool) -> dict[str, Any]:
    """FastAPI's schema plus the msgspec components, the bearer scheme, and
    every 422 described as the ErrorBody it really is."""
    _, components = msgspec.json.schema_components(DOCUMENTS, ref_template=REF)
    for component in components.values():
        # Every struct refuses unknown fields (forbid_unknown_fields).
        if component.get("type") == "object" and "properties" in component:
            component.setdefault("additionalProperties", False)
    found = schema.setdefault("components", {})
    schemas = found.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(components)
    if auth:
        found["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if "422" in responses:
                responses["422"] = json_content(ref(ErrorBody), "Invalid input")
            # Writes need a token, and so does asking whom it names.
            needs_token = method != "get" or path == "/api/v1/me"
            if auth and path.startswith("/api/") and (needs_token or protect_reads):
                operation["security"] = [{"bearer": []}]
                responses.setdefault("401", errors(401)[401])
    if not schemas:
        found.pop("schemas")
    return schema
