"""What `ps-tui import` writes costs the same for each row at any size of
store. Into a file, the rows are one save: inserted one after the other,
each copied and searched the whole list, so 1,000 rows into a file of
100,000 took 26 s, 20 ms a row. Through a server, the client searched its
copy for every implementation it created (30 s for the same rows against
a database). The work is counted (the lines of ps-tui's code run), not
timed."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import msgspec

import ps_tui
from bench.generate import generate
from ps_tui.core.model import Implementation
from ps_tui.store.file import FileStore
from ps_tui.store.http import RemoteStore
from ps_tui.store.json_edit import dump_store

SMALL, LARGE = 300, 3_000
PACKAGE = str(Path(ps_tui.__file__).parent)


def lines_run(call: Callable[[], object]) -> int:
    """How many lines of ps-tui's own code `call()` runs."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += event == "line"
        return local

    def enter(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(enter)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def new_ones(count: int) -> list[Implementation]:
    template = generate(1).implementations[0]
    return [msgspec.structs.replace(template, id=f"NEW-{n}", customer=f"Imported {n}") for n in range(count)]


def work_per_implementation(tmp_path: Path, size: int) -> float:
    """The lines run for each implementation more in one save, over a
    store of `size`."""
    work = {}
    for count in (1, 41):
        path = tmp_path / f"{size}-{count}.json"
        path.write_text(dump_store(generate(size)), encoding="utf-8")
        store = FileStore(path)
        store.read()
        wanted = new_ones(count)
        work[count] = lines_run(lambda: store.save_implementations_sync(wanted))  # noqa: B023
        saved = FileStore(path).read().implementations
        assert [impl.id for impl in saved[size:]] == [impl.id for impl in wanted]
    return (work[41] - work[1]) / 40


def test_saving_many_at_once_passes_over_the_store_once(tmp_path: Path) -> None:
    small, large = (work_per_implementation(tmp_path, size) for size in (SMALL, LARGE))
    assert large < 1.5 * small, (small, large)


async def save(store: RemoteStore, implementations: list[Implementation]) -> None:
    for implementation in implementations:
        await store.save_implementation(implementation)


def test_a_client_adds_what_it_created_without_searching_its_copy(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        status = 201 if request.method == "POST" else 200
        return httpx.Response(status, content=request.content, headers={"Content-Type": "application/json"})

    work = {}
    for size in (SMALL, LARGE):
        store = RemoteStore(
            "http://server.test", "token", cache_dir=tmp_path, transport=httpx.MockTransport(answer)
        )
        store._remember(generate(size))
        wanted = new_ones(5)
        edited = msgspec.structs.replace(generate(size).implementations[size // 2], notes="edited")
        work[size] = lines_run(lambda: asyncio.run(save(store, wanted)))  # noqa: B023
        asyncio.run(save(store, [edited]))  # an update still replaces its own
        asyncio.run(store.aclose())
        assert store._data is not None
        saved = store._data.implementations
        assert [impl.id for impl in saved[size:]] == [impl.id for impl in wanted]
        assert saved[size // 2] == edited and len(saved) == size + 5
    assert work[LARGE] < 1.5 * work[SMALL], work
