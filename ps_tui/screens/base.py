"""The frame every main screen shares: header, tab bar, body, status, footer."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual._context import NoActiveAppError
from textual.app import ComposeResult, ModeError, ScreenStackError
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Header

from ps_tui.core.model import StoreFile
from ps_tui.core.view import Portfolio
from ps_tui.screens.host import host
from ps_tui.store.base import LoadProgress
from ps_tui.widgets.footer import KeyFooter
from ps_tui.widgets.nav import NavBar
from ps_tui.widgets.status import StatusLine


class PsScreen(Screen[None]):
    """A main screen. Subclasses compose their body and render store data in
    `show_data`, which runs on mount and again whenever the data changes."""

    MODE: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self._styled_as_it_stands()

    def _styled_as_it_stands(self) -> None:
        """Take this new screen as styled by the stylesheet as it stands (as
        it will be once mounted) when the screen shown is: Textual marks a
        new screen as styled by none, and opening its mode restyled the
        whole app first (34 ms opening Implementations). Not when a change
        of style is still to reach the screen shown (a theme just chosen),
        nor for the first screen at launch, whose styles wait for the
        stylesheet's variables: Textual restyles those as before."""
        try:
            app = self.app
            shown = app.screen
        except (NoActiveAppError, ScreenStackError, ModeError):
            return
        if shown._css_update_count == app._css_update_count:
            self._css_update_count = app._css_update_count

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield from self.compose_body()
        yield StatusLine()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    #: A portfolio that arrived while this screen was hidden, waiting for it
    #: to be shown; its `changed` covers every change since the last render.
    _pending: Portfolio | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "portfolio", self._portfolio_changed)
        self.watch(self.app, "load_progress", self._load_progressed)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _load_progressed(self, step: LoadProgress | None) -> None:
        """Show how the load under way goes, under the tabs: the panel is
        mounted for a load that takes a while and removed when it ends."""
        found = self.query("#load-progress")
        if step is None:
            found.remove()
            return
        # Imported with the first slow load: the launch of a small store never needs it.
        from ps_tui.widgets.progress import ProgressPanel

        if found:
            panel = found.first(ProgressPanel)
        else:
            panel = ProgressPanel("Loading the store", id="load-progress")
            self.mount(panel, after=self.query_one(NavBar))
        panel.show_load(step)

    def _theme_changed(self, _: Theme) -> None:
        # What was drawn as Rich text holds the old theme's colours: draw
        # it again (now, or when shown).
        portfolio = host(self).portfolio
        if portfolio is not None:
            self._portfolio_changed(replace(portfolio, changed=None))

    def _portfolio_changed(self, portfolio: Portfolio | None) -> None:
        if portfolio is None:
            return
        if not self.is_current:
            # Hidden: render once when shown, not on every change (nor at all
            # for a screen the user has left before its data arrived).
            pending = self._pending
            if pending is not None and pending.changed is not None and portfolio.changed is not None:
                portfolio = replace(portfolio, changed=pending.changed | portfolio.changed)
            elif pending is not None:
                portfolio = replace(portfolio, changed=None)
            self._pending = portfolio
            return
        self._render_portfolio(portfolio)

    def _render_portfolio(self, portfolio: Portfolio) -> None:
        self._pending = None
        self.show_portfolio(portfolio)

    def on_screen_resume(self) -> None:
        if self._pending is not None:
            self._render_portfolio(self._pending)

    def show_portfolio(self, portfolio: Portfolio) -> None:
        """Render the store; called on mount and after every reload or edit.
        The default renders the raw data through `show_data`."""
        self.show_data(portfolio.data)

    def show_data(self, data: StoreFile) -> None:
        raise NotImplementedError
