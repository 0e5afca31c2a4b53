"""Export and copy what the Implementations screen shows: the rows of the
current filter, scope and sort, in the columns on screen; CSV as
`ps-tui list --format csv` writes it."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.documents import RowDocument
from ps_tui.core.export import columns_for, rows_csv, rows_markdown
from ps_tui.screens.dialogs import ConfirmScreen
from ps_tui.screens.export_dialog import ExportScreen
from ps_tui.screens.implementations import ImplementationsScreen
from tests.apps import demo_app, settle
from tests.conftest import TODAY


def test_a_markdown_cell_keeps_to_its_cell(capsys: pytest.CaptureFixture[str]) -> None:
    from ps_tui.core.model import Reference

    assert main(["--today", TODAY.isoformat(), "list", "--format", "json"]) == 0
    document = msgspec.convert(json.loads(capsys.readouterr().out)[0], RowDocument, strict=False)
    hostile = msgspec.structs.replace(document, customer="Pipe | and\nnewline \\ co")
    text = rows_markdown([hostile], columns_for(["customer", "days"]), Reference())
    # The line break shows as the two characters backslash and n, as in
    # the reports (the backslash is itself escaped for Markdown).
    assert text.splitlines()[2] == f"| Pipe \\| and\\\\nnewline \\\\ co | {document.days} |"
    marked = msgspec.structs.replace(document, customer="*Acme* [x](y) \x1b[2J")
    assert rows_markdown([marked], columns_for(["customer"]), Reference()).splitlines()[2] == (
        "| \\*Acme\\* \\[x\\](y) \\\\x1b\\[2J |"
    )
    html = msgspec.structs.replace(document, customer="<script>x</script> & co")
    cell = rows_markdown([html], columns_for(["customer"]), Reference()).splitlines()[2]
    assert cell == "| &lt;script&gt;x&lt;/script&gt; &amp; co |"


async def export_from_screen(tmp_path: Path, name: str, *filter_keys: str) -> tuple[Path, list[str]]:
    app = demo_app()
    target = tmp_path / name
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        if filter_keys:
            await pilot.press("slash", *filter_keys, "enter")
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        shown = [row.id for row in screen.table.rows]
        await pilot.press("E")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        path_box = dialog.query_one("#export-path")
        path_box.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
    return target, shown


async def test_the_rows_on_screen_export_as_list_prints_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, shown = await export_from_screen(tmp_path, "rows.csv", *"seg:ent")
    exported = target.read_text(encoding="utf-8")
    columns = "customer,segment,arr,deployment,owner,milestone,days,target,health"
    assert (
        main(
            [
                "--today",
                TODAY.isoformat(),
                "list",
                "--filter",
                "seg:ent",
                "--format",
                "csv",
                "--columns",
                columns,
            ]
        )
        == 0
    )
    assert exported == capsys.readouterr().out
    assert len(exported.splitlines()) == len(shown) + 1


async def test_json_export_holds_the_row_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, shown = await export_from_screen(tmp_path, "rows.json")
    documents = json.loads(target.read_text(encoding="utf-8"))
    assert [d["id"] for d in documents] == shown
    assert main(["--today", TODAY.isoformat(), "list", "--format", "json"]) == 0
    assert documents == json.loads(capsys.readouterr().out)


async def test_an_existing_file_is_replaced_only_after_a_yes(tmp_path: Path) -> None:
    target = tmp_path / "rows.md"
    target.write_text("mine\n", encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("E")
            await settle(pilot)
            app.screen.query_one("#export-path").value = str(target)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(answer)
            await settle(pilot)
            if answer == "n":
                assert isinstance(app.screen, ExportScreen)
                assert target.read_text(encoding="utf-8") == "mine\n"
                await pilot.press("escape")
                await settle(pilot)
    assert target.read_text(encoding="utf-8").startswith("| Customer | Segment |")


async def test_a_bad_name_is_refused_in_the_dialog_and_kept(tmp_path: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "E")
        await settle(pilot)
        box = app.screen.query_one("#export-path")
        for typed, problem in (
            (str(tmp_path / "rows.xls"), "end the name with .csv, .json or .md"),
            (str(tmp_path / "nope" / "rows.csv"), "no folder"),
        ):
            box.value = typed  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen)
            assert problem in str(app.screen.query_one("#export-error").render())
            assert box.value == typed  # type: ignore[attr-defined]


async def test_copy_the_row_and_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("y", "Y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        first = screen.table.rows[0]
    assert copied[0].startswith(f"{first.customer} · ")
    assert copied[0].endswith("overdue")
    table = copied[1].splitlines()
    assert table[0].startswith("| Customer |") and len(table) == 2 + 15


def test_list_csv_is_the_export_of_its_rows(capsys: pytest.CaptureFixture[str]) -> None:
    from ps_tui.config import Settings
    from ps_tui.core.report import CSV_COLUMNS, choose_columns
    from ps_tui.session import Listing, ListRequest, load_portfolio, open_store

    assert main(["--today", TODAY.isoformat(), "list", "--format", "csv"]) == 0
    listing = Listing(load_portfolio(open_store(Settings(today=TODAY)), TODAY))
    documents = listing.documents(ListRequest())
    assert capsys.readouterr().out == rows_csv(documents, choose_columns(None, CSV_COLUMNS))


@pytest.mark.parametrize(("key", "command"), [("1", ["kpi"]), ("4", ["team"])])
async def test_y_copies_what_the_command_prints(
    key: str, command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = demo_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert main(["--today", TODAY.isoformat(), *command]) == 0
    assert copied == [capsys.readouterr().out.rstrip("\n")]


async def test_y_in_the_detail_view_copies_its_status(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert copied == [
        "IMP-0031 Los Pollos Hermanos · Active · overdue · day 40 of 30 · now: Instance configuration"
    ]
