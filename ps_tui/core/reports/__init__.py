"""The status reports: the weekly update (internal), the customer's status
(external) and the monthly KPI review, each one msgspec document that
`ps-tui report ... --format json` prints, GET /api/v1/reports/... returns,
and the Markdown and HTML templates render (`ps_tui/render/`)."""

from __future__ import annotations

from ps_tui.core.reports.customer import CustomerReport, customer_report
from ps_tui.core.reports.items import Recorded
from ps_tui.core.reports.monthly import MonthlyReport, monthly_report
from ps_tui.core.reports.periods import Period, PeriodError, month, week
from ps_tui.core.reports.weekly import WeeklyReport, weekly_report

#: Every report document, for the OpenAPI components.
REPORTS = (WeeklyReport, CustomerReport, MonthlyReport)

__all__ = [
    "REPORTS",
    "CustomerReport",
    "MonthlyReport",
    "Period",
    "PeriodError",
    "Recorded",
    "WeeklyReport",
    "customer_report",
    "month",
    "monthly_report",
    "week",
    "weekly_report",
]
