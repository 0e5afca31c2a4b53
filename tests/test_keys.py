"""Keys typed in a burst land where the keys before them left the focus.

A terminal delivers fast typing, a paste of several keys or `tmux send-keys` as
one burst of key events; each must reach the widget focused once the previous
key has had its effect (Tab, a key that opens a form or a screen)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from ps_tui.screens.form import FormScreen
from ps_tui.screens.implementations import ImplementationsScreen
from tests.apps import burst, demo_app, settle
from tests.conftest import TODAY


def field(form: FormScreen, name: str) -> str:
    return form.query_one(f"#field-{name}", Input).value


async def new_form(pilot: Pilot[None]) -> FormScreen:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


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
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
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
