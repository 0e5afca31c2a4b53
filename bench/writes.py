"""The writes case: one write (GET, then PUT with If-Match) through a real
`ps-tui serve`, by 16 concurrent clients, against a store file, SQLite and
PostgreSQL, at two sizes.

The child (`measure`) starts the server, lets every client write a few
times (warm-up: connections made, caches built), then lets them write until
a time is up or enough writes were made, each write on an implementation no
other write touches. The latency of a write is its PUT's, from sending to
the answer; with 16 clients it includes the wait behind the writes ahead of
it (every backend writes one change at a time), as a user of a busy server
sees it. Writes per second is the measured writes over the time from the
first to the last.

The parent (`case_writes`) prepares each database outside the clock (SQLite:
imported once into `bench/out/store-COUNT.sqlite`, a copy per run;
PostgreSQL: a private cluster as `bench/postgres.py` starts it, one
database per size) and makes the rows: p50, p99 and writes per second per
backend and size, and the budgets: a database write at the larger size
within 1.5x of the smaller, and at least 20x faster than the file's.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

#: Concurrent clients, each with its own connection.
CLIENTS = 16

Result = dict[str, Any]


# -- child side ----------------------------------------------------------------------


class _Id(msgspec.Struct):
    id: str


class _Ids(msgspec.Struct):
    implementations: list[_Id]


def _ids(store: Path) -> list[str]:
    """The ids in the store file at `store`, decoding nothing else."""
    return [impl.id for impl in msgspec.json.decode(store.read_bytes(), type=_Ids).implementations]


def measure(
    source: list[str], store: str, warmup: int, seconds: float, limit: int, clients: int = CLIENTS
) -> Result:
    """Writes through `ps-tui serve SOURCE` by `clients` concurrent clients:
    `warmup` each first, then until `seconds` are up or `limit` were made.
    Samples: each measured PUT's latency; extra: writes per second."""
    from bench.serving import serving

    with serving(source) as url:
        return drive(url, store, warmup, seconds, limit, clients)


def drive(url: str, store: str, warmup: int, seconds: float, limit: int, clients: int = CLIENTS) -> Result:
    """`measure`'s writes, against the server at `url` serving `store`."""
    import asyncio
    from urllib.parse import quote

    import httpx

    from bench.serving import TOKEN

    ids = _ids(Path(store))
    # A client checks the limit before each write: up to `clients` - 1 more.
    needed = clients * (warmup + 1) + limit
    if needed > len(ids):
        raise ValueError(f"{needed} writes need as many implementations; the store has {len(ids)}")
    # Spread over the whole store, the same ones for every backend.
    order = iter(random.Random(1).sample(ids, needed))
    counter = iter(range(1, 1 << 30))

    async def write(client: httpx.AsyncClient) -> float:
        path = f"/api/v1/implementations/{quote(next(order), safe='')}"
        got = await client.get(path)
        got.raise_for_status()
        body = got.json()
        body["notes"] = f"Written by the benchmark, write {next(counter)}."
        content = msgspec.json.encode(body)
        headers = {"If-Match": got.headers["ETag"], "Content-Type": "application/json"}
        start = time.perf_counter()
        put = await client.put(path, content=content, headers=headers)
        elapsed = time.perf_counter() - start
        if put.status_code != 200:
            raise RuntimeError(f"PUT {path}: {put.status_code} {put.text[:200]}")
        return elapsed

    async def run(url: str) -> tuple[list[float], float]:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        pool = [httpx.AsyncClient(base_url=url, headers=auth, timeout=600) for _ in range(clients)]
        try:

            async def warm(client: httpx.AsyncClient) -> None:
                for _ in range(warmup):
                    await write(client)

            await asyncio.gather(*(warm(client) for client in pool))
            latencies: list[float] = []
            start = time.perf_counter()
            deadline = start + seconds

            async def work(client: httpx.AsyncClient) -> None:
                while len(latencies) < limit and time.perf_counter() < deadline:
                    latencies.append(await write(client))

            await asyncio.gather(*(work(client) for client in pool))
            return latencies, time.perf_counter() - start
        finally:
            for client in pool:
                await client.aclose()

    latencies, elapsed = asyncio.run(run(url))
    return {
        "samples": latencies,
        "extra": {"writes_per_second": len(latencies) / elapsed, "seconds": elapsed, "clients": clients},
    }


# -- parent side ----------------------------------------------------------------------

BACKENDS = ("file", "SQLite", "PostgreSQL")


@dataclass
class Figures:
    """One backend at one size: its PUT latencies and writes per second."""

    latencies: list[float]
    writes_per_second: float

    def p(self, percent: int) -> float:
        """The nearest-rank percentile."""
        ordered = sorted(self.latencies)
        rank = max(1, -(-len(ordered) * percent // 100))
        return ordered[rank - 1]

    def text(self) -> str:
        from bench.report import format_value

        return (
            f"p50 {format_value(statistics.median(self.latencies), 's')}, "
            f"p99 {format_value(self.p(99), 's')}, {self.writes_per_second:.1f} writes/s "
            f"(n={len(self.latencies)})"
        )


def sqlite_store(count: int, store: Path) -> Path:
    """bench/out/store-COUNT.sqlite: `store` imported once, reused afterwards."""
    from bench.cases import OUT, log

    path = OUT / f"store-{count}.sqlite"
    if not path.exists():
        log(f"importing {store.name} into {path.name} ...")
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        db_import(f"sqlite:///{partial}", store)
        partial.rename(path)
    return path


def db_import(url: str, store: Path) -> None:
    """`ps-tui db upgrade URL` and `ps-tui db import URL STORE`."""
    for command in (["upgrade", url], ["import", url, str(store)]):
        done = subprocess.run(
            [sys.executable, "-m", "ps_tui", "db", *command], capture_output=True, text=True, timeout=1800
        )
        if done.returncode != 0:
            raise RuntimeError(f"ps-tui db {command[0]}: {done.stderr.strip()[-300:]}")


@dataclass(frozen=True)
class WritePlan:
    """Sizes and lengths of the writes case."""

    sizes: tuple[int, int]
    #: Writes per client before the clock: per database, and for the file.
    warmup: int
    file_warmup: int
    #: The measured phase ends after this long, or after `limit` writes.
    seconds: float
    limit: int

    @classmethod
    def of(cls, quick: bool) -> WritePlan:
        if quick:
            return cls((1_000, 10_000), 2, 1, 4.0, 400)
        return cls((10_000, 100_000), 2, 1, 15.0, 2_000)


def case_writes(plan: Any) -> list[Any]:
    """A write through `ps-tui serve` per backend and size; see the module."""
    from bench import postgres
    from bench.cases import Samples, log, progress, store_file
    from bench.report import Budget, Row, Stat
    from bench.runner import run_measurement

    shape = WritePlan.of(plan.quick)
    timeout = 1800 * plan.timeout_scale + 120
    results: dict[tuple[str, int], Samples] = {}
    cluster: postgres.Cluster | None = None
    why_not: str | None = None
    try:
        cluster = postgres.start_cluster()
    except postgres.Unavailable as reason:
        why_not = str(reason)
        log(f"  PostgreSQL not measured: {why_not}")
    work = Path(tempfile.mkdtemp(prefix="writes-", dir=store_file(shape.sizes[0], "json").parent))
    try:
        for size in shape.sizes:
            store = store_file(size, "json")
            for backend in BACKENDS:
                samples = results[(backend, size)] = Samples()
                if backend == "PostgreSQL" and cluster is None:
                    continue
                warmup = shape.file_warmup if backend == "file" else shape.warmup
                if backend == "file":
                    copy = work / f"store-{size}.json"
                    shutil.copyfile(store, copy)
                    source = ["--store", str(copy)]
                elif backend == "SQLite":
                    copy = work / f"store-{size}.sqlite"
                    shutil.copyfile(sqlite_store(size, store), copy)
                    source = ["--database", f"sqlite:///{copy}"]
                else:
                    assert cluster is not None
                    url = cluster.fresh(f"bench_{size}")
                    log(f"  importing {store.name} into PostgreSQL ...")
                    db_import(url, store)
                    source = ["--database", url]
                params = {
                    "source": source,
                    "store": str(store),
                    "warmup": warmup,
                    "seconds": shape.seconds,
                    "limit": shape.limit,
                }
                got = samples.add(run_measurement("writes", params, timeout))
                progress(f"writes {backend} {size:,}", 1, 1, got if samples.errors else "done")
                if samples.extra:
                    log(f"    {_figures(samples).text()}")  # type: ignore[union-attr]
                for leftover in work.iterdir():
                    leftover.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()

    small, large = shape.sizes

    def stat(backend: str, size: int) -> Stat | None:
        return results[(backend, size)].stat()

    def missing(backend: str, size: int) -> str:
        return "not measured" if backend == "PostgreSQL" and why_not else results[(backend, size)].missing()

    def notes(*keys: tuple[str, int]) -> list[str]:
        found = []
        for backend, size in keys:
            samples = results[(backend, size)]
            figures = _figures(samples)
            if figures is not None:
                found.append(f"{backend}, {size:,}: {figures.text()}")
            if backend == "PostgreSQL" and why_not:
                found.append(f"PostgreSQL not measured: {why_not}")
            found.extend(samples.problems(f"{backend}, {size:,}"))
        return list(dict.fromkeys(found))

    how = (
        f"{CLIENTS} concurrent clients, each GET then PUT with If-Match on an implementation no other "
        f"write touches, through a real `ps-tui serve`; after {shape.warmup} warm-up writes per client "
        f"({shape.file_warmup} for the file), for {shape.seconds:g} s or {shape.limit} writes; latency = "
        "the PUT's, queueing behind the other clients' writes included"
    )
    rows: list[Row] = []
    for size in shape.sizes:
        rows.append(
            Row(
                "writes",
                f"write p50, file, {size:,} impl.",
                "(absolute)",
                stat("file", size),
                None,
                ours_missing=missing("file", size),
                notes=[*notes(("file", size)), *([how] if size == small else [])],
            )
        )
        for backend in BACKENDS[1:]:
            budget = Budget("ratio", 0.05) if size == large else None
            row = Row(
                "writes",
                f"write p50, {backend}, {size:,} impl.",
                f"file, {size:,} impl.",
                stat(backend, size),
                stat("file", size),
                budget,
                ours_missing=missing(backend, size),
                theirs_missing=missing("file", size),
                notes=notes((backend, size)),
            )
            if budget is not None:
                row.notes.append("budget: at least 20x faster than the file-backed server")
            rows.append(row)
    for backend in BACKENDS[1:]:
        rows.append(
            Row(
                "writes",
                f"write p50, {backend}, {large:,} vs {small:,} impl.",
                f"{backend}, {small:,} impl.",
                stat(backend, large),
                stat(backend, small),
                Budget("ratio", 1.5),
                ours_missing=missing(backend, large),
                theirs_missing=missing(backend, small),
                notes=["budget: a database write does not grow with the number of implementations"],
            )
        )
    return rows


def _figures(samples: Any) -> Figures | None:
    if not samples.values or not samples.extra:
        return None
    return Figures(samples.values, float(samples.extra[0]["writes_per_second"]))
