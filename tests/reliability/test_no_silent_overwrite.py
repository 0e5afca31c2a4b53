"""A store file is never rewritten from a load that misread it.

The reproduction: `, "implementations": []` added before the final `}` of a
store.json with 42 implementations was read as an empty store; two saves
through `ps-tui serve` then left 2 implementations in the file and 1 in its
`.bak`. A duplicate key is now an error at its line, everywhere; and should
any load ever disagree with the file, a save that would rewrite the whole
file reads it again first and refuses, leaving the file and `.bak` alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from ps_tui.store.errors import StoreWriteFailed
from ps_tui.store.file import FileStore
from tests.reliability.conftest import FIGURES, child_env
from tests.server_process import TODAY, write_store


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ps_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**child_env(), "PS_TUI_SERVER_TOKEN": "t0ken"},
        stdin=subprocess.DEVNULL,
    )


def test_a_second_implementations_key_is_refused_by_every_reader(tmp_path: Path) -> None:
    path = write_store(tmp_path / "store.json")
    text = path.read_text()
    assert text.count('"customer"') == 42
    cut = text.rstrip().rstrip("}")
    path.write_text(cut.rstrip() + ',\n  "implementations": []\n}\n')
    before = path.read_bytes()
    line = len(path.read_text().splitlines()) - 1
    for args in (
        ["validate", str(path)],
        ["--store", str(path), "list"],
        ["--store", str(path), "--today", TODAY.isoformat(), "kpi"],
        ["--store", str(path), "serve", "--port", "0"],
    ):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        output = result.stdout + result.stderr
        assert f"{path}:{line}: implementations: duplicate key" in output, output
        assert "Traceback" not in output
    assert path.read_bytes() == before
    assert not path.with_name("store.json.bak").exists()
    FIGURES["silent overwrites refused"] += 4


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_a_save_over_a_file_that_holds_more_than_was_loaded_is_refused(tmp_path: Path, kind: str) -> None:
    path = write_store(tmp_path / f"store.{kind}")
    store = FileStore(path)
    data = store.read()
    # As if the load had misread the file: it "found" 2 of its 42 implementations.
    misread = msgspec.structs.replace(data, implementations=data.implementations[:2])
    store._store = misread
    # An edit the surgical editor cannot place in a file that does not hold
    # what was loaded: a new implementation.
    new = msgspec.structs.replace(data.implementations[5], id="NEW-1")
    before = path.read_bytes()
    with pytest.raises(StoreWriteFailed) as caught:
        store.write(msgspec.structs.replace(misread, implementations=[*misread.implementations, new]))
    message = str(caught.value)
    assert "reads back as other data than was loaded" in message
    assert "left as they are" in message
    assert path.read_bytes() == before
    assert not path.with_name(f"store.{kind}.bak").exists()
    FIGURES["silent overwrites refused"] += 1
