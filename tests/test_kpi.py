"""The implementation-duration KPI: statistics, windows, trend and histogram."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date, timedelta

import msgspec
import pytest

from ps_tui.core.documents import KpiDocument
from ps_tui.core.health import assess_all
from ps_tui.core.histogram import Bucket
from ps_tui.core.kpi import WINDOWS, KpiFigures, compute_kpis
from ps_tui.core.model import Implementation, Kpi, Status, StoreFile
from ps_tui.core.stats import median, percentile

TODAY = date(2026, 6, 30)
KPI = Kpi(target_days=30, at_risk_days=21)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def done(
    duration: int, ready: date = TODAY, status: Status = Status.COMPLETED, id: str = ""
) -> Implementation:
    """An implementation with production_ready on `ready`, `duration` days after kickoff."""
    return Implementation(
        id=id or f"IMP-{ready}-{duration}",
        customer="Initech",
        segment="enterprise",
        status=status,
        kickoff=ready - timedelta(days=duration),
        production_ready=ready,
    )


def active(elapsed: int, id: str) -> Implementation:
    return Implementation(
        id=id, customer="Globex", segment="strategic", status=Status.ACTIVE, kickoff=ago(elapsed)
    )


def counts(figures: KpiFigures) -> list[int]:
    return [bucket.count for bucket in figures.histogram]


# --- duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("impl", "expected"),
    [
        (done(30), 30),
        (done(0), 0),
        (done(30, status=Status.ACTIVE), None),
        (done(30, status=Status.CANCELLED), None),
        (
            Implementation(
                id="X", customer="C", segment="mm", status=Status.COMPLETED, kickoff=date(2026, 1, 1)
            ),
            None,
        ),
    ],
)
def test_duration_days(impl: Implementation, expected: int | None) -> None:
    """Kickoff to production_ready, of a completed implementation with both dates."""
    figures = compute_kpis([impl], TODAY)
    assert figures.completed == (expected is not None)
    assert figures.median == (None if expected is None else float(expected))


# --- median and percentile -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([5], 5.0),
        ([3, 1], 2.0),
        ([3, 1, 2], 2.0),
        ([4, 1, 3, 2], 2.5),
        ([10, 20, 30, 31, 45], 30.0),
    ],
)
def test_median(values: list[int], expected: float | None) -> None:
    assert median(sorted(values)) == expected


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 90, None),
        ([7], 90, 7.0),  # rank ceil(0.9) = 1
        ([2, 1], 90, 2.0),  # rank ceil(1.8) = 2
        ([3, 1, 2], 90, 3.0),  # rank ceil(2.7) = 3
        (list(range(10, 0, -1)), 90, 9.0),  # rank ceil(9.0) = 9: exactly 90% are <= 9
        (list(range(1, 12)), 90, 10.0),  # 11 values: rank ceil(9.9) = 10
        ([1, 2, 3, 4], 50, 2.0),
        ([1, 2, 3, 4], 100, 4.0),
        ([1, 2, 3, 4], 0.1, 1.0),
        # 8.8% of 375 is exactly rank 33, though 8.8 * 375 / 100 > 33 in floats.
        (list(range(1, 376)), 8.8, 33.0),
    ],
)
def test_percentile_nearest_rank(values: list[int], p: float, expected: float | None) -> None:
    assert percentile(sorted(values), p) == expected


@pytest.mark.parametrize("p", [0, -1, 100.5])
def test_percentile_out_of_range(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([1, 2, 3], p)


# --- windows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "ready", "inside"),
    [
        (30, TODAY, True),
        (30, ago(29), True),
        (30, ago(30), False),  # exactly window_days ago is out
        (30, TODAY + timedelta(days=1), False),  # not yet
        (1, TODAY, True),
        (1, ago(1), False),
        (365, ago(364), True),
        (365, ago(365), False),
        (None, ago(5000), True),
        (None, TODAY + timedelta(days=1), False),
    ],
)
def test_window_boundaries(window: int | None, ready: date, inside: bool) -> None:
    figures = compute_kpis([done(20, ready)], TODAY, KPI, window)
    assert figures.window_days == window
    assert figures.completed == (1 if inside else 0)
    assert figures.median == (20.0 if inside else None)


def test_only_completed_implementations_count() -> None:
    implementations = [
        done(10, id="A"),
        done(50, status=Status.CANCELLED, id="B"),
        done(50, status=Status.ON_HOLD, id="C"),
        done(50, status=Status.PLANNED, id="D"),
        done(50, status=Status.ACTIVE, id="E"),  # a production_ready set early
    ]
    figures = compute_kpis(implementations, TODAY, KPI, None)
    assert (figures.completed, figures.median, figures.p90, figures.mean) == (1, 10.0, 10.0, 10.0)
    assert figures.active == 1
    assert figures.monthly[-1] == ("2026-06", 10.0, 1)


def test_figures() -> None:
    implementations = [done(d, ago(i), id=str(i)) for i, d in enumerate([45, 10, 31, 30, 20])]
    figures = compute_kpis(implementations, TODAY, KPI, 90)
    assert figures == KpiFigures(
        window_days=90,
        target_days=30,
        completed=5,
        median=30.0,
        p90=45.0,  # rank ceil(4.5) = 5
        mean=27.2,  # 136 / 5
        within_target_share=0.6,  # 10, 20, 30
        active=0,
        at_risk=0,
        overdue=0,
        monthly=[(f"{y}-{m:02d}", None, 0) for y, m in [(2025, 7), (2025, 8), (2025, 9), (2025, 10)]]
        + [(f"{y}-{m:02d}", None, 0) for y, m in [(2025, 11), (2025, 12)]]
        + [(f"2026-{m:02d}", None, 0) for m in range(1, 6)]
        + [("2026-06", 30.0, 5)],
        histogram=[
            Bucket("0-15", 0, 15, 1),
            Bucket("16-30", 16, 30, 2),
            Bucket("31-45", 31, 45, 2),
            Bucket("46-60", 46, 60, 0),
            Bucket("60+", 61, None, 0),
        ],
    )


def test_mean_is_rounded_to_one_decimal() -> None:
    figures = compute_kpis([done(10, id="a"), done(10, id="b"), done(11, id="c")], TODAY, KPI, None)
    assert figures.mean == 10.3
    assert figures.median == 10.0
    assert figures.within_target_share == 1.0


def test_target_from_the_store_or_the_argument() -> None:
    store = StoreFile(kpi=Kpi(target_days=20, at_risk_days=10), implementations=[done(20), done(25, id="b")])
    assert compute_kpis(store, TODAY).target_days == 20
    assert compute_kpis(store, TODAY).within_target_share == 0.5
    assert compute_kpis(store, TODAY, KPI).within_target_share == 1.0
    assert compute_kpis(list(store.implementations), TODAY).target_days == 30  # model default


@pytest.mark.parametrize("window", [0, -30])
def test_window_must_be_positive(window: int) -> None:
    with pytest.raises(ValueError):
        compute_kpis([], TODAY, KPI, window)


def test_windows() -> None:
    assert WINDOWS == (30, 90, 180, 365, None)


# --- empty input -----------------------------------------------------------------------


@pytest.mark.parametrize("window", WINDOWS)
def test_empty_input(window: int | None) -> None:
    figures = compute_kpis([], TODAY, KPI, window)
    assert (figures.completed, figures.active, figures.at_risk, figures.overdue) == (0, 0, 0, 0)
    assert (figures.median, figures.p90, figures.mean, figures.within_target_share) == (None,) * 4
    assert len(figures.monthly) == 12
    assert all(median is None and count == 0 for _, median, count in figures.monthly)
    assert counts(figures) == [0, 0, 0, 0, 0]
    # No NaN anywhere: strict JSON accepts it.
    text = json.dumps(msgspec.to_builtins(KpiDocument.of(figures)), allow_nan=False)
    assert "NaN" not in text


# --- active implementations ----------------------------------------------------------------


def test_active_counts_ignore_the_window() -> None:
    implementations = [
        active(5, "on-track"),
        active(21, "at-risk"),
        active(31, "overdue-1"),
        active(40, "overdue-2"),
        done(20, ago(200), id="old"),
        Implementation(id="planned", customer="C", segment="mm", kickoff=TODAY + timedelta(days=3)),
    ]
    for window in WINDOWS:
        figures = compute_kpis(implementations, TODAY, KPI, window)
        assert (figures.active, figures.at_risk, figures.overdue) == (4, 1, 2)
    # The same counts from assessments already at hand.
    assessments = assess_all(implementations, TODAY, KPI)
    figures = compute_kpis(implementations, TODAY, KPI, 30, assessments=assessments)
    assert (figures.active, figures.at_risk, figures.overdue) == (4, 1, 2)


# --- monthly trend --------------------------------------------------------------------------


def test_monthly_medians() -> None:
    implementations = [
        done(20, date(2026, 6, 10), id="a"),
        done(30, date(2026, 6, 30), id="b"),
        done(25, date(2026, 4, 15), id="c"),
        done(40, date(2025, 7, 1), id="d"),  # eleven months back: the first month shown
        done(99, date(2025, 6, 30), id="e"),  # twelve months back: not shown
        done(99, date(2026, 7, 1), id="f"),  # after today: not shown
    ]
    figures = compute_kpis(implementations, TODAY, KPI, 30)
    monthly = {month: (value, count) for month, value, count in figures.monthly}
    months = [month for month, _, _ in figures.monthly]
    assert (months[0], months[-1], len(months)) == ("2025-07", "2026-06", 12)
    assert monthly["2025-07"] == (40.0, 1)
    assert monthly["2026-04"] == (25.0, 1)
    assert monthly["2026-05"] == (None, 0)
    assert monthly["2026-06"] == (25.0, 2)  # (20 + 30) / 2; the trend ignores the window
    assert sum(count for _, count in monthly.values()) == 4


def test_monthly_across_the_year_boundary() -> None:
    figures = compute_kpis([done(12, date(2025, 12, 31))], date(2026, 1, 1), KPI, None)
    assert [m for m, _, _ in figures.monthly] == [f"2025-{m:02d}" for m in range(2, 13)] + ["2026-01"]
    assert figures.monthly[-2] == ("2025-12", 12.0, 1)


# --- histogram -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "bucket"),
    [
        (0, 0),
        (15, 0),
        (16, 1),
        (30, 1),
        (31, 2),
        (45, 2),
        (46, 3),
        (60, 3),
        (61, 4),
        (400, 4),
    ],
)
def test_histogram_buckets(duration: int, bucket: int) -> None:
    figures = compute_kpis([done(duration)], TODAY, KPI, 30)
    assert [bucket.label for bucket in figures.histogram] == ["0-15", "16-30", "31-45", "46-60", "60+"]
    assert counts(figures) == [1 if i == bucket else 0 for i in range(5)]


def test_histogram_covers_the_window_only() -> None:
    implementations = [done(10, TODAY, id="in"), done(50, ago(30), id="out")]
    assert counts(compute_kpis(implementations, TODAY, KPI, 30)) == [1, 0, 0, 0, 0]
    assert counts(compute_kpis(implementations, TODAY, KPI, None)) == [1, 0, 0, 1, 0]


# --- JSON -------------------------------------------------------------------------------------


def test_the_document() -> None:
    figures = compute_kpis([done(20), done(40, id="b"), active(25, "c")], TODAY, KPI, 90)
    data = msgspec.to_builtins(KpiDocument.of(figures))
    assert list(data) == [
        "window_days",
        "target_days",
        "completed",
        "median",
        "p90",
        "mean",
        "within_target_share",
        "active",
        "at_risk",
        "overdue",
        "monthly",
        "histogram",
    ]
    assert data["monthly"][-1] == {"month": "2026-06", "median": 30.0, "count": 2}
    assert all(set(row) == {"month", "median", "count"} for row in data["monthly"])
    assert data["histogram"][1] == {"bucket": "16-30", "min_days": 16, "max_days": 30, "count": 1}
    # The bounds are numbers, one bucket's end next to the next one's start.
    bounds = [(row["min_days"], row["max_days"]) for row in data["histogram"]]
    assert bounds == [(0, 15), (16, 30), (31, 45), (46, 60), (61, None)]
    assert [row["bucket"] for row in data["histogram"]] == [b.label for b in figures.histogram]
    assert (data["median"], data["p90"], data["mean"], data["within_target_share"]) == (30.0, 40.0, 30.0, 0.5)
    assert (data["active"], data["at_risk"], data["overdue"]) == (1, 1, 0)
    # Plain data: both encoders take it as is, and it survives a round trip.
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert msgspec.json.decode(msgspec.json.encode(data)) == data
    assert not any(isinstance(v, float) and math.isnan(v) for v in data.values())


def test_core_imports_no_ui_or_network() -> None:
    code = (
        "import sys, ps_tui.core.health, ps_tui.core.kpi; "
        "print(sorted(m for m in ('textual', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
