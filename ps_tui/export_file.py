"""Writing an export where the user asked: atomically, never over a file
without the caller having asked first."""

from __future__ import annotations

from pathlib import Path


class ExportFailed(Exception):
    """The file could not be written; the message names it and why."""


def default_export_dir() -> Path:
    """Where exports go unless the user says: the Downloads folder if there
    is one, else the working directory."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def write_export(path: Path, text: str) -> None:
    """Write `text` to `path` (its folder must exist), atomically: a reader
    sees the old file or the new one. Raises ExportFailed."""
    from ps_tui.store.atomic import atomic_write

    if not path.parent.is_dir():
        raise ExportFailed(f"{path.parent}: no such folder")
    try:
        atomic_write(path, text.encode("utf-8"), backup=False)
    except OSError as error:
        raise ExportFailed(f"{path}: cannot write ({error.strerror or error})") from None
