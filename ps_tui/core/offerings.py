"""Offerings lookup: "can this customer buy X, and can we discount?"

Pure logic, shared by the Offerings screen and `ps-tui lookup`. The rules are
the store's data (`Reference.segments`, `.offerings`, `.discounts`); nothing
here names a segment, an offering or a threshold except the one rule the
model has no field for (Implementation Services is mandatory for a
self-hosted Kubernetes deployment), see `MANDATORY_OFFERING`.

The pipeline:

1. `parse_lookup(text, reference)` turns what was typed into an explicit
   `LookupInput` (customer text, segment id, developer count, ARR) plus the
   problems found (an ambiguous bare number, a bad amount), which do not stop
   the rest of the text from being understood.
2. `lookup(input, reference, customers)` decides the segment (and why),
   eligibility, the discount and the notes, as an `Answer`. It raises
   `LookupProblem` when no segment can be decided at all.
3. `Answer.to_json()` is what `ps-tui lookup --json` prints; `Answer.to_text()`
   what `y` copies.

Precedence, most explicit first: a segment given > a developer count given >
the customer's stored segment. ARR given > the customer's stored ARR. Every
disagreement between them is reported in the notes, never hidden.

The discount is the first rule of the segment that matches the ARR
(`arr_above < ARR <= arr_at_most`, each bound optional). When the ARR is not
known and the segment's rules depend on it, the answer is conservative: status
`unavailable` (no discount can be promised yet), the rule names every rule the
ARR would choose between, and a note asks for the ARR. The JSON status stays
one of the three the handbook knows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from ps_tui.core.model import (
    Deployment,
    DiscountRule,
    DiscountStatus,
    Hosting,
    Implementation,
    Offering,
    Reference,
    Segment,
)
from ps_tui.core.parse import ParseError, format_money, parse_amount

#: The offering that is mandatory for a self-hosted Kubernetes deployment (or
#: one on external infrastructure). The model has no field for this rule yet,
#: so it lives here, in one place.
MANDATORY_OFFERING = "implementation_services"
MANDATORY_RULE = (
    "Implementation Services is mandatory for a self-hosted Kubernetes deployment, "
    "or one that uses external (not built-in) infrastructure or services."
)
#: Stored deployments and hostings that make Implementation Services mandatory.
SELF_HOSTED_DEPLOYMENTS = frozenset({Deployment.KUBERNETES_HELM})
SELF_HOSTED_HOSTINGS = frozenset({Hosting.ON_PREMISE})

#: How the answer says it when no lookup was typed.
LOOKUP_HELP = (
    "a customer (fuzzy), a segment (smb, mm, ent, strat), "
    "a developer count (1200 devs) and/or an ARR (150k, $1.2M, arr 90000)"
)


class LookupProblem(ValueError):
    """The lookup cannot be answered; the message says why and what to give."""


# --- customers ------------------------------------------------------------------------


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
        self._names = [" ".join(r.name.casefold().replace("\x01", " ").split()) for r in self._records]
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

    @property
    def records(self) -> list[CustomerRecord]:
        return list(self._records)

    def search(self, text: str, limit: int = 6) -> list[CustomerMatch]:
        """The best `limit` matches for `text`, best first."""
        query = " ".join(text.casefold().split())
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
        rest = "[^\x01\n]*+\x01([0-9]+)"
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
        # The letters in order: from the first occurrence of the first letter,
        # skip possessively to each next one; a line where that fails is
        # swallowed whole with an empty capture, so it is tried only once.
        tail = "".join(f"[^{re.escape(c)}\x01\n]*+{re.escape(c)}" for c in query[1:])
        fuzzy = f"{re.escape(query[0])}(?:{tail}{rest}|[^\n]*+)"
        yield FUZZY, map(int, filter(None, re.findall(fuzzy, haystack)))


# --- parsing what was typed -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LookupInput:
    """An explicit lookup: what the CLI's flags or the parsed lookup bar say."""

    customer: str | None = None
    #: A segment id from the reference data.
    segment: str | None = None
    developers: int | None = None
    arr: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.customer is None and self.segment is None and self.developers is None and self.arr is None


@dataclass(frozen=True, slots=True)
class ParsedLookup:
    input: LookupInput
    #: Words that could not be understood, and why; the rest still counts.
    problems: tuple[str, ...] = ()


#: Words that make a number a developer count ("1200 devs", "1200 developers");
#: the first four may also come before it ("devs 1200").
DEVELOPER_WORDS = ("dev", "devs", "developer", "developers", "engineers")
_LEADING_DEVELOPER_WORDS = DEVELOPER_WORDS[:4]
#: Words that make a number an ARR ("90000 arr", "90k usd").
ARR_WORDS = ("arr", "usd")
_KEYED = re.compile(r"^(seg|segment|devs?|developers?|arr)[:=](.*)$", re.I)
_NUMBERISH = re.compile(r"^(?:[-+]?\$|[-+]?\d|[-+]?\.\d|\$)")
_ATTACHED_DEVS = re.compile(r"^(.*?\d)(devs?|developers?)$", re.I)
#: A number that can only be money: a $, a k/M/B scale, or usd/arr attached.
_MONEY_SHAPE = re.compile(r"\$|\d(?:k|m|mm|b)(?:usd|arr)?$|(?:usd|arr)$", re.I)


def _is_developer_word(word: str) -> bool:
    """`devs`, `developers`, or while typing any start of `developers` (`d`, `de`)."""
    return word in DEVELOPER_WORDS or (bool(word) and "developers".startswith(word))


def segment_words(reference: Reference) -> dict[str, str]:
    """Every word or phrase that names a segment (casefolded) -> the segment id."""
    words: dict[str, str] = {}
    for segment in reference.segments:
        for name in (segment.id, segment.name, *segment.aliases):
            words.setdefault(" ".join(name.casefold().split()), segment.id)
    return words


def parse_segment(text: str, reference: Reference) -> str:
    """A segment id from its id, name or an alias, any case. Raises ParseError."""
    word = " ".join(text.casefold().split())
    segment = segment_words(reference).get(word)
    if segment is None:
        known = ", ".join(s.id for s in reference.segments) or "none defined"
        shown = text.strip()
        if not shown:
            raise ParseError(f"a segment is required; use one of {known}")
        raise ParseError(f"unknown segment {shown!r}; use one of {known} (or a name or alias)")
    return segment


def parse_developers(text: str) -> int:
    """A developer count from `1200`, `1,200`, `1.2k`, `1200 devs`. Raises ParseError."""
    stripped = text.strip()
    match = re.fullmatch(r"(.*?)\s*(?:devs?|developers?|engineers)", stripped, re.I)
    number = (match[1] if match else stripped).replace(",", "").replace("_", "")
    if not number:
        raise ParseError("a developer count is required, e.g. 1200 or 1,200")
    if number.startswith("-"):
        raise ParseError(f"{stripped!r}: a developer count cannot be negative")
    scale = 1
    if number[-1:] in ("k", "K"):
        number, scale = number[:-1], 1_000
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", number):
        raise ParseError(f"{stripped!r} is not a developer count; use e.g. 1200, 1,200 or 1.2k")
    value = Decimal(number) * scale  # exact: 1.1k is 1100, not 1100.0000000000002
    if value != int(value):
        raise ParseError(f"{stripped!r} is not a whole number of developers")
    if value > 10_000_000:
        raise ParseError(f"{stripped!r} is too many developers")
    return int(value)


@dataclass
class _Token:
    value: str
    quoted: bool

    @property
    def word(self) -> str:
        return self.value.casefold()


def _tokens(text: str) -> list[_Token]:
    """Whitespace-separated words; a double-quoted stretch is one word (and is
    always customer text). An unclosed quote runs to the end: it is being typed."""
    tokens: list[_Token] = []
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
        elif text[index] == '"':
            close = text.find('"', index + 1)
            end = length if close < 0 else close
            value = " ".join(text[index + 1 : end].split())
            if value:
                tokens.append(_Token(value, quoted=True))
            index = end + 1
        else:
            end = index
            while end < length and not text[end].isspace() and text[end] != '"':
                end += 1
            tokens.append(_Token(text[index:end], quoted=False))
            index = end
    return tokens


@dataclass
class _Found:
    customer: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    developers: list[int] = field(default_factory=list)
    arrs: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def developer_count(self, text: str) -> None:
        try:
            self.developers.append(parse_developers(text))
        except ParseError as error:
            self.problems.append(str(error))

    def amount(self, text: str) -> None:
        try:
            self.arrs.append(parse_amount(text))
        except ParseError as error:
            self.problems.append(str(error))

    def segment(self, text: str, reference: Reference) -> None:
        try:
            self.segments.append(parse_segment(text, reference))
        except ParseError as error:
            self.problems.append(str(error))


def parse_lookup(text: str, reference: Reference) -> ParsedLookup:
    """Understand a lookup bar: each word is a segment (id, name or alias, any
    case), a developer count (`1200 devs`, `1,200 developers`, `devs:1200`), an
    ARR (`150k`, `$1.2M`, `arr 90000`, `90000 usd`) or customer text. A bare
    number (`1200`) is neither until a unit says which. Quoted text is always
    customer text. When a value is given twice the last one counts."""
    found = _Found()
    words = segment_words(reference)
    longest = max((len(w.split()) for w in words), default=1)
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) and not tokens[i + 1].quoted else None
        if token.quoted:
            found.customer.append(token.value)
            i += 1
            continue
        word = token.word
        keyed = _KEYED.match(token.value)
        if keyed:
            key, value = keyed[1].casefold(), keyed[2]
            i += 1
            if not value and following is not None:
                value, i = following.value, i + 1
            if not value:
                example = {"arr": "arr:150k", "seg": "seg:ent", "segment": "segment:ent"}.get(
                    key, "devs:1200"
                )
                found.problems.append(f"{keyed[1]}{token.value[len(keyed[1])]} needs a value, e.g. {example}")
            elif key in ("seg", "segment"):
                found.segment(value, reference)
            elif key == "arr":
                found.amount(value)
            else:
                found.developer_count(value)
            continue
        phrase = _segment_phrase(tokens, i, words, longest)
        if phrase:
            segment_id, used = phrase
            found.segments.append(segment_id)
            i += used
            continue
        if word == "arr":
            if following is not None and _NUMBERISH.match(following.value):
                found.amount(following.value)
                i += 2
            else:
                found.problems.append("'arr' needs an amount after it, e.g. arr 150k")
                i += 1
            continue
        if word in _LEADING_DEVELOPER_WORDS and following is not None and _NUMBERISH.match(following.value):
            found.developer_count(following.value)
            i += 2
            continue
        if word in _LEADING_DEVELOPER_WORDS:
            found.problems.append(f"{token.value!r} needs a number before it, e.g. 1200 {token.value}")
            i += 1
            continue
        if _NUMBERISH.match(token.value):
            i += 1 + _number(token.value, following, found)
            continue
        found.customer.append(token.value)
        i += 1
    return ParsedLookup(
        LookupInput(
            customer=" ".join(found.customer) or None,
            segment=found.segments[-1] if found.segments else None,
            developers=found.developers[-1] if found.developers else None,
            arr=found.arrs[-1] if found.arrs else None,
        ),
        tuple(found.problems + _twice(found, reference)),
    )


def _segment_phrase(
    tokens: list[_Token], start: int, words: dict[str, str], longest: int
) -> tuple[str, int] | None:
    """(segment id, words used) for the longest segment phrase at `start`."""
    for size in range(min(longest, len(tokens) - start), 0, -1):
        window = tokens[start : start + size]
        if any(t.quoted for t in window):
            continue
        segment_id = words.get(" ".join(t.word for t in window))
        if segment_id is not None:
            return segment_id, size
    return None


def _number(value: str, following: _Token | None, found: _Found) -> int:
    """Classify a number-like word; returns how many following words it used."""
    attached = _ATTACHED_DEVS.match(value)
    if attached:
        found.developer_count(attached[1])
        return 0
    next_word = following.word if following is not None else None
    if next_word is not None and _is_developer_word(next_word):
        found.developer_count(value)
        return 1
    if next_word in ARR_WORDS:
        found.amount(value)
        return 1
    if _MONEY_SHAPE.search(value):
        found.amount(value)
        return 0
    if value.lstrip("+").startswith("-"):
        found.problems.append(f"{value!r}: a number cannot be negative")
        return 0
    found.problems.append(
        f"{value!r}: a developer count or an ARR? write {value} devs, or ${value} / arr {value}"
    )
    return 0


def _twice(found: _Found, reference: Reference) -> list[str]:
    problems = []
    if len(set(found.segments)) > 1:
        names = ", ".join(reference.segment_name(s) for s in dict.fromkeys(found.segments))
        problems.append(
            f"several segments ({names}): using the last, {reference.segment_name(found.segments[-1])}"
        )
    if len(set(found.developers)) > 1:
        counts = ", ".join(f"{n:,}" for n in dict.fromkeys(found.developers))
        problems.append(f"several developer counts ({counts}): using the last, {found.developers[-1]:,}")
    if len(set(found.arrs)) > 1:
        amounts = ", ".join(money(a) for a in dict.fromkeys(found.arrs))
        problems.append(f"several ARRs ({amounts}): using the last, {money(found.arrs[-1])}")
    return problems


def with_segment(text: str, segment_id: str, reference: Reference) -> str:
    """The lookup text with its segment words replaced by `segment_id` (what
    picking a column in the matrix does): every other word is kept as typed."""
    words = segment_words(reference)
    longest = max((len(w.split()) for w in words), default=1)
    tokens = _tokens(text)
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        keyed = _KEYED.match(token.value)
        if keyed and keyed[1].casefold() in ("seg", "segment"):
            has_value = bool(keyed[2]) or i + 1 >= len(tokens) or tokens[i + 1].quoted
            i += 1 if has_value else 2
            continue
        phrase = None if token.quoted else _segment_phrase(tokens, i, words, longest)
        if phrase:
            i += phrase[1]
            continue
        kept.append(f'"{token.value}"' if token.quoted else token.value)
        i += 1
    return " ".join([*kept, segment_id])


# --- the answer -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferingAnswer:
    offering: Offering
    eligible: bool


@dataclass(frozen=True, slots=True)
class DiscountAnswer:
    status: DiscountStatus
    #: The deciding rule's label, or what the decision waits for.
    rule: str
    #: The approval note when a discount is (or may be) possible, else "".
    approval: str
    #: False when the ARR is needed and not known (status is then conservative).
    decided: bool = True
    #: The rule that decided, when one did.
    matched: DiscountRule | None = None
    #: The rules the ARR would choose between, when it is not known.
    candidates: tuple[DiscountRule, ...] = ()

    @property
    def label(self) -> str:
        """`Discounting available`, ..., or `Depends on the ARR` when undecided."""
        return self.status.label if self.decided else "Depends on the ARR"


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything the screen shows and the CLI prints for one lookup."""

    input: LookupInput
    segment: Segment
    segment_reason: str
    offerings: tuple[OfferingAnswer, ...]
    discount: DiscountAnswer
    #: Answer-specific notes: conflicts first, then what else applies.
    notes: tuple[str, ...]
    #: The customer the lookup matched, if any.
    customer: CustomerRecord | None = None
    #: The ARR the discount used, and where it came from ("as given", "from X's record").
    arr: int | None = None
    arr_source: str = ""
    #: Notes that report a disagreement between inputs (also in `notes`).
    conflicts: tuple[str, ...] = ()
    #: The note about which customer the text matched (also in `notes`), or "".
    customer_note: str = ""
    #: The note about the ARR the discount used or needs (also in `notes`), or "".
    discount_note: str = ""
    #: Non-fatal problems (an unmatched customer text when other input decided).
    problems: tuple[str, ...] = ()
    #: Other customers the text also matched, best first.
    alternatives: tuple[str, ...] = ()
    #: Whether Implementation Services is mandatory for this customer.
    mandatory_implementation: bool = False

    @property
    def eligible(self) -> list[Offering]:
        return [o.offering for o in self.offerings if o.eligible]

    @property
    def ineligible(self) -> list[Offering]:
        return [o.offering for o in self.offerings if not o.eligible]

    @property
    def title(self) -> str:
        """`Initech: Enterprise`, or just the segment."""
        if self.customer is not None:
            return f"{self.customer.name}: {self.segment.name}"
        return self.segment.name

    def to_json(self) -> dict[str, object]:
        """The object `ps-tui lookup --json` prints, exactly."""
        return {
            "segment": self.segment.name,
            "segment_reason": self.segment_reason,
            "offerings": [{"name": o.offering.name, "eligible": o.eligible} for o in self.offerings],
            "discount": {
                "status": self.discount.status.value,
                "rule": self.discount.rule,
                "approval": self.discount.approval,
            },
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        """A short plain-text answer, for the clipboard or a terminal."""
        names = ", ".join(o.name for o in self.eligible) or "nothing"
        not_names = ", ".join(o.name for o in self.ineligible) or "nothing"
        discount = f"Discount: {self.discount.label} ({self.discount.rule})."
        if self.discount.approval:
            discount += f" {self.discount.approval}"
        lines = [
            f"{self.title} ({self.segment_reason})",
            f"May buy: {names}",
            f"May not buy: {not_names}",
            discount,
            *(f"Note: {note}" for note in self.notes),
        ]
        return "\n".join(lines)


def segment_for_developers(developers: int, reference: Reference) -> Segment | None:
    """The segment whose developer range holds `developers` (bounds inclusive)."""
    for segment in reference.segments:
        upper = segment.max_developers
        if segment.min_developers <= developers and (upper is None or developers <= upper):
            return segment
    return None


def developer_range(segment: Segment) -> str:
    """`501-2,500` or `2,501+`."""
    if segment.max_developers is None:
        return f"{segment.min_developers:,}+"
    return f"{segment.min_developers:,}-{segment.max_developers:,}"


def money(amount: int) -> str:
    """Compact dollars when exact ($150k, $1.2M), else every dollar ($99,999):
    near a threshold, rounding would hide the very difference that decides."""
    compact = format_money(amount)
    try:
        exact = parse_amount(compact) == amount
    except ParseError:
        exact = False
    return compact if exact else f"${amount:,}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _count(developers: int) -> str:
    return f"{developers:,} developer{'' if developers == 1 else 's'}"


def lookup(
    query: LookupInput,
    reference: Reference,
    customers: CustomerIndex | Sequence[CustomerRecord] = (),
) -> Answer:
    """Answer a lookup. Raises LookupProblem when nothing was given, when the
    customer text matches no customer and nothing else decides the segment,
    or when no segment can be decided."""
    if query.is_empty:
        raise LookupProblem(f"nothing to look up: give {LOOKUP_HELP}")
    index = customers if isinstance(customers, CustomerIndex) else CustomerIndex(customers)
    customer: CustomerRecord | None = None
    alternatives: tuple[str, ...] = ()
    customer_note = discount_note = ""
    problems: list[str] = []
    notes: list[str] = []
    conflicts: list[str] = []
    if query.customer is not None:
        matches = index.search(query.customer)
        if matches:
            customer = matches[0].record
            alternatives = tuple(m.record.name for m in matches[1:4])
            if matches[0].kind != EXACT:
                also = f"; also matches {', '.join(alternatives)}" if alternatives else ""
                customer_note = f"Customer {query.customer!r} matched {customer.name}{also}."
                notes.append(customer_note)
        else:
            problems.append(f"no customer matches {query.customer!r}")

    segment, reason = _decide_segment(query, reference, customer, conflicts, notes, problems)

    offerings = tuple(OfferingAnswer(o, segment.id in o.segments) for o in reference.offerings)

    arr, arr_source, arr_conflict = query.arr, "as given", False
    if arr is None and customer is not None and customer.arr is not None:
        arr, arr_source = customer.arr, f"from {_possessive(customer.name)} record"
    elif arr is not None and customer is not None and customer.arr is not None and customer.arr != arr:
        arr_conflict = True
        conflicts.append(
            f"Conflict: ARR given as {money(arr)}, but {_possessive(customer.name)} record says "
            f"{money(customer.arr)}: the answer uses {money(arr)}."
        )
    if arr is None:
        arr_source = ""
    discount = decide_discount(segment, arr, reference)
    if not discount.decided:
        # Never decided as if the ARR were 0: say that it is unknown, and why.
        options = "; ".join(f"{rule.label} -> {rule.status.label.lower()}" for rule in discount.candidates)
        unknown = "ARR unknown"
        if customer is not None:
            unknown += f": {_possessive(customer.name)} record has none"
        discount_note = (
            f"{unknown}. The {segment.name} discount depends on the ARR: {options}. Give the ARR (e.g. 150k)."
        )
    elif discount.matched is not None and _depends_on_arr(segment.id, reference) and arr is not None:
        discount_note = f"ARR {money(arr)}, {arr_source}."
    elif discount.matched is None:
        discount_note = f"The store has no discount rule for {segment.name}: no discount can be offered."
    # An ARR conflict already says which ARR was used: not twice in the notes.
    if discount_note and not arr_conflict:
        notes.append(discount_note)

    mandatory = False
    if customer is not None and customer.self_hosted_kubernetes:
        mandatory = True
        how = customer.describe_deployment()
        note = f"Implementation Services is mandatory for {customer.name}: self-hosted ({how})"
        service = next((o for o in offerings if o.offering.id == MANDATORY_OFFERING), None)
        if service is not None and not service.eligible:
            note += f", but {segment.name} may not buy it: raise this with PS leadership"
        notes.append(note + ".")

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
        conflicts=tuple(conflicts),
        customer_note=customer_note,
        discount_note=discount_note,
        problems=tuple(problems),
        alternatives=alternatives,
        mandatory_implementation=mandatory,
    )


def _decide_segment(
    query: LookupInput,
    reference: Reference,
    customer: CustomerRecord | None,
    conflicts: list[str],
    notes: list[str],
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
        segment_id = segment_words(reference).get(" ".join(query.segment.casefold().split()), query.segment)
        segment = reference.segment(query.segment) or reference.segment(segment_id)
        if segment is None:
            known = ", ".join(s.id for s in reference.segments)
            raise LookupProblem(f"unknown segment {query.segment!r}; use one of {known}")
        reason = f"segment given: {segment.name}"
        if query.developers is not None and by_developers is not None and by_developers.id != segment.id:
            conflicts.append(
                f"Conflict: {_count(query.developers)} would be {by_developers.name}, "
                f"but the segment was given as {segment.name}: the answer uses {segment.name}."
            )
        if stored is not None and customer is not None and stored.id != segment.id:
            conflicts.append(
                f"Conflict: {customer.name} is stored as {stored.name}, "
                f"but the segment was given as {segment.name}: the answer uses {segment.name}."
            )
        return segment, reason

    if query.developers is not None:
        if by_developers is None:
            ranges = ", ".join(f"{s.name} {developer_range(s)}" for s in reference.segments)
            raise LookupProblem(
                f"no segment covers {_count(query.developers)} (segments: {ranges or 'none'})"
            )
        reason = f"{_count(query.developers)} -> {by_developers.name} ({developer_range(by_developers)})"
        if stored is not None and customer is not None and stored.id != by_developers.id:
            conflicts.append(
                f"Conflict: {customer.name} is stored as {stored.name}, but {_count(query.developers)} "
                f"-> {by_developers.name}: the answer uses the developer count given."
            )
        return by_developers, reason

    if customer is not None:
        if stored is None:
            raise LookupProblem(
                f"{_possessive(customer.name)} record has segment {customer.segment!r}, "
                "which the store does not define; give a segment or a developer count"
            )
        reason = f"{customer.name} is stored as {stored.name}"
        if customer.developers is not None:
            reason += f" ({_count(customer.developers)})"
            would_be = segment_for_developers(customer.developers, reference)
            if would_be is not None and would_be.id != stored.id:
                notes.append(
                    f"{_possessive(customer.name)} record has {_count(customer.developers)}, which would be "
                    f"{would_be.name}: the answer uses the stored segment, {stored.name}."
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


# --- related rules ----------------------------------------------------------------------


def arr_range(rule: DiscountRule, reference: Reference | None = None) -> str:
    """A rule's ARR bounds in words: `any ARR`, `above $100k`, `up to $100k`;
    `otherwise` for a rule without bounds after others of its segment (the
    first match wins, so it only sees what they left)."""
    above, at_most = rule.arr_above, rule.arr_at_most
    if above is None and at_most is None:
        if reference is not None:
            for earlier in reference.discounts.rules:
                if earlier is rule:
                    break
                if earlier.segment == rule.segment:
                    return "otherwise"
        return "any ARR"
    if at_most is None:
        return f"above {money(above or 0)}"
    if above is None:
        return f"up to {money(at_most)}"
    return f"{money(above)} to {money(at_most)}"


def package_summary(reference: Reference) -> list[tuple[str, str, str]]:
    """(offering id, package name, hours and timebox) for every package."""
    rows = []
    for package in reference.packages:
        hours = f"{package.hours:,} hours" + (" per year" if package.per == "year" else "")
        if package.timebox_days:
            hours += f", {package.timebox_days}-day timebox"
        rows.append((package.offering, package.name, hours))
    return rows


def slack_summary(reference: Reference) -> list[tuple[Offering, str]]:
    """(offering, what Slack support it includes) for offerings that say."""
    return [(o, o.slack_support) for o in reference.offerings if o.slack_support]


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
