"""What the Reports screen asks for: which report, of which week, month,
owner or implementation; the file name an export suggests; and the
implementations a customer's report may be picked from."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from ps_tui.core.model import Implementation, Role, Status, StoreFile
from ps_tui.core.offerings.customers import CustomerIndex, CustomerRecord
from ps_tui.core.reports.periods import month_name, stepped, week_name

Kind = Literal["weekly", "customer", "monthly"]
#: The report kinds in the order the screen names them.
KINDS: tuple[Kind, ...] = ("weekly", "customer", "monthly")


@dataclass(frozen=True, slots=True)
class ReportChoice:
    """One report as `ps-tui report` would be asked for it: `kind`, the ISO
    week (weekly) or month (monthly), the IE owner (None: everyone) and the
    implementation (customer)."""

    kind: Kind
    week: str
    month: str
    owner: str | None = None
    implementation: str | None = None

    @classmethod
    def of_today(cls, today: dt.date) -> ReportChoice:
        """This week's weekly report, for everyone."""
        return cls("weekly", week_name(today), month_name(today))

    @property
    def period(self) -> str | None:
        """The week or month the report covers; None for a customer's."""
        return {"weekly": self.week, "monthly": self.month}.get(self.kind)

    def step(self, steps: int, today: dt.date) -> ReportChoice | None:
        """The same report of the period `steps` later (earlier when
        negative); None for a customer's report, or when that period has not
        begun or is out of range."""
        if self.kind == "weekly":
            week = stepped("week", self.week, steps, today)
            return None if week is None else replace(self, week=week)
        if self.kind == "monthly":
            month = stepped("month", self.month, steps, today)
            return None if month is None else replace(self, month=month)
        return None

    def file_name(self, extension: str = "md") -> str:
        """What an export suggests: `weekly-2026-W48.md`,
        `weekly-2026-W48-louis-jarvis.md`, `customer-IMP-0026.md`,
        `monthly-2026-11.html`."""
        if self.kind == "customer":
            stem = f"customer-{self.implementation or 'none'}"
        else:
            stem = f"{self.kind}-{self.period}"
            if self.owner:
                stem += f"-{slug(self.owner)}"
        return f"{stem}.{extension}"


def slug(text: str) -> str:
    """`Louis Jarvis` -> `louis-jarvis`: ASCII letters and digits joined by `-`."""
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold())) or "owner"


def owners(data: StoreFile) -> list[str]:
    """Whom a report may be narrowed to, in roster order: the implementation
    engineers, and anyone else who owns an implementation."""
    owning = {impl.ie_owner for impl in data.implementations if impl.ie_owner}
    return [
        member.name
        for member in data.members
        if member.role is Role.IMPLEMENTATION_ENGINEER or member.name in owning
    ]


def _record(impl: Implementation) -> CustomerRecord:
    return CustomerRecord(name=f"{impl.customer} ({impl.id})", source=impl.id)


def implementation_index(implementations: Iterable[Implementation]) -> CustomerIndex:
    """The lookup's search over implementations: each is found by its
    customer's name or its id (`Acme (IMP-0001)`), with the same kinds of
    match, best first, and the fuzzy one last; `source` is the id."""
    return CustomerIndex([_record(impl) for impl in implementations])


#: Which implementations a pick lists before anything is typed: running ones first.
_PICK_ORDER = {
    Status.ACTIVE: 0,
    Status.ON_HOLD: 1,
    Status.PLANNED: 2,
    Status.COMPLETED: 3,
    Status.CANCELLED: 4,
}


def first_choices(implementations: Iterable[Implementation], limit: int) -> list[CustomerRecord]:
    """The `limit` implementations a pick offers before anything is typed:
    active, then on hold, planned, completed and cancelled, by customer."""
    ranked = sorted(
        implementations, key=lambda impl: (_PICK_ORDER[impl.status], impl.customer.casefold(), impl.id)
    )
    return [_record(impl) for impl in ranked[:limit]]


#: The formats a report is written in, by the file name's extension.
EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def format_of(name: str) -> str | None:
    """The format a file name asks for by its extension (any case): md,
    html or json; None for any other."""
    dot = name.rfind(".")
    return None if dot < 0 else EXTENSIONS.get(name[dot:].lower())
