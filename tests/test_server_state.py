"""The server's in-memory state, without HTTP: If-Match parsing, times, and
that a poll during a write cannot miss it."""

from __future__ import annotations

import asyncio
import datetime as dt

import msgspec
import pytest

from ps_tui.core.model import Implementation, StoreFile
from ps_tui.store.memory import MemoryStore
from tests.helpers import implementation, sample_store

pytest.importorskip("fastapi")

from ps_tui.server.errors import ApiError
from ps_tui.server.state import ServerState, if_match_allows, in_utc


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (None, True),
        ("*", True),
        ('"abc"', True),
        ("abc", True),
        ('"x", "abc"', True),
        ('W/"abc"', False),
        ('"abd"', False),
        ("", False),
        ('"', False),
    ],
)
def test_if_match(header: str | None, allowed: bool) -> None:
    assert if_match_allows(header, "abc") is allowed


def test_times_far_out_compare_instead_of_failing() -> None:
    early = dt.datetime.fromisoformat("0001-01-01T00:00:00+05:00")
    late = dt.datetime.fromisoformat("9999-12-31T23:59:59-05:00")
    assert in_utc(early) < in_utc(dt.datetime(2026, 1, 1)) < in_utc(late)
    assert in_utc(dt.datetime(2026, 1, 1)).tzinfo is dt.UTC


class GatedStore(MemoryStore):
    """Saves only once `gate` is set, so a test can look at a write in flight."""

    def __init__(self, store: StoreFile) -> None:
        super().__init__(store)
        self.gate = asyncio.Event()

    async def save_implementation(
        self, implementation: Implementation, *, who: str | None = None
    ) -> StoreFile:
        await self.gate.wait()
        return await super().save_implementation(implementation, who=who)


def page(state: ServerState, since: dt.datetime | None = None) -> tuple[list[str], dt.datetime, bool]:
    found = state.list_changes(status=None, owner=None, segment=None, since=since, limit=1000, offset=0)
    return [i.id for i in found.items], found.server_time, found.complete


async def test_a_poll_during_a_write_cannot_miss_it() -> None:
    store = GatedStore(sample_store(2))
    state = ServerState(store)
    await state.load()
    _, before, complete = page(state)
    assert page(state, before)[0] == [] and complete

    writing = asyncio.create_task(state.create(implementation(9)))
    for _ in range(100):  # let the write run until it waits for the gate
        if state._writing_since is not None or writing.done():
            break
        await asyncio.sleep(0)
    assert state._writing_since is not None, writing
    ids, during, _ = page(state)
    assert "IMP-0009" not in ids  # not saved yet...
    store.gate.set()
    saved = await writing
    # ...but the time this answer gives is not after the write's stamp, so
    # polling with it finds the write.
    assert saved.updated is not None and during <= saved.updated
    assert page(state, during)[0] == ["IMP-0009"]


async def test_changes_since_and_deletions() -> None:
    state = ServerState(MemoryStore(sample_store(3)))
    await state.load()
    _, since, _ = page(state)
    updated = await state.update(msgspec.structs.replace(implementation(2), notes="new"), None)
    await state.delete("IMP-0003", None)
    found = state.list_changes(status=None, owner=None, segment=None, since=since, limit=10, offset=0)
    assert [i.id for i in found.items] == ["IMP-0002"] and found.items[0] == updated
    assert found.deleted == ["IMP-0003"] and found.complete
    # Created again: no longer reported deleted.
    await state.create(implementation(3))
    again = state.list_changes(status=None, owner=None, segment=None, since=since, limit=10, offset=0)
    assert again.deleted == [] and [i.id for i in again.items] == ["IMP-0002", "IMP-0003"]
    # Before the store was loaded: the server cannot know, so not complete.
    assert not page(state, since - dt.timedelta(days=1))[2]


async def test_stale_if_match_is_refused_with_the_current_version() -> None:
    state = ServerState(MemoryStore(sample_store(1)))
    await state.load()
    with pytest.raises(ApiError) as refused:
        await state.update(implementation(1), '"0123"')
    assert refused.value.status == 412
    assert refused.value.body.current == implementation(1)
