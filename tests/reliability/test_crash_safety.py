"""Crash safety: a child saving in a loop is killed with SIGKILL at random
moments, over and over, on one store file. After every kill the store loads
and holds every acknowledged save.

What "holds" means: the child prints `ID SEQ` only after a save returned.
After the kill, the file equals the state after the last acknowledged save,
or that state plus the one save in flight when the kill came (it may have
reached the rename); never anything older, never a mix.

Temporary files: a kill between `mkstemp` and the rename leaves
`.NAME.XXXX.tmp` beside the store. The loader never reads them (it opens only
NAME), and the next successful save by a later process removes those older
than its own start. So after every kill we assert that the store and its
`.bak` are valid, that temp files of earlier rounds are gone once a later
round saved, and that after a clean final save none are left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.history import Action
from ps_tui.core.model import StoreFile
from ps_tui.store.file import FileStore, parse_store
from ps_tui.store.history_file import history_path
from tests.reliability.conftest import FIGURES, HERE, by_id, child_env, python, small_store, temp_files

SAVER = str(HERE / "child_saver.py")
KILLS_PER_FORMAT = 100
SEEDS = {"toml": 20261130, "json": 11302026}


def spawn(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        python(SAVER, str(path)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


def arrs(store: StoreFile) -> dict[str, int]:
    return {impl.id: impl.arr for impl in store.implementations}


def recorded_seqs(store: FileStore) -> list[int]:
    """The `arr` each landed save's recorded edit set, in the history's order."""
    events = store.history().events()
    assert all(event.action is Action.EDIT for event in events)
    return [change.after for event in events for change in event.changes if change.field == "arr"]


def check_backup(path: Path, current: dict[str, int]) -> None:
    """`NAME.bak` is a valid store one save behind (or equal to) the file."""
    bak = path.with_name(path.name + ".bak")
    if not bak.exists():
        return
    # The backup has the store's format; parse it under the store's name.
    backup = arrs(parse_store(path, bak.read_bytes()))
    assert backup.keys() == current.keys()
    older = [key for key in current if backup[key] != current[key]]
    assert len(older) <= 1, f"backup is more than one save behind: {older}"
    assert all(backup[key] < current[key] for key in older)


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_sigkill_never_loses_an_acknowledged_save(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"store.{kind}"
    FileStore(path).write(small_store(40))
    ids = [impl.id for impl in small_store(40).implementations]
    rng = random.Random(SEEDS[kind])
    expected = arrs(FileStore(path).read())
    acknowledged = in_flight_landed = debris_rounds = 0
    previous_debris: set[str] = set()
    allowed = {path.name, f"{path.name}.bak", history_path(path).name}
    first_seq = max(expected.values()) + 1
    records = 0

    for round_ in range(KILLS_PER_FORMAT):
        child = spawn(path)
        assert child.stdout is not None and child.stderr is not None
        # One round in ten is killed while it starts up and reads the file.
        early = rng.random() < 0.1
        if early:
            time.sleep(rng.uniform(0, 0.08))
            first = ""
        else:
            first = child.stdout.readline()
            assert first.startswith("ready "), (first, child.stderr.read())
            time.sleep(rng.uniform(0, 0.04))
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        stderr = child.stderr.read()
        child.stdout.close()
        child.stderr.close()
        assert child.returncode == -signal.SIGKILL, (child.returncode, stderr)
        assert "Traceback" not in stderr, stderr

        output = first + rest
        # Only complete lines are acknowledgements: a kill may cut one short.
        lines = output.splitlines(keepends=True)
        complete = [line.split() for line in lines if line.endswith("\n")]
        start = max(expected.values())
        if complete:
            assert complete[0] == ["ready", str(start)], f"round {round_}: child started from {complete[0]}"
        acks = [(impl_id, int(seq)) for impl_id, seq in complete[1:]]
        assert [seq for _, seq in acks] == list(range(start + 1, start + 1 + len(acks)))
        for impl_id, seq in acks:
            assert impl_id == ids[seq % len(ids)]
            expected[impl_id] = seq
        acknowledged += len(acks)

        # The store loads, whatever the moment of the kill.
        on_disk = arrs(FileStore(path).read())
        if on_disk != expected:
            # The only other allowed state: the save in flight reached the rename.
            following = start + len(acks) + 1
            landed = dict(expected, **{ids[following % len(ids)]: following})
            assert on_disk == landed, f"round {round_}: lost or mixed data"
            in_flight_landed += 1
            expected = landed
        check_backup(path, on_disk)
        # The history holds exactly one record of every save that landed, and
        # none of a save that did not (a kill between record and rename).
        recorded = recorded_seqs(FileStore(path))
        assert recorded == list(range(first_seq, max(on_disk.values()) + 1)), f"round {round_}"
        records = len(recorded)

        debris = set(temp_files(path))
        extra = {p.name for p in tmp_path.iterdir()} - allowed - debris
        assert not extra, f"unexpected files beside the store: {extra}"
        if acks:
            # This round saved: temp files left by earlier rounds were removed.
            assert not (debris & previous_debris), f"stale temp files kept: {debris & previous_debris}"
        debris_rounds += bool(debris)
        previous_debris = debris

    # A clean run afterwards: its first save sweeps every stale temp file.
    finish = subprocess.run(
        python(SAVER, str(path), "3"), capture_output=True, text=True, env=child_env(), check=False
    )
    assert finish.returncode == 0, finish.stderr
    assert temp_files(path) == []
    final = FileStore(path).read()
    assert len(final.implementations) == 40
    assert all(impl.notes.startswith("édité") or impl.arr == 0 for impl in by_id(final).values())

    FIGURES["crash: history records checked (one per landed save)"] += records
    FIGURES["crash: SIGKILLs survived"] += KILLS_PER_FORMAT
    FIGURES["crash: acknowledged saves checked"] += acknowledged
    FIGURES["crash: kills where the in-flight save had landed"] += in_flight_landed
    FIGURES["crash: kills that left a temp file (swept later)"] += debris_rounds


def test_stale_temp_files_are_swept_only_when_older_than_the_process(tmp_path: Path) -> None:
    """The sweep removes a crashed writer's temp file, but not one younger
    than this process (it could belong to a writer still at work)."""
    path = tmp_path / "store.json"
    store = FileStore(path)
    store.write(small_store(3))
    stale = tmp_path / f".{path.name}.crashed1.tmp"
    stale.write_bytes(b"half a store")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / f".{path.name}.working.tmp"
    fresh.write_bytes(b"being written")
    other = tmp_path / ".other.json.crashed.tmp"
    other.write_bytes(b"not ours")
    os.utime(other, (old, old))

    assert FileStore(path).read() == small_store(3)  # the loader ignores them
    impl = small_store(3).implementations[0]
    store.save_implementation_sync(msgspec.structs.replace(impl, arr=7))
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    assert FileStore(path).read().implementations[0].arr == 7
