"""Bearer tokens: who a request acts as. Writes always need a token, reads
when `--protect-reads`; a read-only token reads and never writes.

Two kinds may be configured, side by side: the shared token (one for the
whole team, `PS_TUI_SERVER_TOKEN`), whose writes are recorded as
"ps-tui serve (shared token)", and per-user tokens (a `TokenRegistry`), each
recorded as its member. The shared token is compared first; a token is
either, never both (a per-user token is random, 256 bits). Tokens are
compared in constant time and never logged, and neither is the
Authorization header."""

from __future__ import annotations

import hmac
import shlex
from dataclasses import dataclass

from fastapi import Request

from ps_tui.server.errors import error
from ps_tui.store.tokens import NO_TOKEN_WHO, SHARED_TOKEN_WHO, TokenRegistry, TokensUnusable

#: The 401 message: says where each side sets the token.
UNAUTHORIZED = (
    "missing, wrong or revoked bearer token; set token/PS_TUI_TOKEN on the client to your own "
    "token (`ps-tui serve token add NAME` on the server) or to the server's PS_TUI_SERVER_TOKEN"
)


@dataclass(frozen=True)
class Access:
    """Whom a request acts for."""

    #: Whom the history records for its writes.
    who: str
    #: The team member the token belongs to (None: the shared token, or none).
    member: str | None
    read_only: bool


#: A request with no token to check (`--no-auth`).
OPEN = Access(NO_TOKEN_WHO, None, read_only=False)
#: A request with the shared token.
SHARED = Access(SHARED_TOKEN_WHO, None, read_only=False)


def _credentials(header: str | None) -> bytes | None:
    """The bearer token's bytes as sent, or None when there is none."""
    if header is None:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    # Starlette decodes header values as latin-1: encoding back gives the
    # bytes as sent, compared with the token's UTF-8 bytes.
    try:
        return credentials.strip().encode("latin-1")
    except UnicodeEncodeError:
        return None


class BearerAuth:
    """Checks `Authorization: Bearer <token>` against the shared token and
    the per-user tokens; with neither configured (`--no-auth`) every request
    passes, as OPEN."""

    def __init__(self, token: str | None, tokens: TokenRegistry | None = None) -> None:
        self._token = token.encode("utf-8") if token is not None else None
        self._tokens = tokens

    @property
    def enabled(self) -> bool:
        return self._token is not None or self._tokens is not None

    async def identify(self, header: str | None) -> Access | None:
        """Whom the Authorization header names; None when it names nobody
        (missing, wrong or revoked). Raises the 503 ApiError when the
        per-user tokens cannot be read (none is trusted then)."""
        if not self.enabled:
            return OPEN
        given = _credentials(header)
        if given is None or not given:
            return None
        if self._token is not None and hmac.compare_digest(given, self._token):
            return SHARED
        if self._tokens is None:
            return None
        try:
            holder = await self._tokens.identify(given.decode("utf-8", "surrogateescape"))
        except TokensUnusable as unusable:
            raise error(503, f"the server cannot check per-user tokens: {unusable}") from None
        return None if holder is None else Access(holder.name, holder.name, holder.read_only)

    async def require(self, request: Request) -> Access:
        """Whom the request acts for; the 401 ApiError when nobody."""
        access = await self.identify(request.headers.get("authorization"))
        if access is None:
            raise error(401, UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
        return access

    async def require_write(self, request: Request) -> Access:
        """As `require`, and the 403 ApiError for a read-only token."""
        access = await self.require(request)
        if access.read_only:
            member = access.member or ""
            raise error(
                403,
                f"this token of {member}'s is read-only: it cannot change the store; ask for one "
                f"that may write (`ps-tui serve token add {shlex.quote(member)}` without "
                "--read-only, after revoking this one)",
            )
        return access
