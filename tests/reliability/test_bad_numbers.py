"""Numbers no parser of ps-tui can hold: NaN and Infinity (not JSON, though
Python's json reads them), 1e400 (a float that overflows), and integers of
thousands of digits (past Python's conversion limit: a traceback before).
A file is refused at its line (exit 2, untouched); a request body is a 422
naming the field when it is JSON, and a 400 saying why when it is not."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ps_tui.core.numbers import first_bad_json_number, first_long_number
from ps_tui.store.file import encode_store
from tests.helpers import sample_store
from tests.reliability.conftest import FIGURES, child_env
from tests.server_process import ServerProcess, start_server, write_store

TOKEN = "bad-numbers-token-0123456789"
HUGE = "9" * 5000


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ps_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        stdin=subprocess.DEVNULL,
    )


def json_store_with(tmp_path: Path, number: str) -> Path:
    """A valid JSON store whose first implementation's ARR is `number`, as written."""
    text = json.dumps(json.loads(encode_store(sample_store(), "json")), indent=2)
    marker = '"arr": '
    start = text.index(marker) + len(marker)
    end = start + len(text[start:].split(",", 1)[0].split("\n", 1)[0])
    path = tmp_path / "store.json"
    path.write_text(text[:start] + number + text[end:])
    return path


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("NaN", "NaN is not standard JSON"),
        ("Infinity", "Infinity is not standard JSON"),
        ("-Infinity", "-Infinity is not standard JSON"),
        ("1e400", "1e400 is out of range"),
        (HUGE, "a number of 5,000 digits is out of range"),
    ],
)
def test_a_json_store_with_an_unreadable_number_names_its_line(
    tmp_path: Path, number: str, said: str
) -> None:
    path = json_store_with(tmp_path, number)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if number in text)
    before = path.read_bytes()
    for args in (["validate", str(path)], ["--store", str(path), "list"]):
        result = run_cli(*args)
        assert result.returncode == 2, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert f"{path}:{line}: JSON: {said}" in output, output
        assert "Traceback" not in output
    assert path.read_bytes() == before
    FIGURES["bad numbers: files refused at their line"] += 1


def test_a_toml_store_with_an_integer_of_5000_digits_names_its_line(tmp_path: Path) -> None:
    text = encode_store(sample_store(), "toml").decode()
    start = text.index("arr = ") + len("arr = ")
    end = text.index("\n", start)
    path = tmp_path / "store.toml"
    path.write_text(text[:start] + HUGE + text[end:])
    line = text[:start].count("\n") + 1
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert f"{path}:{line}: a number of 5,000 digits is out of range" in output, output
    assert "Traceback" not in output
    FIGURES["bad numbers: files refused at their line"] += 1


def test_the_scan_skips_strings_and_finds_the_number() -> None:
    text = '{"customer": "NaN Infinity 1e400 ' + "9" * 40 + '",\n "arr": 1e999}'
    found = first_bad_json_number(text)
    assert found is not None and found.line(text) == 2 and text[found.offset :].startswith("1e999")
    assert first_bad_json_number('{"a": 1.5e300, "b": -12, "c": "NaN"}') is None
    long = first_long_number("a = 1\nb = " + "1_000" * 10 + "\n")
    assert long is not None and long.line("a = 1\nb = ") == 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = start_server(write_store(tmp_path_factory.mktemp("numbers") / "store.toml"), token=TOKEN)
    try:
        yield process
    finally:
        process.stop()


@pytest.mark.parametrize(
    ("arr", "status", "said"),
    [
        ("1e400", 422, "out of range (numbers go up to 9,007,199,254,740,991)"),
        (HUGE, 422, "out of range (numbers go up to 9,007,199,254,740,991)"),
        ("NaN", 400, "NaN is not standard JSON"),
        ("-Infinity", 400, "-Infinity is not standard JSON"),
    ],
)
def test_a_body_with_an_unreadable_number_is_answered_in_words(
    server: ServerProcess, arr: str, status: int, said: str
) -> None:
    body = '{"id": "numbers-1", "customer": "Numbers Co", "arr": ' + arr + "}"
    answer = httpx.post(
        f"{server.url}/api/v1/implementations",
        content=body,
        headers={**server.headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == status, answer.text
    document = answer.json()
    if status == 422:
        assert document["problems"] == [{"path": "arr", "message": said}]
    else:
        assert said in document["error"]
    FIGURES["bad numbers: bodies answered in words"] += 1


def test_a_cut_body_with_a_huge_number_is_still_malformed(server: ServerProcess) -> None:
    answer = httpx.post(
        f"{server.url}/api/v1/implementations",
        content='{"id": "numbers-2", "arr": 1e400',
        headers={**server.headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "malformed JSON" in answer.json()["error"]
    assert "Traceback" not in server.log()
