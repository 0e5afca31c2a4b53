"""`ps-tui db import` and `ps-tui db export` lose nothing: a store file with
a history of edits, taken into a database and out again, gives the same
store and the same history records, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.model import Implementation, Risk, Severity
from ps_tui.data import default_store
from ps_tui.store.file import FileStore
from ps_tui.store.history_file import history_path
from tests.conftest import TODAY


def edited_store(path: Path) -> FileStore:
    """A store file with a history: a create, an edit, a risk, a delete, a reference change."""
    store = FileStore(path, who="Dana Scully")
    store.write(default_store(TODAY))
    store.read()
    store.save_implementation_sync(Implementation(id="IMP-9001", customer="Round Trip Co", segment="smb"))
    first = store.read().implementations[0]
    store.save_implementation_sync(msgspec.structs.replace(first, notes="Fortnightly call"))
    risk = Risk(text="Security review pending", severity=Severity.HIGH, opened=TODAY)
    store.save_implementation_sync(msgspec.structs.replace(store.read().implementations[1], risks=[risk]))
    store.delete_implementation_sync("IMP-0003")
    reference = store.read()
    store.save_reference_sync(msgspec.structs.replace(reference, purpose="Round trip"))
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ps-tui.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_store_and_its_history_round_trip(
    database_url: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = edited_store(tmp_path / f"store{suffix}")
    before, history = original.read(), original.history()
    assert len(history.saves) == 5
    assert main(["db", "import", database_url, str(original.path)]) == 0
    assert "imported 42 implementations and 5 history records" in capsys.readouterr().out
    out = tmp_path / "out" / f"store{suffix}"
    out.parent.mkdir()
    assert main(["db", "export", database_url, str(out)]) == 0
    assert "exported 42 implementations and 5 history records" in capsys.readouterr().out
    exported = FileStore(out)
    assert exported.read(thorough=True) == before
    assert exported.history().saves == history.saves
    assert exported.history().unreadable == []


def test_import_refuses_a_database_with_a_store_and_export_an_existing_file(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = edited_store(tmp_path / "store.toml")
    assert main(["db", "import", database_url, str(original.path)]) == 0
    capsys.readouterr()
    assert main(["db", "import", database_url, str(original.path)]) == 2
    assert "already holds a store" in capsys.readouterr().err
    assert main(["db", "export", database_url, str(original.path)]) != 0
    assert f"{original.path}: exists already" in capsys.readouterr().err
    assert history_path(original.path).exists()


async def test_what_the_server_records_exports_as_a_history_file(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ps_tui.db import parse_url
    from ps_tui.db.opening import open_database
    from ps_tui.server.database import DatabaseState

    original = edited_store(tmp_path / "store.toml")
    assert main(["db", "import", database_url, str(original.path)]) == 0
    state = DatabaseState(database=open_database(parse_url(database_url)), who="Fox Mulder")
    try:
        await state.ready()
        first = state.current().implementations[0]
        await state.update(msgspec.structs.replace(first, notes="Monthly call"), None, TODAY)
        await state.delete("IMP-0004", None)
    finally:
        state.database.close()
    out = tmp_path / "out.toml"
    assert main(["db", "export", database_url, str(out)]) == 0
    capsys.readouterr()
    assert main(["--store", str(out), "history", "--json"]) == 0
    events = msgspec.json.decode(capsys.readouterr().out)
    assert [(e["who"], e["action"], e.get("implementation")) for e in events[:3]] == [
        ("Fox Mulder", "delete", "IMP-0004"),
        ("Fox Mulder", "edit", first.id),
        ("Dana Scully", "reference", None),
    ]
    assert len(events) == 7
