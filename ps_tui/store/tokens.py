"""Per-user bearer tokens for `ps-tui serve`: who holds which, kept hashed.

Each token is bound to one team member and may be read-only. A token is
`secrets.token_urlsafe(32)`: 256 random bits, shown once when it is made.
Only its SHA-256 digest is kept (and its last four characters, so a list
can tell two apart): a digest of a random 256-bit secret cannot be turned
back or guessed, so no password hashing (salt, bcrypt, scrypt) is needed,
and looking a token up costs one hash. Digests are compared in constant time.

`TokenRegistry` is what the server and `ps-tui serve token` need from
wherever tokens live; `FileTokens` keeps them in a JSON file beside the store
(`store.tokens.json`), owner-only, written atomically. The server reads the
file at every request (a few kilobytes; decoded again only when it changed),
so a token added or revoked counts from the next request, without a restart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import msgspec

from ps_tui.store.atomic import atomic_write, locked
from ps_tui.store.errors import StoreError, StoreWriteFailed

#: What the history records for a write made with the shared token
#: (PS_TUI_SERVER_TOKEN), which names nobody.
SHARED_TOKEN_WHO = "ps-tui serve (shared token)"
#: What it records for a write made with no token at all (`--no-auth`).
NO_TOKEN_WHO = "ps-tui serve (no token)"

#: The random bytes of a new token (256 bits).
TOKEN_BYTES = 32
#: The trailing characters of a token kept to tell tokens apart in a list.
HINT_CHARS = 4

SCHEMA_VERSION = 1
#: The largest tokens file read (about 4,000 tokens).
MAX_BYTES = 1 * 2**20


@dataclass(frozen=True)
class Holder:
    """Whom a token belongs to: a team member, who may only read or not."""

    name: str
    read_only: bool


class TokenInfo(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a list says of a token: never the token itself."""

    name: str
    read_only: bool
    created: dt.datetime
    #: The token's last characters, e.g. "…x4Qa".
    hint: str


class TokensUnusable(StoreError):
    """The tokens cannot be read, or must not be trusted (open to others)."""


class TokenRegistry(Protocol):
    """Where per-user tokens live (a file beside the store; a database
    table). `identify` is on every request's path, so it is async; the
    others serve `ps-tui serve token` and are plain calls."""

    #: Where the tokens are kept, for messages.
    location: str

    async def identify(self, token: str) -> Holder | None:
        """The holder of `token`, or None for a token that is not (or no
        longer) listed. Raises TokensUnusable."""
        ...

    def add(self, name: str, *, read_only: bool = False) -> str:
        """A new token for `name` (a team member, checked by the caller),
        returned once: only its digest is kept. Raises TokensUnusable, and
        ValueError when `name` has a token already."""
        ...

    def entries(self) -> list[TokenInfo]:
        """The tokens, oldest first."""
        ...

    def revoke(self, name: str) -> bool:
        """Remove `name`'s token; False when there was none."""
        ...


class TokenRecord(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A token as it is kept: what a list shows, and the digest (never the
    token). `ps-tui db import` and `db export` move these between a file
    and a database."""

    name: str
    read_only: bool
    created: dt.datetime
    hint: str
    #: Hex SHA-256 of the token's UTF-8 bytes.
    sha256: str


class _TokensFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    schema_version: int
    tokens: list[TokenRecord]


def tokens_path(store: Path) -> Path:
    """Where the tokens of the store file `store` are kept."""
    return store.with_name(f"{store.stem}.tokens.json")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_record(name: str, *, read_only: bool) -> tuple[str, TokenRecord]:
    """A new token for `name` and the record that keeps it (its digest)."""
    token = new_token()
    record = TokenRecord(
        name=name,
        read_only=read_only,
        created=dt.datetime.now(dt.UTC).replace(microsecond=0),
        hint="…" + token[-HINT_CHARS:],
        sha256=token_digest(token),
    )
    return token, record


def already_held(name: str, where: str = "") -> ValueError:
    """The refusal of a second token for `name` (`where`: the revoke's own
    options, e.g. `--database URL`)."""
    return ValueError(
        f"{name} has a token already; `ps-tui serve token revoke {shlex.quote(name)}{where}` "
        "first (one token per member)"
    )


def info(record: TokenRecord) -> TokenInfo:
    """What a list shows of `record`."""
    return TokenInfo(name=record.name, read_only=record.read_only, created=record.created, hint=record.hint)


class FileTokens:
    """Tokens in a JSON file, readable and writable by its owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._content: bytes | None = None
        self._entries: list[TokenRecord] = []

    # -- reading ----------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def _bytes(self) -> bytes | None:
        """The file's content (None when there is no file). Raises
        TokensUnusable for a file others may read or write."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        except OSError as error:
            raise TokensUnusable(f"{self.path}: cannot read ({error.strerror or error})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise TokensUnusable(f"{self.path}: not a regular file")
            if info.st_mode & 0o077:
                raise TokensUnusable(
                    f"{self.path}: others may read or change it (mode {stat.S_IMODE(info.st_mode):04o}), "
                    f"so its tokens are not trusted; make it its owner's only: chmod 600 {self.path}"
                )
            with os.fdopen(os.dup(fd), "rb") as handle:
                return handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise TokensUnusable(f"{self.path}: cannot read ({error.strerror or error})") from None
        finally:
            os.close(fd)

    def _read(self) -> list[TokenRecord]:
        """The tokens as the file holds them now; decoded again only when its
        content changed (a small file, read whole at every request: no clock
        or inode can hide a change). Raises TokensUnusable."""
        content = self._bytes()
        if content is None:
            self._content, self._entries = None, []
            return []
        if content == self._content:
            return self._entries
        # Forget the old tokens first: a file that no longer reads trusts none.
        self._content, self._entries = None, []
        if len(content) > MAX_BYTES:
            raise TokensUnusable(f"{self.path}: larger than a tokens file may be ({MAX_BYTES} bytes)")
        try:
            document = msgspec.json.decode(content, type=_TokensFile)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise TokensUnusable(f"{self.path}: not a ps-tui tokens file ({error})") from None
        if document.schema_version > SCHEMA_VERSION:
            raise TokensUnusable(
                f"{self.path}: written by a newer ps-tui (schema_version {document.schema_version})"
            )
        self._content, self._entries = content, document.tokens
        return self._entries

    def records(self) -> list[TokenRecord]:
        """The tokens as kept (digests, never tokens), oldest first. Raises TokensUnusable."""
        return list(self._read())

    def check(self) -> int:
        """Read the file now (as a server does when it starts): the number of
        tokens. Raises TokensUnusable."""
        return len(self._read())

    async def identify(self, token: str) -> Holder | None:
        wanted = token_digest(token)
        found: TokenRecord | None = None
        for entry in self._read():
            # Every entry is compared, so the time taken says nothing of which.
            if hmac.compare_digest(entry.sha256, wanted):
                found = entry
        return None if found is None else Holder(found.name, found.read_only)

    def entries(self) -> list[TokenInfo]:
        return [info(record) for record in self._read()]

    # -- changing -----------------------------------------------------------------

    def _write(self, entries: list[TokenRecord]) -> None:
        content = msgspec.json.format(
            msgspec.json.encode(_TokensFile(schema_version=SCHEMA_VERSION, tokens=entries)), indent=2
        )
        try:
            atomic_write(self.path, content + b"\n", backup=False, private=True)
        except OSError as error:
            reason = error.strerror or str(error)
            raise StoreWriteFailed(
                f"{self.path}: not saved ({reason}); the tokens are as they were"
            ) from None

    def write_records(self, records: list[TokenRecord]) -> None:
        """Keep exactly `records` (an export from a database)."""
        with locked(self.path):
            self._write(records)

    def add(self, name: str, *, read_only: bool = False) -> str:
        with locked(self.path):
            entries = self._read()
            if any(entry.name == name for entry in entries):
                raise already_held(name)
            token, entry = new_record(name, read_only=read_only)
            self._write([*entries, entry])
        return token

    def revoke(self, name: str) -> bool:
        with locked(self.path):
            entries = self._read()
            kept = [entry for entry in entries if entry.name != name]
            if len(kept) == len(entries):
                return False
            self._write(kept)
        return True
