"""PostgreSQL through psycopg 3 and its connection pool (the `db` extra).

Imported only when a `postgresql://` URL is used. Writes run at READ
COMMITTED (the change-sequence row they take first serialises them); reads
that need several statements to agree run at REPEATABLE READ, read only.
Each change is announced on the `ps_tui_changes` channel as it commits
(`_PostgresCursor.announce`), and each server process listens on a
connection of its own (`PostgresWatcher`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from ps_tui.db import POSTGRESQL, DatabaseUrl
from ps_tui.db.connection import Cursor, DatabaseError, DatabaseUnavailable, Params, Row

try:
    import psycopg
    import psycopg_pool
except ImportError as missing:  # pragma: no cover - depends on what is installed
    raise DatabaseError(
        f"PostgreSQL needs the db extra: pip install 'ps-tui[db]' ({missing.name} is missing)"
    ) from None

#: Connections each process keeps at most.
POOL_SIZE = 8
#: How long a request waits for a connection (the database down: then 503).
POOL_TIMEOUT_SECONDS = 5.0
#: The channel every change is announced on (`NOTIFY`; scoped to the database).
CHANNEL = "ps_tui_changes"
#: How long the listening connection may take to connect.
LISTEN_CONNECT_TIMEOUT = 5


@lru_cache(maxsize=256)
def _dialect(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (no statement here holds a literal `?` or `%`)."""
    return sql.replace("?", "%s")


class _PostgresCursor:
    def __init__(self, connection: psycopg.Connection[Any], location: str) -> None:
        self._connection = connection
        self._location = location

    def run(self, sql: str, params: Params = ()) -> int:
        with _pg_errors(self._location):
            return self._connection.execute(_dialect(sql), params).rowcount

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        with _pg_errors(self._location), self._connection.cursor() as cursor:
            cursor.executemany(_dialect(sql), rows)

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with _pg_errors(self._location):
            row: Row | None = self._connection.execute(_dialect(sql), params).fetchone()
            return row

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        with _pg_errors(self._location):
            return list(self._connection.execute(_dialect(sql), params).fetchall())

    def announce(self, seq: int) -> None:
        # NOTIFY inside the write's own transaction, not pg_notify after it:
        # PostgreSQL sends it exactly when the transaction commits, and never
        # for one rolled back, so no listener hears of a change before it can
        # read it, and a process that dies between its commit and a separate
        # NOTIFY cannot leave the others unaware; nor does it cost another
        # round trip. The payload is the change number only, never the change
        # (pg_notify refuses 8000 bytes and more): a listener reads what
        # changed from the change log, so a write of any size announces alike.
        self.one("SELECT pg_notify(?, ?)", (CHANNEL, str(seq)))


@contextmanager
def _pg_errors(location: str) -> Iterator[None]:
    try:
        yield
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as failed:
        reason = str(failed).strip().splitlines()[0] if str(failed).strip() else type(failed).__name__
        raise DatabaseUnavailable(f"{location}: the database is unavailable ({reason}); try again") from None
    except psycopg.errors.AdminShutdown as failed:  # pragma: no cover - a subclass of OperationalError
        raise DatabaseUnavailable(f"{location}: the database is restarting ({failed})") from None
    except psycopg.Error as failed:
        raise DatabaseError(f"{location}: {str(failed).strip()}") from None


class PostgresDatabase:
    dialect = POSTGRESQL

    def __init__(self, url: DatabaseUrl) -> None:
        self.location = url.shown
        self._url = url.url
        self._pool = psycopg_pool.ConnectionPool(
            url.url,
            min_size=1,
            max_size=POOL_SIZE,
            open=False,
            timeout=POOL_TIMEOUT_SECONDS,
            kwargs={"autocommit": True},
            # A connection the server dropped (a restart) is noticed before use.
            check=psycopg_pool.ConnectionPool.check_connection,
        )
        with _pg_errors(self.location):
            self._pool.open(wait=False)

    @contextmanager
    def _transaction(self, first: str | None) -> Iterator[Cursor]:
        with _pg_errors(self.location), self._pool.connection() as connection, connection.transaction():
            if first is not None:
                connection.execute(first)
            yield _PostgresCursor(connection, self.location)

    def read(self) -> Any:
        return self._transaction("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def write(self) -> Any:
        return self._transaction(None)

    def watcher(self) -> PostgresWatcher:
        return PostgresWatcher(self._url, self.location)

    def close(self) -> None:
        self._pool.close()


class PostgresWatcher:
    """`LISTEN ps_tui_changes` on a connection of its own, outside the pool:
    a connection waiting in `notifies()` can run nothing else (psycopg
    #340), and a pooled one would be taken back."""

    def __init__(self, url: str, location: str) -> None:
        self._url = url
        self._location = location
        self._connection: psycopg.Connection[Any] | None = None

    def open(self) -> None:
        self.close()
        with _pg_errors(self._location):
            connection = psycopg.connect(self._url, autocommit=True, connect_timeout=LISTEN_CONNECT_TIMEOUT)
            try:
                connection.execute(f"LISTEN {CHANNEL}")
            except BaseException:
                connection.close()
                raise
        self._connection = connection

    def wait(self, seconds: float) -> bool:
        connection = self._connection
        assert connection is not None, "opened before it waits"
        with _pg_errors(self._location):
            woke = any(True for _ in connection.notifies(timeout=seconds, stop_after=1))
            if woke:  # a burst of changes is one wake-up: drain what has come meanwhile
                for _ in connection.notifies(timeout=0.0):
                    pass
        return woke

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
