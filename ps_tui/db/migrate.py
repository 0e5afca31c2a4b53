"""Schema migrations: numbered SQL files kept in the package, one set per
dialect (`migrations/sqlite/0001_initial.sql`, `migrations/postgresql/...`),
and a `schema_migrations` table naming those applied.

`upgrade` applies, in one transaction, every file not yet applied, in
number order; running it again applies nothing. A file is a list of
statements, each ending with `;` at the end of a line. A migration whose
rows SQL cannot write exactly (a JSON record read as the program reads it)
has a step in Python, in `STEPS`, run right after its statements.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from ps_tui.db import tables
from ps_tui.db.connection import Cursor, Database, DatabaseError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


#: What runs after a migration's statements, by its number.
STEPS: dict[int, Callable[[Cursor], None]] = {
    # Each record's events as rows: times in UTC and names casefolded, as
    # the history's filters compare them.
    4: tables.index_history,
    # The number each id holds, as `portfolio.id_number` reads it.
    5: tables.number_ids,
}


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        return f"{self.number:04d}_{self.name}"

    def statements(self) -> list[str]:
        lines = [line for line in self.sql.splitlines() if not line.lstrip().startswith("--")]
        text = "\n".join(lines)
        return [part.strip() for part in re.split(r";\s*$", text, flags=re.MULTILINE) if part.strip()]


def migrations(dialect: str) -> list[Migration]:
    """Every migration of `dialect`, in number order."""
    folder = resources.files("ps_tui.db").joinpath("migrations", dialect)
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.number)
    return found


def _applied(cursor: Cursor) -> set[int]:
    return {int(row[0]) for row in cursor.all("SELECT version FROM schema_migrations")}


def upgrade(database: Database, upto: int | None = None) -> list[Migration]:
    """Apply what is missing (up to migration `upto`, else all); the
    migrations applied now (none: up to date)."""
    with database.write() as cursor:
        if database.dialect == "postgresql":
            # Two processes upgrading at once: the second waits, then finds nothing to do.
            cursor.run("SELECT pg_advisory_xact_lock(7231)")
        cursor.run(_CREATE)
        done = _applied(cursor)
        applied: list[Migration] = []
        for migration in migrations(database.dialect):
            if migration.number in done or (upto is not None and migration.number > upto):
                continue
            for statement in migration.statements():
                cursor.run(statement)
            step = STEPS.get(migration.number)
            if step is not None:
                step(cursor)
            cursor.run(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, dt.datetime.now(dt.UTC).isoformat()),
            )
            applied.append(migration)
    return applied


def pending(database: Database) -> list[Migration]:
    """The migrations not applied yet (all of them on an empty database)."""
    with database.read() as cursor:
        exists = _has_table(database, cursor)
        done = _applied(cursor) if exists else set()
    known = migrations(database.dialect)
    newer = done - {migration.number for migration in known}
    if newer:
        raise DatabaseError(
            f"{database.location}: its schema has migration {max(newer):04d}, newer than this "
            "ps-tui knows; upgrade ps-tui"
        )
    return [migration for migration in known if migration.number not in done]


def _has_table(database: Database, cursor: Cursor) -> bool:
    if database.dialect == "postgresql":
        row = cursor.one("SELECT to_regclass('schema_migrations') IS NOT NULL")
        return bool(row and row[0])
    row = cursor.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    return row is not None
