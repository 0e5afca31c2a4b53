"""The new/edit implementation form: every field checked as you type.

Save stays disabled, with the reason shown, while anything is invalid. A save
runs in a worker; if it fails, the form stays open with everything typed.

Below the fields, the milestones: enter on one edits its planned date,
actual date and owner (the detail view's editor). A new implementation shows
the plan its package gives it; changing the kickoff or the package offers to
re-plan what is not done yet. Notes span lines: typed in a text area, or,
when $VISUAL or $EDITOR is set, written in that editor (enter on them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import msgspec
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, Select, Static, TextArea

from ps_tui import editor
from ps_tui.core.date_rules import field_label, kickoff_key
from ps_tui.core.forms import (
    FORM_FIELDS,
    MILESTONES,
    FormField,
    FormResult,
    Move,
    blank_form,
    field_choices,
    field_labels,
    form_values,
    moves_text,
    parse_form,
    rebase,
    replan_moves,
)
from ps_tui.core.model import Implementation, Milestone, StoreFile
from ps_tui.core.plan import planned
from ps_tui.core.portfolio import entry_problems, next_id
from ps_tui.core.view import Portfolio
from ps_tui.screens.dialogs import DIALOG_CSS
from ps_tui.screens.host import host

_PLACEHOLDERS = {
    "arr": "150k, $1.2M or 1,200,000",
    "developers": "e.g. 1200 (sets the segment)",
    "kickoff": "YYYY-MM-DD",
    "production_ready": "YYYY-MM-DD",
    "instance_url": "https://…",
    "slack_channel": "#acme-rollout",
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


class NotesArea(TextArea):
    """The notes: typed here, or, when the user has an editor (`external`),
    shown read-only and written in that editor on enter."""

    BINDINGS = [Binding("enter", "external", "Edit in $EDITOR", id="form.notes_editor")]

    class EditRequested(Message):
        """Enter on read-only notes: the screen hands them to the editor."""

        def __init__(self, area: NotesArea) -> None:
            super().__init__()
            self.area = area

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typed here, enter is a new line: the key is the editor's only when there is one.
        return self.read_only if action == "external" else True

    def action_external(self) -> None:
        if self.read_only:
            self.post_message(self.EditRequested(self))


class FormScreen(ModalScreen[str | None]):
    """Create (`impl` None) or edit an implementation; the result is the id
    saved, None when closed without saving."""

    #: What the help screen calls it.
    SUB_TITLE = "Implementation form"

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

    .form-cell Input, .form-cell Select, .form-cell TextArea {
        width: 100%;
    }

    .form-cell TextArea {
        height: auto;
        min-height: 2;
        max-height: 6;
        background: $boost;
    }

    #form-milestones-title {
        padding: 1 0 0 0;
        color: $text-muted;
    }

    #form-milestones {
        height: auto;
    }

    #form-reason {
        color: $text-warning;
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
        Binding("ctrl+r", "reload", "Reload, keep edits", id="form.reload"),
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
        #: The milestones as edited here (None: not edited, so a new one's
        #: follow its package's plan and an edited one's are kept), the
        #: kickoff and package their plan is for, and what the table shows.
        self._milestones: list[Milestone] | None = None
        self._planned_for = (impl.kickoff, impl.package) if impl is not None else (None, "")
        self._shown_milestones: list[Milestone] | None = None
        #: The editor notes are written in; None: they are typed in the form.
        self._editor = editor.find_editor()

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
            with VerticalScroll(id="form-fields"):
                with Grid(id="form-grid"):
                    for field in FORM_FIELDS:
                        label = field.label + (" *" if field.required else "")
                        yield Label(label, classes="form-label")
                        with Vertical(classes="form-cell"):
                            yield self._widget(field, values.get(field.name, ""))
                            yield FieldError("", classes="field-error", id=f"error-{field.name}")
                yield Static("Milestones (enter edits one)", id="form-milestones-title")
                yield DataTable(id="form-milestones", cursor_type="row", zebra_stripes=True)
                yield FieldError("", classes="field-error", id=f"error-{MILESTONES}")
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
        if field.name == "notes":
            hint = "enter: edit in " + self._editor[0] if self._editor else "several lines; tab leaves"
            return NotesArea(
                value,
                id=f"field-{field.name}",
                read_only=self._editor is not None,
                compact=True,
                placeholder=hint,
            )
        return Input(
            value, placeholder=_PLACEHOLDERS.get(field.name, ""), id=f"field-{field.name}", compact=True
        )

    def on_mount(self) -> None:
        table = self.query_one("#form-milestones", DataTable)
        table.add_columns("Milestone", "Planned", "Done on", "Owner")
        self.validate()
        #: The text of every field as the form showed it on the version it
        #: edits: what the user typed is what differs from it.
        self._base = self.values()
        self.watch(self.app, "portfolio", self._store_changed, init=False)
        self.query_one("#field-customer", Input).focus()

    def edited(self) -> list[str]:
        """The fields the user changed (`MILESTONES` for the milestones)."""
        values = self.values()
        changed = [name for name, text in values.items() if text != self._base.get(name, "")]
        if self._milestones is not None and (self.impl is None or self._milestones != self.impl.milestones):
            changed.append(MILESTONES)
        return changed

    # -- validation -----------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What the form holds now, as text per field."""
        out = {}
        for field in FORM_FIELDS:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Select):
                out[field.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, TextArea):
                out[field.name] = widget.text
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
        result = parse_form(
            self.values(),
            reference,
            self.impl,
            self._new_id(reference),
            host(self).today,
            milestones=self._milestones,
        )
        self.result = result
        if result.draft is not None and result.draft.milestones != self._shown_milestones:
            self._show_milestones(result.draft.milestones)
        for field in (*(f.name for f in FORM_FIELDS), MILESTONES):
            message = result.errors.get(field, "")
            if self._shown_errors.get(field) == message:
                continue
            self._shown_errors[field] = message
            error = self.query_one(f"#error-{field}", FieldError)
            error.update(message)
            error.display = bool(message)
            if message:
                self.call_after_refresh(error._keep_in_sight)
        self.query_one("#save", Button).disabled = bool(result.errors) or self._saving
        reason = ""
        if result.errors:
            reason = f"Can't save yet, fix: {field_labels(result.errors)}"
        if reason != self._shown_reason:
            self._shown_reason = reason
            self.query_one("#form-reason", Static).update(reason)
        return result

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.validate()

    # -- the milestones ---------------------------------------------------------

    def _show_milestones(self, milestones: list[Milestone]) -> None:
        """Redraw the milestone table (only when its milestones changed)."""
        self._shown_milestones = list(milestones)
        table = self.query_one("#form-milestones", DataTable)
        row = table.cursor_row
        table.clear()
        reference = self.reference
        for m in milestones:
            table.add_row(
                reference.milestone_name(m.key),
                m.planned.isoformat() if m.planned else "—",
                m.actual.isoformat() if m.actual else Text("not yet", style="dim"),
                Text(m.owner) if m.owner else Text("—", style="dim"),
                key=m.key,
            )
        if milestones:
            table.move_cursor(row=min(max(row, 0), len(milestones) - 1), animate=False)

    def _draft(self) -> Implementation | None:
        result = self.result or self.validate()
        return result.draft

    @on(DataTable.RowSelected, "#form-milestones")
    def _milestone_chosen(self, event: DataTable.RowSelected) -> None:
        from ps_tui.screens.log_dialogs import MilestoneScreen

        draft = self._draft()
        if draft is None or not 0 <= event.cursor_row < len(draft.milestones):
            return
        base = list(draft.milestones)
        index = event.cursor_row
        reference = self.reference
        key = base[index].key

        def with_it(new: Milestone) -> Implementation:
            return msgspec.structs.replace(draft, milestones=[*base[:index], new, *base[index + 1 :]])

        def check(new: Milestone) -> str | None:
            # The milestones' own problems: those of the other fields are the form's.
            changed = with_it(new)
            for problem in entry_problems(reference, changed, self.impl, host(self).today):
                if problem.path.startswith("milestones["):
                    return f"{field_label(changed, reference, problem.path)}: {problem.message}"
            return None

        def edited(new: object) -> None:
            if not isinstance(new, Milestone) or new == base[index]:
                return
            if self._milestones is None:
                self._planned_for = (draft.kickoff, draft.package)
            self._milestones = with_it(new).milestones
            if key == kickoff_key(reference) and new.actual is not None:
                # The kickoff milestone and the kickoff are one fact.
                self._set_field("kickoff", new.actual.isoformat())
            self.validate()

        members = [m.name for m in reference.members]
        title = f"{draft.customer if self.impl else 'New implementation'}: {reference.milestone_name(key)}"
        # Kept in the form: the store has it once the form is saved.
        editor_screen = MilestoneScreen(title, base[index], members, check, ok="Keep")
        self.app.push_screen(editor_screen, edited)

    def _moves(self) -> list[Move]:
        """What a re-plan would move now; none while a new implementation's
        milestones just follow its package's plan."""
        draft = self._draft()
        if draft is None or (self.impl is None and self._milestones is None):
            return []
        kickoff, package = self._planned_for
        return replan_moves(draft, kickoff, package, self.reference)

    def offer_replan(self, then: Callable[[], None] | None = None) -> bool:
        """Ask whether to re-plan the milestones not done yet, when the
        kickoff or the package changed since their plan was made; `then`
        runs once answered. False when there is nothing to ask."""
        from ps_tui.screens.dialogs import ConfirmScreen

        moves = self._moves()
        draft = self._draft()
        if not moves or draft is None:
            return False
        planned_for = (draft.kickoff, draft.package)
        what = "kickoff" if planned_for[0] != self._planned_for[0] else "package"
        question = (
            f"The {what} changed. Re-plan the milestones not done yet from the package's plan?\n"
            f"{moves_text(moves)}\nDone milestones keep their dates."
        )

        def answered(yes: bool | None) -> None:
            self._planned_for = planned_for
            if yes:
                self._milestones = planned(draft, self.reference)
                self.validate()
                self.notify(f"Re-planned {len(moves)} milestone(s) from the package's plan", timeout=4)
            if then is not None:
                then()

        self.app.push_screen(
            ConfirmScreen(question, yes="Re-plan", no="Keep the plan", variant="primary"), answered
        )
        return True

    @on(Input.Blurred, "#field-kickoff")
    def _kickoff_left(self) -> None:
        # Not when the terminal lost focus: only when the user left the field.
        if self.is_current and not self._saving and self.app.app_focus and self.focused is not None:
            self.offer_replan()

    @on(Select.Changed, "#field-package")
    def _package_changed(self) -> None:
        if self.is_current and not self._saving and hasattr(self, "_base"):
            self.validate()
            self.offer_replan()

    # -- the notes --------------------------------------------------------------

    @on(NotesArea.EditRequested)
    def _edit_notes(self, event: NotesArea.EditRequested) -> None:
        """The notes in the user's editor; the app is suspended meanwhile."""
        command = self._editor
        if command is None:
            return
        area = event.area
        text, failure = area.text, None
        try:
            with self.app.suspend():
                # Caught inside: the app resumes only when the block ends normally.
                try:
                    text = editor.edit_text(area.text, command)
                except editor.EditorFailed as failed:
                    failure = failed
        except SuspendNotSupported:
            # No terminal to hand over (a browser, say): type them here.
            area.read_only = False
            self.notify("Type the notes here: this terminal cannot run an editor", timeout=5)
            return
        if failure is not None:
            self.notify(f"The notes are unchanged: {failure}", severity="warning", timeout=8)
            return
        if text != area.text:
            area.load_text(text)
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
            target = "#form-milestones" if name == MILESTONES else f"#field-{name}"
            found = self.query(target)
            if found:
                found.first().focus()
            self.notify("Fix the marked fields first", severity="warning", timeout=3)
            return
        if self.offer_replan(then=self.action_save):
            return
        impl = result.implementation
        self._saving = True
        self._saved_id = impl.id
        self.query_one("#save", Button).disabled = True
        verb = "Saved" if self.impl else "Added"
        host(self).submit(
            f"{verb} {impl.customer} ({impl.id})",
            lambda store: store.save_implementation(impl),
            [impl.id],
            self._saved,
            kept="your edit is still in the form, and stays there when you reload",
        )

    _saved_id: str | None = None

    def _saved(self, ok: bool) -> None:
        self._saving = False
        if ok:
            self.dismiss(self._saved_id)
        else:
            # The reason is in the notification; everything typed is still here.
            self.validate()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close at once when nothing was changed; else ask first."""
        edited = self.edited()
        if not edited:
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice == "save":
                self.action_save()
            elif choice == "discard":
                self.dismiss(None)

        self.app.push_screen(LeaveScreen(field_labels(edited)), chosen)

    # -- the store changed under the form ----------------------------------------

    def action_reload(self) -> None:
        """Read the store again; what the user typed stays (see `_store_changed`)."""
        self._reload_asked = True
        host(self).reload()

    _reload_asked = False

    def _store_changed(self, portfolio: Portfolio | None) -> None:
        """A reload or a refresh: the implementation edited may have changed.
        Fields the user did not touch take the new version, typed ones stay;
        the user hears what changed (always after ctrl+r)."""
        asked, self._reload_asked = self._reload_asked, False
        if portfolio is None or self._saving or not self.is_attached:
            return
        if self.impl is None:
            self.validate()
            if asked:
                self.notify("Reloaded the store; your new implementation is still in the form", timeout=5)
            return
        fresh = portfolio.by_id.get(self.impl.id)
        name = f"{self.impl.customer} ({self.impl.id})"
        if fresh is None:
            self.validate()
            self.notify(f"{name} was deleted on disk; saving adds it again", severity="warning", timeout=10)
            return
        if fresh == self.impl:
            if asked:
                self.notify(f"Reloaded: {name} has not changed on disk; your edits are kept", timeout=5)
            return
        moved = rebase(self.values(), self._base, self._shown_as(form_values(fresh)))
        self.impl = fresh
        if self._milestones is None:
            self._planned_for = (fresh.kickoff, fresh.package)
        for field in moved.taken:
            self._set_field(field, moved.values[field])
        self._base = self._shown_as(form_values(fresh))
        self.validate()
        said = [f"{name} changed on disk."]
        if moved.taken:
            said.append(f"Now shown from disk: {field_labels(moved.taken)}.")
        if moved.differ:
            said.append(
                f"Kept as you typed, though the disk has another value: {field_labels(moved.differ)}."
            )
        if not moved.taken and not moved.differ:
            said.append("None of the fields here changed; your edits are kept.")
        self.notify(" ".join(said), title="Reloaded", timeout=12)

    def _shown_as(self, values: dict[str, str]) -> dict[str, str]:
        """`values` as the form's widgets would show them: a choice that is
        not among a field's options shows as its first option."""
        shown = dict(values)
        for field in FORM_FIELDS:
            if field.kind in ("choice", "member"):
                known = [choice.value for choice in field_choices(field, self.reference)]
                if shown.get(field.name, "") not in known and known:
                    shown[field.name] = known[0]
        return shown

    def _set_field(self, name: str, value: str) -> None:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(value)
        else:
            cast(Input, widget).value = value


class LeaveScreen(ModalScreen[str]):
    """Closing a form with changes: save them, discard them, or keep editing."""

    CSS = (
        """
    LeaveScreen {
        align: center middle;
    }
    """
        + DIALOG_CSS
    )

    BINDINGS = [
        Binding("s", "choose('save')", "Save", id="leave.save"),
        Binding("d", "choose('discard')", "Discard", id="leave.discard"),
        Binding("escape,k", "choose('keep')", "Keep editing", id="leave.keep"),
    ]

    def __init__(self, edited: str) -> None:
        super().__init__()
        self._edited = edited

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"You changed {self._edited}. Save before closing?", classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (s)", variant="primary", id="save")
                yield Button("Discard (d)", variant="error", id="discard")
                yield Button("Keep editing (esc)", id="keep")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#keep", Button))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "keep")
