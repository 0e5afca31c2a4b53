"""`ps-tui list`: the Implementations screen's rows, headless."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ps_tui.cli import main
from ps_tui.cli.diagnostics import EXIT_BROKEN_PIPE
from ps_tui.data import default_store
from ps_tui.store.file import FileStore
from tests.apps import demo_app, open_list
from tests.conftest import TODAY

TODAY_FLAG = ["--today", TODAY.isoformat()]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["list", *TODAY_FLAG, "--format", "json", *args]) == 0
    out: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return out


async def test_default_rows_match_the_screen(capsys: pytest.CaptureFixture[str]) -> None:
    # main() runs its own event loop, so not on this test's.
    listed = await asyncio.to_thread(run_json, capsys)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        on_screen = [row.id for row in screen.table.rows]
    assert [row["id"] for row in listed] == on_screen
    assert {row["status"] for row in listed} == {"active"}


def test_filters(capsys: pytest.CaptureFixture[str]) -> None:
    overdue = run_json(capsys, "--health", "overdue")
    assert overdue and {row["health"] for row in overdue} == {"overdue"}
    assert all(isinstance(row["days"], int) and row["days"] > row["target"] for row in overdue)  # type: ignore[operator]
    louis = run_json(capsys, "--owner", "louis", "--status", "all")
    assert louis and {row["ie_owner"] for row in louis} == {"Louis Jarvis"}
    done = run_json(capsys, "--status", "completed")
    assert done and {row["health"] for row in done} <= {"met", "missed"}
    strategic = run_json(capsys, "--filter", "seg:strat")
    assert strategic and {row["segment"] for row in strategic} == {"strategic"}


@pytest.mark.parametrize(
    "flags",
    [
        ["--health", "at-risk", "--health", "overdue"],
        ["--health", "at-risk,overdue"],
        ["--health", "overdue, at-risk"],
        ["--filter", "health:at-risk health:overdue"],
        ["--health", "at-risk", "--filter", "health:overdue"],
    ],
)
def test_a_repeated_filter_means_either(capsys: pytest.CaptureFixture[str], flags: list[str]) -> None:
    at_risk = run_json(capsys, "--health", "at-risk")
    overdue = run_json(capsys, "--health", "overdue")
    assert at_risk and overdue
    either = run_json(capsys, *flags)
    assert sorted(row["id"] for row in either) == sorted(row["id"] for row in at_risk + overdue)  # type: ignore[type-var]


def test_repeated_statuses_and_owners_mean_either(capsys: pytest.CaptureFixture[str]) -> None:
    planned = run_json(capsys, "--status", "planned")
    held = run_json(capsys, "--status", "on-hold")
    both = run_json(capsys, "--status", "planned", "--status", "on-hold")
    assert planned and held and {row["id"] for row in both} == {row["id"] for row in planned + held}
    assert run_json(capsys, "--status", "planned,on-hold") == both
    louis = run_json(capsys, "--owner", "louis", "--status", "all")
    marc = run_json(capsys, "--owner", "marc", "--status", "all")
    either = run_json(capsys, "--owner", "louis", "--owner", "marc", "--status", "all")
    assert {row["id"] for row in either} == {row["id"] for row in louis + marc}
    assert run_json(capsys, "--owner", "louis,marc", "--status", "all") == either


@pytest.mark.parametrize("owner", ["nobody", "Nobody Here", "louis,nobody"])
def test_an_owner_who_is_nobody_on_the_team_is_exit_2_with_the_known_names(
    capsys: pytest.CaptureFixture[str], owner: str
) -> None:
    assert main(["list", *TODAY_FLAG, "--owner", owner]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "is part of no team member's name. Known: " in captured.err
    assert all(name in captured.err for name in ("Louis Jarvis", "Marc LeBlanc", "Alex Fogg"))


def test_json_rows_carry_the_whole_record_and_what_the_screen_derives(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import msgspec

    from ps_tui.core.model import Implementation
    from ps_tui.core.view import Portfolio

    data = default_store(TODAY)
    rows = run_json(capsys, "--status", "all")
    assert len(rows) == len(data.implementations)
    by_id = {impl.id: impl for impl in data.implementations}
    assessments = Portfolio.build(data, TODAY).assessments
    for row in rows:
        stored = by_id[str(row["id"])]
        # Every stored field, as the store holds it (unknown is null, not left out).
        record = {name: row[name] for name in Implementation.__struct_fields__}
        assert msgspec.convert(record, Implementation) == stored
        assessment = assessments[stored.id]
        assert row["days"] == assessment.elapsed
        assert row["health"] == assessment.health.value
        assert row["projected"] == (assessment.projected.isoformat() if assessment.projected else None)
    assert {"kickoff", "production_ready", "developers", "hosting", "package", "project_manager"} <= set(
        rows[0]
    )
    assert {"resident_architect", "notes", "milestones", "risks", "current_milestone"} <= set(rows[0])


def test_csv_is_raw_values_with_a_status_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", *TODAY_FLAG, "--format", "csv", "--status", "all"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    rows = {row["id"]: row for row in run_json(capsys, "--status", "all")}
    assert table and len(table) == len(rows)
    statuses = {row["status"] for row in table}
    assert {"active", "completed", "planned", "on_hold", "cancelled"} <= statuses
    for line in table:
        row = rows[line["id"]]
        assert line["arr"] == ("" if row["arr"] is None else str(row["arr"]))
        assert line["kickoff"] == (row["kickoff"] or "")
        assert line["health"] == row["health"]
        assert line["segment"] == row["segment"]
        assert line["current_milestone"] == (row["current_milestone"] or "")
        # Never display text.
        assert not {"$", "—"} & set(line["arr"] + line["days"] + line["developers"])
        assert line["health"] not in ("made target", "at risk", "on track")


def test_columns_choose_the_csv_and_table_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", *TODAY_FLAG, "--format", "csv", "--columns", "id,status,Days,owner"]) == 0
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines[0] == ["id", "status", "days", "ie_owner"]
    assert all(len(line) == 4 and line[1] == "active" for line in lines[1:])
    assert main(["list", *TODAY_FLAG, "--columns", "customer,kickoff,projected"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == ["Customer", "Kickoff", "Projected"]
    assert main(["list", *TODAY_FLAG, "--columns", "id,colour"]) == 2
    err = capsys.readouterr().err
    assert "--columns: unknown column 'colour'; use some of id, customer, segment," in err
    assert main(["list", *TODAY_FLAG, "--format", "json", "--columns", "id"]) == 2
    assert "a JSON row holds every field" in capsys.readouterr().err


def test_the_table_shows_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", *TODAY_FLAG, "--status", "planned,on-hold,cancelled"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split()[:3] == ["Customer", "Segment", "ARR"]
    assert lines[0].split()[-1] == "Status"
    assert {line.split()[-1] for line in lines[1:]} == {"Planned", "hold", "Cancelled"}
    assert "of 42 implementations" in captured.err


def test_bad_filter_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--status", "sleeping"]) == 2
    assert "unknown status 'sleeping'" in capsys.readouterr().err
    assert main(["list", "--filter", "colour:red"]) == 2
    assert "unknown filter 'colour:'" in capsys.readouterr().err


def test_list_reads_a_store_file_and_reports_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.json"
    FileStore(path).write(default_store(TODAY))
    assert len(run_json(capsys, "--store", str(path), "--status", "all")) == len(
        default_store(TODAY).implementations
    )
    path.write_text('{"schema_version": 1, "kpi": {"target_days": "x"}}')
    before = path.read_bytes()
    assert main(["list", "--store", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: kpi.target_days" in err
    assert path.read_bytes() == before


def test_an_owner_with_a_quote_is_taken_as_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The flags build the query directly: no filter text to quote, so a name
    # may hold any character.
    data = default_store(TODAY)
    owner = data.implementations[0].ie_owner
    assert owner is not None
    renamed = 'Dana O"Brien'
    path = tmp_path / "store.json"
    FileStore(path).write(data)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(json.dumps(owner), json.dumps(renamed)), encoding="utf-8")
    implementations = FileStore(path).read().implementations
    rows = run_json(capsys, "--store", str(path), "--status", "all", "--owner", 'O"Brien')
    assert rows and {row["ie_owner"] for row in rows} == {renamed}
    assert len(rows) == sum(i.ie_owner == renamed for i in implementations)
    assert run_json(capsys, "--store", str(path), "--owner", 'o"b', "--filter", 'owner:"dana o"') == [
        row for row in rows if row["status"] == "active"
    ]


@pytest.mark.parametrize(
    "argv",
    [["list", "--status", "all"], ["list", "--format", "json"], ["kpi", "--json"], ["team"], ["schema"]],
)
def test_output_cut_short_ends_quietly(argv: list[str], tmp_path: Path) -> None:
    # As `ps-tui list | head -1` does once head has its line: the reader is
    # gone before the command writes, so its first write fails.
    process = subprocess.Popen(
        [sys.executable, "-m", "ps_tui", *argv, "--today", TODAY.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert err == b""


def test_head_reads_the_first_line(tmp_path: Path) -> None:
    result = subprocess.run(
        f"{shlex.quote(sys.executable)} -m ps_tui list --status all --today {TODAY} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.split()[:3] == ["Customer", "Segment", "ARR"]
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
