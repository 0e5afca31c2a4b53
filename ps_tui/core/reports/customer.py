"""The customer's status report (external): where their implementation
stands, each milestone planned and done, what happens next, the risks they
may see, and whom to talk to (the people and the shared Slack channel).
Worded for the customer: no health label, no ARR, no notes, and a risk only
when it is marked `customer_visible`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ps_tui.core.model import IMPLEMENTATION_SERVICES, Implementation, Reference, Severity, Status
from ps_tui.core.reports.items import Part
from ps_tui.core.risks import ordered

#: How the customer reads an implementation's status.
STATUS_WORDS = {
    Status.PLANNED: "Not started",
    Status.ACTIVE: "In progress",
    Status.ON_HOLD: "On hold",
    Status.COMPLETED: "Live",
    Status.CANCELLED: "Cancelled",
}

#: The roles of the contacts, in the order they are listed.
CONTACT_ROLES = (
    ("ie_owner", "Implementation engineer"),
    ("project_manager", "Project manager"),
    ("resident_architect", "Resident architect"),
)


class CustomerMilestone(Part, kw_only=True, frozen=True):
    key: str
    name: str
    planned: dt.date | None
    actual: dt.date | None
    #: "done", "in progress" (the current one) or "not started".
    state: Literal["done", "in progress", "not started"]


class NextStep(Part, kw_only=True, frozen=True):
    milestone: str
    planned: dt.date | None


class CustomerRisk(Part, kw_only=True, frozen=True):
    text: str
    severity: Severity
    opened: dt.date
    owner: str | None
    mitigation: str


class Contact(Part, kw_only=True, frozen=True):
    role: str
    name: str
    title: str
    slack: str


class CustomerReport(Part, kw_only=True, frozen=True, tag_field="report", tag="customer"):
    """`ps-tui report customer ID --format json`, GET /api/v1/reports/customer/{id}
    (its first field, `report`, is "customer")."""

    id: str
    customer: str
    as_of: dt.date
    #: The status as the customer reads it ("In progress", "Live", ...).
    status: str
    #: The current milestone's name, or the status once there is none.
    phase: str
    kickoff: dt.date | None
    production_ready: dt.date | None
    milestones: list[CustomerMilestone]
    next_step: NextStep | None
    #: Open risks marked for the customer, most severe first.
    risks: list[CustomerRisk]
    contacts: list[Contact]
    #: The Slack channel shared with the customer (the implementation's
    #: `slack_channel`); None when none is recorded.
    slack_channel: str | None
    #: What Slack support comes with the implementation.
    slack: str


def customer_report(impl: Implementation, reference: Reference, as_of: dt.date) -> CustomerReport:
    """The customer's report of one implementation as of `as_of`."""
    status = STATUS_WORDS[impl.status]
    current = None if impl.status in (Status.COMPLETED, Status.CANCELLED) else _current(impl, as_of)
    milestones = [
        CustomerMilestone(
            key=m.key,
            name=reference.milestone_name(m.key),
            planned=m.planned,
            actual=m.actual if m.actual is not None and m.actual <= as_of else None,
            state="done"
            if m.actual is not None and m.actual <= as_of
            else ("in progress" if m.key == current else "not started"),
        )
        for m in impl.milestones
    ]
    shown = next((m for m in milestones if m.key == current), None)
    risks = [
        CustomerRisk(
            text=risk.text,
            severity=risk.severity,
            opened=risk.opened,
            owner=risk.owner,
            mitigation=risk.mitigation,
        )
        for _, risk in ordered(impl.risks)
        if risk.customer_visible and (risk.closed is None or risk.closed > as_of) and risk.opened <= as_of
    ]
    contacts = []
    for field, role in CONTACT_ROLES:
        name = getattr(impl, field)
        if not name:
            continue
        member = reference.member(name)
        contacts.append(
            Contact(
                role=role,
                name=name,
                title="" if member is None else member.title,
                slack="" if member is None else member.slack,
            )
        )
    services = next((o for o in reference.offerings if o.id == IMPLEMENTATION_SERVICES), None)
    return CustomerReport(
        id=impl.id,
        customer=impl.customer,
        as_of=as_of,
        status=status,
        phase=shown.name if shown is not None else status,
        kickoff=impl.kickoff,
        production_ready=impl.production_ready if impl.status is Status.COMPLETED else None,
        milestones=milestones,
        next_step=None if shown is None else NextStep(milestone=shown.name, planned=shown.planned),
        risks=risks,
        contacts=contacts,
        slack_channel=impl.slack_channel,
        slack="" if services is None else services.slack_support,
    )


def _current(impl: Implementation, as_of: dt.date) -> str | None:
    """The first milestone not done as of `as_of` (as `health.current_milestone` today)."""
    for milestone in impl.milestones:
        if milestone.actual is None or milestone.actual > as_of:
            return milestone.key
    return None
