"""The filter language of the Implementations screen.

A filter is free text plus `key:value` tokens, for example
`acme seg:ent owner:"louis jarvis" health:risk`:

- Free text (the words that are not tokens, joined by single spaces) matches
  the customer, IE owner and notes as Textual's fuzzy matcher does: case
  insensitive, the characters in order, within one field.
- `seg:` (or `segment:`) a segment id, name or alias, or a unique prefix of an
  id or name; `owner:` part of the IE owner's name; `status:`; `health:`;
  `phase:` (or `milestone:`) the current milestone's key or part of its name.
- Values are case-insensitive and may be quoted to hold spaces. The same key
  twice means either value (`seg:ent seg:strat`); different keys must all match.
"""

from __future__ import annotations

import bisect
import operator
import re
import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain, compress, count, filterfalse, repeat
from typing import Any

from ps_tui.core.health import Health
from ps_tui.core.listing import DONE, Row
from ps_tui.core.model import Reference, Status
from ps_tui.core.segments import resolve_segment
from ps_tui.core.slices import CHUNK, Sliced, Steps
from ps_tui.core.text import Piece, pieces, subsequence_pattern


class QueryError(ValueError):
    """The filter text cannot be understood; the message says why and what to
    use, and `span` (start, end) is where in the text the word at fault is
    (None when the error is not about one word of a text)."""

    def __init__(self, message: str, span: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.span = span


# --- fuzzy free text ----------------------------------------------------------------

#: The row fields free text searches, in order.
FUZZY_FIELDS = ("customer", "owner", "notes")

# The haystack has one line per distinct field value: the lowercased value,
# \x01, the line number in decimal, \n. Values cannot contain \x01 or \n
# (they are replaced), and no pattern lets a match step over either, so a
# match stays within one value and ends by capturing that value's line number.
_STRUCTURE = re.compile("[\x01\n]")
_FILLER = "\x02"
#: Fields with at most this many distinct values map rows to values in bytes.
_FEW = 256


@dataclass(frozen=True, slots=True)
class _Field:
    """Where one field's distinct values sit in the haystack and which rows
    have each (value number = line number - `first`)."""

    first: int
    count: int
    #: The value number of each row; None when every row has its own value
    #: (value number = row); bytes when there are at most 256 values.
    numbers: bytes | list[int] | None
    #: For a list of numbers: per value, the rows that have it.
    rows: list[list[int]] | None


class FuzzyIndex:
    """Free-text search over the rows it was built from.

    Matches as `textual.fuzzy.Matcher(query).match(field) > 0` does for the
    customer, IE owner and notes: the query's characters appear in order
    within one field, ignoring case. Textual's matcher enumerates every
    placement and is far too slow for 100,000 rows, so a search compiles one
    regex and runs it over a haystack holding each distinct lowercased
    field value once; matched values are then mapped back to rows. Owners and
    notes repeat a lot, so the haystack is much smaller than the rows' text.

    The answers are positions in the rows as given, whatever order they are
    shown in later: built from the rows in store order, the index survives
    a sort. `building` builds it in steps (`core.slices`), so that the UI
    thread is never held for long; `searching` searches in steps.

    Typing narrows: a value that matches a text matches every text it holds
    in order, so when the last search's text is a subsequence of the new one
    (a character typed, at the end or anywhere), only the values it matched
    are searched again.

    Control characters in a query match nothing (none can be typed in the
    filter box)."""

    __slots__ = ("_every", "_fields", "_haystack", "_last", "_lines", "_size")

    _fields: list[_Field]
    #: The haystack in pieces that end at line ends (each searched alone).
    _haystack: list[str]
    #: Each line of the haystack on its own: the lines a narrower search
    #: tries again are joined from these in one C-level pass, where cutting
    #: them out of the pieces took a Python call each (3 ms for 4,600).
    _lines: list[str]
    #: The last search's lowercased text and the lines it matched (set as
    #: one tuple: searches in other threads see an old one or a new one).
    _last: tuple[str, array[int]] | None
    _size: int
    #: Every position, 0 to `_size` - 1 (what a search picks its answer from).
    _every: list[int]

    def __init__(self, rows: Sequence[Row]) -> None:
        index = Sliced(self._steps(rows, sys.maxsize)).finish()
        for name in self.__slots__:
            setattr(self, name, getattr(index, name))

    @classmethod
    def building(cls, rows: Sequence[Row], chunk: int = CHUNK) -> Steps[FuzzyIndex]:
        """The index of `rows`, built in steps of about `chunk` rows or lines.
        `rows` must not change meanwhile."""
        return cls._steps(rows, chunk)

    @classmethod
    def _steps(cls, rows: Sequence[Row], chunk: int) -> Steps[FuzzyIndex]:
        size = len(rows)
        lines: list[str] = []
        fields: list[_Field] = []
        for name in FUZZY_FIELDS:
            get = operator.attrgetter(name)
            number: dict[str, int] = {}
            numbers: list[int] = []
            for at in range(0, size, chunk):
                values = list(map(get, rows[at : at + chunk]))
                new = list(filterfalse(number.__contains__, dict.fromkeys(values)))
                number.update(zip(new, count(len(number))))
                numbers.extend(map(number.__getitem__, values))
                yield
            field = yield from _field(len(lines), numbers, len(number), chunk)
            fields.append(field)
            lines.extend(number)
        haystack: list[str] = []
        every_line: list[str] = []
        for at in range(0, len(lines), chunk):
            lowered = list(map(str.lower, lines[at : at + chunk]))
            if any(map(_STRUCTURE.search, lowered)):
                lowered = [_STRUCTURE.sub(_FILLER, value) for value in lowered]
            formatted = list(map("{}\x01{}\n".format, lowered, count(at)))
            haystack.append("".join(formatted))
            every_line += formatted
            yield
        every: list[int] = []
        for at in range(0, size, chunk):
            every.extend(range(at, min(at + chunk, size)))
            yield
        index = cls.__new__(cls)
        index._size, index._fields, index._haystack, index._every = size, fields, haystack, every
        index._lines, index._last = every_line, None
        return index

    def __len__(self) -> int:
        """The number of rows indexed."""
        return self._size

    def search(self, text: str) -> list[int]:
        """Positions (ascending) of the rows whose customer, owner or notes
        fuzzy-match `text`; every row for empty text."""
        return Sliced(self.searching(text)).finish()

    def searching(self, text: str, chunk: int = CHUNK) -> Steps[list[int]]:
        """`search(text)` in steps: one per piece of the haystack, then
        passes over the rows' values of about `chunk` rows each."""
        marks = yield from self.marking(text, chunk)
        if isinstance(marks, list):
            return marks
        found: list[int] = []
        every = self._every
        for at in range(0, self._size, chunk):
            # From a list of the positions, not a range: a range makes an
            # int of every position on the way, kept or not.
            found.extend(compress(every[at : at + chunk], marks[at : at + chunk]))
            yield
        return found

    def marking(self, text: str, chunk: int = CHUNK) -> Steps[list[int] | bytearray]:
        """The rows `search(text)` finds, in steps: their positions
        (ascending) when they were found as such, else a 1 at each of them
        in a bytearray of a byte per row, which `listing.flagged` reads
        without listing every position found first."""
        size = self._size
        if not text:
            return list(range(size))
        if any(char < " " for char in text):
            return []
        lowered = text.lower()
        pattern = subsequence_pattern(lowered)
        lines: list[int] = []
        for piece in (yield from self._candidates(lowered, chunk)):
            # Lines that failed leave an empty string (see `subsequence_pattern`).
            lines.extend(map(int, filter(None, pattern.findall(piece))))
            yield
        self._last = (lowered, array("I", lines))
        flags = 0
        #: Rows found one by one, per field (ascending for a field with
        #: a value per row, else ascending within each value).
        groups: list[list[int]] = []
        ascending = False
        ends = [field.first for field in self._fields[1:]] + [sys.maxsize]
        start = 0
        for field, bound in zip(self._fields, ends, strict=True):
            end = bisect.bisect_left(lines, bound, start)
            if end == start:
                continue
            first = field.first
            numbers = lines[start:end] if not first else [line - first for line in lines[start:end]]
            start = end
            # Few values matched: mark their rows one by one. Many: mark the
            # values, then look every row's value up in one pass (cheaper past
            # about a fifth of the values).
            few = len(numbers) * 5 < field.count
            if isinstance(field.numbers, bytes):
                table = bytearray(_FEW)
                _mark(table, numbers)
                flags |= int.from_bytes(field.numbers.translate(table), "little")
            elif field.numbers is None:
                if few:
                    groups.append(numbers)
                    ascending = True
                else:
                    flags |= int.from_bytes(_mark(bytearray(size), numbers), "little")
            elif few:
                assert field.rows is not None
                groups.append(list(chain.from_iterable(map(field.rows.__getitem__, numbers))))
            else:
                matched = _mark(bytearray(field.count), numbers)
                parts: list[bytes] = []
                for at in range(0, size, chunk):
                    parts.append(bytes(map(matched.__getitem__, field.numbers[at : at + chunk])))
                    yield
                flags |= int.from_bytes(b"".join(parts), "little")
            yield
        if not flags and len(groups) == 1 and ascending:
            return groups[0]  # one field with a value per row: already rows, ascending
        if not flags and sum(map(len, groups)) <= 2 * chunk:
            # Few rows, in runs that are each ascending: one sort of them is a
            # third of the time of marking them and reading every row's mark.
            found = list(chain.from_iterable(groups)) if len(groups) == 1 else list(set(chain(*groups)))
            found.sort()
            return found
        dense = bytearray(flags.to_bytes(size, "little"))
        for group in groups:
            _mark(dense, group)
        return dense

    def _candidates(self, lowered: str, chunk: int) -> Steps[Sequence[str]]:
        """The haystack's pieces worth searching for `lowered`: the lines
        the last search matched, when its text is a subsequence of this one
        and they are few enough that joining them pays; else all of it."""
        last = self._last
        if last is None or not _holds_in_order(lowered, last[0]):
            return self._haystack
        matched = last[1]
        # Joining a line costs a seventh of searching it (1.3 against 9 ms
        # for all 24,000 lines of 100,000 rows), but a search whose first
        # character is rare skips most lines at C speed: past half the
        # lines, it searches them all.
        if len(matched) * 2 > len(self._lines):
            return self._haystack
        found: list[str] = []
        line = self._lines.__getitem__
        for at in range(0, len(matched), chunk):
            found.append("".join(map(line, matched[at : at + chunk])))
            yield
        return found


def _holds_in_order(text: str, part: str) -> bool:
    """Whether the characters of `part` appear in `text` in order."""
    rest = iter(text)
    return all(char in rest for char in part)


def _mark(flags: bytearray, positions: Iterable[int]) -> bytearray:
    """`flags` with a 1 at each of `positions`, set in one C-level pass."""
    deque(map(flags.__setitem__, positions, repeat(1)), maxlen=0)
    return flags


def _field(first: int, numbers: list[int], distinct: int, chunk: int) -> Steps[_Field]:
    """Where a field's `distinct` values start in the haystack and which
    rows have each, from the value number of each row."""
    if distinct == len(numbers):
        return _Field(first, distinct, None, None)
    if distinct <= _FEW:
        return _Field(first, distinct, bytes(numbers), None)
    rows: list[list[int]] = [[] for _ in range(distinct)]
    for at in range(0, len(numbers), chunk):
        for row, value in enumerate(numbers[at : at + chunk], at):
            rows[value].append(row)
        yield
    return _Field(first, distinct, numbers, rows)


# --- tokens -------------------------------------------------------------------------

_KEYS = {
    "seg": "seg",
    "segment": "seg",
    "owner": "owner",
    "person": "person",
    "who": "person",
    "status": "status",
    "health": "health",
    "phase": "phase",
    "milestone": "phase",
}
_KEY_HELP = "use seg:, owner:, person:, status:, health:, phase:"
_TOKEN = re.compile(r"([A-Za-z][A-Za-z_-]*):")

_STATUS_WORDS = {
    "planned": Status.PLANNED,
    "active": Status.ACTIVE,
    "on-hold": Status.ON_HOLD,
    "on_hold": Status.ON_HOLD,
    "hold": Status.ON_HOLD,
    "completed": Status.COMPLETED,
    "done": Status.COMPLETED,
    "cancelled": Status.CANCELLED,
    "canceled": Status.CANCELLED,
}
_STATUS_HELP = "planned, active, on-hold, completed, cancelled"

_HEALTH_WORDS = {
    "at-risk": Health.AT_RISK,
    "at_risk": Health.AT_RISK,
    "risk": Health.AT_RISK,
    "overdue": Health.OVERDUE,
    "late": Health.OVERDUE,
    "on-track": Health.ON_TRACK,
    "on_track": Health.ON_TRACK,
    "ok": Health.ON_TRACK,
    "met": Health.MET,
    "made": Health.MET,
    "missed": Health.MISSED,
    "none": Health.NONE,
}
_HEALTH_HELP = "at-risk, overdue, on-track, met, missed, none"


@dataclass(frozen=True)
class Query:
    """A parsed filter. Each token tuple holds the accepted values of one key
    (any may match); an empty tuple means that key was not given."""

    free_text: str = ""
    #: Segment ids.
    segments: tuple[str, ...] = ()
    #: Casefolded parts of an IE owner's name.
    owners: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    healths: tuple[Health, ...] = ()
    #: Casefolded milestone keys or parts of milestone names.
    phases: tuple[str, ...] = ()
    #: Casefolded parts of a name that is the IE owner, project manager or
    #: resident architect.
    people: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether this filter lets every row through."""
        return not self.free_text and not self.has_tokens

    @property
    def has_tokens(self) -> bool:
        """Whether any `key:value` token was given."""
        return bool(
            self.segments or self.owners or self.statuses or self.healths or self.phases or self.people
        )

    def _checks(self) -> list[tuple[Callable[[Row], Any], Callable[[Any], bool], bool]]:
        """Per token key given: what it reads from a row, the test of that
        value, and whether the test is worth deciding once per distinct value."""
        checks: list[tuple[Callable[[Row], Any], Callable[[Any], bool], bool]] = []
        if self.segments:
            checks.append((operator.attrgetter("segment_id"), frozenset(self.segments).__contains__, False))
        if self.statuses:
            # A tuple of enum members: `in` finds them by identity, without
            # calling Enum.__hash__ (Python code) for every row.
            checks.append((operator.attrgetter("status"), self.statuses.__contains__, False))
        if self.healths:
            checks.append((operator.attrgetter("health"), self.healths.__contains__, False))
        if self.owners:
            checks.append((operator.attrgetter("owner"), partial(_owner_matches, self.owners), True))
        if self.phases:
            milestone = operator.attrgetter("milestone_key", "milestone")
            checks.append((milestone, partial(_phase_matches, self.phases), True))
        if self.people:
            checks.append((_PEOPLE, partial(_person_matches, self.people), True))
        return checks


_PEOPLE = operator.attrgetter("owner", "project_manager", "resident_architect")


def narrows(query: Query, than: Query) -> bool:
    """Whether every row `query` matches is one `than` matches too: the
    same tokens, and free text that holds `than`'s, as the search compares
    them (lowercased), in order (one more letter typed). A row's value that
    holds the longer text as a subsequence holds the shorter one."""
    return replace(query, free_text="") == replace(than, free_text="") and _holds_in_order(
        query.free_text.lower(), than.free_text.lower()
    )


def _person_matches(people: tuple[str, ...], names: tuple[str, str, str]) -> bool:
    return any(_owner_matches(people, name) for name in names if name)


def _owner_matches(owners: tuple[str, ...], owner: str) -> bool:
    folded = owner.casefold()
    return any(part in folded for part in owners)


def _phase_matches(phases: tuple[str, ...], milestone: tuple[str | None, str]) -> bool:
    key, name = milestone
    folded_key = key.casefold() if key else None
    folded_name = name.casefold()
    return any(phase == folded_key or phase in folded_name for phase in phases)


def _words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, unquoted) for each whitespace-separated word; a
    double-quoted stretch may hold spaces."""
    word: list[Piece] = []
    for piece in chain(pieces(text), (None,)):
        if word and (piece is None or not piece.joined):
            yield word[0].start, word[-1].end, "".join(p.value for p in word)
            word = []
        if piece is None:
            return
        if not piece.closed:
            start = word[0].start if word else piece.start
            raise QueryError(
                f'unterminated quote in {text[start:]!r}; close it with "', span=(start, len(text))
            )
        word.append(piece)


def parse_query(text: str, reference: Reference) -> Query:
    """Parse filter text. Raises QueryError for an unknown key or value, a
    key without a value, or an unterminated quote."""
    free: list[str] = []
    found: dict[str, list[Any]] = {
        "seg": [],
        "owner": [],
        "person": [],
        "status": [],
        "health": [],
        "phase": [],
    }
    for start, end, word in _words(text):
        match = _TOKEN.match(text, start, end)
        if match is None:
            free.append(word)
            continue
        name = match[1].lower()
        key = _KEYS.get(name)
        if key is None:
            raise QueryError(f"unknown filter '{match[0]}'; {_KEY_HELP}", span=(start, end))
        value = word[match.end() - start :].strip().casefold()
        if not value:
            raise QueryError(f"'{match[0]}' needs a value, e.g. {_EXAMPLES[key]}", span=(start, end))
        try:
            found[key].append(_VALUE_PARSERS[key](value, reference))
        except QueryError as problem:
            raise QueryError(str(problem), span=(start, end)) from None
    return Query(
        free_text=" ".join(word for word in free if word),
        segments=_unique(found["seg"]),
        owners=_unique(found["owner"]),
        statuses=_unique(found["status"]),
        healths=_unique(found["health"]),
        phases=_unique(found["phase"]),
        people=_unique(found["person"]),
    )


@dataclass(frozen=True)
class TypedFilter:
    """Filter text as it stands while the user types it: the `query` to
    apply, and when part of the text cannot be used yet (a token half typed,
    or wrong), why (`problem`) and where (`bad`, start and end in the text)."""

    query: Query
    text: str
    problem: str = ""
    bad: tuple[int, int] | None = None

    @property
    def applied(self) -> str:
        """The part of the text `query` stands for: all of it, or what comes
        before the bad word."""
        return self.text if self.bad is None else self.text[: self.bad[0]].strip()


def read_typed(text: str, reference: Reference) -> TypedFilter:
    """`text` as a filter box applies it while the user types: all of it when
    it parses; otherwise what comes before the first word that does not (the
    filter as it was when the last complete token was typed), with that
    word marked. A half-typed word at the end (`seg:`, `health:at`) so never
    shows a filter the user did not mean, and a paste with a mistake in its
    last word still filters on the rest."""
    try:
        return TypedFilter(parse_query(text, reference), text)
    except QueryError as error:
        bad = error.span if error.span is not None else (0, len(text))
        return TypedFilter(parse_query(text[: bad[0]], reference), text, str(error), bad)


_EXAMPLES = {
    "seg": "seg:enterprise",
    "owner": 'owner:"louis jarvis"',
    "person": 'person:"andrew norrish"',
    "status": "status:active",
    "health": "health:at-risk",
    "phase": "phase:validation",
}


def _unique(values: list[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def _segment_value(value: str, reference: Reference) -> str:
    found = resolve_segment(value, reference, prefixes=True)
    if len(found) == 1:
        return found[0]
    known = ", ".join(s.id for s in reference.segments)
    if found:
        raise QueryError(f"segment '{value}' could be {', '.join(found)}; use one of {known}")
    raise QueryError(f"unknown segment '{value}'; use one of {known}")


def _owner_value(value: str, reference: Reference) -> str:
    return value


def _status_value(value: str, reference: Reference) -> Status:
    status = _STATUS_WORDS.get(value)
    if status is None:
        raise QueryError(f"unknown status '{value}'; use one of {_STATUS_HELP}")
    return status


def _health_value(value: str, reference: Reference) -> Health:
    health = _HEALTH_WORDS.get(value)
    if health is None:
        raise QueryError(f"unknown health '{value}'; use one of {_HEALTH_HELP}")
    return health


def _phase_value(value: str, reference: Reference) -> str:
    names = [(m.key.casefold(), m.name.casefold()) for m in reference.milestones]
    if any(value == key or value in name for key, name in names) or value in DONE.casefold():
        return value
    known = ", ".join([m.key for m in reference.milestones] + [DONE.casefold()])
    raise QueryError(f"unknown phase '{value}'; use one of {known}, or part of a milestone's name")


_VALUE_PARSERS: dict[str, Callable[[str, Reference], Any]] = {
    "seg": _segment_value,
    "owner": _owner_value,
    "person": _owner_value,
    "status": _status_value,
    "health": _health_value,
    "phase": _phase_value,
}


def with_tokens(
    query: Query,
    reference: Reference,
    *,
    status: Sequence[str] = (),
    health: Sequence[str] = (),
    owner: Sequence[str] = (),
) -> Query:
    """`query` with more `status:`, `health:` and `owner:` values, as if
    typed (the same words, the same refusals), but taken as given: no
    quoting, so any name will do. Every value of a key, typed or given here,
    means either (as a key repeated in the filter). Blank owners are
    ignored. Raises QueryError for an unknown status or health."""
    statuses = [*query.statuses, *(_status_value(word.strip().casefold(), reference) for word in status)]
    healths = [*query.healths, *(_health_value(word.strip().casefold(), reference) for word in health)]
    owners = [*query.owners, *(name.strip().casefold() for name in owner if name.strip())]
    return replace(query, statuses=_unique(statuses), healths=_unique(healths), owners=_unique(owners))


def unmatched_owners(owners: Iterable[str], names: Iterable[str]) -> list[str]:
    """The `owners` (parts of a name, any case, as `owner:` reads them) that
    are part of none of `names`: a typo, or someone not on the team."""
    folded = [name.casefold() for name in names if name]
    return [
        part
        for part in owners
        if part.strip() and not any(part.strip().casefold() in name for name in folded)
    ]


# --- filtering ----------------------------------------------------------------------


def filter_rows(rows: Sequence[Row], query: Query, index: FuzzyIndex | None) -> list[int]:
    """Positions (into `rows`, ascending) of the rows matching both the tokens
    and the free text of `query`. `index` must be built from `rows`; it may be
    None when the query has no free text (building it costs more than the
    filter)."""
    return Sliced(filtering(rows, query, index, sys.maxsize)).finish()


def filtering(
    rows: Sequence[Row], query: Query, index: FuzzyIndex | None, chunk: int = CHUNK
) -> Steps[list[int]]:
    """`filter_rows` in steps (`core.slices`) of about `chunk` rows each."""
    if query.free_text:
        if index is None:
            raise ValueError("free text needs a FuzzyIndex of these rows")
        if len(index) != len(rows):
            raise ValueError(f"the index has {len(index)} rows, not {len(rows)}: build it from these rows")
    positions: Sequence[int] = range(len(rows))
    if query.free_text and index is not None:
        positions = yield from index.searching(query.free_text, chunk)
    for getter, test, per_value in query._checks():
        kept: list[int] = []
        for at in range(0, len(positions), chunk):
            part = positions[at : at + chunk]
            # One C-level pass reads the field of every candidate.
            candidates = rows[at : at + chunk] if isinstance(part, range) else map(rows.__getitem__, part)
            values = list(map(getter, candidates))
            # Owners and milestones repeat (a team has few members, a
            # lifecycle few milestones): decide each distinct value once,
            # not per row.
            passes = frozenset(filter(test, set(values))).__contains__ if per_value else test
            kept.extend(compress(part, map(passes, values)))
            yield
        positions = kept
    return list(positions)


__all__ = [
    "FUZZY_FIELDS",
    "FuzzyIndex",
    "Query",
    "QueryError",
    "TypedFilter",
    "filter_rows",
    "filtering",
    "narrows",
    "parse_query",
    "read_typed",
    "unmatched_owners",
    "with_tokens",
]
