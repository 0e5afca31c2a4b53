"""Data that used to be accepted and then broke every client: a date far in
the future (or past), an integer beyond what TOML and JSON both hold. Each is
refused where it enters, with the field named: a file (exit 2), the form's
parser, `--today`, and the server (422)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from ps_tui.core.health import assess
from ps_tui.core.model import LATEST_DATE, Implementation, Kpi, Milestone, Status
from ps_tui.core.parse import ParseError, parse_date
from ps_tui.store.file import encode_store
from tests.helpers import implementation, sample_store
from tests.reliability.conftest import FIGURES, child_env
from tests.server_process import ServerProcess, start_server, write_store

TOKEN = "hostile-data-token-0123456789"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ps_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        stdin=subprocess.DEVNULL,
    )


def store_with(tmp_path: Path, kind: str, impl: Implementation) -> Path:
    store = sample_store()
    store = msgspec.structs.replace(store, implementations=[*store.implementations, impl])
    path = tmp_path / f"store.{kind}"
    path.write_bytes(encode_store(store, kind))
    return path


FAR_FUTURE = implementation(
    9,
    milestones=[
        Milestone(key="kickoff", actual=dt.date(2025, 5, 1)),
        Milestone(key="go_live", planned=dt.date(9999, 12, 31)),
    ],
)


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_a_far_future_date_in_a_file_is_refused_with_its_field(tmp_path: Path, kind: str) -> None:
    path = store_with(tmp_path, kind, FAR_FUTURE)
    before = path.read_bytes()
    for args in (["validate", str(path)], ["--store", str(path), "list"], ["--store", str(path), "kpi"]):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        output = result.stdout + result.stderr
        assert "implementations[3].milestones[1].planned" in output
        assert "9999-12-31 is outside the dates ps-tui accepts" in output
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    FIGURES["hostile data: refused where it enters"] += 3


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_an_integer_beyond_what_both_formats_hold_is_refused(tmp_path: Path, kind: str) -> None:
    store = sample_store()
    raw = json.loads(encode_store(store, "json"))
    raw["implementations"][0]["arr"] = 10**30
    path = tmp_path / f"store.{kind}"
    if kind == "json":
        path.write_text(json.dumps(raw))
    else:
        text = encode_store(store, "toml").decode()
        path.write_text(text.replace("arr = 120000", f"arr = {2**63 - 1}", 1))
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "implementations[0].arr" in result.stderr and "must be a whole number <=" in result.stderr
    FIGURES["hostile data: refused where it enters"] += 1


def test_today_far_in_the_future_is_refused() -> None:
    result = run_cli("--today", "9999-12-31", "kpi")
    assert result.returncode == 2
    assert "9999-12-31 is outside the dates ps-tui accepts" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(ParseError, match="outside the dates"):
        parse_date("1969-12-31")
    assert parse_date(LATEST_DATE.isoformat()) == LATEST_DATE
    FIGURES["hostile data: refused where it enters"] += 1


def test_date_arithmetic_is_total() -> None:
    """A projection past year 9999 (a plan there, and a slip behind it) is
    the last date, not `ValueError: year 10000 is out of range`. Built
    directly, since validation no longer lets such a date in."""
    impl = implementation(
        1,
        kickoff=dt.date(2026, 11, 1),
        milestones=[
            Milestone(key="kickoff", actual=dt.date(2026, 11, 1)),
            Milestone(key="infrastructure", planned=dt.date(2026, 11, 5)),
            Milestone(key="go_live", planned=dt.date(9999, 12, 31)),
        ],
    )
    assert assess(impl, dt.date(2026, 11, 30), Kpi(), {}).projected == dt.date.max


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = start_server(write_store(tmp_path / "store.toml"), token=TOKEN)
    try:
        yield process
    finally:
        process.stop()


def test_the_server_refuses_them_with_422_and_stays_well(server: ServerProcess) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = f"{server.url}/api/v1/implementations"
    far = msgspec.to_builtins(msgspec.structs.replace(FAR_FUTURE, id="IMP-9999"))
    answer = httpx.post(url, json=far, headers=headers)
    assert answer.status_code == 422, answer.text
    assert "milestones[1].planned" in answer.text and "outside the dates" in answer.text
    big = msgspec.to_builtins(implementation(9998, status=Status.PLANNED, kickoff=None, milestones=[]))
    big["arr"] = 2**64
    answer = httpx.post(url, json=big, headers=headers)
    assert answer.status_code == 422, answer.text
    assert "arr" in answer.text
    assert httpx.get(f"{server.url}/api/v1/kpi", headers=headers).status_code == 200
    FIGURES["hostile data: refused where it enters"] += 2


@pytest.mark.parametrize("bad", [".", "..", "a/b", "IMP 1", "x" * 65, "é"])
def test_an_unsafe_id_is_refused_in_a_file(tmp_path: Path, bad: str) -> None:
    path = store_with(tmp_path, "json", implementation(9))
    text = path.read_text().replace('"IMP-0009"', json.dumps(bad))
    path.write_text(text)
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "implementations[3].id" in result.stderr and "letters, digits" in result.stderr
    FIGURES["hostile data: refused where it enters"] += 1


def test_the_server_refuses_unsafe_ids(server: ServerProcess) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = f"{server.url}/api/v1/implementations"
    for bad in (".", "..", "x" * 100_000):
        body = msgspec.to_builtins(implementation(9997, status=Status.PLANNED, kickoff=None, milestones=[]))
        body["id"] = bad
        answer = httpx.post(url, json=body, headers=headers)
        assert answer.status_code in (413, 422), (bad[:10], answer.status_code, answer.text[:200])
        if answer.status_code == 422:
            assert "letters, digits" in answer.text
    FIGURES["hostile data: refused where it enters"] += 3


EVIL = "\x1b[2J\x1b[31mEVIL\x1b]0;pwned\x07 Corp"


@pytest.mark.parametrize("kind", ["toml", "json"])
@pytest.mark.parametrize("text", [EVIL, "nul\x00here", "del\x7f", "c1\x9b31m"])
def test_control_characters_in_a_file_are_refused_and_never_printed(
    tmp_path: Path, kind: str, text: str
) -> None:
    path = store_with(tmp_path, kind, implementation(9, customer=text))
    for args in (["validate", str(path)], ["--store", str(path), "list"]):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        output = result.stdout + result.stderr
        assert "implementations[3].customer: holds a control character" in output
        assert not any(c in output for c in "\x1b\x00\x07\x7f\x9b")
    FIGURES["hostile data: refused where it enters"] += 2


def test_a_clean_store_with_notes_on_many_lines_is_still_valid(tmp_path: Path) -> None:
    path = store_with(tmp_path, "json", implementation(9, notes="line one\nline two\twith a tab"))
    assert run_cli("validate", str(path)).returncode == 0


def test_the_server_refuses_control_characters(server: ServerProcess) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = msgspec.to_builtins(
        implementation(9996, customer=EVIL, status=Status.PLANNED, kickoff=None, milestones=[])
    )
    answer = httpx.post(f"{server.url}/api/v1/implementations", json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert "customer" in answer.text and "control character" in answer.text
    assert "\x1b" not in answer.text
    FIGURES["hostile data: refused where it enters"] += 1


@pytest.mark.parametrize("where", ["top", "field"])
def test_a_deeply_nested_body_is_a_400(server: ServerProcess, where: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    nested = b"[" * 1000 + b"]" * 1000
    body = nested if where == "top" else b'{"id": "IMP-1", "customer": ' + nested + b"}"
    answer = httpx.post(f"{server.url}/api/v1/implementations", content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert "nested too deeply" in answer.text
    FIGURES["hostile data: refused where it enters"] += 1
