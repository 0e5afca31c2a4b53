"""Customers as the lookup knows them: one record per customer, and the
search that finds one from a few typed letters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from ps_tui.core.model import Deployment, Hosting, Implementation
from ps_tui.core.offerings.rules import SELF_HOSTED_DEPLOYMENTS, SELF_HOSTED_HOSTINGS
from ps_tui.core.text import LINE_NUMBER, folded, subsequence_pattern


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """What the store knows about one customer (from its latest implementation)."""

    name: str
    segment: str | None = None
    developers: int | None = None
    #: None when not recorded; 0 is a recorded zero.
    arr: int | None = None
    deployment: Deployment | None = None
    hosting: Hosting | None = None
    #: Where the record comes from, e.g. the implementation id.
    source: str = ""

    @property
    def self_hosted_kubernetes(self) -> bool:
        """Whether the stored deployment makes Implementation Services mandatory."""
        return self.deployment in SELF_HOSTED_DEPLOYMENTS or self.hosting in SELF_HOSTED_HOSTINGS

    def describe_deployment(self) -> str:
        parts = [p.label for p in (self.deployment, self.hosting) if p is not None]
        return " on ".join(parts)


def customers_from_implementations(implementations: Iterable[Implementation]) -> list[CustomerRecord]:
    """One record per customer name (case-insensitive), from the latest of its
    implementations: the latest kickoff, then the later one in the store."""
    latest: dict[str, tuple[tuple[dt.date, int], Implementation]] = {}
    for index, impl in enumerate(implementations):
        key = impl.customer.strip().casefold()
        rank = (impl.kickoff or dt.date.min, index)
        held = latest.get(key)
        if held is None or rank >= held[0]:
            latest[key] = (rank, impl)
    records = [
        CustomerRecord(
            name=impl.customer.strip(),
            segment=impl.segment,
            developers=impl.developers,
            arr=impl.arr,
            deployment=impl.deployment,
            hosting=impl.hosting,
            source=impl.id,
        )
        for _, impl in latest.values()
    ]
    records.sort(key=lambda record: record.name.casefold())
    return records


#: Match kinds, best first.
EXACT, PREFIX, WORD, SUBSTRING, FUZZY = range(5)
#: What starts a new word inside a customer name ("Weyland-Yutani", "A & B").
WORD_SEPARATORS = " -/&(.,"


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    record: CustomerRecord
    kind: int


class CustomerIndex:
    """Case-insensitive customer search: exact name, then prefix, then the
    start of a later word, then anywhere, then the letters in order (as
    Textual's fuzzy matcher and the Implementations filter do). Shorter names
    first within a kind.

    Each kind is one regex pass (in C) over a haystack holding every name
    once, and a search stops at the first kinds that fill its `limit`, so a
    keystroke stays cheap with many thousands of customers."""

    __slots__ = ("_exact", "_haystack", "_names", "_order", "_records")

    def __init__(self, records: Sequence[CustomerRecord]) -> None:
        self._records = list(records)
        #: Casefolded, whitespace collapsed to single spaces (so no newlines).
        self._names = [folded(r.name.replace("\x01", " ")) for r in self._records]
        self._exact: dict[str, list[int]] = {}
        for number, name in enumerate(self._names):
            self._exact.setdefault(name, []).append(number)
        #: Each record's place in (length, name) order: the order within a kind.
        ranked = sorted(range(len(self._names)), key=lambda n: (len(self._names[n]), self._names[n]))
        self._order = [0] * len(ranked)
        for place, number in enumerate(ranked):
            self._order[number] = place
        # One line per record: the name, \x01, the record's index; \n before each.
        self._haystack = "\n" + "".join(f"{name}\x01{i}\n" for i, name in enumerate(self._names))

    def __len__(self) -> int:
        return len(self._records)

    def search(self, text: str, limit: int = 6) -> list[CustomerMatch]:
        """The best `limit` matches for `text`, best first."""
        query = folded(text)
        if not query or any(char < " " for char in query):
            return []
        found: list[CustomerMatch] = []
        seen: set[int] = set()
        for kind, numbers in self._kinds(query):
            fresh = [n for n in dict.fromkeys(numbers) if n not in seen]
            fresh.sort(key=self._order.__getitem__)
            found.extend(CustomerMatch(self._records[n], kind) for n in fresh[: limit - len(found)])
            seen.update(fresh)
            if len(found) >= limit:
                break
        return found

    def _kinds(self, query: str) -> Iterator[tuple[int, Iterable[int]]]:
        """(kind, record numbers) for each kind of match, best kind first; a
        number may repeat in later kinds (the search skips those)."""
        haystack = self._haystack
        escaped = re.escape(query)
        # The rest of the line, capturing the record number at its end.
        rest = LINE_NUMBER
        yield EXACT, self._exact.get(query, [])
        # Patterns that start with a literal are the fast ones: a line starts
        # after \n (the haystack starts with one), a word after a separator.
        yield PREFIX, map(int, re.findall(f"\n{escaped}{rest}", haystack))
        yield (
            WORD,
            chain.from_iterable(
                map(int, re.findall(f"{re.escape(separator)}{escaped}{rest}", haystack))
                for separator in WORD_SEPARATORS
            ),
        )
        yield SUBSTRING, map(int, re.findall(f"{escaped}{rest}", haystack))
        # The letters in order, as the Implementations filter finds them.
        yield FUZZY, map(int, filter(None, subsequence_pattern(query).findall(haystack)))


#: A customer text this short picks a customer only as the prefix of exactly
#: one name: any other match is luck (the letter happens to be somewhere).
SHORT_QUERY = 1


def unsure_match(text: str, index: CustomerIndex, limit: int = 6) -> list[str]:
    """The candidates, when `text` is too short to pick a customer by luck
    (one letter that is not the start of exactly one name); [] when the
    match may be trusted."""
    query = folded(text)
    if len(query) > SHORT_QUERY:
        return []
    matches = index.search(query, limit=limit)
    starts = [m for m in matches if m.kind in (EXACT, PREFIX)]
    if len(starts) == 1 or not matches:
        return []
    return [m.record.name for m in matches]
