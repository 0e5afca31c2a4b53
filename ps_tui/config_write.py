"""Writing into the user's config file without disturbing it (`me`, a saved
view): the rest of the file (comments, order, other keys) stays byte for byte."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from ps_tui.config import ConfigError, ConfigFile

if TYPE_CHECKING:
    from ps_tui.core.views import View

_TABLE = re.compile(r"^[ \t]*\[", re.M)


def with_key(text: str, key: str, value: str) -> str:
    """A config file's text with the top-level `key = value` (a string): in
    place of the key's line if there is one, else of the commented-out
    `# key = ...` line `init` writes, else before the first table (top-level
    keys must come first), else at the end."""
    from ps_tui.store.toml_write import encode_value

    line = f"{key} = {encode_value(value)}"
    table = _TABLE.search(text)
    for pattern in (rf"^[ \t]*{key}[ \t]*=.*$", rf"^[ \t]*#[ \t]*{key}[ \t]*=.*$"):
        found = re.compile(pattern, re.M).search(text)
        if found is not None and (table is None or found.start() < table.start()):
            return text[: found.start()] + line + text[found.end() :]
    if table is not None:
        return text[: table.start()] + line + "\n" + text[table.start() :]
    return text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"


def with_me(text: str, name: str) -> str:
    """A config file's text with `me = "name"` (see `with_key`)."""
    return with_key(text, "me", name)


def with_view(text: str, view: View) -> str:
    """A config file's text with `view` appended as a `[[views]]` table
    (at the end, where a new table cannot change what another one holds)."""
    from ps_tui.store.toml_write import encode_value

    lines = ["[[views]]", f"name = {encode_value(view.name)}"]
    if view.filter:
        lines.append(f"filter = {encode_value(view.filter)}")
    lines.append(f"scope = {encode_value(view.scope)}")
    lines.append(f"sort = {encode_value(view.sort)}")
    if view.columns:
        lines.append(f"columns = [{', '.join(encode_value(column) for column in view.columns)}]")
    if view.key:
        lines.append(f"key = {encode_value(view.key)}")
    if view.default:
        lines.append("default = true")
    spacer = "" if not text else ("\n" if text.endswith("\n") else "\n\n")
    return text + spacer + "\n".join(lines) + "\n"


def _rewrite(
    path: Path, what: str, change: Callable[[str], str], check: Callable[[ConfigFile], bool]
) -> None:
    """Replace the config at `path` (created if missing) by `change` of its
    text, checked by reading the new text back (`check`) before it is
    written, atomically. Raises ConfigError; the file is then left as it was."""
    from ps_tui.store.atomic import atomic_write
    from ps_tui.store.errors import StoreWriteFailed

    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config ({error})") from None
    updated = change(text)
    try:
        if not check(msgspec.convert(tomllib.loads(updated), ConfigFile)):
            raise ValueError(f"{what} did not read back")
    except (tomllib.TOMLDecodeError, msgspec.ValidationError, ValueError) as problem:
        raise ConfigError(f"{path}: could not save {what} ({problem}); the file was not changed") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, updated.encode("utf-8"), backup=False)
    except (StoreWriteFailed, OSError) as failed:
        raise ConfigError(f"{path}: could not save {what} ({failed})") from None


def remember_me(path: Path, name: str) -> None:
    """Set `me` in the config file at `path`, keeping the rest byte for byte.
    Raises ConfigError; the file is then left as it was."""
    _rewrite(path, "me", lambda text: with_me(text, name), lambda config: config.me == name)


def remember_theme(path: Path, theme: str) -> None:
    """Set `theme` in the config file at `path`, keeping the rest byte for
    byte. Raises ConfigError; the file is then left as it was."""
    _rewrite(
        path, "the theme", lambda text: with_key(text, "theme", theme), lambda config: config.theme == theme
    )


def remember_view(path: Path, view: View) -> None:
    """Add `view` to the config file at `path`, keeping the rest byte for
    byte. Raises ConfigError (also for a name already taken); the file is
    then left as it was."""
    from ps_tui.core.views import find_view, view_problems

    def check(config: ConfigFile) -> bool:
        saved = find_view(config.views, view.name)
        return saved == view and not view_problems(config.views)

    _rewrite(path, f"the view {view.name!r}", lambda text: with_view(text, view), check)
