"""Work in slices gives the answers the same work gives at once: the fuzzy
index and its searches, filters, scopes and sorts (core/slices.py)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from ps_tui.core import listing, slices
from ps_tui.core.listing import (
    COLUMNS,
    Row,
    Scope,
    in_order,
    places,
    refined,
    sort_ranks,
    sort_rows,
    sorted_positions,
)
from ps_tui.core.query import FuzzyIndex, filter_rows, filtering, parse_query
from ps_tui.core.slices import Picked, Sliced, map_steps, merge_steps, sort_steps, wait_for
from ps_tui.core.view import Portfolio
from ps_tui.data import default_store
from tests.test_listing import row

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    store = default_store(TODAY)
    return listing.build_rows(Portfolio.build(store, TODAY))


def steps_of(sliced: Sliced[object]) -> int:
    count = 1
    while not sliced.step():
        count += 1
    return count


def test_a_sliced_computation_runs_step_by_step_and_is_shared() -> None:
    job = Sliced(map_steps(str.upper, ["a", "b", "c", "d", "e"], chunk=2))
    assert not job.done
    with pytest.raises(RuntimeError):
        _ = job.value
    assert not job.step()
    # Another computation waiting for it advances the same one.
    waiting = Sliced(wait_for(job))
    assert waiting.finish() == ["A", "B", "C", "D", "E"]
    assert job.done and job.value == ["A", "B", "C", "D", "E"]
    assert Sliced.of(3).done and Sliced.of(3).value == 3


def test_sort_steps_sort_stably_in_many_steps() -> None:
    pick = random.Random(7)
    items = [(pick.randrange(5), n) for n in range(101)]
    job = Sliced(sort_steps(items, key=lambda item: item[0], chunk=7))
    assert steps_of(job) > 10
    assert job.value == sorted(items, key=lambda item: item[0])
    assert Sliced(sort_steps([], chunk=3)).finish() == []


class CountingKey:
    """A sort key that counts its calls: how many items a step handled."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, item: tuple[int, str, int] | int) -> int:
        self.calls += 1
        return item[0] if isinstance(item, tuple) else item


def step_sizes(job: Sliced[Any], key: CountingKey) -> list[int]:
    """The key calls of each step until `job` is done."""
    sizes = []
    while True:
        before = key.calls
        done = job.step()
        sizes.append(key.calls - before)
        if done:
            return sizes


def test_a_merge_keeps_ties_in_order_and_each_step_small() -> None:
    pick = random.Random(11)
    for trial in range(300):
        key = CountingKey()
        first = sorted(((pick.randrange(6), "a", n) for n in range(pick.randrange(40))), key=key)
        second = sorted(((pick.randrange(6), "b", n) for n in range(pick.randrange(40))), key=key)
        chunk = pick.randrange(1, 9)
        job = Sliced(merge_steps(first, second, key, chunk))
        sizes = step_sizes(job, key)
        # Stable: on a tie, first's items before second's, each in its order.
        assert job.value == sorted(first + second, key=key), trial
        # A piece of at most 2 * chunk items, and two bisections.
        assert max(sizes) <= 2 * chunk + 2 * (len(second).bit_length() + len(first).bit_length() + 2), trial
    assert Sliced(merge_steps([], [1, 2], chunk=1)).finish() == [1, 2]
    assert Sliced(merge_steps([3], [], chunk=1)).finish() == [3]
    assert Sliced(merge_steps([1, 1, 2], [1, 2, 2], chunk=1)).finish() == [1, 1, 1, 2, 2, 2]


def test_a_long_sort_never_takes_a_long_step() -> None:
    # Its last merge was one step over every item: a third of a second at
    # 1,000,000 rows, while the screen waited.
    pick = random.Random(3)
    items = [pick.randrange(50) for _ in range(4_000)]
    key = CountingKey()
    job = Sliced(sort_steps(items, key=key, chunk=100))
    sizes = step_sizes(job, key)
    assert job.value == sorted(items)
    # A merge step reads as many keys as a sort step (a chunk's), and its
    # two bisections: pieces of two chunks were steps of 20-30 ms at
    # 1,000,000 rows.
    assert max(sizes) <= 100 + 30


QUERIES = ["a", "co", "zorg", "globex", "pol", "ann", "e", "xyz", "Acme", "mfg"]


def test_an_index_built_in_steps_answers_as_one_built_at_once(rows: list[Row]) -> None:
    whole = FuzzyIndex(rows)
    job = Sliced(FuzzyIndex.building(rows, chunk=3))
    assert steps_of(job) > 10
    sliced = job.value
    assert len(sliced) == len(rows)
    for text in QUERIES:
        assert sliced.search(text) == whole.search(text), text
        found = Sliced(sliced.searching(text)).finish()
        assert found == whole.search(text), text


def test_the_index_answers_in_positions_of_the_rows_it_was_built_from(rows: list[Row]) -> None:
    shuffled = list(rows)
    random.Random(3).shuffle(shuffled)
    index = FuzzyIndex(rows)
    other = FuzzyIndex(shuffled)
    for text in QUERIES:
        # The same rows found, each at its own position in either list.
        assert sorted(rows[i].id for i in index.search(text)) == sorted(
            shuffled[i].id for i in other.search(text)
        )


@pytest.mark.parametrize(
    "text", ["owner:louis", "seg:ent", "health:at-risk status:active", "phase:install co", "person:andrew"]
)
def test_a_filter_in_steps_keeps_the_rows_a_filter_at_once_keeps(rows: list[Row], text: str) -> None:
    query = parse_query(text, default_store(TODAY))
    index = FuzzyIndex(rows)
    # Two rows a step: a value decided in one step is decided again in the next.
    assert Sliced(filtering(rows, query, index, chunk=2)).finish() == filter_rows(rows, query, index)


@pytest.mark.parametrize("scope", list(Scope))
def test_a_scope_in_steps_keeps_what_scope_positions_keeps(rows: list[Row], scope: Scope) -> None:
    positions = list(range(0, len(rows), 2))
    me = rows[0].owner
    assert Sliced(listing.scoping(rows, positions, scope, me, chunk=3)).finish() == listing.scope_positions(
        rows, positions, scope, me
    )


@pytest.mark.parametrize("key", [column.key for column in COLUMNS])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_sort_on_ranks_orders_as_sort_rows(rows: list[Row], key: str, reverse: bool) -> None:
    ranks = Sliced(sort_ranks(rows, key, chunk=4)).finish()
    for seed in range(3):
        order = list(range(len(rows)))
        random.Random(seed).shuffle(order)
        # From any order shown: ties keep that order, as sort_rows keeps its input's.
        sorted_order = Sliced(sorted_positions(order, ranks.of(reverse), chunk=5)).finish()
        assert [rows[i] for i in sorted_order] == sort_rows([rows[i] for i in order], key, reverse)


@pytest.mark.parametrize("reverse", [False, True])
def test_ranks_keep_ties_and_missing_values_last(reverse: bool) -> None:
    rows = [
        row(id="1", owner="marc", elapsed=None),
        row(id="2", owner="", elapsed=3),
        row(id="3", owner="Alex", elapsed=None),
        row(id="4", owner="Marc", elapsed=1),
        row(id="5", owner="alex", elapsed=3),
        row(id="6", owner="", elapsed=0),
    ]
    for key in ("owner", "days"):
        ranks = Sliced(sort_ranks(rows, key, chunk=2)).finish()
        order = Sliced(sorted_positions(range(len(rows)), ranks.of(reverse), chunk=2)).finish()
        assert [rows[i] for i in order] == sort_rows(rows, key, reverse)


class CountingInt(int):
    """An int whose hashes are counted: how many values a step hashed."""

    hashes = 0

    def __hash__(self) -> int:
        CountingInt.hashes += 1
        return int.__hash__(self)


def test_ranks_hash_their_values_a_chunk_at_a_time() -> None:
    # A million distinct customers were hashed into a set, then a dict, in
    # one step each: a tenth of a second apiece with the screen waiting.
    rows = [row(id=str(n), arr=CountingInt(n * 7 % 1_000)) for n in range(1_000)]
    job = Sliced(sort_ranks(rows, "arr", chunk=20))
    most = 0
    while True:
        before = CountingInt.hashes
        done = job.step()
        most = max(most, CountingInt.hashes - before)
        if done:
            break
    order = Sliced(sorted_positions(range(len(rows)), job.value.ascending, chunk=20)).finish()
    assert [rows[i] for i in order] == sort_rows(rows, "arr", False)
    assert most <= 2 * 20


@pytest.mark.parametrize("count", [0, 3, 40, 97])
def test_positions_are_taken_in_the_order_shown(count: int) -> None:
    order = list(range(100))
    random.Random(count).shuffle(order)
    positions = sorted(random.Random(count + 1).sample(range(100), count))
    where = Sliced(places(order, chunk=7)).finish()
    assert [order[i] for i in where] == list(range(100))
    taken = Sliced(in_order(order, where, positions, chunk=6)).finish()
    wanted = set(positions)
    assert taken == [p for p in order if p in wanted]


@pytest.mark.parametrize("count", [0, 1, 13, 40])
def test_a_narrower_filter_is_picked_from_the_rows_shown_in_their_order(count: int) -> None:
    order = list(range(100))
    random.Random(count).shuffle(order)
    shown = order[::2]  # what the wider filter shows, in the order shown
    positions = sorted(random.Random(count + 1).sample(shown, count))
    taken = Sliced(refined(shown, positions, chunk=6)).finish()
    wanted = set(positions)
    assert taken == [p for p in order if p in wanted]


def test_positions_not_all_shown_are_not_picked_from_the_rows_shown() -> None:
    shown = [5, 3, 9, 1]
    assert Sliced(refined(shown, [1, 3, 4], chunk=2)).finish() is None
    assert Sliced(refined(shown, [1, 9], chunk=2)).finish() == [9, 1]
    assert Sliced(refined([], [], chunk=2)).finish() == []


def test_picked_is_a_view_of_the_items_at_the_positions() -> None:
    items = ["a", "b", "c", "d"]
    picked = Picked(items, [3, 1, 2])
    assert len(picked) == 3 and list(picked) == ["d", "b", "c"]
    assert picked[0] == "d" and picked[-1] == "c" and picked[1:] == ["b", "c"]
    assert "b" in picked and "a" not in picked and picked.index("c") == 2
    [only] = Picked(items, [0])
    assert only == "a" and not Picked(items, [])


def test_dropping_empties_a_list_a_chunk_at_a_time() -> None:
    items = list(range(10))
    steps = slices.dropping(items, chunk=4)
    sizes = []
    for _ in steps:
        sizes.append(len(items))
    assert sizes == [6, 2, 0] and items == []


def test_index_steps_finds_what_list_index_finds() -> None:
    items = [5, 3, 9, 3, 7, 1, 8]
    for value in [*items, 42]:
        found = Sliced(slices.index_steps(items, value, chunk=2)).finish()
        assert found == (items.index(value) if value in items else None)


@pytest.mark.parametrize("chunk", [1, 2, 5, 1000])
@pytest.mark.parametrize("count", [0, 1, 2, 17, 60])
def test_the_flagged_positions_are_taken_in_the_order_shown(chunk: int, count: int) -> None:
    order = list(range(100))
    random.Random(count).shuffle(order)
    shown = order[:count]
    flags = bytearray(100)
    for position in random.Random(count + 7).sample(range(100), 50):
        flags[position] = 1
    taken = Sliced(listing.flagged(shown, flags, chunk)).finish()
    assert taken == [p for p in shown if flags[p]]
    assert Sliced(listing.flagged(shown, bytes(flags), chunk)).finish() == taken
