"""The implementation edit form: fields, parsing, derived segment, errors, round trip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from ps_tui.core.forms import (
    FORM_FIELDS,
    Choice,
    FormResult,
    blank_form,
    field_choices,
    form_values,
    parse_form,
)
from ps_tui.core.model import (
    Deployment,
    Engagement,
    Hosting,
    Implementation,
    Milestone,
    Reference,
    Segment,
    Status,
)
from ps_tui.core.segments import segment_for_developers
from ps_tui.data import default_store
from tests.helpers import implementation, reference

REF = reference()


def valid(**changes: str) -> dict[str, str]:
    """Form text for a valid new active implementation, `changes` applied."""
    values = {
        "customer": "Acme Robotics",
        "developers": "",
        "segment": "enterprise",
        "arr": "150k",
        "engagement": "production_deployment",
        "deployment": "kubernetes_helm",
        "hosting": "gcp",
        "package": "standard",
        "package_hours": "",
        "package_days": "",
        "status": "active",
        "kickoff": "2026-11-02",
        "production_ready": "",
        "ie_owner": "Louis Jarvis",
        "project_manager": "Andrew Norrish",
        "resident_architect": "",
        "instance_url": "https://sourcegraph.acme.example.com",
        "notes": "Weekly sync.",
    }
    values.update(changes)
    return values


def parse(values: dict[str, str], base: Implementation | None = None) -> FormResult:
    result = parse_form(values, REF, base, "IMP-0100")
    # The contract: errors empty exactly when there is an implementation.
    assert (result.implementation is None) == bool(result.errors)
    return result


def parsed(**changes: str) -> Implementation:
    result = parse(valid(**changes))
    assert result.errors == {}
    assert result.implementation is not None
    return result.implementation


def errors(**changes: str) -> dict[str, str]:
    return parse(valid(**changes)).errors


# --- fields ----------------------------------------------------------------------------


def test_form_fields() -> None:
    assert [(f.name, f.kind, f.required) for f in FORM_FIELDS] == [
        ("customer", "text", True),
        ("developers", "count", False),
        ("segment", "choice", False),
        ("arr", "amount", False),
        ("engagement", "choice", True),
        ("deployment", "choice", True),
        ("hosting", "choice", True),
        ("package", "choice", True),
        ("package_hours", "count", False),
        ("package_days", "count", False),
        ("status", "choice", True),
        ("kickoff", "date", False),
        ("production_ready", "date", False),
        ("ie_owner", "member", False),
        ("project_manager", "member", False),
        ("resident_architect", "member", False),
        ("instance_url", "text", False),
        ("slack_channel", "text", False),
        ("notes", "text", False),
    ]
    assert all(f.label for f in FORM_FIELDS)
    by_name = {f.name: f for f in FORM_FIELDS}
    assert by_name["status"].choices == tuple(s.value for s in Status)
    assert by_name["engagement"].choices == tuple(e.value for e in Engagement)
    assert by_name["deployment"].choices == tuple(d.value for d in Deployment)
    assert by_name["hosting"].choices == ("aws", "gcp", "azure", "on_premise")
    assert all(
        not f.choices for f in FORM_FIELDS if f.name not in ("engagement", "deployment", "hosting", "status")
    )


def test_field_choices() -> None:
    by_name = {f.name: f for f in FORM_FIELDS}
    assert field_choices(by_name["segment"], REF) == (
        Choice("", "From developer count"),
        Choice("smb", "SMB"),
        Choice("mm", "Mid-market"),
        Choice("enterprise", "Enterprise"),
        Choice("strategic", "Strategic"),
    )
    # Implementation packages only (not the Resident Architect ones), and custom.
    assert [c.value for c in field_choices(by_name["package"], REF)] == ["standard", "advanced", "custom"]
    assert [c.value for c in field_choices(by_name["ie_owner"], REF)] == [
        "",
        "Andrew Norrish",
        "Louis Jarvis",
        "Marc LeBlanc",
        "Alex Fogg",
    ]
    assert field_choices(by_name["hosting"], REF)[0] == Choice("aws", "AWS (EKS)")
    assert field_choices(by_name["engagement"], REF)[-1] == Choice(
        "cloud_migration", "Self-hosted to cloud migration"
    )
    assert [c.value for c in field_choices(by_name["status"], REF)] == list(by_name["status"].choices)
    assert field_choices(by_name["notes"], REF) == ()


def test_blank_form_preselects_the_choices_that_cannot_be_blank() -> None:
    values = blank_form(REF)
    assert set(values) == {f.name for f in FORM_FIELDS}
    assert {k: v for k, v in values.items() if v} == {
        "engagement": "production_deployment",
        "deployment": "managed_cloud",
        "hosting": "aws",
        "package": "standard",
        "status": "planned",
    }
    assert parse(blank_form(REF)).errors == {
        "customer": "required",
        "segment": "give a segment or a developer count",
    }
    assert parse({**blank_form(REF), "customer": "Acme", "developers": "40"}).errors == {}


# --- a new implementation -------------------------------------------------------------------


def test_a_new_implementation() -> None:
    assert parsed() == Implementation(
        id="IMP-0100",
        customer="Acme Robotics",
        segment="enterprise",
        arr=150_000,
        deployment=Deployment.KUBERNETES_HELM,
        hosting=Hosting.GCP,
        package="standard",
        status=Status.ACTIVE,
        kickoff=dt.date(2026, 11, 2),
        ie_owner="Louis Jarvis",
        project_manager="Andrew Norrish",
        instance_url="https://sourcegraph.acme.example.com",
        notes="Weekly sync.",
        # The reference milestones, owned by the IE owner, planned from the
        # Standard package's plan; the kickoff one done: an active
        # implementation kicked off on its kickoff date.
        milestones=[
            Milestone(
                key=m.key,
                owner="Louis Jarvis",
                planned=dt.date(2026, 11, 2) + dt.timedelta(days=day),
                actual=dt.date(2026, 11, 2) if i == 0 else None,
            )
            for i, (m, day) in enumerate(zip(REF.milestones, [0, 7, 12, 19, 24, 28], strict=True))
        ],
    )


def test_a_new_implementation_without_an_owner_has_unowned_milestones() -> None:
    impl = parsed(status="planned", ie_owner="", kickoff="")
    assert impl.ie_owner is None
    assert [m.owner for m in impl.milestones] == [None] * len(REF.milestones)


def test_missing_fields_count_as_blank() -> None:
    assert parse({"customer": "Acme"}).errors == {
        "segment": "give a segment or a developer count",
        "engagement": "required",
        "deployment": "required",
        "hosting": "required",
        "package": "required",
        "status": "required",
    }


# --- field by field -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"customer": "  Initech  "}, {"customer": "Initech"}),
        ({"developers": "1,200"}, {"developers": 1200}),
        ({"developers": "0"}, {"developers": 0}),
        ({"developers": ""}, {"developers": None}),
        ({"arr": "150k"}, {"arr": 150_000}),
        ({"arr": "$1.2M"}, {"arr": 1_200_000}),
        ({"arr": "1,200,000"}, {"arr": 1_200_000}),
        ({"arr": "950"}, {"arr": 950}),
        ({"arr": ""}, {"arr": None}),  # unknown, not 0
        ({"engagement": "trial"}, {"engagement": Engagement.TRIAL}),
        ({"engagement": "Cloud_Migration"}, {"engagement": Engagement.CLOUD_MIGRATION}),
        ({"deployment": "docker_compose"}, {"deployment": Deployment.DOCKER_COMPOSE}),
        ({"hosting": "on_premise"}, {"hosting": Hosting.ON_PREMISE}),
        ({"package": "advanced"}, {"package": "advanced"}),
        (
            {"package": "custom", "package_hours": "60", "package_days": "50"},
            {"package": "custom", "package_hours": 60, "package_days": 50},
        ),
        # Hours and days on a sold package are kept as given.
        ({"package_hours": "10"}, {"package": "standard", "package_hours": 10}),
        ({"status": "planned", "kickoff": ""}, {"status": Status.PLANNED, "kickoff": None}),
        ({"status": "on_hold"}, {"status": Status.ON_HOLD}),
        (
            {"status": "completed", "production_ready": "2026-11-30"},
            {"status": Status.COMPLETED, "production_ready": dt.date(2026, 11, 30)},
        ),
        (  # the same day as kickoff is fine
            {"status": "completed", "production_ready": "2026-11-02"},
            {"status": Status.COMPLETED, "production_ready": dt.date(2026, 11, 2)},
        ),
        ({"kickoff": " 2026-02-28 "}, {"kickoff": dt.date(2026, 2, 28)}),
        ({"status": "planned", "ie_owner": ""}, {"ie_owner": None}),
        ({"project_manager": ""}, {"project_manager": None}),
        ({"resident_architect": "Alex Fogg"}, {"resident_architect": "Alex Fogg"}),
        ({"instance_url": ""}, {"instance_url": ""}),
        ({"instance_url": "http://10.0.0.5:7080"}, {"instance_url": "http://10.0.0.5:7080"}),
        ({"instance_url": "HTTPS://SG.EXAMPLE.COM"}, {"instance_url": "HTTPS://SG.EXAMPLE.COM"}),
        ({"notes": "  two\nlines  "}, {"notes": "two\nlines"}),
        ({"notes": ""}, {"notes": ""}),
    ],
)
def test_good_input(changes: dict[str, str], expected: dict[str, Any]) -> None:
    impl = parsed(**changes)
    assert {name: getattr(impl, name) for name in expected} == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"customer": ""}, {"customer": "required"}),
        ({"customer": "   "}, {"customer": "required"}),
        ({"developers": "abc"}, {"developers": "'abc' is not a whole number"}),
        ({"developers": "-5"}, {"developers": "'-5' is not a whole number"}),
        ({"developers": "1.5"}, {"developers": "'1.5' is not a whole number"}),
        ({"arr": "abc"}, {"arr": "'abc' is not an amount; use e.g. 150k, $1.2M or 1,200,000"}),
        ({"arr": "-5k"}, {"arr": "'-5k': amounts cannot be negative"}),
        (
            {"engagement": "upgrade"},
            {
                "engagement": "'upgrade' is not one of: production_deployment, multi_version_upgrade,"
                " feature_adoption, trial, self_hosted_migration, cloud_migration"
            },
        ),
        ({"engagement": ""}, {"engagement": "required"}),
        (
            {"deployment": "helm"},
            {
                "deployment": "'helm' is not one of: managed_cloud, single_node,"
                " kubernetes_helm, docker_compose"
            },
        ),
        ({"hosting": "ibm"}, {"hosting": "'ibm' is not one of: aws, gcp, azure, on_premise"}),
        ({"status": ""}, {"status": "required"}),
        (
            {"status": "paused"},
            {"status": "'paused' is not one of: planned, active, on_hold, completed, cancelled"},
        ),
        ({"package": ""}, {"package": "required"}),
        ({"package": "ra_standard"}, {"package": "'ra_standard' is not one of: standard, advanced, custom"}),
        ({"package": "gold"}, {"package": "'gold' is not one of: standard, advanced, custom"}),
        # Custom packages need hours and days.
        (
            {"package": "custom"},
            {
                "package_hours": "required for a custom package",
                "package_days": "required for a custom package",
            },
        ),
        ({"package": "custom", "package_hours": "60"}, {"package_days": "required for a custom package"}),
        (
            {"package": "custom", "package_hours": "sixty", "package_days": "50"},
            {"package_hours": "'sixty' is not a whole number"},
        ),
        ({"package_days": "-1"}, {"package_days": "'-1' is not a whole number"}),
        ({"kickoff": "02/11/2026"}, {"kickoff": "'02/11/2026' is not a date; use YYYY-MM-DD"}),
        (
            {"kickoff": "2026-02-30"},
            {"kickoff": "'2026-02-30' is not a real date (day is out of range for month)"},
        ),
        (
            {"production_ready": "tomorrow"},
            {"production_ready": "'tomorrow' is not a date; use YYYY-MM-DD"},
        ),
        # Members: exact names only.
        ({"ie_owner": "Bob"}, {"ie_owner": "unknown team member 'Bob'"}),
        ({"ie_owner": "louis jarvis"}, {"ie_owner": "unknown team member 'louis jarvis'"}),
        ({"project_manager": "Louis"}, {"project_manager": "unknown team member 'Louis'"}),
        ({"resident_architect": "Nobody"}, {"resident_architect": "unknown team member 'Nobody'"}),
        ({"ie_owner": ""}, {"ie_owner": "required when status is active"}),
        (
            {"instance_url": "sourcegraph.example.com"},
            {"instance_url": "must start with http:// or https://"},
        ),
        ({"instance_url": "ftp://x"}, {"instance_url": "must start with http:// or https://"}),
        # Cross-field rules, from the store's own checks.
        ({"production_ready": "2026-11-01"}, {"production_ready": "is before kickoff"}),
        ({"status": "completed"}, {"production_ready": "required when status is completed"}),
        ({"kickoff": ""}, {"kickoff": "required when status is active"}),
        (
            {"status": "completed", "kickoff": ""},
            {
                "kickoff": "required when status is completed",
                "production_ready": "required when status is completed",
            },
        ),
        # A bad date is reported as such, not as missing.
        ({"kickoff": "soon"}, {"kickoff": "'soon' is not a date; use YYYY-MM-DD"}),
        # Every problem at once.
        (
            {"customer": "", "arr": "lots", "ie_owner": "Bob", "production_ready": "2026-10-01"},
            {
                "customer": "required",
                "arr": "'lots' is not an amount; use e.g. 150k, $1.2M or 1,200,000",
                "ie_owner": "unknown team member 'Bob'",
                "production_ready": "is before kickoff",
            },
        ),
    ],
)
def test_bad_input(changes: dict[str, str], expected: dict[str, str]) -> None:
    assert errors(**changes) == expected


# --- segment ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("developers", "segment"),
    [
        (0, "smb"),
        (99, "smb"),
        (100, "mm"),
        (500, "mm"),
        (501, "enterprise"),
        (2500, "enterprise"),
        (2501, "strategic"),
        (1_000_000, "strategic"),
    ],
)
def test_segment_derived_from_developers(developers: int, segment: str) -> None:
    found = segment_for_developers(developers, REF)
    assert found is not None and found.id == segment
    assert parsed(segment="", developers=str(developers)).segment == segment


def test_segment_with_a_gap_in_the_ranges() -> None:
    ref = msgspec.structs.replace(
        REF,
        segments=[
            Segment(id="small", name="Small", min_developers=0, max_developers=10),
            Segment(id="big", name="Big", min_developers=20),
        ],
    )
    assert segment_for_developers(15, ref) is None
    found = segment_for_developers(10, ref)
    assert found is not None and found.id == "small"
    result = parse_form(valid(segment="", developers="15"), ref, None, "IMP-0100")
    assert result.errors == {"segment": "no segment covers 15 developers; choose one"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # A chosen segment wins over the developer count.
        ({"segment": "strategic", "developers": "50"}, "strategic"),
        ({"segment": "Mid-market"}, "mm"),  # by name
        ({"segment": "ent"}, "enterprise"),  # by alias
        ({"segment": "SMB"}, "smb"),
    ],
)
def test_segment_given(changes: dict[str, str], expected: str) -> None:
    assert parsed(**changes).segment == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"segment": "", "developers": ""}, {"segment": "give a segment or a developer count"}),
        (
            {"segment": "galactic"},
            {"segment": "unknown segment 'galactic' (known: smb, mm, enterprise, strategic)"},
        ),
        # A bad count is the one problem: no second message about the segment.
        ({"segment": "", "developers": "many"}, {"developers": "'many' is not a whole number"}),
    ],
)
def test_segment_errors(changes: dict[str, str], expected: dict[str, str]) -> None:
    assert errors(**changes) == expected


# --- editing -------------------------------------------------------------------------------------


def test_editing_keeps_id_milestones_and_risks() -> None:
    base = implementation(7)
    result = parse(valid(customer="Renamed Inc.", kickoff="2025-05-01"), base)
    assert result.implementation is not None
    assert result.implementation.id == "IMP-0007"  # not the new id
    assert result.implementation.customer == "Renamed Inc."
    assert result.implementation.milestones == base.milestones
    assert result.implementation.risks == base.risks


def test_a_milestone_problem_is_reported_under_the_milestone_editor() -> None:
    base = implementation(7, milestones=[Milestone(key="kickoff", owner="Gone Person")])
    assert parse(valid(), base).errors == {
        "milestones": "Project kickoff owner: unknown team member 'Gone Person'"
    }


def test_an_implementation_may_keep_a_package_outside_the_list() -> None:
    base = implementation(7, package="ra_standard")
    result = parse(form_values(base), base)
    assert result.implementation == base


def test_form_values() -> None:
    impl = implementation(3, arr=150_000, package="custom", package_hours=60, package_days=50, developers=800)
    assert form_values(impl) == {
        "customer": "Customer 3",
        "developers": "800",
        "segment": "enterprise",
        "arr": "150000",
        "engagement": "production_deployment",
        "deployment": "managed_cloud",
        "hosting": "aws",
        "package": "custom",
        "package_hours": "60",
        "package_days": "50",
        "status": "active",
        "kickoff": "2025-05-01",
        "production_ready": "",
        "ie_owner": "Louis Jarvis",
        "project_manager": "Andrew Norrish",
        "resident_architect": "",
        "instance_url": "",
        "slack_channel": "",
        "notes": "",
    }
    assert set(form_values(impl)) == {f.name for f in FORM_FIELDS}


def test_round_trip_of_every_demo_implementation() -> None:
    store = default_store(dt.date(2026, 11, 30))
    ref: Reference = store.reference
    assert len(store.implementations) > 30
    for impl in store.implementations:
        result = parse_form(form_values(impl), ref, impl, "IMP-9999")
        assert result.errors == {}, impl.id
        assert result.implementation == impl


@pytest.mark.parametrize(
    ("typed", "stored", "error"),
    [
        ("", None, None),
        ("  #acme-rollout  ", "#acme-rollout", None),
        ("#ext_acme-2026", "#ext_acme-2026", None),
        ("acme-rollout", None, "must be a Slack channel"),
        ("#Acme", None, "must be a Slack channel"),
        ("#acme rollout", None, "must be a Slack channel"),
        ("#-acme", None, "must be a Slack channel"),
        ("#" + "a" * 81, None, "must be a Slack channel"),
        ("#acme\x1b[31m", None, "must be a Slack channel"),
        # The handbook's internal channel: the customer's report would show it.
        ("#team-implementation", None, "one of the team's own channels"),
        ("#discuss-implementation", None, "one of the team's own channels"),
    ],
)
def test_the_slack_channel_is_a_customer_channel(typed: str, stored: str | None, error: str | None) -> None:
    result = parse(valid(slack_channel=typed))
    if error is None:
        assert result.implementation is not None and result.implementation.slack_channel == stored
    else:
        assert error in result.errors["slack_channel"]
