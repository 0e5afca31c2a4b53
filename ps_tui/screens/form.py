"""The new/edit implementation form: every field checked as you type.

Save stays disabled, with the reason shown, while anything is invalid. A save
runs in a worker; if it fails, the form stays open with everything typed."""

from __future__ import annotations

from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from ps_tui.core.forms import (
    FORM_FIELDS,
    FormField,
    FormResult,
    blank_form,
    field_choices,
    form_values,
    parse_form,
)
from ps_tui.core.model import Implementation, StoreFile
from ps_tui.core.portfolio import next_id
from ps_tui.screens.dialogs import DIALOG_CSS
from ps_tui.screens.host import host

_PLACEHOLDERS = {
    "arr": "150k, $1.2M or 1,200,000",
    "developers": "e.g. 1200 (sets the segment)",
    "kickoff": "YYYY-MM-DD",
    "production_ready": "YYYY-MM-DD",
    "instance_url": "https://…",
    "package_hours": "hours (custom package)",
    "package_days": "days (custom package)",
}


class FieldError(Static):
    """The message under a field. It keeps itself in sight while its field
    has focus, also when a longer message wraps onto another line."""

    def on_resize(self) -> None:
        self._keep_in_sight()

    def _keep_in_sight(self) -> None:
        focused = self.screen.focused
        if self.display and focused is not None and focused.parent is self.parent:
            self.scroll_visible(animate=False)


class FormScreen(ModalScreen[None]):
    """Create (`impl` None) or edit an implementation."""

    CSS = (
        """
    FormScreen {
        align: center middle;
    }

    #form-box {
        width: 90;
        max-width: 100%;
        height: 90%;
        padding: 0 1;
    }

    #form-title {
        padding: 0 0 1 0;
    }

    #form-fields {
        height: 1fr;
    }

    #form-grid {
        grid-size: 2;
        grid-columns: 20 1fr;
        grid-gutter: 0 1;
        height: auto;
    }

    .form-label {
        width: 100%;
        text-align: right;
        color: $text-muted;
    }

    .form-cell {
        height: auto;
    }

    .form-cell Input, .form-cell Select {
        width: 100%;
    }

    #form-reason {
        color: $warning;
        height: auto;
        padding: 1 0 0 0;
    }

    #form-box .dialog-buttons {
        padding: 0;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, impl: Implementation | None) -> None:
        super().__init__()
        self.impl = impl
        self._saving = False
        self.result: FormResult | None = None
        #: The message shown under each field (none yet: all are set on mount),
        #: and the reason Save is disabled.
        self._shown_errors: dict[str, str] = {}
        self._shown_reason = ""
        #: The id for a new implementation, and the store it was found in.
        self._new_id_in: StoreFile | None = None
        self._next_id = ""

    @property
    def reference(self) -> StoreFile:
        portfolio = host(self).portfolio
        assert portfolio is not None, "the form opens only once the store has loaded"
        return portfolio.data

    def compose(self) -> ComposeResult:
        title = f"Edit {self.impl.customer} ({self.impl.id})" if self.impl else "New implementation"
        values = form_values(self.impl) if self.impl else blank_form(self.reference)
        with Vertical(classes="dialog", id="form-box"):
            yield Static(f"[b]{title}[/b]", id="form-title")
            with VerticalScroll(id="form-fields"), Grid(id="form-grid"):
                for field in FORM_FIELDS:
                    label = field.label + (" *" if field.required else "")
                    yield Label(label, classes="form-label")
                    with Vertical(classes="form-cell"):
                        yield self._widget(field, values.get(field.name, ""))
                        yield FieldError("", classes="field-error", id=f"error-{field.name}")
            yield Static("", id="form-reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def _widget(self, field: FormField, value: str) -> Widget:
        if field.kind in ("choice", "member"):
            options = [(choice.label, choice.value) for choice in field_choices(field, self.reference)]
            known = {v for _, v in options}
            select: Select[str] = Select(
                options,
                allow_blank=False,
                value=value if value in known else options[0][1],
                id=f"field-{field.name}",
                compact=True,
            )
            return select
        return Input(
            value, placeholder=_PLACEHOLDERS.get(field.name, ""), id=f"field-{field.name}", compact=True
        )

    def on_mount(self) -> None:
        self.validate()
        self.query_one("#field-customer", Input).focus()

    # -- validation -----------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What the form holds now, as text per field."""
        out = {}
        for field in FORM_FIELDS:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Select):
                out[field.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[field.name] = cast(Input, widget).value
        return out

    def _new_id(self, reference: StoreFile) -> str:
        """The id a new implementation gets: found once per loaded store (it
        reads every id), not on every key."""
        if self.impl is not None:
            return self.impl.id
        if self._new_id_in is not reference:
            self._new_id_in, self._next_id = reference, next_id(reference)
        return self._next_id

    def validate(self) -> FormResult:
        """Check every field; show each error under its field and the reason
        Save is disabled.

        Runs on every key: only the messages that changed are redrawn, since
        each one redrawn lays the whole form out again."""
        reference = self.reference
        result = parse_form(self.values(), reference, self.impl, self._new_id(reference), host(self).today)
        self.result = result
        for field in FORM_FIELDS:
            message = result.errors.get(field.name, "")
            if self._shown_errors.get(field.name) == message:
                continue
            self._shown_errors[field.name] = message
            error = self.query_one(f"#error-{field.name}", FieldError)
            error.update(message)
            error.display = bool(message)
            if message:
                self.call_after_refresh(error._keep_in_sight)
        self.query_one("#save", Button).disabled = bool(result.errors) or self._saving
        reason = ""
        if result.errors:
            labels = {f.name: f.label for f in FORM_FIELDS}
            first = ", ".join(labels.get(name, name) for name in result.errors)
            reason = f"Can't save yet, fix: {first}"
        if reason != self._shown_reason:
            self._shown_reason = reason
            self.query_one("#form-reason", Static).update(reason)
        return result

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.validate()

    # -- save -----------------------------------------------------------------

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        result = self.validate()
        if self._saving:
            return
        if result.implementation is None:
            name = next(iter(result.errors))
            self.query_one(f"#field-{name}").focus()
            self.notify("Fix the marked fields first", severity="warning", timeout=3)
            return
        impl = result.implementation
        self._saving = True
        self.query_one("#save", Button).disabled = True
        verb = "Saved" if self.impl else "Added"
        host(self).submit(
            f"{verb} {impl.customer} ({impl.id})",
            lambda store: store.save_implementation(impl),
            [impl.id],
            self._saved,
            kept="your edit is still in the form",
        )

    def _saved(self, ok: bool) -> None:
        self._saving = False
        if ok:
            self.dismiss()
        else:
            # The reason is in the notification; everything typed is still here.
            self.validate()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()
