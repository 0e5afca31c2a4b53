"""Saves are surgical: a save changes the lines of what changed and nothing else.

Golden files: a hand-written store (comments, blank lines, odd key order,
default-valued keys, tables and inline tables, a multi-line string, a
multi-line inline array with comments) goes through each kind of edit with
`FileStore`, the path every front end saves through. Each test states the
whole expected file as the original with the edit's lines replaced.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import msgspec
import pytest

from ps_tui.core.model import Implementation, Kpi, Milestone, Risk, Status, StoreFile
from ps_tui.store.file import FileStore, encode_store
from ps_tui.store.json_edit import edit_json
from ps_tui.store.toml_edit import edit_toml
from ps_tui.store.toml_write import dump_store

FIXTURE = Path(__file__).parent / "fixtures" / "hand_store.toml"
ORIGINAL = FIXTURE.read_text(encoding="utf-8")


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    """`text` with each snippet (which must occur exactly once) replaced."""
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    path = tmp_path / "store.toml"
    shutil.copyfile(FIXTURE, path)
    opened = FileStore(path)
    opened.read()
    return opened


def impl(store: FileStore, implementation_id: str) -> Implementation:
    data = store.read()
    return next(i for i in data.implementations if i.id == implementation_id)


def saved_text(store: FileStore) -> str:
    text = store.path.read_text(encoding="utf-8")
    # What was written is what a reader gets back.
    assert FileStore(store.path).read() == store.read()
    return text


def test_edit_changes_one_line(store: FileStore) -> None:
    edited = msgspec.structs.replace(impl(store, "IMP-0002"), customer="Initech Corp")
    store.save_implementation_sync(edited)
    assert saved_text(store) == replaced(ORIGINAL, ("customer = 'Initech'\n", 'customer = "Initech Corp"\n'))


def test_edit_keeps_trailing_comment_and_default_valued_keys(store: FileStore) -> None:
    edited = msgspec.structs.replace(impl(store, "IMP-0001"), status=Status.ON_HOLD, arr=250_000)
    store.save_implementation_sync(edited)
    assert saved_text(store) == replaced(
        ORIGINAL,
        ('status = "active"          # started late', 'status = "on_hold"          # started late'),
        ("arr = 0                    # not known yet", "arr = 250000                    # not known yet"),
    )


def test_cleared_field_loses_its_line_and_new_field_sits_by_its_neighbours(store: FileStore) -> None:
    edited = msgspec.structs.replace(
        impl(store, "IMP-0002"), developers=None, project_manager="Andrew Norrish", notes="Call on Tuesday"
    )
    store.save_implementation_sync(edited)
    assert saved_text(store) == replaced(
        ORIGINAL,
        ('segment = "mm"\ndevelopers = 300\n', 'segment = "mm"\n'),
        (
            'ie_owner = "Marc LeBlanc"\n',
            'ie_owner = "Marc LeBlanc"\nproject_manager = "Andrew Norrish"\nnotes = "Call on Tuesday"\n',
        ),
    )


def test_advance_a_milestone_table(store: FileStore) -> None:
    current = impl(store, "IMP-0001")
    milestones = [
        current.milestones[0],
        msgspec.structs.replace(current.milestones[1], actual=dt.date(2026, 11, 21)),
    ]
    store.save_implementation_sync(msgspec.structs.replace(current, milestones=milestones))
    assert saved_text(store) == replaced(
        ORIGINAL, ("planned = 2026-11-20\n", "planned = 2026-11-20\nactual = 2026-11-21\n")
    )


def test_advance_an_inline_milestone_keeps_the_other_lines_and_comments(store: FileStore) -> None:
    current = impl(store, "IMP-0002")
    milestones = [
        current.milestones[0],
        msgspec.structs.replace(current.milestones[1], actual=dt.date(2026, 11, 24)),
        Milestone(key="go_live", planned=dt.date(2026, 12, 1)),
    ]
    store.save_implementation_sync(msgspec.structs.replace(current, milestones=milestones))
    assert saved_text(store) == replaced(
        ORIGINAL,
        (
            '  { key = "configuration", planned = 2026-11-25 },  # agreed by mail\n',
            '  { key = "configuration", planned = 2026-11-25, actual = 2026-11-24 },  # agreed by mail\n'
            '  { key = "go_live", planned = 2026-12-01 },\n',
        ),
    )


def test_close_an_implementation(store: FileStore) -> None:
    current = impl(store, "IMP-0001")
    closed = msgspec.structs.replace(
        current,
        status=Status.COMPLETED,
        production_ready=dt.date(2026, 11, 28),
        milestones=[*current.milestones, Milestone(key="go_live", actual=dt.date(2026, 11, 28))],
    )
    store.save_implementation_sync(closed)
    assert saved_text(store) == replaced(
        ORIGINAL,
        ('status = "active"          #', 'status = "completed"          #'),
        ("kickoff = 2026-11-02\narr = 0", "kickoff = 2026-11-02\nproduction_ready = 2026-11-28\narr = 0"),
        (
            "planned = 2026-11-20\n",
            'planned = 2026-11-20\n\n[[implementations.milestones]]\nkey = "go_live"\nactual = 2026-11-28\n',
        ),
    )


def test_new_implementation_is_appended_after_the_last_one(store: FileStore) -> None:
    new = Implementation(
        id="IMP-0004",
        customer='Acme "Rockets"',
        segment="mm",
        developers=150,
        kickoff=dt.date(2026, 11, 30),
        ie_owner="Marc LeBlanc",
        milestones=[Milestone(key="kickoff", actual=dt.date(2026, 11, 30))],
        risks=[Risk(text="No VPN yet", opened=dt.date(2026, 11, 30))],
    )
    store.save_implementation_sync(new)
    block = (
        "\n[[implementations]]\n"
        'id = "IMP-0004"\ncustomer = "Acme \\"Rockets\\""\nsegment = "mm"\ndevelopers = 150\n'
        'kickoff = 2026-11-30\nie_owner = "Marc LeBlanc"\n'
        '\n[[implementations.milestones]]\nkey = "kickoff"\nactual = 2026-11-30\n'
        '\n[[implementations.risks]]\ntext = "No VPN yet"\nopened = 2026-11-30\n'
    )
    assert saved_text(store) == replaced(
        ORIGINAL, ('key = "go_live"\nactual = 2026-09-28\n', 'key = "go_live"\nactual = 2026-09-28\n' + block)
    )


def test_delete_removes_only_its_lines(store: FileStore) -> None:
    store.delete_implementation_sync("IMP-0002")
    start = ORIGINAL.index('[[implementations]]\nid = "IMP-0002"')
    end = ORIGINAL.index("# Completed last month.")
    assert saved_text(store) == ORIGINAL[:start] + ORIGINAL[end:]


def test_delete_the_last_one_keeps_the_comment_after_it(store: FileStore) -> None:
    store.delete_implementation_sync("IMP-0003")
    start = ORIGINAL.index('[[implementations]]\nid = "IMP-0003"')
    end = ORIGINAL.index("# End of file")
    assert saved_text(store) == ORIGINAL[:start] + ORIGINAL[end:]


def test_reference_change_touches_only_its_lines(store: FileStore) -> None:
    reference = store.read().reference
    members = list(reference.members)
    members[1] = msgspec.structs.replace(members[1], slack="@marc")
    aliases = ["ent", "large", "big"]
    segments = [reference.segments[0], msgspec.structs.replace(reference.segments[1], aliases=aliases)]
    changed = msgspec.structs.replace(
        reference,
        kpi=Kpi(target_days=28, at_risk_days=21),
        load=msgspec.structs.replace(reference.load, pm_share=0.3),
        members=members,
        segments=segments,
    )
    store.save_reference_sync(changed)
    assert saved_text(store) == replaced(
        ORIGINAL,
        ("target_days = 30\n", "target_days = 28\n"),
        (
            'load = { pm_share = 0.25, ra_package = "ra_standard" }',
            'load = { pm_share = 0.3, ra_package = "ra_standard" }',
        ),
        (
            'aliases = [\n  "ent",    # what sales says\n  "large",\n]',
            'aliases = [\n  "ent",\n  "large",\n  "big",\n]',
        ),
        (
            'role = "implementation_engineer"\n\n[[members]]\nname = "Andrew',
            'role = "implementation_engineer"\nslack = "@marc"\n\n[[members]]\nname = "Andrew',
        ),
    )


def test_a_header_line_inside_a_string_is_not_taken_for_one(tmp_path: Path) -> None:
    text = ORIGINAL.replace(
        "[[implementations]] is not a header inside a string.\n", "[[implementations]]\n[kpi]\n"
    )
    path = tmp_path / "store.toml"
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    data = store.read()
    assert len(data.implementations) == 3
    edited = msgspec.structs.replace(data.implementations[0], customer="Globex Corp")
    store.save_implementation_sync(edited)
    store.save_reference_sync(msgspec.structs.replace(data.reference, kpi=Kpi(target_days=25)))
    assert path.read_text(encoding="utf-8") == replaced(
        text, ('customer = "Globex"', 'customer = "Globex Corp"'), ("target_days = 30", "target_days = 25")
    )


def test_a_hundred_saves_keep_every_comment_and_key(store: FileStore) -> None:
    """The issue's acceptance: 100 saves of every kind; the diff shows only the edits."""
    for round_ in range(100):
        data = store.read()
        kind = round_ % 5
        if kind == 0:
            target = data.implementations[round_ % 2]
            store.save_implementation_sync(msgspec.structs.replace(target, notes=f"round {round_}"))
        elif kind == 1:
            store.save_implementation_sync(
                Implementation(id=f"IMP-{100 + round_}", customer=f"Temp {round_}", segment="mm")
            )
        elif kind == 2:
            store.delete_implementation_sync(f"IMP-{100 + round_ - 1}")
        elif kind == 3:
            store.save_reference_sync(
                msgspec.structs.replace(data.reference, kpi=Kpi(target_days=30 + round_ % 2))
            )
        else:
            target = data.implementations[2]
            store.save_implementation_sync(msgspec.structs.replace(target, arr=round_))
    data = store.read()
    expected = replaced(
        ORIGINAL,
        (_NOTES, f'notes = "round {_last(0, 0)}"\n'),
        ('ie_owner = "Marc LeBlanc"\n', f'ie_owner = "Marc LeBlanc"\nnotes = "round {_last(0, 1)}"\n'),
        ("target_days = 30\n", f"target_days = {30 + _last(3, 0) % 2}\n"),
        (
            'segment = "enterprise"\nstatus = "completed"',
            f'segment = "enterprise"\narr = {_last(4, 0)}\nstatus = "completed"',
        ),
    )
    assert store.path.read_text(encoding="utf-8") == expected
    assert len(data.implementations) == 3


_NOTES = (
    'notes = """\nWaiting for the customer\'s VPN.\n'
    '[[implementations]] is not a header inside a string.\n"""\n'
)


def _last(kind: int, parity: int) -> int:
    """The last round of the 100 in which `kind` ran on an even/odd target."""
    return max(r for r in range(100) if r % 5 == kind and (kind != 0 or r % 2 == parity))


def test_multi_line_notes_are_written_as_a_multi_line_string(store: FileStore) -> None:
    notes = 'Kickoff call went well.\nNext: "VPN" access, see C:\\vpn\\setup.'
    store.save_implementation_sync(msgspec.structs.replace(impl(store, "IMP-0002"), notes=notes))
    # A line of the file a line of the text; the rest of the file as it was.
    assert saved_text(store) == replaced(
        ORIGINAL,
        (
            'ie_owner = "Marc LeBlanc"\n',
            'ie_owner = "Marc LeBlanc"\nnotes = """\nKickoff call went well.\n'
            'Next: \\"VPN\\" access, see C:\\\\vpn\\\\setup."""\n',
        ),
    )
    assert impl(FileStore(store.path), "IMP-0002").notes == notes


def test_multi_line_notes_replace_a_multi_line_string_in_place(store: FileStore) -> None:
    notes = "VPN is up.\n[[implementations]] still is no header."
    store.save_implementation_sync(msgspec.structs.replace(impl(store, "IMP-0001"), notes=notes))
    assert saved_text(store) == replaced(
        ORIGINAL, (_NOTES, 'notes = """\nVPN is up.\n[[implementations]] still is no header."""\n')
    )


# -- JSON -------------------------------------------------------------------------


def test_json_edit_touches_only_its_members(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    data = FileStore(FIXTURE).read()
    text = json.dumps(json.loads(encode_store(data, "json")), indent=4) + "\n"
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    store.read()
    current = data.implementations[1]
    store.save_implementation_sync(msgspec.structs.replace(current, customer="Initech Corp", developers=None))
    assert path.read_text(encoding="utf-8") == replaced(
        text,
        (
            '"customer": "Initech",\n            "segment": "mm",\n            "developers": 300,\n',
            '"customer": "Initech Corp",\n            "segment": "mm",\n',
        ),
    )


def test_json_edit_writes_multi_line_notes_in_their_member(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    data = FileStore(FIXTURE).read()
    text = json.dumps(json.loads(encode_store(data, "json")), indent=4) + "\n"
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    store.read()
    first = data.implementations[0]
    store.save_implementation_sync(msgspec.structs.replace(first, notes='VPN is up.\nSay "thanks".'))
    assert path.read_text(encoding="utf-8") == replaced(
        text, (json.dumps(first.notes), json.dumps('VPN is up.\nSay "thanks".'))
    )
    assert FileStore(path).read().implementations[0].notes == 'VPN is up.\nSay "thanks".'


# -- the layout the app writes ------------------------------------------------------


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_a_file_the_app_writes_keeps_its_layout_on_the_next_save(tmp_path: Path, kind: str) -> None:
    """An app-written file is in the layout an edit keeps: adding one
    implementation to it gives the same bytes as writing the bigger store anew."""
    data = FileStore(FIXTURE).read()
    smaller = msgspec.structs.replace(data, implementations=data.implementations[:2])
    path = tmp_path / f"store.{kind}"
    store = FileStore(path)
    store.write(smaller)
    store.save_implementation_sync(data.implementations[2])
    assert path.read_bytes() == encode_store(data, kind)


def test_dump_store_round_trips_and_writes_the_kpi_target() -> None:
    data = FileStore(FIXTURE).read()
    text = dump_store(data)
    assert "target_days = 30" in text
    assert msgspec.convert(tomllib.loads(text), StoreFile) == data


def test_edit_of_an_unchanged_store_returns_the_text() -> None:
    data = FileStore(FIXTURE).read()
    assert edit_toml(ORIGINAL, data, data) is ORIGINAL
    json_text = encode_store(data, "json").decode()
    assert edit_json(json_text, data, data) is json_text


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_key_added_on_the_last_line_of_the_file(tmp_path: Path, ending: str) -> None:
    """Found by the property test: the insertion point was the file's very end."""
    path = tmp_path / "store.toml"
    text = ORIGINAL[: ORIGINAL.index("# Completed last month.")].rstrip("\n") + ending
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    initech = next(i for i in store.read().implementations if i.id == "IMP-0002")
    stamp = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    store.save_implementation_sync(msgspec.structs.replace(initech, updated=stamp))
    expected = text.rstrip("\n") + "\nupdated = 2026-11-30T09:00:00+00:00\n"
    assert path.read_text(encoding="utf-8") == expected


def test_the_first_implementation_of_an_init_store_takes_the_apps_layout(tmp_path: Path) -> None:
    """With no implementation to copy the style of, milestones and risks are
    arrays of inline tables, one a line (each change a one-line diff)."""
    from ps_tui.data import reference_text

    path = tmp_path / "store.toml"
    text = reference_text()
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    store.read()
    new = Implementation(
        id="IMP-0001",
        customer="Acme",
        segment="enterprise",
        status=Status.ACTIVE,
        kickoff=dt.date(2026, 11, 30),
        milestones=[
            Milestone(key="kickoff", actual=dt.date(2026, 11, 30)),
            Milestone(key="infrastructure", planned=dt.date(2026, 12, 5)),
        ],
        risks=[Risk(text="VPN", opened=dt.date(2026, 11, 30))],
    )
    store.save_implementation_sync(new)
    assert path.read_text(encoding="utf-8") == text + (
        "\n[[implementations]]\n"
        'id = "IMP-0001"\ncustomer = "Acme"\nsegment = "enterprise"\n'
        'status = "active"\nkickoff = 2026-11-30\n'
        "milestones = [\n"
        '  { key = "kickoff", actual = 2026-11-30 },\n'
        '  { key = "infrastructure", planned = 2026-12-05 },\n'
        "]\n"
        'risks = [\n  { text = "VPN", opened = 2026-11-30 },\n]\n'
    )
    # A milestone reached later is a one-line diff.
    saved = store.read().implementations[0]
    moved = [saved.milestones[0], msgspec.structs.replace(saved.milestones[1], actual=dt.date(2026, 12, 4))]
    before = path.read_text(encoding="utf-8")
    store.save_implementation_sync(msgspec.structs.replace(saved, milestones=moved))
    assert path.read_text(encoding="utf-8") == replaced(
        before,
        (
            '{ key = "infrastructure", planned = 2026-12-05 }',
            '{ key = "infrastructure", planned = 2026-12-05, actual = 2026-12-04 }',
        ),
    )


def test_json_removing_the_last_two_members_of_an_object(tmp_path: Path) -> None:
    """Each removal takes its own comma: the two cuts never overlap (which
    would have sent the save to a whole-file rewrite)."""
    data = FileStore(FIXTURE).read()
    lone = Implementation(
        id="IMP-0009", customer="Lone", segment="mm", developers=150, ie_owner="Marc LeBlanc"
    )
    data = msgspec.structs.replace(data, implementations=[lone])
    path = tmp_path / "store.json"
    # Four-space indents, unlike the app's two: a rewrite would show.
    text = json.dumps(json.loads(encode_store(data, "json")), indent=4) + "\n"
    path.write_text(text, encoding="utf-8")
    store = FileStore(path)
    store.read()
    store.save_implementation_sync(msgspec.structs.replace(lone, developers=None, ie_owner=None))
    members = '"segment": "mm",\n            "developers": 150,\n            "ie_owner": "Marc LeBlanc"\n'
    assert path.read_text(encoding="utf-8") == replaced(text, (members, '"segment": "mm"\n'))


def test_a_slack_channel_is_one_line_added_and_one_taken_away(store: FileStore) -> None:
    edited = msgspec.structs.replace(impl(store, "IMP-0002"), slack_channel="#ext-initech")
    store.save_implementation_sync(edited)
    with_channel = replaced(
        ORIGINAL,
        ('ie_owner = "Marc LeBlanc"\n', 'ie_owner = "Marc LeBlanc"\nslack_channel = "#ext-initech"\n'),
    )
    assert saved_text(store) == with_channel
    store.save_implementation_sync(msgspec.structs.replace(edited, slack_channel=None))
    assert saved_text(store) == ORIGINAL
