"""Team: the roster by role, Slack channels and handles, and the purpose statement."""

from __future__ import annotations

from collections import Counter

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ps_tui.core.model import Role, Status, StoreFile
from ps_tui.screens.base import PsScreen

ROLE_ORDER = [Role.MANAGER, Role.PROJECT_MANAGER, Role.IMPLEMENTATION_ENGINEER, Role.RESIDENT_ARCHITECT]
ROLE_LABELS = {
    Role.MANAGER: "Manager",
    Role.PROJECT_MANAGER: "Project managers",
    Role.IMPLEMENTATION_ENGINEER: "Implementation engineers",
    Role.RESIDENT_ARCHITECT: "Resident architects",
}


class TeamScreen(PsScreen):
    """Who is on the team, how to reach them, and how loaded they are."""

    MODE = "team"
    SUB_TITLE = "Team"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="team-body"):
            yield Static("", id="purpose", classes="note")
            yield Static("Roster", classes="section-title")
            yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
            yield Static("Slack", classes="section-title")
            yield DataTable(id="channels", cursor_type="row")

    def show_data(self, data: StoreFile) -> None:
        self.query_one("#purpose", Static).update(f"[i]{data.purpose}[/i]")
        active = Counter(
            person
            for impl in data.implementations
            if impl.status is Status.ACTIVE
            for person in {impl.ie_owner, impl.project_manager, impl.resident_architect}
            if person
        )
        roster = self.query_one("#roster", DataTable)
        roster.clear(columns=True)
        roster.add_columns("Role", "Name", "Title", "Slack", "Capacity", "Active")
        for role in ROLE_ORDER:
            for member in (m for m in data.members if m.role is role):
                roster.add_row(
                    ROLE_LABELS[role],
                    member.name,
                    member.title,
                    member.slack,
                    f"{member.capacity_hours} h/wk",
                    str(active.get(member.name, 0)),
                    key=member.name,
                )
        channels = self.query_one("#channels", DataTable)
        channels.clear(columns=True)
        channels.add_columns("Channel or handle", "Purpose")
        for channel in data.channels:
            channels.add_row(channel.name, channel.purpose)
