"""A corpus of broken store files, each given to `ps-tui` (the TUI, without a
terminal), `ps-tui validate` and `ps-tui list` as real processes.

Every one must exit 2 with a precise message (the file, the line where the
format tells it, the field path), never show a traceback, and leave the file
(and its directory) exactly as it was: same bytes, same mtime, nothing added.

`ps-tui` without a terminal (stdin from /dev/null, output to pipes) starts
the app, whose first load fails and exits 2 with the reason on stderr; no
check before the app starts was needed. That message follows the app's
screen output and is wrapped to 80 columns, so it is compared without
escapes and whitespace. Every child runs with at most MEMORY_LIMIT of memory.
"""

from __future__ import annotations

import os
import random
import re
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ps_tui.store.file import encode_store
from tests.reliability.conftest import FIGURES, HERE, plain, python, run, small_store

#: The three ways a store is opened, each as a separate process.
COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "tui": lambda path: python("-m", "ps_tui", "--store", str(path)),
    "validate": lambda path: python("-m", "ps_tui", "validate", str(path)),
    "list": lambda path: python("-m", "ps_tui", "list", "--store", str(path)),
}


@dataclass
class Case:
    """A broken store: its file name, its bytes (None: build it by `make`),
    and the pieces its error message must contain."""

    name: str
    filename: str
    data: bytes | None
    expect: list[str]
    make: Callable[[Path], None] | None = None
    commands: list[str] = field(default_factory=lambda: list(COMMANDS))


def valid_text(kind: str) -> str:
    return encode_store(small_store(3), kind).decode("utf-8")


def line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def mutate(text: str, anchor: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first `old` after `anchor`; the text and that line."""
    start = text.index(anchor)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :], line_at(text, at)


def cut(text: str, anchor: str, keep: int) -> tuple[str, int]:
    """`text` cut `keep` characters into `anchor`; the text and that line."""
    at = text.index(anchor) + keep
    return text[:at], line_at(text, at)


def build_cases() -> list[Case]:
    toml, json_ = valid_text("toml"), valid_text("json")
    cases: list[Case] = []

    text, line = cut(toml, 'customer = "Zürich', len('customer = "Zür'))
    cases.append(Case("truncated-toml", "store.toml", text.encode(), [f"store.toml:{line}:", "TOML syntax"]))

    text, line = cut(json_, '"customer": "Zürich', len('"customer": "Zür'))
    cases.append(Case("truncated-json", "store.json", text.encode(), [f"store.json:{line}:", "JSON syntax"]))

    text, line = mutate(toml, 'id = "IMP-0002"', "developers = 800", 'developers = "many"')
    cases.append(
        Case(
            "wrong-type-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "implementations[1].developers", "expected a whole number, got text"],
        )
    )

    text, line = mutate(json_, '"id": "IMP-0003"', '"developers": 800', '"developers": [800]')
    cases.append(
        Case(
            "wrong-type-json",
            "store.json",
            text.encode(),
            [f"store.json:{line}:", "implementations[2].developers", "got a list"],
        )
    )

    text, line = mutate(
        toml, 'id = "IMP-0001"', 'segment = "enterprise"', 'colour = "blue"\nsegment = "enterprise"'
    )
    cases.append(
        Case(
            "unknown-key-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "implementations[0].colour", "unknown field"],
        )
    )

    text, line = mutate(
        json_, '"schema_version"', '"schema_version": 1,', '"schema_version": 1,\n  "bogus": true,'
    )
    cases.append(
        Case(
            "unknown-key-json",
            "store.json",
            text.encode(),
            [f"store.json:{line + 1}:", "bogus: unknown field"],
        )
    )

    text, line = mutate(toml, 'id = "IMP-0003"', 'id = "IMP-0003"', 'id = "IMP-0001"')
    cases.append(
        Case(
            "duplicate-id-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "implementations[2].id", "duplicate implementation id 'IMP-0001'"],
        )
    )

    text, line = mutate(json_, '"id": "IMP-0002"', '"kickoff": "2025-05-01"', '"kickoff": "2025-02-30"')
    cases.append(
        Case(
            "bad-date-json",
            "store.json",
            text.encode(),
            [f"store.json:{line}:", "implementations[1].kickoff", "not a valid date"],
        )
    )

    text, line = mutate(toml, 'id = "IMP-0002"', "kickoff = 2025-05-01", "kickoff = 2025-02-30")
    cases.append(Case("bad-date-toml", "store.toml", text.encode(), [f"store.toml:{line}:", "TOML syntax"]))

    text, line = mutate(toml, 'id = "IMP-0002"', 'status = "active"', 'status = "done"')
    cases.append(
        Case(
            "bad-choice-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "implementations[1].status", "'done' is not one of the allowed values"],
        )
    )

    text, line = mutate(toml, "[[members]]", "role =", "capacity_hours = -5\nrole =")
    cases.append(
        Case(
            "reference-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "members[0].capacity_hours", "must be a whole number >= 0"],
        )
    )

    text, line = mutate(toml, "schema_version", "schema_version = 1", "schema_version = 99")
    cases.append(
        Case(
            "newer-schema-toml",
            "store.toml",
            text.encode(),
            [f"store.toml:{line}:", "schema_version: 99 is newer"],
        )
    )

    raw = toml.encode()
    at = raw.index("Zürich".encode())
    bad = raw[:at] + b"Z\xfc" + raw[at + len("Zü".encode()) :]  # Latin-1 ü in a UTF-8 file
    line = raw.count(b"\n", 0, at) + 1
    cases.append(
        Case(
            "invalid-utf8-toml",
            "store.toml",
            bad,
            [f"store.toml:{line}:", f"not valid UTF-8 (byte {at + 1})"],
        )
    )

    cases.append(Case("empty-toml", "store.toml", b"", ["store.toml:1:", "the file is empty"]))
    cases.append(Case("blank-json", "store.json", b"  \n\t\n", ["store.json:1:", "the file is empty"]))
    cases.append(
        Case("array-json", "store.json", b"[1, 2, 3]\n", ["store.json", "must be a table/object, got list"])
    )
    cases.append(Case("nested-json", "store.json", b"[" * 100_000, ["store.json", "JSON syntax"]))
    garbage = bytes(random.Random(7).randrange(256) for _ in range(4096))
    cases.append(Case("garbage-json", "store.json", garbage, ["store.json:", "not valid UTF-8"]))
    cases.append(Case("nul-bytes-toml", "store.toml", b"\x00" * 64, ["store.toml:1:", "TOML syntax"]))
    cases.append(Case("wrong-extension", "store.yaml", toml.encode(), ["store.yaml", "unknown store format"]))
    cases.append(
        Case("directory", "store.toml", None, ["store.toml", "is a directory"], make=lambda p: p.mkdir())
    )
    cases.append(Case("missing", "store.json", None, ["store.json", "no such file"], make=lambda p: None))
    return cases


CASES = build_cases()


def snapshot(directory: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under `directory`: its bytes (None for a directory) and mtime."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        body = None if stat.S_ISDIR(info.st_mode) else path.read_bytes()
        found[str(path.relative_to(directory))] = (body, info.st_mtime_ns)
    return found


def squeeze(text: str) -> str:
    """`text` without escapes or whitespace: the TUI's exit message is
    wrapped to the terminal width, which may break lines anywhere."""
    return re.sub(r"\s+", "", plain(text))


def check_refused(path: Path, expect: list[str], commands: list[str]) -> None:
    """Run each command on `path` at once; each exits 2 with every piece of
    `expect` in its output, no traceback, and the directory untouched."""
    before = snapshot(path.parent)
    with ThreadPoolExecutor(len(commands)) as pool:
        results = dict(zip(commands, pool.map(lambda c: run(COMMANDS[c](path)), commands), strict=True))
    for command, result in results.items():
        output = result.stdout + result.stderr
        where = f"{command} on {path.name}: {plain(output)[-2000:]}"
        assert result.returncode == 2, where
        assert "Traceback" not in output, where
        if command == "tui":
            # The reason goes to stderr (the app's exit message).
            assert all(squeeze(piece) in squeeze(result.stderr) for piece in expect), where
        else:
            assert all(piece in output for piece in expect), where
    assert snapshot(path.parent) == before, "reading a broken store changed something on disk"
    FIGURES["bad files: broken stores tried"] += 1
    FIGURES["bad files: refusals checked (exit 2, message, file untouched)"] += len(commands)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_store_is_refused_precisely(tmp_path: Path, case: Case) -> None:
    path = tmp_path / case.filename
    if case.make is not None:
        case.make(path)
    else:
        assert case.data is not None
        path.write_bytes(case.data)
    check_refused(path, case.expect, case.commands)


def test_fifty_megabyte_store_with_a_bad_field_at_the_end(tmp_path: Path) -> None:
    """A valid-looking 50 MB JSON store: one huge note, then a bad number of
    developers in the last implementation. Refused within MEMORY_LIMIT."""
    text = valid_text("json")
    anchor = '"id": "IMP-0003"'
    text, _ = mutate(text, anchor, '"segment":', '"notes": "' + "x" * 50_000_000 + '",\n      "segment":')
    text, line = mutate(text, anchor, '"developers": 800', '"developers": -800')
    path = tmp_path / "store.json"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    check_refused(
        path,
        [f"store.json:{line}:", "implementations[2].developers", "must be a whole number >= 0"],
        list(COMMANDS),
    )


def test_fifty_megabyte_store_cut_short(tmp_path: Path) -> None:
    """The same 50 MB store, cut off before its end: a syntax error, with
    the line the parser gives."""
    text = valid_text("json")
    anchor = '"id": "IMP-0003"'
    text, _ = mutate(text, anchor, '"segment":', '"notes": "' + "y" * 50_000_000 + '",\n      "segment":')
    end = text.index('"risks": [', text.index(anchor)) + len('"risks": [')
    text, line = text[:end], line_at(text, end)
    path = tmp_path / "store.json"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 50_000_000
    check_refused(path, [f"store.json:{line}:", "JSON syntax"], list(COMMANDS))


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads any file: chmod 000 cannot deny it (see the next test)"
)
def test_unreadable_store(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    path.write_text(valid_text("toml"), encoding="utf-8")
    path.chmod(0)
    try:
        check_refused(path, ["store.toml", "permission denied"], list(COMMANDS))
    finally:
        path.chmod(0o600)


def test_unreadable_store_simulated(tmp_path: Path) -> None:
    """The same refusal, with the store's open() failing with EACCES in the
    child (child_denied.py), so that it also runs as root."""
    path = tmp_path / "store.toml"
    path.write_text(valid_text("toml"), encoding="utf-8")
    before = snapshot(tmp_path)
    denied = str(HERE / "child_denied.py")
    argvs = {
        "tui": python(denied, str(path), "--store", str(path)),
        "validate": python(denied, str(path), "validate", str(path)),
        "list": python(denied, str(path), "list", "--store", str(path)),
    }
    with ThreadPoolExecutor(3) as pool:
        results = dict(zip(argvs, pool.map(run, argvs.values()), strict=True))
    for command, result in results.items():
        output = result.stdout + result.stderr
        where = f"{command}: {plain(output)[-2000:]}"
        assert result.returncode == 2, where
        assert "Traceback" not in output, where
        assert squeeze(f"{path}: permission denied") in squeeze(output), where
    assert snapshot(tmp_path) == before
    FIGURES["bad files: broken stores tried"] += 1
    FIGURES["bad files: refusals checked (exit 2, message, file untouched)"] += 3
