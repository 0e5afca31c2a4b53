"""`ps-tui db upgrade|import|export URL ...`: a store in a database.

`upgrade` applies the schema's migrations; `import` moves a store file, its
history and its per-user tokens (their digests) into a new database
(upgrading it first); `export` writes the database's store, history and
tokens to new files. The driver is imported only
when the command runs (sqlite3, or psycopg for PostgreSQL)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.db.connection import Database

NAME = "db"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="keep the store in a database (for ps-tui serve --database)",
        description="Set up a database for `ps-tui serve --database URL`, and move a store between "
        "a file and a database. URL: sqlite:///relative/path.db, sqlite:////absolute/path.db, or "
        "postgresql://USER@HOST:PORT/NAME (PostgreSQL needs ps-tui[db]).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", help="apply the schema's migrations (creates the tables; safe to repeat)"
    )
    upgrade.add_argument("url", metavar="URL")
    take = actions.add_parser(
        "import",
        help="put a store file, its history and its tokens into a new database",
        description="Upgrade the database, then put STORE (.toml or .json), the history beside it "
        "(STORE.history.jsonl) and the per-user tokens beside it (STORE.tokens.json: their digests, "
        "never a token) into it. The database must hold no store yet.",
    )
    take.add_argument("url", metavar="URL")
    take.add_argument("store", metavar="STORE")
    give = actions.add_parser(
        "export",
        help="write the database's store, history and tokens to new files",
        description="Write the store to STORE (.toml or .json, which must not exist yet), its "
        "history beside it (STORE.history.jsonl) and its per-user tokens (STORE.tokens.json, "
        "owner-only: digests, never a token), as `ps-tui --store STORE` and `ps-tui serve` read them.",
    )
    give.add_argument("url", metavar="URL")
    give.add_argument("store", metavar="STORE")


def _open(url: str) -> Database:
    from ps_tui.db import BadDatabaseUrl, parse_url
    from ps_tui.db.opening import open_database

    try:
        return open_database(parse_url(url))
    except BadDatabaseUrl as bad:
        raise Failure(str(bad)) from None


def _upgrade(database: Database) -> None:
    from ps_tui.db.migrate import upgrade

    applied = upgrade(database)
    if applied:
        print(f"{database.location}: applied {', '.join(m.label for m in applied)}")
    else:
        print(f"{database.location}: the schema is up to date")


def _count(count: int, what: str) -> str:
    return f"{count:,} {what}" + ("" if count == 1 else "s")


def run(args: argparse.Namespace, settings: Settings) -> int:
    database = _open(args.url)
    try:
        if args.action == "upgrade":
            _upgrade(database)
        elif args.action == "import":
            _import(database, Path(args.store).expanduser())
        else:
            _export(database, Path(args.store).expanduser())
    finally:
        database.close()
    return EXIT_OK


def _import(database: Database, path: Path) -> None:
    from ps_tui.db.transfer import import_store
    from ps_tui.store.file import FileStore
    from ps_tui.store.tokens import FileTokens, tokens_path

    store = FileStore(path)
    data = store.read(thorough=True)
    history = store.history()
    # A tokens file others may read or change is refused here as by `serve`.
    tokens = FileTokens(tokens_path(path)).records()
    _upgrade(database)
    import_store(database, data, history.saves, tokens)
    skipped = (
        f"; {_count(len(history.unreadable), 'unreadable history line')} left out"
        if history.unreadable
        else ""
    )
    print(
        f"{database.location}: imported {_count(len(data.implementations), 'implementation')} and "
        f"{_count(len(history.saves), 'history record')}{_and_tokens(len(tokens))} from {path}{skipped}"
    )


def _and_tokens(count: int) -> str:
    return f", with {_count(count, 'token')} (their digests)," if count else ""


def _export(database: Database, path: Path) -> None:
    import msgspec

    from ps_tui.db.migrate import pending
    from ps_tui.db.transfer import export_store, export_tokens
    from ps_tui.store.atomic import atomic_write
    from ps_tui.store.file import FileStore
    from ps_tui.store.history_file import history_path
    from ps_tui.store.tokens import FileTokens, tokens_path

    records = history_path(path)
    for existing in (path, records, tokens_path(path)):
        if existing.exists():
            raise Failure(f"{existing}: exists already; export to a new file")
    if pending(database):
        raise Failure(f"{database.location}: holds no ps-tui store (run `ps-tui db upgrade` and import one)")
    data, saves = export_store(database)
    tokens = export_tokens(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    if tokens:
        FileTokens(tokens_path(path)).write_records(tokens)
    if saves:
        encoder = msgspec.json.Encoder()
        atomic_write(records, b"".join(encoder.encode(save) + b"\n" for save in saves), backup=False)
    FileStore(path, history=False).write(data)
    print(
        f"{database.location}: exported {_count(len(data.implementations), 'implementation')} and "
        f"{_count(len(saves), 'history record')}{_and_tokens(len(tokens))} to {path}"
    )
