"""The store in a database: SQLite for one host, PostgreSQL for many.

`parse_url` reads a database URL without importing any driver, so the CLI
stays light; `connection.open_database` opens one (sqlite3, or psycopg only
for a `postgresql://` URL). The schema is numbered SQL files, one set per
dialect, in `migrations/` (see `migrate.py`); `tables.py` holds every other
statement, written once for both dialects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class BadDatabaseUrl(ValueError):
    """A database URL this program cannot use; `str()` says why."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed database URL: its dialect and where the data is."""

    dialect: str
    #: The SQLite file (None for PostgreSQL).
    path: Path | None
    #: The URL as given (with any password), for the driver.
    url: str

    @property
    def shown(self) -> str:
        """The URL for messages and logs: any password replaced by ***."""
        if self.dialect == SQLITE:
            return self.url
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{parts.username or ''}:***@{host}{port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def parse_url(url: str) -> DatabaseUrl:
    """`sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (as
    SQLAlchemy writes them), or `postgresql://user@host:port/name` (any
    libpq URL; `postgres://` too). Raises BadDatabaseUrl."""
    text = url.strip()
    if text.startswith("sqlite:"):
        rest = text.removeprefix("sqlite:")
        if not rest.startswith("///") or len(rest) == 3:
            raise BadDatabaseUrl(
                f"{url!r}: a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db"
            )
        path = rest[3:]
        if "?" in path or path == ":memory:":
            raise BadDatabaseUrl(f"{url!r}: give the path of a database file, without options")
        return DatabaseUrl(SQLITE, Path(path).expanduser(), text)
    if text.startswith(("postgresql://", "postgres://")):
        return DatabaseUrl(POSTGRESQL, None, text)
    raise BadDatabaseUrl(f"{url!r}: not a database URL (sqlite:///PATH or postgresql://...)")
