"""Deterministic portfolios of any size, for benchmarks and load tests.

Shapes follow real data: all segments (mostly Strategic), every status, dates
spread over five years, long customer names, some unicode, notes and risks.
`python -m bench.generate 100000 out.json` writes one.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

import msgspec

from ps_tui.core.history import Action, Change, Event, Save
from ps_tui.core.model import (
    Deployment,
    Engagement,
    Hosting,
    Implementation,
    Milestone,
    Risk,
    Severity,
    Status,
    StoreFile,
)
from ps_tui.data import reference_store
from ps_tui.store.file import encode_store, store_format

TODAY = dt.date(2026, 11, 30)

_PREFIXES = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Acme",
    "Hooli",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Massive",
    "Vandelay",
    "Oscorp",
    "Wonka",
    "Gringotts",
    "Aperture",
    "Monarch",
    "Sirius",
    "Nakatomi",
    "Zorg",
    "Weyland",
    "Virtucon",
    "Yoyodyne",
    "Octan",
    "Müller",
    "Søndergaard",
    "Łódź",
    "Ōsaka",
    "Škoda",
    "Zürich",
    "São Paulo",
]
_MIDDLES = [
    "Global",
    "International",
    "Digital",
    "Financial",
    "Health",
    "Logistics",
    "Energy",
    "Aerospace",
    "Biotech",
    "Retail",
    "Media",
    "Manufacturing",
    "Software",
    "Telecom",
]
_SUFFIXES = ["Inc.", "Corporation", "Group", "Holdings", "GmbH", "AG", "S.A.", "Ltd.", "LLC", "K.K."]
_NOTES = [
    "Weekly deployment sync on Tuesdays.",
    "Customer prefers async updates in Slack.",
    "TA introduced; onboarding plan drafted.",
    "Waiting on security review of the Helm values.",
    "Largest monorepo is 40 GB; indexing tuned.",
    "",
    "",
]
_SEGMENT_WEIGHTS = [("smb", 1), ("mm", 2), ("enterprise", 3), ("strategic", 6)]
_DEVELOPERS = {"smb": (5, 99), "mm": (100, 500), "enterprise": (501, 2500), "strategic": (2501, 40000)}


def generate(count: int, seed: int = 1, today: dt.date = TODAY) -> StoreFile:
    """A valid store with `count` implementations (same output for the same seed)."""
    rng = random.Random(seed)
    ref = reference_store()
    members = [m.name for m in ref.members]
    engineers = [m.name for m in ref.members if m.role.value == "implementation_engineer"]
    keys = [m.key for m in ref.milestones]
    segments = [s for s, w in _SEGMENT_WEIGHTS for _ in range(w)]
    statuses = (
        [Status.COMPLETED] * 14 + [Status.ACTIVE] * 3 + [Status.PLANNED, Status.ON_HOLD, Status.CANCELLED]
    )
    out = []
    for number in range(1, count + 1):
        segment = rng.choice(segments)
        status = rng.choice(statuses)
        name = f"{rng.choice(_PREFIXES)} {rng.choice(_MIDDLES)} {rng.choice(_SUFFIXES)}"
        if rng.random() < 0.2:
            name += f" ({rng.choice(_MIDDLES)} Division {rng.randint(1, 99)})"
        owner = rng.choice(engineers)
        if status is Status.PLANNED:
            kickoff = today + dt.timedelta(days=rng.randint(1, 60))
            done = 0
        elif status is Status.ACTIVE:
            kickoff = today - dt.timedelta(days=rng.randint(0, 50))
            done = rng.randint(1, len(keys) - 1)
        else:
            kickoff = today - dt.timedelta(days=rng.randint(30, 5 * 365))
            done = len(keys) if status is Status.COMPLETED else rng.randint(1, 3)
        duration = max(5, int(rng.gauss(29, 10)))
        milestones = []
        for index, key in enumerate(keys):
            planned = kickoff + dt.timedelta(days=round(index * 29 / (len(keys) - 1)))
            actual = None
            if index < done:
                actual = min(kickoff + dt.timedelta(days=round(index * duration / (len(keys) - 1))), today)
            milestones.append(Milestone(key=key, planned=planned, actual=actual, owner=owner))
        ready = kickoff + dt.timedelta(days=duration) if status is Status.COMPLETED else None
        if ready is not None and ready > today:
            ready = today
            milestones[-1] = msgspec.structs.replace(milestones[-1], actual=today)
        risks = []
        if rng.random() < 0.3:
            risks.append(
                Risk(
                    text="Customer change window delays cluster upgrade",
                    severity=rng.choice(list(Severity)),
                    opened=kickoff,
                )
            )
        low, high = _DEVELOPERS[segment]
        out.append(
            Implementation(
                id=f"IMP-{number:06d}",
                customer=name,
                segment=segment,
                developers=rng.randint(low, high),
                arr=rng.randint(10, 3000) * 1000,
                engagement=rng.choice(list(Engagement)),
                deployment=rng.choice(list(Deployment)),
                hosting=rng.choice(list(Hosting)),
                package=rng.choice(["standard", "advanced"]),
                status=status,
                kickoff=kickoff,
                production_ready=ready,
                ie_owner=owner,
                project_manager=members[0],
                instance_url=f"https://sg-{number}.example.com",
                notes=rng.choice(_NOTES),
                milestones=milestones,
                risks=risks,
            )
        )
    return msgspec.structs.replace(ref, implementations=out)


def write(path: Path, count: int, seed: int = 1) -> Path:
    """Write a generated store to `path` (.json or .toml), once per size and seed.

    The file appears complete or not at all (written beside it, then renamed),
    so an interrupted run never leaves a partial store for the next to reuse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = encode_store(generate(count, seed), store_format(path))
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def history_events(data: StoreFile, seed: int = 1, today: dt.date = TODAY, days: int = 365) -> list[Event]:
    """A year of recorded changes of the store's implementations, oldest
    first, as saves make them: each one's creation a week before its kickoff,
    an advance for each milestone done, a risk added when one was opened,
    and for a quarter of them a plan moved later."""
    rng = random.Random(seed)
    first = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(9), dt.UTC)
    events: list[Event] = []
    for impl in data.implementations:

        def at(day: dt.date, hour: int) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), dt.UTC)

        common = {"who": impl.ie_owner or "someone", "implementation": impl.id, "customer": impl.customer}
        if impl.kickoff is not None:
            created = at(impl.kickoff - dt.timedelta(days=7), 10)
            changes = [Change("customer", after=impl.customer), Change("segment", after=impl.segment)]
            events.append(Event(at=created, action=Action.CREATE, changes=changes, **common))
        for milestone in impl.milestones:
            if milestone.actual is not None:
                change = Change(f"milestones.{milestone.key}.actual", after=milestone.actual.isoformat())
                events.append(
                    Event(at=at(milestone.actual, 16), action=Action.ADVANCE, changes=[change], **common)
                )
        for index, risk in enumerate(impl.risks):
            change = Change(f"risks[{index}].text", after=risk.text)
            events.append(Event(at=at(risk.opened, 11), action=Action.RISK_ADDED, changes=[change], **common))
        pending = [m for m in impl.milestones if m.planned is not None]
        if pending and rng.random() < 0.25:
            milestone = rng.choice(pending)
            assert milestone.planned is not None
            later = milestone.planned + dt.timedelta(days=rng.randint(1, 7))
            change = Change(
                f"milestones.{milestone.key}.planned",
                before=milestone.planned.isoformat(),
                after=later.isoformat(),
            )
            moved = at(milestone.planned - dt.timedelta(days=2), 14)
            events.append(Event(at=moved, action=Action.PLAN_CHANGED, changes=[change], **common))
    now = dt.datetime.combine(today, dt.time(23, 59), dt.UTC)
    events = [event for event in events if first <= event.at <= now]
    events.sort(key=lambda event: event.at)
    return events


def write_history(store: Path, seed: int = 1, today: dt.date = TODAY, days: int = 365) -> Path:
    """Write a year of history beside the store file `store`, one save per
    change, chained so that every save landed (the last one wrote the file
    as it is)."""
    from ps_tui.store.file import FileStore
    from ps_tui.store.history_file import digest, history_path

    events = history_events(FileStore(store).read(), seed, today, days)
    current = digest(store.read_bytes())
    encoder = msgspec.json.Encoder()
    lines = []
    for number, event in enumerate(events):
        parent = "" if number == 0 else f"{number - 1:064x}"
        wrote = current if number == len(events) - 1 else f"{number:064x}"
        lines.append(
            encoder.encode(Save(at=event.at, who=event.who, parent=parent, digest=wrote, events=[event]))
        )
    target = history_path(store)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(b"\n".join(lines) + b"\n")
    os.replace(partial, target)
    return target


if __name__ == "__main__":
    write(Path(sys.argv[2]), int(sys.argv[1]))
