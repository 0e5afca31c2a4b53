"""`ps-tui serve`: share the configured store over HTTP (see ps_tui/server).

Light at import time (the parser is built on every `ps-tui` run): FastAPI and
uvicorn are imported only when the command runs, and when they are missing it
says which extra to install."""

from __future__ import annotations

import argparse
import errno
import gc
import importlib.util
import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ps_tui.cli import tokens as token_command
from ps_tui.cli.diagnostics import EXIT_FAILED, EXIT_OK, Failure, report
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.core.model import StoreFile
    from ps_tui.db.tokens import DatabaseTokens
    from ps_tui.server.database import DatabaseState
    from ps_tui.store.file import FileStore
    from ps_tui.store.tokens import FileTokens

NAME = "serve"
ENV_SERVER_TOKEN = "PS_TUI_SERVER_TOKEN"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

#: What --max-connections defaults to (see ps_tui/server/connections.py).
DEFAULT_MAX_CONNECTIONS = 256
#: What --header-timeout defaults to, in seconds.
DEFAULT_HEADER_TIMEOUT = 10.0
#: What --body-timeout defaults to, in seconds.
DEFAULT_BODY_TIMEOUT = 30.0
#: uvicorn's idle keep-alive before it closes a connection, in seconds.
KEEP_ALIVE_SECONDS = 5
#: The largest request head h11 buffers before a 400 (uvicorn's default too).
MAX_HEAD_BYTES = 16 * 1024
#: The status after Ctrl-C (SIGINT), as a shell reports it.
EXIT_INTERRUPTED = 128 + 2


def _port(text: str) -> int:
    if not text.isdecimal() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def _count(text: str) -> int:
    if not text.isdecimal() or not 1 <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count from 1 to 100000")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0.1 to 3600")
    return seconds


def _count_of(count: int) -> str:
    return f"{count} implementation" + ("" if count == 1 else "s")


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `serve` to the subcommands (`commands` from add_subparsers)."""
    serve = commands.add_parser(
        NAME,
        parents=[common],
        help="share the store over HTTP (needs ps-tui[server])",
        description="Serve the configured store (--store, PS_TUI_STORE or the config) over HTTP "
        "for the team's ps-tui clients. Writes need a bearer token: the shared one from "
        "PS_TUI_SERVER_TOKEN or --token-file, or a member's own (`ps-tui serve token add NAME`); "
        "reads are open unless --protect-reads. API docs at /docs (Swagger UI, loaded "
        "by the browser from cdn.jsdelivr.net; the schema itself is /openapi.json).",
    )
    # `ps-tui serve token ...`: optional, so `ps-tui serve` alone serves.
    token_command.add_parser(serve.add_subparsers(dest="serve_command", metavar="token"), common)
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--token-file", metavar="PATH", help=f"read the bearer token from PATH (else env {ENV_SERVER_TOKEN})"
    )
    serve.add_argument(
        "--database",
        metavar="URL",
        help="serve the store in this database instead of a store file: sqlite:///PATH or "
        "postgresql://... (put one in with `ps-tui db upgrade URL` and `ps-tui db import URL STORE`)",
    )
    serve.add_argument("--protect-reads", action="store_true", help="reads need the token too")
    serve.add_argument(
        "--no-auth", action="store_true", help="no token at all: anyone who can connect may write"
    )
    serve.add_argument(
        "--require-if-match",
        action="store_true",
        help="refuse (428) an update or delete that does not send the ETag it changes (If-Match)",
    )
    serve.add_argument(
        "--max-connections",
        type=_count,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help=f"open connections at most; beyond, the one waiting longest for its request is "
        f"closed (default {DEFAULT_MAX_CONNECTIONS})",
    )
    serve.add_argument(
        "--header-timeout",
        type=_seconds,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection that sends no complete request within SECONDS "
        f"(default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=_seconds,
        default=DEFAULT_BODY_TIMEOUT,
        metavar="SECONDS",
        help=f"refuse a request whose body takes longer than SECONDS with 408 "
        f"(default {DEFAULT_BODY_TIMEOUT:g})",
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
    if getattr(args, "serve_command", None) == token_command.NAME:
        return token_command.run(args, settings)
    if any(importlib.util.find_spec(name) is None for name in ("fastapi", "uvicorn")):
        raise Failure("needs the server extra: pip install 'ps-tui[server]'")
    if settings.store is None and not args.database:
        raise Failure(
            "no store to serve: give --store PATH, set PS_TUI_STORE or `store` in the config "
            "(the demo data is not served; `ps-tui init` creates a store)"
        )
    if args.no_auth and args.token_file:
        raise Failure("--no-auth and --token-file contradict each other; give one")
    from ps_tui.store.tokens import NO_TOKEN_WHO, SHARED_TOKEN_WHO

    try:
        token = None if args.no_auth else _token(args)
    except ValueError as error:
        raise Failure(str(error)) from None
    # The per-user tokens: in the database with --database, else in the
    # file beside the store file.
    state = None
    tokens: FileTokens | DatabaseTokens | None
    if args.database:
        state = _database_state(args.database, NO_TOKEN_WHO if args.no_auth else SHARED_TOKEN_WHO)
        tokens = _database_tokens(args, state, settings.store)
    else:
        assert settings.store is not None
        tokens = _tokens(args, settings.store)
    if token is None and not args.no_auth and not (tokens is not None and tokens.exists()):
        raise Failure(
            f"no token: set {ENV_SERVER_TOKEN} or give --token-file PATH, or give each member a token "
            f"of their own (`ps-tui serve token add NAME{' --database URL' if args.database else ''}`), "
            "so that only the team can "
            "write (or --no-auth to let anyone who can connect write)"
        )
    if args.no_auth and args.protect_reads:
        raise Failure("--protect-reads needs a token, and --no-auth has none")

    from ps_tui.store.file import FileStore

    # Read here, before any event loop: see ps_tui/session.py on asyncio.run.
    # A StoreError is reported by ps_tui.cli.main.
    # Each write is recorded as its token's holder (the server passes it per
    # request); this is the store's own name, for the shared token or none.
    who = NO_TOKEN_WHO if args.no_auth else SHARED_TOKEN_WHO
    if state is not None:
        return _serve(args, settings, state, state.current(), token, tokens)
    assert settings.store is not None
    store = FileStore(settings.store, max_bytes=settings.max_store_mb * 2**20, who=who)
    # Every check, whatever the size: a server writes what it loaded.
    data = store.read(thorough=True)
    return _serve(args, settings, store, data, token, tokens)


def _tokens(args: argparse.Namespace, store: Path) -> FileTokens | None:
    """The per-user tokens beside `store`, checked now (None with --no-auth).
    Watched even when there is no file yet, so that a first `token add`
    beside a shared token counts without a restart."""
    from ps_tui.store.tokens import FileTokens, tokens_path

    tokens = FileTokens(tokens_path(store))
    if args.no_auth:
        if tokens.exists():
            raise Failure(
                f"--no-auth and the per-user tokens in {tokens.location} contradict each other; "
                "give one (remove that file, or serve without --no-auth)"
            )
        return None
    tokens.check()  # a TokensUnusable is reported by ps_tui.cli.main
    return tokens


def _database_tokens(
    args: argparse.Namespace, state: DatabaseState, store: Path | None
) -> DatabaseTokens | None:
    """The per-user tokens in the served database (None with --no-auth)."""
    from ps_tui.db.tokens import DatabaseTokens
    from ps_tui.store.tokens import FileTokens, tokens_path

    tokens = DatabaseTokens(state.database)
    if args.no_auth:
        if tokens.exists():
            raise Failure(
                f"--no-auth and the per-user tokens in {tokens.location} contradict each other; "
                f"give one (revoke them with `ps-tui serve token revoke NAME --database {state.location}`, "
                "or serve without --no-auth)"
            )
        return None
    if store is not None and FileTokens(tokens_path(store)).exists():
        _say(
            f"note: the tokens in {tokens_path(store)} are not read with --database: the database's "
            f"are (`ps-tui serve token list --database {state.location}`)"
        )
    return tokens


def _database_state(url: str, who: str) -> DatabaseState:
    """The database at `url`, its schema current and its store read (the
    driver is imported only now)."""
    from ps_tui.db import BadDatabaseUrl, parse_url
    from ps_tui.db.migrate import pending
    from ps_tui.db.opening import open_database
    from ps_tui.server.database import DatabaseState

    try:
        parsed = parse_url(url)
    except BadDatabaseUrl as bad:
        raise Failure(f"--database {bad}") from None
    database = open_database(parsed)
    missing = pending(database)
    if missing:
        database.close()
        raise Failure(
            f"{database.location}: the schema lacks {', '.join(m.label for m in missing)}; "
            f"run `ps-tui db upgrade {parsed.shown}` first"
        )
    state = DatabaseState(database=database, who=who)
    state.refresh()
    return state


def listen(host: str, port: int, command: str = NAME) -> socket.socket:
    """A socket bound to host:port and listening, or a Failure that says why
    (exit 1: the request was fine, the machine refused it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as problem:
        raise Failure(f"cannot listen on {host}: {problem.strerror}", EXIT_FAILED) from None
    family, kind, protocol, _, address = infos[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError as problem:
        listener.close()
        raise cannot_listen(host, port, problem, command) from None
    return listener


def cannot_listen(host: str, port: int, problem: OSError, command: str = NAME) -> Failure:
    """The Failure for a socket that `command` could not bind."""
    reason = problem.strerror or str(problem)
    if problem.errno == errno.EADDRINUSE:
        reason = f"the port is taken (another ps-tui {command}? choose one with --port)"
    return Failure(f"cannot listen on {host}:{port}: {reason}", EXIT_FAILED)


def _serve(
    args: argparse.Namespace,
    settings: Settings,
    store: FileStore | DatabaseState,
    data: StoreFile,
    token: str | None,
    tokens: FileTokens | DatabaseTokens | None,
) -> int:
    import logging

    import uvicorn

    from ps_tui.server.app import create_app
    from ps_tui.server.connections import Server, connection_cap, guarded_protocol, raise_file_limit

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logger = logging.getLogger("ps_tui.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    listener = listen(args.host, args.port)
    host, port = listener.getsockname()[:2]
    limit = connection_cap(args.max_connections, raise_file_limit())
    if limit < args.max_connections:
        _say(f"note: at most {limit} connections, as the limit on open files allows (ulimit -n)")
    from ps_tui.store.file import FileStore

    bus = None
    if not isinstance(store, FileStore):
        # Other processes may write the database too: the bus hears them.
        from ps_tui.server.database_events import DatabaseBus

        database = store
        bus = DatabaseBus(database.database, lambda: database.seq)
    app = create_app(
        store if isinstance(store, FileStore) else None,
        backend=None if isinstance(store, FileStore) else store,
        bus=bus,
        token=token,
        tokens=tokens,
        protect_reads=args.protect_reads,
        require_if_match=args.require_if_match,
        body_timeout=args.body_timeout,
        today=settings.today,
        data=data,
    )
    if args.no_auth:
        _say("WARNING: --no-auth: anyone who can connect can change the store")
        if os.environ.get(ENV_SERVER_TOKEN):
            _say(f"WARNING: --no-auth overrides {ENV_SERVER_TOKEN}")
    if not is_loopback(args.host):
        _say(
            f"note: listening on {args.host}, beyond this machine; plain HTTP, so put a TLS proxy "
            "in front before the token crosses a network"
        )
    reads = "reads need the token too" if args.protect_reads else "reads are open"
    writes = "writes are open"
    if tokens is not None and tokens.exists():
        shared = " or the shared one" if token else ""
        writes = f"writes need a member's token ({tokens.location}){shared}"
    elif token:
        writes = "writes need the bearer token"
    shown = f"[{host}]" if ":" in host else host
    _say(
        f"serving {store.location} ({_count_of(len(data.implementations))}) at "
        f"http://{shown}:{port}; {writes}, {reads}"
    )
    config = uvicorn.Config(
        app,
        access_log=False,
        server_header=False,
        log_level="info",
        http=guarded_protocol(limit, args.header_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )
    server = Server(config, app.state.ps_tui_events.close)
    # A big store is hundreds of thousands of long-lived objects: keep the
    # cyclic GC from walking them all again (a pause of a quarter of a
    # second at 100,000 implementations) while requests wait.
    gc.freeze()
    try:
        server.run(sockets=[listener])
    except SystemExit as stopped:  # uvicorn exits when its start fails
        return stopped.code if isinstance(stopped.code, int) and stopped.code else EXIT_FAILED
    except KeyboardInterrupt:
        # Ctrl-C: uvicorn has shut down cleanly, then raises the signal again.
        return EXIT_INTERRUPTED
    finally:
        listener.close()
    return EXIT_OK if server.started else EXIT_FAILED
