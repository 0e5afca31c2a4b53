"""A lookup made of separate values (the CLI's flags, the server's query
parameters): their shared checks and messages, then the decision."""

from __future__ import annotations

from ps_tui.core.model import Reference
from ps_tui.core.offerings.answer import Answer
from ps_tui.core.offerings.customers import CustomerIndex
from ps_tui.core.offerings.decide import lookup
from ps_tui.core.offerings.parsing import LookupInput, parse_developers, parse_segment
from ps_tui.core.offerings.rules import LookupProblem
from ps_tui.core.parse import ParseError, parse_amount


def answer_request(
    data: Reference,
    index: CustomerIndex,
    customer: str | None,
    segment: str | None,
    developers: str | None,
    arr: str | None,
) -> Answer:
    """The answer to a request made of separate values (the CLI's flags, the
    server's query parameters), with their shared checks and messages.

    Raises LookupProblem for what must not be answered: nothing to look up,
    ARR alone, a value that does not parse, or a customer not found (a script
    must never get an answer for a customer it did not ask about)."""
    customer = " ".join(customer.split()) if customer else None
    if customer is None and segment is None and developers is None and arr is None:
        raise LookupProblem("nothing to look up: give a CUSTOMER, --segment, --developers and/or --arr")
    if customer is None and segment is None and developers is None:
        raise LookupProblem(
            "--arr alone does not decide the segment: add a CUSTOMER, --segment or --developers"
        )
    try:
        segment_id = parse_segment(segment, data) if segment is not None else None
    except ParseError as problem:
        raise LookupProblem(f"--segment: {problem}") from None
    try:
        count = parse_developers(developers) if developers is not None else None
    except ParseError as problem:
        raise LookupProblem(f"--developers: {problem}") from None
    try:
        amount = parse_amount(arr) if arr is not None else None
    except ParseError as problem:
        raise LookupProblem(f"--arr: {problem}") from None
    answer = lookup(
        LookupInput(customer=customer, segment=segment_id, developers=count, arr=amount), data, index
    )
    if answer.problems:
        raise LookupProblem("; ".join(answer.problems))
    return answer
