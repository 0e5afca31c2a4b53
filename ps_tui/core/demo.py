"""Deterministic demo implementations, dated relative to "today".

The demo portfolio always looks current: completed projects spread over the
last twelve months, active ones in every phase, some at risk, some overdue.
"""

from __future__ import annotations

import datetime as dt
import random

from ps_tui.core.model import (
    Deployment,
    Engagement,
    Hosting,
    Implementation,
    Milestone,
    Reference,
    Risk,
    Severity,
    Status,
    StoreFile,
)

CUSTOMERS = [
    ("Northwind Traders", "strategic"),
    ("Globex Corporation", "strategic"),
    ("Initech", "enterprise"),
    ("Umbrella Health", "strategic"),
    ("Stark Industries", "strategic"),
    ("Wayne Logistics", "enterprise"),
    ("Acme Robotics", "mm"),
    ("Hooli Cloud", "strategic"),
    ("Soylent Foods", "mm"),
    ("Cyberdyne Systems", "enterprise"),
    ("Tyrell Biotech", "strategic"),
    ("Massive Dynamic", "strategic"),
    ("Vandelay Industries", "smb"),
    ("Oscorp Energy", "enterprise"),
    ("Wonka Confectionery", "mm"),
    ("Gringotts Banking Group", "strategic"),
    ("Pied Piper", "smb"),
    ("Aperture Science", "enterprise"),
    ("Blue Sun Freight", "enterprise"),
    ("Monarch Aerospace", "strategic"),
    ("Dunder Mifflin Paper", "mm"),
    ("Bluth Development", "smb"),
    ("Sirius Cybernetics", "strategic"),
    ("Nakatomi Trading", "enterprise"),
    ("Zorg Manufacturing", "enterprise"),
    ("Prestige Worldwide", "mm"),
    ("Rekall Travel", "mm"),
    ("Ollivander Tools", "smb"),
    ("Weyland-Yutani", "strategic"),
    ("Krusty Krab Holdings", "smb"),
    ("Los Pollos Hermanos", "mm"),
    ("Sterling Cooper Media", "enterprise"),
    ("Virtucon", "strategic"),
    ("Duff Beverages", "mm"),
    ("Yoyodyne Propulsion", "enterprise"),
    ("Genco Pura Olive Oil", "smb"),
    ("Octan Energy", "strategic"),
    ("Ingen Genomics", "enterprise"),
    ("Kwik-E-Mart Retail", "mm"),
    ("Spacely Sprockets", "enterprise"),
    ("Cogswell Cogs", "mm"),
    ("Müller & Søn Maschinenbau", "enterprise"),
]

_ARR = {
    "smb": (15_000, 60_000),
    "mm": (40_000, 160_000),
    "enterprise": (60_000, 450_000),
    "strategic": (250_000, 2_400_000),
}
_RISKS = [
    "Customer security review pending for cluster access",
    "Code host rate limits slow down indexing",
    "Customer infra team has no Kubernetes experience",
    "Largest monorepo exceeds recommended size",
    "Procurement delay on cloud resources",
    "SSO integration needs a custom SAML attribute",
]
_NOTES = [
    "Weekly deployment sync on Tuesdays.",
    "Customer prefers async updates in the shared Slack channel.",
    "TA introduced; onboarding plan drafted.",
    "Performance tests scheduled after indexing completes.",
    "",
]


def _developers(rng: random.Random, ref: Reference, segment_id: str) -> int | None:
    segment = ref.segment(segment_id)
    if segment is None:
        return None
    high = segment.max_developers if segment.max_developers is not None else segment.min_developers * 6
    return rng.randint(max(segment.min_developers, 5), high)


def plan_offsets(ref: Reference, package: str) -> list[int | None]:
    """Days after kickoff each milestone is due, in lifecycle order, from the
    package's plan in the store (None for a milestone it does not plan): the
    demo is planned as a real implementation on that package is."""
    found = ref.package(package)
    days = {} if found is None else {step.milestone: step.day for step in found.plan}
    return [days.get(m.key) for m in ref.milestones]


def _milestones(
    rng: random.Random,
    ref: Reference,
    kickoff: dt.date,
    offsets: list[int | None],
    done: int,
    owner: str | None,
    today: dt.date,
    slip: int,
) -> list[Milestone]:
    """Milestones planned `offsets` days after kickoff; the first `done` have
    actual dates that drift later by up to `slip` days in total and never
    pass today."""
    out = []
    drift = 0
    due = kickoff
    for index, (definition, offset) in enumerate(zip(ref.milestones, offsets, strict=True)):
        planned = None if offset is None else kickoff + dt.timedelta(days=offset)
        due = planned or due
        actual = None
        if index < done:
            if index:
                drift += rng.randint(0, max(0, slip // max(1, len(ref.milestones) - 1)))
            actual = min(due + dt.timedelta(days=drift), today)
        out.append(Milestone(key=definition.key, planned=planned, actual=actual, owner=owner))
    return out


def demo_implementations(ref: Reference, today: dt.date, seed: int = 7) -> list[Implementation]:
    """About forty implementations across segments, phases, owners and statuses."""
    rng = random.Random(seed)
    engineers = [m.name for m in ref.members if m.role.value == "implementation_engineer"]
    managers = [m.name for m in ref.members if m.role.value in ("project_manager", "manager")]
    architects = [m.name for m in ref.members if m.role.value == "resident_architect"]
    n_steps = len(ref.milestones)
    plan: list[tuple[Status, int]] = (
        [(Status.COMPLETED, 0)] * 18
        + [(Status.ACTIVE, 0)] * 15
        + [(Status.PLANNED, 0)] * 4
        + [(Status.ON_HOLD, 0)] * 3
        + [(Status.CANCELLED, 0)] * 2
    )
    out: list[Implementation] = []
    for number, ((customer, segment), (status, _)) in enumerate(zip(CUSTOMERS, plan, strict=False), 1):
        ie = engineers[number % len(engineers)] if engineers else None
        pm = managers[number % len(managers)] if managers else None
        ra = architects[0] if architects and segment == "strategic" and number % 2 else None
        low, high = _ARR[segment]
        arr = round(rng.randint(low, high), -3)
        deployment = (
            rng.choice(list(Deployment))
            if segment != "strategic"
            else rng.choice(
                [Deployment.KUBERNETES_HELM, Deployment.KUBERNETES_HELM, Deployment.MANAGED_CLOUD]
            )
        )
        hosting = (
            Hosting.ON_PREMISE if number % 9 == 0 else rng.choice([Hosting.AWS, Hosting.GCP, Hosting.AZURE])
        )
        if deployment is Deployment.MANAGED_CLOUD:
            hosting = Hosting.GCP
        package = "advanced" if segment == "strategic" and number % 3 else "standard"
        offsets = plan_offsets(ref, package)
        last_day = max((day for day in offsets if day is not None), default=0)
        kickoff: dt.date | None
        production_ready = None
        risks: list[Risk] = []
        if status is Status.COMPLETED:
            # Spread completions over the last twelve months, most within target.
            duration = rng.choice([16, 19, 22, 24, 26, 27, 28, 29, 30, 31, 34, 38, 45, 52])
            production_ready = today - dt.timedelta(days=5 + (number * 19) % 350)
            kickoff = production_ready - dt.timedelta(days=duration)
            slip = max(0, duration - last_day)
            milestones = _milestones(rng, ref, kickoff, offsets, n_steps, ie, production_ready, slip)
            if milestones:
                milestones[-1].actual = production_ready
        elif status is Status.ACTIVE:
            age = [3, 8, 12, 15, 18, 20, 22, 24, 26, 28, 31, 35, 40, 9, 14][(number - 19) % 15]
            kickoff = today - dt.timedelta(days=age)
            done = min(n_steps - 1, 1 + sum(age >= day for day in offsets[1:] if day is not None))
            if age > 25:
                done = max(1, done - 2)  # the late ones are late because they are behind
            milestones = _milestones(rng, ref, kickoff, offsets, done, ie, today, age // 4)
            if age > 20 or number % 4 == 0:
                risks.append(
                    Risk(
                        text=rng.choice(_RISKS),
                        severity=rng.choice(list(Severity)),
                        opened=kickoff + dt.timedelta(days=min(age, 5)),
                    )
                )
        elif status is Status.PLANNED:
            kickoff = today + dt.timedelta(days=7 * (number % 5 + 1))
            milestones = _milestones(rng, ref, kickoff, offsets, 0, ie, today, 0)
        elif status is Status.ON_HOLD:
            kickoff = today - dt.timedelta(days=30 + number)
            milestones = _milestones(rng, ref, kickoff, offsets, 2, ie, today, 6)
            risks.append(
                Risk(
                    text="Customer paused the project pending budget approval",
                    severity=Severity.HIGH,
                    opened=kickoff + dt.timedelta(days=10),
                )
            )
        else:
            kickoff = today - dt.timedelta(days=90 + number)
            milestones = _milestones(rng, ref, kickoff, offsets, 1, ie, today, 0)
        slug = customer.lower().split()[0].replace("'", "").replace("ü", "u").replace("ø", "o")
        out.append(
            Implementation(
                id=f"IMP-{number:04d}",
                customer=customer,
                segment=segment,
                developers=_developers(rng, ref, segment),
                arr=arr,
                engagement=rng.choice(list(Engagement)[:3])
                if number % 4
                else Engagement.PRODUCTION_DEPLOYMENT,
                deployment=deployment,
                hosting=hosting,
                package=package,
                status=status,
                kickoff=kickoff,
                production_ready=production_ready,
                ie_owner=ie,
                project_manager=pm,
                resident_architect=ra,
                instance_url=f"https://sourcegraph.{slug}.example.com",
                # A channel shared with the customer where Slack support can
                # be bought (not for SMB, per the offering matrix).
                slack_channel=None if segment == "smb" else f"#ext-{slug}",
                notes=rng.choice(_NOTES),
                milestones=milestones,
                risks=risks,
            )
        )
    return out


def demo_store(ref: StoreFile, today: dt.date) -> StoreFile:
    """The reference data with the demo implementations added."""
    import msgspec

    return msgspec.structs.replace(ref, implementations=demo_implementations(ref, today))
