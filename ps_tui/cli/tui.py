"""`ps-tui` with no subcommand: the TUI."""

from __future__ import annotations

import argparse
import gc
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ps_tui import collector
from ps_tui.cli.diagnostics import Failure
from ps_tui.config import Settings

if TYPE_CHECKING:
    from ps_tui.app import PsApp


def command_name(
    argv0: str,
    executable: str,
    cwd: Path,
    which: Callable[[str], str | None] = shutil.which,
) -> str:
    """How to type this command again, for the hints the TUI shows: `ps-tui`
    when that is what the shell finds, else the path it was started by
    (`.venv/bin/ps-tui` after the README's first command, which does not
    activate the environment), or `python -m ps_tui` with the interpreter."""

    def typed(path: Path) -> str:
        path = cwd / path  # as is when absolute
        try:
            return shlex.quote(str(path.relative_to(cwd)))
        except ValueError:
            return shlex.quote(str(path))

    started = Path(argv0)
    if started.name == "__main__.py":
        found = which("python3")
        same = found is not None and cwd / found == cwd / executable
        python = "python3" if same else typed(Path(executable))
        return f"{python} -m ps_tui"
    found = which("ps-tui")
    if started.name != "ps-tui" or (found is not None and cwd / found == cwd / started):
        return "ps-tui"
    return typed(started)


def checked_keymap(settings: Settings) -> dict[str, str]:
    """The config's `[keymap]` as `App.set_keymap` takes it; Failure (exit
    2) names the file and line of an unknown id or a key that is not one."""
    if not settings.keymap:
        return {}
    from ps_tui.config import origin_of
    from ps_tui.keymap import KeymapError, check_keymap, effective_keymap, registry

    known = registry()
    checked: dict[str, str] = {}
    for binding_id, keys in settings.keymap.items():
        try:
            checked.update(check_keymap({binding_id: keys}, known))
        except KeymapError as error:
            origin = origin_of(settings.config_path, f"keymap.{binding_id}")
            raise Failure(f"{origin}: keymap: {error}") from None
    return effective_keymap(checked)


def checked_view_keys(settings: Settings) -> Settings:
    """The settings with each saved view's `key` in Textual's long form;
    Failure (exit 2) names the file and line of one that is not a key."""
    if not any(view.key for view in settings.views):
        return settings
    from dataclasses import replace

    import msgspec

    from ps_tui.config import origin_of
    from ps_tui.keymap import KeymapError, parse_keys

    views = []
    for index, view in enumerate(settings.views):
        if view.key:
            try:
                view = msgspec.structs.replace(view, key=parse_keys(view.key))
            except KeymapError as error:
                where = origin_of(settings.config_path, f"views[{index}].key")
                raise Failure(f"{where}: views[{index}].key: {error}") from None
        views.append(view)
    return replace(settings, views=tuple(views))


def check_theme(settings: Settings) -> None:
    """Failure (exit 2) naming the file and line of a theme Textual does not have."""
    if settings.theme is None:
        return
    from textual.theme import BUILTIN_THEMES

    if settings.theme in BUILTIN_THEMES:
        return
    from ps_tui.config import origin_of

    where = origin_of(settings.config_path, "theme")
    known = ", ".join(BUILTIN_THEMES)
    raise Failure(f"{where}: theme: no theme {settings.theme!r} (themes: {known})")


def app_for(args: argparse.Namespace, settings: Settings) -> PsApp:
    """The app `ps-tui` runs for `args` and `settings`, checked. The cyclic
    collector is held off from here to the app's first frame: what is made
    before it (Textual's modules, the widgets, their styles) lives as long
    as the app, and passes over it cost a tenth of the time to that frame."""
    collector.hold()
    try:
        from ps_tui.app import PsApp
        from ps_tui.session import open_store

        keymap = checked_keymap(settings)
        settings = checked_view_keys(settings)
        check_theme(settings)
        command = command_name(sys.argv[0], sys.executable, Path.cwd().absolute())
        return PsApp(
            store=open_store(settings), settings=settings, command=command, keymap=keymap, collector_held=True
        )
    except BaseException:
        collector.release(freeze=False)
        raise


def run(args: argparse.Namespace, settings: Settings) -> int:
    app = app_for(args, settings)
    try:
        app.run(mouse=settings.mouse and not getattr(args, "no_mouse", False))
    finally:
        app.release_collector(freeze=False)  # no frame was drawn
    # Everything is written by now (the saves' threads are joined before
    # `run` returns). The interpreter's last collection would walk every
    # object still alive: a second and more for a store whose load was
    # under way when the user quit (a finished load is frozen already).
    gc.freeze()
    if app.failure:
        # Printed after the terminal is restored, unwrapped, like `validate`.
        print(app.failure, file=sys.stderr)
    return app.return_code or 0
