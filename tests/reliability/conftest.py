"""Shared builders for the reliability suite, and a summary of its figures.

Each test adds what it did (kills survived, broken files tried, ...) to
`FIGURES`; the terminal summary prints them, so a CI log shows how much was
exercised, not only that it passed."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.model import Implementation, StoreFile
from tests.helpers import implementation, reference

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

#: What the suite exercised, printed at the end of the run.
FIGURES: Counter[str] = Counter()

#: Customers with accents, CJK, emoji and quotes, to be carried through every save.
CUSTOMERS = ["Société Générale", "東京メトロ", "Zürich Ümlaut AG", 'O\'Brien "Q" Ltd', "🚀 Rocket Co"]


def small_store(count: int = 40) -> StoreFile:
    """The bundled reference data with `count` valid implementations, arr 0."""
    impls = [
        implementation(n, arr=0, customer=f"{CUSTOMERS[n % len(CUSTOMERS)]} {n}") for n in range(1, count + 1)
    ]
    return msgspec.structs.replace(reference(), implementations=impls)


def by_id(store: StoreFile) -> dict[str, Implementation]:
    return {impl.id: impl for impl in store.implementations}


def temp_files(path: Path) -> list[str]:
    """The save's temporary files beside `path` (`.NAME.*.tmp`)."""
    prefix = f".{path.name}."
    return sorted(
        p.name for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")
    )


def child_env() -> dict[str, str]:
    """The environment for a child Python: this checkout first on the path,
    no PS_TUI_* settings, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PS_TUI_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NO_COLOR"] = "1"
    return env


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


_ANSI = re.compile(r"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def plain(text: str) -> str:
    """`text` without terminal escape sequences."""
    return _ANSI.sub("", text)


#: Address space allowed to each ps-tui child: a broken store must be refused
#: without a machine's worth of memory (and several children run at once).
MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a child with no TTY (stdin from /dev/null) and at most
    MEMORY_LIMIT of memory, capturing both streams."""
    return subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        env=child_env(),
        cwd=ROOT,
        check=False,
        preexec_fn=_limit_memory,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
