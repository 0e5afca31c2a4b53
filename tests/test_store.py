"""The file and memory stores: round trips, atomic saves, conflicts and every
way a read or a save can fail."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ps_tui.core.model import SCHEMA_VERSION, Implementation, Kpi, StoreFile
from ps_tui.core.validate import decode_store
from ps_tui.data import default_store
from ps_tui.store.errors import StoreConflict, StoreError, StoreInvalid, StoreUnreadable, StoreWriteFailed
from ps_tui.store.file import QUICK_BYTES, FileStore, encode_store
from ps_tui.store.memory import QUICK_IMPLEMENTATIONS, MemoryStore
from tests.helpers import TODAY, deny_reading, implementation, sample_store, snapshot

KINDS = ["toml", "json"]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def path(tmp_path: Path, kind: str) -> Path:
    """A fresh store path in an empty directory."""
    return tmp_path / f"store.{kind}"


@pytest.fixture
def saved(path: Path) -> FileStore:
    """A store file holding `sample_store()`, written by a FileStore."""
    store = FileStore(path)
    store.write(sample_store())
    return store


def tmp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- round trips ----------------------------------------------------------------


def test_write_default_store_and_read_back(path: Path) -> None:
    store = default_store(TODAY)
    written = FileStore(path).write(store)
    assert written == store
    assert FileStore(path).read() == store
    assert tmp_files(path.parent) == []


async def test_async_load(saved: FileStore, path: Path) -> None:
    assert await FileStore(path).load() == sample_store()
    assert saved.persistent is True
    assert saved.location == str(path)


def test_written_toml_starts_with_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    assert first == f"schema_version = {SCHEMA_VERSION}"
    assert decode_store(tomllib.loads(text)) == default_store(TODAY)


def test_written_json_is_a_complete_store(tmp_path: Path) -> None:
    """The JSON file names its schema_version too (omit_defaults would drop it),
    so the strict decoder accepts it, not just the fast path."""
    path = tmp_path / "store.json"
    FileStore(path).write(default_store(TODAY))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert next(iter(data)) == "schema_version"
    assert data["schema_version"] == SCHEMA_VERSION
    assert decode_store(data) == default_store(TODAY)


@pytest.mark.parametrize("version", [SCHEMA_VERSION, SCHEMA_VERSION + 1])
def test_encode_json_keeps_schema_version(version: int) -> None:
    store = msgspec.structs.replace(sample_store(1), schema_version=version)
    assert json.loads(encode_store(store, "json"))["schema_version"] == version
    assert tomllib.loads(encode_store(store, "toml").decode())["schema_version"] == version


def test_unicode_survives(path: Path) -> None:
    store = sample_store(1)
    store = msgspec.structs.replace(
        store,
        implementations=[implementation(1, customer="Müller & Søn 株式会社", notes='a "quote"\nnewline')],
    )
    FileStore(path).write(store)
    assert FileStore(path).read() == store


# --- edits ------------------------------------------------------------------------


async def test_save_implementation_inserts_and_replaces(saved: FileStore, path: Path) -> None:
    added = implementation(10, customer="New Customer")
    after = await saved.save_implementation(added)
    assert [i.id for i in after.implementations][-1] == "IMP-0010"
    assert FileStore(path).read() == after

    changed = msgspec.structs.replace(added, arr=999_000)
    after = await saved.save_implementation(changed)
    assert [i.id for i in after.implementations].count("IMP-0010") == 1
    reread = FileStore(path).read()
    assert reread == after
    assert next(i for i in reread.implementations if i.id == "IMP-0010").arr == 999_000
    assert len(reread.implementations) == 4


def test_save_implementation_sync_inserts_and_replaces(saved: FileStore, path: Path) -> None:
    saved.save_implementation_sync(implementation(5))
    replaced = implementation(1, customer="Renamed")
    after = saved.save_implementation_sync(replaced)
    reread = FileStore(path).read()
    assert reread == after
    assert [i.id for i in reread.implementations] == ["IMP-0001", "IMP-0002", "IMP-0003", "IMP-0005"]
    assert reread.implementations[0].customer == "Renamed"


async def test_delete_implementation(saved: FileStore, path: Path) -> None:
    after = await saved.delete_implementation("IMP-0002")
    assert [i.id for i in after.implementations] == ["IMP-0001", "IMP-0003"]
    assert FileStore(path).read() == after
    after = saved.delete_implementation_sync("IMP-0001")
    assert [i.id for i in FileStore(path).read().implementations] == ["IMP-0003"]


def test_delete_unknown_implementation(saved: FileStore, path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError, match="IMP-9999"):
        saved.delete_implementation_sync("IMP-9999")
    assert path.read_bytes() == before


async def test_save_reference(saved: FileStore, path: Path) -> None:
    reference = msgspec.structs.replace(sample_store().reference, kpi=Kpi(target_days=45, at_risk_days=30))
    after = await saved.save_reference(reference)
    assert after.kpi.target_days == 45
    reread = FileStore(path).read()
    assert reread.kpi == Kpi(target_days=45, at_risk_days=30)
    assert reread.implementations == sample_store().implementations


def test_save_reference_refused_when_an_implementation_no_longer_fits(saved: FileStore, path: Path) -> None:
    reference = sample_store().reference
    without_louis = msgspec.structs.replace(
        reference, members=[m for m in reference.members if m.name != "Louis Jarvis"]
    )
    before = path.read_bytes()
    with pytest.raises(StoreInvalid) as caught:
        saved.save_reference_sync(without_louis)
    assert any(p.path == "implementations[0].ie_owner" for p in caught.value.problems)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ie_owner": "Nobody"}, "ie_owner"),
        ({"segment": "galactic"}, "segment"),
        ({"package": "custom"}, "package_hours"),
    ],
)
async def test_invalid_edit_is_refused_and_file_unchanged(
    saved: FileStore, path: Path, change: dict[str, Any], field: str
) -> None:
    before = snapshot(path.parent)
    with pytest.raises(StoreInvalid) as caught:
        await saved.save_implementation(implementation(1, **change))
    assert field in {p.path for p in caught.value.problems}
    assert str(path) in str(caught.value)
    assert snapshot(path.parent) == before
    # The store is still usable after a refused edit.
    saved.save_implementation_sync(implementation(1, customer="Fine"))
    assert FileStore(path).read().implementations[0].customer == "Fine"


def test_backup_holds_the_previous_version(saved: FileStore, path: Path) -> None:
    first = path.read_bytes()
    saved.save_implementation_sync(implementation(7))
    second = path.read_bytes()
    bak = path.with_name(path.name + ".bak")
    assert bak.read_bytes() == first
    saved.delete_implementation_sync("IMP-0007")
    assert bak.read_bytes() == second
    assert path.read_bytes() == first  # deleting the insert restores the original bytes
    assert tmp_files(path.parent) == []


def test_save_keeps_file_permissions(saved: FileStore, path: Path) -> None:
    path.chmod(0o640)
    saved.save_implementation_sync(implementation(7))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# --- conflicts ----------------------------------------------------------------------


def test_save_after_another_instance_saved_is_a_conflict(saved: FileStore, path: Path) -> None:
    other = FileStore(path)
    other.read()
    other.save_implementation_sync(implementation(8, customer="Theirs"))
    theirs = path.read_bytes()

    with pytest.raises(StoreConflict, match="changed on disk"):
        saved.save_implementation_sync(implementation(9, customer="Mine"))
    assert path.read_bytes() == theirs
    with pytest.raises(StoreConflict):
        saved.delete_implementation_sync("IMP-0001")
    assert path.read_bytes() == theirs

    # After a reload, the save goes through and keeps their change.
    saved.read()
    saved.save_implementation_sync(implementation(9, customer="Mine"))
    customers = {i.customer for i in FileStore(path).read().implementations}
    assert {"Theirs", "Mine"} <= customers


def test_save_after_another_process_edited_is_a_conflict(saved: FileStore, path: Path) -> None:
    code = textwrap.dedent(
        f"""
        from ps_tui.store.file import FileStore
        from tests.helpers import implementation
        FileStore({str(path)!r}).save_implementation_sync(implementation(42, customer="Other process"))
        """
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=60,
    )
    theirs = path.read_bytes()
    assert b"Other process" in theirs
    with pytest.raises(StoreConflict):
        saved.save_implementation_sync(implementation(9))
    assert path.read_bytes() == theirs


def test_save_after_a_hand_edit_is_a_conflict(saved: FileStore, path: Path) -> None:
    # Same size, different content: caught by the digest, not only the size.
    data = path.read_bytes().replace(b"Customer 2", b"Customer X")
    path.write_bytes(data)
    with pytest.raises(StoreConflict):
        saved.save_implementation_sync(implementation(9))
    assert path.read_bytes() == data


def test_save_after_the_file_was_deleted_is_a_conflict(saved: FileStore, path: Path) -> None:
    path.unlink()
    with pytest.raises(StoreConflict, match="deleted"):
        saved.save_implementation_sync(implementation(9))
    assert not path.exists()


def test_touch_without_change_is_not_a_conflict(saved: FileStore, path: Path) -> None:
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    saved.save_implementation_sync(implementation(9))
    assert len(FileStore(path).read().implementations) == 4


def test_write_refuses_to_overwrite_an_unloaded_file(saved: FileStore, path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreConflict, match="already exists"):
        FileStore(path).write(default_store(TODAY))
    assert path.read_bytes() == before


# --- failed writes --------------------------------------------------------------------


def _enospc(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fail_replace_onto(target: Path) -> Callable[..., None]:
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst) == target:
            _enospc()
        real(src, dst, *args, **kwargs)

    return replace


@pytest.mark.parametrize("failure", ["replace", "replace-final", "fsync"])
def test_failed_write_leaves_the_file_as_it_was(
    saved: FileStore, path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    before = path.read_bytes()
    if failure == "replace":
        monkeypatch.setattr(os, "replace", _enospc)
    elif failure == "replace-final":
        monkeypatch.setattr(os, "replace", _fail_replace_onto(path))
    else:
        monkeypatch.setattr(os, "fsync", _enospc)

    with pytest.raises(StoreWriteFailed) as caught:
        saved.save_implementation_sync(implementation(9))
    message = str(caught.value)
    assert str(path) in message
    assert os.strerror(errno.ENOSPC) in message
    assert path.read_bytes() == before
    assert tmp_files(path.parent) == []

    # Once the disk has room again, the same store saves without a conflict.
    monkeypatch.undo()
    saved.save_implementation_sync(implementation(9))
    assert [i.id for i in FileStore(path).read().implementations][-1] == "IMP-0009"


async def test_failed_async_write(saved: FileStore, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = path.read_bytes()
    monkeypatch.setattr(os, "fsync", _enospc)
    with pytest.raises(StoreWriteFailed):
        await saved.save_implementation(implementation(9))
    assert path.read_bytes() == before
    assert tmp_files(path.parent) == []


def test_failed_directory_sync_still_counts_as_saved(
    saved: FileStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some filesystems refuse fsync on a directory; by then the new file is in
    place, so the save succeeded and the next save is not a conflict."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    saved.save_implementation_sync(implementation(9))
    saved.save_implementation_sync(implementation(10))
    assert [i.id for i in FileStore(path).read().implementations][-2:] == ["IMP-0009", "IMP-0010"]


# --- broken files -------------------------------------------------------------------


def _line_containing(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [n for n, line in enumerate(lines, 1) if needle in line]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_invalid_file_lists_problems_with_lines(path: Path, kind: str) -> None:
    FileStore(path).write(sample_store())
    if kind == "toml":
        _break(path, 'customer = "Customer 2"', 'customer = "Customer 2"\ncolour = "red"')
        _break(path, 'customer = "Customer 3"', 'customer = "Customer 3"\narr_total = 1')
        text = path.read_text(encoding="utf-8")
        # Make implementation 3's arr negative: its `arr =` line is the 2nd after its customer.
        start = text.index('customer = "Customer 3"')
        arr_at = text.index("arr = 120000", start)
        path.write_text(text[:arr_at] + "arr = -5" + text[arr_at + len("arr = 120000") :], encoding="utf-8")
        expected = {
            "implementations[1].colour": _line_containing(path, 'colour = "red"'),
            "implementations[2].arr_total": _line_containing(path, "arr_total = 1"),
            "implementations[2].arr": _line_containing(path, "arr = -5"),
        }
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["implementations"][1]["colour"] = "red"
        data["implementations"][2]["arr"] = -5
        data["implementations"][0]["ie_owner"] = "Nobody"
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        expected = {
            "implementations[1].colour": _line_containing(path, '"colour": "red"'),
            "implementations[2].arr": _line_containing(path, '"arr": -5'),
            "implementations[0].ie_owner": _line_containing(path, '"ie_owner": "Nobody"'),
        }
    before = path.read_bytes()
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    error = caught.value
    assert {p.path: p.line for p in error.problems} == expected
    text = str(error)
    assert text.startswith(f"{path}: {len(expected)} problems")
    for field, line in expected.items():
        assert f"{path}:{line}: {field}: " in text
    assert path.read_bytes() == before


def test_bad_reference_entry_in_file_is_located(path: Path, kind: str) -> None:
    FileStore(path).write(sample_store())
    if kind == "toml":
        _break(path, 'id = "smb"', 'id = "smb"\nmax_developers_typo = 1')
        line = _line_containing(path, "max_developers_typo")
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["segments"][0]["max_developers_typo"] = 1
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        line = _line_containing(path, "max_developers_typo")
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    # Only the real problem: nothing that refers to segment "smb" is reported as unknown.
    assert [(p.path, p.line) for p in caught.value.problems] == [("segments[0].max_developers_typo", line)]


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("store.toml", b'schema_version = 1\npurpose = "x"\n[kpi]\ntarget_days = ', 4),
        ("store.toml", b'schema_version = 1\npurpose = "unterminated\n[kpi]\n', 2),
        ("store.toml", b"schema_version = 1\n[[segments]\n", 2),
        ("store.json", b'{\n  "schema_version": 1,\n  "kpi": {\n', 4),
        ("store.json", b'{\n  "schema_version": 1,\n  "purpose": "x"\n  "kpi": {}\n}\n', 4),
        ("store.json", b'{\n  "schema_version": 1,\n  "purpose": "trunc', 3),
    ],
)
def test_syntax_errors_give_a_line(tmp_path: Path, name: str, data: bytes, line: int) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    (problem,) = caught.value.problems
    assert problem.line == line
    assert "syntax" in problem.message
    assert f"{path}:{line}:" in str(caught.value)
    assert path.read_bytes() == data


def test_a_store_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(b"[1, 2]\n")
    with pytest.raises(StoreInvalid, match="table/object"):
        FileStore(path).read()


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("store.toml", b"", StoreInvalid, "empty"),
        ("store.json", b"  \n\n", StoreInvalid, "empty"),
        ("store.toml", b'schema_version = 1\npurpose = "caf\xe9"\n', StoreInvalid, "UTF-8"),
        ("store.json", b'{"schema_version": 1, "purpose": "\xff"}', StoreInvalid, "UTF-8"),
        ("store.yaml", b"schema_version: 1\n", StoreUnreadable, "unknown store format"),
        ("store", b"schema_version = 1\n", StoreUnreadable, "unknown store format"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, data: bytes, error: type[StoreError], reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error) as caught:
        FileStore(path).read()
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)
    assert path.read_bytes() == data


def test_invalid_utf8_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    path.write_bytes(b'schema_version = 1\n\npurpose = "caf\xe9"\n')
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    assert [p.line for p in caught.value.problems] == [3]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "store.toml"
    with pytest.raises(StoreUnreadable) as caught:
        FileStore(path).read()
    assert str(path) in str(caught.value)
    assert "no such file" in str(caught.value)
    assert not path.parent.exists()


async def test_missing_file_async(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with pytest.raises(StoreUnreadable, match="no such file"):
        await FileStore(path).load()


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    path.mkdir()
    with pytest.raises(StoreUnreadable) as caught:
        FileStore(path).read()
    assert str(path) in str(caught.value)
    assert "directory" in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(saved: FileStore, path: Path) -> None:
    before = path.read_bytes()
    path.chmod(0)
    try:
        with pytest.raises(StoreUnreadable) as caught:
            FileStore(path).read()
        assert str(path) in str(caught.value)
        assert "permission denied" in str(caught.value)
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_every_store_error_is_a_store_error() -> None:
    for error in (StoreInvalid, StoreUnreadable, StoreConflict, StoreWriteFailed):
        assert issubclass(error, StoreError)


# --- the memory store ------------------------------------------------------------------


async def test_memory_store_edits_in_memory() -> None:
    memory = MemoryStore(sample_store(), location="demo")
    assert memory.persistent is False
    assert memory.location == "demo"
    assert await memory.load() == sample_store()

    after = await memory.save_implementation(implementation(4))
    assert [i.id for i in after.implementations] == ["IMP-0001", "IMP-0002", "IMP-0003", "IMP-0004"]
    after = await memory.save_implementation(implementation(2, customer="Changed"))
    assert after.implementations[1].customer == "Changed"
    after = await memory.delete_implementation("IMP-0001")
    assert [i.id for i in after.implementations] == ["IMP-0002", "IMP-0003", "IMP-0004"]
    assert await memory.load() == after

    reference = msgspec.structs.replace(after.reference, kpi=Kpi(target_days=20, at_risk_days=10))
    after = await memory.save_reference(reference)
    assert (await memory.load()).kpi.target_days == 20


async def test_memory_store_refuses_invalid_edits() -> None:
    memory = MemoryStore(sample_store())
    before = await memory.load()
    with pytest.raises(StoreInvalid) as caught:
        await memory.save_implementation(implementation(1, ie_owner="Nobody"))
    assert [p.path for p in caught.value.problems] == ["ie_owner"]
    with pytest.raises(StoreError, match="IMP-9999"):
        await memory.delete_implementation("IMP-9999")
    reference = before.reference
    with pytest.raises(StoreInvalid):
        await memory.save_reference(msgspec.structs.replace(reference, members=[]))
    assert await memory.load() == before


async def test_memory_store_does_not_change_the_store_it_was_given() -> None:
    original = sample_store()
    memory = MemoryStore(original)
    await memory.save_implementation(implementation(9))
    assert len(original.implementations) == 3
    assert isinstance(original, StoreFile)
    assert all(isinstance(i, Implementation) for i in original.implementations)


def test_permission_denied_is_reported(saved: FileStore, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check as above, simulated, so it also runs as root."""
    deny_reading(path, monkeypatch)
    with pytest.raises(StoreUnreadable) as caught:
        FileStore(path).read()
    assert str(path) in str(caught.value)
    assert "permission denied" in str(caught.value)


def test_loads_quickly_depends_on_size_and_format(tmp_path: Path) -> None:
    small = default_store(TODAY)
    assert MemoryStore(small).loads_quickly()
    many = msgspec.structs.replace(
        small,
        implementations=[
            msgspec.structs.replace(small.implementations[0], id=f"X{n}")
            for n in range(QUICK_IMPLEMENTATIONS + 1)
        ],
    )
    assert not MemoryStore(many).loads_quickly()
    for kind in ("toml", "json"):
        path = tmp_path / f"store.{kind}"
        assert not FileStore(path).loads_quickly()  # missing: the worker reports it
        path.write_bytes(b" " * QUICK_BYTES[kind])
        assert FileStore(path).loads_quickly()
        path.write_bytes(b" " * (QUICK_BYTES[kind] + 1))
        assert not FileStore(path).loads_quickly()
    assert QUICK_BYTES["toml"] < QUICK_BYTES["json"]  # TOML parses far slower


# --- files the app creates, JSON duplicate keys ---------------------------------------


def test_new_files_get_the_users_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        # The umask is read once per process; read it again for this test.
        import ps_tui.store.atomic as atomic_module

        atomic_module._UMASK = None
        FileStore(tmp_path / "store.toml").write(sample_store())
        assert stat.S_IMODE((tmp_path / "store.toml").stat().st_mode) == 0o644
    finally:
        os.umask(previous)
        atomic_module._UMASK = None


def test_nothing_but_the_backup_and_the_history_is_left_beside_the_store(
    saved: FileStore, path: Path
) -> None:
    saved.save_implementation_sync(implementation(7))
    saved.delete_implementation_sync("IMP-0007")
    history = f"{path.stem}.history.jsonl"
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, f"{path.name}.bak", history])


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("\n}\n", ',\n  "implementations": []\n}\n', "implementations"),
        (
            '"customer": "Customer 2",',
            '"customer": "Customer 2",\n      "customer": "Other",',
            "implementations[1].customer",
        ),
    ],
)
def test_a_duplicate_json_key_is_an_error_with_its_line(
    tmp_path: Path, old: str, new: str, where: str
) -> None:
    text = encode_store(sample_store(), "json").decode()
    assert text.count(old) == 1
    broken = text.replace(old, new)
    path = tmp_path / "store.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(StoreInvalid) as caught:
        FileStore(path).read()
    (problem,) = caught.value.problems
    duplicate = new.splitlines()[-1 if where == "implementations[1].customer" else 1]
    assert (problem.path, problem.line) == (where, broken.splitlines().index(duplicate) + 1)
    assert "duplicate key" in problem.message
    assert path.read_text(encoding="utf-8") == broken


def test_validate_checks_a_big_json_file_for_duplicate_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ps_tui.store.file as file_module

    text = encode_store(sample_store(), "json").decode().replace("\n}\n", ',\n  "implementations": []\n}\n')
    path = tmp_path / "store.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(file_module, "DUPLICATE_CHECK_BYTES", 10)
    assert len(FileStore(path).read().implementations) == 0  # too big to check on every load
    with pytest.raises(StoreInvalid):
        FileStore(path).read(thorough=True)
