"""Parsing and formatting of typed-in values: money, dates, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ps_tui.core.parse import ParseError, format_money, parse_amount, parse_count, parse_date

# Property tests run inside plain test functions: pytest's `-k "not app"` would
# otherwise deselect them, since @given adds a `__wrapped_target` keyword.
# No example database (nothing written to the repository) and no deadline.
PROPERTY = settings(max_examples=300, deadline=None, database=None)

# --- parse_amount -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150k", 150_000),
        ("150K", 150_000),
        ("$1.2M", 1_200_000),
        ("1.2m", 1_200_000),
        ("2mm", 2_000_000),
        ("1,200,000", 1_200_000),
        ("$1,200,000.00", 1_200_000),
        ("USD 90000", 90_000),
        ("usd90000", 90_000),
        ("90000 USD", 90_000),
        ("250k ARR", 250_000),
        ("0", 0),
        (".5k", 500),
        ("  42  ", 42),
        ("$ 7", 7),
        ("1b", 1_000_000_000),
        ("999.5", 1000),  # whole dollars, rounded
    ],
)
def test_parse_amount(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "required"),
        ("   ", "required"),
        ("abc", "not an amount"),
        ("-5", "negative"),
        ("-150k", "negative"),
        ("1,20,0", "not an amount"),
        ("12kk", "not an amount"),
        ("1.2.3", "not an amount"),
        ("$", "not an amount"),
        ("k", "not an amount"),
        ("1e6", "not an amount"),
        ("9" * 30, "too large"),
    ],
)
def test_parse_amount_errors(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_amount(text)
    assert reason in str(caught.value)


def test_parse_amount_error_quotes_the_input() -> None:
    with pytest.raises(ParseError, match="'abc'"):
        parse_amount("  abc ")


def test_parse_amount_rejects_non_text() -> None:
    with pytest.raises(ParseError):
        parse_amount(150)  # type: ignore[arg-type]


# --- parse_date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2025-12-31", dt.date(2025, 12, 31)),
        (" 2025-01-01 ", dt.date(2025, 1, 1)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "not a real date"),
        ("2023-02-29", "not a real date"),
        ("2024-13-01", "not a real date"),
        ("2024/01/01", "use YYYY-MM-DD"),
        ("", "use YYYY-MM-DD"),
        ("2024-1-1", "use YYYY-MM-DD"),
        ("01-02-2024", "use YYYY-MM-DD"),
        ("20240101", "use YYYY-MM-DD"),
        ("2024-01-01T00:00", "use YYYY-MM-DD"),
        ("today", "use YYYY-MM-DD"),
    ],
)
def test_parse_date_errors(text: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_date(text)
    assert reason in str(caught.value)


# --- parse_count --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("42", 42), ("1,200", 1200), ("10_000", 10_000), (" 7 ", 7)],
)
def test_parse_count(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "1.5", "ten", "²", "12k"])
def test_parse_count_errors(text: str) -> None:
    with pytest.raises(ParseError, match="not a whole number"):
        parse_count(text)


# --- format_money -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "$0"),
        (950, "$950"),
        (999, "$999"),
        (1_000, "$1k"),
        (1_500, "$1.5k"),
        (150_000, "$150k"),
        (999_949, "$999.9k"),
        (999_950, "$1M"),
        (999_999, "$1M"),
        (1_000_000, "$1M"),
        (1_200_000, "$1.2M"),
        (3_000_000, "$3M"),
        (12_345_678, "$12.3M"),
    ],
)
def test_format_money(amount: int, expected: str) -> None:
    assert format_money(amount) == expected


def test_format_money_never_shows_a_thousand_thousands() -> None:
    shown = {format_money(amount) for amount in range(999_000, 1_000_001)}
    assert not any("1000k" in text or "1000.0k" in text for text in shown)
    assert shown >= {"$999k", "$999.9k", "$1M"}


def test_format_money_reads_back_close_to_the_amount() -> None:
    @PROPERTY
    @given(st.integers(min_value=0, max_value=10**12))
    def check(amount: int) -> None:
        text = format_money(amount)
        assert "1000k" not in text
        back = parse_amount(text)
        # One decimal of the unit: within 5% (exact below $1k).
        assert abs(back - amount) <= amount * 0.05

    check()


# --- property tests: only ParseError, whatever is typed -------------------------

_amountish = st.from_regex(r"\A\s*(usd\s*)?\$?[0-9.,]{0,12}\s*(k|m|mm|b|kk)?\s*(usd|arr)?\s*\Z")
_dateish = st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def test_parse_amount_raises_only_parse_error() -> None:
    @PROPERTY
    @given(st.one_of(st.text(), _amountish))
    def check(text: str) -> None:
        try:
            value = parse_amount(text)
        except ParseError:
            return
        assert isinstance(value, int)
        assert value >= 0

    check()


def test_parse_date_raises_only_parse_error() -> None:
    @PROPERTY
    @given(st.one_of(st.text(), _dateish))
    def check(text: str) -> None:
        try:
            value = parse_date(text)
        except ParseError:
            return
        assert isinstance(value, dt.date)
        assert value.isoformat() == text.strip()

    check()


def test_parse_count_raises_only_parse_error() -> None:
    @PROPERTY
    @given(st.text())
    def check(text: str) -> None:
        try:
            value = parse_count(text)
        except ParseError:
            return
        assert value >= 0

    check()


def test_parse_count_round_trips_grouped_numbers() -> None:
    @PROPERTY
    @given(st.integers(min_value=0, max_value=10**9))
    def check(number: int) -> None:
        assert parse_count(f"{number:,}") == number

    check()
