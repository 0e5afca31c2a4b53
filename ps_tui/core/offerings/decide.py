"""The decision: the segment (and why), eligibility, the discount and the
notes, from an explicit `LookupInput`."""

from __future__ import annotations

from ps_tui.core.model import DiscountRule, DiscountStatus, Reference, Segment
from ps_tui.core.offerings.answer import Answer, DiscountAnswer, Note, NoteKind, OfferingAnswer
from ps_tui.core.offerings.customers import EXACT, CustomerIndex, CustomerRecord
from ps_tui.core.offerings.parsing import LookupInput
from ps_tui.core.offerings.rules import (
    LOOKUP_HELP,
    MANDATORY_OFFERING,
    LookupProblem,
    developer_count,
    money,
    possessive,
)
from ps_tui.core.segments import developer_range, resolve_segment, segment_for_developers


def lookup(
    query: LookupInput,
    reference: Reference,
    customers: CustomerIndex | None = None,
) -> Answer:
    """Answer a lookup. Raises LookupProblem when nothing was given, when the
    customer text matches no customer and nothing else decides the segment,
    or when no segment can be decided."""
    if query.is_empty:
        raise LookupProblem(f"nothing to look up: give {LOOKUP_HELP}")
    customer: CustomerRecord | None = None
    alternatives: tuple[str, ...] = ()
    discount_note = ""
    problems: list[str] = []
    notes: list[Note] = []
    conflicts: list[Note] = []
    if query.customer is not None:
        matches = customers.search(query.customer) if customers is not None else []
        if matches:
            customer = matches[0].record
            alternatives = tuple(m.record.name for m in matches[1:4])
            if matches[0].kind != EXACT:
                also = f"; also matches {', '.join(alternatives)}" if alternatives else ""
                matched = f"Customer {query.customer!r} matched {customer.name}{also}."
                notes.append(Note(NoteKind.CUSTOMER, matched))
        else:
            problems.append(f"no customer matches {query.customer!r}")

    segment, reason = _decide_segment(query, reference, customer, conflicts, notes, problems)

    offerings = tuple(OfferingAnswer(o, segment.id in o.segments) for o in reference.offerings)

    arr, arr_source, arr_conflict = query.arr, "as given", False
    if arr is None and customer is not None and customer.arr is not None:
        arr, arr_source = customer.arr, f"from {possessive(customer.name)} record"
    elif arr is not None and customer is not None and customer.arr is not None and customer.arr != arr:
        arr_conflict = True
        conflicts.append(
            _conflict(
                f"Conflict: ARR given as {money(arr)}, but {possessive(customer.name)} record says "
                f"{money(customer.arr)}: the answer uses {money(arr)}."
            )
        )
    if arr is None:
        arr_source = ""
    discount = decide_discount(segment, arr, reference)
    if not discount.decided:
        # Never decided as if the ARR were 0: say that it is unknown, and why.
        options = "; ".join(f"{rule.label} -> {rule.status.label.lower()}" for rule in discount.candidates)
        unknown = "ARR unknown"
        if customer is not None:
            unknown += f": {possessive(customer.name)} record has none"
        discount_note = (
            f"{unknown}. The {segment.name} discount depends on the ARR: {options}. Give the ARR (e.g. 150k)."
        )
    elif discount.matched is not None and _depends_on_arr(segment.id, reference) and arr is not None:
        discount_note = f"ARR {money(arr)}, {arr_source}."
    elif discount.matched is None:
        discount_note = f"The store has no discount rule for {segment.name}: no discount can be offered."
    # An ARR conflict already says which ARR was used: not twice in the notes.
    if discount_note:
        notes.append(Note(NoteKind.DISCOUNT, discount_note, listed=not arr_conflict))

    mandatory = False
    if customer is not None and customer.self_hosted_kubernetes:
        mandatory = True
        how = customer.describe_deployment()
        note = f"Implementation Services is mandatory for {customer.name}: self-hosted ({how})"
        service = next((o for o in offerings if o.offering.id == MANDATORY_OFFERING), None)
        if service is not None and not service.eligible:
            note += f", but {segment.name} may not buy it: raise this with PS leadership"
        notes.append(Note(NoteKind.OTHER, note + "."))

    return Answer(
        input=query,
        segment=segment,
        segment_reason=reason,
        offerings=offerings,
        discount=discount,
        notes=tuple(conflicts + notes),
        customer=customer,
        arr=arr,
        arr_source=arr_source,
        problems=tuple(problems),
        alternatives=alternatives,
        mandatory_implementation=mandatory,
    )


def _decide_segment(
    query: LookupInput,
    reference: Reference,
    customer: CustomerRecord | None,
    conflicts: list[Note],
    notes: list[Note],
    problems: list[str],
) -> tuple[Segment, str]:
    """The segment and the reason, most explicit input first; every
    disagreement goes into `conflicts`."""
    by_developers = None
    if query.developers is not None:
        by_developers = segment_for_developers(query.developers, reference)
    stored = reference.segment(customer.segment) if customer is not None and customer.segment else None

    if query.segment is not None:
        # An id, or (for callers that pass what was typed) a name or alias.
        words = resolve_segment(query.segment, reference)
        segment = reference.segment(query.segment) or (reference.segment(words[0]) if words else None)
        if segment is None:
            known = ", ".join(s.id for s in reference.segments)
            raise LookupProblem(f"unknown segment {query.segment!r}; use one of {known}")
        reason = f"segment given: {segment.name}"
        if query.developers is not None and by_developers is not None and by_developers.id != segment.id:
            conflicts.append(
                _conflict(
                    f"Conflict: {developer_count(query.developers)} would be {by_developers.name}, "
                    f"but the segment was given as {segment.name}: the answer uses {segment.name}."
                )
            )
        if stored is not None and customer is not None and stored.id != segment.id:
            conflicts.append(
                _conflict(
                    f"Conflict: {customer.name} is stored as {stored.name}, "
                    f"but the segment was given as {segment.name}: the answer uses {segment.name}."
                )
            )
        return segment, reason

    if query.developers is not None:
        if by_developers is None:
            ranges = ", ".join(f"{s.name} {developer_range(s)}" for s in reference.segments)
            raise LookupProblem(
                f"no segment covers {developer_count(query.developers)} (segments: {ranges or 'none'})"
            )
        reason = (
            f"{developer_count(query.developers)} -> {by_developers.name} ({developer_range(by_developers)})"
        )
        if stored is not None and customer is not None and stored.id != by_developers.id:
            conflicts.append(
                _conflict(
                    f"Conflict: {customer.name} is stored as {stored.name}, "
                    f"but {developer_count(query.developers)} -> {by_developers.name}: "
                    "the answer uses the developer count given."
                )
            )
        return by_developers, reason

    if customer is not None:
        if stored is None:
            raise LookupProblem(
                f"{possessive(customer.name)} record has segment {customer.segment!r}, "
                "which the store does not define; give a segment or a developer count"
            )
        reason = f"{customer.name} is stored as {stored.name}"
        if customer.developers is not None:
            reason += f" ({developer_count(customer.developers)})"
            would_be = segment_for_developers(customer.developers, reference)
            if would_be is not None and would_be.id != stored.id:
                notes.append(
                    Note(
                        NoteKind.OTHER,
                        f"{possessive(customer.name)} record has "
                        f"{developer_count(customer.developers)}, which would be {would_be.name}: "
                        f"the answer uses the stored segment, {stored.name}.",
                    )
                )
        return stored, reason

    if problems:
        raise LookupProblem(problems[0])
    raise LookupProblem(
        "an ARR alone does not decide the segment: add a customer, a segment (smb, mm, ent, strat) "
        "or a developer count (1200 devs)"
    )


def _depends_on_arr(segment_id: str, reference: Reference) -> bool:
    return any(
        rule.segment == segment_id and (rule.arr_above is not None or rule.arr_at_most is not None)
        for rule in reference.discounts.rules
    )


def rule_matches(rule: DiscountRule, arr: int) -> bool:
    """`arr_above < arr <= arr_at_most`, each bound optional."""
    above_ok = rule.arr_above is None or arr > rule.arr_above
    below_ok = rule.arr_at_most is None or arr <= rule.arr_at_most
    return above_ok and below_ok


def decide_discount(segment: Segment, arr: int | None, reference: Reference) -> DiscountAnswer:
    """The first rule for `segment` that matches `arr` decides. With no ARR,
    the rules up to the first one without ARR bounds are the candidates: when
    they all agree that is the answer, else it is conservative (unavailable)
    and undecided."""
    approval = reference.discounts.approval
    rules = [rule for rule in reference.discounts.rules if rule.segment == segment.id]
    if arr is not None:
        for rule in rules:
            if rule_matches(rule, arr):
                ok = rule.status is DiscountStatus.AVAILABLE
                return DiscountAnswer(rule.status, rule.label, approval if ok else "", matched=rule)
        return DiscountAnswer(
            DiscountStatus.UNAVAILABLE, f"no {segment.name} discount rule covers {money(arr)} ARR", ""
        )
    candidates: list[DiscountRule] = []
    for rule in rules:
        candidates.append(rule)
        if rule.arr_above is None and rule.arr_at_most is None:
            break
    if not candidates:
        return DiscountAnswer(DiscountStatus.UNAVAILABLE, f"no discount rule for {segment.name}", "")
    first = candidates[0]
    if len(candidates) == 1 and first.arr_above is None and first.arr_at_most is None:
        ok = first.status is DiscountStatus.AVAILABLE
        return DiscountAnswer(first.status, first.label, approval if ok else "", matched=first)
    statuses = {rule.status for rule in candidates}
    if len(statuses) == 1 and (candidates[-1].arr_above is None and candidates[-1].arr_at_most is None):
        status = first.status
        label = " / ".join(rule.label for rule in candidates)
        ok = status is DiscountStatus.AVAILABLE
        return DiscountAnswer(status, label, approval if ok else "", matched=first)
    possible = any(rule.status is DiscountStatus.AVAILABLE for rule in candidates)
    return DiscountAnswer(
        DiscountStatus.UNAVAILABLE,
        f"ARR needed: {' / '.join(rule.label for rule in candidates)}",
        approval if possible else "",
        decided=False,
        candidates=tuple(candidates),
    )


def _conflict(text: str) -> Note:
    return Note(NoteKind.CONFLICT, text)
