"""The store model and its validation: decode_store, check_store, the demo data."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from ps_tui.core.model import SCHEMA_VERSION, Status, StoreFile, json_schema
from ps_tui.core.validate import InvalidData, Problem, check_store, decode_store
from ps_tui.data import default_store, reference_store, reference_text
from tests.helpers import TODAY, raw_store, reference, to_raw

Raw = dict[str, Any]


def problems_of(raw: Any) -> list[Problem]:
    with pytest.raises(InvalidData) as caught:
        decode_store(raw)
    return caught.value.problems


def impl(raw: Raw, index: int = 0) -> dict[str, Any]:
    implementation: dict[str, Any] = raw["implementations"][index]
    return implementation


# --- the bundled reference --------------------------------------------------


def test_reference_store_decodes_with_handbook_facts() -> None:
    store = reference_store()
    assert isinstance(store, StoreFile)
    assert store.schema_version == SCHEMA_VERSION
    assert store.implementations == []
    assert [s.id for s in store.segments] == ["smb", "mm", "enterprise", "strategic"]
    assert store.kpi.target_days == 30
    assert {m.key for m in store.milestones} >= {"kickoff", "go_live"}
    assert store.package("standard") is not None
    assert check_store(store) == []


def test_reference_text_starts_with_schema_version() -> None:
    data = tomllib.loads(reference_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert decode_store(data) == reference_store()


def test_valid_raw_store_decodes() -> None:
    store = decode_store(raw_store())
    assert [i.id for i in store.implementations] == ["IMP-0001", "IMP-0002"]
    assert store.implementations[0].kickoff == dt.date(2025, 5, 1)


def test_default_store_round_trips_through_builtins() -> None:
    store = default_store(TODAY)
    assert decode_store(to_raw(store)) == store
    # And through JSON text, as the file backend would read it.
    assert decode_store(json.loads(json.dumps(to_raw(store)))) == store


def test_top_level_must_be_a_table() -> None:
    (problem,) = problems_of([1, 2])
    assert problem.path == ""
    assert "table/object" in problem.message


# --- one problem each ---------------------------------------------------------


def _set(path: Callable[[Raw], dict[str, Any]], **values: Any) -> Callable[[Raw], None]:
    return lambda raw: path(raw).update(values)


def _pop(path: Callable[[Raw], dict[str, Any]], key: str) -> Callable[[Raw], None]:
    return lambda raw: path(raw).pop(key)


def _top(raw: Raw) -> Raw:
    return raw


def _first(raw: Raw) -> dict[str, Any]:
    return impl(raw, 0)


def _completed(raw: Raw) -> dict[str, Any]:
    return impl(raw, 1)


def _first_milestone(raw: Raw) -> dict[str, Any]:
    milestone: dict[str, Any] = impl(raw, 0)["milestones"][0]
    return milestone


def _duplicate_id(raw: Raw) -> None:
    impl(raw, 1)["id"] = impl(raw, 0)["id"]


def _unknown_offering_segment(raw: Raw) -> None:
    raw["offerings"][2]["segments"].append("galactic")


BAD_STORES: list[tuple[str, Callable[[Raw], None], str, str]] = [
    ("unknown top-level field", _set(_top, colour="blue"), "colour", "unknown field"),
    (
        "unknown implementation field",
        _set(_first, colour="blue"),
        "implementations[0].colour",
        "unknown field",
    ),
    ("impossible date", _set(_first, kickoff="2025-02-30"), "implementations[0].kickoff", "not a valid date"),
    ("date in words", _set(_first, kickoff="yesterday"), "implementations[0].kickoff", "YYYY-MM-DD"),
    ("unknown segment", _set(_first, segment="galactic"), "implementations[0].segment", "unknown segment"),
    (
        "unknown ie_owner",
        _set(_first, ie_owner="Nobody"),
        "implementations[0].ie_owner",
        "unknown team member",
    ),
    (
        "unknown milestone owner",
        _set(_first_milestone, owner="Nobody"),
        "implementations[0].milestones[0].owner",
        "unknown team member 'Nobody'",
    ),
    ("duplicate implementation id", _duplicate_id, "implementations[1].id", "duplicate implementation id"),
    ("negative arr", _set(_first, arr=-5), "implementations[0].arr", ">= 0"),
    ("empty customer", _set(_first, customer=""), "implementations[0].customer", "must not be empty"),
    ("missing schema_version", _pop(_top, "schema_version"), "schema_version", "required field is missing"),
    ("schema_version too new", _set(_top, schema_version=SCHEMA_VERSION + 1), "schema_version", "newer"),
    ("schema_version zero", _set(_top, schema_version=0), "schema_version", ">= 1"),
    (
        "custom package without hours",
        _set(_first, package="custom", package_days=30),
        "implementations[0].package_hours",
        "required for a custom package",
    ),
    ("unknown package", _set(_first, package="platinum"), "implementations[0].package", "unknown package"),
    (
        "completed without production_ready",
        _pop(_completed, "production_ready"),
        "implementations[1].production_ready",
        "required when status is completed",
    ),
    (
        "production_ready before kickoff",
        _set(_completed, production_ready="2025-01-01"),
        "implementations[1].production_ready",
        "before kickoff",
    ),
    (
        "active without kickoff",
        _pop(_first, "kickoff"),
        "implementations[0].kickoff",
        "required when status is active",
    ),
    (
        "unknown milestone key",
        _set(_first_milestone, key="party"),
        "implementations[0].milestones[0].key",
        "unknown milestone 'party'",
    ),
    (
        "offering with unknown segment",
        _unknown_offering_segment,
        "offerings[2].segments[2]",
        "unknown segment 'galactic'",
    ),
    ("bad status", _set(_first, status="done"), "implementations[0].status", "not one of the allowed values"),
    (
        "missing customer",
        _pop(_first, "customer"),
        "implementations[0].customer",
        "required field is missing",
    ),
    ("wrong type", _set(_first, arr="lots"), "implementations[0].arr", "whole number"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [pytest.param(mutate, path, message, id=name) for name, mutate, path, message in BAD_STORES],
)
def test_bad_store_reports_path_and_message(mutate: Callable[[Raw], None], path: str, message: str) -> None:
    raw = raw_store()
    mutate(raw)
    problems = problems_of(raw)
    assert [p.path for p in problems] == [path], problems
    assert message in problems[0].message
    assert problems[0].line is None  # only the file backend knows lines


def test_offering_check_uses_the_right_index() -> None:
    raw = raw_store()
    _unknown_offering_segment(raw)
    (problem,) = problems_of(raw)
    assert raw["offerings"][2]["segments"][2] == "galactic"
    assert problem.path == "offerings[2].segments[2]"


# --- many problems at once ----------------------------------------------------


def test_every_problem_in_a_file_is_reported() -> None:
    raw = raw_store()
    raw["colour"] = "blue"  # unknown top-level field
    impl(raw, 0)["arr"] = -1  # type/constraint error: implementation 0 is dropped
    impl(raw, 1)["ie_owner"] = "Nobody"  # cross-reference, in an entry after a dropped one
    impl(raw, 1)["segment"] = "galactic"
    raw["offerings"][0]["segments"].append("galactic")
    raw["kpi"]["target_days"] = 0
    problems = problems_of(raw)
    found = {p.path: p.message for p in problems}
    assert set(found) == {
        "colour",
        "implementations[0].arr",
        "implementations[1].ie_owner",
        "implementations[1].segment",
        "offerings[0].segments[3]",
        "kpi.target_days",
    }, problems
    assert "unknown team member" in found["implementations[1].ie_owner"]
    assert ">= 1" in found["kpi.target_days"]


def test_problem_paths_keep_file_indices_after_a_dropped_entry() -> None:
    raw = raw_store()
    raw["offerings"][0]["name"] = ""  # offerings[0] fails to convert and is dropped
    raw["offerings"][2]["segments"].append("galactic")
    impl(raw, 0)["arr"] = -1  # implementations[0] is dropped
    raw["implementations"].append(dict(impl(raw, 1), ie_owner="Nobody"))  # a duplicate of [1]
    found = {p.path: p.message for p in problems_of(raw)}
    assert set(found) == {
        "offerings[0].name",
        "offerings[2].segments[2]",
        "implementations[0].arr",
        "implementations[2].id",
        "implementations[2].ie_owner",
    }
    assert "first at index 1" in found["implementations[2].id"]


def test_a_broken_reference_entry_does_not_cascade() -> None:
    raw = raw_store()
    raw["members"][0]["role"] = "boss"  # Andrew Norrish, project manager of both implementations
    raw["segments"][2]["max_developers"] = -1  # enterprise, the segment of both implementations
    raw["milestones"][0]["name"] = ""  # kickoff, used by implementation milestones
    raw["packages"][0]["hours"] = -1  # standard, the default package
    problems = problems_of(raw)
    assert {p.path for p in problems} == {
        "members[0].role",
        "segments[2].max_developers",
        "milestones[0].name",
        "packages[0].hours",
    }, problems


def test_several_problems_inside_one_implementation_are_all_reported() -> None:
    raw = raw_store()
    impl(raw, 0).update(arr=-1, customer="", kickoff="soon", colour="x")
    paths = {p.path for p in problems_of(raw)}
    assert paths == {
        "implementations[0].arr",
        "implementations[0].customer",
        "implementations[0].kickoff",
        "implementations[0].colour",
    }


def test_cross_reference_problems_in_many_implementations() -> None:
    raw = raw_store()
    impl(raw, 0)["ie_owner"] = "Nobody"
    impl(raw, 1)["segment"] = "galactic"
    raw["schema_version"] = SCHEMA_VERSION + 5
    paths = [p.path for p in problems_of(raw)]
    assert sorted(paths) == ["implementations[0].ie_owner", "implementations[1].segment", "schema_version"]


def test_an_entry_with_a_bad_field_is_still_cross_checked() -> None:
    raw = raw_store()
    impl(raw, 0).update(colour="x", ie_owner="Nobody")  # a typo beside an unknown owner
    impl(raw, 1).update(id=impl(raw, 0)["id"], arr=-1)  # a bad value in a duplicate
    found = {p.path: p.message for p in problems_of(raw)}
    assert set(found) == {
        "implementations[0].colour",
        "implementations[0].ie_owner",
        "implementations[1].arr",
        "implementations[1].id",
    }
    assert "first at index 0" in found["implementations[1].id"]


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [(0, "kickoff", "soon"), (1, "production_ready", "2025-13-01"), (0, "package_hours", -1)],
)
def test_a_bad_field_is_reported_once(index: int, field: str, value: str) -> None:
    raw = raw_store()
    impl(raw, index)[field] = value
    if field == "package_hours":
        impl(raw, index)["package"] = "custom"
        impl(raw, index)["package_days"] = 10
    problems = problems_of(raw)
    # Not also "required when status is ..." for the field left out.
    assert [p.path for p in problems] == [f"implementations[{index}].{field}"], problems


def test_invalid_data_message_lists_every_problem() -> None:
    raw = raw_store()
    raw["colour"] = "blue"
    impl(raw, 1)["ie_owner"] = "Nobody"
    with pytest.raises(InvalidData) as caught:
        decode_store(raw)
    text = str(caught.value)
    assert "colour: unknown field" in text
    assert "implementations[1].ie_owner: unknown team member 'Nobody'" in text


def test_problem_describe() -> None:
    assert Problem("a.b", "bad").describe() == "a.b: bad"
    assert Problem("a.b", "bad", 7).describe("store.toml") == "store.toml:7: a.b: bad"
    assert Problem("a.b", "bad", 7).describe() == "line 7: a.b: bad"
    assert Problem("", "empty").describe("f.json") == "f.json: empty"
    assert Problem("", "empty").describe() == "empty"


def test_problems_are_sorted_by_line_then_path() -> None:
    problems = InvalidData(
        [Problem("z", "x"), Problem("b", "x", 9), Problem("a", "x", 2), Problem("c", "x")]
    ).problems
    assert [p.path for p in problems] == ["a", "b", "c", "z"]


# --- reference data cross-checks ------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        pytest.param(
            lambda raw: raw["members"].append(dict(raw["members"][0])),
            "members[4].name",
            "duplicate member",
            id="duplicate-member",
        ),
        pytest.param(
            lambda raw: raw["segments"][0].update(max_developers=-1),
            "segments[0].max_developers",
            ">= 0",
            id="negative-bound",
        ),
        pytest.param(
            lambda raw: raw["offerings"].append(dict(raw["offerings"][0])),
            "offerings[6].id",
            "duplicate offering id 'slack_support' (first at index 0)",
            id="duplicate-offering",
        ),
        pytest.param(
            lambda raw: raw["segments"][1].update(max_developers=50),
            "segments[1].max_developers",
            "below min_developers",
            id="inverted-bounds",
        ),
        pytest.param(
            lambda raw: raw["discounts"]["rules"][0].update(segment="galactic"),
            "discounts.rules[0].segment",
            "unknown segment",
            id="discount-segment",
        ),
        pytest.param(
            lambda raw: raw["packages"][0].update(offering="nope"),
            "packages[0].offering",
            "unknown offering",
            id="package-offering",
        ),
    ],
)
def test_bad_reference(mutate: Callable[[Raw], None], path: str, message: str) -> None:
    raw = raw_store()
    mutate(raw)
    problems = problems_of(raw)
    assert [p.path for p in problems] == [path], problems
    assert message in problems[0].message


# --- JSON Schema ----------------------------------------------------------------


def test_json_schema_describes_implementations() -> None:
    schema = json_schema()
    assert isinstance(schema, dict)
    assert schema["title"] == "ps-tui store"
    json.dumps(schema)  # serialisable as is
    definitions = schema["$defs"]
    assert isinstance(definitions, dict)
    store_def = definitions["StoreFile"]
    assert "implementations" in store_def["properties"]
    assert "Implementation" in definitions
    assert "customer" in definitions["Implementation"]["required"]
    assert store_def["additionalProperties"] is False


# --- the demo store ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> StoreFile:
    return default_store(TODAY)


def test_demo_store_size_and_variety(demo: StoreFile) -> None:
    impls = demo.implementations
    assert 35 <= len(impls) <= 50
    assert {i.segment for i in impls} == {s.id for s in demo.segments}
    assert len(demo.segments) == 4
    assert {i.status for i in impls} == set(Status)
    assert len(Status) == 5
    assert len({i.id for i in impls}) == len(impls)


def test_demo_store_has_recent_completions(demo: StoreFile) -> None:
    year_ago = TODAY - dt.timedelta(days=365)
    recent = [
        i
        for i in demo.implementations
        if i.status is Status.COMPLETED and i.production_ready and year_ago <= i.production_ready <= TODAY
    ]
    assert len(recent) >= 5


@pytest.mark.parametrize(
    "today",
    [TODAY, dt.date(2024, 2, 29), dt.date(2026, 1, 1), dt.date(2030, 12, 31)],
    ids=str,
)
def test_demo_store_is_valid_and_consistent(today: dt.date) -> None:
    store = default_store(today)
    assert check_store(store) == []
    for item in store.implementations:
        if item.status is Status.COMPLETED:
            assert item.production_ready is not None and item.production_ready <= today, item.id
        if item.kickoff and item.production_ready:
            assert item.kickoff <= item.production_ready, item.id
        for milestone in item.milestones:
            assert milestone.actual is None or milestone.actual <= today, (item.id, milestone.key)
        for risk in item.risks:
            assert risk.opened <= today, item.id


def test_demo_store_is_deterministic_for_a_date() -> None:
    assert default_store(TODAY) == default_store(TODAY)
    assert msgspec.json.encode(default_store(TODAY)) == msgspec.json.encode(default_store(TODAY))


def test_demo_store_moves_with_today() -> None:
    later = TODAY + dt.timedelta(days=10)
    first, second = default_store(TODAY), default_store(later)
    assert [i.id for i in first.implementations] == [i.id for i in second.implementations]
    shifted = [
        (a.kickoff, b.kickoff)
        for a, b in zip(first.implementations, second.implementations, strict=True)
        if a.kickoff is not None
    ]
    assert all(b == a + dt.timedelta(days=10) for a, b in shifted if a is not None and b is not None)


def test_demo_store_keeps_reference_data(demo: StoreFile) -> None:
    assert demo.reference == reference().reference
