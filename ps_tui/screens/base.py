"""The frame every main screen shares: header, tab bar, body, status, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from ps_tui.core.model import StoreFile
from ps_tui.core.view import Portfolio
from ps_tui.widgets.nav import NavBar
from ps_tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from ps_tui.app import PsApp


class PsScreen(Screen[None]):
    """A main screen. Subclasses compose their body and render store data in
    `show_data`, which runs on mount and again whenever the data changes."""

    MODE: ClassVar[str]

    @property
    def ps_app(self) -> PsApp:
        return cast("PsApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield from self.compose_body()
        yield StatusLine()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.watch(self.app, "portfolio", self._portfolio_changed)

    def _portfolio_changed(self, portfolio: Portfolio | None) -> None:
        if portfolio is not None:
            self.show_portfolio(portfolio)

    def show_portfolio(self, portfolio: Portfolio) -> None:
        """Render the store; called on mount and after every reload or edit.
        The default renders the raw data through `show_data`."""
        self.show_data(portfolio.data)

    def show_data(self, data: StoreFile) -> None:
        raise NotImplementedError
