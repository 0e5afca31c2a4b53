"""The app's stylesheet: parsed again only when what it is parsed with changes.

Textual refreshes the CSS (new variables, then a parse of every source from
scratch) whenever a screen is shown that is not marked as styled, which
includes the first screen at launch: the variables are the ones the
stylesheet already holds, yet every source was parsed again, and again for
the next widget class (about 20 ms of launch). This stylesheet keeps its
parsed rules while its variables are the same; a new theme (other
variables) parses everything again, as Textual does.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class KeptStylesheet(Stylesheet):
    """A `Stylesheet` whose `reparse` parses only sources not parsed yet
    while its variables are the ones its rules were parsed with."""

    def set_variables(self, variables: dict[str, str]) -> None:
        # Textual's clears every parsed source, equal variables or not.
        if variables != self._variables:
            super().set_variables(variables)

    def reparse(self) -> None:
        """Parse what is new (every source when the variables changed).

        Rules parsed with these variables are kept (`set_variables` dropped
        them when the variables changed), so this gives the rules a parse
        from scratch gives, and raises as it does on invalid CSS.
        """
        self.parse()
