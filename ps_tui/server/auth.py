"""The bearer token: writes always need it, reads when `--protect-reads`.

The token is compared in constant time and never logged, and neither is the
Authorization header."""

from __future__ import annotations

import hmac

from fastapi import Request

from ps_tui.server.errors import error

#: The 401 message: says where each side sets the token.
UNAUTHORIZED = (
    "missing or wrong bearer token; "
    "set PS_TUI_SERVER_TOKEN on the server and token/PS_TUI_TOKEN on the client"
)


class BearerAuth:
    """Checks `Authorization: Bearer <token>`; with no token configured
    (`--no-auth`) every request passes."""

    def __init__(self, token: str | None) -> None:
        self._token = token.encode("utf-8") if token is not None else None

    @property
    def enabled(self) -> bool:
        return self._token is not None

    def accepts(self, header: str | None) -> bool:
        if self._token is None:
            return True
        if header is None:
            return False
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        # Starlette decodes header values as latin-1: encoding back gives the
        # bytes as sent, compared with the token's UTF-8 bytes.
        try:
            given = credentials.strip().encode("latin-1")
        except UnicodeEncodeError:
            return False
        return hmac.compare_digest(given, self._token)

    def require(self, request: Request) -> None:
        """Raise the 401 ApiError unless the request carries the token."""
        if not self.accepts(request.headers.get("authorization")):
            raise error(401, UNAUTHORIZED, {"WWW-Authenticate": "Bearer"})
