"""The risk log's order: open risks first, the most severe first, then by
when they were opened; numbered from 1 as a person refers to them."""

from __future__ import annotations

from collections.abc import Sequence

from ps_tui.core.model import Risk, Severity

_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(reversed(list(Severity)))}


def ordered(risks: Sequence[Risk]) -> list[tuple[int, Risk]]:
    """(number, risk): open first (most severe, then oldest), then closed
    (latest closed first)."""
    open_risks = sorted(
        (r for r in risks if r.closed is None), key=lambda r: (_SEVERITY_RANK[r.severity], r.opened)
    )
    closed = sorted(
        (r for r in risks if r.closed is not None), key=lambda r: r.closed or r.opened, reverse=True
    )
    return list(enumerate([*open_risks, *closed], 1))
