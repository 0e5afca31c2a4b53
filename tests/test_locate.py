"""Line numbers for field paths in TOML and JSON text."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import msgspec
import pytest

from ps_tui.store.file import encode_store
from ps_tui.store.locate import json_lines, line_of, toml_lines
from tests.helpers import implementation, reference


def lines_of(text: str) -> dict[str, int]:
    return toml_lines(textwrap.dedent(text).lstrip("\n"))


# --- TOML ---------------------------------------------------------------------


def test_toml_top_level_keys_and_tables() -> None:
    found = lines_of(
        """
        # a comment
        schema_version = 1
        purpose = "x"

        [kpi]
        target_days = 30
        "at_risk_days" = 21
        """
    )
    assert found == {
        "schema_version": 2,
        "purpose": 3,
        "kpi": 5,
        "kpi.target_days": 6,
        "kpi.at_risk_days": 7,
    }


def test_toml_arrays_of_tables_are_indexed() -> None:
    found = lines_of(
        """
        [[segments]]
        id = "smb"

        [[segments]]
        id = "mm"
        name = "Mid-market"

        [discounts]
        approval = ""

        [[discounts.rules]]
        segment = "smb"

        [[discounts.rules]]
        segment = "mm"
        """
    )
    assert found["segments[0]"] == 1
    assert found["segments[0].id"] == 2
    assert found["segments[1]"] == 4
    assert found["segments[1].name"] == 6
    assert found["discounts"] == 8
    assert found["discounts.rules[0].segment"] == 12
    assert found["discounts.rules[1]"] == 14
    assert found["discounts.rules[1].segment"] == 15


def test_toml_nested_arrays_of_tables_count_per_parent() -> None:
    found = lines_of(
        """
        [[implementations]]
        id = "A"

        [[implementations.risks]]
        text = "first risk of A"

        [[implementations.risks]]
        text = "second risk of A"

        [[implementations]]
        id = "B"

        [[implementations.risks]]
        text = "first risk of B"
        """
    )
    assert found["implementations[0].id"] == 2
    assert found["implementations[0].risks[0].text"] == 5
    assert found["implementations[0].risks[1].text"] == 8
    assert found["implementations[1].id"] == 11
    # B's risks start again at 0.
    assert found["implementations[1].risks[0]"] == 13
    assert found["implementations[1].risks[0].text"] == 14
    assert "implementations[1].risks[1]" not in found


def test_toml_multi_line_inline_arrays_index_each_element() -> None:
    found = lines_of(
        """
        [[implementations]]
        id = "A"
        milestones = [
            { key = "kickoff", owner = "Nobody" },
            # a comment inside the array

            { key = "x" },
        ]
        notes = "after the array"
        """
    )
    assert found["implementations[0].milestones"] == 3
    assert found["implementations[0].milestones[0]"] == 4
    assert found["implementations[0].milestones[1]"] == 7
    assert "implementations[0].milestones[2]" not in found
    assert found["implementations[0].notes"] == 9


def test_toml_lines_of_tomli_w_output() -> None:
    """The writer's own style (inline tables in multi-line arrays) is located."""
    store = msgspec.structs.replace(
        reference(),
        implementations=[implementation(1), implementation(2, notes="second")],
    )
    text = encode_store(store, "toml").decode()
    found = toml_lines(text)
    rows = text.splitlines()
    for path, needle in [
        ("schema_version", "schema_version = 1"),
        ("implementations[1].notes", 'notes = "second"'),
        ("members[3].name", 'name = "Alex Fogg"'),
    ]:
        line = line_of(path, found)
        assert line is not None, path
        assert needle in rows[line - 1], (path, rows[line - 1])
    owner = line_of("implementations[0].milestones[0].owner", found)
    assert owner is not None
    assert 'owner = "Marc LeBlanc"' in rows[owner - 1]


# --- JSON ---------------------------------------------------------------------


def test_json_lines_of_nested_values() -> None:
    text = textwrap.dedent(
        """\
        {
          "schema_version": 1,
          "kpi": {"target_days": 30},
          "implementations": [
            {
              "id": "A",
              "arr": -5,
              "notes": "tricky: [brackets], {braces}, \\"quotes\\", commas",
              "milestones": [{"key": "x"}, {"key": "y"}]
            },
            {"id": "B",
             "arr": 3}
          ]
        }
        """
    )
    json.loads(text)  # the fixture itself is valid JSON
    found = json_lines(text)
    assert found["schema_version"] == 2
    assert found["kpi"] == 3
    assert found["kpi.target_days"] == 3
    assert found["implementations"] == 4
    assert found["implementations[0]"] == 5
    assert found["implementations[0].arr"] == 7
    assert found["implementations[0].milestones[1].key"] == 9
    assert found["implementations[1]"] == 11
    assert found["implementations[1].id"] == 11
    assert found["implementations[1].arr"] == 12


def test_json_lines_of_compact_json_are_all_line_one() -> None:
    found = json_lines('{"a": [1, {"b": 2}], "c": null}')
    assert found == {"a": 1, "a[0]": 1, "a[1]": 1, "a[1].b": 1, "c": 1}


def test_json_lines_of_encoded_store() -> None:
    store = msgspec.structs.replace(reference(), implementations=[implementation(1), implementation(2)])
    text = encode_store(store, "json").decode()
    rows = text.splitlines()
    found = json_lines(text)
    line = found["implementations[1].customer"]
    assert '"customer": "Customer 2"' in rows[line - 1]
    line = found["implementations[0].kickoff"]
    assert f'"kickoff": "{dt.date(2025, 5, 1).isoformat()}"' in rows[line - 1]


# --- line_of ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("implementations[0].arr", 7),  # exact
        ("implementations[0].milestones[0].owner", 5),  # inline table: its element's line
        ("implementations[0].missing_field", 2),  # the enclosing table
        ("implementations[3].arr", None),  # no such entry and no line for the list itself
        ("implementations", None),
        ("kpi.target_days", 10),
        ("kpi.unknown", 9),
        ("nothing.at.all", None),
        ("", None),
    ],
)
def test_line_of_falls_back_to_the_parent(path: str, expected: int | None) -> None:
    found = lines_of(
        """
        schema_version = 1
        [[implementations]]
        id = "A"
        milestones = [
            { key = "kickoff", owner = "Nobody" },
        ]
        arr = -5

        [kpi]
        target_days = 0
        """
    )
    assert line_of(path, found) == expected


def test_line_of_with_json_fallback() -> None:
    found = json_lines('{\n  "implementations": [\n    {\n      "id": "A"\n    }\n  ]\n}')
    assert line_of("implementations[0].id", found) == 4
    assert line_of("implementations[0].arr", found) == 3
    assert line_of("implementations[5].arr", found) == 2
