"""Dashboard: the implementation-duration KPI at a glance."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ps_tui.core.gauges import readings
from ps_tui.core.health import Assessment
from ps_tui.core.kpi import DEFAULT_WINDOW, WINDOWS
from ps_tui.core.model import Implementation, StoreFile
from ps_tui.core.view import Portfolio
from ps_tui.screens.base import PsScreen
from ps_tui.screens.host import host
from ps_tui.widgets.charts import Histogram, TrendChart
from ps_tui.widgets.gauge import GaugePanel
from ps_tui.widgets.tones import HEALTH_STYLES
from ps_tui.widgets.vtable import Cell, VColumn, VirtualTable

#: The gauges, in display order (keys of `core.gauges.readings`).
GAUGES = ("median", "p90", "within", "active", "at_risk", "overdue")

#: A dashboard lists the worst few; the Implementations screen has them all.
ATTENTION_ROWS = 50


def window_label(days: int | None) -> str:
    return "all time" if days is None else f"last {days} days"


#: One row of the attention list: the implementation, how it stands, and the
#: store (for milestone names).
AttentionRow = tuple[Implementation, Assessment, StoreFile]

ATTENTION_COLUMNS = [
    VColumn("customer", "Customer", 24),
    VColumn("owner", "Owner", 12, priority=1),
    VColumn("milestone", "Milestone", 23),
    VColumn("days", "Days", 5, "right"),
    VColumn("health", "Health", 7),
]


def attention_cell(row: AttentionRow, key: str) -> Cell:
    """A cell of the attention list: health in words and colour."""
    impl, assessment, data = row
    if key == "customer":
        return impl.customer, None
    if key == "owner":
        return impl.ie_owner or "—", None
    if key == "milestone":
        return (data.milestone_name(assessment.current) if assessment.current else "—"), None
    if key == "days":
        return f"{assessment.elapsed}/{assessment.target_days}", None
    return assessment.health.label, HEALTH_STYLES[assessment.health]


class DashboardScreen(PsScreen):
    """KPI gauges against the target, the monthly trend, the spread of
    durations, and the implementations that need attention."""

    MODE = "dashboard"
    SUB_TITLE = "Dashboard"
    BINDINGS = [
        Binding("w", "cycle_window", "Window", id="dashboard.window"),
        Binding("enter", "open_selected", "Open", id="dashboard.open"),
        Binding("y", "copy", "Copy KPI", show=False, id="dashboard.copy"),
    ]

    # Focus goes to the attention list on mount, without scrolling it into
    # view; focusing anything else first would restyle the dashboard twice.
    AUTO_FOCUS = ""

    window: reactive[int | None] = reactive(DEFAULT_WINDOW, init=False)

    @staticmethod
    def _fit(width: int, height: int) -> tuple[bool, bool]:
        """(narrow, compact): six gauges side by side need width; big digits
        need height."""
        narrow = width < 120
        return narrow, (height < 36 if narrow else height < 26)

    def compose_body(self) -> ComposeResult:
        # Laid out for the terminal's size from the start: a class changed
        # after mounting restyles the whole screen, which launch would pay for.
        narrow, compact = self._fit(self.app.size.width, self.app.size.height)
        self.set_class(narrow, "-narrow")
        attention = [
            Static("Needs attention", classes="section-title", id="attention-title"),
            VirtualTable(
                ATTENTION_COLUMNS, attention_cell, empty_text="Nothing at risk or overdue", id="attention"
            ),
        ]
        with VerticalScroll(id="dashboard-body"):
            yield Static("", id="window-line")
            yield GaugePanel(GAUGES, narrow=narrow, compact=compact, id="gauges")
            if compact:
                # Short terminal: who needs attention before the charts, so it
                # is on the first screen without scrolling.
                yield from attention
            with Horizontal(id="charts"):
                yield TrendChart("Median days by month of completion, last 12 months", id="trend")
                yield Histogram(id="histogram")
            if not compact:
                yield from attention

    def on_mount(self) -> None:
        super().on_mount()
        self.set_focus(self.attention, scroll_visible=False)

    def on_resize(self) -> None:
        narrow, compact = self._fit(self.size.width, self.size.height)
        self.set_class(narrow, "-narrow")
        self.gauges.set_shape(narrow, compact)
        body = self.query_one("#dashboard-body", VerticalScroll)
        charts = self.query_one("#charts")
        title, table = self.query_one("#attention-title"), self.query_one("#attention")
        attention_first = body.children.index(title) < body.children.index(charts)
        if compact and not attention_first:
            body.move_child(title, before=charts)
            body.move_child(table, before=charts)
        elif not compact and attention_first:
            body.move_child(title, after=charts)
            body.move_child(table, after=title)

    def action_copy(self) -> None:
        """Copy the KPI figures for the window on screen, as `ps-tui kpi` prints them."""
        from ps_tui.core.documents import KpiDocument
        from ps_tui.core.summaries import kpi_text

        portfolio = host(self).portfolio
        if portfolio is None:
            self.notify("No figures yet", severity="warning", timeout=3)
            return
        figures = portfolio.kpis(self.window)
        self.app.copy_to_clipboard(kpi_text(KpiDocument.of(figures), portfolio.today, self.window))
        self.notify(window_label(self.window), title="KPI copied to the clipboard", timeout=3)

    def action_cycle_window(self) -> None:
        index = WINDOWS.index(self.window) if self.window in WINDOWS else -1
        self.window = WINDOWS[(index + 1) % len(WINDOWS)]

    def watch_window(self) -> None:
        portfolio = host(self).portfolio
        if portfolio is not None:
            self.show_portfolio(portfolio)

    def show_portfolio(self, portfolio: Portfolio) -> None:
        figures = portfolio.kpis(self.window)
        self.query_one("#window-line", Static).update(
            f"Duration, kickoff to production · target {figures.target_days} d · "
            f"[b]{window_label(self.window)}[/b] ([b]w[/b])"
        )
        self.gauges.show(readings(figures))
        self.query_one("#trend", TrendChart).show(figures.monthly, figures.target_days)
        self.query_one("#histogram", Histogram).show(
            figures.histogram, figures.target_days, title=f"Durations, {window_label(self.window)}"
        )
        self._show_attention(portfolio)

    def _show_attention(self, portfolio: Portfolio) -> None:
        data = portfolio.data
        attention = portfolio.attention
        title = self.query_one("#attention-title", Static)
        if not attention:
            title.update("Needs attention: nothing at risk or overdue")
        elif len(attention) > ATTENTION_ROWS:
            title.update(
                f"Needs attention: the worst {ATTENTION_ROWS} of {len(attention):,} at risk or overdue "
                "(enter opens one)"
            )
        else:
            title.update(
                f"Needs attention: {len(attention)} at risk or overdue, worst first (enter opens one)"
            )
        self.attention.set_rows([(impl, assessment, data) for impl, assessment in attention[:ATTENTION_ROWS]])

    @property
    def gauges(self) -> GaugePanel:
        """The KPI gauges."""
        return self.query_one("#gauges", GaugePanel)

    @property
    def attention(self) -> VirtualTable[AttentionRow]:
        """The list of the worst at-risk and overdue implementations."""
        return self.query_one("#attention", VirtualTable)

    @on(VirtualTable.RowActivated, "#attention")
    async def _attention_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        await self.action_open_selected()

    async def action_open_selected(self) -> None:
        table = self.attention
        if 0 <= table.cursor_row < table.row_count:
            impl = table.rows[table.cursor_row][0]
            await host(self).open_implementation(impl.id)
