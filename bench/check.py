"""`--repeat N` (`--check` is `--repeat 3`): the chosen cases run N times over,
and one table gives each figure's spread across the rounds.

A figure that moves by 30% from one round to the next on a shared machine
says little about a change of 10%; the spread of the same figure, measured
the same way a few minutes apart, says how far a single run can be trusted.
Rounds run the cases in turn (filter, sort, filter, sort, ...) rather than
each case N times in a row, so that a slow spell on the machine lands in one
round of several cases, not in every round of one.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from bench.report import Row, Unit, format_value

#: The default number of rounds of `--check`.
CHECK_ROUNDS = 3

HEADERS = [
    "figure",
    "baseline",
    "ps-tui min / median / max",
    "ratio min / median / max",
    "ratio spread",
    "budget",
    "pass/fail",
]


@dataclass(frozen=True)
class Spread:
    """One figure across the rounds: the medians of each round, and the
    ratios where there is a baseline."""

    case: str
    figure: str
    baseline: str
    unit: Unit
    ours: list[float]
    ratios: list[float]
    budget: str
    verdicts: list[str]

    @property
    def verdict(self) -> str:
        """How many rounds passed, and the verdict the median round gets:
        FAIL when more than half of the rounds failed."""
        judged = [verdict for verdict in self.verdicts if verdict in ("pass", "FAIL")]
        if not judged:
            return self.verdicts[0] if self.verdicts else "n/a"
        passed = judged.count("pass")
        word = "FAIL" if passed * 2 < len(judged) else "pass"
        return f"{word} ({passed}/{len(judged)})"

    @property
    def ratio_spread(self) -> float | None:
        """(max - min) / median of the ratios: the share a single run may
        be off by."""
        if len(self.ratios) < 2 or statistics.median(self.ratios) == 0:
            return None
        return (max(self.ratios) - min(self.ratios)) / statistics.median(self.ratios)

    def cells(self) -> list[str]:
        def three(values: list[float], show: Any) -> str:
            if not values:
                return "—"
            return " / ".join(show(value) for value in (min(values), statistics.median(values), max(values)))

        spread = self.ratio_spread
        return [
            self.figure,
            self.baseline,
            three(self.ours, lambda value: format_value(value, self.unit)),
            three(self.ratios, lambda value: f"{value:.2f}x"),
            f"{spread * 100:.0f}%" if spread is not None else "—",
            self.budget or "—",
            self.verdict,
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "figure": self.figure,
            "baseline": self.baseline,
            "unit": self.unit,
            "ps_tui_medians": self.ours,
            "ratios": self.ratios,
            "ratio_spread": self.ratio_spread,
            "budget": self.budget or None,
            "verdicts": self.verdicts,
            "verdict": self.verdict,
        }


def spreads(rounds: list[list[Row]]) -> list[Spread]:
    """Each figure (a case's row against one baseline) across `rounds`, in
    the order of the first round that has it."""
    keys: dict[tuple[str, str, str], list[Row]] = {}
    for rows in rounds:
        for row in rows:
            keys.setdefault((row.case, row.figure, row.baseline), []).append(row)
    found = []
    for (case, figure, baseline), rows in keys.items():
        ours = [row.ours.median for row in rows if row.ours is not None]
        ratios = [ratio for row in rows if (ratio := row.ratio) is not None]
        unit: Unit = next((row.ours.unit for row in rows if row.ours is not None), "s")
        budget = next((row.budget.text() for row in rows if row.budget is not None), "")
        found.append(
            Spread(case, figure, baseline, unit, ours, ratios, budget, [row.verdict for row in rows])
        )
    return found


def spread_table(rounds: list[list[Row]], loads: list[tuple[float, float]]) -> str:
    """The spread of every figure over `rounds` as a plain-text table, and
    the 1-minute load average before and after each round."""
    body = [spread.cells() for spread in spreads(rounds)]
    widths = [max(len(line[i]) for line in [HEADERS, *body]) for i in range(len(HEADERS))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    out = [f"Spread over {len(rounds)} rounds (min / median / max of each round's median and ratio):", ""]
    out += [line(HEADERS), line(["-" * width for width in widths])]
    out.extend(line(cells) for cells in body)
    out.append("")
    out.append(
        "load average per round (1-min, before -> after): "
        + "; ".join(f"{n} {before:.2f} -> {after:.2f}" for n, (before, after) in enumerate(loads, 1))
    )
    return "\n".join(out)


def any_failed(rounds: list[list[Row]]) -> bool:
    """Whether any figure failed its budget in more than half of the rounds."""
    return any(spread.verdict.startswith("FAIL") for spread in spreads(rounds))
