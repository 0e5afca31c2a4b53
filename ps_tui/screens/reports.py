"""Reports: the weekly status, a customer's status or the monthly KPI
review, previewed as `ps-tui report ... --format md` prints it, exported to
a file or copied to the clipboard.

The report is made in a worker, off the UI thread, by the same adapters as
the command (`session.chosen_report`, then `session.report_text`), so the
preview's Markdown is the command's output for the same data and today."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from ps_tui import session
from ps_tui.core.offerings.customers import CustomerIndex
from ps_tui.core.reports import Recorded
from ps_tui.core.reports.choice import (
    ReportChoice,
    first_choices,
    format_of,
    implementation_index,
    owners,
)
from ps_tui.core.view import Portfolio
from ps_tui.render import Report, preview
from ps_tui.screens.base import PsScreen
from ps_tui.screens.host import host
from ps_tui.screens.report_dialogs import DIALOGS_CSS, PICK_LIMIT, PickScreen, ReportExportScreen
from ps_tui.widgets.progress import ProgressPanel

#: The keys line under the report's name, by kind (the footer has room for a
#: few keys only); each `{id}` is the key bound to `reports.{id}` now, so a
#: `[keymap]` in the config shows here too.
KEYS = {
    "weekly": "{previous} {next} week · {current} this week · {owner} owner · "
    "{weekly} {customer} {monthly} report · {export} export · {copy} copy",
    "monthly": "{previous} {next} month · {current} this month · {owner} owner · "
    "{weekly} {customer} {monthly} report · {export} export · {copy} copy",
    "customer": "{customer} another implementation · {weekly} {monthly} report · "
    "{export} export · {copy} copy",
}

#: What a refusal calls the report's inputs (`session.RequestProblem.worded`).
INPUT_NAMES = {"id": "the implementation", "week": "the week", "month": "the month", "owner": "the owner"}

#: What each report is called on the screen.
TITLES = {"weekly": "Weekly status", "customer": "Customer status", "monthly": "Monthly KPI review"}


class ReportReady(Message):
    """A report was made for `choice` (the one asked for when it started)."""

    def __init__(
        self,
        choice: ReportChoice,
        document: Report | None,
        source: str,
        problem: str,
        recorded: Recorded | None,
        *,
        portfolio: Portfolio | None = None,
        index: CustomerIndex | None = None,
    ) -> None:
        super().__init__()
        self.choice = choice
        self.document = document
        #: Its Markdown, as `ps-tui report ... --format md` prints it ("" when refused).
        self.source = source
        #: Why there is no report ("" when there is one).
        self.problem = problem
        #: The history it was told from (weekly), kept for the next weeks.
        self.recorded = recorded
        #: The pick's index of `portfolio`'s implementations, when it was made too.
        self.portfolio = portfolio
        self.index = index


class ReportProgress(Message):
    """The report for `choice` is under way: at step `done` of `total`, doing `words`."""

    def __init__(self, choice: ReportChoice, words: str, done: int, total: int) -> None:
        super().__init__()
        self.choice = choice
        self.words = words
        self.done = done
        self.total = total


class Exported(Message):
    """An export finished: written, refused because the file exists, or failed."""

    def __init__(
        self, document: Report, path: Path, fmt: str, *, exists: bool = False, error: str = ""
    ) -> None:
        super().__init__()
        self.document = document
        self.path = path
        self.fmt = fmt
        self.exists = exists
        self.error = error


class ReportsScreen(PsScreen):
    """Pick a report and its week, month, owner or implementation; see it as
    it will read; export it (e) or copy its Markdown (y)."""

    MODE = "reports"
    SUB_TITLE = "Reports"
    #: Not scoped to this screen: it holds its dialogs' styles too (`DIALOGS_CSS`).
    SCOPED_CSS = False
    CSS = (
        """
    #report-choice {
        height: auto;
        padding: 0 1;
    }

    #report-keys {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }

    #report-preview {
        height: 1fr;
    }

    #report {
        padding: 0 1;
    }

    /* Tables one line a row, as a terminal shows a list: the stock keylines
       draw a rule between every two rows. */
    #report MarkdownTableContent {
        keyline: none;
        grid-gutter: 0 1;
    }
    """
        + DIALOGS_CSS
    )

    BINDINGS = [
        Binding("left_square_bracket", "step(-1)", "Previous", id="reports.previous"),
        Binding("right_square_bracket", "step(1)", "Next", id="reports.next"),
        Binding("w", "kind('weekly')", "Weekly", id="reports.weekly"),
        Binding("c", "pick", "Customer", id="reports.customer"),
        Binding("m", "kind('monthly')", "Monthly", id="reports.monthly"),
        Binding("o", "owner", "Owner", id="reports.owner"),
        Binding("e", "export", "Export", id="reports.export"),
        Binding("y", "copy", "Copy", id="reports.copy"),
        Binding("t", "current", "This week or month", id="reports.current"),
    ]

    #: What the screen asks for; None until the first data arrives.
    choice: ReportChoice | None = None
    #: The report shown and its Markdown (None and "" until one is made).
    document: Report | None = None
    source = ""
    #: The choice the preview shows (the worker may be making another).
    _shown: ReportChoice | None = None
    _portfolio: Portfolio | None = None
    _index: CustomerIndex | None = None
    #: The history the weekly reports of this portfolio are told from.
    _recorded: Recorded | None = None
    #: The copies and exports asked for while their report was being made.
    _waiting: tuple[tuple[ReportChoice, Callable[[], None]], ...] = ()

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="report-choice")
        yield Static("", id="report-keys", markup=False)
        with VerticalScroll(id="report-preview"):
            yield Markdown(id="report")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#report-preview", VerticalScroll).focus()

    def show_portfolio(self, portfolio: Portfolio) -> None:
        self._portfolio = portfolio
        self._index = None
        self._recorded = None
        if self.choice is None:
            self.choice = ReportChoice.of_today(host(self).today)
        self._make()

    # -- making the report: a worker makes it, the handler shows it -------------

    def _make(self) -> None:
        choice, portfolio = self.choice, self._portfolio
        if choice is None or portfolio is None:
            return
        self._describe(choice, busy=True)
        self._build(portfolio, choice, host(self).today, self._recorded, index=self._index is None)

    # A description, or Textual builds one from the arguments' repr(): the
    # whole portfolio's, on the UI thread (0.7 s at 10,000 implementations).
    @work(exclusive=True, group="report", description="make the report")
    async def _build(
        self,
        portfolio: Portfolio,
        choice: ReportChoice,
        today: dt.date,
        recorded: Recorded | None,
        *,
        index: bool,
    ) -> None:
        """Make the report (and, once per portfolio, the pick's index: 0.3 s
        at 10,000 implementations) in a thread."""
        implementations = portfolio.data.implementations
        count = f"{len(implementations):,} implementation" + ("" if len(implementations) == 1 else "s")
        history = choice.kind == "weekly" and recorded is None
        steps = ["Reading the history"] if history else []
        if index:
            steps.append(f"Indexing {count} for the pick")
        steps += [f"Making the report from {count}", "Writing its Markdown"]
        at = iter(range(len(steps)))

        def step() -> None:
            done = next(at)
            self.post_message(ReportProgress(choice, steps[done], done, len(steps)))

        if history:
            step()
            recorded = await host(self).report_history()
        made = None
        if index:
            step()
            made = await asyncio.to_thread(implementation_index, implementations)
        ready = partial(ReportReady, recorded=recorded, portfolio=portfolio, index=made)
        step()
        try:
            document = await asyncio.to_thread(session.chosen_report, portfolio.data, today, choice, recorded)
        except session.RequestProblem as problem:
            self.post_message(ready(choice, None, "", f"No report: {problem.worded(INPUT_NAMES)}."))
            return
        step()
        source = await asyncio.to_thread(session.report_text, document, "md")
        self.post_message(ready(choice, document, source, ""))

    @on(ReportProgress)
    def _progressed(self, message: ReportProgress) -> None:
        if message.choice != self.choice:
            return  # a later choice is being made
        found = self.query(ProgressPanel).filter("#report-progress")
        if found:
            panel = found.first(ProgressPanel)
        else:
            panel = ProgressPanel("Making the report", id="report-progress")
            self.mount(panel, before=self.query_one("#report-preview"))
        panel.show(
            f"Step {message.done + 1} of {message.total}: {message.words}", message.done, message.total
        )

    @on(ReportReady)
    async def _made(self, message: ReportReady) -> None:
        if message.portfolio is self._portfolio:
            self._recorded = message.recorded or self._recorded
            self._index = message.index or self._index
        if message.choice != self.choice:
            return  # a later choice is being made
        moved = message.choice != self._shown
        self._shown = message.choice
        self.query(ProgressPanel).filter("#report-progress").remove()
        self.document, self.source = message.document, message.source
        self._describe(message.choice, busy=False)
        text = preview(message.source) if message.document is not None else f"_{message.problem}_\n"
        await self.query_one("#report", Markdown).update(text)
        if moved:
            self.query_one("#report-preview", VerticalScroll).scroll_home(animate=False)
        waiting, self._waiting = self._waiting, ()
        for choice, share in waiting:
            if choice == message.choice:
                self._when_made(choice, share)

    def _describe(self, choice: ReportChoice, *, busy: bool) -> None:
        """The line naming the report asked for, and its period or implementation."""
        line = Text.assemble((TITLES[choice.kind], "bold"))
        if choice.kind == "customer":
            impl = None
            if choice.implementation is not None and self._portfolio is not None:
                impl = self._portfolio.by_id.get(choice.implementation)
            if impl is not None:
                line.append(f" · {impl.customer} ({impl.id})")
            elif choice.implementation is not None:
                line.append(f" · {choice.implementation}")
        else:
            period = "week" if choice.kind == "weekly" else "month"
            line.append(f" · {period} {choice.period}")
            line.append(f" · owner: {choice.owner or 'everyone'}")
        if busy:
            line.append(" · making the report…", "italic")
        self.query_one("#report-choice", Static).update(line)
        self.query_one("#report-keys", Static).update(KEYS[choice.kind].format_map(self._keys()))

    def _keys(self) -> dict[str, str]:
        """The key each of this screen's bindings is on, by the id's last
        part (`active_bindings`: with the keymap applied, as the footer's)."""
        keys: dict[str, list[str]] = {}
        for active in self.active_bindings.values():
            binding = active.binding
            if binding.id and binding.id.startswith("reports."):
                keys.setdefault(binding.id.removeprefix("reports."), []).append(
                    self.app.get_key_display(binding)
                )
        return {name: "/".join(shown) for name, shown in keys.items()}

    def _choose(self, choice: ReportChoice) -> None:
        if choice != self.choice:
            if self._waiting:
                self.notify("Not shared: another report was chosen before it was made.", timeout=4)
                self._waiting = ()
            self.choice = choice
            self._make()

    # -- actions -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("step", "owner", "current"):
            return self.choice is None or self.choice.kind != "customer"
        return True

    def action_kind(self, kind: str) -> None:
        if self.choice is not None:
            self._choose(replace(self.choice, kind="weekly" if kind == "weekly" else "monthly"))

    def action_step(self, steps: int) -> None:
        if self.choice is None:
            return
        moved = self.choice.step(steps, host(self).today)
        if moved is None:
            what = "week" if self.choice.kind == "weekly" else "month"
            self.notify(
                f"No later {what}: it has not begun." if steps > 0 else f"No earlier {what}.", timeout=3
            )
            return
        self._choose(moved)

    def action_current(self) -> None:
        if self.choice is not None:
            today = ReportChoice.of_today(host(self).today)
            self._choose(replace(self.choice, week=today.week, month=today.month))

    def action_owner(self) -> None:
        if self.choice is None or self._portfolio is None:
            return
        cycle: list[str | None] = [None, *owners(self._portfolio.data)]
        at = cycle.index(self.choice.owner) if self.choice.owner in cycle else 0
        self._choose(replace(self.choice, owner=cycle[(at + 1) % len(cycle)]))

    def action_pick(self) -> None:
        portfolio = self._portfolio
        if portfolio is None:
            return
        if self._index is None:
            self._index = implementation_index(portfolio.data.implementations)
        first = first_choices(portfolio.data.implementations, PICK_LIMIT)
        self.app.push_screen(PickScreen(self._index, first), self._picked)

    def _picked(self, implementation: str | None) -> None:
        if implementation is not None and self.choice is not None:
            self._choose(replace(self.choice, kind="customer", implementation=implementation))

    def _ready(self, choice: ReportChoice) -> bool | None:
        """Whether the report of `choice` is shown: True; None while it is
        being made; False when it could not be made (said, as a warning)."""
        if self._shown != choice:
            return None
        if self.document is None:
            self.notify("No report to share: choose another.", severity="warning", timeout=4)
            return False
        return True

    def _when_made(self, choice: ReportChoice, share: Callable[[], None]) -> None:
        """Share the report of `choice` now, or once it is made: keys typed
        in a burst (`5`, then `y`) find it still in the making."""
        ready = self._ready(choice)
        if ready:
            share()
        elif ready is None:
            self._waiting = (*self._waiting, (choice, share))

    def action_copy(self) -> None:
        if self.choice is not None:
            self._when_made(self.choice, self._copy)

    def _copy(self) -> None:
        self.app.copy_to_clipboard(self.source)
        self.notify(
            f"{len(self.source.splitlines()):,} lines of Markdown, through the terminal (OSC 52)",
            title="Report copied to the clipboard",
            timeout=4,
        )

    def action_export(self) -> None:
        """Ask for the file at once (the report may still be in the making);
        it is written once the report is there."""
        choice = self.choice
        if choice is None or self._ready(choice) is False:
            return

        def chosen(name: str | None) -> None:
            fmt = None if name is None else format_of(name)
            if name is not None and fmt is not None:
                self._when_made(choice, lambda: self._export(Path(name).expanduser(), fmt))

        self.app.push_screen(ReportExportScreen(choice.file_name()), chosen)

    def _export(self, path: Path, fmt: str) -> None:
        if self.document is not None:
            self._write(self.document, path, fmt, overwrite=False)

    @work(group="report-export", description="export the report")
    async def _write(self, document: Report, path: Path, fmt: str, *, overwrite: bool) -> None:
        text = await asyncio.to_thread(session.report_text, document, fmt)
        try:
            await host(self).write_report(path, text, overwrite=overwrite)
        except FileExistsError:
            self.post_message(Exported(document, path, fmt, exists=True))
        except OSError as error:
            self.post_message(Exported(document, path, fmt, error=error.strerror or str(error)))
        else:
            self.post_message(Exported(document, path, fmt))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        if message.exists:
            from ps_tui.screens.dialogs import ConfirmScreen

            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self._write(message.document, message.path, message.fmt, overwrite=True)

            self.app.push_screen(
                ConfirmScreen(f"{message.path} exists already. Overwrite it?", yes="Overwrite"), answered
            )
        elif message.error:
            self.notify(f"{message.path}: {message.error}", title="Not exported", severity="error", timeout=8)
        else:
            self.notify(str(message.path.absolute()), title="Report exported", timeout=4)
