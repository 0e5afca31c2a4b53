"""The answer to a lookup, and the document `ps-tui lookup --json` prints
and `GET /api/v1/lookup` returns (one msgspec struct, encoded by both)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import msgspec

from ps_tui.core.model import DiscountRule, DiscountStatus, Offering, Segment
from ps_tui.core.offerings.customers import CustomerRecord
from ps_tui.core.offerings.parsing import LookupInput


class LookupOffering(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    eligible: bool


class LookupDiscountStatus(enum.StrEnum):
    """A lookup's discount: a rule's status when one decides, or that it
    depends on an ARR nobody gave (never `unavailable`, which is a definite no)."""

    NOT_APPLICABLE = DiscountStatus.NOT_APPLICABLE.value
    UNAVAILABLE = DiscountStatus.UNAVAILABLE.value
    AVAILABLE = DiscountStatus.AVAILABLE.value
    DEPENDS_ON_ARR = "depends_on_arr"


class LookupDiscount(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    #: `depends_on_arr` when the ARR is not known and would decide: `rule`
    #: then names the rules it would choose between.
    status: LookupDiscountStatus
    rule: str
    approval: str


class LookupCustomer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The customer a lookup matched, so a script can check who it was."""

    name: str
    #: The implementation whose record the answer used (the customer's latest).
    id: str


class LookupDocument(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One lookup's answer: exactly what `ps-tui lookup --json` prints and
    `GET /api/v1/lookup` returns."""

    #: The customer matched; None when the lookup named none.
    customer: LookupCustomer | None
    segment: str
    segment_reason: str
    offerings: list[LookupOffering]
    discount: LookupDiscount
    #: The answer's notes, conflicts first.
    notes: list[str]


class NoteKind(enum.Enum):
    """What a note is about, which decides where the screen shows it."""

    #: A disagreement between the inputs, and which one the answer uses.
    CONFLICT = "conflict"
    #: Which customer the typed text matched (the screen shows the customer).
    CUSTOMER = "customer"
    #: The ARR the discount used or needs (the screen shows it by the discount).
    DISCOUNT = "discount"
    #: Anything else that applies.
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Note:
    kind: NoteKind
    text: str
    #: False for a note that only the discount line shows: when the ARR given
    #: disagrees with the record, the conflict already says which ARR was used.
    listed: bool = True


@dataclass(frozen=True, slots=True)
class OfferingAnswer:
    offering: Offering
    eligible: bool


@dataclass(frozen=True, slots=True)
class DiscountAnswer:
    status: DiscountStatus
    #: The deciding rule's label, or what the decision waits for.
    rule: str
    #: The approval note when a discount is (or may be) possible, else "".
    approval: str
    #: False when the ARR is needed and not known (status is then conservative).
    decided: bool = True
    #: The rule that decided, when one did.
    matched: DiscountRule | None = None
    #: The rules the ARR would choose between, when it is not known.
    candidates: tuple[DiscountRule, ...] = ()

    @property
    def label(self) -> str:
        """`Discounting available`, ..., or `Depends on the ARR` when undecided."""
        return self.status.label if self.decided else "Depends on the ARR"


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything the screen shows and the CLI prints for one lookup."""

    input: LookupInput
    segment: Segment
    segment_reason: str
    offerings: tuple[OfferingAnswer, ...]
    discount: DiscountAnswer
    #: Every note once, with its kind: conflicts first, then what else applies.
    notes: tuple[Note, ...]
    #: The customer the lookup matched, if any.
    customer: CustomerRecord | None = None
    #: The ARR the discount used, and where it came from ("as given", "from X's record").
    arr: int | None = None
    arr_source: str = ""
    #: Non-fatal problems (an unmatched customer text when other input decided).
    problems: tuple[str, ...] = ()
    #: Other customers the text also matched, best first.
    alternatives: tuple[str, ...] = ()
    #: Whether Implementation Services is mandatory for this customer.
    mandatory_implementation: bool = False

    @property
    def eligible(self) -> list[Offering]:
        return [o.offering for o in self.offerings if o.eligible]

    @property
    def ineligible(self) -> list[Offering]:
        return [o.offering for o in self.offerings if not o.eligible]

    @property
    def title(self) -> str:
        """`Initech: Enterprise`, or just the segment."""
        if self.customer is not None:
            return f"{self.customer.name}: {self.segment.name}"
        return self.segment.name

    @property
    def listed_notes(self) -> tuple[str, ...]:
        """The notes the JSON and the text answer list, in order."""
        return tuple(note.text for note in self.notes if note.listed)

    @property
    def conflicts(self) -> tuple[str, ...]:
        """The notes that report a disagreement between inputs."""
        return tuple(note.text for note in self.notes if note.kind is NoteKind.CONFLICT)

    def note(self, kind: NoteKind) -> str:
        """The first note of `kind` (listed or not), or ""."""
        return next((note.text for note in self.notes if note.kind is kind), "")

    def document(self) -> LookupDocument:
        """What `ps-tui lookup --json` prints and the server returns."""
        discount = self.discount
        status = (
            LookupDiscountStatus(discount.status.value)
            if discount.decided
            else LookupDiscountStatus.DEPENDS_ON_ARR
        )
        customer = self.customer
        return LookupDocument(
            customer=None if customer is None else LookupCustomer(name=customer.name, id=customer.source),
            segment=self.segment.name,
            segment_reason=self.segment_reason,
            offerings=[LookupOffering(name=o.offering.name, eligible=o.eligible) for o in self.offerings],
            discount=LookupDiscount(status=status, rule=discount.rule, approval=discount.approval),
            notes=list(self.listed_notes),
        )

    def to_json(self) -> dict[str, object]:
        """`document()` as plain JSON values."""
        built: dict[str, object] = msgspec.to_builtins(self.document())
        return built

    def to_text(self) -> str:
        """A short plain-text answer, for the clipboard or a terminal."""
        names = ", ".join(o.name for o in self.eligible) or "nothing"
        not_names = ", ".join(o.name for o in self.ineligible) or "nothing"
        discount = f"Discount: {self.discount.label} ({self.discount.rule})."
        if self.discount.approval:
            discount += f" {self.discount.approval}"
        lines = [
            f"{self.title} ({self.segment_reason})",
            f"May buy: {names}",
            f"May not buy: {not_names}",
            discount,
            *(f"Note: {note}" for note in self.listed_notes),
        ]
        return "\n".join(lines)
