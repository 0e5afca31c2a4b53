"""Who changed what, and when: the events a save makes, as data.

`events_between(old, new)` compares two versions of a store and names each
implementation's change by its kind (create, edit, advance, close, delete,
risk added / changed / closed, plan changed) with every field's value
before and after; a change of the reference data is one `reference` event.
A save's events travel together in one `Save`, which also carries the
digests of the file it was applied to and of the file it wrote, so that a
reader can tell a save that landed from one cut short before its file was
renamed into place (see `landed`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import msgspec

from ps_tui.core.model import Implementation, Reference, Status, StoreFile


class Action(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    ADVANCE = "advance"
    CLOSE = "close"
    DELETE = "delete"
    RISK_ADDED = "risk_added"
    RISK_CHANGED = "risk_changed"
    RISK_CLOSED = "risk_closed"
    PLAN_CHANGED = "plan_changed"
    REFERENCE = "reference"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Change(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=True):
    """One field's value before and after (None: absent)."""

    field: str
    before: Any = None
    after: Any = None


class Event(msgspec.Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=True):
    """One change to one implementation (or to the reference data)."""

    at: dt.datetime
    who: str
    action: Action
    #: The implementation's id; None for the reference data.
    implementation: str | None = None
    #: The customer, so that a deleted implementation still says whose it was.
    customer: str | None = None
    changes: list[Change] = msgspec.field(default_factory=list)


class Save(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One line of a history file: the events of one save."""

    at: dt.datetime
    who: str
    #: sha256 of the store file the save was applied to ("" for a new file).
    parent: str
    #: sha256 of the store file the save wrote.
    digest: str
    events: list[Event]


#: Fields no person changes: the server's stamp of the last write.
_UNRECORDED = frozenset({"updated"})


def flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """A struct as {field path: plain value}, defaults included: milestones
    by key (`milestones.go_live.actual`), risks and other lists by position."""
    out: dict[str, Any] = {}
    _flatten(value, prefix, out)
    return out


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            if not path and name in _UNRECORDED:
                continue
            _flatten(getattr(value, name), f"{path}.{name}" if path else name, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list) and value and all(isinstance(item, msgspec.Struct) for item in value):
        for index, item in enumerate(value):
            key = getattr(item, "key", None) if path == "milestones" else None
            _flatten(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{index}]", out)
    else:
        out[path] = msgspec.to_builtins(value)


#: Values that say "nothing here": absent, empty, or a flag left off.
_EMPTY_VALUES: tuple[Any, ...] = (None, "", [], False)


def _empty(value: Any) -> bool:
    return any(value == empty and type(value) is type(empty) for empty in _EMPTY_VALUES)


def changes(before: Any, after: Any) -> list[Change]:
    """Every field that differs between two structs, in field order; a field
    that is empty on both sides (absent, "", [], a flag off) did not change."""
    old, new = flat(before), flat(after)
    keys = list(old) + [key for key in new if key not in old]
    return [
        Change(key, old.get(key), new.get(key))
        for key in keys
        if old.get(key) != new.get(key) and not (_empty(old.get(key)) and _empty(new.get(key)))
    ]


def classify(before: Implementation, after: Implementation, found: Sequence[Change]) -> Action:
    """The kind of an implementation's change, from what changed."""
    if after.status is Status.COMPLETED and before.status is not Status.COMPLETED:
        return Action.CLOSE
    fields = [change.field for change in found]
    if all(f.startswith("risks") for f in fields):
        if len(after.risks) > len(before.risks):
            return Action.RISK_ADDED
        closing = [c for c in found if c.field.endswith(".closed") and c.before is None]
        return Action.RISK_CLOSED if len(closing) == len(found) else Action.RISK_CHANGED
    if all(f.startswith("milestones.") and f.endswith(".planned") for f in fields):
        return Action.PLAN_CHANGED
    advanced = [c for c in found if c.field.startswith("milestones.") and c.field.endswith(".actual")]
    # Advancing a planned one kicks it off: its status, kickoff and plan follow.
    followed = all(f.startswith("milestones.") or f in ("status", "kickoff") for f in fields)
    if advanced and followed and all(c.before is None for c in advanced):
        return Action.ADVANCE
    return Action.EDIT


def events_between(old: StoreFile, new: StoreFile, who: str, at: dt.datetime) -> list[Event]:
    """The events that turn `old` into `new`, in the new store's order, then
    deletions; a reference change first."""
    events: list[Event] = []
    reference = changes(_reference(old), _reference(new))
    if reference:
        events.append(Event(at=at, who=who, action=Action.REFERENCE, changes=reference))
    before = {impl.id: impl for impl in old.implementations}
    for impl in new.implementations:
        previous = before.pop(impl.id, None)
        if previous is None:
            created = [
                Change(c.field, after=c.after)
                for c in changes(_EMPTY, impl)
                if c.field != "id" and c.after not in (None, "", [])
            ]
            events.append(_event(at, who, Action.CREATE, impl, created))
        elif previous != impl:
            found = changes(previous, impl)
            if found:
                events.append(_event(at, who, classify(previous, impl, found), impl, found))
    for gone in before.values():
        events.append(_event(at, who, Action.DELETE, gone, []))
    return events


def _event(at: dt.datetime, who: str, action: Action, impl: Implementation, found: list[Change]) -> Event:
    return Event(at=at, who=who, action=action, implementation=impl.id, customer=impl.customer, changes=found)


def _reference(store: StoreFile) -> Reference:
    return Reference(**{name: getattr(store, name) for name in Reference.__struct_fields__})


#: What a created implementation is compared with: no field set.
_EMPTY: dict[str, Any] = {}


def landed(saves: Iterable[Save], current: str) -> Iterator[Save]:
    """The saves whose file became the store, oldest first, given the digest
    of the store file as it is now.

    A save's record is written (and synced) before its file is renamed into
    place, so a save cut short leaves a record of a change that never
    happened. Walking back from the file as it is: a save whose result is
    the file of that moment landed, and the file before it was its starting
    point; a save that started from the file of that moment but whose result
    is not it was cut short (its retry, or nothing, followed). Any other save
    landed before a hand edit broke the chain. (A hand edit that restores a
    landed save's starting point byte for byte hides that save.)"""
    kept: list[Save] = []
    file = current
    for save in reversed(list(saves)):
        if save.digest != file and save.parent == file:
            continue  # cut short: the file stayed what it was
        kept.append(save)
        file = save.parent
    return reversed(kept)


def select(
    events: Iterable[Event],
    *,
    implementation: str | None = None,
    since: dt.date | None = None,
    by: str | None = None,
) -> list[Event]:
    """The events of one implementation, on or after a day (UTC), by someone
    (part of the name, any case), newest first."""
    wanted = by.casefold() if by else None
    chosen = [
        event
        for event in events
        if (implementation is None or event.implementation == implementation)
        and (since is None or event.at.astimezone(dt.UTC).date() >= since)
        and (wanted is None or wanted in event.who.casefold())
    ]
    chosen.reverse()
    return chosen


def value_text(value: Any) -> str:
    """A recorded value as one would read it: `—` for none."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return msgspec.json.encode(value).decode()
    return str(value)
