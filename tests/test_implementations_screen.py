"""The Implementations screen driven by keys, each change checked on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static, TextArea

from ps_tui.app import PsApp
from ps_tui.config import Settings
from ps_tui.core.health import Health
from ps_tui.core.listing import Row, Scope
from ps_tui.core.model import Status, StoreFile
from ps_tui.data import default_store, reference_store
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.dialogs import ConfirmScreen, DateScreen
from ps_tui.screens.form import FormScreen
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.store.file import FileStore
from tests.apps import burst, demo_app, open_list, settle
from tests.conftest import TODAY


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(TODAY))
    return path


def on_disk(path: Path) -> StoreFile:
    return FileStore(path).read()


async def open_form(pilot: Pilot[None], key: str = "e") -> FormScreen:
    """The Implementations screen, then the form `key` opens on its first row."""
    await open_list(pilot)
    await pilot.press(key)
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    return form


def shown(screen: ImplementationsScreen) -> list[Row]:
    return list(screen.table.rows)


def count_text(screen: ImplementationsScreen) -> str:
    return str(screen.query_one("#row-count", Static).render())


async def test_default_view_is_active_worst_health_first() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        rows = shown(screen)
        assert rows and all(r.status is Status.ACTIVE for r in rows)
        ranks = [r.health.rank for r in rows]
        assert ranks == sorted(ranks)
        assert rows[0].health is Health.OVERDUE
        total = len(app.portfolio.data.implementations) if app.portfolio else 0
        assert count_text(screen).startswith(f"{len(rows)} / {total}")


async def test_the_fuzzy_index_is_built_once_the_rows_are_shown_and_survives_a_sort() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        index = screen._index
        assert index is not None and len(index) == len(screen._rows)
        await pilot.press("s")
        await settle(pilot)
        # Built from the rows in store order: a sort does not need another.
        assert screen.sort_key == "customer" and screen._index is index
        await pilot.press("slash", *"zorg")
        await pilot.pause()
        assert [r.customer for r in shown(screen)] == ["Zorg Manufacturing"]


async def test_free_text_builds_the_fuzzy_index_when_it_is_missing() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        screen.filter_to("zorg", screen.scope)
        assert screen._index is not None
        assert [r.customer for r in shown(screen)] == ["Zorg Manufacturing"]


async def test_filter_narrows_on_each_keystroke_and_escape_clears() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        everyone = len(shown(screen))
        await pilot.press("slash", *"seg:ent")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        narrowed = shown(screen)
        assert 0 < len(narrowed) < everyone
        assert {r.segment_id for r in narrowed} == {"enterprise"}
        await pilot.press("space", *"zorg")
        await pilot.pause()
        assert [r.customer for r in shown(screen)] == ["Zorg Manufacturing"]
        assert count_text(screen).startswith("1 / ")
        await pilot.press("escape")
        await pilot.pause()
        assert len(shown(screen)) == everyone
        assert screen.query_one("#filter", Input).value == ""


def expected_rows(screen: ImplementationsScreen, text: str) -> list[Row]:
    """The rows `text` keeps in the screen's scope and sort, found afresh."""
    from ps_tui.core.listing import scope_positions
    from ps_tui.core.query import filter_rows, parse_query

    rows = screen._rows
    assert app_data(screen) is not None
    kept = set(filter_rows(rows, parse_query(text, app_data(screen)), screen._index))
    kept &= set(scope_positions(rows, range(len(rows)), screen.scope, None))
    return [rows[p] for p in screen._order if p in kept]


def app_data(screen: ImplementationsScreen) -> StoreFile:
    portfolio = screen._portfolio
    assert portfolio is not None
    return portfolio.data


async def test_a_narrower_filter_keeps_the_sort_and_is_picked_from_the_rows_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ps_tui.core import listing

    sorted_again: list[int] = []
    in_order = listing.in_order

    def counted(order, where, positions, chunk=listing.CHUNK):  # type: ignore[no-untyped-def]
        sorted_again.append(len(positions))
        return in_order(order, where, positions, chunk)

    monkeypatch.setattr(listing, "in_order", counted)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("A", "s")  # every row, by customer: an order unlike the store's
        await settle(pilot)
        await pilot.press("slash", "o")
        await settle(pilot)
        assert shown(screen) == expected_rows(screen, "o")
        sorted_again.clear()
        for typed in ("or", "orp"):
            await pilot.press(typed[-1])
            await settle(pilot)
            assert shown(screen) == expected_rows(screen, typed)
            assert shown(screen)
        # Each letter narrowed the rows shown: none was sorted again.
        assert sorted_again == []
        # A filter that is not narrower is put in order afresh.
        screen.filter_to("glob", screen.scope)
        await settle(pilot)
        assert [r.customer for r in shown(screen)] == ["Globex Corporation"]
        assert shown(screen) == expected_rows(screen, "glob")
        await pilot.press("slash", *["backspace"] * 2)
        await settle(pilot)
        assert shown(screen) == expected_rows(screen, "gl") and len(shown(screen)) > 1


@pytest.mark.parametrize("scope", ["A", "a"])
async def test_one_more_letter_flags_the_rows_shown_without_listing_every_match(
    monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    from bench.generate import generate
    from ps_tui.core import listing
    from ps_tui.core.query import FuzzyIndex
    from ps_tui.store.memory import MemoryStore

    listed: list[str] = []
    searching, refined = FuzzyIndex.searching, listing.refined

    def counted_search(self, text, chunk=listing.CHUNK):  # type: ignore[no-untyped-def]
        listed.append(f"search {text}")
        return searching(self, text, chunk)

    def counted_refined(shown, positions, chunk=listing.CHUNK):  # type: ignore[no-untyped-def]
        listed.append("refined")
        return refined(shown, positions, chunk)

    monkeypatch.setattr(FuzzyIndex, "searching", counted_search)
    monkeypatch.setattr(listing, "refined", counted_refined)
    # Notes repeat across many rows ("weekly deployment sync on tuesdays."):
    # a search flags rows, not lists them.
    app = PsApp(MemoryStore(generate(3_000, today=TODAY), location="generated"), Settings(today=TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press(scope, "s")  # an order unlike the store's
        await settle(pilot)
        texts = ("we", "wee", "week", "status:active week", "status:active weekl", "weekl", "weekly")
        # Customers only: a search that finds its rows as positions.
        for text in (*texts, "glob", "globe", "globex"):
            listed.clear()
            screen.filter_to(text, screen.scope)
            await settle(pilot)
            done = list(listed)  # before the check below searches too
            assert shown(screen) == expected_rows(screen, text), text
            if text in ("we", "wee", "week", "status:active weekl", "weekly", "globe", "globex"):
                # One more letter (the first after none): flagged among the rows shown.
                assert done == [], text
            else:
                # Other tokens, or fewer (wider): searched afresh.
                assert done and done[0] == f"search {text.split()[-1]}", text
        assert shown(screen)


async def test_the_count_line_lays_the_bar_out_again_only_when_its_width_changes() -> None:
    from tests.test_vtable_drawing import counting_reflows

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        screen._set_count("24,454 / 100,000 · all")
        await pilot.pause()
        reflows = counting_reflows(app)
        screen._set_count("18,247 / 100,000 · all")
        await pilot.pause()
        assert reflows == [] and count_text(screen) == "18,247 / 100,000 · all"
        screen._set_count("7 / 100,000 · all · view [b]mine[/b]")
        await pilot.pause()
        assert reflows and count_text(screen) == "7 / 100,000 · all · view [b]mine[/b]"


async def test_unknown_filter_token_says_what_is_wrong() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("slash", *"colour:red")
        await pilot.pause()
        error = screen.query_one("#filter-error", Static)
        assert error.display
        assert "unknown filter 'colour:'" in str(error.render())


async def test_typed_key_by_key_the_filter_keeps_the_last_complete_tokens() -> None:
    good, bad = "owner:louis health:at-risk", " seg:bogus"
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("A", "slash", *good)
        await settle(pilot)
        wanted = {row.id for row in shown(screen)}
        assert wanted and len(wanted) < len(screen._rows)
        for key in bad:  # each step: 's', 'se', 'seg' (free text), 'seg:' ... 'seg:bogus'
            await pilot.press(key)
        await settle(pilot)
        box = screen.query_one("#filter", Input)
        assert box.value == good + bad
        assert {row.id for row in shown(screen)} == wanted
        error = str(screen.query_one("#filter-error", Static).render())
        assert "unknown segment 'bogus'" in error and f"filtering on: {good}" in error
        # The word at fault is marked in the box.
        assert screen._bad_word.span == (len(good) + 1, len(good + bad))
        marked = box.highlighter(box.value) if box.highlighter else None
        assert marked is not None and marked.spans and marked.spans[0].start == len(good) + 1
        # A paste of the same text filters the same way.
        box.value = ""
        await settle(pilot)
        box.value = good + bad
        await settle(pilot)
        assert {row.id for row in shown(screen)} == wanted
        # Fixed, the mark goes.
        box.value = good + " seg:ent"
        await settle(pilot)
        assert screen._bad_word.span is None
        assert not screen.query_one("#filter-error", Static).display


async def test_a_half_typed_token_filters_on_what_comes_before_it() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("A", "slash", *"owner:louis")
        await settle(pilot)
        louis = {row.id for row in shown(screen)}
        await pilot.press(*" health:")
        await settle(pilot)
        assert {row.id for row in shown(screen)} == louis
        await pilot.press(*"at")
        await settle(pilot)
        assert {row.id for row in shown(screen)} == louis


async def test_quick_scopes() -> None:
    app = demo_app(me="Louis Jarvis")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert shown(screen) and {r.status for r in shown(screen)} == {Status.COMPLETED}
        await pilot.press("r")
        await pilot.pause()
        assert shown(screen) and {r.health for r in shown(screen)} <= {Health.AT_RISK, Health.OVERDUE}
        await pilot.press("m")
        await pilot.pause()
        assert shown(screen) and all("Louis Jarvis" in (r.owner, r.project_manager) for r in shown(screen))
        await pilot.press("A")
        await pilot.pause()
        assert len(shown(screen)) == len(app.portfolio.data.implementations) if app.portfolio else False


async def test_sort_cycles_reverses_and_header_click_sorts() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort_key == "customer"
        names = [r.customer.casefold() for r in shown(screen)]
        assert names == sorted(names)
        await pilot.press("S")
        await pilot.pause()
        assert [r.customer.casefold() for r in shown(screen)] == sorted(names, reverse=True)
        # Click the ARR header: sorted by ARR ascending.
        x = screen.table.column_x("arr")
        assert x is not None
        await pilot.click("#table", offset=(x + 2, 0))
        await pilot.pause()
        assert screen.sort_key == "arr"
        arrs = [r.arr for r in shown(screen)]
        assert arrs == sorted(arrs)


async def test_enter_opens_detail_with_timeline() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_list(pilot)
        first = shown(screen)[0]
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert first.customer in str(detail.query_one("#detail-title", Static).render())
        timeline = detail.query_one("#timeline", DataTable)
        assert timeline.row_count == 6
        assert "late" in " ".join(str(c) for i in range(6) for c in timeline.get_row_at(i))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def fill(pilot: Pilot[None], field: str, text: str) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    box = form.query_one(f"#field-{field}")
    if isinstance(box, TextArea):
        box.load_text(text)
    else:
        form.query_one(f"#field-{field}", Input).value = text
    await pilot.pause()


async def test_create_persists_with_derived_segment(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        await fill(pilot, "customer", "Contoso Pharma")
        await fill(pilot, "developers", "1,200")
        await fill(pilot, "arr", "$1.2M")
        await fill(pilot, "kickoff", TODAY.isoformat())
        form.query_one("#field-status", Select).value = "active"
        form.query_one("#field-ie_owner", Select).value = "Marc LeBlanc"
        await pilot.pause()
        assert not form.query_one("#save").disabled, form.result.errors if form.result else None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        saved = [i for i in on_disk(store_path).implementations if i.customer == "Contoso Pharma"]
        assert len(saved) == 1
        assert saved[0].segment == "enterprise" and saved[0].arr == 1_200_000
        assert "Contoso Pharma" in [r.customer for r in shown(screen)]


async def test_a_new_planned_implementation_is_shown_and_highlighted_after_saving(store_path: Path) -> None:
    # Planned by default, so outside the Active scope the list opens on.
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("slash", *"Initech", "enter")
        await settle(pilot)
        assert screen.scope is Scope.ACTIVE
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Contoso Pharma", "tab", *"1200")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        selected = screen.selected()
        assert selected is not None and selected.customer == "Contoso Pharma"
        assert selected.status is Status.PLANNED
        assert screen.scope is Scope.ALL and screen.query_one("#filter", Input).value == ""
        assert app.focused is screen.table
        told = " ".join(said)
        assert "planned" in told and "showing all" in told and "filter" in told, said
        assert "· all" in str(screen.query_one("#row-count", Static).render())


async def test_an_edit_that_stays_in_view_changes_neither_filter_nor_scope(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("down", "down")
        target = screen.selected()
        assert target is not None
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, "notes", "edited")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.scope is Scope.ACTIVE
        assert screen.selected() is not None and screen.selected().id == target.id  # type: ignore[union-attr]
        assert not [message for message in said if "showing all" in message]


async def test_an_empty_store_says_how_to_add_the_first_implementation(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(reference_store())
    app = demo_app(store=path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        first = "".join(segment.text for segment in screen.table.render_line(1))
        assert "No implementations yet: press n to add the first one" in first
        await pilot.press("slash", *"zzz")
        await settle(pilot)
        assert screen.table.empty_text == "No implementations yet: press n to add the first one"


async def test_invalid_input_blocks_save_and_nothing_is_written(store_path: Path) -> None:
    before = store_path.read_bytes()
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await fill(pilot, "arr", "lots")
        await fill(pilot, "kickoff", "2026-02-30")
        assert form.query_one("#save").disabled
        assert "not an amount" in str(form.query_one("#error-arr", Static).render())
        assert "date" in str(form.query_one("#error-kickoff", Static).render())
        assert "ARR" in str(form.query_one("#form-reason", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
    assert store_path.read_bytes() == before


async def test_edit_updates_the_row_by_key_and_disk(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        rows_before = list(screen._sorted)
        target = shown(screen)[0]
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, "arr", "150k")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        edited = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        assert edited.arr == 150_000
        after = screen._sorted
        position = next(i for i, r in enumerate(after) if r.id == target.id)
        assert after[position].arr == 150_000
        # Every other row is the very same object: updated by key, not rebuilt.
        assert all(a is b for i, (a, b) in enumerate(zip(rows_before, after, strict=True)) if i != position)


async def test_advance_records_today(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        key = target.milestone_key
        await pilot.press("p", "enter")  # asks the date; enter takes today
        await settle(pilot)
        impl = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        done = next(m for m in impl.milestones if m.key == key)
        assert done.actual == TODAY


async def test_advance_asks_the_date_so_yesterday_is_recorded_as_yesterday(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        key = target.milestone_key
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DateScreen)
        box = dialog.query_one("#date", Input)
        assert box.value == TODAY.isoformat()
        box.value = (TODAY + dt.timedelta(days=5)).isoformat()
        await pilot.pause()
        assert "is in the future" in str(dialog.query_one("#date-error", Static).render())
        yesterday = TODAY - dt.timedelta(days=1)
        box.value = yesterday.isoformat()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        impl = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        done = next(m for m in impl.milestones if m.key == key)
        assert done.actual == yesterday


async def test_close_asks_for_the_date_and_completes(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, DateScreen)
        assert app.screen.query_one("#date", Input).value == TODAY.isoformat()
        await pilot.press("enter")
        await settle(pilot)
        # It has an open risk: asked whether to close it too; y does.
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        impl = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        assert impl.status is Status.COMPLETED and impl.production_ready == TODAY
        assert impl.risks and all(r.closed is not None for r in impl.risks)
        # It leaves the active view.
        assert target.id not in [r.id for r in shown(screen)]


async def test_delete_asks_first(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.id in {i.id for i in on_disk(store_path).implementations}
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert target.id not in {i.id for i in on_disk(store_path).implementations}
        assert target.id not in [r.id for r in shown(screen)]


async def test_failed_save_keeps_the_form_and_its_input(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await fill(pilot, "notes", "typed with care")
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        # Someone else changes the file meanwhile.
        store_path.write_text(store_path.read_text() + "\n# touched elsewhere\n")
        external = store_path.read_bytes()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert any(
            "changed on disk" in message and "still in the form" in message and "ctrl+r" in message
            for message in said
        )
        assert form.query_one("#field-notes", TextArea).text == "typed with care"
        assert not form.query_one("#save").disabled
        assert store_path.read_bytes() == external


async def test_slash_goes_back_to_the_filter_with_the_cursor_at_its_end() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("slash", *"seg:ent", "enter")
        await settle(pilot)
        assert app.focused is screen.table
        burst(app, "slash", "space", *"louis")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "seg:ent louis"


async def test_a_refused_advance_says_nothing_of_a_form(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        said: list[str] = []
        app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
        store_path.write_text(store_path.read_text() + "\n# touched elsewhere\n")
        await pilot.press("p")  # done today (the default answer)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        refusal = [message for message in said if "changed on disk" in message]
        assert refusal, said
        assert "nothing was saved" in refusal[0] and "ctrl+r" in refusal[0]
        assert "form" not in refusal[0]


async def test_keys_typed_in_a_burst_after_slash_and_escape_land_in_the_box() -> None:
    # A terminal delivers fast typing as one burst of key events; none may
    # reach the table (where "a" or "n" are commands) while focus moves.
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)

        def burst(*keys: str) -> None:
            for key in keys:
                app.post_message(events.Key(key, "/" if key == "slash" else (key if len(key) == 1 else None)))

        burst("slash", "a", "c", "m", "e")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "acme"
        burst("escape", "slash", "n", "o", "r", "t", "h")
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "north"
        assert app.screen is screen  # "n" did not open the new-implementation form


async def test_a_tui_edit_of_a_hand_written_store_changes_only_its_line(tmp_path: Path) -> None:
    """The golden file through the app: filter to one row, edit, ctrl+s."""
    from tests.test_surgical_save import FIXTURE, ORIGINAL, replaced

    path = tmp_path / "store.toml"
    path.write_bytes(FIXTURE.read_bytes())
    app = demo_app(store=path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("slash", *"initech", "enter")
        await settle(pilot)
        assert [r.id for r in shown(screen)] == ["IMP-0002"]
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, "customer", "Initech Corp")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    assert path.read_text(encoding="utf-8") == replaced(
        ORIGINAL, ("customer = 'Initech'\n", 'customer = "Initech Corp"\n')
    )


# --- dates: refused inline, at the boundary ---------------------------------------------------


def error_text(screen: Screen[object], name: str) -> str:
    return str(screen.query_one(f"#error-{name}", Static).render())


async def test_form_refuses_production_ready_after_tomorrow_and_keeps_the_text(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-status", Select).value = "completed"
        too_far = (TODAY + dt.timedelta(days=2)).isoformat()
        await fill(pilot, "production_ready", too_far)
        assert form.query_one("#save").disabled
        latest = TODAY + dt.timedelta(days=1)
        assert error_text(form, "production_ready") == (
            f"{too_far} is in the future (today is {TODAY}; at most {latest} is accepted)"
        )
        assert form.query_one("#field-production_ready", Input).value == too_far
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        # Tomorrow is within the day of grace.
        tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
        await fill(pilot, "production_ready", tomorrow)
        assert not form.query_one("#save").disabled, form.result.errors if form.result else None
        assert not form.query_one("#error-production_ready", Static).display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        saved = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        assert saved.production_ready == TODAY + dt.timedelta(days=1)


async def test_form_refuses_production_ready_while_active(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await fill(pilot, "production_ready", TODAY.isoformat())
        assert form.query_one("#save").disabled
        assert (
            error_text(form, "production_ready")
            == "must be empty while status is active (set it when completed)"
        )


async def test_form_kickoff_moves_the_kickoff_milestone(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = next(i for i in on_disk(store_path).implementations if i.id == shown(screen)[0].id)
        assert target.kickoff is not None
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        # A milestone already done on or after the new kickoff: fine.
        earlier = target.kickoff - dt.timedelta(days=1)
        await fill(pilot, "kickoff", earlier.isoformat())
        assert not form.query_one("#save").disabled, form.result.errors if form.result else None
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The kickoff moved: the save first offers to re-plan what is not done.
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        saved = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        assert saved.kickoff == saved.milestones[0].actual == earlier


async def test_form_refuses_a_kickoff_after_a_milestone_done(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        assert form.impl is not None
        done = [m for m in form.impl.milestones[1:] if m.actual is not None]
        assert done, "the first row has a milestone done after kickoff"
        first = min(m.actual for m in done if m.actual is not None)
        # The kickoff on the day of the first milestone done is fine, a day later is not.
        await fill(pilot, "kickoff", first.isoformat())
        assert not form.query_one("#save").disabled, form.result.errors if form.result else None
        later = first + dt.timedelta(days=1)
        await fill(pilot, "kickoff", later.isoformat())
        assert form.query_one("#save").disabled
        assert f"is before kickoff ({later})" in error_text(form, "kickoff")
        assert form.query_one("#field-kickoff", Input).value == later.isoformat()


async def test_close_refuses_a_date_after_tomorrow_and_records_go_live(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_list(pilot)
        target = shown(screen)[0]
        assert target.milestone != "Done"
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DateScreen)
        box = dialog.query_one("#date", Input)
        box.value = (TODAY + dt.timedelta(days=2)).isoformat()
        await pilot.pause()
        assert dialog.query_one("#ok").disabled
        assert "is in the future" in str(dialog.query_one("#date-error", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        tomorrow = TODAY + dt.timedelta(days=1)
        box.value = tomorrow.isoformat()
        await pilot.pause()
        assert not dialog.query_one("#ok").disabled
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # its open risk stays open
        await settle(pilot)
        impl = next(i for i in on_disk(store_path).implementations if i.id == target.id)
        assert impl.status is Status.COMPLETED and impl.production_ready == tomorrow
        assert any(r.closed is None for r in impl.risks)
        go_live = impl.milestone("go_live")
        assert go_live is not None and go_live.actual == tomorrow
        await pilot.press("c")  # the completed ones
        await pilot.pause()
        (row,) = [r for r in shown(screen) if r.id == target.id]
        assert row.milestone == "Done"


async def test_detail_shows_the_warnings(tmp_path: Path) -> None:
    store = default_store(TODAY)
    first = next(i for i in store.implementations if i.status is Status.ACTIVE)
    assert first.kickoff is not None
    odd = list(first.milestones)
    odd[0] = msgspec.structs.replace(odd[0], actual=first.kickoff + dt.timedelta(days=1))
    implementations = [
        msgspec.structs.replace(first, milestones=odd) if i is first else i for i in store.implementations
    ]
    path = tmp_path / "store.toml"
    FileStore(path).write(msgspec.structs.replace(store, implementations=implementations))
    app = demo_app(store=path)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(first.id))
        await settle(pilot)
        shown_warnings = app.screen.query_one("#detail-warnings", Static)
        assert shown_warnings.display
        assert f"Project kickoff, actual: {odd[0].actual} differs from kickoff ({first.kickoff})" in str(
            shown_warnings.render()
        )
        app.screen.dismiss()
        await settle(pilot)
        other = next(i for i in store.implementations if i.status is Status.ACTIVE and i is not first)
        app.push_screen(DetailScreen(other.id))
        await settle(pilot)
        assert not app.screen.query_one("#detail-warnings", Static).display


async def test_a_message_under_the_focused_field_stays_in_sight_at_80x24(store_path: Path) -> None:
    app = demo_app(store=store_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.impl is not None
        done = [m.actual for m in form.impl.milestones[1:] if m.actual is not None]
        box = form.query_one("#field-kickoff", Input)
        box.focus()
        await pilot.pause()
        # A kickoff after a milestone done: a message long enough to wrap.
        box.value = (max(done) + dt.timedelta(days=1)).isoformat()
        await settle(pilot)
        error = form.query_one("#error-kickoff", Static)
        assert error.display and error.size.height >= 2
        view = form.query_one("#form-fields").content_region
        assert view.contains_region(error.region), (view, error.region)
