"""Which implementations need attention, and in what order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ps_tui.core.health import Assessment, Health
from ps_tui.core.model import Implementation, Status

#: The healths that need someone to act.
NEEDS_ATTENTION = (Health.AT_RISK, Health.OVERDUE)


def needs_attention(
    implementations: Iterable[Implementation], assessments: Mapping[str, Assessment]
) -> list[tuple[Implementation, Assessment]]:
    """The active implementations at risk or overdue, worst first: overdue
    before at risk, then the longest running first; ties keep store order."""
    found = [
        (impl, assessment)
        for impl in implementations
        if impl.status is Status.ACTIVE
        and (assessment := assessments.get(impl.id)) is not None
        and assessment.health in NEEDS_ATTENTION
    ]
    found.sort(key=lambda pair: (pair[1].health.rank, -(pair[1].elapsed or 0)))
    return found
