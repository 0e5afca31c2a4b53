"""Long computations in short steps, so that the UI thread never waits on one.

A computation is written as a generator that yields between steps of a few
milliseconds each (`Steps`) and returns its answer. `Sliced` holds one under
way: a screen advances it for a few milliseconds, gives the event loop a
turn (keys, frames), and goes on, or drops it when newer input makes its
answer useless. Anything that needs the answer sooner (a key that needs the
fuzzy index) advances the same `Sliced`, so no work is done twice, and
`finish` runs what is left at once where an answer is needed now.

Threads are no help here: the work is Python code that holds the GIL, so a
worker thread would stall the UI thread as long, in more and longer pieces.
"""

from __future__ import annotations

import bisect
import contextlib
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

#: A computation in steps: yields None between steps, returns its answer.
Steps = Generator[None, None, T]

#: Seconds of work between two turns of the event loop (a frame is 16.7 ms).
SLICE = 0.008
#: Seconds a key's own work may run before its first turn: most keys are
#: done within it, without waiting a turn (and a frame) for the rest.
FIRST_SLICE = 0.020

#: Turns of the event loop a computation in slices gives between two of
#: them. One turn lets each thing waiting run one step, and a key or a
#: timer goes through several (a timer's callback, then its task; a key
#: from the app to the screen to the focus): with one turn each waited a
#: slice per step, and three slices of 8 ms in a row kept a 5 ms timer
#: 40-55 ms late at 1,000,000 rows. A turn with nothing waiting costs
#: microseconds; a timed sleep instead cost the work in slices half again.
TURNS = 4

#: How many items one step handles at most (sorting, reading rows).
CHUNK = 12_500
#: Up to this many rows, a step of CHUNK rows stays within a few slices.
CHUNK_ROWS = 100_000


def chunk_for(rows: int, chunk: int = CHUNK) -> int:
    """How many items a step over `rows` rows handles: `chunk` up to
    CHUNK_ROWS rows, fewer beyond. The rows of a bigger store lie over a
    bigger heap, and each item costs more cache misses: at 1,000,000 rows a
    step of 12,500 took 30 to 60 ms, against 10 ms at 100,000."""
    if rows <= 2 * CHUNK_ROWS:
        return chunk
    return max(chunk * 2 * CHUNK_ROWS // rows, 1, min(chunk, 2_000))


class Sliced(Generic[T]):
    """A computation under way; any number of callers may advance it."""

    __slots__ = ("_done", "_steps", "_value")

    def __init__(self, steps: Steps[T]) -> None:
        self._steps = steps
        self._done = False
        self._value: T | None = None

    @classmethod
    def of(cls, value: T) -> Sliced[T]:
        """A computation already done, with answer `value`."""
        done: Sliced[T] = cls(_nothing())
        done._done, done._value = True, value
        return done

    @property
    def done(self) -> bool:
        return self._done

    def step(self) -> bool:
        """Run one step; whether the computation is done."""
        if not self._done:
            try:
                next(self._steps)
            except StopIteration as stop:
                self._done, self._value = True, stop.value
        return self._done

    def run_for(self, seconds: float) -> bool:
        """Run steps for about `seconds` (at least one); whether it is done."""
        end = time.perf_counter() + seconds
        while not self.step():
            if time.perf_counter() >= end:
                return False
        return True

    def finish(self) -> T:
        """Run what is left at once, and the answer."""
        while not self.step():
            pass
        return self.value

    @property
    def value(self) -> T:
        """The answer (the computation must be done)."""
        if not self._done:
            raise RuntimeError("the computation is not done yet")
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Drop what is left (a computation nobody needs any more)."""
        self._steps.close()


def _nothing() -> Steps[Any]:
    return None
    yield  # a generator


def wait_for(sliced: Sliced[T]) -> Steps[T]:
    """Steps that advance `sliced` (shared with others) until it is done: for
    a computation that needs another's answer first."""
    while not sliced.step():
        yield
    return sliced.value


def sort_steps(
    items: list[Any], key: Callable[[Any], Any] | None = None, chunk: int = CHUNK
) -> Steps[list[Any]]:
    """`items` sorted as `sorted(items, key=key)` sorts them (stably), in
    steps of about `chunk` items: each chunk is sorted, then neighbouring
    runs are merged, a piece of each at a time (`merge_steps`)."""
    runs: list[list[Any]] = []
    for at in _starts(len(items), chunk):
        runs.append(sorted(items[at : at + chunk], key=key))
        yield
    # A merge step reads the key of each item it takes once, as a sort step
    # does: pieces of up to `chunk` items cost about as much as a sort step
    # (at 1,000,000 rows, pieces of twice that were steps of 20-30 ms).
    half = max(1, chunk // 2)
    while len(runs) > 1:
        merged: list[list[Any]] = []
        for at in range(0, len(runs) - 1, 2):
            merged.append((yield from merge_steps(runs[at], runs[at + 1], key, half)))
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return runs[0] if runs else []


def merge_steps(
    first: list[Any], second: list[Any], key: Callable[[Any], Any] | None = None, chunk: int = CHUNK
) -> Steps[list[Any]]:
    """Two sorted lists as one, stably (on a tie, `first`'s item first), in
    steps of at most 2 * `chunk` items. Merging two long runs in one call is
    one step as long as both (a third of a second at 1,000,000): instead a
    step takes up to `chunk` items of one run and those of the other that
    sort before the last of them (found by bisection), and sorts that piece
    alone, which leaves nothing still to come that sorts before it."""
    out: list[Any] = []
    i = j = 0
    size_a, size_b = len(first), len(second)
    while i < size_a and j < size_b:
        end_a = min(i + chunk, size_a)
        last = first[end_a - 1] if key is None else key(first[end_a - 1])
        # Of `second`, what sorts before `first`'s last item (ties go after it).
        end_b = bisect.bisect_left(second, last, j, min(j + chunk + 1, size_b), key=key)
        if end_b - j > chunk:
            # More of `second` than a step takes: up to its chunk's last
            # item, and of `first` what sorts before it or ties with it.
            end_b = j + chunk
            bound = second[end_b - 1] if key is None else key(second[end_b - 1])
            end_a = bisect.bisect_right(first, bound, i, end_a, key=key)
        piece = first[i:end_a]
        piece += second[j:end_b]
        piece.sort(key=key)  # stable: `first`'s items were put first
        out += piece
        i, j = end_a, end_b
        yield
    out += first[i:]
    out += second[j:]
    return out


def map_steps(function: Callable[[Any], T], items: Sequence[Any], chunk: int = CHUNK) -> Steps[list[T]]:
    """`list(map(function, items))` in steps of `chunk` items."""
    out: list[T] = []
    for at in _starts(len(items), chunk):
        out.extend(map(function, items[at : at + chunk]))
        if at + chunk < len(items):
            yield
    return out


def index_steps(items: list[Any], value: Any, chunk: int = CHUNK) -> Steps[int | None]:
    """`items.index(value)` in steps of `chunk` items, None when it is not
    there: one search through a million positions is a step of 15 ms."""
    for start in range(0, len(items), chunk):
        with contextlib.suppress(ValueError):
            return items.index(value, start, start + chunk)
        yield
    return None


def dropping(items: list[Any], chunk: int = CHUNK) -> Steps[None]:
    """Empty `items` a chunk at a time, from its end: what only it holds
    is freed in steps, not all at once when the list goes."""
    while items:
        del items[-chunk:]
        yield


class Picked(Sequence[T]):
    """The items of `items` at `positions`, in that order, each read when
    asked: a view, not a copy, so that 100,000 rows shown in a new order
    cost only the rows drawn (a copy touches every row, scattered over the
    heap). Neither sequence may change while it is in use."""

    __slots__ = ("_items", "_positions")

    def __init__(self, items: Sequence[T], positions: Sequence[int]) -> None:
        self._items = items
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(map(self._items.__getitem__, self._positions[index]))
        return self._items[self._positions[index]]

    def __iter__(self) -> Iterator[T]:
        return map(self._items.__getitem__, self._positions)


def _starts(count: int, chunk: int) -> range:
    return range(0, count, max(1, chunk))


__all__ = [
    "CHUNK",
    "FIRST_SLICE",
    "SLICE",
    "Picked",
    "Sliced",
    "Steps",
    "map_steps",
    "merge_steps",
    "sort_steps",
    "wait_for",
]
