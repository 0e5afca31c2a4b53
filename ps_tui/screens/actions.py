"""Edit actions shared by the implementations list and the detail view."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from textual.binding import Binding
from textual.screen import Screen

from ps_tui.core import timeline
from ps_tui.core.date_rules import go_live_key
from ps_tui.core.model import Implementation, Status
from ps_tui.core.portfolio import entry_problems
from ps_tui.screens.host import host

EDIT_BINDINGS = [
    Binding("n", "new", "New", id="impl.new"),
    Binding("e", "edit", "Edit", id="impl.edit"),
    Binding("p", "advance", "Advance", id="impl.advance"),
    Binding("x", "close_impl", "Close", id="impl.close"),
    Binding("d", "delete", "Delete", id="impl.delete"),
    Binding("o", "open_url", "Open URL", show=False, id="impl.open"),
]


def edit_bindings(*ids: str, show: bool = False) -> list[Binding]:
    """The EDIT_BINDINGS of these ids, in this order (picked by id, never by
    position, so adding one moves nothing), shown in the footer if `show`.
    Each id is declared once, here, so a keymap entry moves it on every
    screen alike."""
    by_id = {binding.id: binding for binding in EDIT_BINDINGS}
    return [replace(by_id[i], show=True) if show else by_id[i] for i in ids]


class ImplementationActions(Screen[None]):
    """New, edit, advance, close, delete and open, on `current()`.

    Every change goes through `Host.submit`, which saves in a worker and
    updates the portfolio by key."""

    def current(self) -> Implementation | None:
        """The implementation the actions apply to."""
        raise NotImplementedError

    def _target(self) -> Implementation | None:
        impl = self.current()
        if impl is None:
            self.notify("No implementation selected", severity="warning", timeout=3)
        return impl

    def action_new(self) -> None:
        from ps_tui.screens.form import FormScreen

        if host(self).portfolio is not None:
            self.app.push_screen(FormScreen(None), self._form_closed)

    def action_edit(self) -> None:
        from ps_tui.screens.form import FormScreen

        impl = self._target()
        if impl is not None:
            self.app.push_screen(FormScreen(impl), self._form_closed)

    def _form_closed(self, saved: str | None) -> None:
        """Hook for the list, which shows the row the form saved (the id;
        None when the form closed without saving)."""

    def action_advance(self) -> None:
        impl, app = self._target(), host(self)
        portfolio = app.portfolio
        if impl is None or portfolio is None:
            return
        if impl.status in (Status.COMPLETED, Status.CANCELLED):
            self.notify(f"{impl.customer} is {impl.status.label.lower()}", severity="warning", timeout=4)
            return
        from ps_tui.screens.dialogs import DateScreen

        today, reference = app.today, portfolio.data
        _, key = timeline.advance(impl, today, reference)
        if key is None:
            self.notify(f"Every milestone of {impl.customer} is done: press x to close it", timeout=5)
            return
        name = reference.milestone_name(key)

        def refused(day: dt.date) -> str | None:
            advanced, _ = timeline.advance(impl, day, reference)
            problems = entry_problems(reference, advanced, impl, today)
            return problems[0].message if problems else None

        def answered(day: dt.date | None) -> None:
            if day is None:
                return
            advanced, _ = timeline.advance(impl, day, reference)
            app.submit(
                f"{impl.customer}: {name} done {day.isoformat()}",
                lambda store: store.save_implementation(advanced),
                [impl.id],
            )

        # Today unless it was done earlier: a milestone finished yesterday is
        # recorded as yesterday (enter takes today).
        question = f"{impl.customer}: {name} done on:"
        self.app.push_screen(DateScreen(question, today, check=refused), answered)

    def action_close_impl(self) -> None:
        from ps_tui.screens.dialogs import ConfirmScreen, DateScreen

        impl, app = self._target(), host(self)
        portfolio = app.portfolio
        if impl is None or portfolio is None:
            return
        if impl.status is Status.COMPLETED:
            self.notify(f"{impl.customer} is already completed", severity="warning", timeout=4)
            return
        reference = portfolio.data
        today = app.today

        def refused(ready: dt.date) -> str | None:
            problems = entry_problems(reference, timeline.close(impl, ready, reference), impl, today)
            return problems[0].message if problems else None

        def save(ready: dt.date, close_risks: bool) -> None:
            done = timeline.close(impl, ready, reference)
            if close_risks:
                done = timeline.close_open_risks(done, ready)
            app.submit(
                f"{impl.customer} completed on {ready.isoformat()}",
                lambda store: store.save_implementation(done),
                [impl.id],
            )

        def closed(ready: dt.date | None) -> None:
            if ready is None:
                return
            still_open = [r for r in impl.risks if r.closed is None]
            if not still_open:
                save(ready, close_risks=False)
                return
            count = len(still_open)
            question = (
                f"{impl.customer} has {count} open risk{'s' if count != 1 else ''}. "
                f"Close {'them' if count != 1 else 'it'} too, on {ready.isoformat()}? (n keeps them open)"
            )
            self.app.push_screen(
                ConfirmScreen(question, yes="Close them"), lambda yes: save(ready, close_risks=bool(yes))
            )

        question = f"Close {impl.customer} as completed.\nProduction-ready date:"
        # The go-live milestone's date, when it was recorded, is the natural answer.
        key = go_live_key(reference)
        go_live = impl.milestone(key) if key is not None else None
        default = go_live.actual if go_live is not None and go_live.actual is not None else today
        dialog = DateScreen(question, default, not_before=impl.kickoff, check=refused)
        self.app.push_screen(dialog, closed)

    def action_delete(self) -> None:
        from ps_tui.screens.dialogs import ConfirmScreen

        impl = self._target()
        if impl is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                host(self).submit(
                    f"Deleted {impl.customer} ({impl.id})",
                    lambda store: store.delete_implementation(impl.id),
                    [impl.id],
                    self._after_delete,
                )

        question = f"Delete {impl.customer} ({impl.id})?\nThis cannot be undone from ps-tui."
        self.app.push_screen(ConfirmScreen(question, yes="Delete"), answered)

    def _after_delete(self, ok: bool) -> None:
        """Hook for the detail view, which closes once its implementation is gone."""

    def action_open_url(self) -> None:
        impl = self._target()
        if impl is None:
            return
        if not impl.instance_url:
            self.notify(f"{impl.customer} has no instance URL", severity="warning", timeout=4)
            return
        self.app.open_url(impl.instance_url)
        self.notify(f"Opening {impl.instance_url}", timeout=3)
