"""Dashboard: the implementation-duration KPI at a glance."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ps_tui.core.model import StoreFile
from ps_tui.screens.base import PsScreen


class DashboardScreen(PsScreen):
    """KPI gauges against the target."""

    MODE = "dashboard"
    SUB_TITLE = "Dashboard"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="dashboard-summary")

    def show_data(self, data: StoreFile) -> None:
        self.query_one("#dashboard-summary", Static).update(f"{len(data.implementations)} implementations")
