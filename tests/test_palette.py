"""The command palette's commands from the loaded data: implementations,
customers, team members and views, found by name, following the data."""

from __future__ import annotations

import msgspec

from ps_tui.core.view import Portfolio
from ps_tui.screens.commands import DataCommands
from ps_tui.screens.detail import DetailScreen
from ps_tui.screens.implementations import ImplementationsScreen
from ps_tui.screens.offerings import OfferingsScreen
from tests.apps import demo_app, settle


async def titles(provider: DataCommands, query: str) -> list[str]:
    return [hit.text or "" async for hit in provider.search(query)]


async def run_first(provider: DataCommands, query: str) -> None:
    hit = await anext(aiter(provider.search(query)))
    result = hit.command()
    if result is not None:
        await result


async def test_an_implementation_and_its_customer_by_part_of_the_name() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = DataCommands(app.screen)
        found = await titles(provider, "globex")
        assert found[:2] == ["Open Globex Corporation (IMP-0002)", "Look up Globex Corporation"]
        await run_first(provider, "globex")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.impl_id == "IMP-0002"
        await run_first(provider, "look up globex")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OfferingsScreen)
        assert screen.lookup_bar.value == "Globex Corporation"
        assert screen.answer is not None


async def test_a_team_members_work() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = DataCommands(app.screen)
        assert (await titles(provider, "work marc"))[0] == "Work of Marc LeBlanc"
        await run_first(provider, "work marc")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImplementationsScreen)
        assert screen.query_one("#filter").value == 'person:"Marc LeBlanc"'  # type: ignore[attr-defined]


async def test_the_commands_follow_the_data_and_show_names_as_written() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = DataCommands(app.screen)
        assert await titles(provider, "zzyzx") == []
        portfolio = app.portfolio
        assert portfolio is not None
        first = portfolio.data.implementations[0]
        added = msgspec.structs.replace(first, id="IMP-0900", customer="Zzyzx [bold]XYZ[/bold]")
        data = msgspec.structs.replace(
            portfolio.data, implementations=[*portfolio.data.implementations, added]
        )
        app.portfolio = Portfolio.build(data, app.today)
        hits = [hit async for hit in provider.search("zzyzx")]
        assert [hit.text for hit in hits][:1] == ["Open Zzyzx [bold]XYZ[/bold] (IMP-0900)"]
        # Shown as written: a name is never read as markup.
        assert "[bold]" in str(hits[0].match_display)
        discovered = [hit async for hit in provider.discover()]
        assert discovered == []  # the data's commands show once something is typed
