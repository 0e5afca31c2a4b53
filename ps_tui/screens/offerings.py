"""Offerings: the offering matrix by segment, the discount rules and the packages."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ps_tui.core.model import StoreFile
from ps_tui.core.parse import format_money
from ps_tui.screens.base import PsScreen

YES = Text("✓ yes", style="bold green")
NO = Text("✗ no", style="red")


class OfferingsScreen(PsScreen):
    """Which segment may buy what, and when a discount is possible."""

    MODE = "offerings"
    SUB_TITLE = "Offerings"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="offerings-body"):
            yield Static("Offering matrix", classes="section-title")
            yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True)
            yield Static("Discounts", classes="section-title")
            yield DataTable(id="discounts", cursor_type="row")
            yield Static("", id="approval", classes="note")
            yield Static("Packages", classes="section-title")
            yield DataTable(id="packages", cursor_type="row")

    def show_data(self, data: StoreFile) -> None:
        matrix = self.query_one("#matrix", DataTable)
        matrix.clear(columns=True)
        matrix.add_column("Offering", key="offering")
        for segment in data.segments:
            matrix.add_column(segment.name, key=segment.id)
        for offering in data.offerings:
            cells = [YES if s.id in offering.segments else NO for s in data.segments]
            matrix.add_row(offering.name, *cells, key=offering.id)

        discounts = self.query_one("#discounts", DataTable)
        discounts.clear(columns=True)
        discounts.add_columns("Segment", "ARR", "Discount", "Rule")
        for rule in data.discounts.rules:
            discounts.add_row(
                data.segment_name(rule.segment),
                _arr_range(rule.arr_above, rule.arr_at_most),
                rule.status.label,
                rule.label,
            )
        self.query_one("#approval", Static).update(data.discounts.approval)

        packages = self.query_one("#packages", DataTable)
        packages.clear(columns=True)
        packages.add_columns("Package", "Hours", "Timebox")
        for package in data.packages:
            hours = f"{package.hours:,} h" + (" / year" if package.per == "year" else "")
            timebox = f"{package.timebox_days} days" if package.timebox_days else "—"
            packages.add_row(package.name, hours, timebox)


def _arr_range(above: int | None, at_most: int | None) -> str:
    if above is None and at_most is None:
        return "any"
    if at_most is None:
        return f"above {format_money(above or 0)}"
    if above is None:
        return f"up to {format_money(at_most)}"
    return f"{format_money(above)} to {format_money(at_most)}"
