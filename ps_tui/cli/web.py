"""`ps-tui web`: the TUI in a browser, served by textual-serve.

Each browser session starts this same ps-tui, with the same interpreter and
the global options given here, under Textual's web driver; the page is
xterm.js talking to it over a websocket. Light at import time (the parser is
built on every `ps-tui` run): textual-serve and aiohttp are imported only when
the command runs, and when they are missing it says which extra to install."""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys
from typing import TYPE_CHECKING, Any

from ps_tui.cli.diagnostics import EXIT_OK, Failure, report
from ps_tui.cli.serve import cannot_listen, is_loopback, listen
from ps_tui.config import Settings

if TYPE_CHECKING:
    from textual_serve.server import Server

NAME = "web"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: The global options a browser session's ps-tui is given as they were given
#: here (the environment and the config file it inherits as they are), and
#: the global flags (--no-cache, --no-mouse) after them.
PASSED_ON = ("store", "config", "today", "remote")
#: Hosts that bind every address, and so are no address a browser can open.
WILDCARDS = ("0.0.0.0", "::", "")


def _port(text: str) -> int:
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _public_url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text.split("://", 1)[1].strip("/")) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// address")
    return text.rstrip("/")


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `web` to the subcommands (`commands` from add_subparsers)."""
    web = commands.add_parser(
        NAME,
        parents=[common],
        help="serve the TUI in a browser (needs ps-tui[web])",
        description="Serve the TUI to web browsers (textual-serve): each browser tab runs its own "
        "ps-tui on this machine, with the store, config, today and remote given here. There is no "
        "authentication: keep the default host, or put a TLS proxy with authentication in front.",
    )
    web.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    web.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    web.add_argument(
        "--public-url",
        type=_public_url,
        metavar="URL",
        help="the address browsers open, when it is not http://HOST:PORT (behind a proxy: its "
        "https:// address, so that the page's websocket goes through it too)",
    )


def app_command(args: argparse.Namespace, executable: str = sys.executable) -> str:
    """The shell command that starts ps-tui for one browser session: this
    interpreter, and the global options given to `ps-tui web`, each quoted."""
    words = [executable, "-m", "ps_tui"]
    for name in PASSED_ON:
        value = getattr(args, name, None)
        if value is not None:
            words += [f"--{name}", value]
    for flag in ("no_cache", "no_mouse"):
        if getattr(args, flag, False):
            words.append("--" + flag.replace("_", "-"))
    return shlex.join(words)


def _say(message: str) -> None:
    report(message, NAME)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if importlib.util.find_spec("textual_serve") is None:
        raise Failure("needs the web extra: pip install 'ps-tui[web]'")
    if settings.store is not None and not settings.remote_url:
        from ps_tui.session import load_store, open_store

        # A store that cannot be read is said here, once, rather than as a
        # blank page in every browser (a StoreError is reported by main).
        load_store(open_store(settings))

    host: str = args.host.strip("[]")  # an IPv6 address as written in a URL, too
    # Bound once here for the messages `serve` gives (a taken port, an unknown
    # host); aiohttp binds again at once, and says the same if it lost a race.
    listen(host, args.port, NAME).close()
    shown = f"[{host}]" if ":" in host else host
    public_url: str = args.public_url or f"http://{shown}:{args.port}"
    if not is_loopback(host):
        _say(
            f"WARNING: listening on {host}, beyond this machine, with no authentication: anyone who "
            "can connect uses the TUI, and can change the store. Put a TLS proxy with authentication "
            "in front, and give its address with --public-url."
        )
        if args.public_url is None and host in WILDCARDS:
            _say(
                f"note: the page sends browsers to {public_url}, which only this machine opens: "
                "give the address they use with --public-url"
            )
    try:
        web_server(app_command(args), host, args.port, public_url).serve()
    except OSError as problem:
        raise cannot_listen(host, args.port, problem, NAME) from None
    return EXIT_OK


def web_server(command: str, host: str, port: int, public_url: str) -> Server:
    """textual-serve's Server, running `command` for each browser session,
    saying it is serving as `serve` does, and ending its sessions when it
    stops."""
    import asyncio
    import logging

    from aiohttp import web
    from textual_serve.server import Server

    class WebServer(Server):
        sessions: set[asyncio.Task[object]]

        def initialize_logging(self) -> None:
            # Plain lines on stderr, as `serve` logs; no line per request.
            logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s", stream=sys.stderr)
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            # In place of textual-serve's banner: one line, as `serve` says it.
            _say(f"serving the TUI at {public_url}; each browser tab runs {command}")

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            session = asyncio.current_task()
            assert session is not None
            self.sessions.add(session)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(session)

        async def on_shutdown(self, app: web.Application) -> None:
            # Ctrl+C: each session's ps-tui is told to quit and its page says
            # so, now, rather than when its tab closes (aiohttp waits up to a
            # minute for every open connection before it stops).
            for session in list(self.sessions):
                session.cancel()

    server = WebServer(command, host=host, port=port, title="ps-tui", public_url=public_url)
    server.sessions = set()
    return server
