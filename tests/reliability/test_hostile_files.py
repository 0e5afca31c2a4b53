"""Hostile store files: what is not a store, or nests without end, is refused
with a clear message and exit 2, and nothing hangs or runs out of memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ps_tui.store.errors import StoreInvalid, StoreUnreadable
from ps_tui.store.file import FileStore
from tests.reliability.conftest import FIGURES, child_env

#: A headless command that would hang on a FIFO must end well within this.
DEADLINE = 20.0


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ps_tui", *args],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env=child_env(),
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "store.toml"
    os.mkfifo(fifo)
    args = ["validate", str(fifo)] if command == "validate" else ["--store", str(fifo), "list"]
    result = run_cli(*args)
    assert result.returncode == 2
    assert "is a FIFO, not a store file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    FIGURES["hostile files: refused without hanging"] += 1


def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "store.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(StoreUnreadable, match="is a device, not a store file"):
        FileStore(link).read()
    FIGURES["hostile files: refused without hanging"] += 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sparse = tmp_path / "store.json"
    with sparse.open("wb") as handle:
        handle.truncate(64 * 2**20)  # 64 MiB of holes: no disk used
    with pytest.raises(StoreUnreadable, match="is more than a store may be"):
        FileStore(sparse, max_bytes=2**20).read()
    FIGURES["hostile files: refused without hanging"] += 1


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"store.{kind}"
    body = "[" * 5000 + "]" * 5000
    path.write_text(f"schema_version = 1\nx = {body}\n" if kind == "toml" else f'{{"x": {body}}}')
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    assert "nested too deeply" in str(caught.value)
    result = run_cli("validate", str(path))
    assert result.returncode == 2 and "nested too deeply" in result.stderr
    assert "Traceback" not in result.stderr
    FIGURES["hostile files: refused without hanging"] += 1


def test_a_million_bad_entries_are_summed_up_not_listed(tmp_path: Path) -> None:
    from ps_tui.data import reference_text

    path = tmp_path / "store.toml"
    path.write_text(
        reference_text().replace('aliases = ["ent"]', "aliases = [" + ", ".join(["1"] * 1_000_000) + "]")
    )
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) <= 25
    assert "segments[2].aliases: 999,980 more entries are invalid (the first 20 are listed)" in result.stderr
    FIGURES["hostile files: refused without hanging"] += 1


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("store.toml", "\ufeffschema_version = 1\n".encode(), "byte-order mark (BOM)"),
        ("store.json", b'\xef\xbb\xbf{"schema_version": 1}', "byte-order mark (BOM)"),
        ("store.toml", b'{"schema_version": 1}\n', "looks like JSON, but the name ends in .toml"),
        ("store.json", b"schema_version = 1\n", "it looks like TOML: rename it to .toml"),
    ],
)
def test_a_file_in_another_form_says_so(tmp_path: Path, name: str, data: bytes, said: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(StoreInvalid, match=said.replace("(", r"\(").replace(")", r"\)")):
        FileStore(path).read()
    FIGURES["hostile files: refused without hanging"] += 1


def test_the_size_limit_is_a_setting(tmp_path: Path) -> None:
    from ps_tui.data import reference_text

    store = tmp_path / "store.toml"
    store.write_text(reference_text() + "#" * (2 * 2**20) + "\n")
    config = tmp_path / "config.toml"
    config.write_text('store = "store.toml"\nmax_store_mb = 1\n')
    result = run_cli("--config", str(config), "list")
    assert result.returncode == 2
    assert "is more than a store may be (1 MiB; `max_store_mb` in the config raises it)" in result.stderr
    config.write_text('store = "store.toml"\nmax_store_mb = 3\n')
    assert run_cli("--config", str(config), "list").returncode == 0
