"""The documents the headless answers are made of: what `ps-tui kpi --json`,
`ps-tui team --json` and `ps-tui list --format json` print and what the
server returns for the same requests.

One msgspec struct per document: the CLI and the server encode the same
struct, and the OpenAPI schema is generated from it, so the schema cannot
drift from what is printed. Each is built from the core computation
(`KpiFigures`, `MemberLoad`, `Row`) by its `of` constructor.

`ps-tui list --format csv` and the text table are made of the same rows'
values, column by column (`core/report.py`).
"""

from __future__ import annotations

import datetime as dt

import msgspec

from ps_tui.core.health import Assessment, Health
from ps_tui.core.kpi import KpiFigures, KpiSummary
from ps_tui.core.listing import Row
from ps_tui.core.model import Implementation, Role
from ps_tui.core.team import MemberLoad


class KpiMonth(msgspec.Struct, forbid_unknown_fields=True):
    """Completions in one calendar month and their median duration."""

    #: YYYY-MM, the month of production_ready.
    month: str
    #: Median days, or None without completions.
    median: float | None
    count: int


class KpiBucket(msgspec.Struct, forbid_unknown_fields=True):
    """Completions whose duration falls in one histogram bucket."""

    #: The label the dashboard shows, e.g. "16-30" or "60+".
    bucket: str
    #: The shortest duration in the bucket, in days (inclusive).
    min_days: int
    #: The longest duration in the bucket, in days (inclusive); None for the open last bucket.
    max_days: int | None
    count: int


class KpiDocument(KpiSummary, frozen=True, kw_only=True):
    """The KPI for one window (`ps-tui kpi --json`, GET /api/v1/kpi): the
    summary's fields, then the trend and the histogram as objects."""

    #: The last twelve calendar months, oldest first.
    monthly: list[KpiMonth]
    #: Completions in the window per duration bucket, shortest first.
    histogram: list[KpiBucket]

    @classmethod
    def of(cls, figures: KpiFigures) -> KpiDocument:
        summary = {name: getattr(figures, name) for name in KpiSummary.__struct_fields__}
        return cls(
            **summary,
            monthly=[KpiMonth(month, median, count) for month, median, count in figures.monthly],
            histogram=[KpiBucket(b.label, b.low, b.high, b.count) for b in figures.histogram],
        )


class MemberDocument(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One team member and their load this week (`ps-tui team --json`)."""

    name: str
    role: Role
    title: str
    slack: str
    groups: list[str]
    capacity_hours: int
    #: Active implementations the member is on, in any role (each once).
    active: int
    owned: int
    managed: int
    advised: int
    #: Hours per week, to one decimal.
    weekly_hours: float
    #: Weekly hours over capacity (1.0 = full), to three decimals; None without a capacity.
    load: float | None

    @classmethod
    def of(cls, load: MemberLoad) -> MemberDocument:
        member = load.member
        share = load.share
        return cls(
            name=member.name,
            role=member.role,
            title=member.title,
            slack=member.slack,
            groups=list(member.groups),
            capacity_hours=member.capacity_hours,
            active=load.active,
            owned=load.owned,
            managed=load.managed,
            advised=load.advised,
            weekly_hours=round(load.weekly_hours, 1),
            load=None if share is None else round(share, 3),
        )


class RowDocument(Implementation, kw_only=True, omit_defaults=False):
    """One implementation as `ps-tui list --format json` prints it and
    GET /api/v1/rows returns: every field of the stored record, as the store
    and GET /api/v1/implementations hold it (an unknown value is null, never
    left out), then what the Implementations screen derives from it."""

    #: Days since kickoff (to production_ready once completed); None before kickoff.
    days: int | None
    #: The duration target in days.
    target: int
    health: Health
    #: True when an open risk, not the dates, made it at risk (the store's `kpi.risk_at_risk`).
    health_by_risk: bool
    #: The current milestone's key; None once every milestone is done, for a
    #: completed implementation, or without milestones.
    current_milestone_key: str | None
    #: The current milestone's name ("Done" once all are done, or completed);
    #: None without milestones.
    current_milestone: str | None
    #: When an active implementation is projected to be production-ready, at
    #: its pace so far; None when nothing supports a projection.
    projected: dt.date | None

    @classmethod
    def of(cls, row: Row, implementation: Implementation, assessment: Assessment) -> RowDocument:
        return cls(
            **msgspec.structs.asdict(implementation),
            days=row.elapsed,
            target=row.target,
            health=row.health,
            health_by_risk=row.by_risk,
            current_milestone_key=row.milestone_key,
            current_milestone=row.milestone or None,
            projected=assessment.projected,
        )


#: Every document, for the OpenAPI components.
DOCUMENTS: tuple[type[msgspec.Struct], ...] = (KpiDocument, MemberDocument, RowDocument)

__all__ = [
    "DOCUMENTS",
    "KpiBucket",
    "KpiDocument",
    "KpiMonth",
    "MemberDocument",
    "RowDocument",
]
