"""`ps-tui serve` refusals: everything it checks before it starts a server.
(The running server is tested in test_server.py.) These tests need neither
FastAPI nor uvicorn."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import ps_tui.cli.serve as cli_serve
from ps_tui.cli import main
from tests.server_process import write_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.toml")


def test_needs_a_store(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PS_TUI_SERVER_TOKEN", "t")
    code, err = run(capsys, "serve")
    assert code == 2
    assert "no store to serve" in err and "demo data is not served" in err


def test_needs_a_token(capsys: pytest.CaptureFixture[str], store: Path) -> None:
    code, err = run(capsys, "serve", "--store", str(store))
    assert code == 2
    assert "no token: set PS_TUI_SERVER_TOKEN or give --token-file PATH" in err
    assert "--no-auth" in err


def test_token_file_problems(capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.token"
    empty.write_text("  \n")
    code, err = run(capsys, "serve", "--store", str(store), "--token-file", str(empty))
    assert code == 2 and "the file is empty" in err
    code, err = run(capsys, "serve", "--store", str(store), "--token-file", str(tmp_path / "missing"))
    assert code == 2 and "cannot read" in err


def test_contradictions(capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path) -> None:
    token = tmp_path / "t.token"
    token.write_text("secret\n")
    code, err = run(capsys, "serve", "--store", str(store), "--no-auth", "--token-file", str(token))
    assert code == 2 and "contradict" in err
    code, err = run(capsys, "serve", "--store", str(store), "--no-auth", "--protect-reads")
    assert code == 2 and "--protect-reads needs a token" in err


def test_without_the_extra(
    capsys: pytest.CaptureFixture[str], store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cli_serve.importlib.util.find_spec
    monkeypatch.setattr(
        cli_serve.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "fastapi" else real(name, *args),
    )
    code, err = run(capsys, "serve", "--store", str(store), "--no-auth")
    assert code == 2
    assert "pip install 'ps-tui[server]'" in err


def test_a_broken_store_is_refused_before_starting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fastapi")
    broken = tmp_path / "broken.toml"
    broken.write_text('schema_version = 1\nbogus = "x"\n')
    monkeypatch.setenv("PS_TUI_SERVER_TOKEN", "t")
    code, err = run(capsys, "serve", "--store", str(broken))
    assert code == 2
    assert "bogus: unknown field" in err


def test_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--port", "70000"])
    assert caught.value.code == 2
    assert "not a port number" in capsys.readouterr().err


def test_the_cli_never_imports_the_server_stack() -> None:
    code = (
        "import json, sys; import ps_tui.cli as c; c.build_parser(); "
        "heavy = ('fastapi', 'uvicorn', 'starlette', 'textual_serve', 'aiohttp'); "
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_taken_port_is_exit_1_saying_so(
    capsys: pytest.CaptureFixture[str], store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("uvicorn")
    monkeypatch.setenv("PS_TUI_SERVER_TOKEN", "t")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "serve", "--store", str(store), "--port", str(port))
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is taken" in err
    assert "Traceback" not in err and "Errno" not in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("127.255.0.9", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("::", False),
        ("team-host", False),
    ],
)
def test_all_of_127_slash_8_is_this_machine(host: str, loopback: bool) -> None:
    assert cli_serve.is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--max-connections", "0"),
        ("--max-connections", "x"),
        ("--header-timeout", "0"),
        ("--body-timeout", "nan"),
    ],
)
def test_limits_are_checked_as_flags(capsys: pytest.CaptureFixture[str], flag: str, value: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", flag, value])
    assert caught.value.code == 2
    assert "is not a" in capsys.readouterr().err


def test_the_loaded_store_is_frozen_out_of_the_gc_before_serving(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a server at 100,000 implementations paused for: a full
    collection walking the whole loaded store while requests waited."""
    pytest.importorskip("uvicorn")
    import gc

    from ps_tui.server import connections

    monkeypatch.setenv("PS_TUI_SERVER_TOKEN", "t")
    frozen: list[int] = []

    def run(self: connections.Server, sockets: object = None) -> None:
        frozen.append(gc.get_freeze_count())
        self.started = True

    monkeypatch.setattr(connections.Server, "run", run)
    gc.unfreeze()
    try:
        assert main(["serve", "--store", str(store), "--port", "0"]) == 0
    finally:
        gc.unfreeze()
    assert frozen and frozen[0] > 0
