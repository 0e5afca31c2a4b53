"""Properties of surgical saves: random sequences of edits on the hand-written,
commented store keep every comment that is not inside a deleted
implementation, keep the text of every implementation they did not touch, and
end with a file that `tomllib` (or `json`) reads as exactly the expected data."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ps_tui.core.model import Implementation, Kpi, Milestone, Risk, Status, StoreFile
from ps_tui.store.file import encode_store
from ps_tui.store.json_edit import edit_json
from ps_tui.store.toml_edit import edit_toml
from tests.reliability.conftest import FIGURES
from tests.test_surgical_save import FIXTURE, ORIGINAL

START = msgspec.convert(tomllib.loads(ORIGINAL), StoreFile)

texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30
)
dates = st.dates(dt.date(2026, 1, 1), dt.date(2026, 11, 30))
edits = st.lists(
    st.one_of(
        st.tuples(st.just("customer"), st.integers(0, 20), texts),
        st.tuples(st.just("notes"), st.integers(0, 20), texts),
        st.tuples(st.just("developers"), st.integers(0, 20), st.none() | st.integers(0, 10**6)),
        st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(list(Status))),
        st.tuples(st.just("milestone"), st.integers(0, 20), st.sampled_from(["kickoff", "go_live"]), dates),
        st.tuples(st.just("risk"), st.integers(0, 20), texts, dates),
        st.tuples(st.just("add"), texts),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("target"), st.integers(1, 90)),
    ),
    max_size=12,
)


def apply(store: StoreFile, edit: tuple[Any, ...], serial: int) -> StoreFile:
    impls = list(store.implementations)
    kind = edit[0]
    if kind == "target":
        return msgspec.structs.replace(store, kpi=Kpi(target_days=edit[1]))
    if kind == "add":
        new = Implementation(id=f"NEW-{serial}", customer=edit[1], segment="mm")
        return msgspec.structs.replace(store, implementations=[*impls, new])
    if not impls:
        return store
    index = edit[1] % len(impls)
    target = impls[index]
    if kind == "delete":
        del impls[index]
    elif kind in ("customer", "notes", "developers", "status"):
        impls[index] = msgspec.structs.replace(target, **{kind: edit[2]})
    elif kind == "milestone":
        others = [m for m in target.milestones if m.key != edit[2]]
        impls[index] = msgspec.structs.replace(
            target, milestones=[*others, Milestone(key=edit[2], actual=edit[3])]
        )
    elif kind == "risk":
        impls[index] = msgspec.structs.replace(
            target, risks=[*target.risks, Risk(text=edit[2], opened=edit[3])]
        )
    return msgspec.structs.replace(store, implementations=impls)


def changed_ids(before: StoreFile, after: StoreFile) -> set[str]:
    """The implementations that an edit changed, added or removed."""
    old = {i.id: i for i in before.implementations}
    new = {i.id: i for i in after.implementations}
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def comments_outside(text: str, ids: set[str]) -> list[str]:
    """Comment lines of `text`, less those inside the implementations `ids`."""
    found: list[str] = []
    inside: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "[[implementations]]":
            inside = "?"
        elif inside == "?" and (match := re.match(r'id = "([^"]+)"', stripped)):
            inside = match[1]
        elif re.fullmatch(r"\[[^\]]*\]\]?", stripped) and not stripped.startswith("[[implementations."):
            inside = None
        if stripped.startswith("#") and (inside is None or inside not in ids):
            found.append(stripped)
    return found


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(line == candidate for candidate in it) for line in needles)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_toml_edits_keep_comments_and_read_back_exactly(steps: list[tuple[Any, ...]]) -> None:
    text, store, touched = ORIGINAL, START, set[str]()
    for serial, step in enumerate(steps):
        updated = apply(store, step, serial)
        touched |= changed_ids(store, updated)
        text, store = edit_toml(text, store, updated), updated
        assert msgspec.convert(tomllib.loads(text), StoreFile) == store
    assert is_subsequence(comments_outside(ORIGINAL, touched), comments_outside(text, set()))
    FIGURES["surgical: TOML edit sequences checked"] += 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_json_edits_keep_untouched_text_and_read_back_exactly(steps: list[tuple[Any, ...]]) -> None:
    original = json.dumps(json.loads(encode_store(START, "json")), indent=4) + "\n"
    text, store, touched = original, START, set[str]()
    for serial, step in enumerate(steps):
        updated = apply(store, step, serial)
        touched |= changed_ids(store, updated)
        text, store = edit_json(text, store, updated), updated
        assert msgspec.json.decode(text, type=StoreFile) == store
        json.loads(text)
    for impl in START.implementations:
        if impl.id not in touched and impl.id in {i.id for i in store.implementations}:
            chunk = json.dumps(json.loads(msgspec.json.encode(_plain(impl))), indent=4)
            assert "\n        ".join(chunk.splitlines()) in text
    FIGURES["surgical: JSON edit sequences checked"] += 1


def _plain(impl: Implementation) -> Any:
    from ps_tui.store.layout import plain

    return plain(impl)


def test_the_fixture_is_what_the_properties_start_from() -> None:
    assert FIXTURE.read_text(encoding="utf-8") == ORIGINAL
    assert len(START.implementations) == 3
