"""The Textual app: five screens as modes, store IO in workers, help and palette.

Invariants: workers do IO and post messages; handlers own state
(`portfolio`); screens watch `portfolio`, ask for edits through `submit` (the
`screens.host.Host` protocol) and never touch the store themselves.
"""

from __future__ import annotations

import asyncio
import gc
import io
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import constants, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from ps_tui.config import Settings
from ps_tui.core.kpi import DEFAULT_WINDOW
from ps_tui.core.model import Implementation, StoreFile
from ps_tui.core.team import not_a_member
from ps_tui.core.view import Portfolio
from ps_tui.keys import InOrderKeys
from ps_tui.messages import (
    Done,
    HolderKnown,
    LiveSignal,
    LoadProgressed,
    StoreChanged,
    StoreFailed,
    StoreLoaded,
    StoreRefreshed,
)
from ps_tui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from textual.theme import Theme

    from ps_tui.core.history import Event
    from ps_tui.core.reports import Recorded
    from ps_tui.core.views import View
    from ps_tui.screens.host import Host
    from ps_tui.screens.implementations import ImplementationsScreen
    from ps_tui.store.tokens import Holder
from ps_tui import collector
from ps_tui.store.base import LoadProgress, Progress, SharedStore, Store, counting
from ps_tui.store.errors import StoreConflict, StoreError
from ps_tui.store.live import Changed, Down, EventSource, Live, Note, follow
from ps_tui.stylesheet import KeptStylesheet
from ps_tui.widgets.nav import SECTIONS


def _home_relative(path: Path) -> str:
    """`~/x` for paths under the home directory: shorter in a status line."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _implementations_screen() -> Screen[None]:
    from ps_tui.screens.implementations import ImplementationsScreen

    return ImplementationsScreen()


def _offerings_screen() -> Screen[None]:
    from ps_tui.screens.offerings import OfferingsScreen

    return OfferingsScreen()


def _team_screen() -> Screen[None]:
    from ps_tui.screens.team import TeamScreen

    return TeamScreen()


def _reports_screen() -> Screen[None]:
    from ps_tui.screens.reports import ReportsScreen

    return ReportsScreen()


def _data_commands() -> type[Provider]:
    # Imported when the palette first opens, not at launch.
    from ps_tui.screens.commands import DataCommands

    return DataCommands


#: A function key as Textual names it ("f2").
_FUNCTION_KEY = re.compile(r"f[0-9]{1,2}")


#: The shortest time between two steps of a load shown on screen, in seconds.
PROGRESS_INTERVAL = 0.1


def _first_shown(portfolio: Portfolio, mode: str) -> None:
    """Make what the screen in `mode` draws first. The Implementations
    screen: every row of its table. Any other: the dashboard's figures
    (see `Portfolio.kpis`), and for a big store the Implementations
    screen's first rows (half a second at 1,000,000 implementations), so
    that the screen opened as soon as the dashboard shows is not kept
    waiting. What is left is made once the screen is drawn (`_derive_rest`)."""
    big = len(portfolio.data.implementations) > collector.BIG_COUNT
    if mode == "implementations" and big:
        from ps_tui.core.listing import TableStart  # not at launch

        TableStart.of(portfolio)
        return
    _first_figures(portfolio)
    if big:
        from ps_tui.core.listing import TablePreview

        TablePreview.of(portfolio)


def _first_figures(portfolio: Portfolio) -> None:
    """Compute what the dashboard draws first (see `Portfolio.kpis`)."""
    portfolio.kpis(DEFAULT_WINDOW)
    _ = portfolio.attention


class LoadAbandoned(Exception):
    """Raised in a load's thread, at its next report of progress, once the
    load is no longer wanted (the app quit, or a reload replaced it)."""


class PsApp(InOrderKeys):
    """ps-tui: Dashboard, Implementations, Offerings, Team and Reports."""

    TITLE = "ps-tui"
    CSS_PATH = "app.tcss"
    MODES = {
        "dashboard": DashboardScreen,
        # Only the dashboard shows at launch: the other screens (and what they
        # import) load the first time they are opened.
        "implementations": _implementations_screen,
        "offerings": _offerings_screen,
        "team": _team_screen,
        "reports": _reports_screen,
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {_data_commands}
    BINDINGS = [
        *(
            Binding(str(n), f"switch_mode('{mode}')", label, id=f"go.{mode}", show=False)
            for n, (mode, label) in enumerate(SECTIONS, 1)
        ),
        # F1 works in a text box too, where `?` is typed, and over a dialog or
        # the form (priority: before the modal screen's own keys): the
        # footer shows it.
        Binding("f1", "help", "Help", id="help", key_display="F1", priority=True),
        Binding("question_mark", "help", "Help", id="help.question", show=False),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    #: The loaded store and what is derived from it; None until the first load.
    #: Every assignment is news, unchanged data included (a form hears that its
    #: reload found nothing new), and no two stores are compared field by field.
    portfolio: reactive[Portfolio | None] = reactive(None, always_update=True)
    #: The status-bar text: data source and today's date.
    status: reactive[str] = reactive("Loading…")
    #: How the status bar looks: "demo", "offline" or "" (a normal store).
    status_kind: reactive[str] = reactive("")
    #: How far the load under way has come (None: no load under way, or one
    #: that has not said yet). Every screen shows it (`widgets/progress.py`).
    load_progress: reactive[LoadProgress | None] = reactive(None)

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        command: str = "ps-tui",
        keymap: dict[str, str] | None = None,
        collector_held: bool = False,
    ) -> None:
        super().__init__()
        #: Whether the caller holds the cyclic collector off until the first
        #: frame (`ps_tui.collector.hold`); the app releases it then.
        self._collector_held = collector_held
        # Before any CSS is read: Textual's own parses it all again at launch.
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables())
        if keymap:
            # Checked by the caller (`ps_tui.keymap`): ids that exist, keys in long form.
            self.set_keymap(keymap)
        self.store = store
        self.settings = settings or Settings()
        for view in self.settings.views:
            self._bind_view(view)
        if self.settings.theme:
            # Checked at launch (`cli.tui.check_theme`).
            self.theme = self.settings.theme
        #: How the user types this program (`.venv/bin/ps-tui` when it is not
        #: on PATH), for the hints in the status line.
        self.command = command
        self.today = self.settings.effective_today()
        #: Why the app could not start (set when it exits with status 2).
        self.failure: str | None = None
        self._refresh_timer: Timer | None = None
        #: A refresh of a shared store is under way, and another is due after it.
        self._refreshing = False
        self._refresh_again = False
        #: Whether the shared server's event stream is up (no polling then).
        self.live = False
        #: Why there is no event stream, once one was tried (None: up, or not tried).
        self.live_down: str | None = None
        self._following = False
        self._noted = False
        #: The outcome of a load made before the first frame (see on_load).
        self._first_load: StoreLoaded | StoreFailed | None = None
        #: Whether "who are you?" was asked in this run (it is asked once).
        self._asked_who = False
        #: Held while the config file is rewritten: each rewrite reads what
        #: the one before wrote (a view saved while a theme is chosen).
        self._config_lock = asyncio.Lock()
        #: The theme last chosen, which the config is to hold.
        self._theme_wanted: str | None = None
        #: Whom a shared server says the token belongs to (None: nobody, or not known yet).
        self.holder: Holder | None = None

    def refresh_css(self, animate: bool = True) -> None:
        super().refresh_css(animate)
        # Every screen of every mode is a child of the app, restyled just
        # now, but Textual marks as styled only the current mode's (and the
        # one shown only once mounted): the next switch to another screen
        # reparsed every rule and restyled every node again (20-50 ms a
        # switch, two for a mode's first opening).
        for stack in self._screen_stacks.values():
            for screen in stack:
                screen._css_update_count = self._css_update_count

    async def on_load(self) -> None:
        # A store that loads in a blink is read before anything is drawn, so
        # the first frame already shows its data: no "Loading…" flash, and no
        # second pass over every widget to fill them in.
        if self.store.loads_quickly():
            self._first_load = await self._read_store(in_thread=False)
            if isinstance(self._first_load, StoreLoaded):
                self._loaded(self._first_load)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        if self._collector_held:
            self.call_after_refresh(self.release_collector, freeze=True)
        if self._first_load is None:
            store = self.store
            local = store.persistent and not isinstance(store, SharedStore)
            self.status = f"Loading {_home_relative(Path(store.location)) if local else store.location}…"
            self.load_store()
        elif isinstance(self._first_load, StoreFailed):
            # Reported once the app runs, as a failed load in a worker is.
            self.post_message(self._first_load)

    def release_collector(self, freeze: bool) -> None:
        """End the caller's hold on the collector, once (see `collector_held`);
        with `freeze`, what launch made is frozen: it lives as long as the app."""
        if self._collector_held:
            self._collector_held = False
            collector.release(freeze)

    async def on_unmount(self) -> None:
        if isinstance(self.store, SharedStore):
            await self.store.aclose()

    # -- store IO: workers report, handlers mutate ----------------------------

    @work(exclusive=True, group="store-load")
    async def load_store(self) -> None:
        # A thread cannot be stopped from outside, and the interpreter waits
        # for the load's before it exits: so the load asks, at each report of
        # progress, whether it is still wanted, and ends when it is not. A
        # cancelled worker (the app quitting, a reload replacing it) says so.
        abandoned = threading.Event()
        # The UI first: a load's thread reports its next step only once the
        # UI has shown the last, so while the UI is busy (a screen opening,
        # a key) the load waits for it instead of taking half its time.
        shown = threading.Event()
        shown.set()
        ui_thread = threading.get_ident()
        # At most ten steps a second of a load's thread are shown: each one
        # drawn costs the UI a frame, and frames at the thread's pace (500
        # slices at 1,000,000 implementations) took a third of its time. A
        # new stage, and a stage's last step, are always shown; so is each
        # step of a remote load, whose pages come at the network's pace.
        last: list[tuple[str, float]] = [("", 0.0)]

        def progress(step: LoadProgress) -> None:
            waits = threading.get_ident() != ui_thread  # a remote load reports from the UI's own
            if waits:
                shown.wait()
            if abandoned.is_set():
                raise LoadAbandoned
            now = time.monotonic()
            stage, at = last[0]
            if waits and step.stage == stage and step.done != step.total and now - at < PROGRESS_INTERVAL:
                return
            last[0] = (step.stage, now)
            if waits:
                shown.clear()
            if not self.post_message(LoadProgressed(step, shown.set)):
                shown.set()  # the app is closing: nobody will show it

        try:
            self.post_message(await self._read_store(in_thread=True, progress=progress))
        finally:
            abandoned.set()
            shown.set()

    async def _read_store(
        self, in_thread: bool, progress: Progress | None = None
    ) -> StoreLoaded | StoreFailed:
        """Load the store and build its portfolio (in a thread when asked:
        the work is proportional to the store's size), telling `progress`."""
        try:
            with collector.paused(big=in_thread):
                return await self._load_and_build(in_thread, progress)
        except StoreError as error:
            return StoreFailed(str(error), during="Load")

    async def _load_and_build(self, in_thread: bool, progress: Progress | None) -> StoreLoaded | StoreFailed:
        # A big load runs with the cyclic collector paused (see
        # `ps_tui.collector`): it builds the store and its assessments, nothing
        # that is thrown away in cycles, and the collector's passes over them
        # cost more than the building.
        data = await self.store.load(progress)
        me = self.settings.me
        unknown = not_a_member(me, data.members) if me else None
        if unknown is not None:
            # "Mine" would show nothing, silently: say so before anything is drawn.
            return StoreFailed(f"{self.settings.me_origin}: {unknown}", during="Load")
        if in_thread:
            assessed = counting(progress, "Assessing", len(data.implementations))
            portfolio = await asyncio.to_thread(Portfolio.build, data, self.today, assessed)
            # What the screen on show draws first, here rather than on the UI thread.
            await asyncio.to_thread(_first_shown, portfolio, self.current_mode)
        else:
            portfolio = Portfolio.build(data, self.today)
        # A big store is hundreds of thousands of long-lived objects: keep
        # the cyclic GC from walking them again on every later collection.
        gc.freeze()
        return StoreLoaded(portfolio)

    @on(LoadProgressed)
    def _progressed(self, message: LoadProgressed) -> None:
        self.load_progress = message.progress
        message.shown()

    @on(StoreLoaded)
    def _loaded(self, message: StoreLoaded) -> None:
        self.load_progress = None
        self.portfolio = message.portfolio
        if len(message.portfolio.data.implementations) > collector.BIG_COUNT:
            # The table's rows (or the dashboard's figures), made in a thread
            # once the screen is drawn, so that the other screen opens at once.
            self.call_after_refresh(self._derive_rest, message.portfolio)
        self.status = self._describe_source(message.portfolio.data)
        self._arm_refresh()
        self._follow()
        self._ask_who(message.portfolio.data)

    @work(exclusive=True, group="listing", description="make the rest of a big portfolio's views")
    async def _derive_rest(self, portfolio: Portfolio) -> None:
        """What `_first_shown` left of a big portfolio's views: each is made
        once, so what is made already costs nothing."""
        # With the screen's modules, not at launch.
        from ps_tui.core.listing import TablePreview, TableStart

        rest: list[Callable[[Portfolio], object]] = (
            [_first_figures] if TableStart.ready(portfolio) else [TablePreview.of, TableStart.of]
        )
        with collector.paused(True):
            for make in rest:
                if portfolio is not self.portfolio:  # replaced meanwhile by a reload or an edit
                    return
                await asyncio.to_thread(make, portfolio)

    # -- who "me" is: asked once when a config names nobody --------------------

    def _ask_who(self, data: StoreFile) -> None:
        """When the config file names nobody and saves go to a store file,
        ask once who this is, for the history (and the "mine" filter)."""
        if isinstance(self.store, SharedStore):
            # The server records the token's holder: nothing to ask, only to learn.
            if not self._asked_who:
                self._asked_who = True
                self._learn_holder(self.store)
            return
        config = self.settings.config_path
        if self._asked_who or self.settings.me or config is None or not data.members:
            return
        if not self.store.persistent:
            return  # the demo data saves nothing
        # Not before: a launch on the demo data has no need of the file backend.
        from ps_tui.store.file import FileStore

        if not isinstance(self.store, FileStore):
            return
        self._asked_who = True
        from ps_tui.screens.whoami import WhoScreen

        names = [member.name for member in data.members]
        # After the first frame: the first load may come before any screen.
        self.call_after_refresh(self.push_screen, WhoScreen(names, str(config)), self._remember_who)

    @work(exclusive=True, group="whoami", description="learn who the token is")
    async def _learn_holder(self, store: SharedStore) -> None:
        self.post_message(HolderKnown(await store.holder()))

    @on(HolderKnown)
    def _holder_known(self, message: HolderKnown) -> None:
        """A member's token: shown in the status line, and `me` (the "mine"
        filter) when the config names nobody."""
        from dataclasses import replace

        holder = self.holder = message.holder
        if self.portfolio is None:
            return
        members = self.portfolio.data.members
        if holder is not None and not self.settings.me and not_a_member(holder.name, members) is None:
            origin = f"{self.store.location}: your token"
            self.settings = replace(self.settings, me=holder.name, me_origin=origin)
        self.status = self._describe_source(self.portfolio.data)

    def _remember_who(self, name: str | None) -> None:
        if name is not None:
            self._save_who(name)

    @work(group="config", description="save who this is")
    async def _save_who(self, name: str) -> None:
        from dataclasses import replace

        from ps_tui.config import ConfigError
        from ps_tui.config_write import remember_me
        from ps_tui.store.file import FileStore

        config = self.settings.config_path
        assert config is not None
        try:
            async with self._config_lock:
                await asyncio.to_thread(remember_me, config, name)
        except ConfigError as failed:
            self.notify(f"Not saved: {failed}", severity="error", timeout=8)
            return
        self.settings = replace(self.settings, me=name, me_origin=f"{config}: me")
        if isinstance(self.store, FileStore):
            self.store.who = name
        self.notify(f"Hello {name}: your changes are recorded as yours ({config})", timeout=5)

    # -- polling a shared store: re-armed after each poll, so polls never overlap;
    # -- none while its event stream is up: each event asks for the same refresh

    def _arm_refresh(self) -> None:
        if (
            isinstance(self.store, SharedStore)
            and self._refresh_timer is None
            and not self._refreshing
            and not self.live
        ):
            self._refresh_timer = self.set_timer(self.settings.refresh_seconds, self._refresh_due)

    def _refresh_due(self) -> None:
        self._refresh_timer = None
        self._start_refresh()

    def _start_refresh(self) -> None:
        """Refresh now, or right after the refresh under way (which may have
        read the server before the change that asks for this one)."""
        if self._refreshing:
            self._refresh_again = True
            return
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        self._refreshing = True
        self.refresh_store()

    def _follow(self) -> None:
        """Follow the shared server's event stream, once per run."""
        if isinstance(self.store, EventSource) and not self._following:
            self._following = True
            self.follow_store(self.store)

    @work(exclusive=True, group="store-live", description="follow the store")
    async def follow_store(self, source: EventSource) -> None:
        """Read the server's event stream, reconnecting, for as long as the app runs."""
        async for signal in follow(source):
            self.post_message(LiveSignal(signal))

    @on(LiveSignal)
    def _live_signal(self, message: LiveSignal) -> None:
        signal = message.signal
        if isinstance(signal, Live):
            self.live, self.live_down = True, None
            self._start_refresh()  # what changed while the stream was down
        elif isinstance(signal, Changed):
            if not self._holds(signal):
                self._start_refresh()
        elif isinstance(signal, Down):
            self.live, self.live_down = False, signal.reason
            self._arm_refresh()
        elif isinstance(signal, Note):
            self.log.warning(signal.text)
            if not self._noted:  # once per run: a server may say it on every connection
                self._noted = True
                self.notify(signal.text, title="Live updates", severity="warning", timeout=8)
        if self.portfolio is not None and not isinstance(signal, Changed):
            self.status = self._describe_source(self.portfolio.data)

    def _holds(self, change: Changed) -> bool:
        """Whether the data holds `change` already (its number is one the
        last refresh brought): a refresh would fetch nothing."""
        held = self.store.seq if isinstance(self.store, EventSource) else None
        return change.seq is not None and held is not None and held >= change.seq

    @work(exclusive=True, group="store-refresh")
    async def refresh_store(self) -> None:
        """Fetch what others changed on the shared server."""
        store = self.store
        if not isinstance(store, SharedStore):
            return
        try:
            data, changed = await store.refresh()
        except StoreError as error:
            self.post_message(StoreRefreshed(None, None, error=str(error)))
        else:
            self.post_message(StoreRefreshed(data, changed))

    @on(StoreRefreshed)
    def _refreshed(self, message: StoreRefreshed) -> None:
        self._refreshing = False
        was_offline = self.status_kind == "offline"
        if message.data is not None and message.changed != frozenset():
            if message.changed is None or self.portfolio is None:
                self.portfolio = Portfolio.build(message.data, self.today)
            else:
                self.portfolio = self.portfolio.updated(message.data, message.changed)
        if self.portfolio is not None:
            self.status = self._describe_source(self.portfolio.data)
        if message.error is not None and not was_offline:
            self.notify(message.error, title="Server unreachable", severity="warning", timeout=8)
        elif message.error is None and was_offline:
            self.notify("Back online: showing the server's data again", timeout=5)
        if self._refresh_again:
            self._refresh_again = False
            self._start_refresh()
        else:
            self._arm_refresh()

    async def history_of(self, impl_id: str) -> list[Event] | str:
        from ps_tui.session import history_of

        return await history_of(self.store, impl_id)

    async def report_history(self) -> Recorded:
        from ps_tui.session import app_report_history

        return await app_report_history(self.store)

    async def write_report(self, path: Path, text: str, *, overwrite: bool) -> None:
        from ps_tui.session import write_report

        await asyncio.to_thread(write_report, path, text, overwrite=overwrite)

    def submit(
        self,
        label: str,
        edit: Callable[[Store], Awaitable[StoreFile]],
        changed: Iterable[str],
        done: Done | None = None,
        kept: str = "",
    ) -> None:
        """Run `edit` against the store in a worker. On success the portfolio
        updates the `changed` implementations by key; either way `done` is
        called with the outcome, so a form can close or keep its input.
        `kept` says where the change is when the store refuses it."""
        self._write(label, edit, frozenset(changed), done, kept)

    @work(group="store-write", description="save a change")
    async def _write(
        self,
        label: str,
        edit: Callable[[Store], Awaitable[StoreFile]],
        changed: frozenset[str],
        done: Done | None,
        kept: str,
    ) -> None:
        try:
            data = await edit(self.store)
        except StoreError as error:
            self.post_message(StoreFailed(str(error), during=label, done=done, exception=error, kept=kept))
        else:
            self.post_message(StoreChanged(data, changed, label, done))

    @on(StoreChanged)
    def _changed(self, message: StoreChanged) -> None:
        if self.portfolio is None:
            self.portfolio = Portfolio.build(message.data, self.today)
        else:
            self.portfolio = self.portfolio.updated(message.data, message.changed)
        self.status = self._describe_source(message.data)
        suffix = "" if self.store.persistent else " (demo data: kept until you quit)"
        self.notify(f"{message.label}{suffix}", timeout=3)
        if message.done is not None:
            message.done(True)

    @on(StoreFailed)
    def _failed(self, message: StoreFailed) -> None:
        if message.during == "Load":
            self.load_progress = None
        if message.during == "Load" and self.portfolio is None:
            # Nothing to show yet: leave; the CLI prints the reason as is.
            self.failure = message.error
            self.exit(return_code=2)
            return
        conflict = message.exception
        if isinstance(conflict, StoreConflict) and conflict.mine and conflict.current:
            self._resolve_conflict(conflict.mine, conflict.current, message.done)
            return
        title = "Load failed" if message.during == "Load" else "Not saved"
        text = message.error
        if isinstance(conflict, StoreConflict):
            text += " (ctrl+r)"
        if message.kept:
            text += f"; {message.kept}"
        self.notify(text, title=title, severity="error", timeout=12)
        if message.done is not None:
            message.done(False)
        if self.portfolio is not None:
            self.status = self._describe_source(self.portfolio.data)

    def _resolve_conflict(self, mine: Implementation, theirs: Implementation, done: Done | None) -> None:
        """Both versions side by side; the user keeps theirs or overwrites."""
        store = self.store

        def chosen(choice: str | None) -> None:
            if choice == "mine" and isinstance(store, SharedStore):
                self.submit(
                    f"Overwrote {mine.customer} ({mine.id}) with your version",
                    lambda _: store.overwrite_implementation(mine),
                    [mine.id],
                    done,
                )
                return
            if done is not None:
                done(False)
            if choice == "theirs":
                self.action_reload()

        from ps_tui.screens.conflict import ConflictScreen

        self.push_screen(ConflictScreen(mine, theirs), chosen)

    def _describe_source(self, data: StoreFile) -> str:
        today = f"today {self.today.isoformat()}" + (" (fixed)" if self.settings.today else "")
        count = f"{len(data.implementations):,} implementations"
        store = self.store
        if not store.persistent:
            self.status_kind = "demo"
            # The command as it can be typed, whole even at 80 columns;
            # `init` itself says where it writes.
            return (
                f"DEMO DATA, edits not saved · `{self.command} init` makes a real store │ {count} · {today}"
            )
        if isinstance(store, SharedStore):
            fetched = store.fetched.astimezone().strftime("%H:%M") if store.fetched else "an earlier session"
            if store.offline:
                self.status_kind = "offline"
                return (
                    f"OFFLINE, data from {fetched}: {store.location} unreachable, edits refused, "
                    f"retrying every {self.settings.refresh_seconds} s │ {count}"
                )
            self.status_kind = ""
            holder = self.holder
            who = "" if holder is None else f" as {holder.name}" + (", read-only" if holder.read_only else "")
            if self.live:
                return f"{store.location} (shared{who}, live) │ {count} · {today}"
            return f"{store.location} (shared{who}, polled, as of {fetched}) │ {count} · {today}"
        self.status_kind = ""
        return f"{_home_relative(Path(store.location))} │ {count} · {today}"

    # -- moving between screens --------------------------------------------------

    async def _implementations_screen(self) -> ImplementationsScreen:
        from ps_tui.screens.implementations import ImplementationsScreen

        await self.switch_mode("implementations")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = self.screen_stack[0]
        assert isinstance(screen, ImplementationsScreen)
        return screen

    async def open_implementation(self, impl_id: str) -> None:
        """Show one implementation's detail view over the screen the user is
        on, so that esc goes back there."""
        from ps_tui.screens.detail import DetailScreen

        await self.push_screen(DetailScreen(impl_id))

    async def show_person(self, name: str) -> None:
        """The Implementations screen filtered to one person's active work."""
        screen = await self._implementations_screen()
        from ps_tui.core.listing import Scope

        screen.filter_to(f'person:"{name}"', Scope.ACTIVE)

    def export(self, path: Path, text: str, what: str) -> None:
        """Write an export: to `path`, or as a download in a browser."""
        if self.is_web:
            self.deliver_text(io.StringIO(text), save_filename=path.name)
            self.notify(f"{what} sent to the browser as {path.name}", timeout=4)
            return
        self._write_export(path, text, what)

    @work(group="export", description="write an export")
    async def _write_export(self, path: Path, text: str, what: str) -> None:
        from ps_tui.export_file import ExportFailed, write_export

        try:
            await asyncio.to_thread(write_export, path, text)
        except ExportFailed as failed:
            self.notify(f"Not exported: {failed}", severity="error", timeout=8)
            return
        self.notify(f"{what} written to {path}", title="Exported", timeout=5)

    async def look_up(self, customer: str) -> None:
        """The Offerings screen's answer for `customer`."""
        from ps_tui.screens.offerings import OfferingsScreen

        await self.switch_mode("offerings")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = self.screen_stack[0]
        assert isinstance(screen, OfferingsScreen)
        screen.look_up(customer)

    async def show_view(self, name: str) -> None:
        """The Implementations screen in the saved view called `name`."""
        from ps_tui.core.views import find_view

        view = find_view(self.settings.views, name)
        if view is None:
            self.notify(f"No view {name!r} in the config", severity="warning", timeout=4)
            return
        screen = await self._implementations_screen()
        screen.apply_view(view)

    def _theme_chosen(self, theme: Theme) -> None:
        if theme.name != (self._theme_wanted or self.settings.theme or constants.DEFAULT_THEME):
            self._theme_wanted = theme.name
            self._save_theme(theme.name)

    @work(group="config", description="save the theme")
    async def _save_theme(self, name: str) -> None:
        from dataclasses import replace

        from ps_tui.config import ConfigError, default_config_path
        from ps_tui.config_write import remember_theme

        config = self.settings.config_path or default_config_path()
        try:
            async with self._config_lock:
                if name != self._theme_wanted:
                    return  # chosen again meanwhile: that save writes the latest
                await asyncio.to_thread(remember_theme, config, name)
        except ConfigError as failed:
            self.notify(f"Theme not saved: {failed}", severity="error", timeout=8)
            return
        self.settings = replace(self.settings, theme=name, config_path=config)
        self.notify(f"Theme {name} saved in {config}", timeout=3)

    def save_view(self, view: View) -> None:
        """Add `view` to the config file (the user's, created if there is none)."""
        self._save_view(view)

    @work(group="config", description="save a view")
    async def _save_view(self, view: View) -> None:
        from dataclasses import replace

        from ps_tui.config import ConfigError, default_config_path
        from ps_tui.config_write import remember_view

        config = self.settings.config_path or default_config_path()
        try:
            async with self._config_lock:
                await asyncio.to_thread(remember_view, config, view)
        except ConfigError as failed:
            self.notify(f"Not saved: {failed}", severity="error", timeout=8)
            return
        self.settings = replace(self.settings, views=(*self.settings.views, view), config_path=config)
        self.notify(f"Saved the view {view.name!r} in {config} (ctrl+p: View: {view.name})", timeout=5)

    def _bind_view(self, view: View) -> None:
        if view.key:
            # The key is checked at launch (`cli.tui`), like the keymap's.
            # Textual reads an action's arguments as Python literals.
            self.bind(view.key, f"view({view.name!r})", description=f"View {view.name}", show=False)

    async def action_view(self, name: str) -> None:
        await self.show_view(name)

    # -- actions ---------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the store again; `portfolio` changes once it is read."""
        self.load_store()
        self.notify("Reloading the store…", timeout=2)

    def get_key_display(self, binding: Binding) -> str:
        """Function keys as a keyboard labels them: "F2", not "f2" (a
        keymap's keys have no display of their own)."""
        shown = super().get_key_display(binding)
        return shown.upper() if _FUNCTION_KEY.fullmatch(shown) else shown

    def action_help(self) -> None:
        from ps_tui.screens.help import HelpScreen

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss()
            return
        here: list[tuple[str, str]] = []
        everywhere: list[tuple[str, str]] = []
        #: Where each description is listed: a second key for it joins the first.
        seen: dict[str, tuple[list[tuple[str, str]], int]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            # Our own actions all carry an id; widget internals (scrolling,
            # focus) are listed only when their widget shows them in the footer.
            if binding.system or not binding.description or not (binding.id or binding.show):
                continue
            key = self.get_key_display(binding)
            if binding.description in seen:
                rows, at = seen[binding.description]
                if active.node is self and rows is everywhere:
                    rows[at] = (f"{rows[at][0]} {key}", binding.description)
                continue
            rows = everywhere if active.node is self else here
            seen[binding.description] = (rows, len(rows))
            rows.append((key, binding.description))
        if "Help" not in seen:
            # Over a dialog or the form, the app's keys are not active, but
            # for F1 (a priority key).
            everywhere.insert(0, ("F1", "Help"))
        everywhere.append(("^p", "Command palette"))
        self.push_screen(HelpScreen(screen.sub_title or "ps-tui", here, everywhere))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for n, (mode, label) in enumerate(SECTIONS, 1):
            yield SystemCommand(
                f"Go to {label}", f"Switch to the {label} screen (key {n})", partial(self.switch_mode, mode)
            )
        yield SystemCommand("Reload store", "Read the store again (ctrl+r)", self.action_reload)
        yield SystemCommand("Help", "Keys of the current screen (F1 or ?)", self.action_help)
        yield from super().get_system_commands(screen)


if TYPE_CHECKING:

    def _hosts(app: PsApp) -> Host:
        """The app offers what screens may ask of it (checked by mypy)."""
        return app
