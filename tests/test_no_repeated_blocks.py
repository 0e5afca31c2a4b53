"""No block of six or more lines stands twice in `ps_tui/`.

A rule written twice changes in one place and not the other. Lines are
compared after normalising (indentation and runs of spaces, comments, blank
lines and import statements do not count), over every window of six
consecutive lines; windows that are mostly thin punctuation (closing
brackets, `else:`, docstring quotes) are boilerplate and do not count. What is known
to repeat, and why, is in ALLOWED; an entry that no longer matches fails too,
so the list stays honest."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ps_tui"
WINDOW = 6

#: (file, a line of the repeated block, normalised) -> why it may stand twice.
#: A repeat is allowed when each of its places has an entry here. Paths are
#: relative to ps_tui/.
ALLOWED: dict[tuple[str, str], str] = {}


#: A line with none of these is thin: punctuation, a bare keyword, quotes.
_SUBSTANCE = re.compile(r"[A-Za-z0-9_]{2,}")
_THIN_WORDS = frozenset(
    {"else", "try", "finally", "pass", "return", "continue", "break", "None", "True", "False"}
)


def _lines(source: str) -> list[tuple[int, str]]:
    """(line number, normalised text) for each line that counts: imports and
    comments removed, whitespace collapsed, blank lines dropped."""
    skipped: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            skipped.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    comments: dict[int, int] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.start[1]
    kept = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in skipped:
            continue
        text = " ".join(line[: comments.get(number)].split())
        if text:
            kept.append((number, text))
    return kept


def _thin(line: str) -> bool:
    words = set(_SUBSTANCE.findall(line))
    return not words or words <= _THIN_WORDS


def _boilerplate(window: list[str]) -> bool:
    """Mostly closing brackets, bare keywords and quotes: a shape, not a rule."""
    return sum(map(_thin, window)) >= WINDOW // 2


def repeated_blocks(root: Path = PACKAGE) -> dict[tuple[str, ...], list[tuple[str, int]]]:
    """Each window of WINDOW normalised lines that stands in more than one
    place -> the places, as (path relative to root, first line number)."""
    places: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        lines = _lines(path.read_text(encoding="utf-8"))
        name = path.relative_to(root).as_posix()
        for start in range(len(lines) - WINDOW + 1):
            window = [text for _, text in lines[start : start + WINDOW]]
            if not _boilerplate(window):
                places[tuple(window)].append((name, lines[start][0]))
    return {window: found for window, found in places.items() if len(found) > 1}


def _allowed(name: str, window: tuple[str, ...]) -> bool:
    return any((name, line) in ALLOWED for line in window)


def _unexplained(repeats: dict[tuple[str, ...], list[tuple[str, int]]]) -> list[str]:
    reported = []
    for window, found in repeats.items():
        if all(_allowed(name, window) for name, _ in found):
            continue
        where = ", ".join(f"{name}:{line}" for name, line in found)
        reported.append(f"{where}\n    " + "\n    ".join(window))
    return reported


def test_no_block_of_six_lines_is_repeated() -> None:
    problems = _unexplained(repeated_blocks())
    assert not problems, "repeated blocks (make one serve, or explain in ALLOWED):\n" + "\n".join(problems)


def test_every_allowed_repeat_still_exists() -> None:
    repeats = repeated_blocks()
    stale = [
        key
        for key in ALLOWED
        if not any(
            key[0] == name and key[1] in window for window, found in repeats.items() for name, _ in found
        )
    ]
    assert not stale, f"ALLOWED names repeats that are gone: {stale}"


def test_the_check_finds_a_repeat(tmp_path: Path) -> None:
    block = "\n".join(f"    total = total + value_{n}" for n in range(WINDOW))
    (tmp_path / "a.py").write_text(f"def one():\n{block}\n", encoding="utf-8")
    (tmp_path / "b.py").write_text(f"# elsewhere\n\ndef two():\n\n{block}  # again\n", encoding="utf-8")
    imports = "\n".join(["from x import (", *(f"    n{i}," for i in range(9)), ")"])
    closing = "\n".join(["x = [", *("    [" for _ in range(4)), *("    ]" for _ in range(4)), "]"])
    for name in ("c.py", "d.py"):
        (tmp_path / name).write_text(f"{imports}\n{closing}\n", encoding="utf-8")
    found = repeated_blocks(tmp_path)
    assert {tuple(places) for places in found.values()} == {(("a.py", 2), ("b.py", 5))}
