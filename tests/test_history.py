"""The history: each kind of change is one event with its fields before and
after; the history file is appended to, survives a torn line, and tells a
save that landed from one cut short; `ps-tui history` prints and filters it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.history import Action, Change, Event, Save, events_between, landed, select
from ps_tui.core.model import Milestone, Risk, Severity, Status, StoreFile
from ps_tui.core.portfolio import remove, upsert
from ps_tui.store.file import FileStore
from ps_tui.store.history_file import append, history_path, read
from tests.helpers import implementation, sample_store

AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def one(old: StoreFile, new: StoreFile) -> Event:
    events = events_between(old, new, "Louis Jarvis", AT)
    assert len(events) == 1, events
    return events[0]


def changed(store: StoreFile, **fields: object) -> StoreFile:
    impl = msgspec.structs.replace(store.implementations[0], **fields)
    return upsert(store, impl)


def test_an_edit_names_each_field_before_and_after() -> None:
    store = sample_store()
    event = one(store, changed(store, customer="Acme Renamed", arr=150_000))
    assert event.action is Action.EDIT and event.implementation == "IMP-0001"
    assert event.customer == "Acme Renamed" and event.who == "Louis Jarvis" and event.at == AT
    assert event.changes == [
        Change("customer", "Customer 1", "Acme Renamed"),
        Change("arr", 120_000, 150_000),
    ]


def test_each_kind_of_change_is_named() -> None:
    store = sample_store()
    first = store.implementations[0]
    done = [msgspec.structs.replace(first.milestones[1], actual=dt.date(2025, 5, 8))]
    advance = one(store, changed(store, milestones=[first.milestones[0], *done]))
    assert advance.action is Action.ADVANCE
    assert advance.changes == [Change("milestones.infrastructure.actual", None, "2025-05-08")]

    later = [first.milestones[0], msgspec.structs.replace(first.milestones[1], planned=dt.date(2025, 5, 9))]
    assert one(store, changed(store, milestones=later)).action is Action.PLAN_CHANGED

    risk = Risk(text="CAB approval", opened=dt.date(2025, 5, 4), severity=Severity.HIGH)
    added = one(store, changed(store, risks=[*first.risks, risk]))
    assert added.action is Action.RISK_ADDED
    closed = [msgspec.structs.replace(first.risks[0], closed=dt.date(2025, 5, 9))]
    assert one(store, changed(store, risks=closed)).action is Action.RISK_CLOSED
    worse = [msgspec.structs.replace(first.risks[0], severity=Severity.CRITICAL)]
    assert one(store, changed(store, risks=worse)).action is Action.RISK_CHANGED

    completed = changed(store, status=Status.COMPLETED, production_ready=dt.date(2025, 5, 20))
    assert one(store, completed).action is Action.CLOSE

    created = upsert(store, implementation(9, customer="Initech"))
    event = one(store, created)
    assert event.action is Action.CREATE and event.customer == "Initech"
    assert Change("customer", None, "Initech") in event.changes

    deleted = one(store, remove(store, "IMP-0002"))
    assert (deleted.action, deleted.implementation, deleted.customer) == (
        Action.DELETE,
        "IMP-0002",
        "Customer 2",
    )

    reference = msgspec.structs.replace(store, kpi=msgspec.structs.replace(store.kpi, target_days=28))
    event = one(store, reference)
    assert event.action is Action.REFERENCE and event.changes == [Change("kpi.target_days", 30, 28)]


def test_a_save_without_a_change_records_nothing() -> None:
    store = sample_store()
    assert events_between(store, store, "x", AT) == []
    stamped = changed(store, updated=AT)  # the server's stamp is no one's change
    assert events_between(store, stamped, "x", AT) == []


def save(parent: str, digest: str) -> Save:
    return Save(at=AT, who="x", parent=parent, digest=digest, events=[])


@pytest.mark.parametrize(
    ("saves", "current", "kept"),
    [
        # A save cut short before its rename, then retried (same or other result).
        ([("P", "X"), ("P", "X"), ("X", "Y")], "Y", [1, 2]),
        ([("P", "X"), ("P", "Y")], "Y", [1]),
        # Cut short, and nothing since.
        ([("O", "P"), ("P", "X")], "P", [0]),
        # A hand edit since the last save.
        ([("P", "D1")], "H", [0]),
        # A save that put back its predecessor's starting point.
        ([("P", "D1"), ("D1", "P"), ("P", "D3")], "D3", [0, 1, 2]),
        # A hand edit, then a save cut short.
        ([("P", "D1"), ("H", "X")], "H", [0]),
    ],
)
def test_landed_tells_a_save_cut_short(saves: list[tuple[str, str]], current: str, kept: list[int]) -> None:
    listed = [save(parent, digest) for parent, digest in saves]
    assert list(landed(listed, current)) == [listed[i] for i in kept]


def test_the_file_ignores_a_torn_last_line_and_cuts_it_on_the_next_append(tmp_path: Path) -> None:
    path = tmp_path / "store.history.jsonl"
    first = Save(at=AT, who="a", parent="", digest="1", events=[])
    append(path, first)
    with path.open("ab") as torn:
        torn.write(b'{"at": "2026-12-01T09:31:00Z", "who": "b", "par')
    assert read(path, None).saves == [first]
    assert read(path, None).unreadable == []
    second = Save(at=AT, who="c", parent="1", digest="2", events=[])
    append(path, second)
    assert read(path, None).saves == [first, second]
    assert path.read_bytes().count(b"\n") == 2


def test_a_spoiled_line_inside_is_counted_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "store.history.jsonl"
    append(path, Save(at=AT, who="a", parent="", digest="1", events=[]))
    with path.open("ab") as spoiled:
        spoiled.write(b"not json\n[1, 2]\n")
    append(path, Save(at=AT, who="b", parent="1", digest="2", events=[]))
    found = read(path, None)
    assert [s.who for s in found.saves] == ["a", "b"] and found.unreadable == [2, 3]


def test_every_save_over_a_file_is_one_line_and_a_new_file_none(tmp_path: Path) -> None:
    path = tmp_path / "store.toml"
    store = FileStore(path, who="Marc LeBlanc")
    store.write(sample_store())
    assert not history_path(path).exists()  # creating a store is not a change of record
    data = store.read()
    store.save_implementation_sync(msgspec.structs.replace(data.implementations[0], notes="one"))
    store.save_implementation_sync(msgspec.structs.replace(data.implementations[1], notes="two"))
    store.delete_implementation_sync("IMP-0003")
    lines = history_path(path).read_bytes().splitlines()
    assert len(lines) == 3
    events = store.history().events()
    assert [(e.action, e.implementation, e.who) for e in events] == [
        (Action.EDIT, "IMP-0001", "Marc LeBlanc"),
        (Action.EDIT, "IMP-0002", "Marc LeBlanc"),
        (Action.DELETE, "IMP-0003", "Marc LeBlanc"),
    ]
    quiet = FileStore(tmp_path / "quiet.toml", history=False)
    quiet.write(sample_store())
    quiet.read()
    quiet.save_implementation_sync(msgspec.structs.replace(data.implementations[0], notes="x"))
    assert not history_path(tmp_path / "quiet.toml").exists()


def test_who_defaults_to_the_login_name_marked_as_such(tmp_path: Path) -> None:
    assert FileStore(tmp_path / "s.toml").who.endswith("(login name)")


def test_select_filters_newest_first() -> None:
    events = [
        Event(at=AT - dt.timedelta(days=3), who="Louis Jarvis", action=Action.EDIT, implementation="A"),
        Event(at=AT - dt.timedelta(days=1), who="Marc LeBlanc", action=Action.EDIT, implementation="B"),
        Event(at=AT, who="Louis Jarvis", action=Action.ADVANCE, implementation="A"),
    ]
    assert select(events) == events[::-1]
    assert select(events, implementation="A") == [events[2], events[0]]
    assert select(events, by="louis", since=(AT - dt.timedelta(days=2)).date()) == [events[2]]


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    path = tmp_path / "store.toml"
    store = FileStore(path, who="Louis Jarvis")
    store.write(sample_store())
    data = store.read()
    first = data.implementations[0]
    done = [first.milestones[0], msgspec.structs.replace(first.milestones[1], actual=dt.date(2025, 5, 8))]
    store.save_implementation_sync(msgspec.structs.replace(first, milestones=done))
    store.save_implementation_sync(msgspec.structs.replace(data.implementations[1], notes="Weekly call"))
    return path


def test_the_command_prints_each_change_newest_first(
    edited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--store", str(edited), "history"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("Louis Jarvis  edit  IMP-0002 Customer 2")
    assert out[1] == "    notes: — → Weekly call"
    assert out[2].endswith("Louis Jarvis  advance  IMP-0001 Customer 1")
    assert out[3] == "    milestones.infrastructure.actual: — → 2025-05-08"


def test_the_command_filters_and_speaks_json(edited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(edited), "history", "IMP-0001", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(e["action"], e["implementation"]) for e in document] == [("advance", "IMP-0001")]
    assert main(["--store", str(edited), "history", "--by", "nobody"]) == 0
    assert "no recorded change matches" in capsys.readouterr().err
    assert main(["--store", str(edited), "history", "--since", "2026-02-30"]) == 2
    assert "--since: '2026-02-30' is not a real date" in capsys.readouterr().err


def test_stored_text_in_the_history_cannot_reach_the_terminal(
    edited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The history file is input like any other: a hand (or hostile) edit.
    hostile = Save(
        at=AT,
        who="\x1b]0;pwned\x07Mallory",
        parent="",
        digest="",
        events=[Event(at=AT, who="\x1b[2J", action=Action.EDIT, changes=[Change("notes", None, "a\nb")])],
    )
    with history_path(edited).open("ab") as out:
        out.write(msgspec.json.encode(hostile) + b"\n")
    FileStore(edited).history()  # the hostile line reads
    assert main(["--store", str(edited), "history"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out and "\\x1b[2J" in captured.out
    assert "notes: — → a\\nb" in captured.out


def test_the_demo_data_has_no_history(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PS_TUI_STORE", raising=False)
    assert main(["history"]) == 2
    assert "keeps no history" in capsys.readouterr().err


def test_risk_owners_are_team_members() -> None:
    store = sample_store()
    risky = [Risk(text="x", opened=dt.date(2025, 5, 2), owner="Nobody Here")]
    with pytest.raises(Exception, match="unknown team member 'Nobody Here'"):
        upsert(store, msgspec.structs.replace(store.implementations[0], risks=risky))
    fine = [
        Risk(
            text="x", opened=dt.date(2025, 5, 2), owner="Alex Fogg", mitigation="call", customer_visible=True
        )
    ]
    upsert(store, msgspec.structs.replace(store.implementations[0], risks=fine))


def test_a_milestone_key_change_reads_as_keys(tmp_path: Path) -> None:
    store = sample_store()
    moved = changed(store, milestones=[Milestone(key="kickoff", actual=dt.date(2025, 5, 1))])
    event = one(store, moved)
    assert any(c.field.startswith("milestones.infrastructure") for c in event.changes)
