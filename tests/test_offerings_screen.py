"""The Offerings screen driven by keys: the lookup bar, the matrix, copy."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ps_tui.app import PsApp
from ps_tui.core.model import StoreFile
from ps_tui.core.offerings import CustomerIndex, customers_from_implementations, lookup, parse_lookup
from ps_tui.data import default_store
from ps_tui.screens.offerings import OfferingsScreen
from ps_tui.store.file import FileStore
from ps_tui.widgets.offering_matrix import OfferingMatrix
from tests.apps import demo_app, open_screen, settle
from tests.conftest import TODAY


async def open_offerings(pilot: Pilot[None]) -> OfferingsScreen:
    return await open_screen(pilot, "3", OfferingsScreen)


def text_of(screen: OfferingsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def bar(screen: OfferingsScreen) -> Input:
    return screen.query_one("#lookup", Input)


def expected(app: PsApp, text: str) -> dict[str, object]:
    """What core says for `text` on the app's data (the screen must agree)."""
    assert app.portfolio is not None
    data = app.portfolio.data
    index = CustomerIndex(customers_from_implementations(data.implementations))
    return lookup(parse_lookup(text, data).input, data, index).to_json()


async def test_from_launch_3_then_a_name_shows_the_full_answer() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", *"initech")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OfferingsScreen)
        assert screen.focused is bar(screen)
        assert bar(screen).value == "initech"
        answer = screen.answer
        assert answer is not None and answer.customer is not None
        assert answer.customer.name == "Initech"
        assert answer.to_json() == expected(app, "initech")
        # Every part of the answer is on screen.
        assert "Initech" in text_of(screen, "#answer-customer")
        assert text_of(screen, "#answer-segment").startswith("Enterprise · Initech is stored as Enterprise")
        assert "Managed Services" in text_of(screen, "#answer-buy")
        assert "Resident Architect" in text_of(screen, "#answer-not")
        discount = text_of(screen, "#answer-discount")
        assert answer.discount.label in discount and answer.discount.rule in discount
        assert screen.query_one(OfferingMatrix).highlight == "enterprise"


async def test_the_answer_follows_each_keystroke() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"1200")
        await pilot.pause()
        assert screen.answer is None
        assert "a developer count or an ARR?" in text_of(screen, "#lookup-problems")
        assert screen.query_one("#lookup-problems").display
        await pilot.press("space", "d")
        await pilot.pause()
        assert screen.answer is not None and screen.answer.segment.id == "enterprise"
        assert not screen.query_one("#lookup-problems").display
        assert text_of(screen, "#answer-segment") == "Enterprise · 1,200 developers -> Enterprise (501-2,500)"
        assert screen.answer.discount.label == "Depends on the ARR"
        await pilot.press(*"evs 150k")
        await pilot.pause()
        assert screen.answer.discount.status.value == "available"
        assert "Any discount is subject to approval" in text_of(screen, "#answer-approval")
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"90k")
        await pilot.pause()
        assert screen.answer.discount.status.value == "unavailable"
        assert screen.answer.discount.rule == "Enterprise at or below $100k ARR"
        assert not screen.query_one("#answer-approval").display


async def test_conflicting_input_is_shown() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"pollos 1200 devs")
        await pilot.pause()
        answer = screen.answer
        assert answer is not None and answer.conflicts
        assert answer.segment.name == "Enterprise"  # the typed count wins
        notes = text_of(screen, "#answer-notes")
        assert "⚠ Conflict: Los Pollos Hermanos is stored as Mid-market" in notes
        assert "the answer uses the developer count given" in notes
        assert answer.to_json() == expected(app, "pollos 1200 devs")


async def test_unknown_customer_is_a_problem_and_the_rest_still_answers() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"zzqx")
        await pilot.pause()
        assert screen.answer is None
        assert "no customer matches 'zzqx'" in text_of(screen, "#answer-message")
        await pilot.press(*" strat")
        await pilot.pause()
        assert screen.answer is not None and screen.answer.segment.id == "strategic"
        assert "no customer matches 'zzqx'" in text_of(screen, "#lookup-problems")


async def test_matrix_keys_pick_a_segment_and_read_offerings() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"initech")
        await pilot.press("tab")
        await pilot.pause()
        matrix = screen.query_one(OfferingMatrix)
        assert screen.focused is matrix
        assert matrix.current_segment_id == "enterprise"  # the cursor starts on the answer
        await pilot.press("right")
        await pilot.pause()
        assert bar(screen).value == "initech strategic"
        assert screen.answer is not None and screen.answer.segment.id == "strategic"
        assert matrix.highlight == "strategic"
        assert "Conflict: Initech is stored as Enterprise" in text_of(screen, "#answer-notes")
        await pilot.press("left", "left")
        await pilot.pause()
        assert bar(screen).value == "initech mm"
        assert screen.answer.segment.id == "mm"
        await pilot.press("down", "down")
        await pilot.pause()
        assert matrix.current_offering_id == "managed_services"
        description = text_of(screen, "#offering-description")
        assert "We run the instance for the customer." in description
        assert "✗ Mid-market may not buy it" in description
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is bar(screen)
        assert "tab: ←→ pick a segment" in text_of(screen, "#offering-description")


async def test_y_copies_the_answer_and_says_so() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"weyland", "tab", "y")
        await pilot.pause()
        assert screen.answer is not None
        assert app.clipboard == screen.answer.to_text()
        assert app.clipboard.startswith("Weyland-Yutani: Strategic (")
        assert "Implementation Services is mandatory for Weyland-Yutani" in app.clipboard
        notes = list(app._notifications)
        assert notes[-1].title == "Answer copied to the clipboard"


async def test_ctrl_y_copies_from_the_bar_where_y_is_a_letter() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"ent 150k y")
        await pilot.pause()
        assert bar(screen).value == "ent 150k y"  # y typed, not copied
        assert app.clipboard == ""
        await pilot.press("backspace", "ctrl+y")
        await pilot.pause()
        assert screen.answer is not None
        assert app.clipboard == screen.answer.to_text()


async def test_nothing_to_copy_warns() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_offerings(pilot)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.clipboard == ""
        last = list(app._notifications)[-1]
        assert last.severity == "warning" and "Nothing to copy" in last.message


async def test_escape_clears_then_leaves_and_slash_comes_back() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"initech", "escape")
        await pilot.pause()
        assert bar(screen).value == "" and screen.answer is None
        assert screen.focused is bar(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is screen.query_one(OfferingMatrix)
        # Out of the bar, the number keys switch screens and / comes back.
        await pilot.press("slash", *"mm")
        await pilot.pause()
        assert bar(screen).value == "mm"
        await pilot.press("escape", "escape", "4")
        await pilot.pause()
        assert app.current_mode == "team"


async def test_coming_back_selects_the_last_lookup_so_typing_replaces_it() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"initech", "tab", "1")
        await pilot.pause()
        assert app.current_mode == "dashboard"
        await pilot.press("3")
        await settle(pilot)
        assert screen.focused is bar(screen)
        assert screen.answer is not None and screen.answer.customer is not None  # still shown
        await pilot.press(*"globex")
        await pilot.pause()
        assert bar(screen).value == "globex"
        assert screen.answer is not None and screen.answer.customer is not None
        assert screen.answer.customer.name == "Globex Corporation"


async def test_related_rules_mark_the_deciding_rule() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"ent 150k")
        await pilot.pause()
        rules = text_of(screen, "#related-discounts").splitlines()
        marked = [line for line in rules if line.startswith("▸")]
        assert len(marked) == 1 and "Enterprise" in marked[0] and "above $100k" in marked[0]
        assert any("otherwise" in line for line in rules)
        packages = text_of(screen, "#related-packages")
        assert "✓ Implementation Standard: 40 hours, 45-day timebox" in packages
        assert "✗ Resident Architect Standard: 260 hours per year" in packages
        assert "Implementation Services is mandatory for a self-hosted Kubernetes" in packages
        slack = text_of(screen, "#related-slack")
        assert "Implementation Services: Slack support for the duration of the implementation only." in slack


async def test_help_and_back_keeps_the_matrix_focused() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"ent", "tab", "question_mark")
        await settle(pilot)
        assert app.screen is not screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.focused is screen.query_one(OfferingMatrix)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def raise_threshold(data: StoreFile, to: int) -> StoreFile:
    rules = [
        msgspec.structs.replace(rule, arr_above=to) if rule.arr_above is not None else rule
        for rule in data.discounts.rules
    ]
    return msgspec.structs.replace(data, discounts=msgspec.structs.replace(data.discounts, rules=rules))


async def test_a_rule_changed_in_the_store_changes_the_answer_on_reload(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"ent 150k")
        await pilot.pause()
        assert screen.answer is not None and screen.answer.discount.status.value == "available"
        store = FileStore(store_path)
        store.write(raise_threshold(store.read(), 200_000))
        await pilot.press("tab", "ctrl+r")
        await settle(pilot)
        assert screen.answer is not None and screen.answer.discount.status.value == "unavailable"


async def test_slash_from_the_matrix_puts_the_cursor_at_the_end_of_the_lookup() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_offerings(pilot)
        await pilot.press(*"ini", "tab")
        await pilot.pause()
        assert screen.focused is screen.query_one(OfferingMatrix)
        await pilot.press("slash", *"tech")
        await pilot.pause()
        assert bar(screen).value == "initech"
