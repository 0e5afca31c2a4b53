"""`ps-tui lookup`: the Offerings screen's answer, headless, and the same."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.model import StoreFile
from ps_tui.data import default_store
from ps_tui.screens.offerings import OfferingsScreen
from ps_tui.store.file import FileStore
from tests.apps import demo_app, settle
from tests.conftest import TODAY

TODAY_FLAG = ["--today", TODAY.isoformat()]
SEGMENTS = ["smb", "mm", "enterprise", "strategic"]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["lookup", *TODAY_FLAG, "--json", *args]) == 0
    captured = capsys.readouterr()
    out: dict[str, object] = json.loads(captured.out)  # exactly one object, nothing else
    assert captured.err == ""
    return out


def fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["lookup", *TODAY_FLAG, *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def first_customers(store: StoreFile) -> dict[str, str]:
    """One customer name per segment, from the store's implementations."""
    found: dict[str, str] = {}
    for impl in store.implementations:
        found.setdefault(impl.segment, impl.customer)
    return found


async def screen_answers(lookups: list[str], store: Path | None = None) -> list[dict[str, object]]:
    """What the screen shows for each lookup typed into its bar, as JSON."""
    app = demo_app(store=store)
    answers: list[dict[str, object]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OfferingsScreen)
        for text in lookups:
            screen.lookup_bar.value = ""
            await pilot.press(*text)
            await pilot.pause()
            assert screen.answer is not None, text
            answers.append(screen.answer.to_json())
    return answers


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "--developers", "1200", "--arr", "150k")
    assert out == {
        "customer": None,
        "segment": "Enterprise",
        "segment_reason": "1,200 developers -> Enterprise (501-2,500)",
        "offerings": [
            {"name": "Slack Support", "eligible": True},
            {"name": "Implementation Services", "eligible": True},
            {"name": "Managed Services", "eligible": True},
            {"name": "Resident Architect", "eligible": False},
            {"name": "24/7 Support SLAs", "eligible": False},
            {"name": "Dedicated Support", "eligible": True},
        ],
        "discount": {
            "status": "available",
            "rule": "Enterprise above $100k ARR",
            "approval": "Any discount is subject to approval by PS, TS and Sales leadership.",
        },
        "notes": ["ARR $150k, as given."],
    }


async def test_json_matches_the_screen_for_every_segment(capsys: pytest.CaptureFixture[str]) -> None:
    customers = first_customers(default_store(TODAY))
    assert set(customers) == set(SEGMENTS)
    cli_args: list[list[str]] = []
    typed: list[str] = []
    for segment in SEGMENTS:
        cli_args += [["--segment", segment], ["--segment", segment, "--arr", "100001"], [customers[segment]]]
        typed += [segment, f"{segment} $100,001", customers[segment]]
    # A conflicting lookup too: a customer and a developer count of another segment.
    cli_args.append([customers["mm"], "--developers", "1200"])
    typed.append(f'"{customers["mm"]}" 1200 devs')
    # main() runs its own event loop, so not on this test's.
    from_cli = [await asyncio.to_thread(run_json, capsys, *args) for args in cli_args]
    from_screen = await screen_answers(typed)
    assert from_cli == from_screen
    assert {answer["segment"] for answer in from_cli} == {"SMB", "Mid-market", "Enterprise", "Strategic"}
    conflict = from_cli[-1]
    assert conflict["segment"] == "Enterprise"
    assert isinstance(conflict["notes"], list) and conflict["notes"][0].startswith("Conflict: ")


def test_customer_is_fuzzy_and_may_be_several_words(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, "los", "pollos")
    stored = next(i for i in default_store(TODAY).implementations if i.customer == "Los Pollos Hermanos")
    assert stored.developers is not None
    assert (
        out["segment_reason"]
        == f"Los Pollos Hermanos is stored as Mid-market ({stored.developers:,} developers)"
    )
    assert "Customer 'los pollos' matched Los Pollos Hermanos." in out["notes"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("words", "segment"),
    [("ent", "ent"), ("smb", "smb"), ("strat", "strat"), ("enterprise", "enterprise"), ("Mid-Market", "mm")],
)
def test_segment_words_are_read_as_the_bar_reads_them(
    capsys: pytest.CaptureFixture[str], words: str, segment: str
) -> None:
    out = run_json(capsys, *words.split())
    assert out["customer"] is None
    assert out == run_json(capsys, "--segment", segment)


async def test_words_answer_as_the_bar_does(capsys: pytest.CaptureFixture[str]) -> None:
    lookups = ["ent", "strat 150k", "1200 devs", "initech smb", "ent 90k"]
    from_cli = [await asyncio.to_thread(run_json, capsys, *text.split()) for text in lookups]
    assert await screen_answers(lookups) == from_cli


def test_the_json_names_the_customer_matched(capsys: pytest.CaptureFixture[str]) -> None:
    stored = next(i for i in default_store(TODAY).implementations if i.customer == "Soylent Foods")
    assert run_json(capsys, "soylent")["customer"] == {"name": "Soylent Foods", "id": stored.id}


def test_one_letter_that_fits_several_customers_needs_more(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails(capsys, "i", "--json")
    assert err.startswith("ps-tui lookup: 'i' could be Initech, ")
    assert err.endswith(": give more of the customer's name\n")
    assert run_json(capsys, "ini")["customer"]["name"] == "Initech"  # type: ignore[index]


def test_one_letter_that_starts_exactly_one_name_is_enough(capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted({i.customer for i in default_store(TODAY).implementations})
    firsts = [name[0].casefold() for name in names]
    letter = next(letter for letter in dict.fromkeys(firsts) if firsts.count(letter) == 1)
    (named,) = [name for name in names if name[0].casefold() == letter]
    assert run_json(capsys, letter)["customer"]["name"] == named  # type: ignore[index]


def test_a_definite_no_and_a_depends_on_the_arr_are_told_apart(capsys: pytest.CaptureFixture[str]) -> None:
    data = default_store(TODAY)
    small = next(
        i
        for i in data.implementations
        if i.segment == "enterprise" and i.arr is not None and i.arr <= 100_000
    )
    definite = run_json(capsys, f'"{small.customer}"')["discount"]
    assert definite["status"] == "unavailable"  # type: ignore[index]
    depends = run_json(capsys, "--segment", "ent")["discount"]
    assert depends["status"] == "depends_on_arr"  # type: ignore[index]
    assert depends["rule"].startswith("ARR needed: ")  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("ent", "--segment", "smb"),
            "ps-tui lookup: --segment given twice, as Enterprise and SMB: give it once\n",
        ),
        (
            ("150k", "ent", "--arr", "90k"),
            "ps-tui lookup: --arr given twice, as $150k and $90k: give it once\n",
        ),
        (
            ("1200",),
            "ps-tui lookup: '1200': a developer count or an ARR? write 1200 devs, or $1200 / arr 1200\n",
        ),
    ],
)
def test_words_and_flags_that_disagree_are_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert fails(capsys, *args) == message


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", *TODAY_FLAG, "--segment", "strat"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Strategic (segment given: Strategic)"
    assert lines[1].startswith("May buy: Slack Support, Implementation Services, Managed Services")
    assert lines[3].startswith("Discount: Discounting available (Strategic: discounting available).")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "ps-tui lookup: nothing to look up: give a CUSTOMER, --segment, --developers and/or --arr\n"),
        (("zzqx",), "ps-tui lookup: no customer matches 'zzqx'\n"),
        (("zzqx", "--segment", "mm"), "ps-tui lookup: no customer matches 'zzqx'\n"),
        (
            ("--segment", "galactic"),
            "ps-tui lookup: --segment: unknown segment 'galactic'; "
            "use one of smb, mm, enterprise, strategic (or a name or alias)\n",
        ),
        (
            ("--segment", "ent", "--arr", "lots"),
            "ps-tui lookup: --arr: 'lots' is not an amount; use e.g. 150k, $1.2M or 1,200,000\n",
        ),
        (("--segment", "ent", "--arr=-5k"), "ps-tui lookup: --arr: '-5k': amounts cannot be negative\n"),
        (("--developers", "1.5"), "ps-tui lookup: --developers: '1.5' is not a whole number of developers\n"),
        (
            ("--developers", "many"),
            "ps-tui lookup: --developers: 'many' is not a developer count; use e.g. 1200, 1,200 or 1.2k\n",
        ),
        (
            ("--arr", "150k"),
            "ps-tui lookup: --arr alone does not decide the segment: "
            "add a CUSTOMER, --segment or --developers\n",
        ),
    ],
)
def test_bad_input_is_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert fails(capsys, *args, "--json") == message


def test_a_broken_store_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "store.toml"
    path.write_text("schema_version = 1\nbogus = 1\n", encoding="utf-8")
    assert main(["lookup", "--store", str(path), "--segment", "mm"]) == 2
    assert "bogus" in capsys.readouterr().err


async def test_a_rule_changed_in_the_store_changes_cli_and_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = default_store(TODAY)
    rules = [
        msgspec.structs.replace(rule, arr_above=200_000) if rule.arr_above is not None else rule
        for rule in data.discounts.rules
    ]
    offerings = [
        msgspec.structs.replace(o, segments=[*o.segments, "mm"]) if o.id == "managed_services" else o
        for o in data.offerings
    ]
    changed = msgspec.structs.replace(
        data, offerings=offerings, discounts=msgspec.structs.replace(data.discounts, rules=rules)
    )
    path = tmp_path / "store.toml"
    FileStore(path).write(changed)

    lookups = [["--segment", "ent", "--arr", "150k"], ["--segment", "mm"]]
    bundled = [await asyncio.to_thread(run_json, capsys, *args) for args in lookups]
    edited = [await asyncio.to_thread(run_json, capsys, "--store", str(path), *args) for args in lookups]
    assert bundled[0]["discount"]["status"] == "available"  # type: ignore[index]
    assert edited[0]["discount"]["status"] == "unavailable"  # type: ignore[index]
    assert eligible(bundled[1])["Managed Services"] is False
    assert eligible(edited[1])["Managed Services"] is True
    # The screen on the same store says the same.
    assert await screen_answers(["ent 150k", "mm"], store=path) == edited
    assert await screen_answers(["ent 150k", "mm"]) == bundled


def eligible(answer: dict[str, object]) -> dict[str, bool]:
    offerings = answer["offerings"]
    assert isinstance(offerings, list)
    return {o["name"]: o["eligible"] for o in offerings}
