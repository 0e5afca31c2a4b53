"""Per-user tokens: `ps-tui serve token add|list|revoke`, and a real
`ps-tui serve` that records each write as the member whose token made it,
refuses a read-only token's writes (403) and a revoked token (401) without a
restart, and with `--require-if-match` refuses a write without If-Match (428)
while the real client keeps working."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.data import default_store
from ps_tui.store.http import RemoteStore
from ps_tui.store.tokens import FileTokens, tokens_path
from tests.server_process import TODAY, isolated_env, start_server, write_store

API = "/api/v1"
SHARED = "shared-token-0123456789"


def ps_tui(home: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = isolated_env(home, None)
    if token is not None:
        env["PS_TUI_TOKEN"] = token
    command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def add_token(home: Path, store: Path, name: str, *options: str) -> str:
    """`ps-tui serve token add NAME`: the token it prints, alone on stdout."""
    added = ps_tui(home, "serve", "token", "add", name, *options, "--store", str(store))
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert len(token) >= 43 and "\n" not in token  # 32 random bytes, URL-safe base64
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.toml")


# --- the command -------------------------------------------------------------------------


def test_the_tokens_file_keeps_no_token_in_clear(tmp_path: Path, store: Path) -> None:
    home = tmp_path / "home"
    louis = add_token(home, store, "Louis Jarvis")
    marc = add_token(home, store, "Marc LeBlanc", "--read-only")
    path = tokens_path(store)
    assert path == tmp_path / "store.tokens.json"
    content = path.read_text(encoding="utf-8")
    assert louis not in content and marc not in content
    assert louis[:-4] not in content and louis[4:] not in content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = ps_tui(home, "serve", "token", "list", "--store", str(store))
    assert listed.returncode == 0, listed.stderr
    assert louis not in listed.stdout and marc not in listed.stdout
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["Name", "Access", "Created", "Token"]
    assert "Louis Jarvis" in lines[1] and "read-write" in lines[1] and "…" + louis[-4:] in lines[1]
    assert "Marc LeBlanc" in lines[2] and "read-only" in lines[2]
    as_json = ps_tui(home, "serve", "token", "list", "--json", "--store", str(store))
    assert [(t["name"], t["read_only"]) for t in json.loads(as_json.stdout)] == [
        ("Louis Jarvis", False),
        ("Marc LeBlanc", True),
    ]
    again = ps_tui(home, "serve", "token", "add", "Louis Jarvis", "--store", str(store))
    assert again.returncode == 2 and "has a token already" in again.stderr
    assert "revoke 'Louis Jarvis'" in again.stderr


def test_a_token_is_only_for_a_member_of_the_team(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "token", "add", "Mallory", "--store", str(store)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "'Mallory' is not a team member" in captured.err
    assert "Known: Andrew Norrish, Louis Jarvis, Marc LeBlanc, Alex Fogg" in captured.err
    code = main(["serve", "token", "add", "louis jarvis", "--store", str(store)])
    assert code == 2 and "did you mean 'Louis Jarvis'?" in capsys.readouterr().err
    assert not tokens_path(store).exists()
    code = main(["serve", "token", "revoke", "Louis Jarvis", "--store", str(store)])
    assert code == 2 and "'Louis Jarvis' has no token" in capsys.readouterr().err


def test_a_tokens_file_others_can_read_is_not_trusted(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("uvicorn")
    assert main(["serve", "token", "add", "Alex Fogg", "--store", str(store)]) == 0
    capsys.readouterr()
    path = tokens_path(store)
    os.chmod(path, 0o644)
    code = main(["serve", "--store", str(store)])
    err = capsys.readouterr().err
    assert code == 2 and "others may read or change it (mode 0644)" in err and "chmod 600" in err
    code = main(["serve", "--store", str(store), "--no-auth"])
    assert code == 2 and "contradict" in capsys.readouterr().err


def test_the_file_is_read_again_whenever_its_bytes_change(tmp_path: Path) -> None:
    from ps_tui.store.tokens import Holder, TokensUnusable

    tokens = FileTokens(tmp_path / "store.tokens.json")
    assert tokens.check() == 0 and asyncio.run(tokens.identify("anything")) is None
    first = tokens.add("Alex Fogg")
    assert asyncio.run(tokens.identify(first)) == Holder("Alex Fogg", read_only=False)
    # Revoked and added again at once: same size, perhaps the same inode and
    # mtime; the content tells them apart.
    assert tokens.revoke("Alex Fogg")
    second = tokens.add("Alex Fogg", read_only=True)
    assert asyncio.run(tokens.identify(first)) is None
    assert asyncio.run(tokens.identify(second)) == Holder("Alex Fogg", read_only=True)
    good = tokens.path.read_bytes()
    os.chmod(tokens.path, 0o640)
    with pytest.raises(TokensUnusable, match="others may read or change it"):
        asyncio.run(tokens.identify(second))
    os.chmod(tokens.path, 0o600)
    tokens.path.write_bytes(b"{not json")
    # A file that no longer reads trusts no token, not the last good ones.
    with pytest.raises(TokensUnusable, match="not a ps-tui tokens file"):
        asyncio.run(tokens.identify(second))
    tokens.path.write_bytes(good)
    assert asyncio.run(tokens.identify(second)) == Holder("Alex Fogg", read_only=True)
    tokens.path.unlink()
    assert asyncio.run(tokens.identify(second)) is None


# --- through a real server ----------------------------------------------------------------


def test_each_write_is_recorded_as_the_member_whose_token_made_it(tmp_path: Path, store: Path) -> None:
    home = tmp_path / "home"
    louis = add_token(home, store, "Louis Jarvis")
    marc = add_token(home, store, "Marc LeBlanc")
    first = default_store(TODAY).implementations[0]
    # No shared token: the per-user tokens alone are enough to serve.
    with start_server(store, token=None) as server:
        created = ps_tui(
            home,
            "--remote",
            server.url,
            "new",
            "--customer",
            "Hooli",
            "--developers",
            "300",
            "--json",
            token=louis,
        )
        assert created.returncode == 0, created.stderr
        new_id = json.loads(created.stdout)["id"]
        noted = ps_tui(home, "--remote", server.url, "edit", new_id, "--notes", "Kickoff moved", token=marc)
        assert noted.returncode == 0, noted.stderr
        with httpx.Client(base_url=server.url, timeout=10) as client:
            edited = msgspec.to_builtins(msgspec.structs.replace(first, notes="Weekly call"))
            put = client.put(f"{API}/implementations/{first.id}", json=edited, headers=bearer(marc))
            assert put.status_code == 200, put.text
            me = client.get(f"{API}/me", headers=bearer(louis)).json()
            page = client.get(f"{API}/history").json()
        remote = ps_tui(home, "--remote", server.url, "history", "--json", token=louis)
    assert me == {"member": "Louis Jarvis", "read_only": False, "recorded_as": "Louis Jarvis"}
    recorded = [(e["action"], e["implementation"], e["who"]) for e in page["items"]]
    assert recorded == [
        ("edit", first.id, "Marc LeBlanc"),
        ("edit", new_id, "Marc LeBlanc"),
        ("create", new_id, "Louis Jarvis"),
    ]
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout) == page["items"]
    # The file's own history says the same: the server wrote it.
    local = ps_tui(home, "--store", str(store), "history", "--json")
    assert json.loads(local.stdout) == page["items"]


def test_a_read_only_token_reads_but_never_writes(tmp_path: Path, store: Path) -> None:
    home = tmp_path / "home"
    reader = add_token(home, store, "Andrew Norrish", "--read-only")
    first = default_store(TODAY).implementations[0]
    with start_server(store, token=None, extra_args=["--protect-reads"]) as server:
        with httpx.Client(base_url=server.url, headers=bearer(reader), timeout=10) as client:
            assert client.get(f"{API}/implementations/{first.id}").status_code == 200
            assert client.get(f"{API}/kpi").status_code == 200
            assert client.get(f"{API}/me").json() == {
                "member": "Andrew Norrish",
                "read_only": True,
                "recorded_as": "Andrew Norrish",
            }
            body = msgspec.to_builtins(msgspec.structs.replace(first, notes="x"))
            refusals = [
                client.put(f"{API}/implementations/{first.id}", json=body),
                client.delete(f"{API}/implementations/{first.id}"),
                client.post(f"{API}/implementations", json={"customer": "Hooli"}),
                client.put(f"{API}/reference", json=client.get(f"{API}/reference").json()),
            ]
            assert client.get(f"{API}/kpi", headers=bearer("wrong")).status_code == 401
        listed = ps_tui(home, "--remote", server.url, "list", "--format", "json", token=reader)
        edit = ps_tui(home, "--remote", server.url, "edit", first.id, "--notes", "x", token=reader)
    for refused in refusals:
        assert refused.status_code == 403, refused.text
        assert "this token of Andrew Norrish's is read-only" in refused.json()["error"]
    assert listed.returncode == 0, listed.stderr
    assert edit.returncode != 0 and "read-only" in edit.stderr
    assert ps_tui(home, "--store", str(store), "history", "--json").stdout.strip() == "[]"


def test_a_token_revoked_or_added_counts_without_a_restart(tmp_path: Path, store: Path) -> None:
    home = tmp_path / "home"
    louis = add_token(home, store, "Louis Jarvis")
    first = default_store(TODAY).implementations[0]
    with start_server(store, token=SHARED) as server, httpx.Client(base_url=server.url, timeout=10) as client:

        def note(token: str, text: str) -> httpx.Response:
            body = msgspec.to_builtins(msgspec.structs.replace(first, notes=text))
            return client.put(f"{API}/implementations/{first.id}", json=body, headers=bearer(token))

        assert note(louis, "one").status_code == 200
        revoked = ps_tui(home, "serve", "token", "revoke", "Louis Jarvis", "--store", str(store))
        assert revoked.returncode == 0, revoked.stderr
        refused = note(louis, "two")
        assert refused.status_code == 401 and "revoked" in refused.json()["error"]
        assert client.get(f"{API}/me", headers=bearer(louis)).status_code == 401
        # A new one, while it runs; and the shared token beside it still works.
        again = add_token(home, store, "Louis Jarvis")
        assert note(again, "three").status_code == 200
        assert note(SHARED, "four").status_code == 200
        assert client.get(f"{API}/me", headers=bearer(SHARED)).json() == {
            "member": None,
            "read_only": False,
            "recorded_as": "ps-tui serve (shared token)",
        }
        page = client.get(f"{API}/history").json()
        # A tokens file others could have changed is trusted no more: 503, saying why.
        os.chmod(tokens_path(store), 0o644)
        unusable = note(again, "five")
        assert unusable.status_code == 503 and "chmod 600" in unusable.json()["error"]
        assert note(SHARED, "five").status_code == 200  # the shared token needs no file
        os.chmod(tokens_path(store), 0o600)
        assert client.get(f"{API}/me", headers=bearer(again)).status_code == 200
    assert [(e["changes"][0]["after"], e["who"]) for e in page["items"]] == [
        ("four", "ps-tui serve (shared token)"),
        ("three", "Louis Jarvis"),
        ("one", "Louis Jarvis"),
    ]


def test_require_if_match_refuses_a_blind_write_and_the_client_still_works(
    tmp_path: Path, store: Path
) -> None:
    home = tmp_path / "home"
    louis = add_token(home, store, "Louis Jarvis")
    first = default_store(TODAY).implementations[0]
    with start_server(store, token=None, extra_args=["--require-if-match"]) as server:
        with httpx.Client(base_url=server.url, headers=bearer(louis), timeout=10) as client:
            got = client.get(f"{API}/implementations/{first.id}")
            body = msgspec.to_builtins(msgspec.structs.replace(first, notes="blind"))
            reference = client.get(f"{API}/reference")
            blind = [
                client.put(f"{API}/implementations/{first.id}", json=body),
                client.delete(f"{API}/implementations/{first.id}"),
                client.put(f"{API}/reference", json=reference.json()),
            ]
            stale = client.put(
                f"{API}/reference", json=reference.json(), headers={"If-Match": '"not-the-etag"'}
            )
            seen = client.put(
                f"{API}/implementations/{first.id}", json=body, headers={"If-Match": got.headers["etag"]}
            )
            # A POST creates: there is no version to name.
            schema = client.get("/openapi.json").json()
            fresh = msgspec.to_builtins(msgspec.structs.replace(first, id="IMP-9001", customer="Hooli"))
            assert client.post(f"{API}/implementations", json=fresh).status_code == 201
        edited = ps_tui(home, "--remote", server.url, "edit", first.id, "--notes", "by the CLI", token=louis)
        deleted = ps_tui(home, "--remote", server.url, "delete", "IMP-0002", "--yes", token=louis)

        async def through_the_client() -> str:
            remote = RemoteStore(server.url, louis, cache_dir=tmp_path / "cache")
            try:
                data = await remote.load()
                await remote.save_reference(data.reference)
                impl = data.implementations[0]
                saved = await remote.overwrite_implementation(msgspec.structs.replace(impl, notes="mine"))
                return next(i.notes for i in saved.implementations if i.id == impl.id)
            finally:
                await remote.aclose()

        overwritten = asyncio.run(through_the_client())
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"bearer": []}]
    put = schema["paths"]["/api/v1/implementations/{implementation_id}"]["put"]["responses"]
    assert {"403", "412", "428"} <= set(put)
    for refused in blind:
        assert refused.status_code == 428, refused.text
        assert "send the ETag" in refused.json()["error"]
    assert stale.status_code == 412 and "reference data changed" in stale.json()["error"]
    assert reference.headers["etag"] == stale.headers["etag"]
    assert seen.status_code == 200, seen.text
    assert edited.returncode == 0, edited.stderr
    assert deleted.returncode == 0, deleted.stderr
    assert overwritten == "mine"


async def test_the_tui_knows_whom_its_token_names(tmp_path: Path, store: Path) -> None:
    from ps_tui.app import PsApp
    from ps_tui.config import Settings
    from ps_tui.screens.whoami import WhoScreen
    from tests.apps import settle

    home = tmp_path / "home"
    marc = add_token(home, store, "Marc LeBlanc")
    config = tmp_path / "config.toml"
    config.write_text("# names nobody\n")
    with start_server(store, token=SHARED) as server:
        settings = Settings(
            today=TODAY, remote_url=server.url, remote_token=marc, refresh_seconds=3600, config_path=config
        )
        app = PsApp(RemoteStore(server.url, marc, cache_dir=tmp_path / "cache"), settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert not any(isinstance(screen, WhoScreen) for screen in app.screen_stack)
            assert "(shared as Marc LeBlanc, " in app.status  # then live, or polled as of
            assert app.settings.me == "Marc LeBlanc"  # the "mine" filter is theirs
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("p", "enter")  # advance the first row's milestone, today
            await settle(pilot)
        with httpx.Client(base_url=server.url, timeout=10) as client:
            page = client.get(f"{API}/history").json()
        # A shared-token client names nobody, and is told nothing.
        shared = PsApp(
            RemoteStore(server.url, SHARED, cache_dir=tmp_path / "cache-shared"),
            Settings(today=TODAY, remote_url=server.url, remote_token=SHARED, refresh_seconds=3600),
        )
        async with shared.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "(shared, " in shared.status and shared.settings.me is None
    assert [(e["action"], e["who"]) for e in page["items"]] == [("advance", "Marc LeBlanc")]
    assert config.read_text() == "# names nobody\n"  # nothing is written to the config
