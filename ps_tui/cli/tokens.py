"""`ps-tui serve token add|list|revoke`: the per-user tokens of a shared store.

Each token belongs to one member of the store's team and may be read-only;
the server records every write made with it as that member's. A new token is
printed once, alone on stdout (so `TOKEN=$(ps-tui serve token add NAME)`
keeps it); only its digest is kept (see ps_tui/store/tokens.py). Needs no
server extra."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure, print_json, print_table, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.store.tokens import FileTokens

NAME = "token"
COMMAND = "serve token"


def add_parser(serve_commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `token` under `serve` (`serve_commands` from its add_subparsers)."""
    token = serve_commands.add_parser(
        NAME,
        parents=[common],
        help="per-user tokens: add, list, revoke",
        description="Per-user bearer tokens for `ps-tui serve`, kept hashed beside the store "
        "(STORE.tokens.json, owner-only). Each belongs to a team member, whom the history records "
        "for every write made with it. The server sees a change at its next request.",
    )
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common],
        help="make a token for a team member and print it (once)",
        description="Make a token for NAME (a member of the store's team) and print it once; "
        "give it to them for `token` under [remote] or PS_TUI_TOKEN.",
    )
    add.add_argument("name", metavar="NAME", help="the team member, as the store names them")
    add.add_argument("--read-only", action="store_true", help="the token may read but never write")
    listing = actions.add_parser(
        "list", parents=[common], help="the tokens: member, access, created (never the token)"
    )
    listing.add_argument("--json", action="store_true", help="a JSON list")
    revoke = actions.add_parser(
        "revoke",
        parents=[common],
        help="revoke a member's token (refused from the server's next request)",
    )
    revoke.add_argument("name", metavar="NAME", help="the team member whose token goes")


def _registry(settings: Settings) -> FileTokens:
    from ps_tui.store.tokens import FileTokens, tokens_path

    if settings.store is None:
        raise Failure(
            "no store: give --store PATH, set PS_TUI_STORE or `store` in the config "
            "(the tokens are kept beside the store `ps-tui serve` serves)"
        )
    return FileTokens(tokens_path(settings.store))


def run(args: argparse.Namespace, settings: Settings) -> int:
    registry = _registry(settings)
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
            report(f"no tokens in {registry.location}; add one with `ps-tui serve token add NAME`", COMMAND)
            return EXIT_OK
        print_table(("Name", "Access", "Created", "Token"), rows, (False, False, False, False))
        return EXIT_OK
    if action == "revoke":
        if not registry.revoke(args.name):
            held = ", ".join(entry.name for entry in registry.entries()) or "none"
            raise Failure(f"{args.name!r} has no token in {registry.location} (tokens: {held})")
        report(f"revoked {args.name}'s token; a running server refuses it from its next request", COMMAND)
        return EXIT_OK
    return _add(registry, settings, args.name, read_only=args.read_only)


def _add(registry: FileTokens, settings: Settings, name: str, *, read_only: bool) -> int:
    from ps_tui.core.team import not_a_member
    from ps_tui.store.file import FileStore

    assert settings.store is not None
    # The team is the store's: a token names someone the history can name.
    data = FileStore(settings.store, max_bytes=settings.max_store_mb * 2**20).read()
    problem = not_a_member(name, data.members)
    if problem is not None:
        raise Failure(f"{problem} A token belongs to a member of {settings.store}'s team.")
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
