"""Parent side: run one measurement in a fresh interpreter and read its JSON back.

Every measurement is a new `python` process, so imports, caches, the heap and
the garbage collector's state never carry over from one measurement to the
next. The child prints one line starting with `RESULT_MARK` followed by JSON.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The repository root: children run here so `ps_tui` and `bench` import.
ROOT = Path(__file__).resolve().parent.parent
#: The line prefix a child prints its result after.
RESULT_MARK = "BENCH-RESULT "


@dataclass
class ChildResult:
    """What one child process reported."""

    #: The parent's `time.perf_counter()` just before the child was spawned
    #: (CLOCK_MONOTONIC on Linux, so comparable with the child's clock).
    spawned: float
    data: dict[str, Any] = field(default_factory=dict)
    #: Why there is no result (timeout, crash, ...), or None.
    error: str | None = None
    #: Set when the child could not run its variant at all (a missing
    #: optional package): reported in the row instead of a figure.
    unavailable: str | None = None


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for every child: the parent's, without Textual's
    switches (devtools, debug logging, frame rate) or ps-tui's own (a store,
    a server, a config named there), plus `extra`. Children run in ROOT,
    which `python -c` and `python -m` put on sys.path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PS_TUI_"))}
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra or {})
    return env


def run(argv: list[str], timeout: float, env: dict[str, str] | None = None) -> ChildResult:
    """Run `argv` (a Python child) and parse its result line.

    On timeout the child's whole process group (it runs in its own session) is
    killed by its id."""
    environment = child_env(env)
    spawned = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return ChildResult(spawned, error=f"timeout after {timeout:.0f} s")
    lines = [line for line in out.splitlines() if line.startswith(RESULT_MARK)]
    if not lines:
        tail = (err.strip().splitlines() or [f"exit code {proc.returncode}, no result"])[-1]
        return ChildResult(spawned, error=f"child failed: {tail}"[:200])
    data = json.loads(lines[-1][len(RESULT_MARK) :])
    if "unavailable" in data:
        return ChildResult(spawned, data, unavailable=str(data["unavailable"]))
    if "error" in data:
        return ChildResult(spawned, data, error=str(data["error"])[:200])
    return ChildResult(spawned, data)


def run_measurement(
    name: str, params: dict[str, Any], timeout: float, env: dict[str, str] | None = None
) -> ChildResult:
    """Run `bench.child` measurement `name` with `params` in a fresh process."""
    argv = [sys.executable, "-m", "bench.child", name, json.dumps(params)]
    return run(argv, timeout, env)


def run_script(script: str, timeout: float, env: dict[str, str] | None = None) -> ChildResult:
    """Run `python -c script` in a fresh process (the launch case)."""
    return run([sys.executable, "-c", script], timeout, env)
