"""Real databases for the tests: a SQLite file, and a PostgreSQL server
started once per session from the machine's own binaries (Debian's
`postgresql` package; `bench/postgres.py` starts it, for the benchmarks
too), each test on a fresh database cloned from a template that holds the
schema.

Without the binaries the PostgreSQL tests skip, saying why, unless
PS_TUI_REQUIRE_POSTGRES is set (as CI sets it): then they fail.
"""

from __future__ import annotations

import os

import pytest

from bench import postgres
from bench.postgres import TEMPLATE, Cluster

__all__ = ["REQUIRE", "TEMPLATE", "Cluster", "missing", "start_cluster"]

REQUIRE = "PS_TUI_REQUIRE_POSTGRES"


def missing(reason: str) -> None:
    if os.environ.get(REQUIRE):
        pytest.fail(f"PostgreSQL is required here ({REQUIRE} is set) but {reason}")
    pytest.skip(f"no PostgreSQL: {reason} (install Debian's postgresql package)")


def start_cluster() -> Cluster:
    """Start a private PostgreSQL server with the template database."""
    try:
        return postgres.start_cluster()
    except postgres.Unavailable as why:
        missing(str(why))
        raise


def put_store(url: str) -> None:
    """The bundled store in the database at `url` (upgraded first), in this process."""
    from ps_tui.data import default_store
    from ps_tui.db import parse_url
    from ps_tui.db.migrate import upgrade
    from ps_tui.db.opening import open_database
    from ps_tui.db.transfer import import_store
    from tests.conftest import TODAY

    database = open_database(parse_url(url))
    try:
        upgrade(database)
        import_store(database, default_store(TODAY), [])
    finally:
        database.close()
