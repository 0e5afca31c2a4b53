"""The detail view of one implementation: every field, the milestone timeline,
risks and notes. It follows the store: an edit made here shows at once."""

from __future__ import annotations

from itertools import zip_longest

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from ps_tui.core.date_rules import field_label, implementation_warnings
from ps_tui.core.health import Health
from ps_tui.core.model import CUSTOM_PACKAGE, Implementation
from ps_tui.core.parse import format_arr, format_count
from ps_tui.core.timeline import timeline
from ps_tui.core.view import Portfolio
from ps_tui.screens.actions import EDIT_BINDINGS, ImplementationActions
from ps_tui.screens.host import host
from ps_tui.widgets.health import HEALTH_STYLES
from ps_tui.widgets.status import StatusLine


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else "—"


class DetailScreen(ImplementationActions):
    """One implementation in full. Esc goes back to the list."""

    SUB_TITLE = "Implementation"
    CSS = """
    #detail-body {
        scrollbar-size-vertical: 1;
    }

    #detail-body DataTable {
        height: auto;
    }

    #detail-title, #detail-facts {
        padding: 0 1;
    }

    #detail-title {
        padding: 0 1 1 1;
    }

    #detail-warnings {
        padding: 0 1 1 1;
        color: $warning;
    }
    """

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="detail.back"),
        *EDIT_BINDINGS[1:],
        Binding("o", "open_url", "Open URL", id="impl.open"),
    ]

    def __init__(self, impl_id: str) -> None:
        super().__init__()
        self.impl_id = impl_id
        self._facts: list[tuple[str, str]] = []

    def current(self) -> Implementation | None:
        portfolio = host(self).portfolio
        return None if portfolio is None else portfolio.by_id.get(self.impl_id)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static("", id="detail-title")
            yield Static("", id="detail-warnings")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
            yield Static("Details", classes="section-title")
            yield Static("", id="detail-facts")
            yield Static("Risks", classes="section-title")
            yield DataTable(id="risks", cursor_type="row")
            yield Static("Notes", classes="section-title")
            yield Static("", id="detail-notes", classes="note")
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "portfolio", self._show)

    def on_resize(self) -> None:
        self._render_facts()

    def _show(self, portfolio: Portfolio | None) -> None:
        if portfolio is None:
            return
        impl = portfolio.by_id.get(self.impl_id)
        if impl is None:
            # Deleted (here or by a reload): nothing left to show.
            self.dismiss()
            return
        data = portfolio.data
        assessment = portfolio.assessments.get(impl.id)
        health = assessment.health if assessment else Health.NONE
        self.sub_title = impl.customer
        title = Text.assemble(
            (impl.customer, "bold"),
            f"  {impl.id} · {impl.status.label} · ",
            (health.label, HEALTH_STYLES[health]),
        )
        if assessment is not None and assessment.elapsed is not None:
            title.append(f" · day {assessment.elapsed} of {assessment.target_days}")
        self.query_one("#detail-title", Static).update(title)
        warnings = implementation_warnings(impl, data, portfolio.today)
        shown = self.query_one("#detail-warnings", Static)
        shown.update(Text("\n".join(f"⚠ {field_label(impl, data, w.path)}: {w.message}" for w in warnings)))
        shown.display = bool(warnings)

        segment = data.segment_name(impl.segment)
        if impl.package == CUSTOM_PACKAGE:
            package = f"Custom: {impl.package_hours} h / {impl.package_days} days"
        else:
            found = data.package(impl.package)
            package = f"{found.name}: {found.hours} h / {found.timebox_days} days" if found else impl.package
        elapsed = "—"
        if assessment is not None and assessment.elapsed is not None:
            elapsed = f"{assessment.elapsed} of {assessment.target_days} days"
        projected = _date(assessment.projected) if assessment else "—"
        url = impl.instance_url or "—"
        facts = [
            ("Segment", f"{segment} ({format_count(impl.developers)} developers)"),
            ("ARR", format_arr(impl.arr) + ("" if impl.arr is None else f" (${impl.arr:,})")),
            ("Engagement", impl.engagement.label),
            ("Deployment", f"{impl.deployment.label} on {impl.hosting.label}"),
            ("Package", package),
            ("Kickoff", _date(impl.kickoff)),
            ("Production-ready", _date(impl.production_ready)),
            ("Elapsed", elapsed),
            ("Projected", projected),
            ("IE owner", impl.ie_owner or "—"),
            ("Project manager", impl.project_manager or "—"),
            ("Resident architect", impl.resident_architect or "—"),
            ("Instance", f"{url}  (o opens)" if impl.instance_url else url),
        ]
        self._facts = facts
        self._render_facts()

        steps = self.query_one("#timeline", DataTable)
        steps.clear(columns=True)
        steps.add_columns("Milestone", "Owner", "Planned", "Actual", "Slip")
        for step in timeline(impl, data, portfolio.today):
            if step.slip is None:
                slip = Text("—", style="dim")
            elif step.actual is None:
                slip = Text(f"{step.slip}d late", style="bold red")
            else:
                slip = Text(f"{step.slip:+d}d", style="red" if step.late else "green")
            done = Text(_date(step.actual)) if step.actual else Text("not yet", style="dim")
            steps.add_row(step.name, step.owner or "—", _date(step.planned), done, slip)

        risks = self.query_one("#risks", DataTable)
        risks.clear(columns=True)
        risks.add_columns("Severity", "Opened", "Closed", "Risk")
        for risk in impl.risks:
            risks.add_row(risk.severity.label, _date(risk.opened), _date(risk.closed), risk.text)
        if not impl.risks:
            risks.add_row("—", "", "", Text("no risks logged", style="dim"))
        self.query_one("#detail-notes", Static).update(impl.notes or Text("no notes", style="dim"))

    def _render_facts(self) -> None:
        facts = self._facts
        # Two label/value pairs per line where there is room for them.
        pairs = 2 if self.size.width >= 110 else 1
        grid = Table.grid(padding=(0, 1), expand=True)
        for _ in range(pairs):
            grid.add_column(justify="right", style="dim", no_wrap=True)
            grid.add_column(ratio=1)
        rows = (len(facts) + pairs - 1) // pairs
        columns = [facts[i * rows : (i + 1) * rows] for i in range(pairs)]
        for line in zip_longest(*columns, fillvalue=("", "")):
            grid.add_row(*(cell for pair in line for cell in pair))
        self.query_one("#detail-facts", Static).update(grid)

    def action_back(self) -> None:
        self.dismiss()

    def _after_delete(self, ok: bool) -> None:
        if ok and self.is_current:
            self.dismiss()
