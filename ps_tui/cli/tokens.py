"""`ps-tui serve token add|list|revoke`: the per-user tokens of a shared store.

Each token belongs to one member of the store's team and may be read-only;
the server records every write made with it as that member's. A new token is
printed once, alone on stdout (so `TOKEN=$(ps-tui serve token add NAME)`
keeps it); only its digest is kept (see ps_tui/store/tokens.py): beside the
store file, or with `--database URL` in that database's tokens table, where
`ps-tui serve --database URL` looks them up (ps_tui/db/tokens.py). Needs no
server extra."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure, print_json, print_table, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import StoreFile
    from ps_tui.db.connection import Database
    from ps_tui.db.tokens import DatabaseTokens
    from ps_tui.store.tokens import FileTokens

    Registry = FileTokens | DatabaseTokens

NAME = "token"
COMMAND = "serve token"


def add_parser(serve_commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `token` under `serve` (`serve_commands` from its add_subparsers)."""
    token = serve_commands.add_parser(
        NAME,
        parents=[common],
        help="per-user tokens: add, list, revoke",
        description="Per-user bearer tokens for `ps-tui serve`, kept hashed beside the store "
        "(STORE.tokens.json, owner-only), or with --database URL in the database that "
        "`ps-tui serve --database URL` serves. Each belongs to a team member, whom the history records "
        "for every write made with it. The server sees a change at its next request.",
    )
    # Each action takes --database after its own arguments, as `serve` takes
    # it before them (`ps-tui serve --database URL token list` works too).
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database",
        dest="token_database",
        metavar="URL",
        help="the tokens of the store in this database (sqlite:///PATH or postgresql://...), "
        "instead of those beside the store file",
    )
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common, database],
        help="make a token for a team member and print it (once)",
        description="Make a token for NAME (a member of the store's team) and print it once; "
        "give it to them for `token` under [remote] or PS_TUI_TOKEN.",
    )
    add.add_argument("name", metavar="NAME", help="the team member, as the store names them")
    add.add_argument("--read-only", action="store_true", help="the token may read but never write")
    listing = actions.add_parser(
        "list", parents=[common, database], help="the tokens: member, access, created (never the token)"
    )
    listing.add_argument("--json", action="store_true", help="a JSON list")
    revoke = actions.add_parser(
        "revoke",
        parents=[common, database],
        help="revoke a member's token (refused from the server's next request)",
    )
    revoke.add_argument("name", metavar="NAME", help="the team member whose token goes")


def database_url(args: argparse.Namespace) -> str | None:
    """The --database of the action, else of `serve` before it."""
    url: str | None = getattr(args, "token_database", None) or getattr(args, "database", None)
    return url


def _registry(args: argparse.Namespace, settings: Settings) -> tuple[Registry, Database | None]:
    """The tokens the command changes, and their database (None: a file)."""
    from ps_tui.store.tokens import FileTokens, tokens_path

    url = database_url(args)
    if url is not None:
        from ps_tui.db import BadDatabaseUrl, parse_url
        from ps_tui.db.migrate import pending
        from ps_tui.db.opening import open_database
        from ps_tui.db.tokens import DatabaseTokens

        try:
            database = open_database(parse_url(url))
        except BadDatabaseUrl as bad:
            raise Failure(f"--database {bad}") from None
        missing = pending(database)
        if missing:
            database.close()
            raise Failure(
                f"{database.location}: the schema lacks {', '.join(m.label for m in missing)}; "
                f"run `ps-tui db upgrade {database.location}` first"
            )
        return DatabaseTokens(database), database
    if settings.store is None:
        raise Failure(
            "no store: give --store PATH, set PS_TUI_STORE or `store` in the config "
            "(the tokens are kept beside the store `ps-tui serve` serves)"
        )
    return FileTokens(tokens_path(settings.store)), None


def run(args: argparse.Namespace, settings: Settings) -> int:
    registry, database = _registry(args, settings)
    try:
        return _run(args, settings, registry, database)
    finally:
        if database is not None:
            database.close()


def _run(args: argparse.Namespace, settings: Settings, registry: Registry, database: Database | None) -> int:
    # The commands a message suggests name the same database.
    where = "" if database is None else f" --database {database.location}"
    action: str = args.token_command
    if action == "list":
        entries = registry.entries()
        if args.json:
            print_json(entries)
            return EXIT_OK
        rows = [
            [
                entry.name,
                "read-only" if entry.read_only else "read-write",
                entry.created.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                entry.hint,
            ]
            for entry in entries
        ]
        if not rows:
            report(
                f"no tokens in {registry.location}; add one with `ps-tui serve token add NAME{where}`",
                COMMAND,
            )
            return EXIT_OK
        print_table(("Name", "Access", "Created", "Token"), rows, (False, False, False, False))
        return EXIT_OK
    if action == "revoke":
        if not registry.revoke(args.name):
            held = ", ".join(entry.name for entry in registry.entries()) or "none"
            raise Failure(f"{args.name!r} has no token in {registry.location} (tokens: {held})")
        report(f"revoked {args.name}'s token; a running server refuses it from its next request", COMMAND)
        return EXIT_OK
    team, where_kept = _team(settings, database)
    return _add(registry, team, where_kept, args.name, read_only=args.read_only)


def _team(settings: Settings, database: Database | None) -> tuple[StoreFile, str]:
    """The store whose team a token's holder must belong to, and where it is."""
    if database is None:
        from ps_tui.store.file import FileStore

        assert settings.store is not None
        return FileStore(settings.store, max_bytes=settings.max_store_mb * 2**20).read(), str(settings.store)
    from ps_tui.db import tables

    with database.read() as cursor:
        reference = tables.reference_store(cursor)
    if reference is None:
        raise Failure(
            f"{database.location}: holds no store yet, so no team to give tokens to; "
            f"put one in with `ps-tui db import {database.location} STORE`"
        )
    return reference, database.location


def _add(registry: Registry, team: StoreFile, where_kept: str, name: str, *, read_only: bool) -> int:
    from ps_tui.core.team import not_a_member

    # The team is the store's: a token names someone the history can name.
    problem = not_a_member(name, team.members)
    if problem is not None:
        raise Failure(f"{problem} A token belongs to a member of {where_kept}'s team.")
    try:
        token = registry.add(name, read_only=read_only)
    except ValueError as refused:
        raise Failure(str(refused)) from None
    print(token, flush=True)
    access = "read-only" if read_only else "read and write"
    report(
        f"a {access} token for {name}, shown only now (kept hashed in {registry.location}); "
        f"{name} sets it as `token` under [remote] in config.toml, or PS_TUI_TOKEN",
        COMMAND,
    )
    return EXIT_OK
