"""Errors as JSON: every failure the API reports has an `error` message, and
some add `problems` (validation) or `current` and `etag` (a stale edit).

Handlers cover FastAPI's own errors too (an unknown route, a bad query
parameter), so a client sees one shape whatever went wrong."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ps_tui.core.model import Implementation
from ps_tui.core.validate import InvalidData, Problem

log = logging.getLogger("ps_tui.server")

JSON = "application/json"


class ProblemBody(msgspec.Struct, omit_defaults=True):
    """One thing wrong with a request: the field path and what is wrong."""

    path: str
    message: str


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """The body of every error response."""

    error: str
    #: Validation problems (422), each with its field path.
    problems: list[ProblemBody] | None = None
    #: The implementation as it stands now (412 stale edit, 409 duplicate id).
    current: Implementation | None = None
    #: The ETag of `current`.
    etag: str | None = None


class ApiError(Exception):
    """Raised anywhere in a request to answer with `status` and an ErrorBody."""

    def __init__(self, status: int, body: ErrorBody, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(body.error)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def error(status: int, message: str, headers: Mapping[str, str] | None = None) -> ApiError:
    return ApiError(status, ErrorBody(message), headers)


def invalid(what: str, problems: Iterable[Problem]) -> ApiError:
    """422 listing the problems, with the same paths, messages and order the
    local store gives (InvalidData sorts them)."""
    listed = [ProblemBody(p.path, p.message) for p in InvalidData(list(problems)).problems]
    return ApiError(422, ErrorBody(f"invalid {what}", problems=listed))


def json_response(content: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A response whose body msgspec encodes (structs, dates, enums)."""
    return Response(msgspec.json.encode(content), status_code=status, headers=headers, media_type=JSON)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app accepts at the request's path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into an ErrorBody."""

    async def api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return json_response(exc.body, exc.status, exc.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route of the path; list them all.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return json_response(ErrorBody(message), exc.status_code, headers)

    async def validation_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            ProblemBody(".".join(str(part) for part in item.get("loc", ())), str(item.get("msg", "")))
            for item in exc.errors()
        ]
        return json_response(ErrorBody("invalid request", problems=problems), 422)

    async def unexpected(request: Request, exc: Exception) -> Response:
        # A bug, never the client's input: log it (without headers) and say so.
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return json_response(ErrorBody("internal server error; the server log has the details"), 500)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
