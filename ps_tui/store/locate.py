"""Find the line of a field path (`implementations[3].arr`) in TOML or JSON text.

The parsers give line numbers only for syntax errors; these scanners give them
for model errors too. They run only when a file has problems, so they favour
simplicity over speed, and fall back to the nearest enclosing field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_KEY = re.compile(r'^\s*(?P<key>[A-Za-z0-9_\-]+|"[^"]*"|\'[^\']*\')\s*=\s*(?P<rest>.*)$')


def _resolve(parts: list[str], arrays: dict[str, int]) -> str:
    """Join header parts, adding the current index of each array of tables."""
    path = ""
    for part in parts:
        path = f"{path}.{part}" if path else part
        if path in arrays:
            path = f"{path}[{arrays[path]}]"
    return path


def toml_lines(text: str) -> dict[str, int]:
    """Map each field path that starts a line to its 1-based line number."""
    found: dict[str, int] = {}
    arrays: dict[str, int] = {}
    table = ""
    open_array: str | None = None
    element = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if open_array is not None:
            if stripped.startswith("]"):
                open_array = None
            else:
                found.setdefault(f"{open_array}[{element}]", number)
                element += 1
            continue
        if stripped.startswith("[["):
            parts = [p.strip().strip("\"'") for p in stripped[2 : stripped.find("]]")].split(".")]
            base = _resolve(parts[:-1], arrays)
            name = f"{base}.{parts[-1]}" if base else parts[-1]
            arrays[name] = arrays.get(name, -1) + 1
            table = f"{name}[{arrays[name]}]"
            found.setdefault(table, number)
        elif stripped.startswith("["):
            parts = [p.strip().strip("\"'") for p in stripped[1 : stripped.find("]")].split(".")]
            table = _resolve(parts, arrays)
            found.setdefault(table, number)
        elif match := _KEY.match(stripped):
            key = match["key"].strip("\"'")
            path = f"{table}.{key}" if table else key
            found.setdefault(path, number)
            if match["rest"].rstrip() == "[":
                open_array, element = path, 0
    return found


_TOKEN = re.compile(
    # Strings unrolled ("[^"\\]*(?:\\.[^"\\]*)*"): an alternation per
    # character would keep a backtracking mark per character of a huge note.
    r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\n|[ \t\r]+|.',
    re.S,
)


def json_lines(text: str) -> dict[str, int]:
    """Map each value's field path to the line its value starts on."""
    found: dict[str, int] = {}
    for path, line, _ in _json_values(text):
        found.setdefault(path, line)
    return found


def json_duplicate(text: str) -> tuple[str, int] | None:
    """The field path and line of the first key written twice in one object
    (JSON parsers keep the last silently; TOML refuses it)."""
    return next(((path, line) for path, line, again in _json_values(text) if again), None)


def _json_values(text: str) -> Iterator[tuple[str, int, bool]]:
    """(field path, line, whether its key repeats one of the same object)
    for each value in `text`, in order."""
    # Each frame: [path, is_object, current key or index, keys seen]
    stack: list[list[Any]] = []
    line = 1
    expecting_key = False
    again = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
            continue
        if token.isspace():
            continue
        if token in "}]":
            if stack:
                stack.pop()
            continue
        if token == ",":
            if stack and not stack[-1][1]:
                stack[-1][2] = int(str(stack[-1][2])) + 1
            expecting_key = bool(stack and stack[-1][1])
            continue
        if token == ":":
            continue
        if stack and stack[-1][1] and expecting_key:
            key = json.loads(token) if token.startswith('"') else token
            seen: set[str] = stack[-1][3]
            again = key in seen
            seen.add(key)
            stack[-1][2] = key
            expecting_key = False
            continue
        path = ""
        if stack:
            parent, is_object, key, _ = stack[-1]
            path = (
                f"{parent}.{key}" if is_object and parent else (f"{key}" if is_object else f"{parent}[{key}]")
            )
            yield path, line, again
            again = False
        if token == "{":
            stack.append([path, True, None, set()])
            expecting_key = True
        elif token == "[":
            stack.append([path, False, 0, set()])


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of `path`, or of its nearest enclosing field that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            break
        path = path[:cut]
    return lines.get(path)
