"""Text edited in the user's own editor ($VISUAL, else $EDITOR): the file
handoff. The screen that asks suspends the app around `edit_text`; the
temporary file, the editor's process and reading the text back are here, so
no screen or widget does file IO."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path


class EditorFailed(Exception):
    """The editor could not be started, failed, or left a file that cannot be read."""


def find_editor(environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The editor's command line from $VISUAL, else $EDITOR (split as a shell
    would, so `code --wait` works); None when neither is set."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        try:
            words = shlex.split(env.get(name, ""))
        except ValueError:  # an unbalanced quote: not a command
            continue
        if words:
            return words
    return None


def edit_text(text: str, command: list[str], suffix: str = ".md") -> str:
    """`text` as the user left it after editing it with `command` (run with
    the file's path as its last argument, attached to the terminal).

    A file the editor leaves as it was gives `text` back unchanged; else the
    file's text, with Windows line ends made plain and the final line ends
    removed (an editor adds one). Raises EditorFailed, saying why, when the
    editor cannot run or exits with a failure: the text is then unchanged."""
    written = text if not text or text.endswith("\n") else text + "\n"
    with tempfile.TemporaryDirectory(prefix="ps-tui-") as folder:
        path = Path(folder) / f"notes{suffix}"
        path.write_text(written, encoding="utf-8")
        try:
            done = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise EditorFailed(f"could not start {command[0]!r}: {error.strerror or error}") from None
        if done.returncode != 0:
            raise EditorFailed(f"{command[0]!r} exited with status {done.returncode}")
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise EditorFailed(f"could not read what the editor left: {error}") from None
    if content == written:
        return text
    return content.replace("\r\n", "\n").rstrip("\n")


__all__ = ["EditorFailed", "edit_text", "find_editor"]
