"""Writing one key into the user's config file without disturbing it: the
rest of the file (comments, order, other keys) stays byte for byte."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import msgspec

from ps_tui.config import ConfigError, ConfigFile

_COMMENTED_ME = re.compile(r"^[ \t]*#[ \t]*me[ \t]*=.*$", re.M)
_TABLE = re.compile(r"^[ \t]*\[", re.M)


def with_me(text: str, name: str) -> str:
    """A config file's text with `me = "name"`: in place of the commented-out
    `# me = ...` line `init` writes, else before the first table (top-level
    keys must come first), else at the end."""
    from ps_tui.store.toml_write import encode_value

    line = f"me = {encode_value(name)}"
    table = _TABLE.search(text)
    found = _COMMENTED_ME.search(text)
    if found is not None and (table is None or found.start() < table.start()):
        return text[: found.start()] + line + text[found.end() :]
    if table is not None:
        return text[: table.start()] + line + "\n" + text[table.start() :]
    return text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"


def remember_me(path: Path, name: str) -> None:
    """Set `me` in the config file at `path` (created if missing), checked by
    reading the new text back before it is written, atomically. Raises
    ConfigError; the file is then left as it was."""
    from ps_tui.store.atomic import atomic_write
    from ps_tui.store.errors import StoreWriteFailed

    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config ({error})") from None
    updated = with_me(text, name)
    try:
        if msgspec.convert(tomllib.loads(updated), ConfigFile).me != name:
            raise ValueError("me did not read back")
    except (tomllib.TOMLDecodeError, msgspec.ValidationError, ValueError) as problem:
        raise ConfigError(f"{path}: could not set me ({problem}); the file was not changed") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, updated.encode("utf-8"), backup=False)
    except (StoreWriteFailed, OSError) as failed:
        raise ConfigError(f"{path}: could not set me ({failed})") from None
