"""The cases: which children to run, how often, and the table rows they make.

Variants of a case are interleaved (ps-tui, baseline, ps-tui, baseline, ...)
so that a slow spell on this noisy machine hits both sides alike. Every figure
is the median of its samples; a ratio is ps-tui's median over the baseline's.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import launch
from bench.report import Budget, Row, Stat
from bench.runner import ROOT, ChildResult, run, run_measurement, run_script
from ps_tui.store.http import PAGE

OUT = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Plan:
    """Sizes and repeat counts for a run (full or --quick)."""

    quick: bool
    json_count: int
    toml_count: int
    launch_runs: int
    load_runs: int
    tui_runs: int
    datatable_runs: int
    keystrokes: int
    sorts: int
    kpi_repeats: int
    save_repeats: int
    #: Multiplies every child's timeout.
    timeout_scale: float
    #: The big-store case: its size, and how many pairs of runs.
    big_count: int
    big_runs: int

    @classmethod
    def full(cls) -> Plan:
        return cls(False, 100_000, 10_000, 25, 5, 5, 3, 9, 5, 9, 5, 1.0, 1_000_000, 3)

    @classmethod
    def small(cls) -> Plan:
        return cls(True, 10_000, 2_000, 5, 3, 3, 3, 7, 3, 5, 3, 0.5, 100_000, 1)


@dataclass
class Samples:
    """Samples of one variant, and what went wrong if anything did."""

    values: list[float] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unavailable: str | None = None

    def add(self, result: ChildResult, value: Callable[[ChildResult], list[float]] | None = None) -> str:
        """Record `result`; returns a short description of it for the progress log."""
        if result.unavailable:
            self.unavailable = result.unavailable
            return f"unavailable: {result.unavailable}"
        if result.error:
            self.errors.append(result.error)
            return f"error: {result.error}"
        added = value(result) if value else list(result.data["samples"])
        self.values.extend(added)
        self.extra.append(result.data.get("extra", {}))
        return " ".join(f"{v:.4f}" for v in added)

    def stat(self, unit: Any = "s") -> Stat | None:
        return Stat(self.values, unit) if self.values else None

    def missing(self) -> str:
        if self.unavailable:
            return "unavailable"
        if self.errors:
            return "error"
        return "—"

    def problems(self, name: str) -> list[str]:
        notes = []
        if self.unavailable:
            notes.append(f"{name}: {self.unavailable}")
        notes.extend(f"{name} failed: {error}" for error in dict.fromkeys(self.errors))
        return notes


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def progress(label: str, number: int, total: int, got: str) -> None:
    """One progress line on stderr."""
    log(f"  {label} {number}/{total}: {got}")


def n_of(samples: Samples) -> str:
    return f"n={len(samples.values)}"


def describe(
    rows: list[Row], ours: Samples, theirs: Samples, ours_name: str, theirs_name: str, paired: bool = False
) -> None:
    """Fill in missing figures and the notes about failures. With `paired`
    (the two variants ran interleaved, one sample per process), also note the
    median of the ratios of each pair run back to back, which a change in
    the machine's load during the run moves less than the ratio of medians."""
    for row in rows:
        row.ours_missing = ours.missing()
        row.theirs_missing = theirs.missing()
        row.notes.extend(ours.problems(ours_name) + theirs.problems(theirs_name))
        pairs = list(zip(ours.values, theirs.values, strict=False))
        if paired and len(pairs) >= 3 and not ours.errors and not theirs.errors:
            ratio = statistics.median(a / b for a, b in pairs)
            row.notes.append(f"median of the {len(pairs)} back-to-back pairs' ratios: {ratio:.2f}x")


# -- data files ------------------------------------------------------------------------


def store_file(count: int, kind: str) -> Path:
    """bench/out/store-COUNT.KIND, generated once (deterministically) and reused."""
    path = OUT / f"store-{count}.{kind}"
    if not path.exists():
        log(f"generating {path.relative_to(ROOT)} ...")
        result = run([sys.executable, "-m", "bench.generate", str(count), str(path)], timeout=1800)
        if not path.exists():
            raise RuntimeError(f"could not generate {path}: {result.error}")
    # Read it once so that no variant pays for a cold page cache.
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass
    return path


# -- cases -------------------------------------------------------------------------


def _launch_sample(result: ChildResult) -> list[float]:
    ready = result.data.get("ready")
    if ready is None:
        raise ValueError("no frame was drawn")
    return [ready - result.spawned]


def case_launch(plan: Plan) -> list[Row]:
    """Process start to the first dashboard frame, and peak RSS."""
    timeout = 120 * plan.timeout_scale + 30
    times = {"ps-tui": Samples(), "bare": Samples()}
    rss = {"ps-tui": Samples(), "bare": Samples()}
    scripts = {variant: launch.script(variant) for variant in times}
    config_home = tempfile.mkdtemp(prefix="ps-tui-bench-config-")
    try:
        env = launch.env(config_home)
        # One untimed run each first: writes the bytecode caches and pulls the
        # files into the page cache for both alike (an installed app has both).
        for script in scripts.values():
            run_script(script, timeout, env)
        for number in range(plan.launch_runs):
            for variant, script in scripts.items():
                result = run_script(script, timeout, env)
                if result.error is None and result.data.get("ready") is None:
                    result.error = "no frame was drawn"
                got = times[variant].add(result, _launch_sample)
                rss[variant].add(result, lambda r: [r.data["maxrss_kib"] / 1024])
                progress(f"launch {variant}", number + 1, plan.launch_runs, got)
    finally:
        shutil.rmtree(config_home, ignore_errors=True)
    rows = [
        Row(
            "launch",
            "launch to first dashboard frame (demo data)",
            "bare Textual app",
            times["ps-tui"].stat(),
            times["bare"].stat(),
            Budget("ratio", 1.5),
            notes=[
                f"{n_of(times['ps-tui'])}; from just before spawning `python -c` to the first frame "
                "drawn with the demo portfolio loaded; bare app = Header + Static + Footer, same "
                f"harness, headless {launch.SIZE[0]}x{launch.SIZE[1]}"
            ],
        ),
        Row(
            "launch",
            "launch peak RSS",
            "bare Textual app",
            rss["ps-tui"].stat("MiB"),
            rss["bare"].stat("MiB"),
            notes=["ru_maxrss of the child after exit"],
        ),
    ]
    describe(rows[:1], times["ps-tui"], times["bare"], "ps-tui", "bare app", paired=True)
    describe(rows[1:], rss["ps-tui"], rss["bare"], "ps-tui", "bare app")
    return rows


def _pairs(
    case: str, measurement: str, path: Path, variants: tuple[str, str], runs: int, timeout: float
) -> tuple[Samples, Samples]:
    """`runs` samples of two variants of `measurement` on the store at
    `path`, interleaved, one per fresh process."""
    first, second = Samples(), Samples()
    for number in range(runs):
        for variant, samples in zip(variants, (first, second), strict=True):
            got = samples.add(run_measurement(measurement, {"path": str(path), "variant": variant}, timeout))
            progress(f"{case} {variant}", number + 1, runs, got)
    return first, second


def case_load_json(plan: Plan) -> list[Row]:
    path = store_file(plan.json_count, "json")
    timeout = 300 * plan.timeout_scale + 30
    ours, theirs = _pairs("load-json", "load", path, ("ps-tui", "msgspec-untyped"), plan.load_runs, timeout)
    row = Row(
        "load",
        f"JSON store load, {plan.json_count:,} impl.",
        "msgspec.json.decode, untyped",
        ours.stat(),
        theirs.stat(),
        notes=[
            f"{n_of(ours)}, one load per fresh process; ps-tui = FileStore.read() (read, typed decode, "
            f"validation, sha256 fingerprint) of {path.stat().st_size / 2**20:.0f} MiB; baseline = "
            "read the bytes + msgspec.json.decode into dicts/lists"
        ],
    )
    describe([row], ours, theirs, "ps-tui", "msgspec", paired=True)
    return [row]


def _tui_runs(
    plan: Plan,
    op: str,
    variants: dict[str, int],
    params: dict[str, Any],
    timeout: float,
    env: dict[str, str] | None = None,
) -> dict[str, Samples]:
    path = store_file(plan.json_count, "json")
    results = {variant: Samples() for variant in variants}
    for number in range(max(variants.values())):
        for variant, runs in variants.items():
            samples = results[variant]
            if number >= runs or samples.unavailable:
                continue
            args = {"path": str(path), "op": op, "variant": variant, **params}
            got = samples.add(run_measurement("tui", args, timeout, env))
            progress(f"{op} {variant}", number + 1, runs, got)
    return results


def _versus(
    case: str,
    figure: str,
    results: dict[str, Samples],
    fast_budget: Budget | None,
    notes: list[str],
    stock_name: str,
    fast_name: str,
    paired: bool = False,
) -> list[Row]:
    ours, stock, fast = results["ps-tui"], results["datatable"], results["fastdatatable"]
    fast_row = Row(case, figure, fast_name, ours.stat(), fast.stat(), fast_budget, notes=list(notes))
    stock_row = Row(case, figure, stock_name, ours.stat(), stock.stat())
    describe([fast_row], ours, fast, "ps-tui", "fastdatatable", paired)
    describe([stock_row], ours, stock, "ps-tui", "DataTable", paired)
    stock_row.notes.insert(0, f"DataTable {n_of(stock)}")
    return [fast_row, stock_row]


def case_interactive(plan: Plan) -> list[Row]:
    timeout = 900 * plan.timeout_scale + 60
    runs = {"ps-tui": plan.tui_runs, "fastdatatable": plan.tui_runs, "datatable": plan.datatable_runs}
    results = _tui_runs(plan, "interactive", runs, {}, timeout)
    notes = [
        f"{n_of(results['ps-tui'])} fresh processes each; from the loaded StoreFile in memory to the first "
        "frame showing all rows: ps-tui = PsApp(MemoryStore), keys 2 then A (scope all), its time includes "
        "Portfolio.build, rows and sort (the fuzzy index is built in slices after); baselines get "
        "ps-tui's rows and build the 9 cell strings per row themselves"
    ]
    return _versus(
        "interactive",
        f"implementations screen interactive, {plan.json_count:,} rows",
        results,
        Budget("ratio", 1.0),
        notes,
        "DataTable add_rows",
        "fastdatatable (Arrow)",
        paired=True,
    )


#: Frame pacing off for the single-operation cases: Textual draws at most 60
#: frames a second, so a finished change waits up to 16.7 ms for its frame.
#: Every variant runs with the same setting; the figure is then the work.
FAST_FRAMES = {"TEXTUAL_FPS": "1000"}


def case_filter(plan: Plan) -> list[Row]:
    timeout = 1200 * plan.timeout_scale + 60
    runs = {"ps-tui": 1, "fastdatatable": 1, "datatable": 1}
    params = {"before": "acm", "after": "acme", "repeats": plan.keystrokes}
    results = _tui_runs(plan, "filter", runs, params, timeout, FAST_FRAMES)
    extra = results["ps-tui"].extra
    notes = [
        f"{n_of(results['ps-tui'])} keystrokes in one process per variant; scope all, filter 'acm' -> "
        "'acme' (the 'e' key pressed in the filter box) until the frame with the new rows is drawn; "
        "baselines are handed the matching rows: DataTable clear() + add_rows(), fastdatatable mounts "
        "a new table over Arrow take() of them (it has no clear()); TEXTUAL_FPS=1000 for all"
    ]
    if extra and "to_rows_set" in extra[0]:
        handler, cpu = Stat(extra[0]["to_rows_set"]), Stat(extra[0]["cpu"])
        notes.append(
            f"ps-tui keystroke to table.set_rows() returning (no frame): median {handler.text()}; "
            f"UI-thread CPU time from key to frame (not stretched by other processes): median {cpu.text()}; "
            f"rows {extra[0].get('rows_before')} -> {extra[0].get('rows_after')}"
        )
    return _versus(
        "filter",
        f"filter keystroke, {plan.json_count:,} rows",
        results,
        Budget("absolute", 0.030),
        notes,
        "DataTable clear+add_rows",
        "fastdatatable remount",
    )


def case_sort(plan: Plan) -> list[Row]:
    timeout = 900 * plan.timeout_scale + 60
    runs = {"ps-tui": 1, "fastdatatable": 1, "datatable": 1}
    results = _tui_runs(plan, "sort", runs, {"repeats": plan.sorts}, timeout, FAST_FRAMES)
    notes = [
        f"{n_of(results['ps-tui'])} sorts in one process per variant; scope all, from the default order "
        "to the customer column until the frame is drawn: ps-tui key s; DataTable.sort(key=str.casefold); "
        "fastdatatable DataTable.sort (Arrow sort_by); TEXTUAL_FPS=1000 for all"
    ]
    return _versus(
        "sort",
        f"sort on customer, {plan.json_count:,} rows",
        results,
        None,
        notes,
        "DataTable.sort",
        "fastdatatable sort",
    )


def case_stall(plan: Plan) -> list[Row]:
    timeout = 900 * plan.timeout_scale + 60
    results = _tui_runs(plan, "stall", {"ps-tui": 1}, {}, timeout)
    ours = results["ps-tui"]
    notes = [
        "one process: scope all; a burst '/seg:ent' posted at once, 7 backspaces, 'globex', esc s; "
        "the figure is the longest the UI thread kept a 5 ms timer waiting in any of them"
    ]
    if ours.extra:
        stalls = ours.extra[0]["stalls"]
        settled = ours.extra[0]["settled"]
        notes.append(
            "per phase, longest stall / last key to rows drawn: "
            + "; ".join(f"{n} {stalls[n] * 1000:.0f} / {settled[n] * 1000:.0f} ms" for n in stalls)
        )
    row = Row(
        "stall",
        f"longest UI stall while typing and sorting, {plan.json_count:,} rows",
        "(absolute)",
        ours.stat(),
        None,
        Budget("absolute", 0.050),
        ours_missing=ours.missing() if not ours.values else "",
        notes=notes,
    )
    return [row]


#: The big-store case's budgets (DESIGN.md): the dashboard within this much
#: of the decode alone, the rows this soon after, no stall over this while
#: typing and sorting, and at most this much memory (KB) per implementation
#: above the decoded store.
BIG_DASHBOARD = 1.5
BIG_OPEN = 1.0
BIG_STALL = 0.050
BIG_KB = 2.0


def case_big(plan: Plan) -> list[Row]:
    path = store_file(plan.big_count, "json")
    count = plan.big_count
    timeout = 1800 * plan.timeout_scale + 60
    decode, ours = _pairs("big", "big", path, ("decode", "ps-tui"), plan.big_runs, timeout)
    size = f"{count:,} impl. ({path.stat().st_size / 2**30:.2f} GiB JSON)"
    dashboard = Row(
        "big",
        f"dashboard with data, {size}",
        "FileStore.read alone",
        ours.stat(),
        decode.stat(),
        Budget("ratio", BIG_DASHBOARD),
        notes=[
            f"{n_of(ours)} pairs, each run a fresh process: ps-tui = from PsApp() on the file to the first "
            "frame of the dashboard with its figures (the load in a thread, its progress drawn); baseline "
            "= FileStore.read() (read, typed decode, checks, fingerprint), no views built"
        ],
    )
    describe([dashboard], ours, decode, "ps-tui", "decode", paired=True)
    extra = ours.extra
    rows = [dashboard]

    def each(key: str) -> Stat | None:
        return Stat([run[key] for run in extra]) if extra else None

    opened = Row(
        "big",
        f"Implementations rows drawn after the dashboard, {count:,} impl.",
        "(absolute)",
        each("open"),
        None,
        Budget("absolute", BIG_OPEN),
        ours_missing=ours.missing(),
        notes=[
            "'2' pressed on the frame the dashboard first shows data (the rows of the table are still being "
            "made in a thread then); to the first frame with the screen's rows"
        ],
    )
    stall = Row(
        "big",
        f"longest UI stall while typing and sorting, {count:,} rows",
        "(absolute)",
        Stat([max(run["stalls"][name] for name in run["settled"]) for run in extra]) if extra else None,
        None,
        Budget("absolute", BIG_STALL),
        ours_missing=ours.missing(),
        notes=["the stall case's phases, with every implementation in scope ('A')"],
    )
    memory = Row(
        "big",
        f"peak memory above the decoded store, per impl., {count:,}",
        "(absolute)",
        None,
        None,
        Budget("absolute", BIG_KB, "KB"),
        ours_missing=ours.missing() or decode.missing(),
    )
    rows += [opened, stall, memory]
    if extra:
        first = extra[0]
        opened.notes.append(
            f"run 1: the screen itself drawn at {first['screen'] * 1000:.0f} ms, every row ('A') "
            f"{first['all'] * 1000:.0f} ms after its rows"
        )
        stall.notes.append(
            "run 1, per phase, longest stall / last key to rows drawn: "
            + "; ".join(
                f"{name} {first['stalls'][name] * 1000:.0f} / {took * 1000:.0f} ms"
                for name, took in first["settled"].items()
            )
        )
        stall.notes.append(
            "run 1, not budgeted: longest stall while loading "
            f"{first['stalls']['load'] * 1000:.0f} ms, while opening {first['stalls']['open'] * 1000:.0f} ms"
        )
    if extra and decode.extra:
        held = statistics.median(run["resident_mib"] for run in decode.extra)
        store = statistics.median(run["store_mib"] for run in decode.extra)
        read_peak = statistics.median(run["peak_mib"] for run in decode.extra)
        peaks = [run["peak_mib"] for run in extra]
        memory.ours = Stat([(peak - held) * 2**20 / count / 1000 for peak in peaks], "KB")
        memory.notes.append(
            f"ps-tui's peak resident memory (median {statistics.median(peaks):,.0f} MiB) less the decode "
            f"process's once FileStore.read returned ({held:,.0f} MiB, the decoded store {store:,.0f} MiB "
            f"of it), over {count:,}; FileStore.read alone peaks at {read_peak:,.0f} MiB, the file's bytes "
            "and the decoded store at once"
        )
    return rows


def case_form(plan: Plan) -> list[Row]:
    timeout = 600 * plan.timeout_scale + 60
    params = {"text": "Acme", "repeats": plan.keystrokes}
    results: dict[str, Samples] = {}
    path = store_file(plan.json_count, "json")
    for variant in ("ps-tui", "input"):
        samples = results[variant] = Samples()
        args = {"path": str(path), "op": "form", "variant": variant, **params}
        got = samples.add(run_measurement("tui", args, timeout, FAST_FRAMES))
        progress(f"form {variant}", 1, 1, got)
    ours, theirs = results["ps-tui"], results["input"]
    notes = [
        f"{n_of(ours)} keystrokes in one process per variant: 'e' typed after 'Acm' until the frame "
        "showing it; ps-tui: the Customer field of the new-implementation form (keys 2, n), until that "
        "frame is drawn and the form has checked every field again; baseline: one compact Input alone; "
        "TEXTUAL_FPS=1000 for both"
    ]
    if ours.extra and "cpu" in ours.extra[0]:
        cpu = Stat(ours.extra[0]["cpu"]).text()
        notes.append(f"ps-tui UI-thread CPU time from key to frame and check: median {cpu}")
    row = Row(
        "form",
        f"form keystroke, {plan.json_count:,} implementations",
        "Textual Input alone",
        ours.stat(),
        theirs.stat(),
        Budget("absolute", 0.030),
        notes=notes,
    )
    describe([row], ours, theirs, "ps-tui", "Input")
    return [row]


def case_toml_load(plan: Plan) -> list[Row]:
    path = store_file(plan.toml_count, "toml")
    timeout = 300 * plan.timeout_scale + 30
    ours, theirs = Samples(), Samples()
    for number in range(plan.load_runs):
        for variant, samples in (("ps-tui", ours), ("tomllib", theirs)):
            got = samples.add(run_measurement("load", {"path": str(path), "variant": variant}, timeout))
            progress(f"toml-load {variant}", number + 1, plan.load_runs, got)
    row = Row(
        "toml",
        f"TOML store load, {plan.toml_count:,} impl.",
        "tomllib.loads (text alone)",
        ours.stat(),
        theirs.stat(),
        Budget("ratio", 1.2),
        notes=[
            f"{n_of(ours)}, one load per fresh process; ps-tui = FileStore.read() (read, parse, validate, "
            f"fingerprint) of {path.stat().st_size / 2**20:.1f} MiB; baseline = tomllib.loads of the "
            "already-read text"
        ],
    )
    describe([row], ours, theirs, "ps-tui", "tomllib", paired=True)
    return [row]


def case_toml_save(plan: Plan) -> list[Row]:
    path = store_file(plan.toml_count, "toml")
    timeout = 600 * plan.timeout_scale + 30
    ours, theirs = Samples(), Samples()
    for variant, samples in (("ps-tui", ours), ("whole-file", theirs)):
        params = {"path": str(path), "variant": variant, "repeats": plan.save_repeats}
        got = samples.add(run_measurement("toml_save", params, timeout))
        progress(f"toml-save {variant}", 1, 1, got)
    row = Row(
        "toml",
        f"TOML save of one edit, {plan.toml_count:,} impl.",
        "whole-file rewrite (the previous save)",
        ours.stat(),
        theirs.stat(),
        Budget("ratio", 0.5),
        notes=[
            f"{n_of(ours)} saves in one process; ps-tui = FileStore.save_implementation_sync on a copy "
            "(lock, conflict check, upsert, surgical edit of the text, fsync'd atomic write, .bak); "
            "baseline = the same check and upsert, the whole store encoded with tomli_w, the same write; "
            "saves run in a worker thread in the app, never on the UI thread"
        ],
    )
    describe([row], ours, theirs, "ps-tui", "whole-file")
    return [row]


def case_kpi(plan: Plan) -> list[Row]:
    path = store_file(plan.json_count, "json")
    timeout = 300 * plan.timeout_scale + 30
    ours, theirs = Samples(), Samples()
    for variant, samples in (("ps-tui", ours), ("plain", theirs)):
        params = {"path": str(path), "variant": variant, "repeats": plan.kpi_repeats}
        got = samples.add(run_measurement("kpi", params, timeout))
        progress(f"kpi {variant}", 1, 1, got)
    notes = [
        f"{n_of(ours)} in one process; ps-tui = compute_kpis(store, today) (assess_all over the active "
        "ones, median, p90, mean, share, trend, histogram); baseline = median and p90 of the same "
        "durations from a sorted list"
    ]
    if ours.extra and theirs.extra:
        a, b = ours.extra[0], theirs.extra[0]
        same = a.get("median") == b.get("median") and a.get("p90") == b.get("p90")
        notes.append(
            f"median/p90 {a.get('median')}/{a.get('p90')} vs {b.get('median')}/{b.get('p90')}"
            + ("" if same else " (DIFFER)")
        )
    row = Row(
        "kpi",
        f"KPI, {plan.json_count:,} impl.",
        "plain median+p90",
        ours.stat(),
        theirs.stat(),
        notes=notes,
    )
    describe([row], ours, theirs, "ps-tui", "plain")
    return [row]


#: The headless command the terminal case runs.
HEADLESS_COMMAND = ["kpi", "--json"]


def case_terminal(plan: Plan) -> list[Row]:
    """A headless command from a pseudo-terminal, beside the same command
    with SIGINT ignored: CPython 3.11's asyncio.run (#112559) is slow only
    in the first, so a ratio near 1.0 says the command never hands a big
    result to it."""
    path = store_file(plan.json_count, "json")
    timeout = 300 * plan.timeout_scale + 60
    ours, theirs = Samples(), Samples()
    for number in range(plan.load_runs):
        for variant, samples in (("default", ours), ("ignored", theirs)):
            params = {"path": str(path), "command": HEADLESS_COMMAND, "sigint": variant}
            got = samples.add(run_measurement("headless", params, timeout))
            progress(f"terminal sigint {variant}", number + 1, plan.load_runs, got)
    command = " ".join(["ps-tui", *HEADLESS_COMMAND])
    rss = [
        statistics.median(e["rss_mib"] for e in samples.extra if "rss_mib" in e) if samples.extra else None
        for samples in (ours, theirs)
    ]
    row = Row(
        "terminal",
        f"`{command}` from a terminal, {plan.json_count:,} impl.",
        "the same, SIGINT ignored",
        ours.stat(),
        theirs.stat(),
        notes=[
            f"{n_of(ours)}, one run per fresh process, on a pseudo-terminal (pty.fork); baseline = the "
            "same command with SIGINT ignored before the exec (`trap '' INT`); a ratio well above 1 "
            "means a big value went through asyncio.run (CPython 3.11, #112559)",
            "peak RSS " + " vs ".join("—" if value is None else f"{value:.0f} MiB" for value in rss),
        ],
    )
    describe([row], ours, theirs, "terminal", "SIGINT ignored", paired=True)
    return [row]


#: The servers the remote case loads from: the file, and the databases.
REMOTE_SERVERS = {"remote": "file", "remote-sqlite": "SQLite", "remote-postgresql": "PostgreSQL"}


def case_remote(plan: Plan) -> list[Row]:
    """The TUI's initial load over loopback from a real `ps-tui serve` (of
    the store file, and of the same store in SQLite and PostgreSQL), beside
    the local load of the same JSON file."""
    from bench import postgres
    from bench.writes import db_import, sqlite_store

    path = store_file(plan.json_count, "json")
    timeout = 600 * plan.timeout_scale + 60
    # The server may leave files beside its database: a copy, removed afterwards.
    work = Path(tempfile.mkdtemp(prefix="remote-", dir=OUT))
    shutil.copyfile(sqlite_store(plan.json_count, path), work / "store.sqlite")
    sources: dict[str, list[str] | None] = {
        "remote": ["--store", str(path)],
        "remote-sqlite": ["--database", f"sqlite:///{work / 'store.sqlite'}"],
        "remote-postgresql": None,
    }
    why_not = ""
    cluster = None
    try:
        cluster = postgres.start_cluster()
        url = cluster.fresh("remote")
        log("  importing the store into PostgreSQL ...")
        db_import(url, path)
        sources["remote-postgresql"] = ["--database", url]
    except postgres.Unavailable as reason:
        why_not = str(reason)
    results = {variant: Samples() for variant in [*REMOTE_SERVERS, "ps-tui"]}
    try:
        for number in range(plan.load_runs):
            for variant, samples in results.items():
                source = sources.get(variant, [])
                if source is None:
                    continue
                params = {"path": str(path), "variant": variant, "source": source}
                got = samples.add(run_measurement("load", params, timeout))
                progress(f"remote {variant}", number + 1, plan.load_runs, got)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if cluster is not None:
            cluster.stop()
    local = results["ps-tui"]
    rows = []
    for variant, server in REMOTE_SERVERS.items():
        ours = results[variant]
        row = Row(
            "remote",
            f"remote load, {plan.json_count:,} impl. over loopback HTTP, {server} server",
            "local JSON load (FileStore.read)",
            ours.stat(),
            local.stat(),
            Budget("ratio", 2.0),
            notes=[
                f"{n_of(ours)}, one load per fresh process; ps-tui = RemoteStore.load() from a real "
                f"`ps-tui serve` of the {server} store on 127.0.0.1 (reference, pages of {PAGE:,}, typed "
                "decode, cache write), the server started before the clock; baseline = FileStore.read() "
                "of the same JSON file"
            ],
        )
        describe([row], ours, local, "remote", "local", paired=True)
        if sources[variant] is None:
            row.ours_missing = "not measured"
            row.notes.append(f"PostgreSQL not measured: {why_not}")
        rows.append(row)
    return rows


#: The size of the report case's store, whatever the plan (the budget's size).
REPORT_COUNT = 10_000
#: The week it reports on: the last full week before the generated data's today.
REPORT_WEEK = "2026-W48"


def report_store(count: int) -> Path:
    """bench/out/report-COUNT/store.json: the generated store with a year of
    history beside it (store.history.jsonl), made once and reused."""
    from bench.generate import write_history

    path = OUT / f"report-{count}" / "store.json"
    history = path.with_name("store.history.jsonl")
    if not path.exists() or not history.exists():
        log(f"generating {path.relative_to(ROOT)} with a year of history ...")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(store_file(count, "json").read_bytes())
        write_history(path)
    for name in (path, history):
        with name.open("rb") as handle:
            while handle.read(1 << 24):
                pass
    return path


def case_report(plan: Plan) -> list[Row]:
    """`ps-tui report weekly` on 10,000 implementations with a year of
    history, beside `ps-tui kpi --json` on the same store: each a command
    from a pseudo-terminal, fork to exit."""
    path = report_store(REPORT_COUNT)
    timeout = 300 * plan.timeout_scale + 60
    commands = {
        "weekly": ["report", "weekly", "--week", REPORT_WEEK],
        "kpi": ["kpi", "--json"],
    }
    ours, theirs = Samples(), Samples()
    for number in range(plan.load_runs):
        for variant, samples in (("weekly", ours), ("kpi", theirs)):
            params = {"path": str(path), "command": commands[variant], "sigint": "default"}
            got = samples.add(run_measurement("headless", params, timeout))
            progress(f"report {variant}", number + 1, plan.load_runs, got)
    history = path.with_name("store.history.jsonl")
    lines = sum(1 for _ in history.open("rb"))
    row = Row(
        "report",
        f"`ps-tui report weekly`, {REPORT_COUNT:,} impl., a year of history",
        "`ps-tui kpi --json`, same store",
        ours.stat(),
        theirs.stat(),
        Budget("absolute", 2.0),
        notes=[
            f"{n_of(ours)}, one run per fresh process, on a pseudo-terminal; the report reads the store, "
            f"its history ({lines:,} saves, {history.stat().st_size / 2**20:.1f} MiB), builds the portfolio "
            f"as of the week's end and a week before, and renders Markdown for {REPORT_WEEK}",
        ],
    )
    describe([row], ours, theirs, "report", "kpi", paired=True)
    return [row]


from bench.writes import case_writes  # noqa: E402 (its own module: it imports this one)

CASES: dict[str, Callable[[Plan], list[Row]]] = {
    "launch": case_launch,
    "load-json": case_load_json,
    "interactive": case_interactive,
    "filter": case_filter,
    "sort": case_sort,
    "stall": case_stall,
    "form": case_form,
    "toml-load": case_toml_load,
    "toml-save": case_toml_save,
    "kpi": case_kpi,
    "terminal": case_terminal,
    "remote": case_remote,
    "report": case_report,
    "writes": case_writes,
    "big": case_big,
}


def select(names: list[str] | None) -> list[str]:
    """The case names matching `names` (exact, or a prefix such as "toml")."""
    if not names:
        return list(CASES)
    chosen: list[str] = []
    for name in names:
        matches = [case for case in CASES if case == name or case.startswith(name)]
        if not matches:
            raise SystemExit(f"unknown case {name!r}; choose from: {', '.join(CASES)}")
        chosen.extend(case for case in matches if case not in chosen)
    return [case for case in CASES if case in chosen]


def run_case(name: str, plan: Plan) -> tuple[list[Row], float]:
    log(f"[{name}]")
    started = time.perf_counter()
    try:
        rows = CASES[name](plan)
    except Exception as error:  # a broken case must not lose the others
        rows = [
            Row(
                name, name, "—", ours_missing="error", notes=[f"case failed: {type(error).__name__}: {error}"]
            )
        ]
    return rows, time.perf_counter() - started
