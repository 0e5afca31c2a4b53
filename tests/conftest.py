"""Shared fixtures: isolate the user's real config and cache, and build apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.databases import Cluster, put_store, start_cluster
from tests.forked_servers import Forks

if TYPE_CHECKING:
    from ps_tui.db.connection import Database

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs with a throwaway home, config and cache directory and no
    PS_TUI_* variables, so nothing reads or writes the real user's files; and
    no editor, so notes are typed in the form unless a test sets one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for name in ("PS_TUI_CONFIG", "PS_TUI_STORE", "PS_TUI_TODAY", "PS_TUI_ME", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server for the session (see tests/databases.py)."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def forks() -> Iterator[Forks]:
    """The parent that forks cheap `ps-tui serve` processes (tests/forked_servers.py)."""
    with Forks() as parent:
        yield parent


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """A fresh database with the schema, for one test."""
    return postgres_cluster.fresh()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then a PostgreSQL database, each holding the bundled store."""
    url = f"sqlite:///{tmp_path / 'ps-tui.db'}" if request.param == "sqlite" else None
    if url is None:
        url = str(request.getfixturevalue("postgres_url"))
    put_store(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A SQLite file, then a PostgreSQL database, each with no tables yet, opened."""
    from ps_tui.db import parse_url
    from ps_tui.db.opening import open_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ps-tui.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").blank()
    opened = open_database(parse_url(url))
    try:
        yield opened
    finally:
        opened.close()
