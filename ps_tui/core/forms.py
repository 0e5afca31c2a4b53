"""The implementation edit form: its fields, and turning what was typed into an
Implementation with a message per field for everything wrong.

Parsing uses `core.parse`, and the cross-field rules are those of
`core.validate.check_implementation`, so the form says exactly what the store
would refuse, next to the field to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple, TypeVar

import msgspec

from ps_tui.core.date_rules import check_entry, kickoff_key
from ps_tui.core.model import (
    CUSTOM_PACKAGE,
    IMPLEMENTATION_SERVICES,
    Deployment,
    Engagement,
    Hosting,
    Implementation,
    LabelledEnum,
    Milestone,
    Reference,
    Status,
)
from ps_tui.core.parse import ParseError, parse_amount, parse_count, parse_date
from ps_tui.core.plan import planned, replan_changes
from ps_tui.core.portfolio import prepare
from ps_tui.core.segments import resolve_segment, segment_for_developers
from ps_tui.core.validate import check_implementation

FieldKind = Literal["text", "amount", "count", "date", "choice", "member"]


class Choice(NamedTuple):
    """One option of a choice or member field: the stored value and what to show."""

    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One editable field. `choices` holds the allowed values when they are
    fixed (the enums); `field_choices` gives every choice field's options with
    labels, reading the reference for the segment, package and people."""

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    choices: tuple[str, ...] = ()
    #: A short help text (placeholder or the rule that makes it required).
    hint: str = ""


_ENUMS: dict[str, type[LabelledEnum]] = {
    "engagement": Engagement,
    "deployment": Deployment,
    "hosting": Hosting,
    "status": Status,
}


def _values(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


FORM_FIELDS: tuple[FormField, ...] = (
    FormField("customer", "Customer", "text", required=True),
    FormField("developers", "Developers", "count", hint="number of developers"),
    FormField("segment", "Segment", "choice", hint="blank: from the developer count"),
    FormField("arr", "ARR", "amount", hint="e.g. 150k, $1.2M or 1,200,000"),
    FormField("engagement", "Engagement", "choice", required=True, choices=_values(Engagement)),
    FormField("deployment", "Deployment", "choice", required=True, choices=_values(Deployment)),
    FormField("hosting", "Hosting", "choice", required=True, choices=_values(Hosting)),
    FormField("package", "Package", "choice", required=True),
    FormField("package_hours", "Package hours", "count", hint="required for a custom package"),
    FormField("package_days", "Package days", "count", hint="required for a custom package"),
    FormField("status", "Status", "choice", required=True, choices=_values(Status)),
    FormField("kickoff", "Kickoff", "date", hint="YYYY-MM-DD"),
    FormField("production_ready", "Production ready", "date", hint="YYYY-MM-DD"),
    FormField("ie_owner", "IE owner", "member", hint="required when active"),
    FormField("project_manager", "Project manager", "member"),
    FormField("resident_architect", "Resident architect", "member"),
    FormField("instance_url", "Instance URL", "text", hint="https://..."),
    FormField("slack_channel", "Slack channel", "text", hint="#channel shared with the customer"),
    FormField("notes", "Notes", "text"),
)

_FIELDS = {f.name: f for f in FORM_FIELDS}

#: Where the form reports a problem of a milestone (but the kickoff one's
#: date, which is the kickoff field's): under its milestone editor.
MILESTONES = "milestones"
_LABELS = {**{f.name: f.label for f in FORM_FIELDS}, MILESTONES: "Milestones"}


def field_choices(form_field: FormField, reference: Reference) -> tuple[Choice, ...]:
    """The options of a choice or member field, reference data included
    ("" first where the field may be left empty)."""
    if form_field.name == "segment":
        derived = Choice("", "From developer count")
        return (derived, *(Choice(s.id, s.name) for s in reference.segments))
    if form_field.name == "package":
        packages = [Choice(p.id, p.name) for p in reference.packages if p.offering == IMPLEMENTATION_SERVICES]
        return (*packages, Choice(CUSTOM_PACKAGE, "Custom"))
    if form_field.kind == "member":
        return (Choice("", "—"), *(Choice(m.name, m.name) for m in reference.members))
    kind = _ENUMS.get(form_field.name)
    if kind is not None:
        return tuple(Choice(member.value, member.label) for member in kind)
    return tuple(Choice(value, value) for value in form_field.choices)


@dataclass(frozen=True)
class FormResult:
    """The implementation, or why not: `errors` maps a field name (`MILESTONES`
    for the milestones' problems, or, for a part the form does not edit, a
    store path such as `risks[0].closed`) to a message. `errors` is empty
    exactly when `implementation` is set. `draft` is the implementation as
    far as it could be read (stand-ins where a field failed), prepared as the
    store would keep it: what the form's milestone editor shows."""

    implementation: Implementation | None
    errors: dict[str, str] = field(default_factory=dict)
    draft: Implementation | None = None


T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class _Reader:
    """Reads each field from the typed values, recording the first error per field."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def parsed(self, name: str, parse: Callable[[str], T]) -> T | None:
        """The parsed value; None when blank (an error if required) or bad."""
        text = self.text(name)
        if not text:
            if _FIELDS[name].required:
                self.fail(name, "required")
            return None
        try:
            return parse(text)
        except ParseError as error:
            self.fail(name, str(error))
            return None

    def choice(self, name: str, kind: type[E], default: E) -> E:
        """The enum member named by the field (its value, any case); `default`
        stands in when missing or bad, with the error recorded."""
        text = self.text(name)
        if not text:
            self.fail(name, "required")
            return default
        try:
            return kind(text.lower())
        except ValueError:
            self.fail(name, f"{text!r} is not one of: {', '.join(m.value for m in kind)}")
            return default


def parse_form(
    values: Mapping[str, str],
    reference: Reference,
    base: Implementation | None,
    new_id: str,
    today: dt.date | None = None,
    milestones: list[Milestone] | None = None,
) -> FormResult:
    """The implementation described by the form `values` (field name -> text;
    a missing field counts as blank) and its milestone editor (`milestones`;
    None while it was not used).

    Editing keeps `base`'s id and risks, and its milestones unless the editor
    gives others; a new implementation gets `new_id` and the editor's
    milestones or else the reference milestones, owned by the IE owner and
    planned from the package. A blank segment is derived from the developer
    count. The implementation is what the store would keep
    (`portfolio.prepare`: the kickoff milestone done on the kickoff date).
    Finally the store's own checks run, and given `today` those of data as it
    enters (`check_entry`), and their problems are reported on the fields
    they concern: a milestone's actual date on the kickoff that it follows
    from or contradicts (the editor refuses a wrong one as it is typed, so
    only a change of kickoff makes one wrong), its other problems under the
    milestone editor (`MILESTONES`)."""
    read = _Reader(values)
    customer = read.text("customer")
    if not customer:
        read.fail("customer", "required")
    developers = read.parsed("developers", parse_count)
    segment = _segment(read, reference, developers)
    arr = read.parsed("arr", parse_amount)
    engagement = read.choice("engagement", Engagement, Engagement.PRODUCTION_DEPLOYMENT)
    deployment = read.choice("deployment", Deployment, Deployment.MANAGED_CLOUD)
    hosting = read.choice("hosting", Hosting, Hosting.AWS)
    package = _package(read, reference, base)
    package_hours = read.parsed("package_hours", parse_count)
    package_days = read.parsed("package_days", parse_count)
    status = read.choice("status", Status, Status.PLANNED)
    kickoff = read.parsed("kickoff", parse_date)
    production_ready = read.parsed("production_ready", parse_date)
    members = {m.name for m in reference.members}
    people = {
        name: _member(read, name, members) for name in ("ie_owner", "project_manager", "resident_architect")
    }
    if status is Status.ACTIVE and not read.text("ie_owner"):
        read.fail("ie_owner", "required when status is active")
    instance_url = read.text("instance_url")
    if instance_url and not re.match(r"https?://", instance_url, re.I):
        read.fail("instance_url", "must start with http:// or https://")
    risks = base.risks if base is not None else []
    if milestones is None and base is not None:
        milestones = base.milestones
    elif milestones is None:
        owner = people["ie_owner"]
        owner = owner if owner in members else None  # an unknown owner is reported once, on ie_owner
        milestones = [Milestone(key=m.key, owner=owner) for m in reference.milestones]
    implementation = Implementation(
        id=base.id if base is not None else new_id,
        # Stand-ins where a field failed: the result is then discarded, but the
        # store's checks still run to report problems in the other fields.
        customer=customer or "?",
        segment=segment or "?",
        developers=developers,
        arr=arr,
        engagement=engagement,
        deployment=deployment,
        hosting=hosting,
        package=package or "?",
        package_hours=package_hours,
        package_days=package_days,
        status=status,
        kickoff=kickoff,
        production_ready=production_ready,
        ie_owner=people["ie_owner"],
        project_manager=people["project_manager"],
        resident_architect=people["resident_architect"],
        instance_url=instance_url,
        # Checked with the store's rules below (`validate.channel_problem`).
        slack_channel=read.text("slack_channel") or None,
        notes=read.text("notes"),
        milestones=milestones,
        risks=risks,
    )
    implementation = prepare(reference, implementation, base)
    # A stand-in would only draw a second, misleading message.
    stand_ins = {name for name, value in (("segment", segment), ("package", package)) if value is None}
    problems = check_implementation(implementation, reference)
    if today is not None:
        problems += check_entry(implementation, reference, today, before=base)
    kickoff_milestone = kickoff_key(reference)
    for problem in problems:
        name = re.split(r"[.\[]", problem.path, maxsplit=1)[0]
        if name in stand_ins:
            continue
        if name in _FIELDS:
            read.fail(name, problem.message)
        elif match := re.fullmatch(r"milestones\[(\d+)\]\.actual", problem.path):
            milestone = implementation.milestones[int(match[1])]
            if milestone.key == kickoff_milestone:
                read.fail("kickoff", problem.message)
            else:
                read.fail("kickoff", f"{reference.milestone_name(milestone.key)} done: {problem.message}")
        elif match := re.fullmatch(r"milestones\[(\d+)\]\.(\w+)", problem.path):
            step = reference.milestone_name(implementation.milestones[int(match[1])].key)
            read.fail(MILESTONES, f"{step} {_MILESTONE_PARTS.get(match[2], match[2])}: {problem.message}")
        else:
            read.fail(problem.path, problem.message)
    if read.errors:
        return FormResult(None, read.errors, implementation)
    return FormResult(implementation, {}, implementation)


_MILESTONE_PARTS = {"planned": "planned", "actual": "done on", "owner": "owner", "key": "milestone"}


class Move(NamedTuple):
    """A milestone a re-plan moves: its name, its planned date now and after."""

    key: str
    name: str
    before: dt.date | None
    after: dt.date | None


def replan_moves(
    draft: Implementation, kickoff: dt.date | None, package: str, reference: Reference
) -> list[Move]:
    """What re-planning the form's `draft` from its package would move, when
    its kickoff or package is no longer the `kickoff` and `package` its plan
    was made for (`plan.replan_changes`: only milestones not done yet)."""
    planned_for = msgspec.structs.replace(draft, kickoff=kickoff, package=package)
    keys = replan_changes(planned_for, draft, reference)
    if not keys:
        return []
    new = {m.key: m.planned for m in planned(draft, reference)}
    return [
        Move(m.key, reference.milestone_name(m.key), m.planned, new.get(m.key))
        for m in draft.milestones
        if m.key in keys
    ]


def moves_text(moves: Iterable[Move]) -> str:
    """The moves as lines: `Infrastructure: 2026-11-27 → 2026-12-04`."""
    return "\n".join(
        f"{m.name}: {m.before.isoformat() if m.before else 'none'} → "
        f"{m.after.isoformat() if m.after else 'none'}"
        for m in moves
    )


def _segment(read: _Reader, reference: Reference, developers: int | None) -> str | None:
    text = read.text("segment")
    if text:
        named = resolve_segment(text, reference)
        if named:
            return named[0]
        known = ", ".join(s.id for s in reference.segments)
        read.fail("segment", f"unknown segment {text!r} (known: {known})")
        return None
    if developers is not None:
        found = segment_for_developers(developers, reference)
        if found is None:
            read.fail("segment", f"no segment covers {developers} developers; choose one")
            return None
        return found.id
    if not read.text("developers"):
        read.fail("segment", "give a segment or a developer count")
    return None


def _package(read: _Reader, reference: Reference, base: Implementation | None) -> str | None:
    text = read.text("package")
    if not text:
        read.fail("package", "required")
        return None
    allowed = [p.id for p in reference.packages if p.offering == IMPLEMENTATION_SERVICES]
    allowed.append(CUSTOM_PACKAGE)
    # An implementation already on another package may keep it.
    if base is not None and base.package not in allowed:
        allowed.append(base.package)
    if text.lower() in allowed:
        return text.lower()
    if text in allowed:
        return text
    read.fail("package", f"{text!r} is not one of: {', '.join(allowed)}")
    return None


def _member(read: _Reader, name: str, members: set[str]) -> str | None:
    text = read.text(name)
    if not text:
        return None
    if text not in members:
        read.fail(name, f"unknown team member {text!r}")
    return text


@dataclass(frozen=True)
class Rebased:
    """The form's text once the implementation it edits changed on disk:
    `values` to show, `taken` the fields the user had not touched that now
    show the new version, `differ` those the user changed to something other
    than what the new version has there (the user's text is kept)."""

    values: dict[str, str]
    taken: tuple[str, ...]
    differ: tuple[str, ...]


def rebase(typed: Mapping[str, str], base: Mapping[str, str], fresh: Mapping[str, str]) -> Rebased:
    """Move the form's `typed` text from the version it was opened on (`base`,
    as the form showed it) to `fresh`: a field the user left as it was takes
    the fresh text, a field the user changed keeps what they typed."""
    values: dict[str, str] = {}
    taken: list[str] = []
    differ: list[str] = []
    for name in _FIELDS:
        mine, before, now = typed.get(name, ""), base.get(name, ""), fresh.get(name, "")
        if mine == before:
            values[name] = now
            if now != before:
                taken.append(name)
        else:
            values[name] = mine
            if now not in (before, mine):
                differ.append(name)
    return Rebased(values, tuple(taken), tuple(differ))


def field_labels(names: Iterable[str]) -> str:
    """The labels of the fields `names`, as a list in words."""
    return ", ".join(_LABELS.get(name, name) for name in names)


def blank_form(reference: Reference) -> dict[str, str]:
    """The form's text for a new implementation: blank, with the first choice
    preselected where the field cannot be blank."""
    values = dict.fromkeys(_FIELDS, "")
    for form_field in FORM_FIELDS:
        if form_field.required and form_field.kind == "choice":
            choices = field_choices(form_field, reference)
            values[form_field.name] = choices[0].value if choices else ""
    return values


def _text_of(value: int | dt.date | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def form_values(impl: Implementation) -> dict[str, str]:
    """The form's text for an existing implementation (amounts as plain
    digits, dates as YYYY-MM-DD); `parse_form` of it gives `impl` back."""
    return {
        "customer": impl.customer,
        "developers": _text_of(impl.developers),
        "segment": impl.segment,
        "arr": _text_of(impl.arr),
        "engagement": impl.engagement.value,
        "deployment": impl.deployment.value,
        "hosting": impl.hosting.value,
        "package": impl.package,
        "package_hours": _text_of(impl.package_hours),
        "package_days": _text_of(impl.package_days),
        "status": impl.status.value,
        "kickoff": _text_of(impl.kickoff),
        "production_ready": _text_of(impl.production_ready),
        "ie_owner": impl.ie_owner or "",
        "project_manager": impl.project_manager or "",
        "resident_architect": impl.resident_architect or "",
        "instance_url": impl.instance_url,
        "slack_channel": impl.slack_channel or "",
        "notes": impl.notes,
    }


__all__ = [
    "FORM_FIELDS",
    "MILESTONES",
    "Choice",
    "FormField",
    "FormResult",
    "Move",
    "Rebased",
    "blank_form",
    "field_choices",
    "field_labels",
    "form_values",
    "moves_text",
    "parse_form",
    "rebase",
    "replan_moves",
]
