"""What a store edit changed, independent of the file format.

Both surgical writers (TOML and JSON) walk the old and the new store side by
side and touch only what differs. These helpers say what differs: the fields
of a struct that changed, and how the elements of a list pair up (by their
identity field where they have one, by content otherwise).
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec

from ps_tui.core.model import (
    Channel,
    Implementation,
    Kpi,
    Load,
    Member,
    Milestone,
    MilestoneDef,
    Offering,
    Package,
    Segment,
)

#: The field that identifies an element of a list of these structs.
IDENTITY: dict[type, str] = {
    Implementation: "id",
    Segment: "id",
    Offering: "id",
    Package: "id",
    Member: "name",
    Channel: "name",
    MilestoneDef: "key",
    Milestone: "key",
}

#: Structs written with every field, defaults included, when the app writes
#: them anew: the KPI target and the load rules are worth seeing in the file.
WRITTEN_IN_FULL: tuple[type, ...] = (Kpi, Load)


def is_struct_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], msgspec.Struct)


def changed_fields(old: msgspec.Struct, new: msgspec.Struct) -> Iterator[tuple[str, Any, Any]]:
    """(name, old value, new value) for each field that differs, in field order."""
    for name in new.__struct_fields__:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            yield name, before, after


#: One step of a list edit: ("keep" | "change", old index, new index),
#: ("delete", old index, None) or ("insert", None, new index).
Step = tuple[str, int | None, int | None]


def pair(old: Sequence[Any], new: Sequence[Any]) -> list[Step]:
    """How the elements of `new` come from those of `old`, in `new`'s order
    (deletions where the old element stood)."""
    if not old or not new:
        return [("delete", i, None) for i in range(len(old))] + [("insert", None, j) for j in range(len(new))]
    kind = type(new[0])
    name = IDENTITY.get(kind)
    if name is not None and all(type(e) is kind for e in old):
        return _pair_by(name, old, new)
    return _pair_by_content(old, new)


def _pair_by(name: str, old: Sequence[Any], new: Sequence[Any]) -> list[Step]:
    where = {getattr(e, name): i for i, e in enumerate(old)}
    # For each new element, the old one it comes from. An element moved
    # before one already placed counts as deleted and inserted: the app never
    # reorders, a hand edit might.
    source: list[int | None] = []
    last = -1
    for element in new:
        i = where.get(getattr(element, name))
        if i is not None and i > last:
            source.append(i)
            last = i
        else:
            source.append(None)
    steps: list[Step] = []
    next_old = 0
    for j, i in enumerate(source):
        if i is None:
            steps.append(("insert", None, j))
            continue
        steps.extend(("delete", k, None) for k in range(next_old, i))
        steps.append(("keep" if old[i] == new[j] else "change", i, j))
        next_old = i + 1
    steps.extend(("delete", k, None) for k in range(next_old, len(old)))
    return steps


def _pair_by_content(old: Sequence[Any], new: Sequence[Any]) -> list[Step]:
    encode = msgspec.json.encode
    before, after = [encode(e) for e in old], [encode(e) for e in new]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    steps: list[Step] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps.extend(("keep", i1 + k, j1 + k) for k in range(i2 - i1))
            continue
        common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        steps.extend(("change", i1 + k, j1 + k) for k in range(common))
        steps.extend(("delete", i, None) for i in range(i1 + common, i2))
        steps.extend(("insert", None, j) for j in range(j1 + common, j2))
    return steps


def plain(value: Any) -> Any:
    """A model value as plain data, dates kept as dates; structs lose their
    default-valued fields except the ones in WRITTEN_IN_FULL."""
    if isinstance(value, WRITTEN_IN_FULL):
        assert isinstance(value, msgspec.Struct)
        return {name: plain(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, msgspec.Struct):
        data = msgspec.to_builtins(value, builtin_types=(dt.date, dt.datetime))
        return {
            name: plain(getattr(value, name))
            for name in value.__struct_fields__
            if name in data or isinstance(getattr(value, name), WRITTEN_IN_FULL)
        }
    if isinstance(value, list):
        return [plain(element) for element in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value
