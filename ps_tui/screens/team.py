"""Team: the roster by role with each person's load, the Slack channels and
handles, and the team's purpose."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.dom import DOMNode
from textual.widgets import DataTable, Static

from ps_tui.core.model import StoreFile
from ps_tui.core.team import ROLE_TITLES, LoadBand, MemberLoad, load_band, load_explanation, team_load
from ps_tui.screens.base import PsScreen
from ps_tui.screens.host import host
from ps_tui.widgets.tones import BAD, GOOD, WARN, themed

BAR_WIDTH = 8
#: Row keys of role headings start with this (no member name can).
ROLE_ROW = "\x00role:"
#: How each load band looks; its word is always beside the colour.
BAND_STYLES = {LoadBand.OK: GOOD, LoadBand.BUSY: WARN, LoadBand.OVER: f"bold {BAD}"}


def load_text(load: MemberLoad, node: DOMNode) -> Text:
    """A bar against capacity with the percentage and a word: ok, busy, over,
    in the colours of `node`'s theme."""
    share = load.share
    if share is None:
        return Text("no capacity set", style="dim")
    filled = min(BAR_WIDTH, round(share * BAR_WIDTH))
    band = load_band(share)
    style = themed(node, BAND_STYLES[band])
    return Text.assemble(
        ("█" * filled, style), ("░" * (BAR_WIDTH - filled), "dim"), f" {share:.0%} ", (band.value, style)
    )


class TeamScreen(PsScreen):
    """Who is on the team, how to reach them, and who has capacity. Enter on a
    person shows their active implementations."""

    MODE = "team"
    SUB_TITLE = "Team"
    CSS = """
    #team-body DataTable {
        height: auto;
        max-height: 16;
        margin: 0 1;
    }

    #channels {
        margin: 0 1 1 2;
    }
    """

    # Priority: ahead of the table's own enter, which the footer and `?` do
    # not show; enabled while the roster has focus (see check_action).
    BINDINGS = [
        Binding("enter", "show_work", "Their work", id="team.work", priority=True),
        Binding("y", "copy", "Copy roster", show=False, id="team.copy"),
    ]

    def action_copy(self) -> None:
        """Copy the roster with each load, as `ps-tui team` prints it."""
        from ps_tui.core.summaries import team_text

        portfolio = host(self).portfolio
        if portfolio is None:
            self.notify("No roster yet", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(team_text(portfolio.data))
        self.notify("as ps-tui team prints it", title="Roster copied to the clipboard", timeout=3)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="team-body"):
            yield Static("", id="purpose", classes="note")
            yield Static("Roster and load this week", classes="section-title")
            yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
            yield Static("", id="load-note", classes="note")
            yield Static("Slack", classes="section-title")
            # Text, not a table widget: a purpose longer than the terminal
            # wraps instead of being cut at the edge.
            yield Static("", id="channels")

    def on_mount(self) -> None:
        super().on_mount()
        self.set_focus(self.query_one("#roster", DataTable), scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_work":
            return self.focused is self.query_one("#roster", DataTable)
        return True

    def _person_at(self, row: int) -> str | None:
        """The name on roster row `row`; None on a role heading."""
        roster = self.query_one("#roster", DataTable)
        if not 0 <= row < roster.row_count:
            return None
        name = roster.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return None if name is None or name.startswith(ROLE_ROW) else name

    @on(DataTable.RowHighlighted, "#roster")
    def _skip_heading(self, event: DataTable.RowHighlighted) -> None:
        """The cursor rests on people only: a role heading is stepped over in
        the direction it was reached from (down from the top)."""
        row = event.cursor_row
        if self._person_at(row) is not None:
            self._roster_row = row
            return
        step = -1 if row < self._roster_row and row > 0 else 1
        target = row + step
        while 0 <= target < event.data_table.row_count and self._person_at(target) is None:
            target += step
        if not 0 <= target < event.data_table.row_count:
            target = self._roster_row
        if self._person_at(target) is not None:
            event.data_table.move_cursor(row=target)

    #: The roster row the cursor last rested on (a person's).
    _roster_row = 0

    def show_data(self, data: StoreFile) -> None:
        self.query_one("#purpose", Static).update(Text(data.purpose, style="italic"))
        roster = self.query_one("#roster", DataTable)
        keep = self._person_at(roster.cursor_row)
        roster.clear(columns=True)
        roster.add_columns("Name", "Slack", "Active", "Hours/wk", "Load")
        previous = None
        for load in team_load(data):
            member = load.member
            if member.role != previous:
                # A heading row per role; its key marks it as not a person.
                title = ROLE_TITLES.get(member.role, member.role.label)
                roster.add_row(Text(title, style="bold"), "", "", "", "", key=f"{ROLE_ROW}{title}")
                previous = member.role
            roster.add_row(
                f"  {member.name}",
                member.slack or "—",
                str(load.active),
                f"{load.weekly_hours:.0f}/{member.capacity_hours} h",
                load_text(load, self),
                key=member.name,
            )
        # The cursor on a person (the one it was on before a reload), never a heading.
        people = [row for row in range(roster.row_count) if self._person_at(row) is not None]
        if people:
            keep_row = next((row for row in people if self._person_at(row) == keep), people[0])
            self._roster_row = keep_row
            roster.move_cursor(row=keep_row, animate=False)
        self.query_one("#load-note", Static).update(load_explanation(data))
        channels = Table(box=None, padding=(0, 2, 0, 0), header_style="bold", show_edge=False)
        channels.add_column("Channel or handle", no_wrap=True)
        channels.add_column("Purpose", ratio=1)
        for channel in data.channels:
            channels.add_row(Text(channel.name), Text(channel.purpose))
        self.query_one("#channels", Static).update(channels)

    @on(DataTable.RowSelected, "#roster")
    async def action_show_work(self) -> None:
        name = self._person_at(self.query_one("#roster", DataTable).cursor_row)
        if name is not None:
            await host(self).show_person(name)
