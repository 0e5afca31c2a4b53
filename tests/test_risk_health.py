"""Risks feed health: an open risk at least as severe as the store's
`kpi.risk_at_risk` (default high) makes an active implementation that the
dates call on track "at risk", and the list and its JSON say a risk decided."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.documents import RowDocument
from ps_tui.core.health import Health, assess, assess_all
from ps_tui.core.kpi import compute_kpis
from ps_tui.core.listing import build_rows, cell_text
from ps_tui.core.model import Implementation, Kpi, Milestone, Risk, Severity, Status
from ps_tui.core.validate import InvalidData, decode_store
from ps_tui.core.view import Portfolio
from tests.helpers import reference, to_raw

TODAY = dt.date(2026, 12, 1)
KICKOFF = TODAY - dt.timedelta(days=5)


def active(*risks: Risk) -> Implementation:
    return Implementation(
        id="IMP-0001",
        customer="Acme",
        segment="enterprise",
        status=Status.ACTIVE,
        kickoff=KICKOFF,
        ie_owner="Louis Jarvis",
        milestones=[
            Milestone(key="kickoff", planned=KICKOFF, actual=KICKOFF),
            Milestone(key="go_live", planned=KICKOFF + dt.timedelta(days=20)),
        ],
        risks=list(risks),
    )


def risk(severity: Severity, closed: dt.date | None = None, opened: dt.date = KICKOFF) -> Risk:
    return Risk(text="CAB approval", opened=opened, severity=severity, closed=closed)


@pytest.mark.parametrize(
    ("risks", "threshold", "health", "by_risk"),
    [
        ((), "high", Health.ON_TRACK, False),
        ((risk(Severity.MEDIUM),), "high", Health.ON_TRACK, False),
        ((risk(Severity.HIGH),), "high", Health.AT_RISK, True),
        ((risk(Severity.CRITICAL),), "high", Health.AT_RISK, True),
        ((risk(Severity.HIGH, closed=TODAY),), "high", Health.ON_TRACK, False),
        ((risk(Severity.HIGH, opened=TODAY + dt.timedelta(days=1)),), "high", Health.ON_TRACK, False),
        ((risk(Severity.CRITICAL),), "off", Health.ON_TRACK, False),
        ((risk(Severity.MEDIUM),), "medium", Health.AT_RISK, True),
        ((risk(Severity.LOW),), "low", Health.AT_RISK, True),
    ],
)
def test_an_open_risk_severe_enough_makes_it_at_risk(
    risks: tuple[Risk, ...], threshold: str, health: Health, by_risk: bool
) -> None:
    kpi = Kpi(risk_at_risk=threshold)  # type: ignore[arg-type]
    one = assess(active(*risks), TODAY, kpi, {})
    assert (one.health, one.by_risk) == (health, by_risk)
    # The portfolio's pass, with its shared assessments, agrees.
    assert assess_all([active(*risks)], TODAY, kpi)["IMP-0001"] == one


def test_the_dates_decide_first() -> None:
    late = msgspec.structs.replace(active(risk(Severity.HIGH)), kickoff=TODAY - dt.timedelta(days=40))
    late = msgspec.structs.replace(
        late, milestones=[Milestone(key="kickoff", actual=TODAY - dt.timedelta(days=40))]
    )
    found = assess(late, TODAY, Kpi(), {})
    assert (found.health, found.by_risk) == (Health.OVERDUE, False)


def test_the_list_the_json_and_the_dashboard_follow() -> None:
    data = msgspec.structs.replace(reference(), implementations=[active(risk(Severity.HIGH))])
    portfolio = Portfolio.build(data, TODAY)
    (row,) = build_rows(portfolio)
    assert row.health is Health.AT_RISK and row.by_risk
    assert cell_text(row, "health") == "at risk (risk)"
    document = RowDocument.of(row, data.implementations[0], portfolio.assessments["IMP-0001"])
    assert document.health_by_risk is True
    figures = compute_kpis(data.implementations, TODAY, data.kpi, None, portfolio.assessments)
    assert figures.at_risk == 1


def test_the_threshold_is_checked_with_the_store() -> None:
    raw = to_raw(reference())
    raw["kpi"]["risk_at_risk"] = "severe"
    with pytest.raises(InvalidData) as caught:
        decode_store(raw)
    assert caught.value.problems[0].path == "kpi.risk_at_risk"


async def test_the_detail_view_says_a_risk_decided(tmp_path: Path) -> None:
    from textual.widgets import Static

    from ps_tui.screens.detail import DetailScreen
    from ps_tui.store.file import FileStore
    from tests.apps import demo_app, settle

    path = tmp_path / "store.toml"
    today = dt.date(2026, 11, 30)  # the test suite's fixed today (tests.conftest.TODAY)
    impl = msgspec.structs.replace(active(risk(Severity.HIGH, opened=today)), kickoff=today)
    impl = msgspec.structs.replace(impl, milestones=[Milestone(key="kickoff", actual=today)])
    FileStore(path).write(msgspec.structs.replace(reference(), implementations=[impl]))
    app = demo_app(store=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(impl.id))
        await settle(pilot)
        title = str(app.screen.query_one("#detail-title", Static).render())
    assert "at risk (an open risk decided it)" in title
