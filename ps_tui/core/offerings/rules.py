"""The lookup's rules beyond the store's data, and the words its answers use."""

from __future__ import annotations

from ps_tui.core.model import IMPLEMENTATION_SERVICES, Deployment, Hosting
from ps_tui.core.parse import ParseError, format_money, parse_amount

#: The offering that is mandatory for a self-hosted Kubernetes deployment (or
#: one on external infrastructure). The model has no field for this rule yet,
#: so it lives here, in one place.
MANDATORY_OFFERING = IMPLEMENTATION_SERVICES
MANDATORY_RULE = (
    "Implementation Services is mandatory for a self-hosted Kubernetes deployment, "
    "or one that uses external (not built-in) infrastructure or services."
)
#: Stored deployments and hostings that make Implementation Services mandatory.
SELF_HOSTED_DEPLOYMENTS = frozenset({Deployment.KUBERNETES_HELM})
SELF_HOSTED_HOSTINGS = frozenset({Hosting.ON_PREMISE})

#: How the answer says it when no lookup was typed.
LOOKUP_HELP = (
    "a customer (fuzzy), a segment (smb, mm, ent, strat), "
    "a developer count (1200 devs) and/or an ARR (150k, $1.2M, arr 90000)"
)


class LookupProblem(ValueError):
    """The lookup cannot be answered; the message says why and what to give."""


def money(amount: int) -> str:
    """Compact dollars when exact ($150k, $1.2M), else every dollar ($99,999):
    near a threshold, rounding would hide the very difference that decides."""
    compact = format_money(amount)
    try:
        exact = parse_amount(compact) == amount
    except ParseError:
        exact = False
    return compact if exact else f"${amount:,}"


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def developer_count(developers: int) -> str:
    """`1 developer`, `1,200 developers`."""
    return f"{developers:,} developer{'' if developers == 1 else 's'}"
