"""The filter language: fuzzy free text, tokens, errors and filtering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.fuzzy import Matcher

from ps_tui.core.health import Health
from ps_tui.core.listing import Row, build_rows
from ps_tui.core.model import Status
from ps_tui.core.query import FuzzyIndex, Query, QueryError, filter_rows, parse_query, read_typed
from ps_tui.core.slices import Sliced
from ps_tui.core.view import Portfolio
from ps_tui.data import default_store
from tests.helpers import reference
from tests.oracles import matches_tokens
from tests.test_listing import row

TODAY = dt.date(2026, 11, 30)
REF = reference()


def people(customer: str, owner: str = "", notes: str = "", **changes: Any) -> Row:
    return row(customer=customer, owner=owner, notes=notes, **changes)


def textual_matches(query: str, subject: Row) -> bool:
    """What Textual's own matcher says (the reference semantics)."""
    matcher = Matcher(query)
    return any(matcher.match(field) > 0 for field in (subject.customer, subject.owner, subject.notes))


def subsequence(query: str, subject: Row) -> bool:
    """The same test written plainly, for corpora too big for Textual's matcher."""

    def within(field: str) -> bool:
        rest = iter(field.lower())
        return all(char in rest for char in query.lower())

    return any(within(field) for field in (subject.customer, subject.owner, subject.notes))


# --- fuzzy free text --------------------------------------------------------------------

CORPUS = [
    people("Acme Global Inc.", "Louis Jarvis", "Weekly deployment sync on Tuesdays."),
    people("AcmeGlobal", "Marc LeBlanc", ""),
    people("Globex Corporation", "", "Customer prefers async updates in Slack."),
    people("Müller & Søn Maschinenbau", "Andrew Norrish", "TA introduced; onboarding plan drafted."),
    people("Zürich Re (Energy Division 12)", "Louis Jarvis", "Largest monorepo is 40 GB; indexing tuned."),
    people("ab", "cd", "ef"),
    people("São Paulo Digital S.A.", "Marc LeBlanc", "Waiting on security review [helm] values.*"),
    people("Initech", "Louis Jarvis", "line one\nline two"),
    people("x^y-z\\w", "", "a.b|c(d)e$"),
    people("İstanbul Logistics", "", ""),
]

QUERIES = [
    "a",
    "acm",
    "acme",
    "ACME",
    "acme glob",  # the space is part of the query
    "acmeglob",
    "e g",
    "bc",  # "ab" + "cd": across fields, so no match
    "de",
    "lj",
    "louis",
    "louis jarvis",
    "marcleblanc",
    "muller",  # no ü in the query
    "müller",
    "müll & s",
    "søn",
    "zürich 12",
    "div 12",
    "12)",
    "[helm]",
    "values.*",
    ".*",
    "a.b",
    "a|c",
    "(d)",
    "e$",
    "^y",
    "x^y-z\\w",
    "\\",
    "-",
    "]",
    "oneline",
    "one two",
    "ne\nli".replace("\n", ""),
    "i",
    "istanbul",
    "zz",
    "tuesdays.",
    "weekly deployment sync on tuesdays.",
    "40 gb",
    "s.a.",
]


@pytest.fixture(scope="module")
def corpus_index() -> FuzzyIndex:
    return FuzzyIndex(CORPUS)


@pytest.mark.parametrize("query", QUERIES)
def test_fuzzy_search_agrees_with_textual(corpus_index: FuzzyIndex, query: str) -> None:
    expected = [i for i, subject in enumerate(CORPUS) if textual_matches(query, subject)]
    assert corpus_index.search(query) == expected


SMALL = [
    people("ab", "cd", "ef"),
    people("Acme Global", "Louis Jarvis", ""),
    people("AcmeGlobal", "", "louis"),
    people("Initech", "", "line one\nline two"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme glob", [1]),  # spaces count: "AcmeGlobal" has none
        ("acmeglob", [1, 2]),
        ("bc", []),  # never across fields
        ("de", []),
        ("bcd", []),
        ("ab", [0, 1, 2]),
        ("cd", [0]),
        ("ef", [0]),
        ("LOUIS", [1, 2]),  # any field, any case
        ("ls", [1, 2]),
        # A newline inside a field is just another character.
        ("oneline", [3]),
        ("onelinetwo", [3]),
        ("one two", [3]),
        ("two one", []),
    ],
)
def test_fuzzy_semantics(query: str, expected: list[int]) -> None:
    assert FuzzyIndex(SMALL).search(query) == expected
    assert [i for i, subject in enumerate(SMALL) if textual_matches(query, subject)] == expected


def test_empty_search_is_every_row_and_control_characters_match_nothing(corpus_index: FuzzyIndex) -> None:
    assert corpus_index.search("") == list(range(len(CORPUS)))
    assert corpus_index.search("a\x01") == []
    assert corpus_index.search("\x00") == []
    assert len(corpus_index) == len(CORPUS)
    assert FuzzyIndex([]).search("a") == []
    assert FuzzyIndex([]).search("") == []


ALPHABET = "abAB ü.-*[]\\^$|()İ\n\x01\x00"
field_text = st.text(alphabet=ALPHABET, max_size=10)


@settings(max_examples=300, deadline=None)
@given(
    fields=st.lists(st.tuples(field_text, field_text, field_text), min_size=1, max_size=6),
    query=st.text(alphabet="abAB ü.-*[]\\^$|()İ", min_size=1, max_size=4),
)
def test_fuzzy_search_agrees_with_textual_on_anything(fields: list[tuple[str, str, str]], query: str) -> None:
    rows = [people(c, o, n) for c, o, n in fields]
    expected = [i for i, subject in enumerate(rows) if textual_matches(query, subject)]
    assert FuzzyIndex(rows).search(query) == expected


@pytest.mark.parametrize(
    ("distinct", "total"),
    [
        (300, 300),  # every row its own value
        (5, 300),  # few values: one byte per row
        (257, 600),  # just too many for a byte: a row list per value
        (256, 600),  # just few enough
    ],
)
def test_fuzzy_search_maps_values_back_to_rows(distinct: int, total: int) -> None:
    # The same corpus in each field, so each way of mapping rows is used by
    # one field while the others match nothing (different alphabets).
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    rows = [
        people(
            customer=f"{words[i % distinct % 6]} {i % distinct}",
            owner="QQQ" if i % 7 else "QRQ",
            notes=f"{words[(i * 5) % distinct % 6]}" if i % 3 else "",
        )
        for i in range(total)
    ]
    index = FuzzyIndex(rows)
    numbers = index._fields[0].numbers
    assert type(numbers) is (type(None) if distinct == total else bytes if distinct <= 256 else list)
    for query in ["a", "al 1", "ch 2", "qrq", "q", "o 25", "delta", "ft", "zz", "o 3"]:
        assert index.search(query) == [i for i, r in enumerate(rows) if subsequence(query, r)], query


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Query()),
        ("   ", Query()),
        ("acme", Query(free_text="acme")),
        ("  acme   corp  ", Query(free_text="acme corp")),
        ('"acme  corp"', Query(free_text="acme  corp")),
        ('"seg:ent"', Query(free_text="seg:ent")),  # quoted: free text, not a token
        ("10:30", Query(free_text="10:30")),  # not a key
        ('""', Query()),
        ("acme seg:ent corp", Query(free_text="acme corp", segments=("enterprise",))),
        # seg: by id, name, alias, unique prefix; any case; segment: alias.
        ("seg:mm", Query(segments=("mm",))),
        ("seg:Mid-Market", Query(segments=("mm",))),
        ('seg:"mid market"', Query(segments=("mm",))),
        ("seg:small", Query(segments=("smb",))),
        ("SEG:STRAT", Query(segments=("strategic",))),
        ("segment:ent", Query(segments=("enterprise",))),
        ("seg:enter", Query(segments=("enterprise",))),
        ("seg:mid", Query(segments=("mm",))),  # prefix of the name
        ("seg:sm", Query(segments=("smb",))),
        ("seg:st", Query(segments=("strategic",))),
        ("seg:e", Query(segments=("enterprise",))),
        # Same key twice: either; repeats collapse; order kept.
        ("seg:ent seg:strat", Query(segments=("enterprise", "strategic"))),
        ("seg:ent seg:enterprise", Query(segments=("enterprise",))),
        ("owner:louis", Query(owners=("louis",))),
        ('owner:"Louis Jarvis"', Query(owners=("louis jarvis",))),
        ("owner:marc owner:louis", Query(owners=("marc", "louis"))),
        ('owner:"louis jarvis"x', Query(owners=("louis jarvisx",))),
        ("status:planned", Query(statuses=(Status.PLANNED,))),
        ("status:active", Query(statuses=(Status.ACTIVE,))),
        ("status:on-hold", Query(statuses=(Status.ON_HOLD,))),
        ("status:on_hold", Query(statuses=(Status.ON_HOLD,))),
        ("status:hold", Query(statuses=(Status.ON_HOLD,))),
        ("status:completed", Query(statuses=(Status.COMPLETED,))),
        ("status:done", Query(statuses=(Status.COMPLETED,))),
        ("status:cancelled", Query(statuses=(Status.CANCELLED,))),
        ("status:Canceled", Query(statuses=(Status.CANCELLED,))),
        ("health:at-risk", Query(healths=(Health.AT_RISK,))),
        ("health:at_risk", Query(healths=(Health.AT_RISK,))),
        ("health:risk", Query(healths=(Health.AT_RISK,))),
        ("health:overdue", Query(healths=(Health.OVERDUE,))),
        ("health:late", Query(healths=(Health.OVERDUE,))),
        ("health:on-track", Query(healths=(Health.ON_TRACK,))),
        ("health:on_track", Query(healths=(Health.ON_TRACK,))),
        ("health:OK", Query(healths=(Health.ON_TRACK,))),
        ("health:met", Query(healths=(Health.MET,))),
        ("health:made", Query(healths=(Health.MET,))),
        ("health:missed", Query(healths=(Health.MISSED,))),
        ("health:none", Query(healths=(Health.NONE,))),
        ("health:risk health:late", Query(healths=(Health.AT_RISK, Health.OVERDUE))),
        ("phase:validation", Query(phases=("validation",))),
        ("phase:go", Query(phases=("go",))),
        ("milestone:go_live", Query(phases=("go_live",))),
        ('phase:"Go-live / handoff"', Query(phases=("go-live / handoff",))),
        ("phase:done", Query(phases=("done",))),
        (
            'acme status:active health:risk phase:install owner:louis seg:ent "big one"',
            Query(
                free_text="acme big one",
                segments=("enterprise",),
                owners=("louis",),
                statuses=(Status.ACTIVE,),
                healths=(Health.AT_RISK,),
                phases=("install",),
            ),
        ),
    ],
)
def test_parse_query(text: str, expected: Query) -> None:
    assert parse_query(text, REF) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo:bar", "unknown filter 'foo:'; use seg:, owner:, person:, status:, health:, phase:"),
        ("acme Foo:", "unknown filter 'Foo:'; use seg:, owner:, person:, status:, health:, phase:"),
        ("http://example.com", "unknown filter 'http:'; use seg:, owner:, person:, status:, health:, phase:"),
        ("seg:", "'seg:' needs a value, e.g. seg:enterprise"),
        ('seg:""', "'seg:' needs a value, e.g. seg:enterprise"),
        ('owner:"  "', "'owner:' needs a value, e.g. owner:\"louis jarvis\""),
        ("status:", "'status:' needs a value, e.g. status:active"),
        ("health:", "'health:' needs a value, e.g. health:at-risk"),
        ("milestone:", "'milestone:' needs a value, e.g. phase:validation"),
        ("seg:galactic", "unknown segment 'galactic'; use one of smb, mm, enterprise, strategic"),
        ("seg:s", "segment 's' could be smb, strategic; use one of smb, mm, enterprise, strategic"),
        ("status:busy", "unknown status 'busy'; use one of planned, active, on-hold, completed, cancelled"),
        ("health:good", "unknown health 'good'; use one of at-risk, overdue, on-track, met, missed, none"),
        (
            "phase:party",
            "unknown phase 'party'; use one of kickoff, infrastructure, installation, configuration,"
            " validation, go_live, done, or part of a milestone's name",
        ),
        ('owner:"louis', "unterminated quote in 'owner:\"louis'; close it with \""),
        ('acme "corp', "unterminated quote in '\"corp'; close it with \""),
        ('seg:ent" x', "unterminated quote in 'seg:ent\" x'; close it with \""),
    ],
)
def test_query_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text, REF)
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


def test_is_empty_and_has_tokens() -> None:
    assert parse_query("", REF).is_empty
    assert not parse_query("acme", REF).is_empty
    assert not parse_query("acme", REF).has_tokens
    assert not parse_query("status:active", REF).is_empty
    assert parse_query("status:active", REF).has_tokens


# --- tokens against rows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "changes", "matches"),
    [
        ("seg:ent", {"segment_id": "enterprise"}, True),
        ("seg:ent", {"segment_id": "mm"}, False),
        ("seg:ent seg:mm", {"segment_id": "mm"}, True),
        ("owner:louis", {"owner": "Louis Jarvis"}, True),
        ("owner:JARVIS", {"owner": "Louis Jarvis"}, True),
        ('owner:"s j"', {"owner": "Louis Jarvis"}, True),
        ("owner:lj", {"owner": "Louis Jarvis"}, False),  # a substring, not fuzzy
        ("owner:louis", {"owner": "", "project_manager": "Louis Jarvis"}, False),  # the IE owner only
        ("owner:marc owner:louis", {"owner": "Louis Jarvis"}, True),
        ("status:active", {"status": Status.ACTIVE}, True),
        ("status:active", {"status": Status.ON_HOLD}, False),
        ("status:hold status:active", {"status": Status.ON_HOLD}, True),
        ("health:risk", {"health": Health.AT_RISK}, True),
        ("health:risk", {"health": Health.OVERDUE}, False),
        ("health:risk health:late", {"health": Health.OVERDUE}, True),
        ("health:none", {"health": Health.NONE}, True),
        ("phase:installation", {}, True),  # by key
        ("phase:INSTALL", {}, True),  # part of the name
        ("phase:product", {}, True),
        ("phase:stall", {}, True),
        ("phase:kickoff", {}, False),
        ("phase:go", {"milestone_key": "go_live", "milestone": "Go-live / handoff to TA"}, True),
        ("phase:done", {"milestone_key": None, "milestone": "Done"}, True),
        ("phase:done", {"milestone_key": None, "milestone": ""}, False),
        ("phase:kickoff phase:install", {}, True),
        # Different keys: all must match.
        ("seg:ent status:active", {"segment_id": "enterprise", "status": Status.ACTIVE}, True),
        ("seg:ent status:active", {"segment_id": "enterprise", "status": Status.PLANNED}, False),
        ("seg:ent status:active", {"segment_id": "mm", "status": Status.ACTIVE}, False),
        ("seg:ent owner:louis health:ok phase:install", {}, True),
        ("seg:ent owner:louis health:risk phase:install", {}, False),
        # Free text is not a token.
        ("zzz", {}, True),
    ],
)
def test_matches_tokens(text: str, changes: dict[str, Any], matches: bool) -> None:
    assert matches_tokens(parse_query(text, REF), row(**changes)) is matches


# --- filtering ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_rows() -> list[Row]:
    return build_rows(Portfolio.build(default_store(TODAY), TODAY))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "in",
        "louis",
        "weekly",
        "status:active",
        "seg:strat",
        "seg:strat seg:ent",
        "owner:marc",
        "owner:marc owner:louis",
        "health:risk health:late",
        "phase:valid",
        "phase:done",
        "phase:go status:completed",
        "in status:active",
        "a seg:ent owner:louis",
        "co health:ok phase:config",
        "zzz status:active",
        "status:active zzz",
    ],
)
def test_filter_rows_matches_tokens_and_free_text(demo_rows: list[Row], text: str) -> None:
    query = parse_query(text, REF)
    index = FuzzyIndex(demo_rows)
    expected = [
        i
        for i, subject in enumerate(demo_rows)
        if matches_tokens(query, subject)
        and (not query.free_text or textual_matches(query.free_text, subject))
    ]
    assert filter_rows(demo_rows, query, index) == expected


def test_filter_rows_keeps_the_order_of_rows(demo_rows: list[Row]) -> None:
    backwards = demo_rows[::-1]
    query = parse_query("a status:completed", REF)
    found = filter_rows(backwards, query, FuzzyIndex(backwards))
    assert found == sorted(found)
    assert [backwards[i].id for i in found] == [
        r.id for r in reversed([demo_rows[i] for i in filter_rows(demo_rows, query, FuzzyIndex(demo_rows))])
    ]


def test_filter_rows_needs_the_index_of_the_same_rows(demo_rows: list[Row]) -> None:
    with pytest.raises(ValueError, match="build it from these rows"):
        filter_rows(demo_rows, Query(free_text="a"), FuzzyIndex(demo_rows[:3]))
    with pytest.raises(ValueError, match="needs a FuzzyIndex"):
        filter_rows(demo_rows, Query(free_text="a"), None)
    # Tokens alone need no index.
    assert filter_rows(demo_rows, Query(), None) == list(range(len(demo_rows)))


def test_person_token_matches_any_role() -> None:
    """person: (alias who:) matches the IE owner, project manager or resident architect."""
    import datetime as dt

    from ps_tui.core.listing import build_rows
    from ps_tui.core.query import FuzzyIndex, filter_rows, parse_query
    from ps_tui.core.view import Portfolio
    from ps_tui.data import default_store

    data = default_store(dt.date(2026, 11, 30))
    rows = build_rows(Portfolio.build(data, dt.date(2026, 11, 30)))
    index = FuzzyIndex(rows)
    for text in ('person:"andrew norrish"', "who:andrew"):
        matched = [rows[i] for i in filter_rows(rows, parse_query(text, data), index)]
        assert matched and all(r.project_manager == "Andrew Norrish" for r in matched)
    alex = [rows[i] for i in filter_rows(rows, parse_query("person:fogg", data), index)]
    assert alex and all(r.resident_architect == "Alex Fogg" for r in alex)
    assert all(r.owner != "Alex Fogg" for r in alex)
    owner_only = filter_rows(rows, parse_query("owner:andrew", data), index)
    assert owner_only == []  # owner: is the IE owner alone


@pytest.mark.parametrize(
    ("text", "bad_word"),
    [
        ("owner:louis health:at-risk seg:bogus", "seg:bogus"),
        ("owner:louis health:", "health:"),
        ("acme colour:red", "colour:red"),
        ('acme "louis', '"louis'),
        ('seg:ent owner:"louis', 'owner:"louis'),
        ("seg:ent status:nope health:at-risk", "status:nope"),
    ],
)
def test_while_typing_a_bad_word_is_marked_and_the_words_before_it_apply(text: str, bad_word: str) -> None:
    typed = read_typed(text, REF)
    assert typed.bad is not None and text[typed.bad[0] : typed.bad[1]] == bad_word
    assert typed.problem
    before = text[: text.index(bad_word)]
    assert typed.query == parse_query(before, REF)
    assert typed.applied == before.strip()


def test_while_typing_good_text_applies_whole() -> None:
    typed = read_typed("acme seg:ent ", REF)
    assert typed.bad is None and typed.problem == "" and typed.query == parse_query("acme seg:ent", REF)


@pytest.mark.parametrize("query", QUERIES)
def test_fuzzy_search_in_small_steps_finds_the_same_rows(corpus_index: FuzzyIndex, query: str) -> None:
    steps = corpus_index.searching(query, chunk=3)
    assert Sliced(steps).finish() == corpus_index.search(query)


# --- typing narrows the search ----------------------------------------------------------

#: Many distinct values, few of them with an "x": a search for "x..." matches
#: few lines, so the next one that holds it searches only those.
NARROW_ROWS = [
    people(
        customer=f"{'Xylo' if i % 9 == 0 else 'Acme'} {i} {'Quartz' if i % 4 else 'Zinc'}",
        owner=f"Owner {i % 5}",
        notes="" if i % 3 else f"call {i % 11}",
    )
    for i in range(400)
]


def matching_lines(index: FuzzyIndex, text: str) -> str:
    """The haystack lines (one per distinct value) that hold `text` in order."""
    return "".join(
        line + "\n"
        for piece in index._haystack
        for line in piece.splitlines()
        if all(char in iter(line.partition("\x01")[0]) for char in text)
    )


@pytest.mark.parametrize("chunk", [3, 50, 10_000])
def test_a_typed_character_searches_only_what_the_last_text_matched(chunk: int) -> None:
    index = Sliced(FuzzyIndex.building(NARROW_ROWS, chunk)).finish()
    fresh = FuzzyIndex(NARROW_ROWS)
    for text in ["x", "xy", "xyz", "x1", "x1q", "ox1q"]:
        searched = "".join(Sliced(index._candidates(text.lower(), chunk)).finish())
        before = index._last
        assert before is not None or text == "x"
        if before is not None and all(char in iter(text) for char in before[0]):
            # Only the lines the last text matched, each whole.
            assert searched == matching_lines(index, before[0])
        found = Sliced(index.searching(text, chunk)).finish()
        assert found == fresh.search(text) == [i for i, r in enumerate(NARROW_ROWS) if subsequence(text, r)]


def test_a_narrower_search_joins_the_lines_it_tries_again_from_whole_lines() -> None:
    index = FuzzyIndex(NARROW_ROWS)
    index.search("x")
    before = index._last
    assert before is not None and 0 < len(before[1]) * 2 <= len(index._lines)
    # Each line tried again is the haystack's line, whole, in line order.
    searched = "".join(Sliced(index._candidates("xy", 100)).finish())
    assert searched == "".join(index._lines[line] for line in before[1]) == matching_lines(index, "x")


def test_few_rows_found_by_value_are_sorted_not_marked_row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # 600 rows with 300 customers: a row list per value. A text that only
    # customers match finds its rows by sorting them, without a pass that
    # marks and reads a flag for every one of the 600 rows.
    rows = [people(customer=f"{'alpha' if i % 3 else 'bravo'} {i % 300}", owner="QQ") for i in range(600)]
    index = FuzzyIndex(rows)
    assert isinstance(index._fields[0].numbers, list)
    import ps_tui.core.query as query_module

    marked: list[int] = []
    mark = query_module._mark

    def counting(flags: bytearray, positions: Any) -> bytearray:
        marked.append(len(flags))
        return mark(flags, positions)

    monkeypatch.setattr(query_module, "_mark", counting)
    for text in ["bravo 1", "al 2", "o 29"]:
        assert index.search(text) == [i for i, r in enumerate(rows) if subsequence(text, r)], text
    assert len(rows) not in marked, marked
    # Past twice a step's rows they are marked as before, with the same answer.
    many = Sliced(index.searching("bravo 1", chunk=10)).finish()
    assert len(many) > 20 and many == [i for i, r in enumerate(rows) if subsequence("bravo 1", r)]
    assert len(rows) in marked


def test_a_text_that_does_not_hold_the_last_one_searches_everything() -> None:
    index = FuzzyIndex(NARROW_ROWS)
    index.search("xyz")
    for text in ["xy", "ac", "zyx"]:  # deleted, replaced, reordered
        assert "".join(Sliced(index._candidates(text, 100)).finish()) == "".join(index._haystack)
        index.search("xyz")
    # Many lines matched: joining them would cost more than it saves.
    index.search("a")
    assert "".join(Sliced(index._candidates("ac", 100)).finish()) == "".join(index._haystack)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.lists(st.tuples(field_text, field_text, field_text), min_size=1, max_size=40),
    texts=st.lists(st.text(alphabet="abAB ü.-*[]\\^$|()İ", min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_searches_in_any_order_agree_with_a_fresh_index(
    fields: list[tuple[str, str, str]], texts: list[str]
) -> None:
    rows = [people(c, o, n) for c, o, n in fields]
    index = FuzzyIndex(rows)
    for text in texts:
        grown = [text[: n + 1] for n in range(len(text))]  # typed one key at a time
        for typed in grown:
            assert index.search(typed) == FuzzyIndex(rows).search(typed)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.lists(st.tuples(field_text, field_text, field_text), min_size=1, max_size=8),
    query=st.text(alphabet="abAB ü.İ", max_size=4),
)
def test_the_rows_marked_are_the_rows_found(fields: list[tuple[str, str, str]], query: str) -> None:
    rows = [people(c, o, n) for c, o, n in fields]
    index = FuzzyIndex(rows)
    marks = Sliced(index.marking(query, chunk=3)).finish()
    found = marks if isinstance(marks, list) else [i for i, flag in enumerate(marks) if flag]
    assert isinstance(marks, list) or (len(marks) == len(rows) and set(marks) <= {0, 1})
    assert found == index.search(query)


def test_rows_of_a_value_many_share_are_marked_not_listed() -> None:
    rows = [people(f"customer {i}", "QQ", "weekly sync" if i % 2 else "") for i in range(40)]
    marks = Sliced(FuzzyIndex(rows).marking("wsync")).finish()
    assert isinstance(marks, bytearray) and list(marks) == [i % 2 for i in range(40)]


@pytest.mark.parametrize(
    ("text", "than", "narrower"),
    [
        ("acme", "acm", True),
        ("acme", "", True),
        ("xacmey", "acm", True),  # the old text holds in order, not only as a prefix
        ("ACME", "acm", True),  # as the search compares: lowercased
        ("acm", "acme", False),  # wider
        ("amc", "acm", False),
        ("", "", True),
        ("ΑΣΑ", "ΑΣ", False),  # a final sigma lowercases otherwise inside a word
        ("status:active acme", "status:active acm", True),
        ("status:active acme", "acm", False),  # another token: not a narrowing of it
        ("acme", "status:active acm", False),
    ],
)
def test_a_filter_narrows_another_when_every_row_it_keeps_the_other_keeps(
    text: str, than: str, narrower: bool
) -> None:
    from ps_tui.core.query import narrows

    data = default_store(TODAY)
    query, other = parse_query(text, data), parse_query(than, data)
    assert narrows(query, other) is narrower
    if narrower:
        rows = build_rows(Portfolio.build(data, TODAY))
        index = FuzzyIndex(rows)
        assert set(filter_rows(rows, query, index)) <= set(filter_rows(rows, other, index))
