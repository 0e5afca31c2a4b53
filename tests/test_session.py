"""The headless layer: loading without a big value through asyncio.run, the
KPI window's one rule, and problems each front end words its own way."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from ps_tui import session
from ps_tui.config import Settings
from ps_tui.core.model import StoreFile
from ps_tui.data import default_store
from ps_tui.store.base import Progress
from ps_tui.store.file import FileStore
from ps_tui.store.memory import MemoryStore
from tests.conftest import TODAY


def test_files_and_memory_load_without_an_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: Coroutine[Any, Any, Any]) -> None:
        raise AssertionError("asyncio.run")

    monkeypatch.setattr(asyncio, "run", refuse)
    data = default_store(TODAY)
    path = tmp_path / "store.json"
    FileStore(path).write(data)
    assert session.load_store(FileStore(path)) == data
    assert session.load_store(MemoryStore(data)) is data
    demo = session.open_store(Settings(today=TODAY))
    assert isinstance(demo, MemoryStore)
    assert len(session.load_portfolio(demo, TODAY).data.implementations) == len(data.implementations)


class LoopOnlyStore:
    """A store that loads only in an event loop, as a remote one does."""

    def __init__(self, data: StoreFile) -> None:
        self.data = data
        self.closed = False

    async def load(self, progress: Progress | None = None) -> StoreFile:
        await asyncio.sleep(0)
        return self.data

    async def aclose(self) -> None:
        self.closed = True


def test_a_store_that_needs_a_loop_returns_nothing_through_asyncio_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CPython 3.11 (#112559) builds a repr() of what asyncio.run returns.
    returned: list[object] = []
    real_run = asyncio.run

    def run(main: Coroutine[Any, Any, Any]) -> Any:
        result = real_run(main)
        returned.append(result)
        return result

    monkeypatch.setattr(asyncio, "run", run)
    data = default_store(TODAY)
    store = LoopOnlyStore(data)
    assert session.load_store(store) is data  # type: ignore[arg-type]
    assert returned == [None]
    assert store.closed


@pytest.mark.parametrize(
    ("text", "days"),
    [("90", 90), (" 30 ", 30), ("all", None), ("ALL", None), ("1", 1), ("36500", 36500), ("0" * 50 + "7", 7)],
)
def test_windows(text: str, days: int | None) -> None:
    assert session.parse_window(text) == days


@pytest.mark.parametrize(
    "text", ["0", "000", "-3", "36501", "٩٠", "²", "1.5", "", "soon", "9" * 5000], ids=lambda text: text[:8]
)
def test_bad_windows(text: str) -> None:
    with pytest.raises(session.RequestProblem) as caught:
        session.parse_window(text)
    problem = caught.value
    assert problem.fields == ("window",)
    assert problem.worded({"window": "--window"}).startswith(f"--window {text!r}: give a number of days")
    assert str(problem).startswith(f"window {text!r}: ")


def test_a_problem_names_inputs_as_each_front_end_calls_them() -> None:
    data = default_store(TODAY)
    with pytest.raises(session.RequestProblem) as caught:
        session.lookup(data, session.customer_index(data), session.LookupRequest(arr="90k"))
    problem = caught.value
    assert problem.fields == ("arr", "customer", "segment", "developers")
    assert str(problem) == "arr alone does not decide the segment: add customer, segment or developers"
    names = {"arr": "--arr", "customer": "a CUSTOMER", "segment": "--segment", "developers": "--developers"}
    assert problem.worded(names) == (
        "--arr alone does not decide the segment: add a CUSTOMER, --segment or --developers"
    )


def test_list_flags_combine_with_the_filter_as_tokens_do() -> None:
    portfolio = session.load_portfolio(MemoryStore(default_store(TODAY)), TODAY)
    listing = session.Listing(portfolio)
    typed = listing.select(session.ListRequest(status=None, filter='status:"on-hold" status:planned'))
    flagged = listing.select(session.ListRequest(status="planned", filter='status:"on-hold"'))
    assert typed == flagged and typed
    with pytest.raises(session.RequestProblem) as caught:
        listing.select(session.ListRequest(status="sleeping"))
    assert caught.value.fields == ("status",)
