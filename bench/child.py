"""Child side: `python -m bench.child NAME PARAMS_JSON` runs one measurement in
this fresh process and prints `BENCH-RESULT {json}` as its last line.

A result is {"samples": [seconds, ...], "extra": {...}}; {"unavailable": why}
when an optional package is missing; {"error": why} when the measurement broke.
Everything a measurement needs as input is prepared before its clock starts.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.runner import RESULT_MARK

TODAY = dt.date(2026, 11, 30)
Result = dict[str, Any]


def _settle() -> None:
    """Collect garbage and freeze what survives, so that the input prepared
    before the clock starts is not walked by the collector during the timed
    part (ps-tui's own loader freezes its heap the same way)."""
    gc.collect()
    gc.freeze()


# -- store loads -------------------------------------------------------------------


def load(path: str, variant: str, source: list[str] | None = None) -> Result:
    """One load of the store at `path`.

    ps-tui: `FileStore(path).read()`: read, parse, validate, fingerprint.
    msgspec-untyped: read the bytes and `msgspec.json.decode` them into plain
    dicts and lists (no types, no validation).
    tomllib: `tomllib.loads` of the text alone (read before the clock starts).
    remote...: `RemoteStore.load()` from `ps-tui serve SOURCE` (default: `--store PATH`).
    """
    file = Path(path)
    if variant == "ps-tui":
        from ps_tui.store.file import FileStore

        store = FileStore(file)
        _settle()
        start = time.perf_counter()
        data = store.read()
        elapsed = time.perf_counter() - start
        return {"samples": [elapsed], "extra": {"implementations": len(data.implementations)}}
    if variant == "msgspec-untyped":
        import msgspec

        _settle()
        start = time.perf_counter()
        raw = msgspec.json.decode(file.read_bytes())
        elapsed = time.perf_counter() - start
        return {"samples": [elapsed], "extra": {"implementations": len(raw["implementations"])}}
    if variant == "tomllib":
        import tomllib

        text = file.read_text(encoding="utf-8")
        _settle()
        start = time.perf_counter()
        raw = tomllib.loads(text)
        elapsed = time.perf_counter() - start
        return {"samples": [elapsed], "extra": {"implementations": len(raw["implementations"])}}
    if variant.startswith("remote"):
        return _remote_load(source or ["--store", str(file)])
    raise ValueError(f"unknown load variant {variant!r}")


def _remote_load(source: list[str]) -> Result:
    """`RemoteStore.load()` from a real `ps-tui serve SOURCE` on 127.0.0.1
    (started and stopped outside the clock)."""
    import asyncio
    import tempfile

    from bench.serving import serving
    from ps_tui.store.http import RemoteStore

    with serving(source) as url, tempfile.TemporaryDirectory() as cache:
        store = RemoteStore(url, cache_dir=Path(cache))

        async def timed() -> tuple[float, int]:
            start = time.perf_counter()
            data = await store.load()
            elapsed = time.perf_counter() - start
            await store.aclose()
            return elapsed, len(data.implementations)

        _settle()
        elapsed, count = asyncio.run(timed())
    return {"samples": [elapsed], "extra": {"implementations": count}}


# -- TOML save ---------------------------------------------------------------------


def toml_save(path: str, variant: str, repeats: int) -> Result:
    """Saving one edited implementation into a TOML store, `repeats` times.

    ps-tui: `FileStore.save_implementation_sync` on a copy of the store (lock,
    conflict check, upsert, the surgical edit of the text, atomic write with
    fsync, backup).
    whole-file: the save path before surgical saves, on the same copy: the
    same conflict check and upsert, then the whole store encoded with
    `tomli_w` and written the same way (atomic, fsync, backup).
    """
    import hashlib

    import msgspec
    import tomli_w

    from ps_tui.core import portfolio
    from ps_tui.store.atomic import atomic_write
    from ps_tui.store.file import FileStore

    source = Path(path)
    workdir = Path(tempfile.mkdtemp(prefix="save-", dir=source.parent))
    try:
        copy = workdir / source.name
        shutil.copyfile(source, copy)
        store = FileStore(copy)
        data = store.read()
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        samples = []
        for number in range(repeats):
            impl = data.implementations[number * 7 % len(data.implementations)]
            edited = msgspec.structs.replace(impl, notes=f"Edited by the benchmark, round {number}.")
            if variant == "ps-tui":
                _settle()
                start = time.perf_counter()
                data = store.save_implementation_sync(edited)
                samples.append(time.perf_counter() - start)
            elif variant == "whole-file":
                _settle()
                start = time.perf_counter()
                if hashlib.sha256(copy.read_bytes()).hexdigest() != digest:
                    raise RuntimeError("the copy changed under the benchmark")
                data = portfolio.upsert(data, edited)
                plain = msgspec.to_builtins(data, builtin_types=(dt.date, dt.datetime))
                body = tomli_w.dumps({"schema_version": plain.pop("schema_version", 1), **plain}).encode()
                atomic_write(copy, body)
                digest = hashlib.sha256(body).hexdigest()
                samples.append(time.perf_counter() - start)
            else:
                raise ValueError(f"unknown save variant {variant!r}")
        return {"samples": samples, "extra": {"bytes": copy.stat().st_size}}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _plain_kpi(implementations: Any, today: dt.date) -> tuple[float | None, float | None]:
    """Median and nearest-rank p90 of completed durations, in plain Python."""
    from ps_tui.core.model import Status

    completed = Status.COMPLETED
    durations = sorted(
        (impl.production_ready - impl.kickoff).days
        for impl in implementations
        if impl.status is completed
        and impl.kickoff is not None
        and impl.production_ready is not None
        and impl.production_ready <= today
    )
    n = len(durations)
    if not n:
        return None, None
    mid = n // 2
    median = float(durations[mid]) if n % 2 else (durations[mid - 1] + durations[mid]) / 2
    p90 = float(durations[max(1, math.ceil(n * 9 / 10)) - 1])
    return median, p90


def kpi(path: str, variant: str, repeats: int) -> Result:
    """The all-time KPI over the store at `path`, `repeats` times.

    ps-tui: `compute_kpis(store, today)` (which assesses the active
    implementations with `assess_all`, and computes median, p90, mean, share
    within target, monthly trend and histogram). plain: the median and p90 of
    the same durations from a sorted list."""
    from ps_tui.core.kpi import compute_kpis
    from ps_tui.store.file import FileStore

    data = FileStore(Path(path)).read()
    function: Callable[[], tuple[float | None, float | None]]
    if variant == "ps-tui":

        def function() -> tuple[float | None, float | None]:
            figures = compute_kpis(data, TODAY)
            return figures.median, figures.p90

    elif variant == "plain":

        def function() -> tuple[float | None, float | None]:
            return _plain_kpi(data.implementations, TODAY)

    else:
        raise ValueError(f"unknown kpi variant {variant!r}")
    samples = []
    answer: tuple[float | None, float | None] = (None, None)
    for _ in range(repeats):
        _settle()
        start = time.perf_counter()
        answer = function()
        samples.append(time.perf_counter() - start)
    return {"samples": samples, "extra": {"median": answer[0], "p90": answer[1]}}


# -- headless commands -------------------------------------------------------------


def headless(path: str, command: list[str], sigint: str) -> Result:
    """One `python -m ps_tui COMMAND --store PATH --today 2026-11-30` run from
    a pseudo-terminal, as a user runs it: wall time from fork to exit, and the
    command's peak RSS.

    sigint "default" leaves SIGINT as a terminal leaves it (Python installs
    its KeyboardInterrupt handler); "ignored" ignores it before the exec, as
    `bash -c "trap '' INT; ..."` does, which is what CPython 3.11's
    asyncio.run (#112559) is slow without."""
    import os
    import pty
    import signal

    argv = [sys.executable, "-m", "ps_tui", *command, "--store", path, "--today", TODAY.isoformat()]
    _settle()
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the command, on the pseudo-terminal
        if sigint == "ignored":
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.execv(sys.executable, argv)
    size = 0
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:  # EIO: the command has closed the terminal
            break
        if not chunk:
            break
        size += len(chunk)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return {"error": f"{' '.join(command)} exited with {code}"}
    return {"samples": [elapsed], "extra": {"rss_mib": usage.ru_maxrss / 1024, "output_bytes": size}}


# -- TUI cases ---------------------------------------------------------------------


def writes(**params: Any) -> Result:
    """Concurrent writes through a real server; see bench.writes."""
    from bench import writes as write_cases

    return write_cases.measure(**params)


def tui(path: str, op: str, variant: str, **params: Any) -> Result:
    """A TUI measurement; see bench.tui."""
    from bench import tui as tui_cases

    return tui_cases.measure(Path(path), op, variant, **params)


def big(path: str, variant: str) -> Result:
    """The big-store case; see bench.big."""
    from bench import big as big_case

    return big_case.measure(Path(path), variant)


MEASUREMENTS: dict[str, Callable[..., Result]] = {
    "big": big,
    "load": load,
    "toml_save": toml_save,
    "kpi": kpi,
    "headless": headless,
    "tui": tui,
    "writes": writes,
}


def main(argv: list[str]) -> int:
    name, params = argv[1], json.loads(argv[2])
    try:
        result = MEASUREMENTS[name](**params)
    except Exception as error:
        traceback.print_exc()
        result = {"error": f"{type(error).__name__}: {error}"}
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
