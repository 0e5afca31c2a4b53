"""Writing TOML as the app lays out a store: values inline, one section per
table or array element, an implementation's milestones and risks as inline
tables, one a line. `toml_edit` writes what it adds in this layout, and a new
file (`init`, a store written anew) is in it from the start."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import msgspec

from ps_tui.core.model import StoreFile
from ps_tui.store.layout import plain
from ps_tui.store.toml_text import BARE_KEY, Path

HEADER_COMMENT = "# ps-tui store. Check it with `ps-tui validate`; `ps-tui schema` prints its JSON Schema.\n"

_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)}
_ESCAPES.update({0x7F: "\\u007f", ord('"'): '\\"', ord("\\"): "\\\\"})
_ESCAPES.update({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"})


#: Escapes inside a multi-line basic string: a newline is written as one.
_MULTILINE_ESCAPES = {**_ESCAPES}
del _MULTILINE_ESCAPES[10]


def key_value_text(value: Any, nl: str = "\n") -> str:
    """The value of a `key = value` line: as `encode_value`, but text that
    spans lines (notes) as a multi-line string, one line of the file a line
    of the text, so the file reads as the text does."""
    if isinstance(value, str) and "\n" in value:
        lines = [line.translate(_MULTILINE_ESCAPES) for line in value.split("\n")]
        return '"""' + nl + nl.join(lines) + '"""'
    return encode_value(value)


def encode_value(value: Any) -> str:
    """A value as TOML inline text."""
    if isinstance(value, msgspec.Struct | list | enum.Enum):
        value = plain(value)
    if isinstance(value, str):
        return '"' + value.translate(_ESCAPES) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if any(c in text for c in ".enai") else text + ".0"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(encode_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{key_text((k,))} = {encode_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def key_text(parts: tuple[str | int, ...]) -> str:
    return ".".join(
        str(p) if BARE_KEY.fullmatch(str(p)) else '"' + str(p).translate(_ESCAPES) + '"' for p in parts
    )


def section_text(
    path: Path, data: dict[str, Any], array: bool, nl: str = "\n", inline_lists: bool = False
) -> str:
    """A `[table]` or `[[array]]` element with its sub-tables, from plain data.
    With `inline_lists`, its lists of tables are written as arrays of inline
    tables instead, one per line."""
    name = key_text(tuple(p for p in path if isinstance(p, str)))
    lines = [f"[[{name}]]" if array else f"[{name}]"]
    nested: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            nested.append(section_text((*path, key), value, False, nl))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            if inline_lists:
                lines.append(f"{key_text((key,))} = {inline_table_lines(value, nl)}")
            else:
                nested.extend(section_text((*path, key), element, True, nl) for element in value)
        else:
            lines.append(f"{key_text((key,))} = {key_value_text(value, nl)}")
    return nl.join(lines) + nl + "".join(nl + text for text in nested)


def inline_table_lines(values: list[Any], nl: str = "\n", indent: str = "  ") -> str:
    """A multi-line array with one inline table a line: compact, and each
    element's change is a one-line diff."""
    return "[" + nl + "".join(f"{indent}{encode_value(v)},{nl}" for v in values) + "]"


def dump_store(store: StoreFile) -> str:
    """A whole store in the app's own layout: root keys, then one section per
    table or array element, separated by a blank line; an implementation's
    milestones and risks as arrays of inline tables, one a line."""
    data = plain(store)
    data.pop("schema_version", None)
    lines = [f"schema_version = {store.schema_version}"]
    sections: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            sections.append(section_text((key,), value, False))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inline = key == "implementations"
            sections.extend(section_text((key,), element, True, "\n", inline) for element in value)
        else:
            lines.append(f"{key_text((key,))} = {key_value_text(value)}")
    return HEADER_COMMENT + "\n".join(lines) + "\n" + "".join("\n" + text for text in sections)
