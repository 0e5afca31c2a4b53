"""Per-user tokens in the database (`ps-tui serve --database`): the
`tokens` table, a `TokenRegistry` as `store/tokens.FileTokens` is one for a
store file, and with the same rules: one token per team member, only the
SHA-256 digest kept, printed once when made.

The server looks each request's token up by its digest, one indexed
query, so a token revoked through any process (or `ps-tui serve token
revoke --database URL`) is refused from the next request of every server
on the database. The lookup is by digest rather than a constant-time
comparison with each: what its timing could tell is where a digest falls
among the stored ones, and a digest chosen by whoever guesses tells
nothing of a token that would give it (256 random bits, see
store/tokens.py).
"""

from __future__ import annotations

import asyncio

from ps_tui.db import tables
from ps_tui.db.connection import Database, DatabaseError
from ps_tui.store.tokens import (
    Holder,
    TokenInfo,
    TokensUnusable,
    already_held,
    info,
    new_record,
    token_digest,
)


class DatabaseTokens:
    """The tokens of the store in `database`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.location = f"the tokens table of {database.location}"
        #: How a command names this database (for the messages' commands).
        self._option = f" --database {database.location}"

    def exists(self) -> bool:
        """Whether any token is kept."""
        return self.check() > 0

    def check(self) -> int:
        """The number of tokens (read now). Raises DatabaseError."""
        with self.database.read() as cursor:
            return len(tables.token_records(cursor))

    def _holder(self, digest: str) -> Holder | None:
        with self.database.read() as cursor:
            found = tables.token_holder(cursor, digest)
        return None if found is None else Holder(*found)

    async def identify(self, token: str) -> Holder | None:
        try:
            return await asyncio.to_thread(self._holder, token_digest(token))
        except DatabaseError as failed:
            raise TokensUnusable(str(failed)) from None

    def add(self, name: str, *, read_only: bool = False) -> str:
        token, record = new_record(name, read_only=read_only)
        with self.database.write() as cursor:
            if any(kept.name == name for kept in tables.token_records(cursor)):
                raise already_held(name, self._option)
            tables.add_tokens(cursor, [record])
        return token

    def entries(self) -> list[TokenInfo]:
        with self.database.read() as cursor:
            return [info(record) for record in tables.token_records(cursor)]

    def revoke(self, name: str) -> bool:
        with self.database.write() as cursor:
            return tables.revoke_token(cursor, name)
