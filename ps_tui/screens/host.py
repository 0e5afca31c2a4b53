"""What a screen may ask of the app it runs in.

Screens and widgets know the app only through `Host`, and reach it one way:
`host(self)`. They never import `ps_tui.app` (which imports them), so the app
can change how it loads, saves and navigates without touching a screen, and a
test can host a screen in any app that offers these few things. Textual's own
App API (`push_screen`, `notify`, `switch_mode`, ...) stays on `self.app`.

The app's `portfolio`, `status` and `status_kind` are reactive: screens and
widgets watch them by those names (`self.watch(self.app, "portfolio", ...)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Awaitable, Callable, Iterable
    from pathlib import Path

    from textual.dom import DOMNode

    from ps_tui.config import Settings
    from ps_tui.core.history import Event
    from ps_tui.core.model import StoreFile
    from ps_tui.core.reports import Recorded
    from ps_tui.core.view import Portfolio
    from ps_tui.core.views import View
    from ps_tui.messages import Done
    from ps_tui.store.base import Store

    #: An edit: given the store, save something and return the store as it now stands.
    Edit = Callable[[Store], Awaitable[StoreFile]]


class Host(Protocol):
    """The app, as screens and widgets may use it."""

    @property
    def portfolio(self) -> Portfolio | None:
        """The loaded store and what is derived from it; None until the first load."""

    @property
    def settings(self) -> Settings:
        """The settings the app runs with (who "me" is, refresh period, ...)."""

    @property
    def today(self) -> dt.date:
        """The day every view is computed for (a setting, never the clock in core/)."""

    @property
    def status(self) -> str:
        """The status-bar text: data source and today's date."""

    @property
    def status_kind(self) -> str:
        """How the status bar looks: "demo", "offline" or ""."""

    def submit(
        self, label: str, edit: Edit, changed: Iterable[str], done: Done | None = None, kept: str = ""
    ) -> None:
        """Run `edit` against the store in a worker; the portfolio then updates
        the `changed` implementations, and `done` hears the outcome. `kept`
        tells the user where their change is if the store refuses it."""

    def when_keys_read(self, callback: Callable[[], object]) -> None:
        """Call `callback` once every key typed so far has had its effect."""

    def keys_waiting(self) -> list[str]:
        """The keys typed and not yet handed on, oldest first ("" for a paste)."""

    def reload(self) -> None:
        """Read the store again; `portfolio` changes once it is read."""

    async def open_implementation(self, impl_id: str) -> None:
        """Show one implementation's detail view over the current screen (esc goes back to it)."""

    async def show_person(self, name: str) -> None:
        """The Implementations screen filtered to one person's active work."""

    def export(self, path: Path, text: str, what: str) -> None:
        """Write `text` to `path` (IO in a worker; in a browser, a download);
        the app says how it went."""

    async def look_up(self, customer: str) -> None:
        """The Offerings screen's answer for a customer."""

    async def show_view(self, name: str) -> None:
        """The Implementations screen in a saved view of the config."""

    def save_view(self, view: View) -> None:
        """Add a view to the config file (IO in a worker); the app says how it went."""

    async def history_of(self, impl_id: str) -> list[Event] | str:
        """One implementation's recorded changes, newest first (IO: call it
        from a worker), or why there are none to show."""

    async def report_history(self) -> Recorded:
        """The history the weekly report is told from (IO: call it from a
        worker): the store file's, the shared server's, or none with the reason."""

    async def write_report(self, path: Path, text: str, *, overwrite: bool) -> None:
        """Write an exported report to `path` atomically, in a thread.
        Raises FileExistsError when it exists and `overwrite` is not given,
        OSError when it cannot be written."""


def host(node: DOMNode) -> Host:
    """The app `node` runs in, as a `Host`."""
    return cast("Host", node.app)
