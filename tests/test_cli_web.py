"""`ps-tui web`: what it checks and says before it serves, and the command
each browser session runs. (The page in a browser: test_web_browser.py.)
Nothing here starts a server: textual-serve's `Server.serve` is replaced by
one that records what it was asked to serve."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ps_tui.cli import build_parser, main
from ps_tui.cli.web import app_command
from tests.server_process import free_port, write_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `ps-tui web` asked textual-serve to serve, once per call."""
    server = pytest.importorskip("textual_serve.server", reason="textual-serve is not installed")
    calls: list[dict[str, Any]] = []

    def serve(self: Any, debug: bool = False) -> None:
        calls.append(
            {"command": self.command, "host": self.host, "port": self.port, "public_url": self.public_url}
        )

    monkeypatch.setattr(server.Server, "serve", serve)
    return calls


def parsed(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_without_the_web_extra_it_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # as if not installed
    code, err = run(capsys, "web")
    assert code == 2
    assert err == "ps-tui web: needs the web extra: pip install 'ps-tui[web]'\n"


def test_a_taken_port_is_exit_1_saying_so(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "web", "--port", str(port))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is taken (another ps-tui web?" in err
    assert "Traceback" not in err and "Errno" not in err
    assert served == []


def test_it_serves_this_ps_tui_on_loopback_by_default(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]]
) -> None:
    port = free_port()
    code, err = run(capsys, "web", "--port", str(port), "--today", "2026-11-30")
    assert code == 0
    assert served == [
        {
            "command": shlex.join([sys.executable, "-m", "ps_tui", "--today", "2026-11-30"]),
            "host": "127.0.0.1",
            "port": port,
            "public_url": f"http://127.0.0.1:{port}",
        }
    ]
    assert "WARNING" not in err


def test_the_session_command_passes_the_global_options_through_the_shell(tmp_path: Path) -> None:
    # textual-serve runs the command with /bin/sh: every value arrives as
    # one word, as given, however it is spelled.
    hostile = {
        "--store": str(tmp_path / "team's store $(touch pwned); `id`.toml"),
        "--config": str(tmp_path / 'a "b" c\\d.toml'),
        "--today": "2026-11-30",
        "--remote": "http://host:1/?a=1&b=2|x",
    }
    argv = [word for option in hostile.items() for word in option]
    # In place of the interpreter, one that prints its arguments, a line each.
    echo = tmp_path / "a python" / "python3"
    echo.parent.mkdir()
    echo.write_text("#!/bin/sh\nprintf '%s\\n' \"$@\"\n", encoding="utf-8")
    echo.chmod(0o755)
    cases = {
        (): parsed(*argv, "web"),
        ("--no-cache",): parsed("web", *argv, "--no-cache"),
        ("--no-cache", "--no-mouse"): parsed("--no-mouse", *argv, "--no-cache", "web"),
    }
    for flags, args in cases.items():
        command = app_command(args, executable=str(echo))
        echoed = subprocess.run(
            ["sh", "-c", command], capture_output=True, text=True, check=True, cwd=tmp_path, timeout=30
        ).stdout.splitlines()
        assert echoed == ["-m", "ps_tui", *argv, *flags]
    assert not (tmp_path / "pwned").exists()


def test_the_session_command_gives_only_the_options_given() -> None:
    assert app_command(parsed("web"), executable="/opt/py/bin/python3") == "/opt/py/bin/python3 -m ps_tui"
    assert app_command(parsed("web"), executable="/opt/my py/python") == "'/opt/my py/python' -m ps_tui"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.4"])
def test_beyond_loopback_it_warns_that_there_is_no_authentication(
    capsys: pytest.CaptureFixture[str],
    served: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    host: str,
) -> None:
    import ps_tui.cli.web as cli_web

    monkeypatch.setattr(cli_web, "listen", lambda host, port, command: socket.socket())
    code, err = run(capsys, "web", "--host", host, "--port", "8000")
    assert code == 0
    assert f"ps-tui web: WARNING: listening on {host}, beyond this machine, with no authentication" in err
    assert "Put a TLS proxy with authentication in front" in err
    assert ("only this machine opens" in err) == (host == "0.0.0.0")
    assert served[0]["host"] == host


def test_behind_a_proxy_the_page_points_at_the_public_url(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]]
) -> None:
    code, _ = run(capsys, "web", "--port", str(free_port()), "--public-url", "https://ps.example.com/")
    assert code == 0
    assert served[0]["public_url"] == "https://ps.example.com"


@pytest.mark.parametrize("url", ["ps.example.com", "ftp://ps.example.com", "https://"])
def test_a_public_url_must_be_http_or_https(capsys: pytest.CaptureFixture[str], url: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["web", "--public-url", url])
    assert stopped.value.code == 2
    assert "is not an http:// or https:// address" in capsys.readouterr().err


def test_a_store_that_cannot_be_read_is_said_before_serving(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]], tmp_path: Path
) -> None:
    broken = tmp_path / "store.toml"
    broken.write_text("[[implementations]\n", encoding="utf-8")
    code, err = run(capsys, "web", "--store", str(broken), "--port", str(free_port()))
    assert code == 2
    assert str(broken) in err and "Traceback" not in err
    assert served == []


def test_a_store_file_is_given_to_every_session(
    capsys: pytest.CaptureFixture[str], served: list[dict[str, Any]], tmp_path: Path
) -> None:
    store = write_store(tmp_path / "my store.toml")
    code, _ = run(capsys, "web", "--store", str(store), "--port", str(free_port()))
    assert code == 0
    assert shlex.split(served[0]["command"])[3:] == ["--store", str(store)]


async def test_stopping_ends_the_open_sessions_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl+C with a tab open: aiohttp waits for every open connection before
    # it stops, and textual-serve's sessions only end when their tab closes
    # (or the connection drops), so the server ends them itself: each ps-tui
    # is told to quit, and its page that the session ended.
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    from aiohttp import ClientSession, WSMsgType, web

    import ps_tui.cli.web as cli_web

    started: list[asyncio.subprocess.Process] = []
    start = asyncio.create_subprocess_shell

    async def recorded(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        started.append(await start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(asyncio, "create_subprocess_shell", recorded)
    port = free_port()
    command = shlex.join([sys.executable, "-m", "ps_tui", "--today", "2026-11-30"])
    server = cli_web.web_server(command, "127.0.0.1", port, f"http://127.0.0.1:{port}")
    runner = web.AppRunner(await server._make_app(), shutdown_timeout=3600)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with ClientSession() as client:
            page = await client.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24")
            first = await asyncio.wait_for(page.receive(), 90)  # the app has drawn
            assert first.type == WSMsgType.BINARY, first
            assert len(server.sessions) == 1

            async def read_to_the_end() -> WSMsgType:
                # Reading answers the server's close, as a browser does.
                while (message := await page.receive()).type == WSMsgType.BINARY:
                    pass
                return message.type

            stopping = asyncio.gather(runner.cleanup(), read_to_the_end())
            _, last = await asyncio.wait_for(stopping, 90)
            # Closed as done (1000), not dropped when the server gave up (1006).
            assert (last, page.close_code) == (WSMsgType.CLOSE, 1000)
            assert server.sessions == set()
            [session] = started
            assert await asyncio.wait_for(session.wait(), 90) == 0  # it quit, as told
    finally:
        await runner.cleanup()
