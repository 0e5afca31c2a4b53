"""Dashboard: the implementation-duration KPI at a glance."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from ps_tui.core.gauges import readings
from ps_tui.core.health import Health
from ps_tui.core.kpi import WINDOWS, compute_kpis
from ps_tui.core.model import Status
from ps_tui.core.view import Portfolio
from ps_tui.screens.base import PsScreen
from ps_tui.widgets.charts import Histogram, TrendChart
from ps_tui.widgets.gauge import Gauge
from ps_tui.widgets.health import health_text

#: A dashboard lists the worst few; the Implementations screen has them all.
ATTENTION_ROWS = 50


def window_label(days: int | None) -> str:
    return "all time" if days is None else f"last {days} days"


class DashboardScreen(PsScreen):
    """KPI gauges against the target, the monthly trend, the spread of
    durations, and the implementations that need attention."""

    MODE = "dashboard"
    SUB_TITLE = "Dashboard"
    BINDINGS = [
        Binding("w", "cycle_window", "Window", id="dashboard.window"),
        Binding("enter", "open_selected", "Open", id="dashboard.open"),
    ]

    window: reactive[int | None] = reactive(90, init=False)

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
            DataTable(id="attention", cursor_type="row", zebra_stripes=True),
        ]
        with VerticalScroll(id="dashboard-body"):
            yield Static("", id="window-line")
            with Grid(id="gauges"):
                for key in ("median", "p90", "within", "active", "at_risk", "overdue"):
                    yield Gauge(id=f"gauge-{key}", classes="-compact" if compact else None)
            if compact:
                # Short terminal: who needs attention before the charts, so it
                # is on the first screen without scrolling.
                yield from attention
            with Horizontal(id="charts"):
                with Vertical(id="trend-box"):
                    yield Static("Median days by month of completion, last 12 months", classes="chart-title")
                    yield TrendChart(id="trend")
                with Vertical(id="histogram-box"):
                    yield Static("", classes="chart-title", id="histogram-title")
                    yield Histogram(id="histogram")
            if not compact:
                yield from attention

    def on_mount(self) -> None:
        super().on_mount()
        self.set_focus(self.query_one("#attention", DataTable))

    def on_resize(self) -> None:
        narrow, compact = self._fit(self.size.width, self.size.height)
        self.set_class(narrow, "-narrow")
        for gauge in self.query(Gauge):
            if gauge.has_class("-compact") != compact:
                gauge.set_class(compact, "-compact")
                gauge.refresh(layout=True)
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

    def action_cycle_window(self) -> None:
        index = WINDOWS.index(self.window) if self.window in WINDOWS else -1
        self.window = WINDOWS[(index + 1) % len(WINDOWS)]

    def watch_window(self) -> None:
        if self.ps_app.portfolio is not None:
            self.show_portfolio(self.ps_app.portfolio)

    def show_portfolio(self, portfolio: Portfolio) -> None:
        data = portfolio.data
        figures = compute_kpis(
            data.implementations, portfolio.today, data.kpi, self.window, portfolio.assessments
        )
        self.query_one("#window-line", Static).update(
            f"Duration, kickoff to production · target {figures.target_days} d · "
            f"[b]{window_label(self.window)}[/b] ([b]w[/b])"
        )
        for reading in readings(figures):
            self.query_one(f"#gauge-{reading.key}", Gauge).show(reading)
        self.query_one("#trend", TrendChart).show(figures.monthly, figures.target_days)
        self.query_one("#histogram-title", Static).update(f"Durations, {window_label(self.window)}")
        self.query_one("#histogram", Histogram).show(figures.histogram, figures.target_days)
        self._show_attention(portfolio)

    def _show_attention(self, portfolio: Portfolio) -> None:
        data = portfolio.data
        table = self.query_one("#attention", DataTable)
        table.clear(columns=True)
        table.add_columns("Customer", "Owner", "Milestone", "Days", "Health")
        attention = [
            (impl, assessment)
            for impl in data.implementations
            if impl.status is Status.ACTIVE
            and (assessment := portfolio.assessments.get(impl.id)) is not None
            and assessment.health in (Health.AT_RISK, Health.OVERDUE)
        ]
        attention.sort(key=lambda pair: (pair[1].health.rank, -(pair[1].elapsed or 0)))
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
        for impl, assessment in attention[:ATTENTION_ROWS]:
            table.add_row(
                impl.customer,
                impl.ie_owner or "—",
                data.milestone_name(assessment.current) if assessment.current else "—",
                f"{assessment.elapsed}/{assessment.target_days}",
                health_text(assessment.health),
                key=impl.id,
            )

    @on(DataTable.RowSelected, "#attention")
    async def action_open_selected(self) -> None:
        table = self.query_one("#attention", DataTable)
        if not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if row_key.value is not None:
            await self.ps_app.open_implementation(row_key.value)
