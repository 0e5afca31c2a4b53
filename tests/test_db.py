"""The database's schema and its commands: `ps-tui db upgrade` applies the
numbered migrations once and says so, a SQLite database runs in WAL mode
with full syncs and a busy timeout, and `ps-tui serve --database` refuses a
database it cannot serve, saying what to run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ps_tui.cli import main
from ps_tui.db import BadDatabaseUrl, parse_url
from ps_tui.db.migrate import migrations, pending
from ps_tui.db.opening import open_database


def test_database_urls() -> None:
    assert parse_url("sqlite:///ps-tui.db").path == Path("ps-tui.db")
    assert parse_url("sqlite:////srv/ps-tui/ps-tui.db").path == Path("/srv/ps-tui/ps-tui.db")
    assert parse_url("postgresql://ps@db.example.com:5433/pstui").dialect == "postgresql"
    assert parse_url("postgresql://ps:secret@db/pstui").shown == "postgresql://ps:***@db/pstui"
    for bad in ("sqlite://ps.db", "sqlite:///", "mysql://x/y", "ps.db", "sqlite:///:memory:"):
        with pytest.raises(BadDatabaseUrl):
            parse_url(bad)


def test_both_dialects_have_the_same_migrations() -> None:
    sqlite_ones = [m.label for m in migrations("sqlite")]
    assert sqlite_ones == [m.label for m in migrations("postgresql")]
    assert sqlite_ones[0] == "0001_initial"


def upgrade_twice(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["db", "upgrade", url]) == 0
    first = capsys.readouterr().out
    assert main(["db", "upgrade", url]) == 0
    return first, capsys.readouterr().out


def test_upgrade_applies_each_migration_once_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    first, second = upgrade_twice(url, capsys)
    applied = "0001_initial, 0002_completion_dates, 0003_tokens, 0004_history_events, 0005_id_numbers"
    assert first == f"{url}: applied {applied}\n"
    assert second == f"{url}: the schema is up to date\n"
    with sqlite3.connect(tmp_path / "ps-tui.db") as connection:
        rows = connection.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert rows == [
        (1, "initial"),
        (2, "completion_dates"),
        (3, "tokens"),
        (4, "history_events"),
        (5, "id_numbers"),
    ]


def test_upgrade_applies_each_migration_once_on_postgresql(
    postgres_cluster: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.databases import Cluster

    assert isinstance(postgres_cluster, Cluster)
    postgres_cluster.sql("CREATE DATABASE empty_for_upgrade")
    url = postgres_cluster.url("empty_for_upgrade")
    first, second = upgrade_twice(url, capsys)
    assert first.endswith(
        ": applied 0001_initial, 0002_completion_dates, 0003_tokens, 0004_history_events, 0005_id_numbers\n"
    )
    assert second.endswith(": the schema is up to date\n")
    database = open_database(parse_url(url))
    try:
        assert pending(database) == []
    finally:
        database.close()


def test_sqlite_runs_in_wal_mode_with_full_syncs_and_a_busy_timeout(tmp_path: Path) -> None:
    database = open_database(parse_url(f"sqlite:///{tmp_path / 'ps-tui.db'}"))
    try:
        with database.read() as cursor:
            assert cursor.one("PRAGMA journal_mode") == ("wal",)
            assert cursor.one("PRAGMA synchronous") == (2,)  # FULL
            assert cursor.one("PRAGMA busy_timeout") == (10_000,)
    finally:
        database.close()


def test_serve_refuses_a_database_it_cannot_serve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    assert main(["serve", "--no-auth", "--database", url]) == 2
    assert f"run `ps-tui db upgrade {url}` first" in capsys.readouterr().err
    assert main(["db", "upgrade", url]) == 0
    capsys.readouterr()
    assert main(["serve", "--no-auth", "--database", url]) == 2
    assert "holds no store yet; put one in with `ps-tui db import URL STORE`" in capsys.readouterr().err
    assert main(["serve", "--no-auth", "--database", "sqlite://nowhere"]) == 2
    assert "--database 'sqlite://nowhere': a SQLite URL is" in capsys.readouterr().err
