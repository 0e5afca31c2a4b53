"""The bundled default store: the handbook's reference data, plus demo implementations."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from ps_tui.core.demo import demo_store
from ps_tui.core.model import StoreFile
from ps_tui.core.validate import decode_store


def reference_text() -> str:
    """The text of the bundled reference store (comments included), as `init` writes it."""
    # Beside this module in every install (a wheel is never run zipped);
    # importlib.resources would cost a few milliseconds of each launch.
    return Path(__file__).with_name("reference.toml").read_text(encoding="utf-8")


def reference_store() -> StoreFile:
    """The handbook's reference data with no implementations."""
    return decode_store(tomllib.loads(reference_text()))


def default_store(today: dt.date) -> StoreFile:
    """What `ps-tui` shows before a real store exists: reference plus demo data."""
    return demo_store(reference_store(), today)
