"""Open the database a URL names: sqlite3 for SQLite, psycopg (imported
only now) for PostgreSQL."""

from __future__ import annotations

from ps_tui.db import POSTGRESQL, SQLITE, DatabaseUrl
from ps_tui.db.connection import Database, SqliteDatabase


def open_database(url: DatabaseUrl) -> Database:
    """A Database for `url`; psycopg is imported only for PostgreSQL."""
    if url.dialect == SQLITE:
        assert url.path is not None
        return SqliteDatabase(url)
    assert url.dialect == POSTGRESQL
    from ps_tui.db.postgres import PostgresDatabase

    return PostgresDatabase(url)
