"""The command line and `ps-tui serve` give the same answer and the same
refusal for the same inputs: both go through `ps_tui.session`, and each
words a refusal for its users (flags for the CLI, query parameters for the
server). A real server and real `python -m ps_tui` processes, on one store
that nothing writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from ps_tui import session
from ps_tui.cli.diagnostics import FLAG_NAMES
from ps_tui.store.file import FileStore
from tests.server_process import TODAY, ServerProcess, isolated_env, start_server, write_store

pytest.importorskip("fastapi")

API = "/api/v1"


class Served(NamedTuple):
    store_path: Path
    process: ServerProcess
    client: httpx.Client


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store_path = write_store(tmp_path_factory.mktemp("one-answer") / "store.toml")
    process = start_server(store_path, token="s3cret")
    try:
        with httpx.Client(base_url=process.url, timeout=30) as client:
            yield Served(store_path, process, client)
    finally:
        process.stop()


def run_cli(served: Served, argvs: Sequence[Sequence[str]]) -> list[subprocess.CompletedProcess[str]]:
    """`python -m ps_tui ARGV --store <the served file> --today <its today>`
    for each argv, in parallel processes."""
    env = isolated_env(served.store_path.parent / "cli-home", None)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ps_tui",
                *argv,
                "--store",
                str(served.store_path),
                "--today",
                TODAY.isoformat(),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for argv in argvs
    ]
    done = []
    for argv, run in zip(argvs, runs, strict=True):
        out, err = run.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(list(argv), run.returncode, out, err))
    return done


def same(
    served: Served,
    command: str,
    cases: Sequence[tuple[Sequence[str], str, Mapping[str, str | list[str]]]],
) -> list[bool]:
    """Each case (CLI argv, API path, query) answers alike on both: the same
    JSON, or exit 2 and 422 with the same problem, worded for each. Returns
    which cases were answered."""
    results = run_cli(served, [[command, *argv] for argv, _, _ in cases])
    answered = []
    for (argv, path, params), result in zip(cases, results, strict=True):
        response = served.client.get(f"{API}/{path}", params=params)
        if result.returncode == 0:
            assert response.status_code == 200, (argv, response.text)
            assert response.json() == json.loads(result.stdout), argv
            answered.append(True)
            continue
        assert result.returncode == 2, (argv, result.stderr)
        assert response.status_code == 422, (argv, response.text)
        problem = expected_problem(served, command, argv, params)
        assert result.stderr == f"ps-tui {command}: {problem.worded(FLAG_NAMES)}\n", argv
        assert response.json() == {"error": problem.worded({})}, argv
        # Neither front end's names leak into the other's message.
        assert "--" not in response.json()["error"], argv
        answered.append(False)
    return answered


def expected_problem(
    served: Served, command: str, argv: Sequence[str], params: Mapping[str, str | list[str]]
) -> session.RequestProblem:
    """The refusal the headless layer gives for the request, in process."""
    data = FileStore(served.store_path).read()
    try:
        if command == "kpi":
            session.parse_window(params.get("window", "90"))
        elif command == "lookup":
            request = session.LookupRequest(
                params.get("customer"), params.get("segment"), params.get("developers"), params.get("arr")
            )
            session.lookup(data, session.customer_index(data), request)
        else:
            from ps_tui.core.view import Portfolio

            request_list = session.ListRequest(
                status=params.get("status") or "active",
                health=params.get("health"),
                owner=params.get("owner"),
                filter=params.get("filter", ""),
            )
            session.Listing(Portfolio.build(data, TODAY)).select(request_list)
    except session.RequestProblem as problem:
        return problem
    raise AssertionError(f"{command} {argv}: the session answers what the CLI refused")


def test_kpi(served: Served) -> None:
    windows = ["90", "all", "ALL", " 30 ", "365", "36500", "٩٠", "²", "0", "-3", "36501", "soon", ""]
    cases = [(["--json", f"--window={w}"], "kpi", {"window": w}) for w in windows]
    answered = same(served, "kpi", cases)
    assert answered == [True] * 6 + [False] * 7


def test_kpi_refuses_other_scripts_digits_in_words_of_each_front_end(served: Served) -> None:
    (result,) = run_cli(served, [["kpi", "--window", "٩٠"]])
    assert result.returncode == 2
    assert result.stderr.startswith("ps-tui kpi: --window '٩٠': give a number of days")
    response = served.client.get(f"{API}/kpi", params={"window": "٩٠"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("window '٩٠': give a number of days")


LOOKUPS: list[tuple[list[str], dict[str, str]]] = [
    (["northwind"], {"customer": "northwind"}),
    (["--developers", "1200", "--arr", "150k"], {"developers": "1200", "arr": "150k"}),
    (["krusty", "--segment", "ent"], {"customer": "krusty", "segment": "ent"}),
    (["--segment", "smb"], {"segment": "smb"}),
    (["--developers", "١٢٠٠"], {"developers": "١٢٠٠"}),
    ([], {}),
    (["--arr", "90k"], {"arr": "90k"}),
    (["--segment", "galactic"], {"segment": "galactic"}),
    (["--developers", "lots"], {"developers": "lots"}),
    (["--segment", "mm", "--arr", "ninety"], {"segment": "mm", "arr": "ninety"}),
    (["zzqqxx"], {"customer": "zzqqxx"}),
    (["ent", "150k"], {"customer": "ent 150k"}),
    (["i"], {"customer": "i"}),
    (["ent", "--segment", "smb"], {"customer": "ent", "segment": "smb"}),
]


def test_lookup(served: Served) -> None:
    cases = [([*argv, "--json"], "lookup", params) for argv, params in LOOKUPS]
    answered = same(served, "lookup", cases)
    assert answered[:4] == [True] * 4 and answered[5:] == [False] * 6 + [True, False, False]


def test_arr_alone_names_query_parameters_on_the_server(served: Served) -> None:
    response = served.client.get(f"{API}/lookup", params={"arr": "90k"})
    assert response.json() == {
        "error": "arr alone does not decide the segment: add customer, segment or developers"
    }


LISTS: list[tuple[list[str], dict[str, str | list[str]]]] = [
    ([], {}),
    (["--status", "all"], {"status": "all"}),
    (["--status", "completed", "--health", "met"], {"status": "completed", "health": "met"}),
    (["--owner", "louis", "--status", "all"], {"owner": "louis", "status": "all"}),
    (["--filter", "seg:strat acme"], {"filter": "seg:strat acme"}),
    (["--filter", "seg:ent", "--status", "planned"], {"filter": "seg:ent", "status": "planned"}),
    (["--health", "at-risk", "--health", "overdue"], {"health": ["at-risk", "overdue"]}),
    (["--health", "at-risk,overdue", "--owner", "marc"], {"health": "at-risk,overdue", "owner": "marc"}),
    (["--status", "planned,on-hold", "--status", "cancelled"], {"status": ["planned,on-hold", "cancelled"]}),
    (["--status", "sleeping"], {"status": "sleeping"}),
    (["--owner", 'O"Brien'], {"owner": 'O"Brien'}),
    (["--owner", "louis", "--owner", "nobody"], {"owner": ["louis", "nobody"]}),
    (["--health", "grim"], {"health": "grim"}),
    (["--filter", "colour:red"], {"filter": "colour:red"}),
    (["--filter", 'owner:"unterminated'], {"filter": 'owner:"unterminated'}),
]


def test_list(served: Served) -> None:
    cases = [([*argv, "--format", "json"], "rows", params) for argv, params in LISTS]
    assert same(served, "list", cases) == [True] * 9 + [False] * 6


def test_team(served: Served) -> None:
    (result,) = run_cli(served, [["team", "--json"]])
    assert result.returncode == 0, result.stderr
    response = served.client.get(f"{API}/team")
    assert response.status_code == 200
    assert response.json() == json.loads(result.stdout)


def test_the_schema_describes_the_documents_both_print(served: Served) -> None:
    import msgspec

    from ps_tui.core.documents import KpiDocument, MemberDocument, RowDocument
    from ps_tui.core.offerings import LookupDocument

    openapi = served.client.get("/openapi.json").json()
    components = openapi["components"]["schemas"]
    # Every reference resolves (two structs of one name would not).
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(openapi)))
    assert refs <= set(components) and "." not in "".join(components)
    _, generated = msgspec.json.schema_components(
        (KpiDocument, MemberDocument, RowDocument, LookupDocument), ref_template="#/components/schemas/{name}"
    )
    for name, schema in generated.items():
        assert components[name] == schema, name
    paths = openapi["paths"]
    assert paths["/api/v1/kpi"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/KpiDocument"
    }
    # What each front end gives decodes as the struct, which refuses unknown fields.
    kpi, team, rows, lookup = run_cli(
        served,
        [
            ["kpi", "--json"],
            ["team", "--json"],
            ["list", "--format", "json"],
            ["lookup", "initech", "--json"],
        ],
    )
    msgspec.json.decode(lookup.stdout, type=LookupDocument)
    msgspec.json.decode(
        served.client.get(f"{API}/lookup", params={"customer": "initech"}).content, type=LookupDocument
    )
    msgspec.json.decode(kpi.stdout, type=KpiDocument)
    msgspec.json.decode(team.stdout, type=list[MemberDocument])
    msgspec.json.decode(rows.stdout, type=list[RowDocument])
    msgspec.json.decode(served.client.get(f"{API}/kpi").content, type=KpiDocument)
    msgspec.json.decode(served.client.get(f"{API}/team").content, type=list[MemberDocument])
    msgspec.json.decode(served.client.get(f"{API}/rows").content, type=list[RowDocument])


#: (CLI argv after `report`, API path, query): the reports both front ends give.
REPORTS: list[tuple[list[str], str, dict[str, str | list[str]]]] = [
    (["weekly"], "reports/weekly", {}),
    (["weekly", "--week", "2026-W48"], "reports/weekly", {"week": "2026-W48"}),
    (["weekly", "--owner", "louis"], "reports/weekly", {"owner": "louis"}),
    (
        ["weekly", "--owner", "louis,marc", "--filter", "seg:ent"],
        "reports/weekly",
        {"owner": "louis,marc", "filter": "seg:ent"},
    ),
    (["monthly"], "reports/monthly", {}),
    (
        ["monthly", "--month", "2026-10", "--owner", "marc"],
        "reports/monthly",
        {"month": "2026-10", "owner": "marc"},
    ),
    (["customer", "IMP-0026"], "reports/customer/IMP-0026", {}),
    (["customer", "IMP-0001"], "reports/customer/IMP-0001", {}),
]
#: Refused alike: (CLI argv, API path, query, the refusal in session's words).
REFUSED_REPORTS: list[tuple[list[str], str, dict[str, str | list[str]]]] = [
    (["weekly", "--week", "2026-W60"], "reports/weekly", {"week": "2026-W60"}),
    (["weekly", "--week", "2027-W01"], "reports/weekly", {"week": "2027-W01"}),
    (["monthly", "--month", "11/2026"], "reports/monthly", {"month": "11/2026"}),
    (["weekly", "--owner", "nobody"], "reports/weekly", {"owner": "nobody"}),
    (["monthly", "--filter", "colour:red"], "reports/monthly", {"filter": "colour:red"}),
]


def test_reports(served: Served) -> None:
    results = run_cli(served, [["report", *argv, "--format", "json"] for argv, _, _ in REPORTS])
    for (argv, path, params), result in zip(REPORTS, results, strict=True):
        assert result.returncode == 0, (argv, result.stderr)
        response = served.client.get(f"{API}/{path}", params=params)
        assert response.status_code == 200, (argv, response.text)
        assert response.json() == json.loads(result.stdout), argv
    weekly = json.loads(results[0].stdout)
    # The served file was created and never saved over: nothing is recorded.
    assert weekly["history"]["recorded"] is False and weekly["plans_moved_later"] is None


def test_reports_refuse_alike(served: Served) -> None:
    from ps_tui.core.reports import Recorded

    data = FileStore(served.store_path).read()
    results = run_cli(served, [["report", *argv, "--format", "json"] for argv, _, _ in REFUSED_REPORTS])
    for (argv, path, params), result in zip(REFUSED_REPORTS, results, strict=True):
        request = session.ReportRequest(
            week=params.get("week"), month=params.get("month"), owner=params.get("owner"),
            filter=params.get("filter", ""),
        )  # fmt: skip
        with pytest.raises(session.RequestProblem) as refused:
            if argv[0] == "weekly":
                session.weekly_report(data, TODAY, request, Recorded(None))
            else:
                session.monthly_report(data, TODAY, request)
        problem = refused.value
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stderr == f"ps-tui report: {problem.worded(FLAG_NAMES)}\n", argv
        response = served.client.get(f"{API}/{path}", params=params)
        assert response.status_code == 422, (argv, response.text)
        assert response.json() == {"error": problem.worded({})}, argv
        assert "--" not in response.json()["error"], argv
    (unknown,) = run_cli(served, [["report", "customer", "NOPE", "--format", "json"]])
    assert unknown.returncode == 2 and unknown.stderr == "ps-tui report: ID: no implementation 'NOPE'\n"
    assert served.client.get(f"{API}/reports/customer/NOPE").status_code == 404


def test_the_schema_describes_the_reports(served: Served) -> None:
    import msgspec

    from ps_tui.core.reports import CustomerReport, MonthlyReport, WeeklyReport

    openapi = served.client.get("/openapi.json").json()
    components = openapi["components"]["schemas"]
    _, generated = msgspec.json.schema_components(
        (WeeklyReport, MonthlyReport, CustomerReport), ref_template="#/components/schemas/{name}"
    )
    for name, schema in generated.items():
        assert components[name] == schema, name
    for path, kind in (
        ("weekly", WeeklyReport),
        ("monthly", MonthlyReport),
        ("customer/IMP-0026", CustomerReport),
    ):
        msgspec.json.decode(served.client.get(f"{API}/reports/{path}").content, type=kind)
