"""Reading a lookup: the lookup bar's free text, or the separate values of
the CLI's flags and the server's query parameters, into a `LookupInput`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ps_tui.core.model import Reference
from ps_tui.core.offerings.rules import money
from ps_tui.core.parse import ParseError, parse_amount
from ps_tui.core.segments import resolve_segment, segment_words
from ps_tui.core.text import pieces


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


def parse_segment(text: str, reference: Reference) -> str:
    """A segment id from its id, name or an alias, any case. Raises ParseError."""
    found = resolve_segment(text, reference)
    if not found:
        known = ", ".join(s.id for s in reference.segments) or "none defined"
        shown = text.strip()
        if not shown:
            raise ParseError(f"a segment is required; use one of {known}")
        raise ParseError(f"unknown segment {shown!r}; use one of {known} (or a name or alias)")
    return found[0]


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
    for piece in pieces(text):
        value = " ".join(piece.value.split()) if piece.quoted else piece.value
        if value:
            tokens.append(_Token(value, piece.quoted))
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
