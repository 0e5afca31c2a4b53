"""Keys typed in a burst land where the keys before them left the focus.

A terminal delivers fast typing, a paste of several keys or `tmux send-keys` as
one burst of key events; each must reach the widget focused once the previous
key has had its effect (Tab, a key that opens a form or a screen)."""

from __future__ import annotations

from textual import events
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.widgets import Input

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.keys import read_esc_digit_as_esc, split_alt
from ps_tui.screens.form import FormScreen
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.screens.team import TeamScreen
from ps_tui.session import open_store
from tests.apps import burst, demo_app, open_list, open_screen, settle
from tests.conftest import TODAY


def field(form: FormScreen, name: str) -> str:
    return form.query_one(f"#field-{name}", Input).value


async def new_form(pilot: Pilot[None]) -> FormScreen:
    await open_list(pilot)
    return await open_screen(pilot, "n", FormScreen)


async def test_keys_typed_after_tab_go_to_the_next_field() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_form(pilot)
        burst(app, *"Acme", "space", *"Test", "tab", *"1200")
        await settle(pilot)
        assert field(form, "customer") == "Acme Test"
        assert field(form, "developers") == "1200"


async def test_tab_and_a_digit_sent_at_once() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_form(pilot)
        burst(app, *"Initech", "tab", "9")
        await settle(pilot)
        burst(app, "shift+tab", "end", "X", "tab", "end", "9")
        await settle(pilot)
        assert field(form, "customer") == "InitechX"
        assert field(form, "developers") == "99"


async def test_a_paste_after_tab_goes_to_the_next_field() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await new_form(pilot)
        burst(app, *"Acme", "tab", paste="1200")
        await settle(pilot)
        assert field(form, "customer") == "Acme"
        assert field(form, "developers") == "1200"


async def test_keys_typed_right_after_n_go_to_the_new_form() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        burst(app, "n", *"Acme")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert field(form, "customer") == "Acme"


async def test_keys_typed_right_after_a_screen_switch_go_to_that_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "2", "slash", *"acme")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        assert screen.query_one("#filter", Input).value == "acme"


async def test_an_answer_typed_right_after_the_key_that_asks_reaches_the_dialog() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = screen.selected()
        assert target is not None
        # Close as completed today (the default date), keeping its open risks open.
        burst(app, "x", "enter", "n")
        await settle(pilot)
        assert app.screen is screen
        assert app.portfolio is not None
        assert app.portfolio.by_id[target.id].production_ready == TODAY
        doomed = screen.selected()
        assert doomed is not None
        burst(app, "d", "y")
        await settle(pilot)
        assert doomed.id not in app.portfolio.by_id


def typed(data: str) -> list[events.Key]:
    """The keys Textual's own terminal parser reads from `data`, arriving in
    one read (as esc then `j j` typed quickly does)."""
    parser = XTermParser()
    tokens = [*parser.feed(data), *parser.feed("")]
    return [token for token in tokens if isinstance(token, events.Key)]


def test_esc_then_a_key_in_one_read_is_alt_to_the_parser() -> None:
    # What the split below undoes: Textual reads "\x1bj" as Alt+j, and
    # (for WezTerm on macOS) "\x1b2" as "™" unless told otherwise.
    assert [key.key for key in typed("\x1bjj")] == ["alt+j", "j"]
    read_esc_digit_as_esc()
    assert [(key.key, key.character) for key in typed("\x1b2")] == [("alt+2", "2")]


def test_split_alt() -> None:
    assert [(k.key, k.character) for k in split_alt(events.Key("alt+j", "j")) or ()] == [
        ("escape", "\x1b"),
        ("j", "j"),
    ]
    assert [k.key for k in split_alt(events.Key("alt+shift+j", "J")) or ()] == ["escape", "J"]
    assert [k.key for k in split_alt(events.Key("alt+slash", "/")) or ()] == ["escape", "slash"]
    assert split_alt(events.Key("alt+ctrl+j", "j")) is None
    assert split_alt(events.Key("alt+delete", None)) is None
    assert split_alt(events.Key("j", "j")) is None


async def test_esc_and_keys_typed_at_once_leave_the_filter_and_move() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "A")
        await settle(pilot)
        burst(app, "slash", *"co")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        box = screen.query_one("#filter", Input)
        assert box.value == "co" and box.has_focus
        for key in typed("\x1bjj"):
            app.post_message(key)
        await settle(pilot)
        assert box.value == ""
        assert screen.table.has_focus
        assert screen.table.cursor_row == 2


async def test_esc_and_a_key_at_once_close_a_dialog_then_act_on_the_screen() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen.id != "implementations"
        for key in typed("\x1b2"):
            app.post_message(key)
        await settle(pilot)
        assert isinstance(app.screen, ImplementationsScreen)


async def test_an_alt_key_bound_in_the_keymap_stays_alt() -> None:
    app = PsApp(open_store(Settings(today=TODAY)), Settings(today=TODAY), keymap={"go.team": "alt+t"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in typed("\x1bt"):
            app.post_message(key)
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
