"""Property tests: any valid store survives a round trip through TOML and
JSON unchanged, and the parsers of typed values fail only with ParseError.

Implementations are drawn from the model's own types and the bundled
reference data's ids (segments, packages, members, milestones), with unicode
customers and notes, optional fields left out or set, dates anywhere in the
calendar, milestones and risks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ps_tui.core.model import (
    CUSTOM_PACKAGE,
    EARLIEST_DATE,
    ID_PATTERN,
    LATEST_DATE,
    MAX_INT,
    Deployment,
    Engagement,
    Hosting,
    Implementation,
    Milestone,
    Risk,
    Severity,
    Status,
    StoreFile,
)
from ps_tui.core.parse import ParseError, parse_amount, parse_count, parse_date
from ps_tui.core.validate import check_store
from ps_tui.store.file import encode_store, parse_store
from tests.helpers import reference
from tests.reliability.conftest import FIGURES

EXAMPLES = 100
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REF = reference()
SEGMENTS = [s.id for s in REF.segments]
PACKAGES = [p.id for p in REF.packages]
MEMBERS = [m.name for m in REF.members]
MILESTONES = [m.key for m in REF.milestones]

# Text as people type it, unicode included; never lone surrogates (they
# cannot be written as UTF-8 at all), never control characters (refused:
# core/safe_text.py) but the newline and tab that notes keep.
storable = st.characters(codec="utf-8", exclude_categories=("Cc",), include_characters="\n\t")
text = st.text(storable, max_size=40)
words = st.text(storable, min_size=1, max_size=40)
# The whole range the model accepts, to its edges.
dates = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)
counts = st.integers(min_value=0, max_value=MAX_INT)
people = st.none() | st.sampled_from(MEMBERS)
# TOML offsets are whole minutes; a datetime is naive or has one of those.
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
datetimes = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.one_of(st.none(), offsets),
)


@st.composite
def ordered_dates(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    first, second = draw(dates), draw(dates)
    return (first, second) if first <= second else (second, first)


@st.composite
def milestones(draw: st.DrawFn) -> list[Milestone]:
    keys = draw(st.lists(st.sampled_from(MILESTONES), unique=True, max_size=len(MILESTONES)))
    return [
        Milestone(
            key=key,
            planned=draw(st.none() | dates),
            actual=draw(st.none() | dates),
            owner=draw(people),
        )
        for key in keys
    ]


@st.composite
def risks(draw: st.DrawFn) -> Risk:
    opened, closed = draw(ordered_dates())
    return Risk(
        text=draw(words),
        opened=opened,
        severity=draw(st.sampled_from(Severity)),
        closed=draw(st.sampled_from([None, closed])),
    )


@st.composite
def implementations(draw: st.DrawFn, impl_id: str) -> Implementation:
    status = draw(st.sampled_from(Status))
    kickoff, ready = draw(ordered_dates())
    package = draw(st.sampled_from([*PACKAGES, CUSTOM_PACKAGE]))
    custom = package == CUSTOM_PACKAGE
    needs_kickoff = status in (Status.ACTIVE, Status.COMPLETED)
    kickoff_or_none = kickoff if needs_kickoff else draw(st.sampled_from([None, kickoff]))
    if status is Status.COMPLETED:
        production_ready = ready
    elif status is Status.CANCELLED:
        production_ready = draw(st.sampled_from([None, ready]))
    else:
        production_ready = None  # only a finished implementation is production-ready
    # A milestone cannot be done before kickoff.
    steps = [
        m
        if kickoff_or_none is None or m.actual is None or m.actual >= kickoff_or_none
        else msgspec.structs.replace(m, actual=kickoff_or_none)
        for m in draw(milestones())
    ]
    return Implementation(
        id=impl_id,
        customer=draw(words),
        segment=draw(st.sampled_from(SEGMENTS)),
        developers=draw(st.none() | counts),
        arr=draw(counts),
        engagement=draw(st.sampled_from(Engagement)),
        deployment=draw(st.sampled_from(Deployment)),
        hosting=draw(st.sampled_from(Hosting)),
        package=package,
        package_hours=draw(counts) if custom else draw(st.none() | counts),
        package_days=draw(counts) if custom else draw(st.none() | counts),
        status=status,
        kickoff=kickoff_or_none,
        production_ready=production_ready,
        ie_owner=draw(people),
        project_manager=draw(people),
        resident_architect=draw(people),
        instance_url=draw(text),
        notes=draw(text),
        milestones=steps,
        risks=draw(st.lists(risks(), max_size=3)),
        updated=draw(st.none() | datetimes),
    )


@st.composite
def stores(draw: st.DrawFn) -> StoreFile:
    ids = draw(st.lists(st.from_regex(ID_PATTERN, fullmatch=True), unique=True, max_size=6))
    impls = [draw(implementations(impl_id)) for impl_id in ids]
    store = msgspec.structs.replace(REF, implementations=impls)
    assert check_store(store) == [], "the strategy must only build valid stores"
    return store


@pytest.mark.parametrize("kind", ["toml", "json"])
@SETTINGS
@given(store=stores())
def test_any_valid_store_round_trips(kind: str, store: StoreFile) -> None:
    data = encode_store(store, kind)
    assert parse_store(Path(f"store.{kind}"), data) == store
    FIGURES[f"properties: stores round-tripped ({kind})"] += 1


@SETTINGS
@given(store=stores())
def test_toml_and_json_agree(store: StoreFile) -> None:
    """A store moved from TOML to JSON (and back) is the same store."""
    from_toml = parse_store(Path("store.toml"), encode_store(store, "toml"))
    from_json = parse_store(Path("store.json"), encode_store(from_toml, "json"))
    assert from_json == store
    FIGURES["properties: stores converted TOML -> JSON"] += 1


#: Text that looks like the values people type, and anything else.
typed = st.one_of(
    st.text(),
    st.text(alphabet="0123456789,._ $kKmMbB-+eE\t\n\u0661\u0662\u0663", max_size=30),
    st.from_regex(r"\s*\$?\d{1,20}(,\d{3}){0,6}(\.\d*)?\s*(k|m|mm|b)?\s*", fullmatch=True),
    st.from_regex(r"\d{1,6}-\d{1,3}-\d{1,3}", fullmatch=True),
)


@pytest.mark.parametrize("parse", [parse_amount, parse_date, parse_count], ids=lambda f: f.__name__)
@settings(max_examples=3 * EXAMPLES, deadline=None)
@given(value=typed)
@example(value="1" * 5000)
@example(value="9" * 400 + "b")
@example(value="\u0661\u0662\u0663\u0664-\u0660\u0661-\u0660\u0661")  # Arabic-Indic digits
@example(value="1,0_0")
@example(value="")
def test_parsers_fail_only_with_parse_error(parse: object, value: str) -> None:
    try:
        parse(value)  # type: ignore[operator]
    except ParseError as error:
        assert str(error), "a ParseError says why"
    FIGURES["properties: parser inputs tried"] += 1
