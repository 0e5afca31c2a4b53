"""The Implementations table: rows, cells, sorting and scopes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import msgspec
import pytest

from ps_tui.core.health import Assessment, Health, assess
from ps_tui.core.listing import (
    COLUMNS,
    DEFAULT_SORT,
    Row,
    Scope,
    build_rows,
    cell_text,
    make_row,
    natural_widths,
    scope_positions,
    sort_order,
    sort_rows,
)
from ps_tui.core.model import Deployment, Milestone, Status
from ps_tui.core.view import Portfolio
from ps_tui.data import default_store
from tests.helpers import implementation, reference
from tests.oracles import in_scope, sort_key

TODAY = dt.date(2026, 11, 30)


def row(**changes: Any) -> Row:
    """A row with plain defaults, `changes` applied."""
    fields: dict[str, Any] = {
        "id": "IMP-0001",
        "customer": "Initech",
        "segment_id": "enterprise",
        "segment": "Enterprise",
        "segment_rank": 2,
        "arr": 120_000,
        "deployment": "Managed cloud",
        "owner": "Louis Jarvis",
        "milestone_key": "installation",
        "milestone": "Product installation",
        "elapsed": 10,
        "target": 30,
        "health": Health.ON_TRACK,
        "status": Status.ACTIVE,
        "notes": "",
        "project_manager": "Andrew Norrish",
        "resident_architect": "",
    }
    fields.update(changes)
    return Row(**fields)


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return Portfolio.build(default_store(TODAY), TODAY)


# --- rows -----------------------------------------------------------------------------


def test_rows_are_immutable_values() -> None:
    made = row()
    with pytest.raises(AttributeError):
        made.customer = "changed"  # type: ignore[misc]
    assert made == row() and hash(made) == hash(row())
    assert made != row(arr=1)
    assert repr(made).startswith("Row(id='IMP-0001', customer='Initech', segment_id='enterprise',")


def test_build_rows_follows_the_store(portfolio: Portfolio) -> None:
    rows = build_rows(portfolio)
    implementations = portfolio.data.implementations
    assert [r.id for r in rows] == [i.id for i in implementations]
    for impl, built in zip(implementations, rows, strict=True):
        assert type(built) is Row
        assert built == make_row(impl, portfolio.assessments[impl.id], portfolio.data)
        assert built.customer == impl.customer
        assert built.segment == portfolio.data.segment_name(impl.segment)
        assert built.deployment == impl.deployment.label
        assert built.health is portfolio.assessments[impl.id].health
    with pytest.raises(AttributeError):
        rows[0].customer = "changed"  # type: ignore[misc]
    assert hash(rows[0]) == hash(
        make_row(implementations[0], portfolio.assessments[implementations[0].id], portfolio.data)
    )


def test_build_rows_pairs_by_id_when_the_assessments_are_in_another_order(portfolio: Portfolio) -> None:
    # `Portfolio.build` lists the assessments in store order; another order
    # (from an edit, say) must give the same rows, looked up by id.
    implementations = portfolio.data.implementations
    expected = [make_row(i, portfolio.assessments[i.id], portfolio.data) for i in implementations]
    assert portfolio.aligned
    assert build_rows(portfolio) == expected
    shuffled = dict(reversed(portfolio.assessments.items()))
    assert list(shuffled) != list(portfolio.assessments)
    other = dataclasses.replace(portfolio, assessments=shuffled, aligned=False)
    assert build_rows(other) == expected
    edited = portfolio.updated(portfolio.data, [implementations[0].id])
    assert not edited.aligned
    assert build_rows(edited) == expected


def test_build_rows_needs_an_assessment_per_implementation(portfolio: Portfolio) -> None:
    assessments = dict(portfolio.assessments)
    del assessments[portfolio.data.implementations[3].id]
    with pytest.raises(KeyError):
        build_rows(dataclasses.replace(portfolio, assessments=assessments, aligned=False))


def test_build_rows_of_an_empty_store() -> None:
    store = reference()
    assert build_rows(Portfolio.build(store, TODAY)) == []


def _assessed(**changes: Any) -> tuple[Row, Assessment]:
    impl = implementation(**changes)
    assessment = assess(impl, dt.date(2025, 5, 11), reference().kpi, {})
    return make_row(impl, assessment, reference()), assessment


def test_make_row_fields() -> None:
    made, assessment = _assessed(deployment=Deployment.KUBERNETES_HELM, notes="Weekly sync")
    assert made == Row(
        id="IMP-0001",
        customer="Customer 1",
        segment_id="enterprise",
        segment="Enterprise",
        segment_rank=2,
        arr=120_000,
        deployment="Kubernetes (Helm)",
        owner="Louis Jarvis",
        milestone_key="infrastructure",
        milestone="Infrastructure build complete",
        elapsed=10,
        target=30,
        health=Health.ON_TRACK,
        status=Status.ACTIVE,
        notes="Weekly sync",
        project_manager="Andrew Norrish",
        resident_architect="",
    )
    assert assessment.current == "infrastructure"


done = dt.date(2025, 5, 2)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # People missing: "".
        ({"ie_owner": None, "project_manager": None}, {"owner": "", "project_manager": ""}),
        ({"resident_architect": "Alex Fogg"}, {"resident_architect": "Alex Fogg"}),
        # Every milestone done: no key, "Done"; no milestones at all: "".
        (
            {"milestones": [Milestone(key="kickoff", actual=done), Milestone(key="go_live", actual=done)]},
            {"milestone_key": None, "milestone": "Done"},
        ),
        ({"milestones": []}, {"milestone_key": None, "milestone": ""}),
        # Names missing from the reference fall back to the id or key.
        ({"segment": "galactic"}, {"segment_id": "galactic", "segment": "galactic"}),
        ({"milestones": [Milestone(key="party")]}, {"milestone_key": "party", "milestone": "party"}),
        ({"status": Status.PLANNED, "kickoff": None}, {"elapsed": None, "health": Health.NONE}),
    ],
)
def test_make_row_edge_cases(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    made, _ = _assessed(**changes)
    assert {name: getattr(made, name) for name in expected} == expected


# --- columns and cells -----------------------------------------------------------------


def test_columns() -> None:
    assert [c.key for c in COLUMNS] == [
        "customer",
        "segment",
        "arr",
        "deployment",
        "owner",
        "milestone",
        "days",
        "target",
        "health",
    ]
    assert [c.title for c in COLUMNS] == [
        "Customer",
        "Segment",
        "ARR",
        "Deployment",
        "Owner",
        "Milestone",
        "Days",
        "Target",
        "Health",
    ]
    assert {c.key for c in COLUMNS if c.align == "right"} == {"arr", "days", "target"}
    assert all(c.width >= len(c.title) for c in COLUMNS)
    assert DEFAULT_SORT == ("health", False)


@pytest.mark.parametrize(
    ("key", "changes", "expected"),
    [
        ("customer", {"customer": "Müller & Søn"}, "Müller & Søn"),
        ("segment", {}, "Enterprise"),
        ("arr", {"arr": 0}, "$0"),
        ("arr", {"arr": 950}, "$950"),
        ("arr", {"arr": 150_000}, "$150k"),
        ("arr", {"arr": 1_200_000}, "$1.2M"),
        ("arr", {"arr": 3_000_000}, "$3M"),
        ("deployment", {}, "Managed cloud"),
        ("owner", {}, "Louis Jarvis"),
        ("owner", {"owner": ""}, "—"),
        ("milestone", {}, "Product installation"),
        ("milestone", {"milestone": ""}, "—"),
        ("milestone", {"milestone_key": None, "milestone": "Done"}, "Done"),
        ("days", {"elapsed": None}, "—"),
        ("days", {"elapsed": 0}, "0"),
        ("days", {"elapsed": 31}, "31"),
        ("target", {"target": 45}, "45"),
        ("health", {"health": Health.AT_RISK}, "at risk"),
        ("health", {"health": Health.MET}, "made target"),
        ("health", {"health": Health.NONE}, "—"),
    ],
)
def test_cell_text(key: str, changes: dict[str, Any], expected: str) -> None:
    assert cell_text(row(**changes), key) == expected


def test_every_column_has_cell_text_and_unknown_ones_raise(portfolio: Portfolio) -> None:
    rows = build_rows(portfolio)
    for column in COLUMNS:
        assert all(isinstance(cell_text(r, column.key), str) for r in rows)
    with pytest.raises(KeyError):
        cell_text(rows[0], "colour")
    with pytest.raises(KeyError):
        sort_rows(rows, "colour", False)


# --- sorting --------------------------------------------------------------------------


def test_sort_is_stable_in_both_directions() -> None:
    rows = [
        row(id="1", arr=200),
        row(id="2", arr=100),
        row(id="3", arr=200),
        row(id="4", arr=100),
        row(id="5", arr=300),
    ]
    assert [r.id for r in sort_rows(rows, "arr", False)] == ["2", "4", "1", "3", "5"]
    # Reversed: ties still in input order (not "3", "1").
    assert [r.id for r in sort_rows(rows, "arr", True)] == ["5", "1", "3", "2", "4"]


@pytest.mark.parametrize("reverse", [False, True])
def test_missing_days_stay_last(reverse: bool) -> None:
    rows = [
        row(id="a", elapsed=None),
        row(id="b", elapsed=5),
        row(id="c", elapsed=None),
        row(id="d", elapsed=0),
        row(id="e", elapsed=12),
    ]
    ids = [r.id for r in sort_rows(rows, "days", reverse)]
    assert ids == (["e", "b", "d", "a", "c"] if reverse else ["d", "b", "e", "a", "c"])


@pytest.mark.parametrize("reverse", [False, True])
def test_text_sorts_ignore_case_and_blanks_stay_last(reverse: bool) -> None:
    rows = [
        row(id="1", owner="marc"),
        row(id="2", owner=""),
        row(id="3", owner="Alex"),
        row(id="4", owner="Marc"),
        row(id="5", owner="alex"),
        row(id="6", owner=""),
    ]
    ids = [r.id for r in sort_rows(rows, "owner", reverse)]
    assert ids == (["1", "4", "3", "5", "2", "6"] if reverse else ["3", "5", "1", "4", "2", "6"])


def test_segments_sort_by_size_not_by_name(portfolio: Portfolio) -> None:
    rows = build_rows(portfolio)
    order = [s.name for s in portfolio.data.segments]
    assert order == ["SMB", "Mid-market", "Enterprise", "Strategic"]
    shown = [r.segment for r in sort_rows(rows, "segment", False)]
    assert [*dict.fromkeys(shown)] == order
    backwards = [r.segment for r in sort_rows(rows, "segment", True)]
    assert [*dict.fromkeys(backwards)] == order[::-1]


def test_natural_widths_hold_every_cell(portfolio: Portfolio) -> None:
    rows = build_rows(portfolio)
    widths = natural_widths(rows, portfolio.data)
    assert set(widths) == {c.key for c in COLUMNS}
    for column in COLUMNS:
        assert max(len(cell_text(r, column.key)) for r in rows) <= widths[column.key], column.key
    # From the reference, not only from the rows: every label fits.
    # The demo data has implementations an open high risk made at risk.
    assert widths["health"] == len("at risk (risk)")
    assert widths["deployment"] == len("Kubernetes (Helm)")
    assert widths["milestone"] == len("Infrastructure build complete")
    assert natural_widths([], portfolio.data)["customer"] == 0


def test_health_sorts_worst_first_then_most_days() -> None:
    rows = [
        row(id="met", health=Health.MET, elapsed=20),
        row(id="none", health=Health.NONE, elapsed=None),
        row(id="risk-22", health=Health.AT_RISK, elapsed=22),
        row(id="ok-5", health=Health.ON_TRACK, elapsed=5),
        row(id="late-31", health=Health.OVERDUE, elapsed=31),
        row(id="risk-none", health=Health.AT_RISK, elapsed=None),
        row(id="risk-25", health=Health.AT_RISK, elapsed=25),
        row(id="late-40", health=Health.OVERDUE, elapsed=40),
        row(id="missed", health=Health.MISSED, elapsed=45),
        row(id="ok-12", health=Health.ON_TRACK, elapsed=12),
    ]
    assert [r.id for r in sort_rows(rows, "health", False)] == [
        "late-40",
        "late-31",
        "risk-25",
        "risk-22",
        "risk-none",
        "ok-12",
        "ok-5",
        "missed",
        "met",
        "none",
    ]


@pytest.mark.parametrize("column", [c.key for c in COLUMNS])
def test_sort_key_orders_as_sort_rows(portfolio: Portfolio, column: str) -> None:
    rows = build_rows(portfolio)
    assert sorted(rows, key=sort_key(column)) == sort_rows(rows, column, False)
    assert [rows[i] for i in sort_order(rows, column, True)] == sort_rows(rows, column, True)


@pytest.mark.parametrize("column", [c.key for c in COLUMNS])
def test_reversed_sort_properties(portfolio: Portfolio, column: str) -> None:
    """Reversed: values descending, ties in input order, missing ones last in input order."""
    built = build_rows(portfolio)
    rows = built + [msgspec.structs.replace(r) for r in built]  # every row twice: plenty of ties
    position = {id(r): i for i, r in enumerate(rows)}
    key = sort_key(column)
    ordered = sort_rows(rows, column, True)
    assert sorted(map(id, ordered)) == sorted(map(id, rows))
    for first, second in itertools.pairwise(ordered):
        (missing_a, a), (missing_b, b) = key(first), key(second)
        assert missing_a <= missing_b
        if missing_a == missing_b and not missing_a:
            assert a >= b
        if key(first) == key(second):
            assert position[id(first)] < position[id(second)]


# --- scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "health", "scopes"),
    [
        (Status.ACTIVE, Health.ON_TRACK, {Scope.ACTIVE, Scope.ALL}),
        (Status.ACTIVE, Health.AT_RISK, {Scope.ACTIVE, Scope.AT_RISK, Scope.ALL}),
        (Status.ACTIVE, Health.OVERDUE, {Scope.ACTIVE, Scope.AT_RISK, Scope.ALL}),
        (Status.ACTIVE, Health.NONE, {Scope.ACTIVE, Scope.ALL}),
        (Status.COMPLETED, Health.MET, {Scope.COMPLETED, Scope.ALL}),
        (Status.COMPLETED, Health.MISSED, {Scope.COMPLETED, Scope.ALL}),
        # Only active ones count as at risk, whatever the health says.
        (Status.ON_HOLD, Health.OVERDUE, {Scope.ALL}),
        (Status.PLANNED, Health.NONE, {Scope.ALL}),
        (Status.CANCELLED, Health.NONE, {Scope.ALL}),
    ],
)
def test_scopes_by_status_and_health(status: Status, health: Health, scopes: set[Scope]) -> None:
    subject = row(status=status, health=health, owner="", project_manager="", resident_architect="")
    assert {s for s in Scope if in_scope(subject, s, "Louis Jarvis")} == scopes


@pytest.mark.parametrize(
    ("people", "me", "mine"),
    [
        ({"owner": "Louis Jarvis"}, "Louis Jarvis", True),
        ({"project_manager": "Louis Jarvis"}, "Louis Jarvis", True),
        ({"resident_architect": "Louis Jarvis"}, "Louis Jarvis", True),
        ({"owner": "Louis Jarvis"}, "louis jarvis", False),  # names match exactly
        ({"owner": "Louis Jarvis"}, "Louis", False),
        ({"owner": "Louis Jarvis"}, None, False),
        # Without a name MINE matches nothing, not the rows with nobody in a role.
        ({}, None, False),
        ({}, "", False),
    ],
)
def test_scope_mine(people: dict[str, str], me: str | None, mine: bool) -> None:
    subject = row(**{"owner": "", "project_manager": "", "resident_architect": "", **people})
    assert in_scope(subject, Scope.MINE, me) is mine


@pytest.mark.parametrize("scope", list(Scope))
@pytest.mark.parametrize("me", [None, "", "Louis Jarvis", "Alex Fogg", "Andrew Norrish", "Nobody"])
def test_scope_positions_agrees_with_in_scope(portfolio: Portfolio, scope: Scope, me: str | None) -> None:
    rows = build_rows(portfolio)
    every = list(range(len(rows)))
    some = every[::-3]  # a subset, in another order: kept as given
    for positions in (every, some, []):
        expected = [i for i in positions if in_scope(rows[i], scope, me)]
        assert scope_positions(rows, positions, scope, me) == expected
    assert scope_positions(rows, iter(some), scope, me) == [i for i in some if in_scope(rows[i], scope, me)]


def test_scope_values() -> None:
    assert [s.value for s in Scope] == ["active", "completed", "at_risk", "mine", "all"]


def test_rows_share_repeated_strings(portfolio: Portfolio) -> None:
    # Not a behaviour anyone sees, but filtering 100,000 rows relies on it.
    rows = build_rows(portfolio)
    owners = {r.owner for r in rows}
    assert len({id(r.owner) for r in rows}) == len(owners)
    assert len({id(r.segment_id) for r in rows}) == len({r.segment_id for r in rows})


def test_row_from_a_store_round_trip(portfolio: Portfolio) -> None:
    # Rows compare by value: the same store decoded again gives equal rows.
    data = msgspec.json.decode(msgspec.json.encode(portfolio.data), type=type(portfolio.data))
    assert build_rows(Portfolio.build(data, TODAY)) == build_rows(portfolio)
