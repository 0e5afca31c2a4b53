"""`ps-tui import`: CSV and Excel exports checked by the form's rules, all or
nothing, a dry run first, the mapping guessed or given, and the history."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ps_tui.core.history import Action
from ps_tui.core.importing import MappingProblem, Row, guess_mapping, mapping_from, plan_import
from ps_tui.store.file import FileStore
from tests.server_process import TODAY, isolated_env, start_server, write_store

ME = "Andrew Norrish"

CRM = (
    "Account Name,Devs,ARR,Stage,Kick-off,Owner,Opportunity ID\n"
    "Acme Rockets,250,150k,Active,2026-11-20,louis jarvis,OPP-1\n"
    'Globex Corporation,,"$1.2M",,,,OPP-2\n'
)


def ps_tui(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = isolated_env(home, None)
    env["PS_TUI_ME"] = ME
    command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=60, check=False, input=stdin or ""
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.toml")


def run(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ps_tui(store.parent / "home", "--store", str(store), "import", *args)


def export(tmp_path: Path, text: str, name: str = "crm.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the mapping ------------------------------------------------------------------------


def test_the_mapping_is_guessed_from_crm_headers() -> None:
    headers = ["Account Name", "Devs", "ARR", "Stage", "Kick-off", "Owner", "Opportunity ID", "PM"]
    assert guess_mapping(headers) == {
        0: "customer",
        1: "developers",
        2: "arr",
        3: "status",
        4: "kickoff",
        5: "ie_owner",
        7: "project_manager",
    }
    # A second column for one field is left out, not a silent overwrite.
    assert guess_mapping(["Customer", "Account"]) == {0: "customer"}


def test_a_given_mapping_names_a_column_and_a_field() -> None:
    headers = ["Acct", "Size"]
    assert mapping_from({"acct": "customer", "Size": "developers"}, headers) == {
        0: "customer",
        1: "developers",
    }
    with pytest.raises(MappingProblem, match="'Nope': no such column"):
        mapping_from({"Nope": "customer"}, headers)
    with pytest.raises(MappingProblem, match="'bogus' is not a field"):
        mapping_from({"Acct": "bogus"}, headers)


# -- the plan -------------------------------------------------------------------------------


def test_rows_update_by_id_then_by_customer_and_create_the_rest(store: Path) -> None:
    data = FileStore(store).read()
    rows = [
        Row(2, ["IMP-0001", "", "2.4M"]),
        Row(3, ["", "Globex Corporation", "1.2M"]),
        Row(4, ["", "Hooli", "90k"]),
        Row(5, ["", "Bachmanity", "10k"]),
    ]
    mapping = {0: "id", 1: "customer", 2: "arr"}
    changes, problems, saved, unchanged = plan_import(data, rows, mapping, TODAY)
    assert [p.message for p in problems] == [
        "give a segment or a developer count",
        "give a segment or a developer count",
    ]
    rows[2] = Row(4, ["", "Hooli", "90k", "300"])
    rows[3] = Row(5, ["", "Bachmanity", "10k", "12"])
    changes, problems, saved, unchanged = plan_import(data, rows, {**mapping, 3: "developers"}, TODAY)
    assert problems == []
    assert [(c.line, c.action, c.id, c.fields) for c in changes] == [
        (2, "update", "IMP-0001", ["arr"]),
        (3, "update", "IMP-0002", ["arr"]),
        (4, "create", "IMP-0043", ["arr", "customer", "developers"]),
        (5, "create", "IMP-0044", ["arr", "customer", "developers"]),
    ]
    assert [impl.arr for impl in saved] == [2_400_000, 1_200_000, 90_000, 10_000]
    assert unchanged == 0


def test_a_row_matching_two_implementations_or_repeating_one_is_refused(store: Path) -> None:
    data = FileStore(store).read()
    first = data.implementations[0]
    twin = type(first)(**{**{f: getattr(first, f) for f in first.__struct_fields__}, "id": "IMP-0900"})
    data = type(data)(**{**{f: getattr(data, f) for f in data.__struct_fields__}})
    data.implementations.append(twin)
    _, problems, _, _ = plan_import(data, [Row(2, [first.customer, "1"])], {0: "customer", 1: "arr"}, TODAY)
    assert (
        problems[0].field == "customer" and f"({first.id}, IMP-0900): add an id column" in problems[0].message
    )
    rows = [Row(2, ["IMP-0002", "1"]), Row(3, ["IMP-0002", "2"])]
    _, problems, _, _ = plan_import(data, rows, {0: "id", 1: "arr"}, TODAY)
    assert [(p.line, p.column, p.message) for p in problems] == [(3, 1, "IMP-0002 is also on line 2")]


def test_the_next_free_id_follows_every_row_created_before(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ps_tui.core import importing

    data = FileStore(store).read()
    rows = [
        Row(2, ["", "New A", "300"]),
        Row(3, ["IMP-0100", "New B", "300"]),
        Row(4, ["", "New C", "300"]),
    ]
    monkeypatch.setattr(importing, "PLAN_SLICE", 2)
    planned: list[int] = []
    changes, problems, _, _ = plan_import(
        data, rows, {0: "id", 1: "customer", 2: "developers"}, TODAY, planned.append
    )
    assert problems == []
    assert [(c.action, c.id) for c in changes] == [
        ("create", "IMP-0043"),
        ("create", "IMP-0100"),
        ("create", "IMP-0101"),
    ]
    assert planned == [2, 3]


# -- the command ------------------------------------------------------------------------------


def test_a_dry_run_prints_the_guessed_mapping_and_the_plan_and_writes_nothing(
    store: Path, tmp_path: Path
) -> None:
    before = store.read_bytes()
    result = run(store, str(export(tmp_path, CRM)), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "columns (guessed from the headers: check it):" in result.stdout
    assert "Account Name  -> customer" in result.stdout
    assert "ignored: Opportunity ID" in result.stdout
    assert "line 2: create IMP-0043 Acme Rockets" in result.stdout
    assert "line 3: update IMP-0002 Globex Corporation: arr" in result.stdout
    assert store.read_bytes() == before


def test_a_guessed_mapping_is_not_written_without_yes(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    result = run(store, str(export(tmp_path, CRM)))
    assert result.returncode == 2
    assert "run again with --yes" in result.stderr and "nothing was written" in result.stderr
    assert store.read_bytes() == before


def test_an_import_writes_every_row_in_one_recorded_save(store: Path, tmp_path: Path) -> None:
    result = run(store, str(export(tmp_path, CRM)), "--yes")
    assert result.returncode == 0, result.stderr
    assert "written: 2 implementation(s)" in result.stdout
    data = FileStore(store).read()
    acme = next(impl for impl in data.implementations if impl.customer == "Acme Rockets")
    assert (acme.id, acme.ie_owner, acme.kickoff, acme.arr) == (
        "IMP-0043",
        "Louis Jarvis",
        dt.date(2026, 11, 20),
        150_000,
    )
    (save,) = FileStore(store).history().saves
    assert [(e.action, e.implementation) for e in save.events] == [
        (Action.EDIT, "IMP-0002"),
        (Action.CREATE, "IMP-0043"),
    ] or [(e.action, e.implementation) for e in save.events] == [
        (Action.CREATE, "IMP-0043"),
        (Action.EDIT, "IMP-0002"),
    ]
    assert save.who == ME


def test_one_bad_row_and_nothing_is_written_every_problem_named(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    text = CRM + "Initech,40,12k,Planned,,,OPP-3\nHooli,300,lots,Active,2026-13-01,Nobody,OPP-4\n"
    result = run(store, str(export(tmp_path, text)), "--yes")
    assert result.returncode == 2
    crm = str(tmp_path / "crm.csv")
    assert f"{crm}:5:3: arr: " in result.stderr
    assert f"{crm}:5:5: kickoff: '2026-13-01' is not a real date" in result.stderr
    assert f"{crm}:5:6: ie_owner: unknown team member 'Nobody'" in result.stderr
    assert "nothing was written" in result.stderr
    assert store.read_bytes() == before
    assert not (tmp_path / "store.history.jsonl").exists()
    assert "Traceback" not in result.stderr


def test_a_mapping_given_by_flags_or_a_file(store: Path, tmp_path: Path) -> None:
    csv = export(tmp_path, "Acct;Size;Sales owner\nHooli;300;Louis Jarvis\n")
    result = run(store, str(csv), "--map", "Acct=customer", "--map", "Size=developers", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["guessed"] is False
    assert plan["mapping"] == {"customer": "Acct", "developers": "Size"}
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\n"Acct" = "customer"\n"Size" = "developers"\n"Sales owner" = "ie-owner"\n')
    result = run(store, str(csv), "--mapping", str(mapping), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Sales owner  -> ie_owner" in result.stdout
    result = run(store, str(csv), "--map", "Acct=client")
    assert result.returncode == 2 and "'client' is not a field" in result.stderr


def test_hostile_cells_and_files_are_messages(store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    result = run(store, str(export(tmp_path, "Customer,Devs\n\x1b[31mEvil,10\n")), "--yes")
    assert result.returncode == 2 and ":2:1: customer:" in result.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"Customer,Devs\nCaf\xe9,10\n")
    result = run(store, str(latin))
    assert result.returncode == 2 and f"{latin}:2: not UTF-8" in result.stderr
    huge = export(tmp_path, "Customer,Notes\nHooli," + "x" * 100_001 + "\n", "huge.csv")
    result = run(store, str(huge))
    assert result.returncode == 2 and ":2:2: a cell longer than" in result.stderr
    result = run(store, str(export(tmp_path, "", "empty.csv")))
    assert result.returncode == 2 and "no header row" in result.stderr
    result = run(store, str(export(tmp_path, "Foo,Bar\n1,2\n", "odd.csv")))
    assert result.returncode == 2 and "no column header names a field" in result.stderr
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    result = run(store, str(fake))
    assert result.returncode == 2 and "not an Excel workbook" in result.stderr
    assert store.read_bytes() == before
    assert "Traceback" not in result.stderr


def test_an_excel_export(store: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deals"
    sheet.append(["Customer", "Developers", "ARR", "Kickoff", "Status", "IE owner"])
    sheet.append(["Hooli", 300, 90000.0, dt.datetime(2026, 11, 20), "Active", "Louis Jarvis"])
    path = tmp_path / "deals.xlsx"
    workbook.save(path)
    result = run(store, str(path), "--sheet", "Deals", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    data = FileStore(store).read()
    hooli = next(impl for impl in data.implementations if impl.customer == "Hooli")
    assert (hooli.developers, hooli.arr, hooli.kickoff) == (300, 90_000, dt.date(2026, 11, 20))
    result = run(store, str(path), "--sheet", "Nope")
    assert result.returncode == 2 and "no sheet 'Nope' (sheets: Deals)" in result.stderr


def test_an_import_into_a_shared_server(tmp_path: Path) -> None:
    path = write_store(tmp_path / "store.toml")
    token = "import-token"
    with start_server(path, token=token) as server:
        env = isolated_env(tmp_path / "home", None)
        env["PS_TUI_TOKEN"] = token
        command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), "--remote", server.url]
        csv = export(tmp_path, CRM)
        result = subprocess.run(
            [*command, "import", str(csv), "--yes"], capture_output=True, text=True, env=env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        history = subprocess.run(
            [*command, "history", "--json"], capture_output=True, text=True, env=env, timeout=60
        )
    events = json.loads(history.stdout)
    assert sorted((e["action"], e["implementation"]) for e in events) == [
        ("create", "IMP-0043"),
        ("edit", "IMP-0002"),
    ]


def on_a_terminal(home: Path, *args: str) -> tuple[int, str, str]:
    """`ps-tui ARGS` with stderr on a pseudo-terminal, as a user runs it
    (stdout a pipe): the exit status, stdout and what the terminal showed."""
    import os
    import pty

    env = isolated_env(home, None)
    env["PS_TUI_ME"] = ME
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 250, 0, 0))
    command = [sys.executable, "-m", "ps_tui", "--today", TODAY.isoformat(), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone: the command has ended
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, out.decode(), shown.decode()


def test_an_import_says_how_it_goes_on_a_terminal_and_nothing_otherwise(tmp_path: Path) -> None:
    store = write_store(tmp_path / "store.json")
    csv = str(export(tmp_path, CRM))
    home = store.parent / "home"
    code, out, shown = on_a_terminal(home, "--store", str(store), "import", csv, "--dry-run")
    assert code == 0, shown
    count = len(FileStore(store).read().implementations)
    assert f"ps-tui import {csv}: reading the rows" in shown
    assert f"the store · Checking {count} of {count} implementations" in shown
    assert "checking row 2 of 2" in shown
    # Each step erases the one before; the last is erased before the plan.
    assert shown.endswith("\r\x1b[2K")
    assert "to create" not in shown and "1 to create, 1 to update" in out
    quiet = run(store, csv, "--dry-run")
    assert quiet.returncode == 0 and "\x1b" not in quiet.stderr and "checking" not in quiet.stderr
