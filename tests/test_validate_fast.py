"""The fast yes/no check used over large stores agrees with the full check."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from ps_tui.core.model import Implementation, Milestone, Risk, Status
from ps_tui.core.validate import _Known, check_implementation
from ps_tui.data import default_store

STORE = default_store(dt.date(2026, 11, 30))
BASE = next(i for i in STORE.implementations if i.status is Status.ACTIVE and i.milestones)
assert BASE.kickoff is not None
KICKOFF = BASE.kickoff

BROKEN = {
    "unknown segment": {"segment": "galactic"},
    "unknown package": {"package": "platinum"},
    "custom without hours": {"package": "custom", "package_days": 10},
    "unknown owner": {"ie_owner": "Nobody"},
    "unknown pm": {"project_manager": "Nobody"},
    "unknown ra": {"resident_architect": "Nobody"},
    "unknown milestone": {"milestones": [Milestone(key="lunch")]},
    "duplicate milestone": {"milestones": [Milestone(key="kickoff"), Milestone(key="kickoff")]},
    "unknown milestone owner": {"milestones": [Milestone(key="kickoff", owner="Nobody")]},
    "ready before kickoff": {"production_ready": dt.date(2000, 1, 1)},
    "completed without ready": {"status": Status.COMPLETED, "production_ready": None},
    "active without kickoff": {"kickoff": None},
    "risk closed before opened": {
        "risks": [Risk(text="x", opened=dt.date(2026, 1, 2), closed=dt.date(2026, 1, 1))]
    },
    "milestone done the day before kickoff": {
        "milestones": [Milestone(key="infrastructure", actual=KICKOFF - dt.timedelta(days=1))]
    },
    "active with ready": {"production_ready": KICKOFF},
    "planned with ready": {"status": Status.PLANNED, "production_ready": KICKOFF},
    "on hold with ready": {"status": Status.ON_HOLD, "production_ready": KICKOFF},
    "milestone planned in year 9999": {
        "milestones": [Milestone(key="go_live", planned=dt.date(9999, 12, 31))]
    },
    "milestone done in year 9999": {"milestones": [Milestone(key="go_live", actual=dt.date(9999, 12, 31))]},
    "kickoff before 1970": {"kickoff": dt.date(1969, 12, 31), "milestones": []},
    "risk opened in year 9999": {"risks": [Risk(text="x", opened=dt.date(9999, 1, 1))]},
    "risk closed in year 9999": {
        "risks": [Risk(text="x", opened=dt.date(2026, 1, 1), closed=dt.date(9999, 1, 1))]
    },
    "slack channel without #": {"slack_channel": "acme"},
    "slack channel in capitals": {"slack_channel": "#Acme"},
    "the team's internal channel": {"slack_channel": "#team-implementation"},
}

#: Each date rule at its boundary: (allowed, refused).
BOUNDARIES = {
    "the last date ps-tui accepts": (
        {"milestones": [Milestone(key="go_live", planned=dt.date(2199, 12, 31))]},
        {"milestones": [Milestone(key="go_live", planned=dt.date(2200, 1, 1))]},
    ),
    "milestone done vs kickoff": (
        {"milestones": [Milestone(key="infrastructure", actual=KICKOFF)]},
        {"milestones": [Milestone(key="infrastructure", actual=KICKOFF - dt.timedelta(days=1))]},
    ),
    "ready vs status": (
        {"status": Status.CANCELLED, "production_ready": KICKOFF},
        {"status": Status.ON_HOLD, "production_ready": KICKOFF},
    ),
    "cancelled without ready vs completed without ready": (
        {"status": Status.CANCELLED, "production_ready": None},
        {"status": Status.COMPLETED, "production_ready": None},
    ),
    "a customer's channel vs the team's": (
        {"slack_channel": "#team-implementation-acme"},
        {"slack_channel": "#team-implementation"},
    ),
    "the longest channel name": (
        {"slack_channel": "#" + "a" * 80},
        {"slack_channel": "#" + "a" * 81},
    ),
    "ready vs kickoff": (
        {"status": Status.COMPLETED, "production_ready": KICKOFF},
        {"status": Status.COMPLETED, "production_ready": KICKOFF - dt.timedelta(days=1)},
    ),
}


@pytest.mark.parametrize("impl", STORE.implementations, ids=lambda i: i.id)
def test_agrees_on_every_demo_implementation(impl: Implementation) -> None:
    assert _Known(STORE).plainly_valid(impl) == (not check_implementation(impl, STORE))


@pytest.mark.parametrize("changes", BROKEN.values(), ids=list(BROKEN))
def test_agrees_on_each_broken_rule(changes: dict[str, object]) -> None:
    broken = msgspec.structs.replace(BASE, **changes)
    assert check_implementation(broken, STORE), "the change must break a rule"
    assert not _Known(STORE).plainly_valid(broken)


def test_agrees_at_each_date_boundary() -> None:
    known = _Known(STORE)
    for name, (allowed, refused) in BOUNDARIES.items():
        fine = msgspec.structs.replace(BASE, **allowed)
        assert check_implementation(fine, STORE) == [], name
        assert known.plainly_valid(fine), name
        broken = msgspec.structs.replace(BASE, **refused)
        assert check_implementation(broken, STORE), name
        assert not known.plainly_valid(broken), name
