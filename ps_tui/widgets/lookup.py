"""The Offerings lookup's answer, the related rules and an offering's details.

Presentation only: each widget draws an `Answer` (or the reference data)
that `core.offerings` computed, and does no IO.
"""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from ps_tui.core.model import DiscountStatus, Offering, Reference
from ps_tui.core.offerings import (
    MANDATORY_OFFERING,
    MANDATORY_RULE,
    Answer,
    NoteKind,
    arr_range,
    package_summary,
    slack_summary,
)
from ps_tui.core.parse import format_arr, format_count

DISCOUNT_STYLES = {
    DiscountStatus.AVAILABLE: "bold $text-success",
    DiscountStatus.UNAVAILABLE: "bold $text-error",
    DiscountStatus.NOT_APPLICABLE: "bold $text-muted",
}
UNDECIDED_STYLE = "bold $text-warning"
#: Notes that other rows show: the matched customer, and the ARR by the discount.
SHOWN_ELSEWHERE = (NoteKind.CUSTOMER, NoteKind.DISCOUNT)

#: The rows of the answer grid, in order: (key, label).
ROWS = (
    ("customer", "Customer"),
    ("segment", "Segment"),
    ("buy", "May buy"),
    ("not", "May not"),
    ("discount", "Discount"),
    ("approval", "Approval"),
    ("notes", "Notes"),
)


def _names(offerings: list[Offering]) -> str:
    return ", ".join(o.name for o in offerings)


class LookupAnswer(Vertical):
    """The answer to a lookup, one labelled row per part, or a message when
    there is no answer (nothing typed yet, or why it cannot be answered)."""

    DEFAULT_CSS = """
    LookupAnswer {
        height: auto;
        padding: 0 1;
    }
    LookupAnswer > #answer-message {
        color: $text-muted;
        height: auto;
    }
    LookupAnswer > #answer-grid {
        grid-size: 2;
        grid-columns: 9 1fr;
        grid-gutter: 0 1;
        height: auto;
    }
    LookupAnswer .answer-label {
        color: $text-muted;
        text-style: bold;
    }
    LookupAnswer .answer-value {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="answer-message")
        with Grid(id="answer-grid"):
            for key, label in ROWS:
                yield Static(label, id=f"answer-label-{key}", classes="answer-label")
                yield Static("", id=f"answer-{key}", classes="answer-value")

    def on_mount(self) -> None:
        self.query_one("#answer-grid").display = False

    def _row(self, key: str, content: Content | None) -> None:
        shown = content is not None and bool(content.plain)
        self.query_one(f"#answer-label-{key}").display = shown
        value = self.query_one(f"#answer-{key}", Static)
        value.display = shown
        if content is not None:
            value.update(content)

    def show_message(self, message: Content | str) -> None:
        """No answer: say why (or how to ask)."""
        note = self.query_one("#answer-message", Static)
        note.update(message)
        note.display = True
        self.query_one("#answer-grid").display = False

    def show(self, answer: Answer, reference: Reference) -> None:
        self.query_one("#answer-message").display = False
        self.query_one("#answer-grid").display = True
        self._row("customer", customer_summary(answer, reference) if answer.customer else None)
        self._row(
            "segment",
            Content.from_markup(
                "[bold $text-accent]$name[/] [$text-muted]· $why[/]",
                name=answer.segment.name,
                why=answer.segment_reason,
            ),
        )
        self._row(
            "buy",
            Content.from_markup("[$text-success]✓[/] $names", names=_names(answer.eligible))
            if answer.eligible
            else Content.from_markup("[$text-error]nothing[/] in this segment"),
        )
        self._row(
            "not",
            Content.from_markup("[$text-error]✗[/] $names", names=_names(answer.ineligible))
            if answer.ineligible
            else Content(""),
        )
        self._row("discount", discount_summary(answer, reference))
        self._row("approval", Content(answer.discount.approval))
        notes = [
            Content.from_markup("[$text-warning]⚠ $note[/]", note=note.text)
            if note.kind is NoteKind.CONFLICT
            else Content.from_markup("[$text-muted]•[/] $note", note=note.text)
            for note in answer.notes
            if note.kind not in SHOWN_ELSEWHERE
        ]
        self._row("notes", Content("\n").join(notes) if notes else None)


def discount_summary(answer: Answer, reference: Reference) -> Content:
    """The discount, the rule that decided it and the ARR it used; or, with
    the ARR unknown, what each possible ARR would decide."""
    discount = answer.discount
    if not discount.decided:
        lines = [Content.from_markup("$label: ARR unknown; give it (e.g. 150k)", label=discount.label)]
        lines += [
            Content.from_markup(
                f"[$text-muted]$arr:[/] [{DISCOUNT_STYLES[rule.status]}]$status[/]",
                arr=f"{reference.segment_name(rule.segment)} {arr_range(rule, reference)}",
                status=rule.status.label,
            )
            for rule in discount.candidates
        ]
        return Content("\n").join(lines).stylize(UNDECIDED_STYLE, 0, len(discount.label))
    line = Content.from_markup(
        f"[{DISCOUNT_STYLES[discount.status]}]$label[/] [$text-muted]·[/] $rule",
        label=discount.label,
        rule=discount.rule,
    )
    if discount_note := answer.note(NoteKind.DISCOUNT):
        line = Content.assemble(line, Content.from_markup(" [$text-muted]· $note[/]", note=discount_note))
    return line


class RelatedRules(Horizontal):
    """The rules around the answer: the discount table (the deciding rule
    marked), the Slack support each offering includes, and the packages; an
    offering the answered segment may not buy is dimmed."""

    DEFAULT_CSS = """
    RelatedRules {
        height: auto;
    }
    RelatedRules > Static {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="related-discounts")
        yield Static("", id="related-slack")
        yield Static("", id="related-packages")

    def show(self, reference: Reference, answer: Answer | None) -> None:
        eligible = {o.id for o in answer.eligible} if answer is not None else None
        segment_id = answer.segment.id if answer is not None else None

        def mark(offering_id: str) -> str:
            if eligible is None:
                return ""
            return "[$text-success]✓[/] " if offering_id in eligible else "[$text-error]✗[/] "

        def dim(offering_id: str) -> bool:
            return eligible is not None and offering_id not in eligible

        deciding = set()
        if answer is not None:
            if answer.discount.matched is not None:
                deciding.add(id(answer.discount.matched))
            deciding.update(id(rule) for rule in answer.discount.candidates)
        lines = [
            Content.from_markup("[bold $text-accent]Discount rules[/] [$text-muted](first match wins)[/]")
        ]
        width = max((len(reference.segment_name(r.segment)) for r in reference.discounts.rules), default=0)
        for rule in reference.discounts.rules:
            here = id(rule) in deciding
            other = segment_id is not None and rule.segment != segment_id
            pointer = "[$text-accent]▸[/]" if here else " "
            line = Content.from_markup(
                f"{pointer} $segment $arr [{DISCOUNT_STYLES[rule.status]}]$status[/]",
                segment=reference.segment_name(rule.segment).ljust(width),
                arr=arr_range(rule, reference).ljust(13),
                status=rule.status.label,
            )
            lines.append(line.stylize("dim") if other else line)
        if reference.discounts.approval:
            # Wrapped to the table's width: the column is as wide as its
            # longest line, and the rules should set it.
            table_width = max(line.cell_length for line in lines)
            for part in textwrap.wrap(reference.discounts.approval, max(table_width, 30)):
                lines.append(Content.from_markup("[$text-muted]$text[/]", text=part))
        self.query_one("#related-discounts", Static).update(Content("\n").join(lines))

        lines = [Content.from_markup("[bold $text-accent]Slack support[/]")]
        for offering, slack in slack_summary(reference):
            line = Content.from_markup(
                f"{mark(offering.id)}[b]$name[/b]: $slack", name=offering.name, slack=slack
            )
            lines.append(line.stylize("dim") if dim(offering.id) else line)
        self.query_one("#related-slack", Static).update(Content("\n").join(lines))

        lines = [Content.from_markup("[bold $text-accent]Packages[/]")]
        for offering_id, name, hours in package_summary(reference):
            line = Content.from_markup(f"{mark(offering_id)}[b]$name[/b]: $hours", name=name, hours=hours)
            lines.append(line.stylize("dim") if dim(offering_id) else line)
        if any(o.id == MANDATORY_OFFERING for o in reference.offerings) and not (
            answer is not None and answer.mandatory_implementation
        ):
            lines.append(Content.from_markup("[$text-muted]$rule[/]", rule=MANDATORY_RULE))
        self.query_one("#related-packages", Static).update(Content("\n").join(lines))


def customer_summary(answer: Answer, reference: Reference) -> Content:
    """The matched customer's record: what the answer was built on."""
    customer = answer.customer
    if customer is None:
        return Content("")
    facts = []
    if customer.segment:
        facts.append(f"stored {reference.segment_name(customer.segment)}")
    # Unknown is shown as unknown, never left out: it is why an answer may be undecided.
    facts.append(f"{format_count(customer.developers)} developers")
    facts.append(f"{format_arr(customer.arr)} ARR")
    if customer.describe_deployment():
        facts.append(customer.describe_deployment())
    line = Content.from_markup(
        "[b]$name[/b] [$text-muted]· $facts[/]", name=customer.name, facts=" · ".join(facts)
    )
    if answer.alternatives:
        also = Content.from_markup(
            "\n[$text-muted]also matches: $names[/]", names=", ".join(answer.alternatives)
        )
        line = Content.assemble(line, also)
    return line


def offering_details(offering: Offering, answer: Answer | None, reference: Reference) -> Content:
    """One offering: whether the answered segment may buy it, which segments
    may, its description and the Slack support it includes."""
    segments = ", ".join(reference.segment_name(s) for s in offering.segments) or "no segment"
    head = Content.from_markup(
        "[b]$name[/b] [$text-muted]· $segments[/]", name=offering.name, segments=segments
    )
    if answer is not None:
        verdict = (
            Content.from_markup("[$text-success]✓ $segment may buy it[/]", segment=answer.segment.name)
            if offering.id in {o.id for o in answer.eligible}
            else Content.from_markup("[$text-error]✗ $segment may not buy it[/]", segment=answer.segment.name)
        )
        head = Content.assemble(head, " · ", verdict)
    parts = [head]
    if offering.description:
        parts.append(Content(offering.description))
    if offering.slack_support:
        parts.append(Content.from_markup("[$text-muted]Slack:[/] $slack", slack=offering.slack_support))
    return Content("\n").join(parts)
