"""The bundled default store: the handbook's reference data, plus demo implementations."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib.resources import files

from ps_tui.core.demo import demo_store
from ps_tui.core.model import StoreFile
from ps_tui.core.validate import decode_store


def reference_text() -> str:
    """The text of the bundled reference store (comments included), as `init` writes it."""
    return files(__package__).joinpath("reference.toml").read_text(encoding="utf-8")


def reference_store() -> StoreFile:
    """The handbook's reference data with no implementations."""
    return decode_store(tomllib.loads(reference_text()))


def default_store(today: dt.date) -> StoreFile:
    """What `ps-tui` shows before a real store exists: reference plus demo data."""
    return demo_store(reference_store(), today)
