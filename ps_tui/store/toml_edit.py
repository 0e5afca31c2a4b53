"""Surgical saves of a TOML store: the bytes of what changed, nothing else.

`edit_toml(text, old, new)` returns `text` with only the lines of the values
that differ between the `old` and `new` stores rewritten: a changed value is
replaced in place (its key, indentation and trailing comment kept), a new key
goes beside its neighbours, a new array element after the last one in the
file's own spacing, a deleted element loses only its lines. Comments, blank
lines, key order and keys the user wrote (default-valued ones too) stay byte
for byte.

Every result is checked before it is returned: each implementation touched is
parsed back on its own and must equal what was asked for (the old one too, so
a header-like line inside a multi-line string cannot mislead the quick outline),
and a change to the reference data is checked by parsing everything but the
implementations. A check that fails makes the editor retry with the precise
outline; if that fails too, the store is written anew (`dump_store`), as a
whole-file save always did, and the `.bak` keeps the previous file.

What it adds is written as `toml_write` lays out a store, the layout of a
new file too, so a file's diffs stay small from its first edit on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from typing import Any

import msgspec

from ps_tui.core.model import Implementation, StoreFile
from ps_tui.store.layout import changed_fields, is_struct_list, pair, plain
from ps_tui.store.toml_text import TOKEN, Item, Path, Section, lex, outline
from ps_tui.store.toml_write import (
    dump_store,
    encode_value,
    inline_table_lines,
    key_text,
    key_value_text,
    section_text,
)


class _Unsupported(Exception):
    """A layout this editor does not change in place; the caller falls back."""


# -- editing ----------------------------------------------------------------------


def edit_toml(
    text: str, old: StoreFile, new: StoreFile, rewrite: Callable[[StoreFile], str] | None = None
) -> str:
    """`text` (which parses to `old`) changed so that it parses to `new`;
    when no surgical edit checks out, `rewrite(new)` (default: the store
    written anew) decides the whole text."""
    if old == new:
        return text
    for precise in (False, True):
        editor = _Editor(text, precise, collapse=True)
        if not editor.plausible(old):
            continue
        try:
            editor.patch((), old, new, ())
            result = editor.apply()
        except _Unsupported:
            continue
        if editor.verify(result, old, new):
            return result
    return (rewrite or dump_store)(new)


class _Editor:
    """Edits of one text. The top-level editor of a store `collapse`s each
    implementation into one section; an implementation that changed is
    edited by an editor of its own text, whose edits move into this one."""

    def __init__(
        self, text: str, precise: bool, collapse: bool = False, inline_lists: bool | None = None
    ) -> None:
        self.text = text
        first = text.find("\n")
        self.nl = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
        self.collapse = collapse
        self.sections = outline(text, precise, collapse)
        self.position = {s.path: i for i, s in enumerate(self.sections)}
        #: Whether an implementation's milestones and risks are written as
        #: inline tables (the app's layout) or as sub-tables: as the file's
        #: last implementation does.
        self.inline_lists = self._inline_style() if inline_lists is None else inline_lists
        self.edits: list[tuple[int, int, int, str]] = []
        #: Implementations touched: (old index or None, new element or None).
        self.touched: list[tuple[int | None, Implementation | None]] = []
        self.inserted: list[tuple[int, Implementation]] = []
        self.reference_changed = False
        self.inline_implementations = False
        self.precise = precise

    # -- what the text holds --------------------------------------------------

    def _inline_style(self) -> bool:
        last = next((s for s in reversed(self.sections) if s.path[:1] == ("implementations",)), None)
        if last is None:
            return True
        return _SUB_TABLE.search(self.text, last.start, last.end) is None

    def plausible(self, old: StoreFile) -> bool:
        """The quick outline found one section per implementation (when the
        file keeps them as `[[implementations]]`)."""
        count = sum(1 for s in self.sections if len(s.path) == 2 and s.path[0] == "implementations")
        return count in (0, len(old.implementations))

    def items(self, section: Section) -> list[Item]:
        if section.items is None:
            section.items = lex(self.text, section.start, section.end)
        return section.items

    def owner(self, path: Path) -> Section:
        """The section that would hold `path` as a key: its closest ancestor."""
        for cut in range(len(path) - 1, -1, -1):
            found = self.position.get(path[:cut])
            if found is not None:
                return self.sections[found]
        return self.sections[0]

    def tree(self, path: Path) -> tuple[int, int]:
        """Section indices [first, last] of `path` and everything under it."""
        first = self.position[path]
        last = first
        size = len(path)
        while last + 1 < len(self.sections) and self.sections[last + 1].path[:size] == path:
            last += 1
        return first, last

    def content_end(self, section: Section) -> int:
        """Where the section's last key (or its header) ends: what follows,
        blank lines and comments, belongs with the next section."""
        end = section.start
        for item in self.items(section):
            if item.kind != "trivia":
                end = item.end
        return end

    def tree_span(self, path: Path) -> tuple[int, int, int]:
        """(start, content end, end) of `path`'s sections in the text."""
        first, last = self.tree(path)
        return (
            self.sections[first].start,
            self.content_end(self.sections[last]),
            self.sections[last].end,
        )

    # -- edits ------------------------------------------------------------------

    def edit(self, start: int, end: int, replacement: str) -> None:
        self.edits.append((start, end, len(self.edits), replacement))

    def apply(self, lo: int = 0, hi: int | None = None, skip: set[int] | None = None) -> str:
        """The text from `lo` to `hi` with the edits inside it (but those
        numbered in `skip`) applied."""
        stop = len(self.text) if hi is None else hi
        out: list[str] = []
        cursor = lo
        for start, end, number, replacement in self._ordered():
            if start < lo or end > stop or (skip and number in skip):
                continue
            if start < cursor:
                raise _Unsupported("overlapping edits")
            out.append(self.text[cursor:start])
            out.append(replacement)
            cursor = end
        out.append(self.text[cursor:stop])
        return "".join(out)

    def _ordered(self) -> list[tuple[int, int, int, str]]:
        """The edits in text order. An insertion that falls inside a deleted
        range (a new sub-table placed after one that goes) moves to its start."""
        deleted = [(start, end) for start, end, _, text in self.edits if end > start and not text]
        ordered = []
        for start, end, number, text in self.edits:
            if start == end:
                for low, high in deleted:
                    if low < start < high:
                        start = end = low
            ordered.append((start, end, number, text))
        return sorted(ordered)

    # -- the walk -----------------------------------------------------------------

    def patch(self, path: Path, old: Any, new: Any, order: tuple[str, ...]) -> None:
        """Change the text so that the value at `path` reads `new`, not `old`.
        `order` is the field order of the struct holding it."""
        if path and path[0] != "implementations":
            self.reference_changed = True
        own = self.position.get(path)
        if own is not None and isinstance(old, msgspec.Struct) and isinstance(new, msgspec.Struct):
            if self.collapse and len(path) == 2 and path[0] == "implementations":
                assert isinstance(path[1], int) and isinstance(new, Implementation)
                self.touched.append((path[1], new))
                self.patch_implementation(self.sections[own], old, new)
                return
            for name, before, after in changed_fields(old, new):
                self.patch((*path, name), before, after, new.__struct_fields__)
            return
        owner = self.owner(path)
        rel = path[len(owner.path) :]
        if any(isinstance(part, int) for part in rel):
            raise _Unsupported("an element without a section of its own")
        keys = self.items(owner)
        exact = next((i for i in keys if i.kind == "kv" and i.key == rel), None)
        if exact is not None:
            if path == ("implementations",):
                self.inline_implementations = True
            if new is None:
                self.edit(exact.start, exact.end, "")
            else:
                self.replace_value(exact, new, old)
            return
        dotted = [i for i in keys if i.kind == "kv" and len(i.key) > len(rel) and i.key[: len(rel)] == rel]
        if dotted:
            if isinstance(old, msgspec.Struct) and isinstance(new, msgspec.Struct):
                for name, before, after in changed_fields(old, new):
                    self.patch((*path, name), before, after, new.__struct_fields__)
                return
            raise _Unsupported("dotted keys for a value that is not a table")
        if (*path, 0) in self.position:
            self.patch_array(path, old, new)
            return
        if own is not None:
            raise _Unsupported("a table replaced by a plain value")
        self.insert_absent(path, owner, new, order)

    def patch_implementation(self, section: Section, old: Any, new: Any) -> None:
        """Edit one implementation with an editor of its own text (precise:
        the text is small), and take its edits over."""
        inner = _Editor(self.text[section.start : section.end], precise=True, inline_lists=self.inline_lists)
        if ("implementations", 0) not in inner.position:
            raise _Unsupported("an implementation section that does not start with its header")
        inner.patch(("implementations", 0), old, new, ())
        for start, end, _, replacement in inner.edits:
            self.edit(section.start + start, section.start + end, replacement)

    def replace_value(self, item: Item, new: Any, old: Any = None) -> None:
        written = self.text[item.value_start : item.value_end]
        if "\n" in written and is_struct_list(old) and is_struct_list(new):
            spans = _inline_tables(self.text, item.value_start, item.value_end)
            if len(spans) == len(old):
                self.patch_inline_array(spans, old, new)
                return
        if isinstance(new, list) and "\n" in written and new:
            lines = written.splitlines()
            indent = lines[1][: len(lines[1]) - len(lines[1].lstrip())] if len(lines) > 1 else "  "
            closing = lines[-1][: len(lines[-1]) - len(lines[-1].lstrip())]
            body = "".join(f"{indent}{encode_value(v)},{self.nl}" for v in new)
            replacement = f"[{self.nl}{body}{closing}]"
        else:
            replacement = key_value_text(new, self.nl)
        self.edit(item.value_start, item.value_end, replacement)

    def patch_inline_array(self, spans: list[tuple[int, int]], old: list[Any], new: list[Any]) -> None:
        """A multi-line array of inline tables, element by element: the lines
        of unchanged elements, and the comments beside them, stay."""
        text = self.text
        previous: int | None = None
        for step, i, j in pair(old, new):
            if step == "keep":
                previous = i
            elif step == "change":
                assert i is not None and j is not None
                self.edit(spans[i][0], spans[i][1], encode_value(plain(new[j])))
                previous = i
            elif step == "delete":
                assert i is not None
                start, end = spans[i]
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end) + 1
                rest = text[end : line_end - 1].strip()
                if not text[line_start:start].strip() and (rest in ("", ",") or rest.startswith((",", "#"))):
                    self.edit(line_start, line_end, "")
                else:
                    after = end + len(text[end:]) - len(text[end:].lstrip(" \t"))
                    self.edit(start, after + 1 if text[after : after + 1] == "," else end, "")
            else:
                assert j is not None
                anchor = spans[previous if previous is not None else 0]
                line_start = text.rfind("\n", 0, anchor[0]) + 1
                indent = text[line_start : anchor[0]]
                line = f"{indent}{encode_value(plain(new[j]))},{self.nl}"
                if previous is None:
                    self.edit(line_start, line_start, line)
                    continue
                after = anchor[1] + len(text[anchor[1] :]) - len(text[anchor[1] :].lstrip(" \t"))
                if text[after : after + 1] != ",":
                    self.edit(anchor[1], anchor[1], ",")
                line_end = text.find("\n", anchor[1]) + 1
                self.edit(line_end, line_end, line)

    def patch_array(self, path: Path, old: list[Any], new: list[Any]) -> None:
        steps = pair(old, new)
        previous: int | None = None
        for step, i, j in steps:
            if step == "keep":
                previous = i
            elif step == "change":
                assert i is not None and j is not None
                self.patch((*path, i), old[i], new[j], ())
                previous = i
            elif step == "delete":
                assert i is not None
                self.delete_tree((*path, i))
                if path == ("implementations",):
                    self.touched.append((i, None))
            else:
                assert j is not None
                self.insert_element(path, new[j], previous)
                if path == ("implementations",):
                    self.inserted.append((len(self.edits) - 1, new[j]))

    def separator(self, path: Path) -> str:
        """The blank lines the file puts before the last element of `path`
        (above any comment on it)."""
        elements = self._elements(path)
        if not elements:
            return self.nl
        cursor = self.sections[elements[-1]].start
        blanks = 0
        while cursor > 0 and blanks < 2:
            line_start = self.text.rfind("\n", 0, cursor - 1) + 1
            line = self.text[line_start:cursor].strip()
            if line.startswith("#") and not blanks:
                cursor = line_start
                continue
            if line:
                break
            blanks += 1
            cursor = line_start
        return self.nl * blanks

    def _elements(self, path: Path) -> list[int]:
        found = []
        index = 0
        while (position := self.position.get((*path, index))) is not None:
            found.append(position)
            index += 1
        return found

    def insert_element(self, path: Path, element: Any, previous: int | None) -> None:
        body = section_text(path, plain(element), True, self.nl, self._inline_for(path))
        separator = self.separator(path)
        if previous is not None:
            _, at, _ = self.tree_span((*path, previous))
            self.edit(at, at, separator + body)
            return
        if (*path, 0) in self.position:
            # Before what was the first element.
            at = self.sections[self.position[(*path, 0)]].start
            self.edit(at, at, body + separator)
            return
        self.insert_fresh(path[:-1], body)

    def insert_fresh(self, parent: Path, body: str) -> None:
        """Sections for a list or table that the file does not have yet."""
        if parent == ():
            at = len(self.text)
            lead = "" if not self.text or self.text.endswith("\n") else self.nl
            if self.text.strip() and not self.text.endswith(self.nl * 2):
                lead += self.nl
            self.edit(at, at, lead + body)
            return
        if parent not in self.position:
            raise _Unsupported("a table without a section of its own")
        _, at, _ = self.tree_span(parent)
        self.edit(at, at, self.nl + body)

    def delete_tree(self, path: Path) -> None:
        start, content_end, _ = self.tree_span(path)
        end = content_end
        text = self.text
        # The blank lines after the element go with it ...
        while end < len(text):
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end + 1
            if text[end:line_end].strip():
                break
            end = line_end
        # ... or, at the end of the file, the ones before it.
        if end >= len(text):
            while start > 0:
                line_start = text.rfind("\n", 0, start - 1) + 1
                if text[line_start:start].strip():
                    break
                start = line_start
        self.edit(start, end, "")

    def insert_absent(self, path: Path, owner: Section, new: Any, order: tuple[str, ...]) -> None:
        """Add a key (or sections) that the file does not have."""
        if new is None or new == [] or new == "":
            return
        if is_struct_list(new) and self.inline_lists and path[:1] == ("implementations",) and len(path) > 2:
            self._insert_key(path, owner, inline_table_lines(plain(new), self.nl), order)
            return
        if is_struct_list(new):
            for element in new:
                self.insert_fresh(
                    path[:-1], section_text(path, plain(element), True, self.nl, self._inline_for(path))
                )
                if path == ("implementations",):
                    self.inserted.append((len(self.edits) - 1, element))
            return
        self._insert_key(path, owner, key_value_text(new, self.nl), order)

    def _inline_for(self, path: Path) -> bool:
        return self.inline_lists and path == ("implementations",)

    def _insert_key(self, path: Path, owner: Section, value: str, order: tuple[str, ...]) -> None:
        """`key = value` in `owner`, beside the fields next to it in `order`."""
        rel = path[len(owner.path) :]
        keys = [i for i in self.items(owner) if i.kind == "kv"]
        line = f"{key_text(rel)} = {value}{self.nl}"
        name = rel[-1]
        if name in order and keys:
            place = order.index(name)
            written: dict[Path, Item] = {i.key: i for i in keys}
            before = [written.get((*rel[:-1], f)) for f in order[:place]]
            after = [written.get((*rel[:-1], f)) for f in order[place + 1 :]]
            earlier = next((i for i in reversed(before) if i is not None), None)
            later = next((i for i in after if i is not None), None)
            if earlier is not None:
                lead = "" if self.text[earlier.end - 1 : earlier.end] == "\n" else self.nl
                self.edit(earlier.end, earlier.end, lead + _indent(self.text, earlier.start) + line)
                return
            if later is not None:
                self.edit(later.start, later.start, _indent(self.text, later.start) + line)
                return
        if keys:
            last = keys[-1]
            at = last.end
            lead = "" if self.text[at - 1 : at] == "\n" else self.nl
            self.edit(at, at, lead + _indent(self.text, last.start) + line)
            return
        items = self.items(owner)
        if owner.path == ():
            at = 0
            for item in items:
                if item.kind != "trivia" or not self.text[item.start : item.end].strip():
                    break
                at = item.end
        else:
            at = items[0].end if items else owner.start
        self.edit(at, at, line)

    # -- checking -----------------------------------------------------------------

    def verify(self, result: str, old: StoreFile, new: StoreFile) -> bool:
        """Whether `result` parses to `new` (see the module docstring)."""
        try:
            changed = self.reference_changed or new.schema_version != old.schema_version
            if changed and not self._verify_reference(result, new):
                return False
            if self.inline_implementations:
                # One inline array (not `[[implementations]]`): checked with
                # the whole file, which is small in that layout.
                data = tomllib.loads(result)
                if msgspec.convert(data, StoreFile).implementations != new.implementations:
                    return False
            skip = {number for number, _ in self.inserted}
            for index, element in self.touched:
                assert index is not None
                start, _, end = self.tree_span(("implementations", index))
                if _element(self.text[start:end]) != old.implementations[index]:
                    return False
                if element is not None and _element(self.apply(start, end, skip)) != element:
                    return False
            for edit_number, element in self.inserted:
                if _element(self.edits[edit_number][3]) != element:
                    return False
        except (tomllib.TOMLDecodeError, msgspec.ValidationError, LookupError, TypeError, ValueError):
            return False
        return True

    def _verify_reference(self, result: str, new: StoreFile) -> bool:
        kept = [
            result[s.start : s.end]
            for s in outline(result, self.precise)
            if not (s.path and s.path[0] == "implementations")
        ]
        data = tomllib.loads("".join(kept))
        data.pop("implementations", None)
        store = msgspec.convert(data, StoreFile)
        return store.reference == new.reference and store.schema_version == new.schema_version


_SUB_TABLE = re.compile(r"^[ \t]*\[\[?[ \t]*implementations[ \t]*\.", re.M)


def _inline_tables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the inline tables directly inside the array text[start:end]."""
    spans: list[tuple[int, int]] = []
    depth = 0
    opened = 0
    for match in TOKEN.finditer(text, start, end):
        token = match.group()
        if match.lastgroup == "o":
            depth += 1
            if depth == 2 and token == "{":
                opened = match.start()
        elif match.lastgroup == "x":
            if depth == 2 and token == "}":
                spans.append((opened, match.end()))
            depth -= 1
    return spans


def _element(text: str) -> Implementation:
    (raw,) = tomllib.loads(text)["implementations"]
    return msgspec.convert(raw, Implementation)


def _indent(text: str, line_start: int) -> str:
    line = text[line_start : text.find("\n", line_start) if "\n" in text[line_start:] else len(text)]
    return line[: len(line) - len(line.lstrip())]
