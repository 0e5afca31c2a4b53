"""How health looks everywhere: a colour, always beside the words."""

from __future__ import annotations

from ps_tui.core.health import Health

HEALTH_STYLES = {
    Health.OVERDUE: "bold red",
    Health.AT_RISK: "bold yellow",
    Health.ON_TRACK: "green",
    Health.MET: "green",
    Health.MISSED: "red",
    Health.NONE: "dim",
}
