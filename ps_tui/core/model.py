"""The domain model: one schema for store files, API payloads and form input.

Every struct refuses unknown fields, so a typo in `store.toml` is an error with
a location rather than a silently ignored key.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct, field

SCHEMA_VERSION = 1

#: The dates ps-tui accepts anywhere (files, forms, the API, --today): every
#: computation on them (durations, projections) stays within Python's dates.
EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
#: The largest whole number a store holds: exact in a JSON double and within
#: TOML's 64-bit integers, so a value survives both formats and every client.
MAX_INT = 2**53 - 1

#: An implementation id names it in URLs, file names and commands: ASCII
#: letters and digits with `.`, `_` and `-` inside, at most 64 characters
#: (so never `.` or `..`, a slash or a space).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ImplementationId = Annotated[str, Meta(pattern=ID_PATTERN)]

#: A Slack channel as Slack names one: `#`, then at most 80 lowercase ASCII
#: letters, digits, `-` or `_`, starting with a letter or digit.
SLACK_CHANNEL_PATTERN = r"^#[a-z0-9][a-z0-9_-]{0,79}$"
SlackChannel = Annotated[str, Meta(pattern=SLACK_CHANNEL_PATTERN)]

NonEmpty = Annotated[str, Meta(min_length=1)]
NonNegative = Annotated[int, Meta(ge=0, le=MAX_INT)]
Positive = Annotated[int, Meta(gt=0, le=MAX_INT)]


class _Base(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """Shared options: keyword-only, unknown fields refused, defaults not written.

    gc=False: these are plain data that never form reference cycles, so the
    cyclic collector need not track them; a 100,000-implementation store
    decodes in 0.4 s instead of 1.1 s."""


class LabelledEnum(enum.StrEnum):
    """A string enum whose members also carry a human label."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Status(LabelledEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Engagement(LabelledEnum):
    """Kinds of engagement, in the team's priority order."""

    PRODUCTION_DEPLOYMENT = "production_deployment"
    MULTI_VERSION_UPGRADE = "multi_version_upgrade"
    FEATURE_ADOPTION = "feature_adoption"
    TRIAL = "trial"
    SELF_HOSTED_MIGRATION = "self_hosted_migration"
    CLOUD_MIGRATION = "cloud_migration"

    @property
    def label(self) -> str:
        return _ENGAGEMENT_LABELS[self]


_ENGAGEMENT_LABELS = {
    Engagement.PRODUCTION_DEPLOYMENT: "Production deployment",
    Engagement.MULTI_VERSION_UPGRADE: "Multi-version upgrade",
    Engagement.FEATURE_ADOPTION: "Feature adoption",
    Engagement.TRIAL: "Trial",
    Engagement.SELF_HOSTED_MIGRATION: "Self-hosted to self-hosted migration",
    Engagement.CLOUD_MIGRATION: "Self-hosted to cloud migration",
}


class Deployment(LabelledEnum):
    """Deployment methods, preferred first."""

    MANAGED_CLOUD = "managed_cloud"
    SINGLE_NODE = "single_node"
    KUBERNETES_HELM = "kubernetes_helm"
    DOCKER_COMPOSE = "docker_compose"

    @property
    def label(self) -> str:
        return _DEPLOYMENT_LABELS[self]


_DEPLOYMENT_LABELS = {
    Deployment.MANAGED_CLOUD: "Managed cloud",
    Deployment.SINGLE_NODE: "Single node",
    Deployment.KUBERNETES_HELM: "Kubernetes (Helm)",
    Deployment.DOCKER_COMPOSE: "Docker Compose",
}


class Hosting(LabelledEnum):
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"
    ON_PREMISE = "on_premise"

    @property
    def label(self) -> str:
        return _HOSTING_LABELS[self]


_HOSTING_LABELS = {
    Hosting.AWS: "AWS (EKS)",
    Hosting.GCP: "GCP (GKE)",
    Hosting.AZURE: "Azure (AKS)",
    Hosting.ON_PREMISE: "On-premise",
}


class Severity(LabelledEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Role(LabelledEnum):
    MANAGER = "manager"
    PROJECT_MANAGER = "project_manager"
    IMPLEMENTATION_ENGINEER = "implementation_engineer"
    RESIDENT_ARCHITECT = "resident_architect"


class DiscountStatus(LabelledEnum):
    NOT_APPLICABLE = "not_applicable"
    UNAVAILABLE = "unavailable"
    AVAILABLE = "available"

    @property
    def label(self) -> str:
        return _DISCOUNT_LABELS[self]


_DISCOUNT_LABELS = {
    DiscountStatus.NOT_APPLICABLE: "Not applicable",
    DiscountStatus.UNAVAILABLE: "No discount available",
    DiscountStatus.AVAILABLE: "Discounting available",
}


# --- reference data ---------------------------------------------------------


class Segment(_Base):
    """A market segment, defined by the customer's number of developers."""

    id: NonEmpty
    name: NonEmpty
    min_developers: NonNegative
    #: Inclusive upper bound; None means no upper bound.
    max_developers: NonNegative | None = None
    #: Other words that name this segment in lookups ("mm", "mid-market").
    aliases: list[str] = field(default_factory=list)


class Offering(_Base):
    """A PS offering and the segments that may buy it."""

    id: NonEmpty
    name: NonEmpty
    segments: list[str]
    description: str = ""
    slack_support: str = ""


class DiscountRule(_Base):
    """One row of the discount table; the first matching rule decides.

    A rule matches its segment when `arr_above < ARR <= arr_at_most`, each bound
    optional.
    """

    segment: NonEmpty
    status: DiscountStatus
    label: NonEmpty
    arr_above: NonNegative | None = None
    arr_at_most: NonNegative | None = None


class Discounts(_Base):
    approval: str = ""
    rules: list[DiscountRule] = field(default_factory=list)


class Channel(_Base):
    """A Slack channel (`#...`) or handle (`@...`) and what it is for."""

    name: NonEmpty
    purpose: str = ""


class Member(_Base):
    name: NonEmpty
    role: Role
    title: str = ""
    groups: list[str] = field(default_factory=list)
    slack: str = ""
    capacity_hours: NonNegative = 40


class MilestoneDef(_Base):
    """One of the lifecycle milestones, in order."""

    key: NonEmpty
    name: NonEmpty


#: The latest day of a plan, counted from kickoff (ten years).
MAX_PLAN_DAY = 3650


class PlanStep(_Base):
    """One milestone of a package's plan: due this many days after kickoff."""

    milestone: NonEmpty
    day: Annotated[int, Meta(ge=0, le=MAX_PLAN_DAY)]


class Package(_Base):
    """A sold package: implementation hours and timebox, or RA hours per year,
    and for an implementation package its milestone plan."""

    id: NonEmpty
    name: NonEmpty
    offering: NonEmpty
    hours: NonNegative
    timebox_days: NonNegative | None = None
    #: "project" for implementation packages, "year" for Resident Architect hours.
    per: str = "project"
    #: When each milestone is due, in days after kickoff: a new
    #: implementation's planned dates (see core.plan).
    plan: list[PlanStep] = field(default_factory=list)

    def plan_day(self, milestone: str) -> int | None:
        return next((step.day for step in self.plan if step.milestone == milestone), None)


#: How severe an open risk must be to make an active implementation at
#: least "at risk"; "off" leaves health to the dates alone.
RiskThreshold = Literal["low", "medium", "high", "critical", "off"]


class Kpi(_Base):
    target_days: Positive = 30
    at_risk_days: Positive = 21
    risk_at_risk: RiskThreshold = "high"


class Load(_Base):
    """How active implementations turn into weekly hours per person.

    An IE owner spends the package's hours spread over its timebox; the
    project manager `pm_share` of that; a resident architect the yearly hours
    of `ra_package` spread over 52 weeks."""

    pm_share: Annotated[float, Meta(ge=0, le=1)] = 0.25
    ra_package: str = "ra_standard"


#: The one offering the rules know by id: an implementation's package is one
#: of its packages, and it is mandatory for a self-hosted deployment.
IMPLEMENTATION_SERVICES = "implementation_services"


class Reference(_Base):
    """Everything in a store except the implementations."""

    purpose: str = ""
    kpi: Kpi = field(default_factory=Kpi)
    load: Load = field(default_factory=Load)
    segments: list[Segment] = field(default_factory=list)
    offerings: list[Offering] = field(default_factory=list)
    discounts: Discounts = field(default_factory=Discounts)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    milestones: list[MilestoneDef] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)

    def segment(self, segment_id: str) -> Segment | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def segment_name(self, segment_id: str) -> str:
        segment = self.segment(segment_id)
        return segment.name if segment else segment_id

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)

    def package(self, package_id: str) -> Package | None:
        return next((p for p in self.packages if p.id == package_id), None)

    def milestone_name(self, key: str) -> str:
        return next((m.name for m in self.milestones if m.key == key), key)


# --- implementations --------------------------------------------------------


class Milestone(_Base):
    key: NonEmpty
    planned: dt.date | None = None
    actual: dt.date | None = None
    owner: str | None = None


class Risk(_Base):
    text: NonEmpty
    opened: dt.date
    severity: Severity = Severity.MEDIUM
    closed: dt.date | None = None
    #: The team member who follows it up.
    owner: str | None = None
    mitigation: str = ""
    #: Whether the customer's status report may show it (internal by default).
    customer_visible: bool = False


CUSTOM_PACKAGE = "custom"


class Implementation(_Base):
    id: ImplementationId
    customer: NonEmpty
    segment: NonEmpty
    #: None (the key left out) when not known: unknown is not zero.
    developers: NonNegative | None = None
    #: Annual recurring revenue in whole dollars; None when not known. A
    #: stored 0 is a real zero.
    arr: NonNegative | None = None
    engagement: Engagement = Engagement.PRODUCTION_DEPLOYMENT
    deployment: Deployment = Deployment.MANAGED_CLOUD
    hosting: Hosting = Hosting.AWS
    #: A package id from the reference data, or "custom" with hours and days set.
    package: NonEmpty = "standard"
    package_hours: NonNegative | None = None
    package_days: NonNegative | None = None
    status: Status = Status.PLANNED
    kickoff: dt.date | None = None
    production_ready: dt.date | None = None
    ie_owner: str | None = None
    project_manager: str | None = None
    resident_architect: str | None = None
    instance_url: str = ""
    #: The Slack channel shared with the customer (`#acme-rollout`); the
    #: customer's status report lists it with the contacts.
    slack_channel: SlackChannel | None = None
    notes: str = ""
    milestones: list[Milestone] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    #: When a shared server last saved this implementation (UTC); file stores
    #: leave it as it is.
    updated: dt.datetime | None = None

    def milestone(self, key: str) -> Milestone | None:
        return next((m for m in self.milestones if m.key == key), None)

    def people(self) -> list[tuple[str, str]]:
        """(field, name) for every person named on this implementation."""
        found = [
            (name, value)
            for name, value in (
                ("ie_owner", self.ie_owner),
                ("project_manager", self.project_manager),
                ("resident_architect", self.resident_architect),
            )
            if value
        ]
        found.extend((f"milestones[{i}].owner", m.owner) for i, m in enumerate(self.milestones) if m.owner)
        found.extend((f"risks[{i}].owner", r.owner) for i, r in enumerate(self.risks) if r.owner)
        return found


class NewImplementation(Implementation, kw_only=True):
    """An implementation to create (POST /api/v1/implementations): the id
    may be left out, and the store gives it the next one
    (`portfolio.with_id`), as the TUI's `n` does."""

    id: ImplementationId | None = None  # type: ignore[assignment]


class StoreFile(Reference):
    """The whole store as written to `store.toml` or `store.json`."""

    schema_version: Annotated[int, Meta(ge=1)] = SCHEMA_VERSION
    implementations: list[Implementation] = field(default_factory=list)

    @property
    def reference(self) -> Reference:
        return Reference(**{name: getattr(self, name) for name in Reference.__struct_fields__})

    def with_reference(self, reference: Reference) -> StoreFile:
        return msgspec.structs.replace(
            self, **{name: getattr(reference, name) for name in Reference.__struct_fields__}
        )


def etag(document: Implementation | Reference) -> str:
    """A version tag of one implementation (or of the reference data): equal
    exactly when its content is.

    The server sends it as the ETag; a client computes it for what it loaded
    and sends it back as If-Match, so a stale edit is refused, not applied."""
    import hashlib

    return hashlib.sha256(msgspec.json.encode(document)).hexdigest()[:20]


def json_schema() -> dict[str, object]:
    """The JSON Schema of a store file, for editors and API clients."""
    schema = msgspec.json.schema(StoreFile)
    schema["title"] = "ps-tui store"
    return schema
