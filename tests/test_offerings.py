"""core.offerings: the matrix, the discount rules, segments, parsing, customers.

Table-driven against the handbook's tables; the last part changes the rules
in a store and checks the answer follows (the rules are data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from ps_tui.core.model import Deployment, DiscountRule, DiscountStatus, Hosting, Reference, StoreFile
from ps_tui.core.offerings import (
    EXACT,
    FUZZY,
    PREFIX,
    SUBSTRING,
    WORD,
    CustomerIndex,
    CustomerRecord,
    LookupInput,
    LookupProblem,
    NoteKind,
    customers_from_implementations,
    decide_discount,
    lookup,
    money,
    parse_developers,
    parse_lookup,
    parse_segment,
    segment_for_developers,
    with_segment,
)
from ps_tui.core.parse import ParseError, parse_amount
from tests.helpers import implementation, reference

REF = reference()

SEGMENTS = ["smb", "mm", "enterprise", "strategic"]

# --- the offering matrix: every cell ------------------------------------------------------

#: The handbook's table, offering by offering, in segment order SMB, MM, Enterprise, Strategic.
MATRIX = {
    "Slack Support": (False, True, True, True),
    "Implementation Services": (False, True, True, True),
    "Managed Services": (False, False, True, True),
    "Resident Architect": (False, False, False, True),
    "24/7 Support SLAs": (False, False, False, True),
    "Dedicated Support": (False, False, True, True),
}
CELLS = [
    (offering, segment, row[column])
    for offering, row in MATRIX.items()
    for column, segment in enumerate(SEGMENTS)
]


@pytest.mark.parametrize(("offering", "segment", "eligible"), CELLS, ids=[f"{o}-{s}" for o, s, _ in CELLS])
def test_every_cell_of_the_matrix(offering: str, segment: str, eligible: bool) -> None:
    answer = lookup(LookupInput(segment=segment), REF)
    found = {item["name"]: item["eligible"] for item in answer.to_json()["offerings"]}  # type: ignore[union-attr, index]
    assert found[offering] is eligible
    assert (offering in {o.name for o in answer.eligible}) is eligible
    assert (offering in {o.name for o in answer.ineligible}) is not eligible


def test_each_offerings_slack_support_says_what_it_includes() -> None:
    """Not a restatement of the offering's name ("Slack Support: Is Slack support.")."""
    for offering in reference().offerings:
        said = offering.slack_support.casefold().rstrip(".")
        assert said not in (offering.name.casefold(), f"is {offering.name.casefold()}"), offering.id


def test_offerings_are_listed_in_store_order() -> None:
    answer = lookup(LookupInput(segment="mm"), REF)
    assert [o.offering.name for o in answer.offerings] == list(MATRIX)


# --- the discount rules -------------------------------------------------------------------

APPROVAL = "Any discount is subject to approval by PS, TS and Sales leadership."

DISCOUNTS = [
    # segment, ARR, status, rule, approval
    ("smb", None, "not_applicable", "SMB: discounts do not apply", ""),
    ("smb", 5_000_000, "not_applicable", "SMB: discounts do not apply", ""),
    ("mm", None, "unavailable", "Mid-market: no discount available", ""),
    ("mm", 0, "unavailable", "Mid-market: no discount available", ""),
    ("mm", 2_000_000, "unavailable", "Mid-market: no discount available", ""),
    ("enterprise", 0, "unavailable", "Enterprise at or below $100k ARR", ""),
    ("enterprise", 99_999, "unavailable", "Enterprise at or below $100k ARR", ""),
    ("enterprise", 100_000, "unavailable", "Enterprise at or below $100k ARR", ""),
    ("enterprise", 100_001, "available", "Enterprise above $100k ARR", APPROVAL),
    ("enterprise", 1_500_000, "available", "Enterprise above $100k ARR", APPROVAL),
    ("strategic", None, "available", "Strategic: discounting available", APPROVAL),
    ("strategic", 1, "available", "Strategic: discounting available", APPROVAL),
    ("strategic", 10_000_000, "available", "Strategic: discounting available", APPROVAL),
]


@pytest.mark.parametrize(("segment", "arr", "status", "rule", "approval"), DISCOUNTS)
def test_every_discount_rule(segment: str, arr: int | None, status: str, rule: str, approval: str) -> None:
    answer = lookup(LookupInput(segment=segment, arr=arr), REF)
    assert answer.to_json()["discount"] == {"status": status, "rule": rule, "approval": approval}
    assert answer.discount.decided


def test_enterprise_without_arr_is_conservative_and_asks_for_it() -> None:
    answer = lookup(LookupInput(segment="enterprise"), REF)
    discount = answer.to_json()["discount"]
    assert discount == {
        # Not "unavailable", which is a definite no: it depends on the ARR.
        "status": "depends_on_arr",
        "rule": "ARR needed: Enterprise above $100k ARR / Enterprise at or below $100k ARR",
        "approval": APPROVAL,  # a discount may yet be possible
    }
    assert not answer.discount.decided
    assert answer.discount.label == "Depends on the ARR"
    assert [r.label for r in answer.discount.candidates] == [
        "Enterprise above $100k ARR",
        "Enterprise at or below $100k ARR",
    ]
    assert answer.listed_notes == (
        "ARR unknown. The Enterprise discount depends on the ARR: Enterprise above $100k ARR -> "
        "discounting available; Enterprise at or below $100k ARR -> no discount available. "
        "Give the ARR (e.g. 150k).",
    )


def test_the_arr_used_is_named_exactly_near_the_threshold() -> None:
    answer = lookup(LookupInput(segment="enterprise", arr=99_999), REF)
    assert answer.listed_notes == ("ARR $99,999, as given.",)
    assert money(99_999) == "$99,999" and money(150_000) == "$150k" and money(1_200_000) == "$1.2M"


def test_a_segment_without_rules_gets_no_discount() -> None:
    ref = msgspec.structs.replace(REF, discounts=msgspec.structs.replace(REF.discounts, rules=[]))
    answer = lookup(LookupInput(segment="strategic", arr=500_000), ref)
    assert answer.discount.status is DiscountStatus.UNAVAILABLE
    assert answer.discount.approval == ""
    assert "no Strategic discount rule" in answer.discount.rule
    unknown_arr = lookup(LookupInput(segment="strategic"), ref)
    assert unknown_arr.discount.status is DiscountStatus.UNAVAILABLE
    assert "no discount rule for Strategic" in unknown_arr.discount.rule


def test_unknown_arr_with_rules_that_all_agree_is_decided() -> None:
    rules = [
        DiscountRule(segment="mm", status=DiscountStatus.UNAVAILABLE, label="MM small", arr_at_most=50_000),
        DiscountRule(segment="mm", status=DiscountStatus.UNAVAILABLE, label="MM large"),
    ]
    ref = msgspec.structs.replace(REF, discounts=msgspec.structs.replace(REF.discounts, rules=rules))
    segment = ref.segment("mm")
    assert segment is not None
    discount = decide_discount(segment, None, ref)
    assert discount.decided and discount.status is DiscountStatus.UNAVAILABLE
    assert discount.rule == "MM small / MM large"


# --- segments by developer count ------------------------------------------------------------

BOUNDARIES = [
    (0, "smb"),
    (1, "smb"),
    (99, "smb"),
    (100, "mm"),
    (500, "mm"),
    (501, "enterprise"),
    (2_500, "enterprise"),
    (2_501, "strategic"),
    (1_000_000, "strategic"),
]


@pytest.mark.parametrize(("developers", "segment"), BOUNDARIES)
def test_developer_count_boundaries(developers: int, segment: str) -> None:
    found = segment_for_developers(developers, REF)
    assert found is not None and found.id == segment
    answer = lookup(LookupInput(developers=developers), REF)
    assert answer.segment.id == segment
    assert answer.segment_reason.startswith(f"{developers:,} developer")
    assert f" -> {found.name} (" in answer.segment_reason


def test_reason_reads_as_the_issue_says() -> None:
    answer = lookup(LookupInput(developers=1200), REF)
    assert answer.segment_reason == "1,200 developers -> Enterprise (501-2,500)"
    assert lookup(LookupInput(developers=1), REF).segment_reason == "1 developer -> SMB (0-99)"
    assert (
        lookup(LookupInput(developers=3000), REF).segment_reason == "3,000 developers -> Strategic (2,501+)"
    )


def test_a_count_no_segment_covers_is_a_problem() -> None:
    segments = [s for s in REF.segments if s.id != "mm"]
    ref = msgspec.structs.replace(REF, segments=segments)
    with pytest.raises(LookupProblem, match="no segment covers 300 developers"):
        lookup(LookupInput(developers=300), ref)


# --- parsing: amounts, counts, segment words -------------------------------------------------

SEGMENT_WORDS = [
    ("smb", "smb"),
    ("SMB", "smb"),
    ("small business", "smb"),
    ("mm", "mm"),
    ("MM", "mm"),
    ("Mid-market", "mm"),
    ("mid market", "mm"),
    ("midmarket", "mm"),
    ("ent", "enterprise"),
    ("Enterprise", "enterprise"),
    ("ENTERPRISE", "enterprise"),
    ("strat", "strategic"),
    ("Strategic", "strategic"),
    ("  strategic  ", "strategic"),
]


@pytest.mark.parametrize(("word", "segment"), SEGMENT_WORDS)
def test_segment_words(word: str, segment: str) -> None:
    assert parse_segment(word, REF) == segment
    assert parse_lookup(word, REF).input == LookupInput(segment=segment)


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("foo", "unknown segment 'foo'; use one of smb, mm, enterprise, strategic (or a name or alias)"),
        (
            "enterp",
            "unknown segment 'enterp'; use one of smb, mm, enterprise, strategic (or a name or alias)",
        ),
        ("", "a segment is required; use one of smb, mm, enterprise, strategic"),
    ],
)
def test_bad_segment_words(word: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_segment(word, REF)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150k", 150_000),
        ("$1.2M", 1_200_000),
        ("1,200,000", 1_200_000),
        ("USD 90000", 90_000),
        ("$99,999", 99_999),
    ],
)
def test_amounts(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "an amount is required, e.g. 150k, $1.2M or 1,200,000"),
        ("abc", "'abc' is not an amount; use e.g. 150k, $1.2M or 1,200,000"),
        ("$1.2X", "'$1.2X' is not an amount; use e.g. 150k, $1.2M or 1,200,000"),
        ("1,2,3", "'1,2,3' is not an amount; use e.g. 150k, $1.2M or 1,200,000"),
        ("-5k", "'-5k': amounts cannot be negative"),
        ("9999999999999b", "'9999999999999b' is too large"),
    ],
)
def test_bad_amounts(text: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_amount(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1200", 1200),
        ("1,200", 1200),
        ("1.2k", 1200),
        ("1.1k", 1100),
        ("2K", 2000),
        ("1200 devs", 1200),
        ("0", 0),
    ],
)
def test_developer_counts(text: str, count: int) -> None:
    assert parse_developers(text) == count


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a developer count is required, e.g. 1200 or 1,200"),
        ("1.5", "'1.5' is not a whole number of developers"),
        ("-3", "'-3': a developer count cannot be negative"),
        ("lots", "'lots' is not a developer count; use e.g. 1200, 1,200 or 1.2k"),
        ("$1200", "'$1200' is not a developer count; use e.g. 1200, 1,200 or 1.2k"),
        ("99999999", "'99999999' is too many developers"),
    ],
)
def test_bad_developer_counts(text: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_developers(text)
    assert str(raised.value) == message


LOOKUPS: list[tuple[str, dict[str, Any]]] = [
    ("", {}),
    ("initech", {"customer": "initech"}),
    ("Los Pollos Hermanos", {"customer": "Los Pollos Hermanos"}),
    ("1200 devs", {"developers": 1200}),
    ("1,200 developers", {"developers": 1200}),
    ("1200devs", {"developers": 1200}),
    ("1200 d", {"developers": 1200}),  # while typing "devs"
    ("devs 1200", {"developers": 1200}),
    ("devs:1200", {"developers": 1200}),
    ("1200 engineers", {"developers": 1200}),
    ("150k", {"arr": 150_000}),
    ("$1.2M", {"arr": 1_200_000}),
    ("arr 90000", {"arr": 90_000}),
    ("ARR $90k", {"arr": 90_000}),
    ("arr:90k", {"arr": 90_000}),
    ("90000 arr", {"arr": 90_000}),
    ("90000 usd", {"arr": 90_000}),
    ("ent", {"segment": "enterprise"}),
    ("seg:strat", {"segment": "strategic"}),
    ("mid market", {"segment": "mm"}),
    (
        "acme robotics mm 300 devs 150k",
        {"customer": "acme robotics", "segment": "mm", "developers": 300, "arr": 150_000},
    ),
    ('"strategic partners" 1.2M', {"customer": "strategic partners", "arr": 1_200_000}),
    ("Strategic partners", {"customer": "partners", "segment": "strategic"}),
]


@pytest.mark.parametrize(("text", "expected"), LOOKUPS, ids=[t or "empty" for t, _ in LOOKUPS])
def test_lookup_text(text: str, expected: dict[str, Any]) -> None:
    parsed = parse_lookup(text, REF)
    assert parsed.input == LookupInput(**expected)
    assert parsed.problems == ()


LOOKUP_PROBLEMS = [
    ("1200", "'1200': a developer count or an ARR? write 1200 devs, or $1200 / arr 1200"),
    ("arr", "'arr' needs an amount after it, e.g. arr 150k"),
    ("arr acme", "'arr' needs an amount after it, e.g. arr 150k"),
    ("devs", "'devs' needs a number before it, e.g. 1200 devs"),
    ("$1.2X", "'$1.2X' is not an amount; use e.g. 150k, $1.2M or 1,200,000"),
    ("1.5 devs", "'1.5' is not a whole number of developers"),
    ("-5 devs", "'-5': a developer count cannot be negative"),
    ("-5", "'-5': a number cannot be negative"),
    ("seg:foo", "unknown segment 'foo'; use one of smb, mm, enterprise, strategic (or a name or alias)"),
    ("arr:", "arr: needs a value, e.g. arr:150k"),
    ("smb ent", "several segments (SMB, Enterprise): using the last, Enterprise"),
    ("100 devs 200 devs", "several developer counts (100, 200): using the last, 200"),
    ("150k 200k", "several ARRs ($150k, $200k): using the last, $200k"),
]


@pytest.mark.parametrize(("text", "problem"), LOOKUP_PROBLEMS)
def test_lookup_text_problems(text: str, problem: str) -> None:
    assert parse_lookup(text, REF).problems == (problem,)


def test_problems_do_not_stop_the_rest() -> None:
    parsed = parse_lookup("initech 1200 ent", REF)
    assert parsed.input == LookupInput(customer="initech", segment="enterprise")
    assert len(parsed.problems) == 1 and "'1200'" in parsed.problems[0]


def test_with_segment_replaces_only_the_segment_words() -> None:
    assert with_segment("", "mm", REF) == "mm"
    assert with_segment("initech 150k", "strategic", REF) == "initech 150k strategic"
    assert with_segment("initech ent 150k", "mm", REF) == "initech 150k mm"
    assert with_segment("mid market acme seg:smb", "enterprise", REF) == "acme enterprise"
    assert with_segment('"strategic partners" strat', "smb", REF) == '"strategic partners" smb'
    parsed = parse_lookup(with_segment("initech ent 150k", "mm", REF), REF)
    assert parsed.input == LookupInput(customer="initech", segment="mm", arr=150_000)


# --- customers -------------------------------------------------------------------------------


def test_customers_are_deduplicated_latest_kickoff_wins() -> None:
    impls = [
        implementation(1, customer="Acme", segment="mm", developers=300, kickoff=dt.date(2025, 3, 1)),
        implementation(
            2, customer="acme ", segment="enterprise", developers=900, kickoff=dt.date(2025, 5, 1)
        ),
        implementation(3, customer="ACME", segment="smb", developers=50, kickoff=dt.date(2025, 1, 1)),
        implementation(4, customer="Globex", segment="strategic", arr=0, kickoff=None),
    ]
    records = customers_from_implementations(impls)
    assert [(r.name, r.segment, r.developers, r.source) for r in records] == [
        ("acme", "enterprise", 900, "IMP-0002"),
        ("Globex", "strategic", 800, "IMP-0004"),
    ]
    assert records[1].arr == 0  # a recorded zero; a missing ARR is None


def test_same_kickoff_the_later_one_in_the_store_wins() -> None:
    day = dt.date(2025, 3, 1)
    impls = [
        implementation(1, customer="Acme", segment="mm", kickoff=day),
        implementation(2, customer="Acme", segment="strategic", kickoff=day),
    ]
    assert [r.segment for r in customers_from_implementations(impls)] == ["strategic"]


NAMES = [
    "Acme",
    "Acme Robotics",
    "Big Acme",
    "Tacme Co",
    "Packmen Ltd",
    "Initech",
    "Ingen Genomics",
    "Weyland-Yutani",
]
INDEX = CustomerIndex([CustomerRecord(name) for name in NAMES])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "acme",
            [
                ("Acme", EXACT),
                ("Acme Robotics", PREFIX),
                ("Big Acme", WORD),
                ("Tacme Co", SUBSTRING),
                ("Packmen Ltd", FUZZY),
            ],
        ),
        ("ACME ROBOTICS", [("Acme Robotics", EXACT)]),
        (
            "acm",
            [
                ("Acme", PREFIX),
                ("Acme Robotics", PREFIX),
                ("Big Acme", WORD),
                ("Tacme Co", SUBSTRING),
                ("Packmen Ltd", FUZZY),
            ],
        ),
        ("yutani", [("Weyland-Yutani", WORD)]),
        ("ini", [("Initech", PREFIX), ("Ingen Genomics", FUZZY)]),
        ("wy", [("Weyland-Yutani", FUZZY)]),
        ("zzz", []),
        ("", []),
    ],
)
def test_customer_search_ranks_exact_then_prefix_then_word_then_anywhere(
    query: str, expected: list[tuple[str, int]]
) -> None:
    assert [(m.record.name, m.kind) for m in INDEX.search(query)] == expected


def test_customer_search_treats_regex_characters_literally() -> None:
    index = CustomerIndex([CustomerRecord("A.B (Holdings)"), CustomerRecord("AxB Holdings")])
    assert [m.record.name for m in index.search("a.b (")] == ["A.B (Holdings)"]


def customer(**fields: Any) -> CustomerRecord:
    values: dict[str, Any] = {
        "name": "Initech",
        "segment": "enterprise",
        "developers": 1200,
        "arr": 250_000,
        "deployment": Deployment.MANAGED_CLOUD,
        "hosting": Hosting.GCP,
    }
    values.update(fields)
    return CustomerRecord(**values)


def test_customer_alone_uses_the_stored_record() -> None:
    answer = lookup(LookupInput(customer="initech"), REF, CustomerIndex([customer()]))
    assert answer.segment.id == "enterprise"
    assert answer.segment_reason == "Initech is stored as Enterprise (1,200 developers)"
    assert answer.discount.status is DiscountStatus.AVAILABLE
    assert answer.arr == 250_000 and answer.arr_source == "from Initech's record"
    assert answer.listed_notes == ("ARR $250k, from Initech's record.",)
    assert answer.conflicts == () and answer.problems == ()


def test_a_fuzzy_match_is_named_in_the_notes() -> None:
    records = [customer(), customer(name="Ingen Genomics", segment="mm")]
    answer = lookup(LookupInput(customer="ini"), REF, CustomerIndex(records))
    assert answer.customer is not None and answer.customer.name == "Initech"
    assert answer.alternatives == ("Ingen Genomics",)
    assert answer.listed_notes[0] == "Customer 'ini' matched Initech; also matches Ingen Genomics."


def test_typed_developers_win_over_the_stored_segment_and_say_so() -> None:
    answer = lookup(LookupInput(customer="Initech", developers=300), REF, CustomerIndex([customer()]))
    assert answer.segment.id == "mm"
    assert answer.segment_reason == "300 developers -> Mid-market (100-500)"
    assert answer.conflicts == (
        "Conflict: Initech is stored as Enterprise, but 300 developers -> Mid-market: "
        "the answer uses the developer count given.",
    )
    assert answer.listed_notes[0] == answer.conflicts[0]
    assert answer.discount.status is DiscountStatus.UNAVAILABLE  # Mid-market, whatever the ARR


def test_a_typed_segment_wins_over_everything_and_says_so() -> None:
    answer = lookup(
        LookupInput(customer="Initech", segment="strategic", developers=50), REF, CustomerIndex([customer()])
    )
    assert answer.segment.id == "strategic"
    assert answer.segment_reason == "segment given: Strategic"
    assert answer.conflicts == (
        "Conflict: 50 developers would be SMB, but the segment was given as Strategic: "
        "the answer uses Strategic.",
        "Conflict: Initech is stored as Enterprise, but the segment was given as Strategic: "
        "the answer uses Strategic.",
    )


def test_agreeing_input_is_no_conflict() -> None:
    answer = lookup(
        LookupInput(customer="Initech", developers=900, segment="ent", arr=250_000),
        REF,
        CustomerIndex([customer()]),
    )
    assert answer.segment.id == "enterprise"  # "ent" is an alias: callers may pass what was typed
    assert answer.conflicts == () and answer.problems == ()
    assert answer.listed_notes == ("ARR $250k, as given.",)


def test_a_typed_arr_wins_over_the_stored_one_and_says_so() -> None:
    answer = lookup(LookupInput(customer="Initech", arr=90_000), REF, CustomerIndex([customer()]))
    assert answer.discount.status is DiscountStatus.UNAVAILABLE
    assert answer.conflicts == (
        "Conflict: ARR given as $90k, but Initech's record says $250k: the answer uses $90k.",
    )
    assert answer.listed_notes == answer.conflicts  # the ARR note would say it twice
    assert answer.note(NoteKind.DISCOUNT) == "ARR $90k, as given."  # the screen shows it by the discount
    # Each note once, with its kind: the ARR note is kept for the discount line only.
    assert [(n.kind, n.listed) for n in answer.notes] == [
        (NoteKind.CONFLICT, True),
        (NoteKind.DISCOUNT, False),
    ]


def test_a_record_whose_developers_disagree_with_its_segment_is_noted() -> None:
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex([customer(developers=40)]))
    assert answer.segment.id == "enterprise"
    assert answer.listed_notes[0] == (
        "Initech's record has 40 developers, which would be SMB: "
        "the answer uses the stored segment, Enterprise."
    )


def test_unknown_customer() -> None:
    with pytest.raises(LookupProblem, match="no customer matches 'nobody'"):
        lookup(LookupInput(customer="nobody"), REF, CustomerIndex([customer()]))
    # Other input still answers, and the unmatched text is a problem.
    answer = lookup(LookupInput(customer="nobody", developers=300), REF, CustomerIndex([customer()]))
    assert answer.segment.id == "mm" and answer.problems == ("no customer matches 'nobody'",)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (LookupInput(), "nothing to look up"),
        (LookupInput(arr=150_000), "an ARR alone does not decide the segment"),
        (LookupInput(segment="galactic"), "unknown segment 'galactic'"),
    ],
)
def test_undecidable(query: LookupInput, message: str) -> None:
    with pytest.raises(LookupProblem, match=message):
        lookup(query, REF, CustomerIndex([customer()]))


@pytest.mark.parametrize(
    ("deployment", "hosting", "mandatory"),
    [
        (Deployment.KUBERNETES_HELM, Hosting.AWS, True),
        (Deployment.SINGLE_NODE, Hosting.ON_PREMISE, True),
        (Deployment.MANAGED_CLOUD, Hosting.GCP, False),
        (Deployment.DOCKER_COMPOSE, Hosting.AZURE, False),
    ],
)
def test_implementation_services_mandatory_for_self_hosted(
    deployment: Deployment, hosting: Hosting, mandatory: bool
) -> None:
    answer = lookup(
        LookupInput(customer="Initech"),
        REF,
        CustomerIndex([customer(deployment=deployment, hosting=hosting)]),
    )
    assert answer.mandatory_implementation is mandatory
    notes = [n for n in answer.listed_notes if n.startswith("Implementation Services is mandatory")]
    if mandatory:
        how = f"{deployment.label} on {hosting.label}"
        assert notes == [f"Implementation Services is mandatory for Initech: self-hosted ({how})."]
    else:
        assert notes == []


def test_mandatory_but_not_offered_to_the_segment_is_flagged() -> None:
    record = customer(segment="smb", developers=40, deployment=Deployment.KUBERNETES_HELM)
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex([record]))
    assert answer.listed_notes[-1] == (
        "Implementation Services is mandatory for Initech: self-hosted (Kubernetes (Helm) on GCP (GKE)), "
        "but SMB may not buy it: raise this with PS leadership."
    )


# --- the JSON and the text --------------------------------------------------------------------


def test_json_is_exactly_the_documented_object() -> None:
    answer = lookup(LookupInput(customer="Initech", developers=300), REF, CustomerIndex([customer()]))
    data = answer.to_json()
    assert list(data) == ["customer", "segment", "segment_reason", "offerings", "discount", "notes"]
    assert data["customer"] == {"name": "Initech", "id": customer().source}
    assert data["segment"] == "Mid-market"
    assert data["offerings"] == [{"name": name, "eligible": row[1]} for name, row in MATRIX.items()]
    assert data["discount"] == {
        "status": "unavailable",
        "rule": "Mid-market: no discount available",
        "approval": "",
    }
    assert isinstance(data["notes"], list) and data["notes"][0].startswith("Conflict:")  # type: ignore[index]


def test_text_is_short_and_complete() -> None:
    answer = lookup(LookupInput(customer="Initech"), REF, CustomerIndex([customer()]))
    assert answer.to_text().splitlines() == [
        "Initech: Enterprise (Initech is stored as Enterprise (1,200 developers))",
        "May buy: Slack Support, Implementation Services, Managed Services, Dedicated Support",
        "May not buy: Resident Architect, 24/7 Support SLAs",
        f"Discount: Discounting available (Enterprise above $100k ARR). {APPROVAL}",
        "Note: ARR $250k, from Initech's record.",
    ]


# --- the rules are data ------------------------------------------------------------------------


def changed(store: Reference, **changes: Any) -> StoreFile:
    return msgspec.structs.replace(store, **changes)  # type: ignore[return-value]


def test_a_changed_threshold_changes_the_answer() -> None:
    rules = [
        msgspec.structs.replace(rule, arr_above=200_000) if rule.arr_above == 100_000 else rule
        for rule in REF.discounts.rules
    ]
    ref = changed(REF, discounts=msgspec.structs.replace(REF.discounts, rules=rules))
    before = lookup(LookupInput(segment="enterprise", arr=150_000), REF)
    after = lookup(LookupInput(segment="enterprise", arr=150_000), ref)
    assert before.discount.status is DiscountStatus.AVAILABLE
    assert after.discount.status is DiscountStatus.UNAVAILABLE


def test_a_changed_matrix_changes_eligibility() -> None:
    offerings = [
        msgspec.structs.replace(o, segments=[*o.segments, "mm"]) if o.id == "managed_services" else o
        for o in REF.offerings
    ]
    ref = changed(REF, offerings=offerings)
    assert "Managed Services" not in {o.name for o in lookup(LookupInput(segment="mm"), REF).eligible}
    assert "Managed Services" in {o.name for o in lookup(LookupInput(segment="mm"), ref).eligible}


def test_changed_segment_bounds_change_the_segment() -> None:
    segments = [
        msgspec.structs.replace(s, max_developers=1000)
        if s.id == "mm"
        else msgspec.structs.replace(s, min_developers=1001)
        if s.id == "enterprise"
        else s
        for s in REF.segments
    ]
    ref = changed(REF, segments=segments)
    assert lookup(LookupInput(developers=800), REF).segment.id == "enterprise"
    assert lookup(LookupInput(developers=800), ref).segment.id == "mm"


def test_a_new_alias_and_approval_text_are_used() -> None:
    segments = [
        msgspec.structs.replace(s, aliases=[*s.aliases, "whale"]) if s.id == "strategic" else s
        for s in REF.segments
    ]
    discounts = msgspec.structs.replace(REF.discounts, approval="Ask Andrew.")
    ref = changed(REF, segments=segments, discounts=discounts)
    parsed = parse_lookup("whale", ref)
    assert parsed.input.segment == "strategic"
    assert lookup(parsed.input, ref).discount.approval == "Ask Andrew."
    assert parse_lookup("whale", REF).input.customer == "whale"
