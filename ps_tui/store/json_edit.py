"""Surgical saves of a JSON store: the bytes of what changed, nothing else.

The JSON twin of `toml_edit`: `edit_json(text, old, new)` replaces the values
that differ between two stores in place, adds a member or an element beside its
neighbours with the file's own indentation, and removes a deleted one with its
comma. Values are found with the standard library's C scanner
(`JSONDecoder.raw_decode` returns where each value ends), so finding one
implementation among 10,000 costs about one parse of the file.

The result is decoded in full and compared with `new` before it is returned;
if it differs (a layout this editor does not follow), the store is written
anew with `dump_store`, and the `.bak` keeps the previous file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from ps_tui.core.model import StoreFile
from ps_tui.store.layout import changed_fields, is_struct_list, pair, plain

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Unsupported(Exception):
    """A layout this editor does not change in place; the caller falls back."""


def dump_store(store: StoreFile) -> str:
    """A whole store as the app writes a new JSON file: two-space indents,
    `schema_version` first."""
    # The reference data as plain data (the KPI target written in full);
    # implementations as structs, which msgspec encodes fastest.
    reference = plain(store.reference)
    body = msgspec.json.encode(
        {"schema_version": store.schema_version, **reference, "implementations": store.implementations}
    )
    return msgspec.json.format(body, indent=2).decode("utf-8") + "\n"


def encode_value(value: Any, indent: int, margin: str, nl: str) -> str:
    """`value` as JSON, continuation lines indented to sit at `margin`."""
    body = msgspec.json.encode(plain(value))
    if indent <= 0:
        return body.decode("utf-8")
    text = msgspec.json.format(body, indent=indent).decode("utf-8")
    return text.replace("\n", nl + margin)


@dataclass
class _Member:
    key: str
    start: int  # where the key's opening quote is
    value_start: int
    value_end: int


def _skip(text: str, at: int) -> int:
    match = _WS.match(text, at)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _value_end(text: str, at: int) -> int:
    try:
        return _DECODER.raw_decode(text, at)[1]
    except json.JSONDecodeError as error:
        raise _Unsupported(str(error)) from None


def _members(
    text: str, at: int, arrays: dict[int, tuple[list[tuple[int, int]], int]]
) -> tuple[list[_Member], int]:
    """The members of the object starting at `at`, and where it ends. The
    elements of each array value are kept in `arrays` (by the array's start),
    so an array is scanned once."""
    if text[at : at + 1] != "{":
        raise _Unsupported("expected an object")
    members: list[_Member] = []
    cursor = _skip(text, at + 1)
    if text[cursor : cursor + 1] == "}":
        return members, cursor + 1
    while True:
        key_start = cursor
        key, cursor = _DECODER.raw_decode(text, cursor)
        cursor = _skip(text, cursor)
        if text[cursor : cursor + 1] != ":":
            raise _Unsupported("expected ':'")
        value_start = _skip(text, cursor + 1)
        if text[value_start : value_start + 1] == "[":
            arrays[value_start] = _elements(text, value_start)
            value_end = arrays[value_start][1]
        else:
            value_end = _value_end(text, value_start)
        members.append(_Member(key, key_start, value_start, value_end))
        cursor, closed = _next(text, value_end, "}")
        if closed:
            return members, cursor


def _next(text: str, at: int, close: str) -> tuple[int, bool]:
    """After a value: (past `close`, True) at the end of its container, or
    (the next value's start, False) after a comma."""
    cursor = _skip(text, at)
    if text[cursor : cursor + 1] == close:
        return cursor + 1, True
    if text[cursor : cursor + 1] != ",":
        raise _Unsupported(f"expected ',' or {close!r}")
    return _skip(text, cursor + 1), False


def _elements(text: str, at: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each element of the array at `at`, and its end."""
    if text[at : at + 1] != "[":
        raise _Unsupported("expected an array")
    spans: list[tuple[int, int]] = []
    cursor = _skip(text, at + 1)
    if text[cursor : cursor + 1] == "]":
        return spans, cursor + 1
    while True:
        end = _value_end(text, cursor)
        spans.append((cursor, end))
        cursor, closed = _next(text, end, "]")
        if closed:
            return spans, cursor


def edit_json(
    text: str, old: StoreFile, new: StoreFile, rewrite: Callable[[StoreFile], str] | None = None
) -> str:
    """`text` (which decodes to `old`) changed so that it decodes to `new`;
    `rewrite` as in `toml_edit.edit_toml`."""
    if old == new:
        return text
    editor = _Editor(text)
    try:
        editor.patch_object(_skip(text, 0), old, new)
        result = editor.apply()
        if msgspec.json.decode(result, type=StoreFile) == new:
            return result
    except (_Unsupported, msgspec.DecodeError, msgspec.ValidationError):
        pass
    return (rewrite or dump_store)(new)


class _Editor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.nl = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
        self.indent = self._indent_unit()
        colon = re.search(r'"[ \t]*:[ \t]*', text)
        self.colon = colon[0][1:] if colon else ": "
        self.edits: list[tuple[int, int, int, str]] = []
        self.arrays: dict[int, tuple[list[tuple[int, int]], int]] = {}

    def _indent_unit(self) -> int:
        """Spaces per level, from the first member of the top-level object;
        0 for a file on one line."""
        match = re.match(r"\s*\{[ \t]*\r?\n([ \t]*)\S", self.text)
        return len(match[1].expandtabs(8)) if match else 0

    def edit(self, start: int, end: int, replacement: str) -> None:
        self.edits.append((start, end, len(self.edits), replacement))

    def apply(self) -> str:
        out: list[str] = []
        cursor = 0
        for start, end, _, replacement in sorted(self.edits):
            if start < cursor:
                raise _Unsupported("overlapping edits")
            out.append(self.text[cursor:start])
            out.append(replacement)
            cursor = end
        out.append(self.text[cursor:])
        return "".join(out)

    def margin(self, at: int) -> str:
        """The indentation of the line holding offset `at`."""
        line_start = self.text.rfind("\n", 0, at) + 1
        line = self.text[line_start:at]
        return line[: len(line) - len(line.lstrip())]

    def gap_before(self, at: int) -> str:
        """The whitespace between the previous token and offset `at`."""
        cursor = at
        while cursor > 0 and self.text[cursor - 1] in " \t\r\n":
            cursor -= 1
        return self.text[cursor:at]

    def value(self, value: Any, at: int) -> str:
        return encode_value(value, self.indent, self.margin(at), self.nl)

    # -- the walk -----------------------------------------------------------------

    def patch_object(self, at: int, old: msgspec.Struct, new: msgspec.Struct) -> None:
        members, end = _members(self.text, at, self.arrays)
        by_key = {m.key: m for m in members}
        order = new.__struct_fields__
        changes = list(changed_fields(old, new))
        gone = {name for name, _, after in changes if after is None and name in by_key}
        for name, before, after in changes:
            member = by_key.get(name)
            if member is None:
                self.insert_member(at, end, members, name, after, order)
            elif after is None:
                self.delete_member(at, end, members, member, gone)
            elif isinstance(before, msgspec.Struct) and isinstance(after, msgspec.Struct):
                self.patch_object(member.value_start, before, after)
            elif is_struct_list(before) and is_struct_list(after):
                self.patch_array(member.value_start, before, after)
            else:
                self.edit(member.value_start, member.value_end, self.value(after, member.start))

    def delete_member(
        self, at: int, end: int, members: list[_Member], member: _Member, gone: set[str]
    ) -> None:
        """Remove `member` with its comma; `gone` are all the members removed
        from this object, so two removals never cut the same comma."""
        index = members.index(member)
        if all(m.key in gone for m in members):
            if index == 0:
                self.edit(at, end, "{}")
        elif any(m.key not in gone for m in members[index + 1 :]):
            self.edit(member.start, members[index + 1].start, "")
        else:
            # No kept member after it: cut from the end of the one before
            # (which may go too: then from the end of the one before that).
            self.edit(members[index - 1].value_end, member.value_end, "")

    def insert_member(
        self, at: int, end: int, members: list[_Member], name: str, value: Any, order: tuple[str, ...]
    ) -> None:
        if value is None or value == [] or value == "":
            return
        if not members:
            margin = self.margin(at)
            inner = margin + " " * self.indent
            gap = (self.nl + inner) if self.indent else ""
            text = (
                "{" + gap + json.dumps(name) + self.colon + encode_value(value, self.indent, inner, self.nl)
            )
            self.edit(at, end, text + ((self.nl + margin) if self.indent else "") + "}")
            return
        place = order.index(name) if name in order else len(order)
        present = {m.key: m for m in members}
        earlier = next((present[f] for f in reversed(order[:place]) if f in present), None)
        later = next((present[f] for f in order[place + 1 :] if f in present), None)
        if earlier is None and later is None:
            earlier = members[-1]
        if earlier is not None:
            gap = self.gap_before(earlier.start)
            text = "," + gap + json.dumps(name) + self.colon + self.value(value, earlier.start)
            self.edit(earlier.value_end, earlier.value_end, text)
        else:
            assert later is not None
            gap = self.gap_before(later.start)
            text = json.dumps(name) + self.colon + self.value(value, later.start) + "," + gap
            self.edit(later.start, later.start, text)

    def patch_array(self, at: int, old: list[Any], new: list[Any]) -> None:
        spans, end = self.arrays.get(at) or _elements(self.text, at)
        if len(spans) != len(old):
            raise _Unsupported("the array does not hold what was loaded")
        previous: int | None = None
        steps = pair(old, new)
        removed = {i for step, i, _ in steps if step == "delete" and i is not None}
        if len(removed) == len(spans) and spans:
            # Everything goes: write the array anew.
            self.edit(at, end, self.value(new, at))
            return
        for step, i, j in steps:
            if step == "keep":
                previous = i
            elif step == "change":
                assert i is not None and j is not None
                self.patch_object(spans[i][0], old[i], new[j])
                previous = i
            elif step == "delete":
                assert i is not None
                self.delete_element(spans, i, removed)
            else:
                assert j is not None
                self.insert_element(spans, previous, new[j])

    def delete_element(self, spans: list[tuple[int, int]], i: int, removed: set[int]) -> None:
        following = next((k for k in range(i + 1, len(spans)) if k not in removed), None)
        if following is not None:
            self.edit(spans[i][0], spans[i + 1][0], "")
        else:
            # The last kept element loses its comma: cut from the end of the
            # element before this one.
            self.edit(spans[i - 1][1], spans[i][1], "")

    def insert_element(self, spans: list[tuple[int, int]], previous: int | None, element: Any) -> None:
        if previous is None:
            first = spans[0][0]
            gap = self.gap_before(first)
            self.edit(first, first, self.value(element, first) + "," + gap)
            return
        anchor = spans[previous]
        gap = self.gap_before(anchor[0])
        self.edit(anchor[1], anchor[1], "," + gap + self.value(element, anchor[0]))
