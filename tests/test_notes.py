"""Notes span lines: typed in a text area in the form, or written in the
user's editor ($VISUAL, else $EDITOR) while the app is suspended; saved as
they were written, and shown in the detail view as text (stored text is
hostile: never read as markup)."""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec
import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static, TextArea

from ps_tui.core.model import Implementation, Status
from ps_tui.data import default_store
from ps_tui.editor import EditorFailed, edit_text, find_editor
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.form import FormScreen
from ps_tui.store.file import FileStore
from tests.apps import demo_app, settle
from tests.conftest import TODAY

FROM_THE_EDITOR = "Kickoff went well.\nNext: VPN access [b]by Friday[/b]."

#: A stand-in editor: records the text it was given, then writes known text.
STUB = """
import sys
from pathlib import Path
path = Path(sys.argv[-1])
Path(sys.argv[1]).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
path.write_text({text!r} + "\\n", encoding="utf-8")
sys.exit({status})
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def first_active(path: Path) -> Implementation:
    return next(i for i in FileStore(path).read().implementations if i.status is Status.ACTIVE and i.notes)


def stored(path: Path, impl_id: str) -> Implementation:
    return next(i for i in FileStore(path).read().implementations if i.id == impl_id)


def stub_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int = 0) -> Path:
    """Set $EDITOR to the stub; the file it records what it was given in."""
    script = tmp_path / "stub_editor.py"
    script.write_text(STUB.format(text=FROM_THE_EDITOR, status=status), encoding="utf-8")
    given = tmp_path / "given.txt"
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script} {given}")
    return given


@pytest.fixture
def suspendable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The test terminal can be handed over, as a real one can: what the app
    asked of it, in order."""
    asked: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    monkeypatch.setattr(HeadlessDriver, "suspend_application_mode", lambda self: asked.append("suspend"))
    monkeypatch.setattr(HeadlessDriver, "resume_application_mode", lambda self: asked.append("resume"))
    return asked


async def open_form(pilot, impl: Implementation) -> FormScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.app.push_screen(FormScreen(impl))
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


async def test_notes_are_typed_over_several_lines_without_an_editor(path: Path) -> None:
    impl = first_active(path)
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        area = form.query_one("#field-notes", TextArea)
        assert not area.read_only
        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        await pilot.press("enter", *"Second line.", "enter", *"Third.")
        await settle(pilot)
        assert area.text == impl.notes + "\nSecond line.\nThird."
        await pilot.press("tab")  # tab leaves the notes
        await settle(pilot)
        assert app.focused is not area
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    assert stored(path, impl.id).notes == impl.notes + "\nSecond line.\nThird."
    assert 'notes = """\n' in path.read_text(encoding="utf-8")


async def test_notes_are_written_in_the_editor_when_one_is_set(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: list[str]
) -> None:
    given = stub_editor(tmp_path, monkeypatch)
    impl = first_active(path)
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        area = form.query_one("#field-notes", TextArea)
        assert area.read_only  # written in the editor, not here
        area.focus()
        await pilot.pause()
        await pilot.press("x")  # typing does nothing
        await pilot.press("enter")
        await settle(pilot)
        assert suspendable == ["suspend", "resume"]
        assert given.read_text(encoding="utf-8") == impl.notes + "\n"
        assert area.text == FROM_THE_EDITOR  # the editor's final line end dropped
        assert form.edited() == ["notes"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    assert stored(path, impl.id).notes == FROM_THE_EDITOR


async def test_an_editor_that_fails_leaves_the_notes_as_they_were(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: list[str]
) -> None:
    stub_editor(tmp_path, monkeypatch, status=3)
    impl = first_active(path)
    app = demo_app(store=path)
    said: list[str] = []
    async with app.run_test(size=(100, 40)) as pilot:
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        form = await open_form(pilot, impl)
        area = form.query_one("#field-notes", TextArea)
        area.focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert suspendable == ["suspend", "resume"]
        assert area.text == impl.notes
        assert any("exited with status 3" in message for message in said), said
        assert app.screen is form


async def test_without_a_terminal_to_hand_over_the_notes_are_typed_here(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_editor(tmp_path, monkeypatch)
    impl = first_active(path)
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_form(pilot, impl)
        area = form.query_one("#field-notes", TextArea)
        area.focus()
        await pilot.pause()
        await pilot.press("enter")  # the test terminal cannot be suspended
        await settle(pilot)
        assert not area.read_only and area.text == impl.notes
        await pilot.press("end", *" More.")
        await settle(pilot)
        assert area.text.endswith(" More.")


async def test_the_detail_view_shows_notes_line_by_line_as_text(path: Path) -> None:
    impl = first_active(path)
    hostile = "[b]not bold[/b] [link=https://example.com]x[/link]\nSecond line"
    store = FileStore(path)
    store.read()
    store.save_implementation_sync(msgspec.structs.replace(impl, notes=hostile))
    app = demo_app(store=path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(impl.id))
        await settle(pilot)
        shown = app.screen.query_one("#detail-notes", Static)
        assert str(shown.render()) == hostile


def test_the_editor_is_visual_then_editor_split_as_a_shell_would() -> None:
    assert find_editor({}) is None
    assert find_editor({"EDITOR": "  "}) is None
    assert find_editor({"EDITOR": "vim"}) == ["vim"]
    assert find_editor({"EDITOR": "vim", "VISUAL": "code --wait"}) == ["code", "--wait"]
    assert find_editor({"EDITOR": "'/opt/My Editor/edit' -n"}) == ["/opt/My Editor/edit", "-n"]
    assert find_editor({"VISUAL": "'unbalanced", "EDITOR": "nano"}) == ["nano"]


def test_edit_text_hands_back_the_text_or_says_why_not(tmp_path: Path) -> None:
    keep = tmp_path / "keep.py"
    keep.write_text("", encoding="utf-8")
    # An editor that changes nothing gives the text back exactly, final line end or not.
    assert edit_text("one\ntwo\n", [sys.executable, str(keep)]) == "one\ntwo\n"
    assert edit_text("one", [sys.executable, str(keep)]) == "one"
    crlf = tmp_path / "crlf.py"
    crlf.write_text(
        "import sys\nopen(sys.argv[-1], 'w', newline='').write('a\\r\\nb\\r\\n\\r\\n')\n", encoding="utf-8"
    )
    assert edit_text("x", [sys.executable, str(crlf)]) == "a\nb"
    with pytest.raises(EditorFailed, match="could not start"):
        edit_text("x", [str(tmp_path / "no-such-editor")])
