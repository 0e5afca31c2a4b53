"""Shared builders for the non-UI tests: small valid stores, raw dicts and
directory snapshots. Kept out of conftest.py on purpose (plain imports)."""

from __future__ import annotations

import copy
import datetime as dt
import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ps_tui.core.model import SCHEMA_VERSION, Implementation, Milestone, Risk, Status, StoreFile
from ps_tui.data import reference_store

#: A fixed "today" so every date-dependent test is reproducible.
TODAY = dt.date(2025, 6, 1)

_REFERENCE: StoreFile | None = None


def reference() -> StoreFile:
    """The bundled reference store (parsed once per test session)."""
    global _REFERENCE
    if _REFERENCE is None:
        _REFERENCE = reference_store()
    return _REFERENCE


def implementation(number: int = 1, **changes: Any) -> Implementation:
    """A valid implementation against the bundled reference data."""
    fields: dict[str, Any] = {
        "id": f"IMP-{number:04d}",
        "customer": f"Customer {number}",
        "segment": "enterprise",
        "developers": 800,
        "arr": 120_000,
        "status": Status.ACTIVE,
        "kickoff": dt.date(2025, 5, 1),
        "ie_owner": "Louis Jarvis",
        "project_manager": "Andrew Norrish",
        "milestones": [
            Milestone(
                key="kickoff", planned=dt.date(2025, 5, 1), actual=dt.date(2025, 5, 1), owner="Marc LeBlanc"
            ),
            Milestone(key="infrastructure", planned=dt.date(2025, 5, 7)),
        ],
        "risks": [Risk(text="Security review pending", opened=dt.date(2025, 5, 3))],
    }
    fields.update(changes)
    return Implementation(**fields)


def sample_store(count: int = 3) -> StoreFile:
    """The reference data with `count` valid implementations."""
    return msgspec.structs.replace(
        reference(), implementations=[implementation(n) for n in range(1, count + 1)]
    )


def to_raw(store: StoreFile) -> dict[str, Any]:
    """A store as the plain data a TOML/JSON parser would give (dates as strings).

    `schema_version` is added explicitly because `omit_defaults` drops it."""
    data = msgspec.to_builtins(store)
    return {"schema_version": SCHEMA_VERSION, **data}


_RAW: dict[str, Any] | None = None


def raw_store() -> dict[str, Any]:
    """A fresh, deep-copied raw valid store with two implementations:

    0: active, enterprise, ie_owner Louis Jarvis, milestone[0] owner Marc LeBlanc
    1: completed, production_ready after kickoff
    """
    global _RAW
    if _RAW is None:
        completed = implementation(
            2,
            status=Status.COMPLETED,
            kickoff=dt.date(2025, 1, 10),
            production_ready=dt.date(2025, 2, 5),
        )
        store = msgspec.structs.replace(reference(), implementations=[implementation(1), completed])
        _RAW = to_raw(store)
    return copy.deepcopy(_RAW)


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every entry of `directory` (recursively) and its bytes; None for directories."""
    found: dict[str, bytes | None] = {}
    for path in sorted(directory.rglob("*")):
        name = str(path.relative_to(directory))
        found[name] = None if path.is_dir() else path.read_bytes()
    return found


def deny_reading(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make opening `path` fail with EACCES, as the kernel would for anyone
    but root (who may read any file, so `chmod 000` cannot test this)."""
    real = os.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> int:
        if Path(file) == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)


def python_answer(code: str, timeout: float = 60) -> Any:
    """Run `code` in a fresh interpreter; the JSON its last line prints."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
