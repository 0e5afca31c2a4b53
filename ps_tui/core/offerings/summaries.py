"""The rules around an answer, in words for the Offerings screen."""

from __future__ import annotations

from ps_tui.core.model import DiscountRule, Offering, Reference
from ps_tui.core.offerings.rules import money


def arr_range(rule: DiscountRule, reference: Reference | None = None) -> str:
    """A rule's ARR bounds in words: `any ARR`, `above $100k`, `up to $100k`;
    `otherwise` for a rule without bounds after others of its segment (the
    first match wins, so it only sees what they left)."""
    above, at_most = rule.arr_above, rule.arr_at_most
    if above is None and at_most is None:
        if reference is not None:
            for earlier in reference.discounts.rules:
                if earlier is rule:
                    break
                if earlier.segment == rule.segment:
                    return "otherwise"
        return "any ARR"
    if at_most is None:
        return f"above {money(above or 0)}"
    if above is None:
        return f"up to {money(at_most)}"
    return f"{money(above)} to {money(at_most)}"


def package_summary(reference: Reference) -> list[tuple[str, str, str]]:
    """(offering id, package name, hours and timebox) for every package."""
    rows = []
    for package in reference.packages:
        hours = f"{package.hours:,} hours" + (" per year" if package.per == "year" else "")
        if package.timebox_days:
            hours += f", {package.timebox_days}-day timebox"
        rows.append((package.offering, package.name, hours))
    return rows


def slack_summary(reference: Reference) -> list[tuple[Offering, str]]:
    """(offering, what Slack support it includes) for offerings that say."""
    return [(o, o.slack_support) for o in reference.offerings if o.slack_support]
