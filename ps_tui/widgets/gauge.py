"""A KPI gauge: a big number, a caption with words for its level, and a bar."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Digits, Static

from ps_tui.core.gauges import LEVEL_WORDS, Reading


class Bar(Widget):
    """A one-line bar filled to `fraction` of its width."""

    DEFAULT_CSS = """
    Bar { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fraction: float | None = None

    def set_fraction(self, fraction: float | None) -> None:
        self.fraction = fraction
        self.refresh()

    def render(self) -> Text:
        width = self.size.width
        if self.fraction is None or width <= 0:
            return Text("")
        filled = round(max(0.0, min(1.0, self.fraction)) * width)
        return Text.assemble(("━" * filled, "bold"), ("─" * (width - filled), "dim"))


class Gauge(Widget):
    """Shows one `Reading`; its level sets a class (-good, -warn, -bad)."""

    DEFAULT_CSS = """
    Gauge {
        height: 7;
        border: round $panel-lighten-2;
        border-title-color: $text;
        padding: 0 1;
    }
    Gauge Digits { width: 100%; }
    Gauge .gauge-caption { color: $text-muted; height: 1; }
    /* Short terminals: the number on one line instead of big digits. */
    Gauge .gauge-value { display: none; text-style: bold; height: 1; }
    Gauge.-compact { height: 5; }
    Gauge.-compact Digits { display: none; }
    Gauge.-compact .gauge-value { display: block; }
    Gauge.-good { border: round $success; }
    Gauge.-good Digits, Gauge.-good Bar, Gauge.-good .gauge-value { color: $success; }
    Gauge.-warn { border: round $warning; }
    Gauge.-warn Digits, Gauge.-warn Bar, Gauge.-warn .gauge-value { color: $warning; }
    Gauge.-bad { border: round $error; }
    Gauge.-bad Digits, Gauge.-bad Bar, Gauge.-bad .gauge-value { color: $error; }
    """

    def compose(self) -> ComposeResult:
        yield Digits("—")
        yield Static("", classes="gauge-value")
        yield Static("", classes="gauge-caption")
        yield Bar()

    def show(self, reading: Reading) -> None:
        self.border_title = reading.title
        self.query_one(Digits).update(reading.value)
        self.query_one(".gauge-value", Static).update(reading.value)
        words = LEVEL_WORDS[reading.level]
        self.query_one(".gauge-caption", Static).update(
            f"{words} · {reading.caption}" if words else reading.caption
        )
        self.query_one(Bar).set_fraction(reading.fraction)
        for level in ("good", "warn", "bad"):
            self.set_class(reading.level.value == level, f"-{level}")
