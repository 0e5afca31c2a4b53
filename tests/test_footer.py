"""The key footer: rebuilt only when its keys change, and never stale."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets._footer import FooterKey

from ps_tui.widgets.footer import KeyFooter
from tests.apps import burst, demo_app, settle


def shown_keys(app: object) -> list[str]:
    return [key.key for key in app.screen.query_one(KeyFooter).query(FooterKey)]  # type: ignore[attr-defined]


def expected_keys(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    keys = [binding.key for (_, binding, _, _) in screen.active_bindings.values() if binding.show]
    return [*dict.fromkeys(keys)]


async def test_the_footer_follows_focus_with_fewer_rebuilds(monkeypatch: pytest.MonkeyPatch) -> None:
    rebuilds: list[int] = []
    original = KeyFooter.recompose

    async def counted(self: KeyFooter) -> None:
        rebuilds.append(1)
        await original(self)

    monkeypatch.setattr(KeyFooter, "recompose", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Mounted, resumed and focused: Textual's footer rebuilt three times;
        # this one is composed with its keys, and they stay the same.
        assert len(rebuilds) == 0
        assert shown_keys(app)[: len(expected_keys(app))] == expected_keys(app)
        await pilot.press("2")
        await settle(pilot)
        on_table = shown_keys(app)
        assert "s" in on_table  # sort, shown while the table has focus
        before = len(rebuilds)
        await pilot.press("down", "down", "up")  # the same keys apply: no rebuild
        await settle(pilot)
        assert len(rebuilds) == before
        await pilot.press("slash")  # focus moves to the filter box
        await settle(pilot)
        in_filter = shown_keys(app)
        assert in_filter != on_table
        assert in_filter[: len(expected_keys(app))] == expected_keys(app)
        await pilot.press("escape")  # and back to the table
        await settle(pilot)
        assert shown_keys(app) == on_table


@pytest.mark.parametrize(("key", "screen"), [("2", "ImplementationsScreen"), ("3", "OfferingsScreen")])
async def test_a_screen_switch_as_the_window_gains_focus_keeps_the_app_running(key: str, screen: str) -> None:
    # A terminal (or the browser page of `ps-tui web`) reports focus, and the
    # next key arrives at once: the dashboard's footer, rebuilt for the
    # focus, read its keys after the next screen was shown, and asking that
    # half-mounted screen about its keys stopped the app.
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.AppBlur())
        await settle(pilot)
        app.post_message(events.AppFocus())
        burst(app, key)
        await settle(pilot)
        assert app.return_code is None
        assert type(app.screen).__name__ == screen
        assert shown_keys(app)[: len(expected_keys(app))] == expected_keys(app)
        await pilot.press("1")  # and the dashboard's footer is current when it is back
        await settle(pilot)
        assert shown_keys(app)[: len(expected_keys(app))] == expected_keys(app)
