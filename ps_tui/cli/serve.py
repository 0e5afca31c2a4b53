"""`ps-tui serve`: share the configured store over HTTP (see ps_tui/server).

Light at import time (the parser is built on every `ps-tui` run): FastAPI and
uvicorn are imported only when the command runs, and when they are missing it
says which extra to install."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_FAILED, EXIT_OK, Failure, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import StoreFile
    from ps_tui.store.file import FileStore

NAME = "serve"
ENV_SERVER_TOKEN = "PS_TUI_SERVER_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _port(text: str) -> int:
    if not text.isdecimal() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `serve` to the subcommands (`commands` from add_subparsers)."""
    serve = commands.add_parser(
        NAME,
        parents=[common],
        help="share the store over HTTP (needs ps-tui[server])",
        description="Serve the configured store (--store, PS_TUI_STORE or the config) over HTTP "
        "for the team's ps-tui clients. Writes need the bearer token from PS_TUI_SERVER_TOKEN or "
        "--token-file; reads are open unless --protect-reads. API docs at /docs.",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--token-file", metavar="PATH", help=f"read the bearer token from PATH (else env {ENV_SERVER_TOKEN})"
    )
    serve.add_argument("--protect-reads", action="store_true", help="reads need the token too")
    serve.add_argument(
        "--no-auth", action="store_true", help="no token at all: anyone who can connect may write"
    )


def _say(message: str) -> None:
    report(message, NAME)


def _token(args: argparse.Namespace) -> str | None:
    """The token from --token-file, else the environment; None when neither.
    Raises ValueError with the message for a file that cannot be used."""
    if args.token_file:
        path = Path(args.token_file).expanduser()
        try:
            token = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ValueError(f"--token-file {path}: cannot read ({reason})") from None
        if not token:
            raise ValueError(f"--token-file {path}: the file is empty")
        return token
    return os.environ.get(ENV_SERVER_TOKEN, "").strip() or None


def run(args: argparse.Namespace, settings: Settings) -> int:
    if any(importlib.util.find_spec(name) is None for name in ("fastapi", "uvicorn")):
        raise Failure("needs the server extra: pip install 'ps-tui[server]'")
    if settings.store is None:
        raise Failure(
            "no store to serve: give --store PATH, set PS_TUI_STORE or `store` in the config "
            "(the demo data is not served; `ps-tui init` creates a store)"
        )
    if args.no_auth and args.token_file:
        raise Failure("--no-auth and --token-file contradict each other; give one")
    try:
        token = None if args.no_auth else _token(args)
    except ValueError as error:
        raise Failure(str(error)) from None
    if token is None and not args.no_auth:
        raise Failure(
            f"no token: set {ENV_SERVER_TOKEN} or give --token-file PATH, so that only the team can "
            "write (or --no-auth to let anyone who can connect write)"
        )
    if token is None and args.protect_reads:
        raise Failure("--protect-reads needs a token, and --no-auth has none")

    from ps_tui.store.file import FileStore

    # Read here, before any event loop: see ps_tui/session.py on asyncio.run.
    # A StoreError is reported by ps_tui.cli.main.
    store = FileStore(settings.store, max_bytes=settings.max_store_mb * 2**20)
    # Every check, whatever the size: a server writes what it loaded.
    data = store.read(thorough=True)
    return _serve(args, settings, store, data, token)


def _serve(
    args: argparse.Namespace, settings: Settings, store: FileStore, data: StoreFile, token: str | None
) -> int:
    import logging

    import uvicorn

    from ps_tui.server.app import create_app

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logger = logging.getLogger("ps_tui.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    app = create_app(store, token=token, protect_reads=args.protect_reads, today=settings.today, data=data)
    if token is None:
        _say("WARNING: --no-auth: anyone who can connect can change the store")
        if os.environ.get(ENV_SERVER_TOKEN):
            _say(f"WARNING: --no-auth overrides {ENV_SERVER_TOKEN}")
    if args.host not in LOOPBACK:
        _say(
            f"note: listening on {args.host}, beyond this machine; plain HTTP, so put a TLS proxy "
            "in front before the token crosses a network"
        )
    reads = "reads need the token too" if args.protect_reads else "reads are open"
    writes = "writes need the bearer token" if token else "writes are open"
    _say(f"serving {store.location} ({len(data.implementations)} implementations); {writes}, {reads}")
    config = uvicorn.Config(
        app, host=args.host, port=args.port, access_log=False, server_header=False, log_level="info"
    )
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as stopped:  # uvicorn exits when it cannot bind
        return stopped.code if isinstance(stopped.code, int) and stopped.code else EXIT_FAILED
    return EXIT_OK if server.started else EXIT_FAILED
