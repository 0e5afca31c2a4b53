"""Turn parsed store data into models, reporting every problem with its field path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, get_origin

import msgspec

from ps_tui.core.model import (
    CUSTOM_PACKAGE,
    EARLIEST_DATE,
    ID_PATTERN,
    LATEST_DATE,
    MAX_INT,
    SCHEMA_VERSION,
    SLACK_CHANNEL_PATTERN,
    Implementation,
    Reference,
    Status,
    StoreFile,
)
from ps_tui.core.parse import date_range_problem

T = TypeVar("T")

#: Statuses of an implementation that is not finished: it has no
#: production-ready date yet (a cancelled one may have one or not).
OPEN_STATUSES = frozenset({Status.PLANNED, Status.ACTIVE, Status.ON_HOLD})

#: Statuses of an implementation that has kicked off, so its kickoff date is
#: the actual date of the kickoff milestone.
STARTED_STATUSES = frozenset({Status.ACTIVE, Status.ON_HOLD, Status.COMPLETED})


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a store: where (a field path like
    `implementations[3].arr`) and what. `line` is filled in by the file backend
    when the format can tell it."""

    path: str
    message: str
    line: int | None = None

    def describe(self, source: str = "") -> str:
        where = source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.path) if p]
        return f"{': '.join(parts)}: {self.message}" if parts else self.message


class InvalidData(ValueError):
    """Data that does not fit the model; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("; ".join(p.describe() for p in self.problems))


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.line if problem.line is not None else 1 << 30, problem.path)


_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")


def join_path(prefix: str, suffix: str) -> str:
    if not suffix:
        return prefix
    if suffix.startswith("["):
        return prefix + suffix
    return f"{prefix}.{suffix}" if prefix else suffix


_EXPECTED = re.compile(r"^Expected `([^`]+)`, got `([^`]+)`$")
_TYPE_WORDS = {
    "int": "a whole number",
    "str": "text",
    "float": "a number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (ISO 8601)",
    "array": "a list",
    "object": "a table",
    "null": "nothing",
}


def _type_words(names: str) -> str:
    return " or ".join(_TYPE_WORDS.get(name, name) for name in names.split(" | ") if name != "null")


def _expected_words(match: re.Match[str]) -> str:
    return f"expected {_type_words(match[1])}, got {_type_words(match[2])}"


def problem_from_error(error: msgspec.ValidationError, prefix: str = "") -> Problem:
    """Rewrite a msgspec error as a Problem with a plain field path."""
    match = _AT.match(str(error))
    assert match is not None  # the pattern matches any string
    message, sub = match["msg"], (match["path"] or "").lstrip(".")
    path = join_path(prefix, sub)
    if m := _UNKNOWN.match(message):
        return Problem(join_path(path, m["name"]), "unknown field (check the spelling)")
    if m := _MISSING.match(message):
        return Problem(join_path(path, m["name"]), "required field is missing")
    message = message.replace(
        "Invalid RFC3339 encoded datetime", "not a valid date and time (use ISO 8601: 2026-11-30T09:00:00Z)"
    )
    message = message.replace("Invalid RFC3339 encoded date", "not a valid date (use YYYY-MM-DD)")
    message = _EXPECTED.sub(_expected_words, message)
    message = re.sub(r"^Expected `(\w+)` >= (\d+)$", r"must be a whole number >= \2", message)
    message = re.sub(r"^Expected `(\w+)` > (\d+)$", r"must be a whole number > \2", message)
    message = re.sub(r"^Expected `int` <= (\d+)$", r"must be a whole number <= \1", message)
    if message == f"Expected `str` matching regex {ID_PATTERN!r}":
        message = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    if message == f"Expected `str` matching regex {SLACK_CHANNEL_PATTERN!r}":
        message = CHANNEL_WORDS
    message = re.sub(r"^Expected `str` of length >= 1$", "must not be empty", message)
    if message in ("Number out of range", "Integer value out of range"):
        message = f"out of range (numbers go up to {MAX_INT:,})"
    message = re.sub(r"^Invalid enum value '([^']*)'$", r"'\1' is not one of the allowed values", message)
    return Problem(path, message)


def _collect(value: Any, kind: Any, path: str, problems: list[Problem]) -> Any:
    """Convert `value` to `kind`; on failure, descend into structs and lists so
    that every bad field is reported, not only the first. Returns None on failure."""
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        before = len(problems)
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct) and isinstance(value, dict):
            _collect_struct(value, kind, path, problems)
        elif get_origin(kind) is list and isinstance(value, list):
            _collect_list(value, kind.__args__[0], path, problems)
        if len(problems) == before:
            problems.append(problem_from_error(error, path))
        return None


#: Bad entries of one list reported in detail; the rest are counted. A list
#: of a million bad entries must not take a minute and a gigabyte to report.
DETAILED_PER_LIST = 20


def _collect_list(value: list[Any], item: Any, path: str, problems: list[Problem]) -> None:
    bad = 0
    for i, element in enumerate(value):
        if bad < DETAILED_PER_LIST:
            before = len(problems)
            _collect(element, item, f"{path}[{i}]", problems)
            bad += len(problems) > before
            continue
        try:
            msgspec.convert(element, item)
        except msgspec.ValidationError:
            bad += 1
    if bad > DETAILED_PER_LIST:
        more = bad - DETAILED_PER_LIST
        problems.append(
            Problem(path, f"{more:,} more entries are invalid (the first {DETAILED_PER_LIST} are listed)")
        )


def _collect_struct(
    value: dict[str, Any], kind: type[msgspec.Struct], path: str, problems: list[Problem]
) -> None:
    fields = {f.encode_name: f for f in msgspec.structs.fields(kind)}
    for key, field_value in value.items():
        info = fields.get(key)
        if info is None:
            problems.append(Problem(join_path(path, key), "unknown field (check the spelling)"))
        else:
            _collect(field_value, info.type, join_path(path, key), problems)
    for name, info in fields.items():
        if name not in value and info.required:
            problems.append(Problem(join_path(path, name), "required field is missing"))


def decode_store(raw: Any) -> StoreFile:
    """Validate parsed store data (from TOML or JSON) and return the model.

    Raises InvalidData listing every problem: structure and types first, then
    cross-references (unknown segments, members, duplicate ids, ...).
    """
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise InvalidData([Problem("", f"the store must be a table/object, got {type(raw).__name__}")])
    try:
        store = msgspec.convert(raw, StoreFile)
    except msgspec.ValidationError:
        store, positions, dropped = _decode_each(raw, problems)
        # An entry that failed to convert is missing from `store` (and already
        # reported): do not also report each reference to it as unknown.
        cross = [p for p in check_store(store) if not _names_dropped(store, p, dropped)]
        # A field already reported (a bad date, say) was left out of its
        # entry; a cross-check of the gap there would only repeat it.
        reported = {p.path for p in problems}
        cross = [p for p in (_renumber(p, positions) for p in cross) if not _within(p.path, reported)]
        problems.extend(cross)
    else:
        problems.extend(check_store(store))
    if "schema_version" not in raw:
        problems.append(Problem("schema_version", f"required field is missing (use {SCHEMA_VERSION})"))
    if problems:
        raise InvalidData(problems)
    return store


#: The field that names each entry of a reference list, for `_names_dropped`.
_KEY_FIELDS = {"segments": "id", "offerings": "id", "members": "name", "milestones": "key", "packages": "id"}


def _decode_each(
    raw: dict[str, Any], problems: list[Problem]
) -> tuple[StoreFile, dict[str, list[int]], set[str]]:
    """Slow path after a failed decode: convert each section and each list item
    separately so that every problem is reported, not just the first.

    Returns the store built from what did convert; for each top-level list,
    the original index of each entry kept, so later problems point at the
    right entry; and the names of reference entries that were dropped."""
    fields = {f.name: f for f in msgspec.structs.fields(StoreFile)}
    values: dict[str, Any] = {}
    positions: dict[str, list[int]] = {}
    dropped: set[str] = set()
    for key, value in raw.items():
        info = fields.get(key)
        if info is None:
            problems.append(Problem(key, "unknown field (check the spelling)"))
        elif get_origin(info.type) is list and isinstance(value, list):
            (item,) = info.type.__args__
            pairs = []
            for i, element in enumerate(value):
                before = len(problems)
                model = _collect(element, item, f"{key}[{i}]", problems)
                if model is None:
                    model = _salvage(element, item, f"{key}[{i}]", problems[before:])
                pairs.append((i, model))
            values[key] = [model for _, model in pairs if model is not None]
            positions[key] = [i for i, model in pairs if model is not None]
            for i, model in pairs:
                name = value[i].get(_KEY_FIELDS.get(key, "")) if isinstance(value[i], dict) else None
                if model is None and isinstance(name, str):
                    dropped.add(name)
        else:
            converted = _collect(value, info.type, key, problems)
            if converted is not None:
                values[key] = converted
    return StoreFile(**values), positions, dropped


def _salvage(value: Any, kind: Any, path: str, found: list[Problem]) -> Any:
    """The entry without the fields reported in `found`, so that its other
    fields are still cross-checked (an unknown owner beside a typo); None when
    that does not convert either."""
    if not (isinstance(value, dict) and isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
        return None
    bad = set()
    for problem in found:
        if not problem.path.startswith(f"{path}."):
            return None
        bad.add(re.split(r"[.\[]", problem.path[len(path) + 1 :], maxsplit=1)[0])
    try:
        return msgspec.convert({k: v for k, v in value.items() if k not in bad}, kind)
    except msgspec.ValidationError:
        return None


def _within(path: str, reported: set[str]) -> bool:
    """Whether `path` is, or is inside, one of the `reported` paths."""
    if path in reported:
        return True
    return any(path[: m.start()] in reported for m in re.finditer(r"[.\[]", path))


_ENTRY = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]")


def _renumber(problem: Problem, positions: dict[str, list[int]]) -> Problem:
    """Rewrite `list[i]` in a problem about the partial store to the entry's
    index in the file."""
    match = _ENTRY.match(problem.path)
    if match is None or match["list"] not in positions:
        return problem
    kept = positions[match["list"]]
    path = f"{match['list']}[{kept[int(match['index'])]}]{problem.path[match.end() :]}"
    message = re.sub(
        r"\(first at index (\d+)\)", lambda m: f"(first at index {kept[int(m[1])]})", problem.message
    )
    return Problem(path, message, problem.line)


def _names_dropped(store: StoreFile, problem: Problem, dropped: set[str]) -> bool:
    """Whether `problem` (about the partial `store`) reports an unknown
    reference to an entry that was dropped."""
    if not dropped or not problem.message.startswith("unknown ") or "unknown field" in problem.message:
        return False
    value: Any = store
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", problem.path):
        if part.startswith("[") and isinstance(value, list) and int(part[1:-1]) < len(value):
            value = value[int(part[1:-1])]
        elif isinstance(value, msgspec.Struct) and part in value.__struct_fields__:
            value = getattr(value, part)
        else:
            return False
    return isinstance(value, str) and value in dropped


def _duplicates(items: Iterable[str], path: Callable[[int], str], what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, key in enumerate(items):
        if key in seen:
            problems.append(Problem(path(i), f"duplicate {what} {key!r} (first at index {seen[key]})"))
        else:
            seen[key] = i
    return problems


def check_reference(ref: Reference) -> list[Problem]:
    """Cross-checks within the reference data."""
    problems: list[Problem] = []
    problems += _duplicates((s.id for s in ref.segments), lambda i: f"segments[{i}].id", "segment id")
    problems += _duplicates((o.id for o in ref.offerings), lambda i: f"offerings[{i}].id", "offering id")
    problems += _duplicates((m.name for m in ref.members), lambda i: f"members[{i}].name", "member")
    problems += _duplicates((m.key for m in ref.milestones), lambda i: f"milestones[{i}].key", "milestone")
    problems += _duplicates((p.id for p in ref.packages), lambda i: f"packages[{i}].id", "package id")
    segments = {s.id for s in ref.segments}
    for i, seg in enumerate(ref.segments):
        if seg.max_developers is not None and seg.max_developers < seg.min_developers:
            problems.append(Problem(f"segments[{i}].max_developers", "is below min_developers"))
    for i, offering in enumerate(ref.offerings):
        for j, seg_id in enumerate(offering.segments):
            if seg_id not in segments:
                problems.append(Problem(f"offerings[{i}].segments[{j}]", f"unknown segment {seg_id!r}"))
    for i, rule in enumerate(ref.discounts.rules):
        if rule.segment not in segments:
            problems.append(Problem(f"discounts.rules[{i}].segment", f"unknown segment {rule.segment!r}"))
    if ref.packages and ref.package(ref.load.ra_package) is None:
        known = ", ".join(p.id for p in ref.packages)
        problems.append(
            Problem("load.ra_package", f"unknown package {ref.load.ra_package!r} (known: {known})")
        )
    offerings = {o.id for o in ref.offerings}
    milestones = {m.key for m in ref.milestones}
    for i, package in enumerate(ref.packages):
        if package.offering not in offerings:
            problems.append(Problem(f"packages[{i}].offering", f"unknown offering {package.offering!r}"))
        planned: set[str] = set()
        for j, step in enumerate(package.plan):
            where = f"packages[{i}].plan[{j}].milestone"
            if step.milestone not in milestones:
                problems.append(Problem(where, f"unknown milestone {step.milestone!r}"))
            elif step.milestone in planned:
                problems.append(Problem(where, f"{step.milestone!r} is planned twice"))
            planned.add(step.milestone)
    return problems


#: What a Slack channel must look like, in words (`SLACK_CHANNEL_PATTERN`).
CHANNEL_WORDS = "must be a Slack channel: '#' then up to 80 lowercase letters, digits, '-' or '_'"
_CHANNEL = re.compile(SLACK_CHANNEL_PATTERN)


def team_channels(ref: Reference) -> set[str]:
    """The team's own Slack channels (the reference's `#...` names)."""
    return {channel.name for channel in ref.channels if channel.name.startswith("#")}


def channel_problem(channel: str | None, team: set[str]) -> str | None:
    """Why `channel` cannot be an implementation's Slack channel, or None.

    The customer's status report shows it to the customer, so it is never
    one of the team's own channels (the handbook's #team-implementation is
    internal; its #discuss-... channels are the team's intake)."""
    if channel is None:
        return None
    if not _CHANNEL.match(channel):
        return CHANNEL_WORDS
    if channel in team:
        return f"{channel} is one of the team's own channels; give the channel shared with the customer"
    return None


def check_implementation(impl: Implementation, ref: Reference, path: str = "") -> list[Problem]:
    """Cross-checks of one implementation against the reference data.

    Used for the store file and for form input alike, so both give the same
    messages."""

    def at(name: str) -> str:
        return join_path(path, name)

    problems: list[Problem] = []
    if ref.segment(impl.segment) is None:
        known = ", ".join(s.id for s in ref.segments)
        problems.append(Problem(at("segment"), f"unknown segment {impl.segment!r} (known: {known})"))
    if impl.package == CUSTOM_PACKAGE:
        for name in ("package_hours", "package_days"):
            if getattr(impl, name) is None:
                problems.append(Problem(at(name), "required for a custom package"))
    elif ref.package(impl.package) is None:
        known = ", ".join([p.id for p in ref.packages] + [CUSTOM_PACKAGE])
        problems.append(Problem(at("package"), f"unknown package {impl.package!r} (known: {known})"))
    members = {m.name for m in ref.members}
    for name, person in impl.people():
        if person not in members:
            problems.append(Problem(at(name), f"unknown team member {person!r}"))
    milestone_keys = {m.key for m in ref.milestones}
    seen: set[str] = set()
    for i, milestone in enumerate(impl.milestones):
        if milestone.key not in milestone_keys:
            problems.append(Problem(at(f"milestones[{i}].key"), f"unknown milestone {milestone.key!r}"))
        elif milestone.key in seen:
            problems.append(Problem(at(f"milestones[{i}].key"), f"duplicate milestone {milestone.key!r}"))
        seen.add(milestone.key)
    for name, value in _dates(impl):
        if problem := date_range_problem(value):
            problems.append(Problem(at(name), problem))
    kickoff = impl.kickoff
    if kickoff is not None:
        for i, milestone in enumerate(impl.milestones):
            if milestone.actual is not None and milestone.actual < kickoff:
                message = f"{milestone.actual} is before kickoff ({kickoff})"
                problems.append(Problem(at(f"milestones[{i}].actual"), message))
    if impl.kickoff and impl.production_ready and impl.production_ready < impl.kickoff:
        problems.append(Problem(at("production_ready"), "is before kickoff"))
    if impl.status is Status.COMPLETED and impl.production_ready is None:
        problems.append(Problem(at("production_ready"), "required when status is completed"))
    if impl.status in OPEN_STATUSES and impl.production_ready is not None:
        message = f"must be empty while status is {impl.status.value} (set it when completed)"
        problems.append(Problem(at("production_ready"), message))
    if impl.status in (Status.ACTIVE, Status.COMPLETED) and impl.kickoff is None:
        problems.append(Problem(at("kickoff"), f"required when status is {impl.status.value}"))
    for i, risk in enumerate(impl.risks):
        if risk.closed and risk.closed < risk.opened:
            problems.append(Problem(at(f"risks[{i}].closed"), "is before opened"))
    if problem := channel_problem(impl.slack_channel, team_channels(ref)):
        problems.append(Problem(at("slack_channel"), problem))
    return problems


def _dates(impl: Implementation) -> Iterator[tuple[str, dt.date]]:
    """(field path, date) for every date of an implementation."""
    for name in ("kickoff", "production_ready"):
        value = getattr(impl, name)
        if value is not None:
            yield name, value
    for i, milestone in enumerate(impl.milestones):
        for name in ("planned", "actual"):
            value = getattr(milestone, name)
            if value is not None:
                yield f"milestones[{i}].{name}", value
    for i, risk in enumerate(impl.risks):
        yield f"risks[{i}].opened", risk.opened
        if risk.closed is not None:
            yield f"risks[{i}].closed", risk.closed


#: Implementations checked between two calls of `check_store`'s `checked`.
CHECK_SLICE = 5_000


def check_store(store: StoreFile, checked: Callable[[int], None] | None = None) -> list[Problem]:
    """Every cross-reference problem in a decoded store (paths index the
    store's own lists; `decode_store` renumbers them to the file's when some
    entries were dropped for type errors). `checked`, when given, is told
    how many implementations are checked after every `CHECK_SLICE` of them
    (a load's progress; it may raise to stop the check)."""
    problems = check_reference(store)
    if store.schema_version > SCHEMA_VERSION:
        problems.append(
            Problem(
                "schema_version",
                f"{store.schema_version} is newer than this ps-tui reads ({SCHEMA_VERSION}); upgrade ps-tui",
            )
        )
    impls = store.implementations
    problems += _duplicates((m.id for m in impls), lambda i: f"implementations[{i}].id", "implementation id")
    known = _Known(store)
    for start in range(0, len(impls), CHECK_SLICE):
        for i, impl in enumerate(impls[start : start + CHECK_SLICE], start):
            if not known.plainly_valid(impl):
                problems += check_implementation(impl, store, f"implementations[{i}]")
        if checked is not None:
            checked(min(start + CHECK_SLICE, len(impls)))
    return problems


class _Known:
    """The reference ids as sets, for a fast yes/no over many implementations;
    only the rare failures go through `check_implementation` for messages."""

    def __init__(self, ref: Reference) -> None:
        self.segments = {s.id for s in ref.segments}
        self.packages = {p.id for p in ref.packages}
        self.members = {m.name for m in ref.members}
        self.milestones = {m.key for m in ref.milestones}
        self.channels = team_channels(ref)

    def plainly_valid(self, impl: Implementation) -> bool:
        """True when `check_implementation` would find nothing (same rules)."""
        if impl.segment not in self.segments:
            return False
        if impl.package == CUSTOM_PACKAGE:
            if impl.package_hours is None or impl.package_days is None:
                return False
        elif impl.package not in self.packages:
            return False
        members = self.members
        for person in (impl.ie_owner, impl.project_manager, impl.resident_architect):
            if person and person not in members:
                return False
        seen: set[str] = set()
        kickoff, ready, status = impl.kickoff, impl.production_ready, impl.status
        # Dates out of range: compared inline, as this runs for every
        # implementation of a store that loads.
        low, high = EARLIEST_DATE, LATEST_DATE
        if (kickoff is not None and not low <= kickoff <= high) or (
            ready is not None and not low <= ready <= high
        ):
            return False
        for milestone in impl.milestones:
            key = milestone.key
            if key not in self.milestones or key in seen:
                return False
            seen.add(key)
            if milestone.owner and milestone.owner not in members:
                return False
            actual, planned = milestone.actual, milestone.planned
            if actual is not None and not low <= actual <= high:
                return False
            if actual is not None and kickoff is not None and actual < kickoff:
                return False
            if planned is not None and not low <= planned <= high:
                return False
        if kickoff and ready and ready < kickoff:
            return False
        if status is Status.COMPLETED and ready is None:
            return False
        if ready is not None and status in OPEN_STATUSES:
            return False
        if kickoff is None and status in (Status.ACTIVE, Status.COMPLETED):
            return False
        channel = impl.slack_channel
        if channel is not None and (channel in self.channels or not _CHANNEL.match(channel)):
            return False
        for risk in impl.risks:
            opened, closed = risk.opened, risk.closed
            if not low <= opened <= high or (closed is not None and (closed < opened or closed > high)):
                return False
            if risk.owner and risk.owner not in members:
                return False
        return True
