"""Schemathesis against a running `ps-tui serve`: every operation of its
/openapi.json, a bounded number of generated requests each (valid and
invalid), with the token. No request may get a 5xx, every response must match
the schema the server publishes, and afterwards the store file must still be
a valid store.

Generated implementations rarely fit the reference data (a random segment is
unknown), so half of the well-formed ones are repaired to fit it before they
are sent: the happy path (saving odd but valid data: far dates, huge ARRs,
any text) is fuzzed too, and the KPI and lookup then run over what was saved.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from ps_tui.core.model import StoreFile
from ps_tui.store.file import FileStore
from tests.server_process import ServerProcess, isolated_env, start_server, write_store

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

TOKEN = "fuzz-token-7d2e"
#: Generated requests per operation and generation phase; keeps the module
#: well under a minute.
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    store_path = write_store(tmp_path_factory.mktemp("fuzz") / "store.toml")
    process = start_server(store_path, token=TOKEN)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def api_schema(fuzzed: ServerProcess) -> Any:
    return schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json")


@pytest.fixture(scope="module")
def reference(fuzzed: ServerProcess) -> StoreFile:
    return FileStore(fuzzed.store_path).read()


# The event stream takes no input and never ends: a fuzzer would wait on it
# for its whole timeout each time (tests/test_live.py covers it).
schema = schemathesis.pytest.from_fixture("api_schema").exclude(path="/api/v1/events")


def _pick(options: list[str], seed: int) -> str:
    return options[seed % len(options)]


def fit_reference(body: dict[str, Any], reference: StoreFile, seed: int) -> None:
    """Make a well-formed implementation fit the reference data (the rules of
    check_implementation), keeping its odd values (dates, numbers, text)."""
    members = [m.name for m in reference.members]
    body["segment"] = _pick([s.id for s in reference.segments], seed)
    if body.get("package") != "custom":
        body["package"] = _pick([p.id for p in reference.packages], seed)
    else:
        body.setdefault("package_hours", 40)
        body.setdefault("package_days", 30)
        body["package_hours"] = 40 if body["package_hours"] is None else body["package_hours"]
        body["package_days"] = 30 if body["package_days"] is None else body["package_days"]
    for name in ("ie_owner", "project_manager", "resident_architect"):
        if body.get(name) is not None:
            body[name] = _pick(members, seed)
    keys = [m.key for m in reference.milestones]
    milestones = body.get("milestones") or []
    body["milestones"] = milestones[: len(keys)]
    for index, milestone in enumerate(body["milestones"]):
        milestone["key"] = keys[index]
        if milestone.get("owner") is not None:
            milestone["owner"] = _pick(members, seed + index)
    for risk in body.get("risks") or []:
        if risk.get("closed") is not None and risk["closed"] < risk["opened"]:
            risk["closed"] = None
    status = body.get("status", "planned")
    if status in ("active", "completed") and body.get("kickoff") is None:
        body["kickoff"] = body.get("production_ready") or "2026-11-02"
    if status == "completed" and body.get("production_ready") is None:
        body["production_ready"] = body["kickoff"]
    kickoff, ready = body.get("kickoff"), body.get("production_ready")
    if kickoff is not None and ready is not None and ready < kickoff:
        body["kickoff"], body["production_ready"] = ready, kickoff


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Any, fuzzed: ServerProcess, reference: StoreFile) -> None:
    from schemathesis.checks import (
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    body = case.body
    path = case.operation.path
    meta = case.meta
    well_formed = meta is not None and not meta.is_negative_at("body")
    if path.startswith("/api/v1/implementations") and isinstance(body, dict) and well_formed:
        seed = zlib.crc32(repr(sorted(body.items(), key=str)).encode())
        if seed % 2 and isinstance(body.get("id"), str):
            fit_reference(body, reference, seed)
            if case.method.upper() == "PUT":
                # Update one of the demo implementations, so that it exists,
                # and (mostly) without a random If-Match that would refuse it.
                body["id"] = f"IMP-{seed % 12 + 1:04d}"
                case.path_parameters = {"implementation_id": body["id"]}
                if case.headers and seed % 3:
                    case.headers = {k: v for k, v in case.headers.items() if k.lower() != "if-match"}
            else:
                body["id"] = f"FUZZ-{seed:08x}"  # new, so not a 409 every time
            case.body = body
    case.call_and_validate(
        base_url=fuzzed.url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
        timeout=30,
    )


def test_no_server_error_and_the_store_still_validates(fuzzed: ServerProcess) -> None:
    """After the fuzzing (this module's tests run in file order)."""
    statuses = re.findall(r"^INFO: +[A-Z]+ \S+ (\d{3}) ", fuzzed.log(), re.M)
    assert statuses, "the fuzzing reached the server"
    assert not [s for s in statuses if s.startswith("5")]
    assert "internal error" not in fuzzed.log()
    # Some generated implementations were saved, so the happy path was fuzzed.
    assert re.search(r"^INFO: +POST /api/v1/implementations 201 ", fuzzed.log(), re.M)
    result = subprocess.run(
        [sys.executable, "-m", "ps_tui", "validate", str(fuzzed.store_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=isolated_env(Path(fuzzed.store_path).parent / "cli-home", None),
    )
    assert result.returncode == 0, result.stdout + result.stderr
