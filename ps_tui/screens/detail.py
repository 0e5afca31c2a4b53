"""The detail view of one implementation: every field, the milestone timeline,
the risk log, notes and the history of its changes. It follows the store: an
edit made here shows at once.

The plan and the risk log are edited here: `m` (or enter on a milestone)
edits a milestone's planned date, actual date and owner; `r` logs a risk,
enter on one edits it and `c` closes it; `u` takes back the last advance."""

from __future__ import annotations

import datetime as dt
from itertools import zip_longest

import msgspec
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from ps_tui.core import timeline as lifecycle
from ps_tui.core.date_rules import field_label, implementation_warnings
from ps_tui.core.health import Health, projection_basis
from ps_tui.core.history import Event, value_text
from ps_tui.core.model import CUSTOM_PACKAGE, Implementation, Milestone, Risk
from ps_tui.core.parse import format_arr, format_count
from ps_tui.core.portfolio import entry_problems
from ps_tui.core.risks import ordered
from ps_tui.core.safe_text import one_line
from ps_tui.core.timeline import timeline
from ps_tui.core.view import Portfolio
from ps_tui.messages import HistoryShown
from ps_tui.screens.actions import ImplementationActions, edit_bindings
from ps_tui.screens.host import host
from ps_tui.widgets.footer import KeyFooter
from ps_tui.widgets.status import StatusLine
from ps_tui.widgets.tones import BAD, GOOD, health_style, themed


def _date(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else "—"


def _changes(event: Event) -> str:
    """An event's changes on one line: `field: before → after; …`."""
    shown = [f"{c.field}: {value_text(c.before)} → {value_text(c.after)}" for c in event.changes[:4]]
    more = f"; +{len(event.changes) - 4} more" if len(event.changes) > 4 else ""
    return one_line("; ".join(shown) + more) if shown else (event.customer or "")


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
        color: $text-warning;
    }
    """

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="detail.back"),
        # A new implementation is made from the list, not from one of them.
        *edit_bindings("impl.edit", "impl.advance", "impl.close", "impl.delete"),
        *edit_bindings("impl.open", show=True),
        Binding("m", "edit_milestone", "Milestone", id="detail.milestone"),
        Binding("r", "add_risk", "Risk", id="detail.risk"),
        Binding("c", "close_risk", "Close risk", id="detail.close_risk"),
        Binding("u", "undo_advance", "Undo advance", id="detail.undo"),
        Binding("y", "copy", "Copy status", show=False, id="detail.copy"),
    ]

    def __init__(self, impl_id: str) -> None:
        super().__init__()
        self.impl_id = impl_id
        self._facts: list[tuple[str, str]] = []
        #: The timeline's milestone keys and the log's risks, in their rows' order.
        self._steps: list[str] = []
        self._risks: list[Risk] = []

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
            yield Static("History", classes="section-title")
            yield DataTable(id="history", cursor_type="row")
        yield StatusLine()
        # The keys that fit, help always among them, as on the main screens.
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "portfolio", self._show)
        self.app.theme_changed_signal.subscribe(self, lambda _: self._show(host(self).portfolio))

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
            (health.label, health_style(self, health)),
        )
        if assessment is not None and assessment.by_risk:
            title.append(" (an open risk decided it)")
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
        if assessment is not None and assessment.projected is not None:
            projected += f" (from {projection_basis(impl)})"
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
            # The key in the label: after the URL it wrapped on its own line.
            ("Instance (o opens)" if impl.instance_url else "Instance", url),
        ]
        self._facts = facts
        self._render_facts()

        steps = self.query_one("#timeline", DataTable)
        steps.clear(columns=True)
        steps.add_columns("Milestone", "Owner", "Planned", "Actual", "Slip")
        self._steps = []
        for step in timeline(impl, data, portfolio.today):
            self._steps.append(step.key)
            if step.slip is None:
                slip = Text("—", style="dim")
            elif step.actual is None:
                slip = Text(f"{step.slip}d late", style=themed(self, f"bold {BAD}"))
            else:
                slip = Text(f"{step.slip:+d}d", style=themed(self, BAD if step.late else GOOD))
            done = Text(_date(step.actual)) if step.actual else Text("not yet", style="dim")
            steps.add_row(step.name, step.owner or "—", _date(step.planned), done, slip)

        risks = self.query_one("#risks", DataTable)
        risks.clear(columns=True)
        risks.add_columns("#", "Severity", "Opened", "Closed", "Owner", "Risk", "Mitigation")
        numbered = ordered(impl.risks)
        self._risks = [risk for _, risk in numbered]
        for number, risk in numbered:
            seen = " (customer sees it)" if risk.customer_visible else ""
            risks.add_row(
                str(number),
                risk.severity.label,
                _date(risk.opened),
                _date(risk.closed),
                risk.owner or "—",
                Text(risk.text + seen, style="dim" if risk.closed else ""),
                risk.mitigation or "—",
            )
        if not impl.risks:
            risks.add_row("", "—", "", "", "", Text("no risks logged (r logs one)", style="dim"), "")
        # Stored text is shown as text, never read as markup; its lines as they are.
        notes = Text(impl.notes) if impl.notes else Text("no notes", style="dim")
        self.query_one("#detail-notes", Static).update(notes)
        self._load_history()

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

    def action_copy(self) -> None:
        """Copy the implementation's status in a line: where it is and what is next."""
        portfolio = host(self).portfolio
        impl = self.current()
        if portfolio is None or impl is None:
            return
        assessment = portfolio.assessments.get(impl.id)
        parts = [f"{impl.id} {impl.customer}", impl.status.label]
        if assessment is not None:
            parts.append(assessment.health.label)
            if assessment.elapsed is not None:
                parts.append(f"day {assessment.elapsed} of {assessment.target_days}")
            if assessment.current:
                parts.append(f"now: {portfolio.data.milestone_name(assessment.current)}")
        self.app.copy_to_clipboard(" · ".join(parts))
        self.notify(" · ".join(parts), title="Status copied to the clipboard", timeout=3)

    def action_back(self) -> None:
        self.dismiss()

    # -- the history ----------------------------------------------------------------

    @work(exclusive=True, group="history")
    async def _load_history(self) -> None:
        found = await host(self).history_of(self.impl_id)
        self.post_message(HistoryShown(self.impl_id, found))

    @on(HistoryShown)
    def _history_shown(self, message: HistoryShown) -> None:
        if message.impl_id != self.impl_id:
            return
        table = self.query_one("#history", DataTable)
        table.clear(columns=True)
        table.add_columns("When (UTC)", "Who", "What", "Changes")
        if isinstance(message.events, str):
            table.add_row("", "", "", Text(message.events, style="dim"))
            return
        if not message.events:
            table.add_row("", "", "", Text("no change recorded yet", style="dim"))
        for event in message.events:
            table.add_row(
                event.at.strftime("%Y-%m-%d %H:%M"), one_line(event.who), event.action.label, _changes(event)
            )

    # -- the plan and the risk log ----------------------------------------------------

    def _editing(self) -> tuple[Implementation, Portfolio] | None:
        impl, portfolio = self.current(), host(self).portfolio
        if impl is None or portfolio is None:
            return None
        return impl, portfolio

    def _refusal(self, base: Implementation, changed: Implementation) -> str | None:
        """Why `changed` would not be saved (the store's and the entry rules), or None."""
        portfolio = host(self).portfolio
        assert portfolio is not None
        problems = entry_problems(portfolio.data, changed, base, host(self).today)
        if not problems:
            return None
        first = problems[0]
        return f"{field_label(changed, portfolio.data, first.path)}: {first.message}"

    def _save(self, label: str, changed: Implementation) -> None:
        host(self).submit(label, lambda store: store.save_implementation(changed), [changed.id])

    @on(DataTable.RowSelected, "#timeline")
    def _milestone_chosen(self, event: DataTable.RowSelected) -> None:
        self._edit_milestone(event.cursor_row)

    def action_edit_milestone(self) -> None:
        table = self.query_one("#timeline", DataTable)
        if table.has_focus:
            row = table.cursor_row
        else:  # the current milestone: the first not done
            found = self._editing()
            done = {m.key for m in found[0].milestones if m.actual is not None} if found else set()
            row = next((i for i, key in enumerate(self._steps) if key not in done), 0)
        self._edit_milestone(row)

    def _edit_milestone(self, row: int) -> None:
        from ps_tui.screens.log_dialogs import MilestoneScreen

        found = self._editing()
        if found is None or not 0 <= row < len(self._steps):
            return
        impl, portfolio = found
        key = self._steps[row]
        milestone = impl.milestone(key) or Milestone(key=key)

        def with_it(new: Milestone) -> Implementation:
            listed = [new if m.key == key else m for m in impl.milestones]
            if impl.milestone(key) is None:
                listed.append(new)
            return msgspec.structs.replace(impl, milestones=listed)

        def saved(new: object) -> None:
            if isinstance(new, Milestone):
                self._save(f"{impl.customer}: {portfolio.data.milestone_name(key)} saved", with_it(new))

        members = [m.name for m in portfolio.data.members]
        title = f"{impl.customer}: {portfolio.data.milestone_name(key)}"

        def check(new: Milestone) -> str | None:
            return self._refusal(impl, with_it(new))

        self.app.push_screen(MilestoneScreen(title, milestone, members, check), saved)

    @on(DataTable.RowSelected, "#risks")
    def _risk_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._risks):
            self._edit_risk(self._risks[event.cursor_row])

    def action_add_risk(self) -> None:
        self._edit_risk(None)

    def _edit_risk(self, risk: Risk | None) -> None:
        from ps_tui.screens.log_dialogs import RiskScreen

        found = self._editing()
        if found is None:
            return
        impl, portfolio = found

        def with_it(new: Risk) -> Implementation:
            if risk is None:
                return msgspec.structs.replace(impl, risks=[*impl.risks, new])
            return msgspec.structs.replace(impl, risks=[new if r is risk else r for r in impl.risks])

        def saved(new: object) -> None:
            if isinstance(new, Risk):
                what = "risk logged" if risk is None else "risk saved"
                self._save(f"{impl.customer}: {what}", with_it(new))

        members = [m.name for m in portfolio.data.members]
        title = f"{impl.customer}: {'a new risk' if risk is None else 'a risk'}"

        def check(new: Risk) -> str | None:
            return self._refusal(impl, with_it(new))

        self.app.push_screen(RiskScreen(title, risk, members, host(self).today, check), saved)

    def action_close_risk(self) -> None:
        from ps_tui.screens.dialogs import DateScreen

        found = self._editing()
        if found is None:
            return
        impl, _ = found
        table = self.query_one("#risks", DataTable)
        row = table.cursor_row if table.has_focus else 0
        risk = self._risks[row] if 0 <= row < len(self._risks) else None
        if risk is None or risk.closed is not None:
            self.notify("No open risk selected (the risk log lists open ones first)", timeout=4)
            return

        def closed_on(day: dt.date) -> Implementation:
            replaced = msgspec.structs.replace(risk, closed=day)
            return msgspec.structs.replace(impl, risks=[replaced if r is risk else r for r in impl.risks])

        def saved(day: dt.date | None) -> None:
            if day is not None:
                self._save(f"{impl.customer}: risk closed {day.isoformat()}", closed_on(day))

        question = f"Close the risk {one_line(risk.text)!r}. Closed on:"

        def check(day: dt.date) -> str | None:
            return self._refusal(impl, closed_on(day))

        dialog = DateScreen(question, host(self).today, not_before=risk.opened, check=check)
        self.app.push_screen(dialog, saved)

    def action_undo_advance(self) -> None:
        from ps_tui.screens.dialogs import ConfirmScreen

        found = self._editing()
        if found is None:
            return
        impl, portfolio = found
        undone, key = lifecycle.undo_advance(impl, portfolio.data)
        if key is None:
            self.notify(f"{impl.customer}: no milestone done to take back", timeout=4)
            return
        name = portfolio.data.milestone_name(key)
        done = impl.milestone(key)
        when = done.actual.isoformat() if done is not None and done.actual else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self._save(f"{impl.customer}: {name} not done any more", undone)

        self.app.push_screen(ConfirmScreen(f"Take back {name}, done {when}?", yes="Take back"), answered)

    def _after_delete(self, ok: bool) -> None:
        if ok and self.is_current:
            self.dismiss()
