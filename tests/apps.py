"""Helpers to build and drive the app in tests."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.keys import InOrderKeys
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.session import open_store
from tests.conftest import TODAY


def demo_app(store: Path | None = None, me: str | None = None) -> PsApp:
    """The app on the demo data (or `store`), with today fixed."""
    settings = Settings(store=store, today=TODAY, me=me)
    return PsApp(open_store(settings), settings)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until loads and other workers are done, those they lead to as
    well, and the screen is drawn. Not for the worker following a shared
    server's event stream, which runs for as long as the app; and a worker
    cancelled by the next of its kind (a refresh asked for twice) is done.
    Keys of a burst still held back (each waits for the one before to have
    had its effect, which takes longer on a loaded machine) are waited for too."""
    await pilot.pause()
    while True:
        workers = [w for w in pilot.app.workers if w.group != "store-live" and not w.is_finished]
        if workers:
            for worker in workers:
                # One cancelled was replaced by the next of its group, waited for next time round.
                with contextlib.suppress(WorkerCancelled):
                    await worker.wait()
        elif isinstance(pilot.app, InOrderKeys) and pilot.app.keys_pending:
            await asyncio.sleep(0.01)
        else:
            break
        await pilot.pause()
    await pilot.pause()


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def open_screen(pilot: Pilot[None], key: str, kind: type[ScreenT]) -> ScreenT:
    """Press `key` once the app has loaded; the screen of `kind` it opens."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_list(pilot: Pilot[None]) -> ImplementationsScreen:
    """Open the Implementations screen (key 2) once the app has loaded."""
    return await open_screen(pilot, "2", ImplementationsScreen)


#: The character a terminal sends for the named keys a burst may hold.
_CHARACTERS = {"space": " ", "slash": "/", "tab": "\t", "enter": "\r", "escape": "\x1b", "question_mark": "?"}


def burst(app: PsApp, *keys: str, paste: str | None = None) -> None:
    """Post `keys` (then `paste`, as a terminal's bracketed paste) to the app
    at once, as a terminal delivers fast typing: unlike `Pilot.press`, nothing
    waits for a key to be handled before the next one arrives."""
    for key in keys:
        app.post_message(events.Key(key, _CHARACTERS.get(key, key if len(key) == 1 else None)))
    if paste is not None:
        app.post_message(events.Paste(paste))
