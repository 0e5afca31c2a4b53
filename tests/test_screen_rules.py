"""Rules that screens and widgets show but core/ decides: load bands, the
attention list, histogram buckets with their bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ps_tui.core.attention import needs_attention
from ps_tui.core.health import Assessment, Health, assess_all
from ps_tui.core.histogram import DURATION_TOPS, Bucket, bucket_label, count_buckets
from ps_tui.core.model import Implementation, Kpi, Status
from ps_tui.core.team import LoadBand, load_band

TODAY = date(2026, 6, 30)

# --- load bands --------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "band"),
    [
        (0.0, LoadBand.OK),
        (0.79, LoadBand.OK),
        (0.8, LoadBand.BUSY),
        (1.0, LoadBand.BUSY),
        (1.01, LoadBand.OVER),
        (3.0, LoadBand.OVER),
    ],
)
def test_load_bands(share: float, band: LoadBand) -> None:
    assert load_band(share) is band


def test_load_band_words() -> None:
    assert [band.value for band in LoadBand] == ["ok", "busy", "over"]


# --- attention ---------------------------------------------------------------


def impl(id: str, status: Status = Status.ACTIVE, started: int | None = 10) -> Implementation:
    kickoff = None if started is None else TODAY - timedelta(days=started)
    return Implementation(id=id, customer=id, segment="enterprise", status=status, kickoff=kickoff)


def assessment(health: Health, elapsed: int | None) -> Assessment:
    return Assessment(elapsed=elapsed, health=health, projected=None, current=None, target_days=30)


def test_attention_is_overdue_then_at_risk_longest_first_ties_in_store_order() -> None:
    implementations = [impl(name) for name in ("a", "b", "c", "d", "e", "f")]
    assessments = {
        "a": assessment(Health.AT_RISK, 22),
        "b": assessment(Health.OVERDUE, 31),
        "c": assessment(Health.ON_TRACK, 5),
        "d": assessment(Health.AT_RISK, 25),
        "e": assessment(Health.OVERDUE, 40),
        "f": assessment(Health.AT_RISK, 22),
    }
    found = needs_attention(implementations, assessments)
    assert [i.id for i, _ in found] == ["e", "b", "d", "a", "f"]
    assert all(assessments[i.id] is a for i, a in found)


def test_attention_holds_active_assessed_implementations_only() -> None:
    implementations = [
        impl("held", Status.ON_HOLD),
        impl("unassessed"),
        impl("done", Status.COMPLETED),
        impl("late"),
    ]
    assessments = {
        "held": assessment(Health.OVERDUE, 50),
        "done": assessment(Health.OVERDUE, 50),
        "late": assessment(Health.OVERDUE, 50),
    }
    assert [i.id for i, _ in needs_attention(implementations, assessments)] == ["late"]


def test_attention_from_real_assessments() -> None:
    kpi = Kpi(target_days=30, at_risk_days=21)
    implementations = [impl("fresh", started=3), impl("risky", started=25), impl("late", started=45)]
    found = needs_attention(implementations, assess_all(implementations, TODAY, kpi))
    assert [(i.id, a.health) for i, a in found] == [("late", Health.OVERDUE), ("risky", Health.AT_RISK)]


# --- histogram buckets -------------------------------------------------------


def test_duration_buckets_carry_their_bounds() -> None:
    buckets = count_buckets([])
    assert [(b.label, b.low, b.high) for b in buckets] == [
        ("0-15", 0, 15),
        ("16-30", 16, 30),
        ("31-45", 31, 45),
        ("46-60", 46, 60),
        ("60+", 61, None),
    ]
    assert len(buckets) == len(DURATION_TOPS)


def test_every_duration_falls_in_the_bucket_whose_bounds_hold_it() -> None:
    durations = sorted([0, 3, 15, 16, 30, 31, 44, 45, 46, 60, 61, 400])
    buckets = count_buckets(durations)
    for bucket in buckets:
        expected = [d for d in durations if bucket.low <= d and (bucket.high is None or d <= bucket.high)]
        assert bucket.count == len(expected), bucket
    assert sum(b.count for b in buckets) == len(durations)


def test_closed_last_bucket_leaves_longer_durations_out() -> None:
    assert count_buckets([1, 5, 9, 12], tops=(4, 9)) == [Bucket("0-4", 0, 4, 1), Bucket("5-9", 5, 9, 2)]


@pytest.mark.parametrize(
    ("bucket", "target", "within"),
    [
        (Bucket("16-30", 16, 30, 1), 30, True),
        (Bucket("16-30", 16, 30, 1), 29, False),
        (Bucket("31-45", 31, 45, 1), 30, False),
        (Bucket("60+", 61, None, 1), 1000, False),
    ],
)
def test_a_bucket_is_within_the_target_when_its_top_is(bucket: Bucket, target: int, within: bool) -> None:
    assert bucket.within(target) is within


def test_bucket_labels() -> None:
    assert (bucket_label(0, 15), bucket_label(61, None)) == ("0-15", "60+")
