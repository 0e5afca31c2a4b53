"""Implementations: the portfolio table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable

from ps_tui.core.model import StoreFile
from ps_tui.core.parse import format_money
from ps_tui.screens.base import PsScreen


class ImplementationsScreen(PsScreen):
    """Every implementation in the store."""

    MODE = "implementations"
    SUB_TITLE = "Implementations"

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="implementations", cursor_type="row", zebra_stripes=True)

    def show_data(self, data: StoreFile) -> None:
        table = self.query_one("#implementations", DataTable)
        table.clear(columns=True)
        table.add_columns("Customer", "Segment", "ARR", "Deployment", "Owner", "Status", "Kickoff")
        for impl in data.implementations:
            table.add_row(
                impl.customer,
                data.segment_name(impl.segment),
                format_money(impl.arr),
                impl.deployment.label,
                impl.ie_owner or "—",
                impl.status.label,
                impl.kickoff.isoformat() if impl.kickoff else "—",
                key=impl.id,
            )
