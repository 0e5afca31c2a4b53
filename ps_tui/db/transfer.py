"""Moving a store between a file and a database, history included.

`import_store` puts a store, its history records and its per-user tokens
into an empty database (as change 1); `export_store` reads them back out.
Nothing is re-encoded on the way: each implementation is the struct the
file held, each history record the `Save` its line held, each token the
record its tokens file held (the digest: never a token), so a file taken in
and out again gives the same store, records and tokens
(`tests/test_db_transfer.py`).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from ps_tui.core.history import Save
from ps_tui.core.model import StoreFile
from ps_tui.db import tables
from ps_tui.db.connection import Database, DatabaseError
from ps_tui.store.tokens import TokenRecord


def import_store(
    database: Database, store: StoreFile, saves: list[Save], tokens: list[TokenRecord] | None = None
) -> None:
    """Put `store`, `saves` (oldest first) and `tokens` into `database`,
    which must hold no store yet."""
    with database.write() as cursor:
        if tables.reference_store(cursor) is not None or tables.all_ids(cursor):
            raise DatabaseError(
                f"{database.location}: already holds a store; import into a new database "
                "(export this one first to keep it)"
            )
        seq = tables.next_seq(cursor)
        tables.write_reference(cursor, store, seq)
        tables.insert_all(cursor, store.implementations, seq)
        tables.log_change(cursor, seq, dt.datetime.now(dt.UTC), "import", None)
        tables.add_saves(cursor, saves)
        if tokens:
            tables.add_tokens(cursor, tokens)


def export_store(database: Database) -> tuple[StoreFile, list[Save]]:
    """The store in `database` and its history records, oldest first."""
    with database.read() as cursor:
        reference = tables.reference_store(cursor)
        if reference is None:
            raise DatabaseError(f"{database.location}: holds no store yet; nothing to export")
        implementations = tables.all_implementations(cursor)
        saves = tables.saves(cursor)
    return msgspec.structs.replace(reference, implementations=implementations), saves


def export_tokens(database: Database) -> list[TokenRecord]:
    """The per-user tokens in `database` (digests), oldest first."""
    with database.read() as cursor:
        return tables.token_records(cursor)
