"""Offerings: "can this customer buy X, and can we discount?" in a few keys.

A lookup bar (focused on entry) takes a customer, a segment, a developer
count and/or an ARR and answers on every keystroke; the offering matrix shows
the answered segment's column; the related rules sit below. The logic is all
in `core.offerings`, shared with `ps-tui lookup`.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from ps_tui.core.model import StoreFile
from ps_tui.core.offerings import (
    LOOKUP_HELP,
    Answer,
    CustomerIndex,
    LookupProblem,
    customers_from_implementations,
    lookup,
    parse_lookup,
    with_segment,
)
from ps_tui.screens.base import PsScreen
from ps_tui.widgets.lookup import LookupAnswer, RelatedRules, offering_details
from ps_tui.widgets.offering_matrix import OfferingMatrix

#: Below this width the answer, matrix and rules stack instead of sitting side by side.
NARROW = 120


class OfferingsScreen(PsScreen):
    """Type a lookup, read the answer; tab to the matrix; y copies."""

    MODE = "offerings"
    SUB_TITLE = "Offerings"
    AUTO_FOCUS = "#lookup"

    CSS = """
    #lookup-bar {
        height: 3;
        padding: 0 1;
    }

    #lookup {
        width: 1fr;
    }

    #lookup-count {
        width: auto;
        min-width: 14;
        padding: 1 1 0 2;
        color: $text-muted;
    }

    #lookup-problems {
        display: none;
        height: auto;
        padding: 0 2;
    }

    #offerings-body {
        scrollbar-size-vertical: 1;
    }

    #offerings-top {
        height: auto;
    }

    #answer {
        width: 1fr;
        padding: 0 1 1 2;
    }

    #matrix-box {
        width: auto;
        height: auto;
        padding: 0 1 1 1;
    }

    #offering-description {
        width: 100%;
        max-width: 76;
        height: auto;
        padding: 1 1 0 1;
    }

    #related {
        padding: 0 1 1 1;
    }

    /* The discount table at its natural width (a rule on one line); the
       Slack support and the packages, prose, share the rest. */
    #related-discounts {
        width: auto;
    }

    OfferingsScreen.-narrow #offerings-top, OfferingsScreen.-narrow #related {
        layout: vertical;
    }

    OfferingsScreen.-narrow #answer, OfferingsScreen.-narrow #matrix-box {
        width: 100%;
    }

    OfferingsScreen.-narrow #related > Static {
        width: 100%;
        padding: 0 1 1 1;
    }

    #offerings-body DataTable {
        height: auto;
        max-height: 16;
        margin: 0 1;
    }
    """

    BINDINGS = [
        # Priority: the app runs these before it reads the next key, so keys
        # typed right after `/` or esc land where the user expects.
        Binding("slash", "focus_lookup", "Lookup", id="offerings.lookup", priority=True),
        Binding("escape", "clear_lookup", "Clear", id="offerings.clear", priority=True),
        # In an empty bar, esc leaves it, so the number keys switch screens again.
        Binding("escape", "leave_lookup", "Leave the bar", id="offerings.leave", priority=True),
        Binding(
            "escape", "focus_lookup", "Back to the lookup", show=False, id="offerings.back", priority=True
        ),
        # From the bar, tab goes to the matrix (and says so in the footer);
        # elsewhere it moves focus as usual.
        Binding("tab", "focus_matrix", "Matrix", id="offerings.matrix"),
        Binding("tab", "app.focus_next", "Focus next", show=False, id="offerings.focus_next"),
        # In the lookup bar `y` is a letter: ctrl+y copies from there.
        Binding("y", "copy('y')", "Copy answer", id="offerings.copy"),
        Binding("ctrl+y", "copy('bar')", "Copy answer", id="offerings.copy_from_lookup"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False, id="offerings.page_down"),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False, id="offerings.page_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._data: StoreFile | None = None
        self._index = CustomerIndex([])
        #: The data `_index` was built from.
        self._indexed: StoreFile | None = None
        #: The answer on screen (None when there is none), what `y` copies.
        self.answer: Answer | None = None
        #: Problems with the current lookup text, shown under the bar.
        self.problems: tuple[str, ...] = ()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="lookup-bar"):
            yield Input(
                placeholder="customer, segment (smb mm ent strat), 1200 devs, 150k ARR",
                id="lookup",
            )
            yield Static("", id="lookup-count")
        yield Static("", id="lookup-problems")
        body = VerticalScroll(id="offerings-body")
        body.can_focus = False
        with body:
            with Horizontal(id="offerings-top"):
                yield LookupAnswer(id="answer")
                with Vertical(id="matrix-box"):
                    yield OfferingMatrix(id="matrix")
                    yield Static("", id="offering-description")
            yield RelatedRules(id="related")

    def on_mount(self) -> None:
        super().on_mount()
        if self.app.is_headless:
            # Nobody sees a blink headless, and a steady cursor keeps
            # screenshots (snapshot tests) independent of timing.
            self.lookup_bar.cursor_blink = False
        self.set_focus(self.lookup_bar)
        self._show_text("")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    @property
    def lookup_bar(self) -> Input:
        return self.query_one("#lookup", Input)

    @property
    def matrix(self) -> OfferingMatrix:
        return self.query_one("#matrix", OfferingMatrix)

    # -- data -----------------------------------------------------------------

    class CustomersIndexed(Message):
        """The customer list of `data` is ready to search."""

        def __init__(self, data: StoreFile, index: CustomerIndex) -> None:
            super().__init__()
            self.data = data
            self.index = index

    def show_data(self, data: StoreFile) -> None:
        self._data = data
        self.matrix.set_data(data.segments, data.offerings)
        # The rules answer at once; customers follow when indexed (a big
        # store takes a moment, which is no reason to hold up the screen).
        self._show_text(self.lookup_bar.value)
        self._index_customers(data)

    @work(thread=True, exclusive=True, group="offerings-customers", description="index the customers")
    def _index_customers(self, data: StoreFile) -> None:
        index = CustomerIndex(customers_from_implementations(data.implementations))
        self.post_message(self.CustomersIndexed(data, index))

    @on(CustomersIndexed)
    def _customers_indexed(self, message: CustomersIndexed) -> None:
        if message.data is not self._data:
            return  # a newer load is being indexed
        self._index, self._indexed = message.index, message.data
        count = len(message.index)
        self.query_one("#lookup-count", Static).update(f"{count:,} customer{'' if count == 1 else 's'}")
        self._show_text(self.lookup_bar.value)

    # -- the lookup -------------------------------------------------------------

    @on(Input.Changed, "#lookup")
    def _lookup_changed(self, event: Input.Changed) -> None:
        self._show_text(event.value)

    @on(Input.Submitted, "#lookup")
    def _lookup_done(self) -> None:
        self.set_focus(self.matrix)

    def _show_text(self, text: str) -> None:
        """Answer `text` and show it: the answer, the column, the rules."""
        panel = self.query_one("#answer", LookupAnswer)
        data = self._data
        answer: Answer | None = None
        problems: list[str] = []
        if data is None:
            panel.show_message("Loading the store…")
        else:
            parsed = parse_lookup(text, data)
            problems.extend(parsed.problems)
            if parsed.input.is_empty:
                panel.show_message(self._help())
            elif parsed.input.customer is not None and self._indexed is not data:
                panel.show_message("Reading the customer list…")
            else:
                try:
                    answer = lookup(parsed.input, data, self._index)
                except LookupProblem as problem:
                    panel.show_message(Content.from_markup("[$text-warning]$why[/]", why=str(problem)))
                else:
                    problems.extend(answer.problems)
                    panel.show(answer, data)
        self.answer = answer
        self.problems = tuple(problems)
        shown = self.query_one("#lookup-problems", Static)
        shown.update(Content.from_markup("[$text-error]⚠ $p[/]", p=" · ".join(problems)) if problems else "")
        shown.display = bool(problems)
        self.matrix.highlight = answer.segment.id if answer is not None else None
        if data is not None:
            self.query_one("#related", RelatedRules).show(data, answer)
        self._show_description()
        self._answer_into_view()

    def _help(self) -> Content:
        return Content.from_markup(
            "Type $help.\n[b]tab[/b] the matrix (←→ segment, ↑↓ offering) · [b]y[/b] copies the answer "
            "([b]ctrl+y[/b] from here) · [b]esc[/b] clears, then leaves the bar (for keys 1 2 4)",
            help=LOOKUP_HELP,
        )

    # -- the matrix ---------------------------------------------------------------

    @on(OfferingMatrix.SegmentPicked)
    def _segment_picked(self, event: OfferingMatrix.SegmentPicked) -> None:
        """A column picked in the matrix becomes the lookup's segment, in the
        bar where it can be seen, so the answer is always what the bar says."""
        if self._data is None:
            return
        bar = self.lookup_bar
        text = with_segment(bar.value, event.segment_id, self._data)
        if text != bar.value:
            bar.value = text
            bar.cursor_position = len(text)

    @on(OfferingMatrix.OfferingHighlighted)
    def _offering_highlighted(self) -> None:
        self._show_description()

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _focus_moved(self) -> None:
        self._show_description()
        self._answer_into_view()

    def _answer_into_view(self) -> None:
        """While typing, the answer is what matters: keep it in view."""
        if self.focused is self.lookup_bar:
            self.query_one("#offerings-body", VerticalScroll).scroll_home(animate=False)

    def _show_description(self) -> None:
        description = self.query_one("#offering-description", Static)
        data = self._data
        offering_id = self.matrix.current_offering_id
        offering = next((o for o in data.offerings if o.id == offering_id), None) if data else None
        if data is None or offering is None or not self.matrix.has_focus:
            description.update(
                Content.from_markup("[$text-muted][b]tab[/b]: ←→ pick a segment, ↑↓ read an offering[/]")
            )
            return
        description.update(offering_details(offering, self.answer, data))
        # On a short terminal the answer comes first: bring the matrix and
        # the description into view while moving in it.
        self.query_one("#matrix-box").scroll_visible(animate=False)

    # -- actions ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_bar = self.focused is self.query_one("#lookup", Input)
        if action == "focus_lookup":
            return not in_bar  # in the bar, "/" is just a character
        if action == "clear_lookup":
            return in_bar and bool(self.lookup_bar.value)
        if action == "leave_lookup":
            return in_bar and not self.lookup_bar.value
        if action == "focus_matrix":
            return in_bar
        if action == "copy":
            # One copy key at a time: ctrl+y in the bar (where y is a letter), y elsewhere.
            return in_bar == (parameters == ("bar",))
        return True

    def action_focus_lookup(self) -> None:
        # Focus now, not after a refresh: the next keys typed belong to the bar.
        # Arriving on the screen selects the last lookup, so typing replaces
        # it; `/` goes back to add to it: the cursor at its end, nothing
        # selected (once the bar has handled its focus, which selects all).
        bar = self.lookup_bar
        self.set_focus(bar)

        def to_the_end() -> None:
            bar.cursor_position = len(bar.value)

        bar.call_later(to_the_end)

    def look_up(self, text: str) -> None:
        """Answer `text` as if typed into the bar (the palette's "Look up")."""
        self.lookup_bar.value = text
        self.action_focus_lookup()

    def action_focus_matrix(self) -> None:
        self.set_focus(self.matrix)

    def action_clear_lookup(self) -> None:
        self.lookup_bar.value = ""

    def action_leave_lookup(self) -> None:
        self.set_focus(self.matrix)

    def action_copy(self, key: str = "y") -> None:
        if self.answer is None:
            self.notify(
                "Nothing to copy yet: type a customer, segment, developer count or ARR.", severity="warning"
            )
            return
        self.app.copy_to_clipboard(self.answer.to_text())
        self.notify(
            f"{self.answer.title} · {self.answer.discount.label}",
            title="Answer copied to the clipboard",
            timeout=4,
        )

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one("#offerings-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def on_screen_suspend(self) -> None:
        # Left for another screen (not covered by help or the palette): coming
        # back (key 3) lands in the bar with the last lookup selected, so
        # typing starts a new one.
        if self not in self.app.screen_stack:
            self.set_focus(self.lookup_bar)
