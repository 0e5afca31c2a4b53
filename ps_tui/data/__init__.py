"""The bundled default store: the handbook's reference data, plus demo implementations.

`reference.toml` is the reference data as `init` writes them, comments and
all. `reference.json` holds the same data for the app to read: a demo launch
would otherwise import the TOML parser and parse the file first, a few
milliseconds of a launch budget (`reference_json` writes it anew; a test
checks that the two agree)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec

from ps_tui.core.demo import demo_store
from ps_tui.core.model import StoreFile
from ps_tui.core.validate import decode_store

# Beside this module in every install (a wheel is never run zipped);
# importlib.resources would cost a few milliseconds of each launch.
_TOML = Path(__file__).with_name("reference.toml")
_JSON = _TOML.with_suffix(".json")


def reference_text() -> str:
    """The text of the bundled reference store (comments included), as `init` writes it."""
    return _TOML.read_text(encoding="utf-8")


def reference_json() -> bytes:
    """The data of `reference.toml` as `reference.json` is to hold them."""
    import tomllib

    return msgspec.json.format(msgspec.json.encode(tomllib.loads(reference_text())), indent=2) + b"\n"


def reference_store() -> StoreFile:
    """The handbook's reference data with no implementations."""
    return decode_store(msgspec.json.decode(_JSON.read_bytes()))


def default_store(today: dt.date) -> StoreFile:
    """What `ps-tui` shows before a real store exists: reference plus demo data."""
    return demo_store(reference_store(), today)
