"""`ps-tui init`: a real store and a config pointing at it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ps_tui import config as ps_config
from ps_tui.cli.diagnostics import EXIT_OK, Failure
from ps_tui.cli.tui import command_name
from ps_tui.config import Settings

NAME = "init"


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="write a real store and a config pointing at it",
        description="Write store.toml (the handbook's reference data, no implementations) and "
        "config.toml (pointing at it) to DIR or the user config directory; with --store PATH, "
        "the store goes to PATH (.toml or .json) and the config points at it.",
    )
    parser.add_argument(
        "dir", nargs="?", metavar="DIR", help=f"target directory (default: {ps_config.user_config_dir()})"
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="add the demo implementations (dated around today) to the store, to try ps-tui on a real file",
    )


def _with_demo(text: str, today: dt.date) -> str:
    """The reference store's text with the demo implementations appended, in
    the layout a save keeps (so the first edit's diff is the edit alone)."""
    from ps_tui.core.demo import demo_store
    from ps_tui.data import reference_store
    from ps_tui.store.toml_edit import edit_toml

    reference = reference_store()
    return edit_toml(text, reference, demo_store(reference, today))


def _relative(path: Path, directory: Path) -> str:
    """`path` relative to `directory` when it lies inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(directory.resolve()))
    except ValueError:
        return str(path.resolve())


def _toml_string(text: str) -> str:
    from ps_tui.store.toml_write import encode_value

    return encode_value(text)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from ps_tui.data import reference_text
    from ps_tui.store.atomic import atomic_write

    target = Path(args.dir).expanduser() if args.dir else ps_config.user_config_dir()
    config_path = target / "config.toml"
    # Only the flag counts here: a store named by the environment or a config
    # is one that exists already, not one to create.
    given = getattr(args, "store", None)
    store_path = Path(given).expanduser() if given else target / "store.toml"
    if store_path.suffix not in (".toml", ".json"):
        raise Failure(f"--store {store_path}: a store is a .toml or .json file")
    existing = [p for p in (store_path, config_path) if p.exists()]
    if existing and not args.force:
        names = ", ".join(str(p) for p in existing)
        raise Failure(f"{names} already exist{'s' if len(existing) == 1 else ''}; use --force to overwrite")
    try:
        target.mkdir(parents=True, exist_ok=True)
        store_path.parent.mkdir(parents=True, exist_ok=True)
        text = reference_text()
        if args.demo:
            text = _with_demo(text, settings.effective_today())
        data = text.encode("utf-8")
        if store_path.suffix == ".json":
            from ps_tui.store.file import encode_store, parse_store

            data = encode_store(parse_store(Path("store.toml"), data), "json")
        atomic_write(store_path, data)
        config = (
            "# ps-tui configuration; see `ps-tui --help`. Relative paths are relative to this file.\n"
            f"store = {_toml_string(_relative(store_path, target))}\n"
            '# me = "Your Name"   # as on the team roster: the "mine" filter, and who the history records\n'
        )
        atomic_write(config_path, config.encode("utf-8"))
    except OSError as error:
        raise Failure(f"{target}: cannot write ({error.strerror or error})") from None
    print(f"Wrote {store_path}\nWrote {config_path}")
    # As it can be typed here: `.venv/bin/ps-tui` when ps-tui is not on PATH.
    command = command_name(sys.argv[0], sys.executable, Path.cwd().absolute())
    if args.dir and Path(args.dir).expanduser().resolve() != ps_config.user_config_dir().resolve():
        print(f"Start with: {command} --config {config_path}")
    else:
        print(f"Start with: {command}")
    return EXIT_OK
