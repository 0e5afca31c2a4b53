"""Pure edits of a store: every backend applies changes through these, so the
same checks guard the file, the memory store and the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import msgspec

from ps_tui.core.date_rules import check_entry
from ps_tui.core.model import Implementation, NewImplementation, Reference, StoreFile
from ps_tui.core.plan import first_plan
from ps_tui.core.safe_text import control_problems
from ps_tui.core.timeline import align_kickoff
from ps_tui.core.validate import InvalidData, Problem, check_implementation, check_store


class UnknownImplementation(KeyError):
    """No implementation has the given id."""

    def __str__(self) -> str:
        return f"no implementation with id {self.args[0]!r}"


def upsert(store: StoreFile, implementation: Implementation, today: dt.date | None = None) -> StoreFile:
    """The store with `implementation` inserted, or replacing the one with its id.

    The implementation is stored as `prepare` returns it. Raises InvalidData
    when it does not fit the reference data or, given `today`, has a date
    later than today allows (see `check_entry`)."""
    return upsert_all(store, [implementation], today)


def upsert_all(
    store: StoreFile, implementations: Sequence[Implementation], today: dt.date | None = None
) -> StoreFile:
    """The store `upsert` of each of `implementations` in turn makes (one
    raising InvalidData: none), with one copy of the list and one pass over
    it for where their ids are, so that many saved together (an import)
    cost one pass over the store, not one each."""
    stored = list(store.implementations)
    wanted = {implementation.id for implementation in implementations}
    index: dict[str, int] = {}
    for position, existing in enumerate(stored):
        if existing.id in wanted:
            index.setdefault(existing.id, position)
    for implementation in implementations:
        at = index.get(implementation.id)
        before = stored[at] if at is not None else None
        implementation = prepare(store, implementation, before)
        problems = check_implementation(implementation, store) + control_problems(implementation)
        if today is not None:
            problems += check_entry(implementation, store, today, before=before)
        if problems:
            raise InvalidData(problems)
        if at is not None:
            stored[at] = implementation
        else:
            index[implementation.id] = len(stored)
            stored.append(implementation)
    return msgspec.structs.replace(store, implementations=stored)


def prepare(
    reference: Reference, implementation: Implementation, before: Implementation | None = None
) -> Implementation:
    """An implementation as every write stores it: its kickoff date and kickoff
    milestone made one fact (`timeline.align_kickoff`; `before` is the stored
    version, None for a new one), and a new one planned from its package
    (`plan.first_plan`)."""
    if before is None:
        implementation = first_plan(implementation, reference)
    return align_kickoff(implementation, reference, before)


def entry_problems(
    reference: Reference, implementation: Implementation, before: Implementation | None, today: dt.date
) -> list[Problem]:
    """What `upsert` with `today` would refuse in `implementation` (`before`
    is the stored version), for a screen that asks before it saves."""
    prepared = prepare(reference, implementation, before)
    problems = check_implementation(prepared, reference) + control_problems(prepared)
    return problems + check_entry(prepared, reference, today, before=before)


def remove(store: StoreFile, implementation_id: str) -> StoreFile:
    """The store without the implementation `implementation_id`."""
    kept = [i for i in store.implementations if i.id != implementation_id]
    if len(kept) == len(store.implementations):
        raise UnknownImplementation(implementation_id)
    return msgspec.structs.replace(store, implementations=kept)


def replace_reference(store: StoreFile, reference: Reference) -> StoreFile:
    """The store with new reference data; refused if any implementation would no
    longer fit it (an owner removed from the team, say)."""
    updated = store.with_reference(reference)
    problems = check_store(updated) + control_problems(reference)
    if problems:
        raise InvalidData(problems)
    return updated


def id_number(implementation_id: str, prefix: str = "IMP-") -> int:
    """The number an id holds after `prefix` (0 when it holds none)."""
    tail = implementation_id.removeprefix(prefix)
    return int(tail) if tail.isdigit() else 0


def numbered_id(number: int, prefix: str = "IMP-") -> str:
    """The id numbered `number` ("IMP-0042")."""
    return f"{prefix}{number:04d}"


def next_id(store: StoreFile, prefix: str = "IMP-") -> str:
    """A fresh implementation id following the highest numbered one."""
    highest = max((id_number(impl.id, prefix) for impl in store.implementations), default=0)
    return numbered_id(highest + 1, prefix)


def with_id(store: StoreFile, new: NewImplementation | Implementation) -> Implementation:
    """The implementation `new` describes, with its own id or, when it has
    none, `next_id`'s in `store`: the id the TUI's form gives a new
    implementation. A backend calls it inside its write, on the store as
    that write sees it, so that concurrent creators get distinct ids."""
    return given_id(new, lambda: next_id(store))


def given_id(new: NewImplementation | Implementation, fresh: Callable[[], str]) -> Implementation:
    """`with_id`, for a backend that finds `next_id`'s answer itself (a
    database, with an index): `fresh()` is asked only when `new` has no id."""
    if not isinstance(new, NewImplementation):
        return new
    fields = msgspec.structs.asdict(new)
    fields["id"] = new.id if new.id is not None else fresh()
    return Implementation(**fields)


__all__ = [
    "InvalidData",
    "Problem",
    "UnknownImplementation",
    "entry_problems",
    "given_id",
    "id_number",
    "next_id",
    "numbered_id",
    "prepare",
    "remove",
    "replace_reference",
    "upsert",
    "upsert_all",
    "with_id",
]
