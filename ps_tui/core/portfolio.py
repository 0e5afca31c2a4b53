"""Pure edits of a store: every backend applies changes through these, so the
same checks guard the file, the memory store and the server."""

from __future__ import annotations

import msgspec

from ps_tui.core.model import Implementation, Reference, StoreFile
from ps_tui.core.validate import InvalidData, Problem, check_implementation, check_store


class UnknownImplementation(KeyError):
    """No implementation has the given id."""

    def __str__(self) -> str:
        return f"no implementation with id {self.args[0]!r}"


def upsert(store: StoreFile, implementation: Implementation) -> StoreFile:
    """The store with `implementation` inserted, or replacing the one with its id.

    Raises InvalidData when it does not fit the reference data."""
    problems = check_implementation(implementation, store)
    if problems:
        raise InvalidData(problems)
    implementations = list(store.implementations)
    for index, existing in enumerate(implementations):
        if existing.id == implementation.id:
            implementations[index] = implementation
            break
    else:
        implementations.append(implementation)
    return msgspec.structs.replace(store, implementations=implementations)


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
    problems = check_store(updated)
    if problems:
        raise InvalidData(problems)
    return updated


def next_id(store: StoreFile, prefix: str = "IMP-") -> str:
    """A fresh implementation id following the highest numbered one."""
    highest = 0
    for implementation in store.implementations:
        tail = implementation.id.removeprefix(prefix)
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"


__all__ = [
    "InvalidData",
    "Problem",
    "UnknownImplementation",
    "next_id",
    "remove",
    "replace_reference",
    "upsert",
]
