"""Offerings lookup: "can this customer buy X, and can we discount?"

Pure logic, shared by the Offerings screen, `ps-tui lookup` and the server's
`/api/v1/lookup`. The rules are the store's data (`Reference.segments`,
`.offerings`, `.discounts`); nothing here names a segment, an offering or a
threshold except the one rule the model has no field for (Implementation
Services is mandatory for a self-hosted Kubernetes deployment), see
`rules.MANDATORY_OFFERING`.

One module per job:

- `customers`: one `CustomerRecord` per customer and the `CustomerIndex`
  that finds one from a few letters.
- `parsing`: `parse_lookup(text, reference)` turns what was typed into an
  explicit `LookupInput` (customer text, segment id, developer count, ARR)
  plus the problems found (an ambiguous bare number, a bad amount), which do
  not stop the rest of the text from being understood.
- `decide`: `lookup(input, reference, customers)` decides the segment (and
  why), eligibility, the discount and the notes, as an `Answer`. It raises
  `LookupProblem` when no segment can be decided at all.
- `answer`: the `Answer`, its notes (each once, with its `NoteKind`), and the
  `LookupDocument` that `ps-tui lookup --json` prints and the server returns;
  `Answer.to_text()` is what `y` copies.
- `summaries`: the related rules in words, for the screen.

Precedence, most explicit first: a segment given > a developer count given >
the customer's stored segment. ARR given > the customer's stored ARR. Every
disagreement between them is reported in the notes, never hidden.

The discount is the first rule of the segment that matches the ARR
(`arr_above < ARR <= arr_at_most`, each bound optional). When the ARR is not
known and the segment's rules depend on it, no discount is promised: the
answer is undecided (its JSON status `depends_on_arr`, never `unavailable`,
which is a definite no), the rule names every rule the ARR would choose
between, and a note asks for the ARR.
"""

from ps_tui.core.offerings.answer import (
    Answer,
    DiscountAnswer,
    LookupCustomer,
    LookupDiscount,
    LookupDiscountStatus,
    LookupDocument,
    LookupOffering,
    Note,
    NoteKind,
    OfferingAnswer,
)
from ps_tui.core.offerings.customers import (
    EXACT,
    FUZZY,
    PREFIX,
    SUBSTRING,
    WORD,
    CustomerIndex,
    CustomerMatch,
    CustomerRecord,
    customers_from_implementations,
    unsure_match,
)
from ps_tui.core.offerings.decide import decide_discount, lookup, rule_matches
from ps_tui.core.offerings.parsing import (
    ARR_WORDS,
    DEVELOPER_WORDS,
    LookupInput,
    ParsedLookup,
    parse_developers,
    parse_lookup,
    parse_segment,
    with_segment,
)
from ps_tui.core.offerings.rules import (
    LOOKUP_HELP,
    MANDATORY_OFFERING,
    MANDATORY_RULE,
    SELF_HOSTED_DEPLOYMENTS,
    SELF_HOSTED_HOSTINGS,
    LookupProblem,
    money,
)
from ps_tui.core.offerings.summaries import arr_range, package_summary, slack_summary
from ps_tui.core.segments import developer_range, segment_for_developers, segment_words

__all__ = [
    "ARR_WORDS",
    "DEVELOPER_WORDS",
    "EXACT",
    "FUZZY",
    "LOOKUP_HELP",
    "MANDATORY_OFFERING",
    "MANDATORY_RULE",
    "PREFIX",
    "SELF_HOSTED_DEPLOYMENTS",
    "SELF_HOSTED_HOSTINGS",
    "SUBSTRING",
    "WORD",
    "Answer",
    "CustomerIndex",
    "CustomerMatch",
    "CustomerRecord",
    "DiscountAnswer",
    "LookupCustomer",
    "LookupDiscount",
    "LookupDiscountStatus",
    "LookupDocument",
    "LookupInput",
    "LookupOffering",
    "LookupProblem",
    "Note",
    "NoteKind",
    "OfferingAnswer",
    "ParsedLookup",
    "arr_range",
    "customers_from_implementations",
    "decide_discount",
    "developer_range",
    "lookup",
    "money",
    "package_summary",
    "parse_developers",
    "parse_lookup",
    "parse_segment",
    "rule_matches",
    "segment_for_developers",
    "segment_words",
    "slack_summary",
    "unsure_match",
    "with_segment",
]
