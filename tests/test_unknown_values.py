"""Unknown is not zero: a blank ARR or developer count is stored as absent,
shown as "—" (null in JSON), never as $0, and the lookup says the ARR is
unknown rather than deciding as if it were 0. A stored `arr = 0` is a real 0."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.forms import form_values, parse_form
from ps_tui.core.listing import build_rows, cell_text, sort_rows
from ps_tui.core.model import MAX_INT, DiscountStatus, Implementation, StoreFile, json_schema
from ps_tui.core.offerings import CustomerIndex, LookupInput, customers_from_implementations, lookup
from ps_tui.core.view import Portfolio
from ps_tui.store.file import FileStore
from tests.conftest import TODAY
from tests.helpers import implementation, reference

REF = reference()


def store_with(*implementations: Implementation) -> StoreFile:
    return msgspec.structs.replace(REF, implementations=list(implementations))


def decoded(store: StoreFile) -> StoreFile:
    """`store` as the app reads it from a file: validated, with every key
    whose value is unknown (None) left out."""
    raw = msgspec.to_builtins(store)
    raw["implementations"] = [
        {key: value for key, value in impl.items() if value is not None} for impl in raw["implementations"]
    ]
    return msgspec.convert(raw, StoreFile)


def unknown(number: int = 1, **changes: object) -> Implementation:
    """An implementation whose ARR and developer count are not known."""
    return implementation(number, arr=None, developers=None, **changes)


# --- the form and the store file --------------------------------------------------------


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_a_blank_arr_and_developer_count_are_saved_as_absent(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"store.{kind}"
    store = FileStore(path)
    store.write(store_with(implementation(1)))
    values = form_values(implementation(1))
    values.update(arr="", developers="", segment="enterprise")
    result = parse_form(values, REF, implementation(1), "IMP-0100")
    assert result.errors == {}
    edited = result.implementation
    assert edited is not None
    assert edited.arr is None and edited.developers is None
    store.save_implementation_sync(edited)

    raw = path.read_bytes()
    on_disk = tomllib.loads(raw.decode()) if kind == "toml" else json.loads(raw)
    [written] = on_disk["implementations"]
    assert "arr" not in written and "developers" not in written
    [read_back] = FileStore(path).read().implementations
    assert read_back.arr is None and read_back.developers is None


def test_the_form_shows_an_unknown_arr_as_blank_and_keeps_a_zero() -> None:
    assert form_values(unknown())["arr"] == ""
    assert form_values(unknown())["developers"] == ""
    zero = implementation(1, arr=0)
    assert form_values(zero)["arr"] == "0"
    result = parse_form(form_values(zero), REF, zero, "IMP-0100")
    assert result.implementation == zero


def test_a_stored_zero_is_zero_and_a_missing_key_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(store_with(implementation(1, arr=0), unknown(2)))
    text = path.read_text()
    assert text.count("arr = 0") == 1
    zero, missing = FileStore(path).read().implementations
    assert zero.arr == 0
    assert missing.arr is None and missing.developers is None


def test_the_schema_allows_a_missing_arr() -> None:
    props = json_schema()["$defs"]["Implementation"]["properties"]  # type: ignore[index]
    whole = {"type": "integer", "minimum": 0, "maximum": MAX_INT}
    assert props["arr"]["anyOf"] == [whole, {"type": "null"}]
    assert props["arr"]["default"] is None


# --- the table and `ps-tui list` -----------------------------------------------------------


def test_the_table_shows_unknown_as_a_dash_and_zero_as_zero() -> None:
    store = decoded(store_with(unknown(1), implementation(2, arr=0)))
    missing, zero = build_rows(Portfolio.build(store, TODAY))
    assert missing.arr is None
    assert cell_text(missing, "arr") == "—"
    assert cell_text(zero, "arr") == "$0"


@pytest.mark.parametrize("reverse", [False, True])
def test_an_unknown_arr_sorts_last_in_both_directions(reverse: bool) -> None:
    store = store_with(
        implementation(1, arr=200_000),
        unknown(2),
        implementation(3, arr=0),
        unknown(4),
        implementation(5, arr=90_000),
    )
    rows = build_rows(Portfolio.build(decoded(store), TODAY))
    ids = [row.id[-1] for row in sort_rows(rows, "arr", reverse)]
    assert ids == (["1", "5", "3", "2", "4"] if reverse else ["3", "5", "1", "2", "4"])


def test_list_prints_unknown_as_null_in_json_empty_in_csv_and_a_dash_in_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.json"
    FileStore(path).write(store_with(unknown(1), implementation(2, arr=0)))
    common = ["list", "--today", TODAY.isoformat(), "--store", str(path), "--status", "all"]

    assert main([*common, "--format", "json"]) == 0
    listed = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["IMP-0001"]["arr"] is None
    assert listed["IMP-0002"]["arr"] == 0

    assert main([*common, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # Raw: an empty cell for unknown, the number itself for a real zero.
    assert {row["id"]: row["arr"] for row in table} == {"IMP-0001": "", "IMP-0002": "0"}

    assert main(common) == 0
    lines = capsys.readouterr().out.splitlines()
    [unknown_line] = [line for line in lines if line.startswith("Customer 1 ")]
    assert "—" in unknown_line and "$0" not in unknown_line


# --- the lookup --------------------------------------------------------------------------


def test_a_customer_with_an_unknown_arr_gets_no_discount_decided_and_is_told_why() -> None:
    records = customers_from_implementations([unknown(1, customer="Initech")])
    assert records[0].arr is None and records[0].developers is None
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex(records))
    assert answer.segment.id == "enterprise"
    assert not answer.discount.decided
    assert answer.discount.status is DiscountStatus.UNAVAILABLE
    assert answer.arr is None
    assert answer.listed_notes == (
        "ARR unknown: Initech's record has none. The Enterprise discount depends on the ARR: "
        "Enterprise above $100k ARR -> discounting available; "
        "Enterprise at or below $100k ARR -> no discount available. Give the ARR (e.g. 150k).",
    )


def test_a_customer_with_a_stored_zero_arr_is_decided_on_zero() -> None:
    records = customers_from_implementations([implementation(1, customer="Initech", arr=0)])
    assert records[0].arr == 0
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex(records))
    assert answer.discount.decided
    assert answer.discount.rule == "Enterprise at or below $100k ARR"
    assert answer.arr == 0 and answer.arr_source == "from Initech's record"


def test_lookup_command_says_the_arr_is_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(store_with(unknown(1, customer="Initech")))
    assert main(["lookup", "Initech", "--json", "--store", str(path)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["discount"]["status"] == "depends_on_arr"
    assert answer["discount"]["rule"].startswith("ARR needed: ")
    assert answer["notes"][0].startswith("ARR unknown: Initech's record has none.")


# --- the app ------------------------------------------------------------------------------


async def test_the_form_saves_a_blank_arr_as_absent_and_every_view_shows_a_dash(tmp_path: Path) -> None:
    from textual.widgets import Input, Select

    from ps_tui.screens.detail import DetailScreen
    from ps_tui.screens.form import FormScreen
    from ps_tui.screens.implementations import ImplementationsScreen
    from tests.apps import demo_app, settle

    path = tmp_path / "store.toml"
    FileStore(path).write(store_with())
    app = demo_app(store=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-customer", Input).value = "Unpriced Inc"
        form.query_one("#field-segment", Select).value = "enterprise"
        form.query_one("#field-status", Select).value = "planned"
        await pilot.pause()
        assert not form.query_one("#save").disabled, form.result.errors if form.result else None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen

        [written] = tomllib.loads(path.read_text())["implementations"]
        assert written["customer"] == "Unpriced Inc"
        assert "arr" not in written and "developers" not in written
        await pilot.press("A")  # every status: a new implementation is planned
        await settle(pilot)
        assert isinstance(screen, ImplementationsScreen)
        [row] = screen.table.rows
        assert row.customer == "Unpriced Inc" and cell_text(row, "arr") == "—"

        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        facts = dict(detail._facts)
        assert facts["ARR"] == "—"
        assert facts["Segment"] == "Enterprise (— developers)"


def test_the_lookup_shows_an_unknown_arr_and_developer_count_as_dashes() -> None:
    from ps_tui.widgets.lookup import customer_summary, discount_summary

    records = customers_from_implementations([unknown(1, customer="Initech")])
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex(records))
    summary = customer_summary(answer, REF)
    assert summary.plain == "Initech · stored Enterprise · — developers · — ARR · Managed cloud on AWS (EKS)"
    discount = discount_summary(answer, REF).plain.splitlines()
    assert discount[0] == "Depends on the ARR: ARR unknown; give it (e.g. 150k)"
