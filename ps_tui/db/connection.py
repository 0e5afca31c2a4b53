"""Connections and transactions, the same shape for both dialects.

Every statement is written with `?` placeholders; PostgreSQL's `%s` is put
in when it is sent. A transaction is a context manager: `write()` for one
that changes data (SQLite: `BEGIN IMMEDIATE`, so it holds the write lock
from its first statement and never fails half-way on a busy database),
`read()` for a consistent snapshot of several statements. The calls block:
the server runs them in a thread.

Driver errors become `DatabaseError` (a StoreError, so the CLI and the
server report them as they report a store that cannot be read or
written); a database that cannot be reached or is busy past the timeout
is `DatabaseUnavailable`, which the server answers with 503.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from ps_tui.db import SQLITE, DatabaseUrl
from ps_tui.store.errors import StoreError

#: How long a statement waits for another writer's lock before it gives up.
BUSY_TIMEOUT_SECONDS = 10.0

Row = tuple[Any, ...]
Params = Sequence[Any]


class DatabaseError(StoreError):
    """A statement failed; `str()` says which database and why."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached, or stayed busy past the timeout: try again."""


class Cursor(Protocol):
    """What a transaction offers: statements, rows, and how many changed."""

    def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each of `rows` (fast: for an import)."""
        ...

    def one(self, sql: str, params: Params = ()) -> Row | None: ...

    def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    def announce(self, seq: int) -> None:
        """Wake the processes watching the database (`Database.watcher`)
        when this transaction commits change `seq`."""
        ...


class Watcher(Protocol):
    """One process's watch on the database for changes that others commit
    (see `Database.watcher`). Blocking; used from one thread."""

    def open(self) -> None:
        """Begin watching (again, after a failure). Raises DatabaseError."""
        ...

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds`; True when a change may have been committed
        since the last call (or `open`). Raises DatabaseError."""
        ...

    def close(self) -> None: ...


class Database(Protocol):
    dialect: str
    #: For messages: the URL without its password.
    location: str

    def read(self) -> Any:
        """A context manager: a read-only snapshot, yielding a Cursor."""
        ...

    def write(self) -> Any:
        """A context manager: one write transaction, yielding a Cursor;
        committed when the block ends, rolled back when it raises."""
        ...

    def watcher(self) -> Watcher:
        """A watch for committed changes, on a connection of its own."""
        ...

    def close(self) -> None: ...


class _SqliteCursor:
    def __init__(self, connection: sqlite3.Connection, location: str) -> None:
        self._connection = connection
        self._location = location

    def run(self, sql: str, params: Params = ()) -> int:
        with _sqlite_errors(self._location):
            return self._connection.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        with _sqlite_errors(self._location):
            self._connection.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with _sqlite_errors(self._location):
            row: Row | None = self._connection.execute(sql, params).fetchone()
            return row

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        with _sqlite_errors(self._location):
            return list(self._connection.execute(sql, params).fetchall())

    def announce(self, seq: int) -> None:
        """Nothing to send: a SQLite file's watchers look at it (`SqliteWatcher`)."""


@contextmanager
def _sqlite_errors(location: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as failed:
        text = str(failed)
        if "locked" in text or "busy" in text:
            raise DatabaseUnavailable(
                f"{location}: busy (another writer held it for {BUSY_TIMEOUT_SECONDS:g} s); try again"
            ) from None
        raise DatabaseError(f"{location}: {text}") from None
    except sqlite3.Error as failed:
        raise DatabaseError(f"{location}: {failed}") from None


class SqliteDatabase:
    """A SQLite file in WAL mode (readers never wait for the writer),
    `synchronous=FULL` (a commit is on disk when it returns, as a file
    save is), a busy timeout, one connection per thread."""

    dialect = SQLITE

    def __init__(self, url: DatabaseUrl) -> None:
        assert url.path is not None
        self.path = url.path
        self.location = url.shown
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._guard = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            with _sqlite_errors(self.location):
                if not self.path.parent.is_dir():
                    raise DatabaseError(f"{self.location}: no directory {self.path.parent}")
                connection = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
                )
                connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = FULL")
            self._local.connection = connection
            with self._guard:
                self._opened.append(connection)
        return connection

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[Cursor]:
        connection = self._connection()
        with _sqlite_errors(self.location):
            connection.execute(begin)
        try:
            yield _SqliteCursor(connection, self.location)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        with _sqlite_errors(self.location):
            connection.execute("COMMIT")

    def read(self) -> Any:
        return self._transaction("BEGIN")

    def write(self) -> Any:
        return self._transaction("BEGIN IMMEDIATE")

    def watcher(self) -> Watcher:
        return SqliteWatcher(self)

    def data_version(self) -> int:
        """`PRAGMA data_version` on this thread's connection: it changes when
        any other connection, in this process or another, commits."""
        with _sqlite_errors(self.location):
            row = self._connection().execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._guard:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()


#: Seconds between two looks at a SQLite file for changes made by another process.
SQLITE_WATCH_INTERVAL = 0.2


class SqliteWatcher:
    """A SQLite file has no notifications: look every `interval` seconds
    whether another connection committed (`PRAGMA data_version`, on the
    watching thread's own connection: no read transaction, no table read)."""

    def __init__(self, database: SqliteDatabase, interval: float = SQLITE_WATCH_INTERVAL) -> None:
        self._database = database
        self._interval = interval
        self._version: int | None = None
        self._stop = threading.Event()

    def open(self) -> None:
        self._version = self._database.data_version()

    def wait(self, seconds: float) -> bool:
        self._stop.wait(min(seconds, self._interval))
        version = self._database.data_version()
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        self._stop.set()
