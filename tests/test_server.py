"""`ps-tui serve` in a real process on loopback, driven with plain httpx.

One server (module scope) serves a temporary copy of the default store; each
test makes its own implementations (ids `SRV-...`) and compares with what the
store file on disk says at that moment, so the tests do not depend on their
order. The last test checks that the file still validates after every write.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import msgspec
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from ps_tui.core.model import Implementation, Milestone, Status, StoreFile, etag
from ps_tui.core.validate import InvalidData, check_implementation
from ps_tui.store.errors import StoreInvalid
from ps_tui.store.file import FileStore
from tests.helpers import implementation
from tests.server_process import TODAY, ServerProcess, isolated_env, start_server, write_store

TOKEN = "test-token-5f1c9"
UNAUTHORIZED = {
    "error": "missing, wrong or revoked bearer token; set token/PS_TUI_TOKEN on the client to your "
    "own token (`ps-tui serve token add NAME` on the server) or to the server's PS_TUI_SERVER_TOKEN"
}
API = "/api/v1"


class Served(NamedTuple):
    url: str
    token: str
    store_path: Path
    process: ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`ps-tui serve` over a fresh default store (dated 2026-11-30), token set."""
    store_path = write_store(tmp_path_factory.mktemp("served") / "store.toml")
    process = start_server(store_path, token=TOKEN)
    try:
        yield Served(process.url, TOKEN, store_path, process)
    finally:
        process.stop()


@pytest.fixture
def client(server: Served) -> Iterator[httpx.Client]:
    """A client with the token (for writes)."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http


@pytest.fixture
def anonymous(server: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url) as http:
        yield http


def on_disk(server: Served) -> StoreFile:
    return FileStore(server.store_path).read()


def body(impl: Implementation) -> dict[str, Any]:
    result: dict[str, Any] = msgspec.to_builtins(impl)
    return result


def new(number: int, **changes: Any) -> Implementation:
    """A valid implementation (against the bundled reference) with id SRV-<number>."""
    return msgspec.structs.replace(implementation(number, **changes), id=f"SRV-{number}")


def decode(response: httpx.Response) -> Implementation:
    return msgspec.json.decode(response.content, type=Implementation)


def quoted_etag(impl: Implementation) -> str:
    return f'"{etag(impl)}"'


def create(client: httpx.Client, impl: Implementation) -> httpx.Response:
    response = client.post(f"{API}/implementations", json=body(impl))
    assert response.status_code == 201, response.text
    return response


def cli(server: Served, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m ps_tui ARGS --store <the served file> --today 2026-11-30`."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ps_tui",
            *args,
            "--store",
            str(server.store_path),
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=isolated_env(server.store_path.parent / "cli-home", None),
    )


# --- reads ----------------------------------------------------------------------------


def test_health(anonymous: httpx.Client) -> None:
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_list_is_every_implementation_in_store_order(server: Served, anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{API}/implementations")
    assert response.status_code == 200
    page = response.json()
    stored = on_disk(server).implementations
    assert [item["id"] for item in page["items"]] == [impl.id for impl in stored]
    assert page["total"] == len(stored)
    assert (page["limit"], page["offset"], page["deleted"], page["complete"]) == (1000, 0, [], True)
    server_time = dt.datetime.fromisoformat(page["server_time"])
    assert server_time.tzinfo is not None
    # Items are the store's implementations, field for field.
    assert msgspec.convert(page["items"], list[Implementation]) == stored


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"status": "active"}, lambda i: i.status is Status.ACTIVE),
        ({"status": "completed"}, lambda i: i.status is Status.COMPLETED),
        ({"owner": "marc leblanc"}, lambda i: i.ie_owner == "Marc LeBlanc"),
        ({"owner": "Marc"}, lambda i: False),  # the whole name, not a part of it
        ({"segment": "enterprise"}, lambda i: i.segment == "enterprise"),
        (
            {"status": "active", "owner": "LOUIS JARVIS", "segment": "strategic"},
            lambda i: i.status is Status.ACTIVE and i.ie_owner == "Louis Jarvis" and i.segment == "strategic",
        ),
    ],
)
def test_filters(server: Served, anonymous: httpx.Client, params: dict[str, str], keep: Any) -> None:
    page = anonymous.get(f"{API}/implementations", params=params).json()
    expected = [impl.id for impl in on_disk(server).implementations if keep(impl)]
    assert [item["id"] for item in page["items"]] == expected
    assert page["total"] == len(expected)
    if "owner" in params and params["owner"] != "Marc":
        assert expected, "the demo data has implementations for this filter"


def test_paging(server: Served, anonymous: httpx.Client) -> None:
    every = [impl.id for impl in on_disk(server).implementations]
    page = anonymous.get(f"{API}/implementations", params={"limit": 5, "offset": 3}).json()
    assert [item["id"] for item in page["items"]] == every[3:8]
    assert (page["total"], page["limit"], page["offset"]) == (len(every), 5, 3)
    beyond = anonymous.get(f"{API}/implementations", params={"offset": len(every) + 10}).json()
    assert beyond["items"] == [] and beyond["total"] == len(every)
    only_count = anonymous.get(f"{API}/implementations", params={"limit": 0}).json()
    assert only_count["items"] == [] and only_count["total"] == len(every)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 10_001},
        {"limit": -1},
        {"offset": -1},
        {"limit": "many"},
        {"status": "bogus"},
        {"updated_since": "yesterday"},
    ],
)
def test_bad_query_is_422(anonymous: httpx.Client, params: dict[str, Any]) -> None:
    response = anonymous.get(f"{API}/implementations", params=params)
    assert response.status_code == 422
    found = response.json()
    assert found["error"] == "invalid request"
    (name,) = params
    assert [p["path"] for p in found["problems"]] == [f"query.{name}"]


def test_get_one_with_etag(server: Served, anonymous: httpx.Client) -> None:
    stored = on_disk(server).implementations[0]
    response = anonymous.get(f"{API}/implementations/{stored.id}")
    assert response.status_code == 200
    assert decode(response) == stored
    assert response.headers["etag"] == quoted_etag(stored)
    # The ETag is the etag() of the very JSON received.
    assert response.headers["etag"] == quoted_etag(decode(response))


def test_get_unknown_is_404(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{API}/implementations/NO-SUCH-ID")
    assert response.status_code == 404
    assert response.json() == {"error": "no implementation with id 'NO-SUCH-ID'"}


def test_reference(server: Served, anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{API}/reference")
    assert response.status_code == 200
    document = response.json()
    assert "implementations" not in document
    assert document["schema_version"] == 1
    decoded = msgspec.convert(document, StoreFile)
    assert decoded.reference == on_disk(server).reference


def test_unknown_route_is_json_404(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{API}/nothing-here")
    assert response.status_code == 404
    assert "error" in response.json()


# --- writes ---------------------------------------------------------------------------


def test_create_then_duplicate(server: Served, client: httpx.Client) -> None:
    impl = new(101)
    before = dt.datetime.now(dt.UTC)
    response = create(client, impl)
    created = decode(response)
    assert created.updated is not None and created.updated.tzinfo is not None
    assert before - dt.timedelta(seconds=5) <= created.updated <= dt.datetime.now(dt.UTC)
    assert msgspec.structs.replace(created, updated=None) == impl
    assert response.headers["etag"] == quoted_etag(created)
    assert response.headers["location"] == f"{API}/implementations/SRV-101"
    assert next(i for i in on_disk(server).implementations if i.id == "SRV-101") == created
    assert decode(client.get(f"{API}/implementations/SRV-101")) == created

    again = client.post(f"{API}/implementations", json=body(impl))
    assert again.status_code == 409
    conflict = again.json()
    assert "already exists" in conflict["error"]
    assert msgspec.convert(conflict["current"], Implementation) == created


def test_create_without_an_id_gets_the_next_one_as_the_tui_gives_it(
    server: Served, client: httpx.Client
) -> None:
    from ps_tui.core.portfolio import next_id

    expected = next_id(on_disk(server))
    fields = body(new(120, customer="No Id Yet"))
    del fields["id"]
    response = client.post(f"{API}/implementations", json=fields)
    assert response.status_code == 201, response.text
    created = decode(response)
    assert created.id == expected
    assert response.headers["location"] == f"{API}/implementations/{expected}"
    assert response.headers["etag"] == quoted_etag(created)
    assert next(i for i in on_disk(server).implementations if i.id == expected) == created
    # Then the one after it; an id given is still checked.
    second = client.post(f"{API}/implementations", json=fields)
    assert second.status_code == 201 and decode(second).id == f"IMP-{int(expected[4:]) + 1:04d}"
    refused = client.post(f"{API}/implementations", json={**fields, "id": "a b"})
    assert refused.status_code == 422 and "id" in refused.json()["problems"][0]["path"]


def test_update_with_if_match(server: Served, client: httpx.Client) -> None:
    created = decode(create(client, new(102)))
    loaded_etag = quoted_etag(created)
    edit = msgspec.structs.replace(created, notes="Kickoff moved to Tuesday")
    response = client.put(
        f"{API}/implementations/SRV-102", json=body(edit), headers={"If-Match": loaded_etag}
    )
    assert response.status_code == 200, response.text
    saved = decode(response)
    assert saved.notes == "Kickoff moved to Tuesday"
    assert saved.updated is not None and created.updated is not None and saved.updated > created.updated
    assert response.headers["etag"] == quoted_etag(saved) != loaded_etag
    assert next(i for i in on_disk(server).implementations if i.id == "SRV-102") == saved

    # The same edit again, from the version loaded before: refused, with the current one.
    stale = client.put(
        f"{API}/implementations/SRV-102",
        json=body(msgspec.structs.replace(created, notes="an older idea")),
        headers={"If-Match": loaded_etag},
    )
    assert stale.status_code == 412
    refused = stale.json()
    assert set(refused) == {"error", "current", "etag"}
    assert "changed since you loaded it" in refused["error"]
    assert msgspec.convert(refused["current"], Implementation) == saved
    assert refused["etag"] == etag(saved)
    assert stale.headers["etag"] == quoted_etag(saved)
    assert next(i for i in on_disk(server).implementations if i.id == "SRV-102") == saved

    # An unquoted tag and `*` match too; without If-Match the last write wins.
    for if_match in (etag(saved), "*"):
        response = client.put(
            f"{API}/implementations/SRV-102", json=body(saved), headers={"If-Match": if_match}
        )
        assert response.status_code == 200, response.text
        saved = decode(response)
    blind = client.put(f"{API}/implementations/SRV-102", json=body(msgspec.structs.replace(created, arr=1)))
    assert blind.status_code == 200
    assert decode(blind).arr == 1


def test_update_refuses_a_different_id_and_an_unknown_one(client: httpx.Client) -> None:
    created = decode(create(client, new(103)))
    moved = client.put(
        f"{API}/implementations/SRV-103", json=body(msgspec.structs.replace(created, id="SRV-X"))
    )
    assert moved.status_code == 422
    assert [p["path"] for p in moved.json()["problems"]] == ["id"]
    missing = client.put(f"{API}/implementations/SRV-404", json=body(new(404)))
    assert missing.status_code == 404


def test_delete(server: Served, client: httpx.Client) -> None:
    created = decode(create(client, new(104)))
    since = client.get(f"{API}/implementations", params={"limit": 0}).json()["server_time"]
    stale = client.delete(f"{API}/implementations/SRV-104", headers={"If-Match": '"0000"'})
    assert stale.status_code == 412
    assert msgspec.convert(stale.json()["current"], Implementation) == created

    response = client.delete(f"{API}/implementations/SRV-104", headers={"If-Match": quoted_etag(created)})
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{API}/implementations/SRV-104").status_code == 404
    assert client.delete(f"{API}/implementations/SRV-104").status_code == 404
    assert "SRV-104" not in {i.id for i in on_disk(server).implementations}

    changes = client.get(f"{API}/implementations", params={"updated_since": since}).json()
    assert "SRV-104" in changes["deleted"]
    assert "SRV-104" not in [item["id"] for item in changes["items"]]
    # Without updated_since, nothing is reported deleted.
    assert client.get(f"{API}/implementations").json()["deleted"] == []


def test_updated_since_returns_only_what_changed(client: httpx.Client) -> None:
    create(client, new(105))
    first = client.get(f"{API}/implementations", params={"limit": 0}).json()
    since = first["server_time"]
    assert client.get(f"{API}/implementations", params={"updated_since": since}).json()["items"] == []

    changed = decode(create(client, new(106)))
    edit = msgspec.structs.replace(changed, notes="changed after since")
    updated = decode(client.put(f"{API}/implementations/SRV-106", json=body(edit)))
    changes = client.get(f"{API}/implementations", params={"updated_since": since}).json()
    assert changes["items"] == [msgspec.to_builtins(updated)]
    assert changes["total"] == 1 and changes["complete"] is True
    # A naive time is UTC; a time before the server started cannot be complete.
    naive = dt.datetime.fromisoformat(since).replace(tzinfo=None).isoformat()
    assert len(client.get(f"{API}/implementations", params={"updated_since": naive}).json()["items"]) == 1
    old = client.get(f"{API}/implementations", params={"updated_since": "2020-01-01T00:00:00Z"}).json()
    assert old["complete"] is False


def test_replace_reference(server: Served, client: httpx.Client) -> None:
    document = client.get(f"{API}/reference").json()
    document["purpose"] = "Shared over HTTP"
    response = client.put(f"{API}/reference", json=document)
    assert response.status_code == 200, response.text
    assert response.json()["purpose"] == "Shared over HTTP"
    assert on_disk(server).purpose == "Shared over HTTP"

    # Dropping a member who owns implementations is refused, naming them.
    owner = next(i for i in on_disk(server).implementations if i.ie_owner).ie_owner
    without = {**document, "members": [m for m in document["members"] if m["name"] != owner]}
    refused = client.put(f"{API}/reference", json=without)
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert {"path": problems[0]["path"], "message": f"unknown team member {owner!r}"} in problems
    unknown = client.put(f"{API}/reference", json={**document, "implementations": []})
    assert unknown.status_code == 422
    assert unknown.json()["problems"] == [
        {"path": "implementations", "message": "unknown field (check the spelling)"}
    ]
    assert client.put(f"{API}/reference", json=document, headers={"Authorization": ""}).status_code == 401


# --- auth -----------------------------------------------------------------------------


def test_writes_need_the_token(server: Served, anonymous: httpx.Client) -> None:
    impl = body(new(107))
    attempts = [
        ("POST", f"{API}/implementations", {}),
        ("POST", f"{API}/implementations", {"Authorization": "Bearer wrong"}),
        ("POST", f"{API}/implementations", {"Authorization": TOKEN}),
        ("PUT", f"{API}/implementations/SRV-107", {"Authorization": f"Basic {TOKEN}"}),
        ("DELETE", f"{API}/implementations/IMP-0001", {}),
        ("PUT", f"{API}/reference", {"Authorization": "Bearer"}),
    ]
    for method, path, headers in attempts:
        response = anonymous.request(method, path, json=impl, headers=headers)
        assert response.status_code == 401, (method, path, headers)
        assert response.json() == UNAUTHORIZED
        assert response.headers["www-authenticate"] == "Bearer"
    assert "SRV-107" not in {i.id for i in on_disk(server).implementations}
    # Reads are open.
    assert anonymous.get(f"{API}/implementations").status_code == 200
    assert anonymous.get(f"{API}/kpi").status_code == 200


def test_the_token_is_never_logged(server: Served, anonymous: httpx.Client) -> None:
    anonymous.get(f"{API}/implementations", headers={"Authorization": f"Bearer {TOKEN}"})
    anonymous.post(f"{API}/implementations", json={}, headers={"Authorization": f"Bearer {TOKEN}x"})
    log = server.process.log_with(f"GET {API}/implementations 200", f"POST {API}/implementations 401")
    assert f"GET {API}/implementations 200" in log
    assert f"POST {API}/implementations 401" in log
    assert TOKEN not in log
    assert "Bearer" not in log


def test_protect_reads(tmp_path: Path) -> None:
    store_path = write_store(tmp_path / "store.json")
    with (
        start_server(store_path, token=TOKEN, extra_args=["--protect-reads"]) as protected,
        httpx.Client(base_url=protected.url) as http,
    ):
        for path in (f"{API}/implementations", f"{API}/implementations/IMP-0001", f"{API}/kpi"):
            response = http.get(path)
            assert response.status_code == 401, path
            assert response.json() == UNAUTHORIZED
            assert http.get(path, headers=protected.headers).status_code == 200
        assert http.get("/healthz").status_code == 200
        since = http.get(f"{API}/implementations", headers=protected.headers).json()["server_time"]
        assert http.post(f"{API}/implementations", json=body(new(108)), headers=protected.headers).is_success

        # Restarting keeps the data, and says the change log starts again.
        protected.restart()
        after = http.get(
            f"{API}/implementations", params={"updated_since": since}, headers=protected.headers
        ).json()
        assert after["complete"] is False
        assert "SRV-108" in [item["id"] for item in after["items"]]


# --- bad input ------------------------------------------------------------------------


def test_validation_gives_the_store_s_messages(server: Served, client: httpx.Client, tmp_path: Path) -> None:
    # No milestone done either: a done kickoff milestone would give the kickoff date.
    bad = new(109, segment="galactic", ie_owner="Bob", kickoff=None, milestones=[])
    response = client.post(f"{API}/implementations", json=body(bad))
    assert response.status_code == 422
    reference = on_disk(server)
    problems = InvalidData(check_implementation(bad, reference)).problems
    expected = [{"path": p.path, "message": p.message} for p in problems]
    assert response.json() == {"error": "invalid implementation", "problems": expected}
    assert {p["path"] for p in expected} == {"segment", "ie_owner", "kickoff"}

    # The same refusal from a local FileStore, message for message.
    local = FileStore(write_store(tmp_path / "local.toml"))
    local.read()
    with pytest.raises(StoreInvalid) as refused:
        local.save_implementation_sync(bad)
    assert [{"path": p.path, "message": p.message} for p in refused.value.problems] == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("arr", -5, "must be a whole number >= 0"),
        ("kickoff", "2026-02-30", "not a valid date (use YYYY-MM-DD)"),
        ("status", "finished", "'finished' is not one of the allowed values"),
        ("colour", "red", "unknown field (check the spelling)"),
        ("customer", "", "must not be empty"),
    ],
)
def test_type_errors_match_the_file_store(
    client: httpx.Client, tmp_path: Path, field: str, value: Any, message: str
) -> None:
    raw = {**body(new(110)), field: value}
    response = client.post(f"{API}/implementations", json=raw)
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid implementation",
        "problems": [{"path": field, "message": message}],
    }

    # A store file holding the same implementation reports the same problem.
    store_path = write_store(tmp_path / "local.json")
    data = json.loads(store_path.read_text())
    data["implementations"].append(raw)
    store_path.write_text(json.dumps(data))
    with pytest.raises(StoreInvalid) as refused:
        FileStore(store_path).read()
    index = len(data["implementations"]) - 1
    assert [(p.path, p.message) for p in refused.value.problems] == [
        (f"implementations[{index}].{field}", message)
    ]


def test_malformed_json_is_400(client: httpx.Client) -> None:
    for content in (b'{"id": "SRV-1",', b"not json", b'{"id": "SRV-1", "customer": }', b"", b"\xff\xfe"):
        response = client.post(
            f"{API}/implementations", content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, content
        assert response.json()["error"]
    # Valid JSON of the wrong shape is a 422, not a 400.
    assert client.post(f"{API}/implementations", json=[1, 2]).status_code == 422


def test_oversized_body_is_413(server: Served, client: httpx.Client) -> None:
    huge = {**body(new(111)), "notes": "x" * 1_000_001}
    response = client.post(f"{API}/implementations", json=huge)
    assert response.status_code == 413
    assert response.json() == {"error": "request body too large: at most 1,000,000 bytes"}

    # Streamed without a Content-Length: counted as it arrives.
    def chunks() -> Iterator[bytes]:
        yield b'{"notes": "'
        for _ in range(20):
            yield b"y" * 65_536
        yield b'"}'

    with httpx.Client(base_url=server.url, headers=client.headers) as fresh:
        streamed = fresh.post(f"{API}/implementations", content=chunks())
    assert streamed.status_code == 413
    assert "SRV-111" not in {i.id for i in on_disk(server).implementations}


# --- the same answers as the command line ----------------------------------------------


@pytest.mark.parametrize("window", ["90", "all", "30"])
def test_kpi_equals_the_cli(server: Served, anonymous: httpx.Client, window: str) -> None:
    response = anonymous.get(f"{API}/kpi", params={"window": window})
    assert response.status_code == 200
    result = cli(server, "kpi", "--json", "--window", window)
    assert result.returncode == 0, result.stderr
    assert response.json() == json.loads(result.stdout)


# The refusals of the KPI, lookup and list, and the lookup's answers, are
# compared with the CLI's in tests/test_one_answer.py.


def test_lookup_of_a_customer_with_an_unknown_arr_says_so(server: Served, client: httpx.Client) -> None:
    create(client, new(150, customer="Unpriced Widgets", arr=None, developers=None))
    response = client.get(f"{API}/lookup", params={"customer": "Unpriced Widgets"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["discount"]["status"] == "depends_on_arr"
    assert answer["discount"]["rule"].startswith("ARR needed: ")
    assert answer["notes"][0].startswith("ARR unknown: Unpriced Widgets' record has none.")
    result = cli(server, "lookup", "Unpriced Widgets", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == answer


# --- the store file -------------------------------------------------------------------


def test_a_hand_edit_meanwhile_is_503_then_reloaded(server: Served, client: httpx.Client) -> None:
    created = decode(create(client, new(112)))
    text = server.store_path.read_text(encoding="utf-8")
    server.store_path.write_text(text + "\n# edited by hand while the server ran\n", encoding="utf-8")
    edit = body(msgspec.structs.replace(created, notes="after the hand edit"))
    refused = client.put(f"{API}/implementations/SRV-112", json=edit)
    assert refused.status_code == 503
    message = refused.json()["error"]
    assert "changed on disk since it was loaded" in message and "nothing was saved" in message
    assert "reloaded the file: send the change again" in message
    # Spoken to an API client, not to someone at the TUI's form.
    assert "form" not in message
    assert server.store_path.read_text(encoding="utf-8").endswith("# edited by hand while the server ran\n")
    # The server reloaded the file: the retry builds on it.
    retried = client.put(f"{API}/implementations/SRV-112", json=edit)
    assert retried.status_code == 200, retried.text
    assert decode(retried).notes == "after the hand edit"


def test_no_auth_leaves_writes_open(tmp_path: Path) -> None:
    store_path = write_store(tmp_path / "store.toml")
    with start_server(store_path, token=None, extra_args=["--no-auth"]) as open_server:
        response = httpx.post(f"{open_server.url}{API}/implementations", json=body(new(113)))
        assert response.status_code == 201
        assert "WARNING: --no-auth" in open_server.log()


# --- last: the file is still a valid store ------------------------------------------------


def test_store_file_validates_after_all_writes(server: Served, client: httpx.Client) -> None:
    created = decode(create(client, new(199)))
    client.put(f"{API}/implementations/SRV-199", json=body(msgspec.structs.replace(created, arr=7)))
    result = cli(server, "validate", str(server.store_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
    listed = client.get(f"{API}/implementations").json()
    assert msgspec.convert(listed["items"], list[Implementation]) == on_disk(server).implementations


# --- dates ------------------------------------------------------------------------------------


def completed(number: int, ready: dt.date) -> Implementation:
    return new(number, status=Status.COMPLETED, production_ready=ready)


def test_production_ready_tomorrow_is_accepted_the_day_after_is_refused(
    server: Served, client: httpx.Client
) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    create(client, completed(120, tomorrow))
    response = client.post(f"{API}/implementations", json=body(completed(121, TODAY + dt.timedelta(days=2))))
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid implementation",
        "problems": [
            {
                "path": "production_ready",
                "message": "2026-12-02 is in the future "
                "(today is 2026-11-30; at most 2026-12-01 is accepted)",
            }
        ],
    }
    assert "SRV-121" not in {i.id for i in on_disk(server).implementations}


def test_a_milestone_done_after_tomorrow_is_refused_on_update(client: httpx.Client) -> None:
    saved = decode(create(client, new(122)))
    milestones = list(saved.milestones)
    milestones[1] = msgspec.structs.replace(milestones[1], actual=TODAY + dt.timedelta(days=2))
    edited = msgspec.structs.replace(saved, milestones=milestones, updated=None)
    headers = {"If-Match": quoted_etag(saved)}
    response = client.put(f"{API}/implementations/SRV-122", json=body(edited), headers=headers)
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["problems"]] == ["milestones[1].actual"]
    milestones[1] = msgspec.structs.replace(milestones[1], actual=TODAY + dt.timedelta(days=1))
    edited = msgspec.structs.replace(saved, milestones=milestones, updated=None)
    response = client.put(f"{API}/implementations/SRV-122", json=body(edited), headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        (
            {"production_ready": TODAY},
            "production_ready",
            "must be empty while status is active (set it when completed)",
        ),
        (
            {"milestones": [Milestone(key="infrastructure", actual=dt.date(2025, 4, 30))]},
            "milestones[0].actual",
            "2025-04-30 is before kickoff (2025-05-01)",
        ),
    ],
)
def test_impossible_dates_are_refused_with_the_field(
    client: httpx.Client, changes: dict[str, Any], path: str, message: str
) -> None:
    response = client.post(f"{API}/implementations", json=body(new(123, **changes)))
    assert response.status_code == 422
    assert response.json()["problems"] == [{"path": path, "message": message}]


def test_the_kickoff_milestone_follows_the_kickoff(client: httpx.Client) -> None:
    # A client that sets only the kickoff: the kickoff milestone is stored done
    # that day, and a milestone done the same day is fine.
    kickoff = dt.date(2026, 11, 20)
    undone = [Milestone(key="kickoff"), Milestone(key="infrastructure", actual=kickoff)]
    saved = decode(create(client, new(125, kickoff=kickoff, milestones=undone)))
    assert saved.milestones[0].actual == saved.kickoff == kickoff
    assert fetched(client, "SRV-125") == saved


def fetched(client: httpx.Client, implementation_id: str) -> Implementation:
    return decode(client.get(f"{API}/implementations/{implementation_id}"))
