"""Colours from the theme: styles written with Textual's variables
(`"bold $text-error"`) made into Rich styles for the current theme.

Health, load bands, slips and chart bars name what they mean ($text-success,
$text-warning, $text-error: the theme's colours made readable as text on its
background), never a fixed colour, so every theme, light ones included,
shows them legibly; words always say the same thing beside the colour."""

from __future__ import annotations

from textual.color import Color, ColorParseError
from textual.dom import DOMNode

from ps_tui.core.health import Health

HEALTH_STYLES = {
    Health.OVERDUE: "bold $text-error",
    Health.AT_RISK: "bold $text-warning",
    Health.ON_TRACK: "$text-success",
    Health.MET: "$text-success",
    Health.MISSED: "$text-error",
    Health.NONE: "dim",
}

GOOD = "$text-success"
WARN = "$text-warning"
BAD = "$text-error"

#: (theme, style) -> the Rich style string: a theme's variables do not change.
_resolved: dict[tuple[str, str], str] = {}
#: theme -> its variables: Textual works them all out again on every call,
#: and a launch resolves a handful of styles before its first frame.
_variables: dict[str, dict[str, str]] = {}


def _rich_color(value: str) -> str:
    """A CSS variable's colour as Rich reads it: an ANSI colour by its name
    (the terminal's palette), anything else as #rrggbb; "" if it is no colour."""
    if value.startswith("ansi_") and " " not in value:
        return value.removeprefix("ansi_")
    try:
        return Color.parse(value).hex6
    except ColorParseError:
        return ""


def themed(node: DOMNode, style: str) -> str:
    """`style` with each `$variable` replaced by the current theme's colour."""
    if "$" not in style:
        return style
    app = node.app
    key = (app.theme, style)
    found = _resolved.get(key)
    if found is None:
        variables = _variables.get(app.theme)
        if variables is None:
            variables = _variables[app.theme] = app.get_css_variables()
        words = [
            _rich_color(variables.get(word[1:], "")) if word.startswith("$") else word
            for word in style.split()
        ]
        found = _resolved[key] = " ".join(word for word in words if word)
    return found


def health_style(node: DOMNode, health: Health) -> str:
    """How `health` is coloured in the current theme."""
    return themed(node, HEALTH_STYLES[health])
