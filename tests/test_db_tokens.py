"""Per-user tokens kept in the database (`ps-tui serve token ... --database
URL`), on SQLite and PostgreSQL: the table holds digests, never a token;
two `ps-tui serve --database` processes record each write as the member
whose token made it, refuse a read-only token's writes (403) and refuse a
revoked token from the next request (401), whichever process the revoke
went through; `db import` and `db export` carry a tokens file's digests
both ways."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.model import Implementation
from ps_tui.db import parse_url
from ps_tui.db.opening import open_database
from ps_tui.store.tokens import FileTokens, tokens_path
from tests.forked_servers import Forks
from tests.server_process import write_store

API = "/api/v1"


def token_command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["serve", "token", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def add(capsys: pytest.CaptureFixture[str], url: str, name: str, *options: str) -> str:
    code, out, err = token_command(capsys, "add", name, *options, "--database", url)
    assert code == 0, err
    assert len(out.strip()) >= 43 and out.count("\n") == 1  # the token alone
    return out.strip()


def table(url: str) -> list[tuple[object, ...]]:
    database = open_database(parse_url(url))
    try:
        with database.read() as cursor:
            return cursor.all("SELECT * FROM tokens ORDER BY id")
    finally:
        database.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_token_commands_work_on_the_database(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    louis = add(capsys, database_url, "Louis Jarvis")
    marc = add(capsys, database_url, "Marc LeBlanc", "--read-only")
    rows = table(database_url)
    assert len(rows) == 2
    kept = " ".join(str(value) for row in rows for value in row)
    assert louis not in kept and marc not in kept and louis[4:] not in kept and louis[:-4] not in kept
    code, out, err = token_command(capsys, "list", "--database", database_url)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["Name", "Access", "Created", "Token"]
    assert "Louis Jarvis" in lines[1] and "read-write" in lines[1] and "…" + louis[-4:] in lines[1]
    assert "Marc LeBlanc" in lines[2] and "read-only" in lines[2]
    # `serve --database URL token ...` names it too, as `serve` takes its options.
    assert main(["serve", "--database", database_url, "token", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(t["name"], t["read_only"]) for t in listed] == [("Louis Jarvis", False), ("Marc LeBlanc", True)]
    code, _, err = token_command(capsys, "add", "Louis Jarvis", "--database", database_url)
    assert code == 2 and "has a token already" in err and "revoke 'Louis Jarvis' --database" in err
    code, _, err = token_command(capsys, "add", "Mallory", "--database", database_url)
    assert code == 2 and "'Mallory' is not a team member" in err
    code, _, err = token_command(capsys, "revoke", "Alex Fogg", "--database", database_url)
    assert code == 2 and "'Alex Fogg' has no token" in err and "Louis Jarvis, Marc LeBlanc" in err
    code, _, err = token_command(capsys, "revoke", "Louis Jarvis", "--database", database_url)
    assert code == 0 and "revoked Louis Jarvis's token" in err
    assert [row[1] for row in table(database_url)] == ["Marc LeBlanc"]


def test_two_servers_on_the_database_know_its_tokens_at_every_request(
    database_url: str, forks: Forks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    louis = add(capsys, database_url, "Louis Jarvis")
    reader = add(capsys, database_url, "Andrew Norrish", "--read-only")
    # No shared token: the database's tokens alone are enough to serve.
    servers = [
        forks.spawn(["--database", database_url, "--protect-reads"], home=tmp_path / name, token=None)
        for name in ("a", "b")
    ]
    try:
        with httpx.Client(timeout=10) as http:
            a, b = (server.url for server in servers)
            new = msgspec.to_builtins(Implementation(id="IMP-9400", customer="Token Co", segment="smb"))
            assert http.post(f"{a}{API}/implementations", json=new, headers=bearer(louis)).status_code == 201
            assert http.get(f"{b}{API}/me", headers=bearer(reader)).json() == {
                "member": "Andrew Norrish",
                "read_only": True,
                "recorded_as": "Andrew Norrish",
            }
            got = http.get(f"{b}{API}/implementations/IMP-9400", headers=bearer(reader))
            assert got.status_code == 200
            refused = http.put(f"{b}{API}/implementations/IMP-9400", json=got.json(), headers=bearer(reader))
            assert refused.status_code == 403 and "read-only" in refused.json()["error"]
            history = http.get(f"{b}{API}/history", headers=bearer(reader)).json()["items"]
            assert [(e["who"], e["action"]) for e in history] == [("Louis Jarvis", "create")]
            # Revoked by the command: refused by both from their next request.
            code, _, err = token_command(capsys, "revoke", "Louis Jarvis", "--database", database_url)
            assert code == 0, err
            for url in (a, b):
                gone = http.get(f"{url}{API}/me", headers=bearer(louis))
                assert gone.status_code == 401 and "revoked" in gone.json()["error"]
            # And a new one works at once, through either.
            again = add(capsys, database_url, "Louis Jarvis")
            body = {**got.json(), "notes": "by the new token"}
            put = http.put(f"{b}{API}/implementations/IMP-9400", json=body, headers=bearer(again))
            assert put.status_code == 200, put.text
            assert http.get(f"{a}{API}/me", headers=bearer(again)).json()["member"] == "Louis Jarvis"
    finally:
        for server in servers:
            server.stop()
    assert all("Traceback" not in server.log() for server in servers)


def test_import_and_export_carry_the_tokens_digests(
    tmp_path: Path, forks: Forks, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    store = write_store(tmp_path / "store.toml")
    assert main(["serve", "token", "add", "Louis Jarvis", "--store", str(store)]) == 0
    louis = capsys.readouterr().out.strip()
    assert main(["serve", "token", "add", "Alex Fogg", "--read-only", "--store", str(store)]) == 0
    capsys.readouterr()
    records = FileTokens(tokens_path(store)).records()
    for url in (f"sqlite:///{tmp_path / 'ps-tui.db'}", str(request.getfixturevalue("postgres_url"))):
        assert main(["db", "import", url, str(store)]) == 0
        assert "with 2 tokens (their digests)" in capsys.readouterr().out
        assert [(row[1], row[2]) for row in table(url)] == [(r.name, r.sha256) for r in records]
        server = forks.spawn(["--database", url], home=tmp_path / "home", token=None)
        try:
            assert (
                httpx.get(f"{server.url}{API}/me", headers=bearer(louis)).json()["member"] == "Louis Jarvis"
            )
        finally:
            server.stop()
        out = tmp_path / parse_url(url).dialect / "store.toml"
        assert main(["db", "export", url, str(out)]) == 0
        assert "with 2 tokens (their digests)" in capsys.readouterr().out
        exported = tokens_path(out)
        assert FileTokens(exported).records() == records
        assert stat.S_IMODE(exported.stat().st_mode) == 0o600
        assert louis not in exported.read_text(encoding="utf-8")
        # An export never overwrites: the tokens file neither.
        out.unlink()
        assert main(["db", "export", url, str(out)]) == 2
        assert f"{exported}: exists already" in capsys.readouterr().err


def test_a_tokens_file_others_can_read_is_not_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = write_store(tmp_path / "store.toml")
    assert main(["serve", "token", "add", "Louis Jarvis", "--store", str(store)]) == 0
    tokens_path(store).chmod(0o644)
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    assert main(["db", "import", url, str(store)]) == 2
    assert "others may read or change it" in capsys.readouterr().err
