"""`python -m bench`: measure ps-tui against its baselines and print one table.

    python -m bench                 # everything (about 20 minutes on 2 cores)
    python -m bench --quick         # smaller data, fewer repeats: a smoke run
    python -m bench --only filter   # one case (a prefix works: --only toml)
    python -m bench --json out.json # also write every sample as JSON
    python -m bench --check         # run the cases 3 times: each figure's spread

Progress goes to stderr, the table to stdout. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import py_compile
import sys
import time
from pathlib import Path

from bench.cases import CASES, Plan, log, run_case, select
from bench.check import CHECK_ROUNDS, any_failed, spread_table, spreads
from bench.report import Row, machine, table, write_json


def compile_package() -> int:
    """Write ps_tui's bytecode, as pip does for Textual when it installs it.

    Otherwise, with PYTHONDONTWRITEBYTECODE set or a read-only checkout,
    every measured process would compile ps_tui from source while the
    baselines import precompiled Textual. Returns how many modules were
    (re)compiled; unchanged ones are skipped."""
    import ps_tui

    count = 0
    for source in Path(ps_tui.__file__).parent.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
            py_compile.compile(str(source), cfile=str(cached), doraise=True)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data and fewer repeats (smoke run)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only this case (repeatable; a prefix works): {', '.join(CASES)}",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run the chosen cases N times over and print each figure's spread (min/median/max)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"the same as --repeat {CHECK_ROUNDS}: tell noise from a regression",
    )
    args = parser.parse_args(argv)
    repeat = CHECK_ROUNDS if args.check and args.repeat == 1 else args.repeat
    if repeat < 1:
        parser.error("--repeat needs at least 1")

    plan = Plan.small() if args.quick else Plan.full()
    names = select(args.only)
    info = machine()
    log(
        f"ps-tui bench ({'quick' if plan.quick else 'full'}): {info['cpu']}, {info['nproc']} CPUs, "
        f"Python {info['python']}, cases: {', '.join(names)}"
    )
    compiled = compile_package()
    if compiled:
        log(f"compiled {compiled} ps_tui modules to bytecode first")
    load_before = os.getloadavg()
    started = time.perf_counter()
    rounds: list[list[Row]] = []
    loads: list[tuple[float, float]] = []
    durations: dict[str, float] = {}
    for round_number in range(1, repeat + 1):
        if repeat > 1:
            log(f"round {round_number} of {repeat}")
        before = os.getloadavg()[0]
        rows: list[Row] = []
        for name in names:
            case_rows, seconds = run_case(name, plan)
            rows.extend(case_rows)
            durations[name] = durations.get(name, 0.0) + seconds
            log(f"  ({seconds:.0f} s)")
        rounds.append(rows)
        loads.append((before, os.getloadavg()[0]))
    total = time.perf_counter() - started
    load_after = os.getloadavg()

    print(table(rows) if repeat == 1 else spread_table(rounds, loads))
    print(
        f"\n{info['cpu']} · {info['nproc']} CPUs · Python {info['python']} · "
        f"Textual {info['packages']['textual']} · {'quick' if plan.quick else 'full'} run in {total:.0f} s · "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1-min, all processes)"
    )
    if args.json:
        payload = {
            "command": ["python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])],
            "quick": plan.quick,
            "plan": plan.__dict__,
            "machine": info,
            "seconds": total,
            "load_average": {"before": load_before, "after": load_after},
            "case_seconds": durations,
            "rows": [row.to_json() for row in rows],
        }
        if repeat > 1:
            payload["rounds"] = [
                {
                    "load_average": {"before": before, "after": after},
                    "rows": [row.to_json() for row in round_rows],
                }
                for round_rows, (before, after) in zip(rounds, loads, strict=True)
            ]
            payload["spread"] = [spread.to_json() for spread in spreads(rounds)]
        write_json(args.json, payload)
        log(f"wrote {args.json}")
    if repeat > 1:
        return 1 if any_failed(rounds) else 0
    failed = [row for row in rows if row.verdict == "FAIL"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
