"""Who carries what: each member's active implementations and weekly hours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ps_tui.core.model import CUSTOM_PACKAGE, Implementation, Member, Reference, Role, Status, StoreFile
from ps_tui.core.text import folded

#: Roles in the order the Team screen lists them.
ROLE_ORDER = (Role.IMPLEMENTATION_ENGINEER, Role.PROJECT_MANAGER, Role.RESIDENT_ARCHITECT, Role.MANAGER)
ROLE_TITLES = {
    Role.IMPLEMENTATION_ENGINEER: "Engineers (IE)",
    Role.PROJECT_MANAGER: "Project managers",
    Role.RESIDENT_ARCHITECT: "Architects (RA)",
    Role.MANAGER: "Manager",
}


@dataclass(frozen=True)
class MemberLoad:
    """One member's share of the active implementations this week."""

    member: Member
    #: Active implementations where the member is IE owner, project manager,
    #: resident architect (each counted once, whatever the roles).
    active: int
    owned: int
    managed: int
    advised: int
    weekly_hours: float

    @property
    def share(self) -> float | None:
        """Weekly hours over capacity (1.0 = full); None without a capacity."""
        capacity = self.member.capacity_hours
        return self.weekly_hours / capacity if capacity else None


def package_weekly_hours(impl: Implementation, reference: Reference) -> float:
    """An implementation's IE hours per week: its package's hours spread over
    the package's timebox (0 when the package has no timebox)."""
    if impl.package == CUSTOM_PACKAGE:
        hours, days = impl.package_hours, impl.package_days
    else:
        package = reference.package(impl.package)
        hours, days = (package.hours, package.timebox_days) if package else (None, None)
    if not hours or not days:
        return 0.0
    return hours / (days / 7)


def team_load(data: StoreFile) -> list[MemberLoad]:
    """Every member's load, in roster order within `ROLE_ORDER`."""
    ra_package = data.package(data.load.ra_package)
    ra_weekly = ra_package.hours / 52 if ra_package else 0.0
    tally: dict[str, list[float]] = {m.name: [0, 0, 0, 0.0] for m in data.members}
    people: dict[str, set[str]] = {m.name: set() for m in data.members}
    for impl in data.implementations:
        if impl.status is not Status.ACTIVE:
            continue
        weekly = package_weekly_hours(impl, data)
        for index, (name, hours) in enumerate(
            (
                (impl.ie_owner, weekly),
                (impl.project_manager, weekly * data.load.pm_share),
                (impl.resident_architect, ra_weekly),
            )
        ):
            if name in tally:
                tally[name][index] += 1
                tally[name][3] += hours
                people[name].add(impl.id)
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    members = sorted(data.members, key=lambda m: order.get(m.role, len(order)))
    return [
        MemberLoad(
            member=m,
            active=len(people[m.name]),
            owned=int(tally[m.name][0]),
            managed=int(tally[m.name][1]),
            advised=int(tally[m.name][2]),
            weekly_hours=tally[m.name][3],
        )
        for m in members
    ]


def not_a_member(name: str, members: Sequence[Member]) -> str | None:
    """Why `name` is not one of `members` (None when it is): the known
    names, and the one meant when only the case or spacing differs."""
    names = [member.name for member in members]
    if name in names:
        return None
    meant = next((known for known in names if folded(known) == folded(name)), None)
    hint = f"; did you mean {meant!r}?" if meant else "."
    known = ", ".join(names) if names else "none (the store has no [[members]])"
    return f"{name!r} is not a team member{hint} Known: {known}."


def load_explanation(data: Reference) -> str:
    """How the weekly hours are counted, in the store's own numbers and
    names (the Team screen and `ps-tui team` say it alike)."""
    package = data.package(data.load.ra_package)
    ra = f"the {package.name} package's" if package is not None else "no package's (none is set)"
    return (
        "Hours/wk: each active implementation's package hours over its timebox for its IE owner, "
        f"{data.load.pm_share:.0%} of that for its project manager, and {ra} yearly hours "
        "over 52 weeks for its resident architect."
    )


class LoadBand(StrEnum):
    """How full a member's week is: the word beside the load bar."""

    OK = "ok"
    BUSY = "busy"
    OVER = "over"


#: A week is busy from this share of capacity, and over above `FULL_SHARE`.
BUSY_SHARE = 0.8
FULL_SHARE = 1.0


def load_band(share: float) -> LoadBand:
    """The band of a share of capacity (1.0 = full): under 80% ok, up to
    100% busy, above that over."""
    if share < BUSY_SHARE:
        return LoadBand.OK
    return LoadBand.BUSY if share <= FULL_SHARE else LoadBand.OVER
