"""The layout of a TOML store's text: its sections and, within one, its items.

A surgical save must know where each value of the store stands in the file:
which `[table]` or `[[array]]` section holds it, and which lines hold each
`key = value`. `outline` finds the sections; `lex` splits a section into items
(headers, key/values with the span of the value and any trailing comment,
blank and comment lines). Both work on the text as written, so the editor can
change a value's bytes and leave every other byte where it was.

The file was already parsed by `tomllib` when it was loaded, so these scanners
need not reject bad TOML; they only need to follow good TOML exactly.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

# One token of TOML text. Strings first (they may hold any other token's
# characters), multi-line ones before single-line ones.
TOKEN = re.compile(
    r'''(?P<s>"""(?:[^"\\]|\\[\s\S]|""?(?!"))*"{3,5}'''
    r"""|'''(?:[^']|''?(?!'))*'{3,5}"""
    r'''|"(?:[^"\\\r\n]|\\.)*"'''
    r"""|'[^'\r\n]*')"""
    r"|(?P<c>#[^\r\n]*)"
    r"|(?P<n>\r?\n)"
    r"|(?P<o>[\[{])"
    r"|(?P<x>[\]}])"
    r"|(?P<t>[^\"'#\r\n\[\]{}]+|\r)"
)

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

#: A line that looks like a table header. Cheap to find with one regex over
#: the whole text (it starts with a newline, which the regex engine finds
#: fast); `outline` checks the result, since such a line may also sit inside
#: a multi-line string or array.
_HEADER = r"""\n(?P<h>[ \t]*(?P<open>\[\[?){skip}[ \t]*(?P<key>[^\[\]\r\n#]*?)[ \t]*(?P<close>\]\]?)
    [ \t]*(?:\#[^\r\n]*)?\r?)(?=\n|$)"""
_HEADER_LINE = re.compile(_HEADER.format(skip=""), re.X)
#: The same, but for an implementation's own sub-tables (`[[implementations.milestones]]`).
_TOP_HEADER_LINE = re.compile(_HEADER.format(skip=r"(?![ \t]*implementations[ \t]*\.)"), re.X)

Path = tuple[str | int, ...]


def parse_key(text: str) -> tuple[str, ...]:
    """The parts of a (possibly dotted, possibly quoted) TOML key."""
    parts = [part.strip() for part in text.split(".")]
    if all(BARE_KEY.fullmatch(part) for part in parts):
        return tuple(parts)
    # Quoted parts may hold dots or escapes: let tomllib read the key.
    data: object = tomllib.loads(f"{text.strip()} = 0")
    found: list[str] = []
    while isinstance(data, dict):
        ((name, data),) = data.items()
        found.append(name)
    return tuple(found)


@dataclass
class Item:
    """One logical line (or lines) of a section.

    kind: "table" or "array" (a header), "kv", or "trivia" (blank or comment).
    `start`..`end` covers the whole item with its newline; for a "kv",
    `value_start`..`value_end` is the value as written."""

    kind: str
    key: tuple[str, ...]
    start: int
    end: int
    value_start: int = 0
    value_end: int = 0


def lex(text: str, start: int = 0, end: int | None = None) -> list[Item]:
    """The items of `text[start:end]`, which must begin at a line start."""
    stop = len(text) if end is None else end
    items: list[Item] = []
    phase = "start"
    item_start = start
    key_parts: list[str] = []
    header: list[str] = []
    depth = 0
    value_start = value_end = -1

    def note_value(token_start: int, token: str) -> None:
        nonlocal value_start, value_end
        stripped = token.strip()
        if not stripped:
            return
        lead = len(token) - len(token.lstrip())
        if value_start < 0:
            value_start = token_start + lead
        value_end = token_start + len(token.rstrip())

    for match in TOKEN.finditer(text, start, stop):
        kind = match.lastgroup
        token = match.group()
        at = match.start()
        if phase == "start":
            if kind == "t" and not token.strip():
                continue
            if kind == "n":
                items.append(Item("trivia", (), item_start, match.end()))
                item_start = match.end()
            elif kind == "c":
                phase = "comment"
            elif kind == "o" and token == "[":
                phase, header = "header", [token]
            else:
                phase, key_parts = "key", []
            if phase != "key":
                continue
        if phase == "key":
            phase = _key_token(token, kind, key_parts, phase)
            if phase == "value":
                depth, value_start, value_end = 0, -1, -1
                rest = token[token.index("=") + 1 :]
                note_value(at + len(token) - len(rest), rest)
            continue
        if phase == "value":
            if kind == "n" and depth == 0:
                items.append(
                    Item("kv", parse_key("".join(key_parts)), item_start, match.end(), value_start, value_end)
                )
                phase, item_start = "start", match.end()
            elif kind == "o":
                depth += 1
                note_value(at, token)
            elif kind == "x":
                depth -= 1
                note_value(at, token)
            elif kind in ("s", "t"):
                note_value(at, token)
            continue
        if kind == "n":
            if phase == "header":
                items.append(_header_item("".join(header), item_start, match.end()))
            else:
                items.append(Item("trivia", (), item_start, match.end()))
            phase, item_start = "start", match.end()
        elif phase == "header" and kind != "c":
            header.append(token)
    if item_start < stop:
        if phase == "value":
            items.append(Item("kv", parse_key("".join(key_parts)), item_start, stop, value_start, value_end))
        elif phase == "header":
            items.append(_header_item("".join(header), item_start, stop))
        else:
            items.append(Item("trivia", (), item_start, stop))
    return items


def _key_token(token: str, kind: str | None, key_parts: list[str], phase: str) -> str:
    """Add a token to the key being read; "value" once the `=` is reached."""
    if kind == "t" and "=" in token:
        key_parts.append(token[: token.index("=")])
        return "value"
    key_parts.append(token)
    return phase


def _header_item(raw: str, start: int, end: int) -> Item:
    inner = raw.strip()
    array = inner.startswith("[[")
    inner = inner[2:-2] if array else inner[1:-1]
    return Item("array" if array else "table", parse_key(inner), start, end)


@dataclass
class Section:
    """A table or array-of-tables element: from its header line to the next.

    `path` is where its data sits in the parsed document, array indices
    included: `("implementations", 3, "milestones", 0)`. The root section
    (keys before the first header) has the path `()`."""

    path: Path
    start: int
    end: int
    array: bool = False
    items: list[Item] | None = field(default=None, repr=False)


class Resolver:
    """Turns header keys into data paths, counting the elements of each array."""

    def __init__(self) -> None:
        self.current: dict[Path, int] = {}

    def resolve(self, key: tuple[str, ...], array: bool) -> Path:
        path: Path = ()
        for part in key[:-1] if array else key:
            path = (*path, part)
            if path in self.current:
                path = (*path, self.current[path])
        if not array:
            return path
        array_path = (*path, key[-1])
        index = self.current.get(array_path, -1) + 1
        self.current[array_path] = index
        return (*array_path, index)


def outline(text: str, precise: bool = False, collapse: bool = False) -> list[Section]:
    """The sections of a TOML document, in file order, root first.

    The quick way finds header lines with one regex; `precise` reads every
    token, so a header-like line inside a multi-line string or array is not
    taken for a header. Callers check the quick result and retry precisely.
    With `collapse`, an implementation's sub-tables are not sections of their
    own: each `[[implementations]]` section runs to the next top-level header,
    which keeps the outline of a big store to one section per implementation."""
    headers: list[tuple[int, tuple[str, ...], bool]] = []
    if precise:
        headers = [
            (item.start, item.key, item.kind == "array")
            for item in lex(text)
            if item.kind in ("table", "array")
        ]
        if collapse:
            headers = [h for h in headers if not (len(h[1]) > 1 and h[1][0] == "implementations")]
    else:
        pattern = _TOP_HEADER_LINE if collapse else _HEADER_LINE
        for match in pattern.finditer("\n" + text):
            array = match["open"] == "[["
            if array != (match["close"] == "]]"):
                continue
            raw = match["key"]
            try:
                key = ("implementations",) if raw == "implementations" else parse_key(raw)
            except (tomllib.TOMLDecodeError, ValueError):
                continue
            headers.append((match.start("h") - 1, key, array))
    resolver = Resolver()
    sections = [Section((), 0, headers[0][0] if headers else len(text))]
    count = len(headers)
    for number, (start, key, array) in enumerate(headers):
        end = headers[number + 1][0] if number + 1 < count else len(text)
        sections.append(Section(resolver.resolve(key, array), start, end, array))
    return sections
