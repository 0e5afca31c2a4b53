"""`python -m bench --check`: each figure's spread over rounds, and its verdict."""

from __future__ import annotations

from bench.check import any_failed, spread_table, spreads
from bench.report import Budget, Row, Stat


def round_of(ours: float, theirs: float, stall: float) -> list[Row]:
    return [
        Row("sort", "sort on customer", "fastdatatable sort", Stat([ours, ours]), Stat([theirs])),
        Row("stall", "longest UI stall", "(absolute)", Stat([stall]), None, Budget("absolute", 0.050)),
    ]


def test_the_spread_of_each_figure_over_the_rounds() -> None:
    rounds = [round_of(0.020, 0.040, 0.030), round_of(0.030, 0.040, 0.060), round_of(0.025, 0.050, 0.040)]
    sort, stall = spreads(rounds)
    assert sort.ours == [0.020, 0.030, 0.025]
    assert sort.ratios == [0.5, 0.75, 0.5]
    assert sort.ratio_spread == (0.75 - 0.5) / 0.5
    assert sort.verdict == "info"
    # One round of three over budget: passes, and says so.
    assert stall.ratios == [] and stall.verdict == "pass (2/3)"
    assert not any_failed(rounds)
    text = spread_table(rounds, [(1.0, 2.0), (2.0, 2.5), (2.5, 1.5)])
    assert "0.50x / 0.50x / 0.75x" in text and "50%" in text
    assert "20.0 ms / 25.0 ms / 30.0 ms" in text
    assert "1 1.00 -> 2.00; 2 2.00 -> 2.50; 3 2.50 -> 1.50" in text


def test_a_figure_over_budget_in_most_rounds_fails() -> None:
    rounds = [round_of(0.02, 0.04, 0.060), round_of(0.02, 0.04, 0.070), round_of(0.02, 0.04, 0.030)]
    assert spreads(rounds)[1].verdict == "FAIL (1/3)"
    assert any_failed(rounds)
