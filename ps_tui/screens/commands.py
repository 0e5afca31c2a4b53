"""The command palette's commands built from the loaded data: open an
implementation or a customer's, look a customer up on Offerings, show a team
member's work, switch to a saved view. Read from `Host.portfolio` at each
search, so the palette follows the data as it changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from ps_tui.core.text import folded, subsequence_pattern
from ps_tui.screens.host import host

if TYPE_CHECKING:
    from ps_tui.core.view import Portfolio

#: How many hits a search shows at most: the palette lists, it does not page.
MAX_HITS = 40
#: How many candidates a search scores at most (at 100,000 implementations
#: one letter matches most of them).
MAX_SCORED = 2000

#: A palette command: its title, its help and what it does.
Command = tuple[str, str, Callable[[], Awaitable[None]]]


def _highlighted(matcher: Matcher, title: str) -> Content:
    """`title` as written (stored text is never markup), its matched
    characters marked: `Matcher.highlight` would read it as markup."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class DataCommands(Provider):
    """Implementations, customers, team members and views, by name (fuzzy)."""

    #: (what it was built from, the commands, their haystack).
    _built: tuple[tuple[int, object], list[Command], str] | None = None

    def _commands(self, portfolio: Portfolio | None) -> Iterator[Command]:
        """(title, help, what it does) for every command the data offers."""
        app = host(self.app)
        for view in app.settings.views:
            where = f"filter {view.filter!r}, " if view.filter else ""
            yield (
                f"View: {view.name}",
                f"Implementations: {where}scope {view.scope}, sort {view.sort}",
                partial(app.show_view, view.name),
            )
        if portfolio is None:
            return
        data = portfolio.data
        for member in data.members:
            yield (
                f"Work of {member.name}",
                f"{member.name}'s active implementations",
                partial(app.show_person, member.name),
            )
        customers: set[str] = set()
        for impl in data.implementations:
            yield (
                f"Open {impl.customer} ({impl.id})",
                f"{impl.status.label} · the detail view",
                partial(app.open_implementation, impl.id),
            )
            customers.add(impl.customer)
        for customer in sorted(customers, key=str.casefold):
            yield (
                f"Look up {customer}",
                "the Offerings screen's answer for this customer",
                partial(app.look_up, customer),
            )

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands(None):
            yield DiscoveryHit(Content(title), command, text=title, help=escape(help_text))

    def _candidates(self) -> tuple[list[Command], str]:
        """Every command and a haystack of their titles (`folded title \x01
        n`), built once per portfolio: a search is one regex pass over it."""
        portfolio = host(self.app).portfolio
        key = (id(portfolio), host(self.app).settings.views)
        if self._built is None or self._built[0] != key:
            commands = list(self._commands(portfolio))
            haystack = "".join(f"{folded(title)}\x01{n}\n" for n, (title, _, _) in enumerate(commands))
            self._built = (key, commands, haystack)
        return self._built[1], self._built[2]

    async def search(self, query: str) -> AsyncIterator[Hit]:
        wanted = folded(query).replace("\x01", "")
        if not wanted:
            return
        commands, haystack = self._candidates()
        # A C-speed subsequence pass picks the candidates; only those are
        # scored by the palette's own (slower) fuzzy matcher.
        found = [int(n) for n in subsequence_pattern(wanted).findall(haystack) if n]
        matcher = self.matcher(query)
        scored: list[tuple[float, Command]] = []
        for n in found[:MAX_SCORED]:
            score = matcher.match(commands[n][0])
            if score > 0:
                scored.append((score, commands[n]))
        scored.sort(key=lambda hit: -hit[0])
        for score, (title, help_text, command) in scored[:MAX_HITS]:
            yield Hit(score, _highlighted(matcher, title), command, text=title, help=escape(help_text))
