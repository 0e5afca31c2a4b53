"""Two writers on one store file: every edit either lands or is refused with a
clear "changed on disk" StoreConflict; never a silent overwrite.

Each writer owns half of the implementations and appends a token to an
implementation's notes per edit, so the final notes of each implementation
are its full edit history: every token its writer reported saved, in order,
and no refused one.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import defaultdict
from pathlib import Path

import msgspec
import pytest

import ps_tui.store.file as file_module
from ps_tui.core.model import StoreFile
from ps_tui.store.base import Progress
from ps_tui.store.errors import StoreConflict
from ps_tui.store.file import FileStore
from tests.reliability.conftest import FIGURES, HERE, by_id, child_env, python, small_store

WRITER = str(HERE / "child_writer.py")
EDITS = 80


def start_writer(path: Path, name: str, parity: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        python(WRITER, str(path), name, str(parity), str(EDITS)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_two_processes_never_overwrite_each_other(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"store.{kind}"
    FileStore(path).write(small_store(40))
    writers = [start_writer(path, name, parity) for parity, name in enumerate("AB")]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
    for writer in writers:  # both go at once
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = [writer.communicate(timeout=120) for writer in writers]

    saved: dict[str, list[str]] = defaultdict(list)
    refused: dict[str, list[str]] = defaultdict(list)
    for writer, (stdout, stderr) in zip(writers, results, strict=True):
        assert writer.returncode == 0, stderr
        assert "Traceback" not in stderr
        for line in stdout.splitlines():
            outcome, impl_id, token, *message = line.split(" ")
            if outcome == "saved":
                saved[impl_id].append(token)
            else:
                assert outcome == "refused", line
                assert "changed on disk since it was loaded" in " ".join(message), line
                refused[impl_id].append(token)

    final = by_id(FileStore(path).read())
    assert len(final) == 40
    for impl_id, impl in final.items():
        history = impl.notes.split()
        assert history == saved[impl_id], f"{impl_id}: edits lost or refused ones kept"
        assert not set(history) & set(refused[impl_id])
    total_saved = sum(map(len, saved.values()))
    assert total_saved == 2 * EDITS
    FIGURES["two writers: edits saved"] += total_saved
    FIGURES["two writers: edits refused as changed on disk (then retried)"] += sum(map(len, refused.values()))


def edit_notes(data: StoreFile, index: int, token: str) -> msgspec.Struct:
    impl = data.implementations[index]
    return msgspec.structs.replace(impl, notes=f"{impl.notes} {token}".strip())


def test_a_save_landing_while_another_store_reloads_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reloads; while it parses the bytes it read, B saves. A's next save
    must be refused: what A holds is older than the file."""
    path = tmp_path / "store.toml"
    FileStore(path).write(small_store(4))
    a, b = FileStore(path), FileStore(path)
    b_data = b.read()
    parse = file_module.parse_store
    raced: list[bool] = []

    def parse_while_b_saves(
        where: Path, data: bytes, thorough: bool = False, progress: Progress | None = None
    ) -> StoreFile:
        if not raced:
            raced.append(True)
            b.save_implementation_sync(edit_notes(b_data, 1, "B"))  # type: ignore[arg-type]
        return parse(where, data, thorough=thorough, progress=progress)

    monkeypatch.setattr(file_module, "parse_store", parse_while_b_saves)
    a_data = a.read()
    monkeypatch.setattr(file_module, "parse_store", parse)
    assert raced
    with pytest.raises(StoreConflict, match="changed on disk"):
        a.save_implementation_sync(edit_notes(a_data, 0, "A"))  # type: ignore[arg-type]
    assert by_id(FileStore(path).read())["IMP-0002"].notes == "B"
    # After a reload, A's edit goes through and B's stays.
    a.save_implementation_sync(edit_notes(a.read(), 0, "A"))  # type: ignore[arg-type]
    final = by_id(FileStore(path).read())
    assert (final["IMP-0001"].notes, final["IMP-0002"].notes) == ("A", "B")


def test_same_inode_size_and_mtime_is_not_proof_of_no_change(tmp_path: Path) -> None:
    """Many kernels stamp files with a coarse clock (one tick is a few ms)
    and ext4 hands freed inode numbers straight back: a file replaced three
    times within one tick can have the inode number, size and mtime of the
    one another writer loaded. That writer's save must still be refused."""
    path = tmp_path / "store.json"
    start = small_store(4)
    start = msgspec.structs.replace(
        start, implementations=[msgspec.structs.replace(i, notes="--") for i in start.implementations]
    )
    FileStore(path).write(start)
    a, b = FileStore(path), FileStore(path)
    a_data, b_data = a.read(), b.read()
    seen = path.stat()
    for n in range(30):  # same-length edits, until the inode number comes back
        b_data = b.save_implementation_sync(
            msgspec.structs.replace(b_data.implementations[1], notes=f"B{n % 10}")
        )
        now = path.stat()
        if (now.st_ino, now.st_size) == (seen.st_ino, seen.st_size):
            break
    else:
        pytest.skip("this filesystem did not hand the inode number back")
    os.utime(path, ns=(seen.st_atime_ns, seen.st_mtime_ns))  # all within one clock tick
    with pytest.raises(StoreConflict, match="changed on disk"):
        a.save_implementation_sync(edit_notes(a_data, 0, "A"))  # type: ignore[arg-type]
    assert by_id(FileStore(path).read())["IMP-0002"].notes.startswith("B")


def test_two_threads_with_their_own_stores(tmp_path: Path) -> None:
    """The same contract between two FileStore objects in one process (two
    TUIs' worth of stores), each in its own thread."""
    path = tmp_path / "store.json"
    FileStore(path).write(small_store(10))
    saved: dict[int, list[str]] = defaultdict(list)
    refused = 0
    lock = threading.Lock()

    def writer(parity: int) -> None:
        nonlocal refused
        store = FileStore(path)
        data = store.read()
        for edit in range(60):
            index = 2 * (edit % 5) + parity
            while True:
                token = f"{parity}-{edit}"
                try:
                    data = store.save_implementation_sync(edit_notes(data, index, token))  # type: ignore[arg-type]
                except StoreConflict:
                    with lock:
                        refused += 1
                    data = store.read()
                else:
                    with lock:
                        saved[index].append(token)
                    break

    threads = [threading.Thread(target=writer, args=(parity,)) for parity in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    final = FileStore(path).read().implementations
    for index, impl in enumerate(final):
        assert impl.notes.split() == saved[index]
    FIGURES["two writers: edits saved"] += 120
    FIGURES["two writers: edits refused as changed on disk (then retried)"] += refused
