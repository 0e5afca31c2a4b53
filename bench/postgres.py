"""A private PostgreSQL server from the machine's own binaries (Debian's
`postgresql` package), for the tests and the benchmarks alike.

`start_cluster` runs `initdb` in a new temporary directory, starts the
server there with its own socket directory and no TCP listener, and makes a
template database that holds the schema; `Cluster.fresh` clones it. `initdb`
refuses to run as root, so as root the cluster belongs to the `postgres`
user (`runuser`). Without the binaries, or without psycopg, it raises
`Unavailable` saying why: the tests turn that into a skip (or a failure,
where PostgreSQL is required), the benchmarks into a row not measured.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = "ps_tui_template"
PORT = 5432


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def postgres_bin() -> Path | None:
    """The directory of initdb and pg_ctl: Debian's newest, or PG_BIN."""
    given = os.environ.get("PG_BIN")
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@dataclass
class Cluster:
    directory: Path
    bin: Path
    as_postgres: list[str]
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.directory / "sock"

    def url(self, name: str) -> str:
        return f"postgresql://postgres@/{name}?host={self.socket_dir}&port={PORT}"

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, timeout=120)

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def fresh(self, prefix: str = "test") -> str:
        """The URL of a new database with the schema, cloned from the template."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def blank(self, prefix: str = "blank") -> str:
        """The URL of a new database with no tables (for migrations to fill)."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.sql(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop_server(self) -> None:
        """Stop the server at once, as a crash would."""
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"
        )

    def start_server(self) -> None:
        self._start()

    def _start(self) -> None:
        options = f"-k {self.socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        subprocess.run(
            [
                *self.as_postgres,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a private PostgreSQL server with the template database, or
    raise `Unavailable`."""
    binaries = postgres_bin()
    if binaries is None or not (binaries / "pg_ctl").exists():
        raise Unavailable("no initdb under /usr/lib/postgresql/*/bin")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install 'ps-tui[db]')") from None
    directory = Path(tempfile.mkdtemp(prefix="pstui-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    (directory / "sock").mkdir()
    if as_postgres:
        shutil.chown(directory / "sock", "postgres", "postgres")
    cluster = Cluster(directory, binaries, as_postgres)
    try:
        cluster.run(
            str(binaries / "initdb"),
            "-D",
            str(directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        cluster._start()
        from ps_tui.db import parse_url
        from ps_tui.db.migrate import upgrade
        from ps_tui.db.opening import open_database

        cluster.sql(f"CREATE DATABASE {TEMPLATE}")
        database = open_database(parse_url(cluster.url(TEMPLATE)))
        try:
            upgrade(database)
        finally:
            database.close()
    except BaseException:
        cluster.stop()
        raise
    return cluster
