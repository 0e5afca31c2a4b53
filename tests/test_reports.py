"""The status reports: every figure is what `kpi`, `list`, `team` and
`history` give for the same data and day; a week without history says so;
stored text is escaped in Markdown and HTML; the customer's report shows
nothing internal; and the bundled demo data renders as the golden files."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ps_tui.cli import main
from ps_tui.core.model import Implementation, Risk, Severity, Status
from ps_tui.data import default_store
from ps_tui.render import markdown_text
from ps_tui.store.file import FileStore

GOLDEN = Path(__file__).parent / "golden" / "reports"
#: The day the golden files are made on (a Thursday: the week is half gone).
GOLDEN_TODAY = "2026-12-03"
#: `PS_TUI_REGENERATE=1 pytest tests/test_reports.py` rewrites the golden files.
REGENERATE = os.environ.get("PS_TUI_REGENERATE") == "1"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def utc_today() -> dt.date:
    """The history records real times: a report told from it is made for today."""
    return dt.datetime.now(dt.UTC).date()


def store_with_history(tmp_path: Path, today: dt.date) -> tuple[Path, FileStore]:
    """The demo store dated around `today`, then saved over with changes
    the history records: a plan moved later, a milestone done, a risk added."""
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(today))
    store = FileStore(path, who="Pat Example")
    data = store.read()
    active = [impl for impl in data.implementations if impl.status is Status.ACTIVE]
    moved = active[0]
    milestones = [
        msgspec.structs.replace(m, planned=m.planned + dt.timedelta(days=5))
        if m.actual is None and m.planned is not None
        else m
        for m in moved.milestones
    ]
    store.save_implementation_sync(msgspec.structs.replace(moved, milestones=milestones))
    risky = active[1]
    risks = [*risky.risks, Risk(text="Firewall change window", opened=today, severity=Severity.HIGH)]
    store.save_implementation_sync(msgspec.structs.replace(risky, risks=risks))
    return path, store


# --- truth ----------------------------------------------------------------------------


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in ("monthly", "histogram")}


def test_every_weekly_figure_is_what_kpi_list_team_and_history_give(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    today = utc_today()
    path, _ = store_with_history(tmp_path, today)
    common = ["--store", str(path), "--today", today.isoformat()]
    report = run_json(capsys, "report", "weekly", "--format", "json", *common)
    as_of = dt.date.fromisoformat(report["as_of"])
    assert as_of == today and report["start"] <= today.isoformat() <= report["end"]
    week_start = dt.date.fromisoformat(report["start"])

    assert report["kpi"] == _summary(run_json(capsys, "kpi", "--json", *common))
    before = ["--store", str(path), "--today", (as_of - dt.timedelta(days=7)).isoformat()]
    assert report["kpi_week_before"] == _summary(run_json(capsys, "kpi", "--json", *before))

    rows = run_json(capsys, "list", "--health", "at-risk,overdue", "--format", "json", *common)
    assert [item["id"] for item in report["attention"]] == [row["id"] for row in rows]
    for item, row in zip(report["attention"], rows, strict=True):
        assert (item["health"], item["days"], item["target"], item["projected"]) == (
            row["health"],
            row["days"],
            row["target"],
            row["projected"],
        )
        assert item["days_over_target"] == row["days"] - row["target"]
        assert item["current_milestone"] == row["current_milestone"]

    assert report["team"] == run_json(capsys, "team", "--json", *common)

    events = run_json(capsys, "history", "--since", week_start.isoformat(), "--json", *common)
    assert report["history"]["recorded"] is True
    assert report["history"]["changes"] == len(events) == 2
    assert report["history"]["by_action"] == {"plan_changed": 1, "risk_added": 1}
    moves = [
        (event["implementation"], change["field"].split(".")[1], change["before"], change["after"])
        for event in events
        for change in event["changes"]
        if change["field"].endswith(".planned") and change["after"] > change["before"]
    ]
    assert moves and sorted(
        (m["id"], m["milestone_key"], m["before"], m["after"]) for m in report["plans_moved_later"]
    ) == sorted(moves)
    assert all(m["days"] == 5 and m["who"] == "Pat Example" for m in report["plans_moved_later"])

    every = run_json(capsys, "list", "--status", "all", "--format", "json", *common)
    in_week = lambda day: day is not None and week_start.isoformat() <= day <= as_of.isoformat()  # noqa: E731
    assert sorted((g["id"], g["days"]) for g in report["go_lives"]) == sorted(
        (row["id"], row["days"])
        for row in every
        if row["status"] == "completed" and in_week(row["production_ready"])
    )
    assert sorted((m["id"], m["milestone_key"]) for m in report["milestones_completed"]) == sorted(
        (row["id"], m["key"]) for row in every for m in row["milestones"] if in_week(m.get("actual"))
    )
    opened = sorted((r["id"], r["text"]) for r in report["risks_opened"])
    assert ("Firewall change window" in {text for _, text in opened}) and opened == sorted(
        (row["id"], risk["text"]) for row in every for risk in row["risks"] if in_week(risk["opened"])
    )


def test_an_owner_narrows_the_weekly_report_as_the_list_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(dt.date(2026, 11, 30)))
    common = ["--store", str(path), "--today", "2026-12-03"]
    report = run_json(capsys, "report", "weekly", "--owner", "louis", "--format", "json", *common)
    rows = run_json(
        capsys, "list", "--health", "at-risk,overdue", "--owner", "louis", "--format", "json", *common
    )
    assert [item["id"] for item in report["attention"]] == [row["id"] for row in rows]
    assert report["owner"] == ["louis"]
    owned = {
        row["id"]
        for row in run_json(
            capsys, "list", "--status", "all", "--owner", "louis", "--format", "json", *common
        )
    }
    for part in (
        "go_lives",
        "milestones_completed",
        "milestones_slipped",
        "risks_opened",
        "upcoming_go_lives",
    ):
        assert {item["id"] for item in report[part]} <= owned, part
    assert report["kpi"]["active"] == sum(
        1 for row in run_json(capsys, "list", "--owner", "louis", "--format", "json", *common)
    )


def test_the_weekly_report_words_health_as_the_list_does(capsys: pytest.CaptureFixture[str]) -> None:
    """An implementation an open risk made at risk is "at risk (risk)" in the
    list, and so in every part of the weekly report, in every format."""
    common = ["--today", GOLDEN_TODAY]
    code, table, err = run(capsys, "list", "--health", "at-risk,overdue", "--columns", "id,health", *common)
    assert code == 0, err
    listed = dict(line.split(None, 1) for line in table.splitlines()[1:])
    by_risk = {key for key, words in listed.items() if words.strip() == "at risk (risk)"}
    assert by_risk, "the demo data has an implementation an open risk made at risk"
    report = run_json(capsys, "report", "weekly", "--format", "json", *common)
    assert {item["id"] for item in report["attention"] if item["health_by_risk"]} == by_risk
    code, markdown, err = run(capsys, "report", "weekly", *common)
    assert code == 0, err
    attention = markdown.split("## Needs attention")[1].split("\n## ")[0].splitlines()
    for item in report["attention"]:
        row = next(line for line in attention if f"({item['id']}) |" in line)
        assert f"| {listed[item['id']].strip()} |" in row
    upcoming = markdown.split("## Go-lives in the next two weeks")[1].split("\n## ")[0].splitlines()
    assert report["upcoming_go_lives"]
    for item in report["upcoming_go_lives"]:
        line = next(line for line in upcoming if f"({item['id']})," in line)
        assert line.endswith("at risk (risk)") == item["health_by_risk"]
    code, html, err = run(capsys, "report", "weekly", "--format", "html", *common)
    assert code == 0, err
    assert html.count(">at risk (risk)<") == len(by_risk) + sum(
        item["health_by_risk"] for item in report["upcoming_go_lives"]
    )


def test_every_monthly_figure_is_what_kpi_and_list_give(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(dt.date.fromisoformat(GOLDEN_TODAY)))
    common = ["--store", str(path), "--today", GOLDEN_TODAY]
    report = run_json(capsys, "report", "monthly", "--month", "2026-11", "--format", "json", *common)
    assert (report["start"], report["end"], report["as_of"]) == ("2026-11-01", "2026-11-30", "2026-11-30")
    month_end = ["--store", str(path), "--today", "2026-11-30"]
    kpi = run_json(capsys, "kpi", "--json", "--window", "30", *month_end)
    assert report["kpi"] == _summary(kpi)
    assert report["trend"] == kpi["monthly"] and report["histogram"] == kpi["histogram"]

    rows = run_json(capsys, "list", "--status", "completed", "--format", "json", *month_end)
    month = [row for row in rows if row["production_ready"].startswith("2026-11")]
    assert sorted(item["id"] for item in report["completed"]) == sorted(row["id"] for row in month)
    for part, key in (("by_segment", "segment"), ("by_owner", "ie_owner")):
        expected: dict[str, list[int]] = {}
        for row in month:
            expected.setdefault(row[key] or "", []).append(row["days"])
        assert {s["key"]: (s["completed"], s["within_target"]) for s in report[part]} == {
            k: (len(v), sum(1 for d in v if d <= row["target"])) for k, v in expected.items()
        }, part
    every = run_json(capsys, "list", "--status", "all", "--format", "json", *month_end)
    assert sorted(s["id"] for s in report["started"]) == sorted(
        row["id"] for row in every if (row["kickoff"] or "").startswith("2026-11")
    )
    late = sorted(
        (
            (dt.date.fromisoformat(m["actual"]) - dt.date.fromisoformat(m["planned"])).days
            for row in every
            for m in row["milestones"]
            if (m.get("actual") or "").startswith("2026-11") and m.get("planned")
        ),
        reverse=True,
    )
    assert [slip["late_days"] for slip in report["worst_slips"]] == [d for d in late if d > 0][:10]


# --- no history -----------------------------------------------------------------------


def test_a_week_without_history_says_so_instead_of_zero_changes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(dt.date(2026, 11, 30)))  # created: nothing is recorded
    for argv in (["--store", str(path)], []):  # a new store file, and the demo data
        report = run_json(capsys, "report", "weekly", "--format", "json", "--today", GOLDEN_TODAY, *argv)
        history = report["history"]
        assert history["recorded"] is False and history["changes"] is None
        assert history["by_action"] is None and report["plans_moved_later"] is None
        assert "cannot be told" in history["note"]
        code, out, _ = run(capsys, "report", "weekly", "--today", GOLDEN_TODAY, *argv)
        assert code == 0 and "cannot be told" in out and "0 change" not in out


def test_history_that_starts_inside_the_week_is_marked_incomplete(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    today = utc_today()
    path, _ = store_with_history(tmp_path, today)
    monday = today - dt.timedelta(days=today.weekday())
    report = run_json(
        capsys, "report", "weekly", "--format", "json", "--store", str(path), "--today", today.isoformat()
    )
    history = report["history"]
    assert history["recorded"] is True
    assert history["complete"] is (monday >= today)  # recorded from today only
    if not history["complete"]:
        assert f"recorded from {today.isoformat()} only" in history["note"]


# --- escaping -------------------------------------------------------------------------

HOSTILE_CUSTOMER = "<script>alert(1)</script> **Evil** [x](http://e.vil) | Corp_\\"
HOSTILE_NOTE = "<img src=x onerror=alert(2)> `rm -rf` # _hi_"
HOSTILE_RISK = "</td><b>pwned</b> & more"


def hostile_store(tmp_path: Path) -> Path:
    """A store whose stored text tries HTML and Markdown injection (control
    characters are refused on load, so those are given in memory below)."""
    today = dt.date(2026, 11, 30)
    data = default_store(today)
    impls = list(data.implementations)
    # The longest running active one: overdue, so the weekly report lists it with its notes.
    index = min(
        (i for i, impl in enumerate(impls) if impl.status is Status.ACTIVE and impl.kickoff),
        key=lambda i: impls[i].kickoff or today,
    )
    target = impls[index]
    risks = [
        Risk(text=HOSTILE_RISK, opened=today, customer_visible=True, mitigation="Ask <b>IT</b> & wait"),
        Risk(text="Internal only: budget freeze", opened=today),
    ]
    impls[index] = msgspec.structs.replace(
        target, customer=HOSTILE_CUSTOMER, notes=HOSTILE_NOTE, risks=risks, arr=987_654
    )
    path = tmp_path / "store.json"
    FileStore(path).write(msgspec.structs.replace(data, implementations=impls))
    return path


def hostile_id(path: Path) -> str:
    return next(
        impl.id for impl in FileStore(path).read().implementations if impl.customer == HOSTILE_CUSTOMER
    )


@pytest.mark.parametrize("kind", ["weekly", "customer", "monthly"])
def test_stored_text_is_escaped_in_html(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = hostile_store(tmp_path)
    argv = (
        [kind, hostile_id(path)]
        if kind == "customer"
        else [kind, "--month", "2026-11"]
        if kind == "monthly"
        else [kind]
    )
    code, out, err = run(
        capsys, "report", *argv, "--format", "html", "--store", str(path), "--today", "2026-11-30"
    )
    assert code == 0, err
    for raw in ("<script>", "<img", "</td><b>", "onerror=alert(2)>"):
        assert raw not in out
    if kind != "monthly":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    if kind == "customer":
        assert "&lt;/td&gt;&lt;b&gt;pwned&lt;/b&gt; &amp; more" in out
    if kind == "weekly":
        assert "&lt;img src=x onerror=alert(2)&gt;" in out


@pytest.mark.parametrize("kind", ["weekly", "customer"])
def test_stored_text_is_escaped_in_markdown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = hostile_store(tmp_path)
    argv = [kind, hostile_id(path)] if kind == "customer" else [kind]
    code, out, err = run(capsys, "report", *argv, "--store", str(path), "--today", "2026-11-30")
    assert code == 0, err
    assert "<script>" not in out and "**Evil**" not in out and "[x](http" not in out
    assert re.search(r"(?<!\\)\| Corp", out) is None  # a table cell's bar is escaped
    assert markdown_text(HOSTILE_CUSTOMER) in out
    assert markdown_text(HOSTILE_CUSTOMER) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; \\*\\*Evil\\*\\* \\[x\\](http://e.vil) \\| Corp\\_\\\\"
    )
    if kind == "customer":
        assert markdown_text(HOSTILE_RISK) in out and "</td>" not in out


def test_terminal_escapes_never_reach_the_output() -> None:
    """Control characters are refused where a store is loaded; a report
    built in memory from such text shows them as escapes all the same."""
    from ps_tui.core.reports import customer_report
    from ps_tui.render import render

    data = default_store(dt.date(2026, 11, 30))
    impl = next(impl for impl in data.implementations if impl.status is Status.ACTIVE)
    evil = "\x1b[2J\x1b]0;pwned\x07 Corp\nline two\x9b"
    risk = Risk(text=f"risk {evil}", opened=dt.date(2026, 11, 29), customer_visible=True)
    impl = msgspec.structs.replace(impl, customer=evil, risks=[risk])
    document = customer_report(impl, data, dt.date(2026, 11, 30))
    for kind in ("md", "html"):
        out = render(document, kind)
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, kind
        assert "\\x1b[2J" in out or "\\x1b\\[2J" in out, kind
    # Markdown escapes the escape's backslash too: it reads `\n` as written.
    assert "Corp\\\\nline two" in render(document, "md")


# --- the customer sees nothing internal ----------------------------------------------


def test_the_customer_report_shows_nothing_internal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = hostile_store(tmp_path)
    impl_id = hostile_id(path)
    outputs = {
        kind: run(
            capsys,
            "report",
            "customer",
            impl_id,
            "--format",
            kind,
            "--store",
            str(path),
            "--today",
            "2026-11-30",
        )
        for kind in ("md", "html", "json")
    }
    for kind, (code, out, err) in outputs.items():
        assert code == 0, err
        lowered = out.lower()
        for internal in ("at risk", "at_risk", "overdue", "on track", "on_track", "health", "987", "988k"):
            assert internal not in lowered, (kind, internal)
        assert re.search(r"\barr\b", lowered) is None, kind
        assert "budget freeze" not in lowered, kind  # an internal risk
        assert "onerror" not in lowered, kind  # the notes are internal
    document = json.loads(outputs["json"][1])
    assert [risk["text"] for risk in document["risks"]] == [HOSTILE_RISK]
    assert "notes" not in document and "arr" not in document


def test_the_customer_report_lists_the_slack_channel_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "store.toml"
    data = default_store(dt.date(2026, 11, 30))
    chosen = next(impl for impl in data.implementations if impl.status is Status.ACTIVE)
    implementations = [
        msgspec.structs.replace(impl, slack_channel="#acme_rollout" if impl is chosen else None)
        for impl in data.implementations
    ]
    FileStore(path).write(msgspec.structs.replace(data, implementations=implementations))
    common = ["--store", str(path), "--today", "2026-12-03"]

    def report(impl_id: str, kind: str) -> str:
        code, out, err = run(capsys, "report", "customer", impl_id, "--format", kind, *common)
        assert code == 0, err
        return out

    markdown = report(chosen.id, "md")
    contacts = markdown.split("## Contacts")[1]
    assert "- Slack channel: #acme\\_rollout\n" in contacts
    assert "<strong>#acme_rollout</strong>" in report(chosen.id, "html").split("<h2>Contacts</h2>")[1]
    assert json.loads(report(chosen.id, "json"))["slack_channel"] == "#acme_rollout"
    # The list's JSON carries the field, as every stored one.
    rows = run_json(capsys, "list", "--status", "all", "--format", "json", *common)
    assert {row["id"]: row["slack_channel"] for row in rows}[chosen.id] == "#acme_rollout"

    other = next(impl for impl in implementations if impl.slack_channel is None)
    assert "Slack channel" not in report(other.id, "md")
    assert "Slack channel" not in report(other.id, "html")
    assert json.loads(report(other.id, "json"))["slack_channel"] is None


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ('"acme"', "must be a Slack channel: '#' then up to 80 lowercase letters, digits, '-' or '_'"),
        ('"#Acme"', "must be a Slack channel: '#' then up to 80 lowercase letters, digits, '-' or '_'"),
        (
            f'"#{"a" * 81}"',
            "must be a Slack channel: '#' then up to 80 lowercase letters, digits, '-' or '_'",
        ),
        ('"#team-implementation"', "#team-implementation is one of the team's own channels"),
    ],
)
def test_a_store_file_with_a_bad_slack_channel_says_where(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, channel: str, message: str
) -> None:
    path = tmp_path / "store.toml"
    FileStore(path).write(default_store(dt.date(2026, 11, 30)))
    text = path.read_text(encoding="utf-8")
    assert text.count('slack_channel = "#ext-northwind"\n') == 1  # the first implementation's
    path.write_text(text.replace('"#ext-northwind"', channel), encoding="utf-8")
    code = main(["validate", "--store", str(path)])
    out, err = capsys.readouterr()
    assert code != 0
    assert "implementations[0].slack_channel" in out + err and message in out + err


# --- output ---------------------------------------------------------------------------


def test_output_to_a_file_is_written_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "weekly.html"
    target.write_text("old")
    code, out, err = run(
        capsys, "report", "weekly", "--format", "html", "-o", str(target), "--today", GOLDEN_TODAY
    )
    assert code == 0 and out == "" and f"wrote {target}" in err
    code, expected, _ = run(capsys, "report", "weekly", "--format", "html", "--today", GOLDEN_TODAY)
    assert target.read_text() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weekly.html"]  # no temporary, no .bak
    code, _, err = run(
        capsys, "report", "weekly", "-o", str(tmp_path / "missing" / "x.md"), "--today", GOLDEN_TODAY
    )
    assert code == 1 and "cannot write" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["weekly", "--week", "2026-W60"], "--week '2026-W60': 2026 has no week 60"),
        (["weekly", "--week", "soon"], "--week 'soon': give an ISO week as YYYY-Www"),
        (["weekly", "--week", "2026-W50"], "--week 2026-W50 has not begun"),
        (["monthly", "--month", "2026-13"], "--month '2026-13': give a month as YYYY-MM"),
        (["monthly", "--owner", "nobody"], "--owner 'nobody' is part of no team member's name"),
        (["customer", "NOPE"], "ID: no implementation 'NOPE'"),
    ],
)
def test_refusals_name_the_flag(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "report", *argv, "--today", GOLDEN_TODAY)
    assert code == 2 and out == ""
    assert err.startswith(f"ps-tui report: {message}"), err


# --- golden files ---------------------------------------------------------------------

GOLDEN_CASES = {
    "weekly": ["weekly"],
    "customer": ["customer", "IMP-0026"],
    "monthly": ["monthly", "--month", "2026-11"],
}


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_the_demo_reports_are_the_golden_files(
    capsys: pytest.CaptureFixture[str], name: str, fmt: str
) -> None:
    code, out, err = run(capsys, "report", *GOLDEN_CASES[name], "--format", fmt, "--today", GOLDEN_TODAY)
    assert code == 0, err
    golden = GOLDEN / f"{name}.{fmt}"
    if REGENERATE:
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_implementation_records_keep_their_type() -> None:
    # The hostile fixture edits real implementations: they still validate.
    assert Implementation


def test_each_item_of_a_markdown_list_is_its_own_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Two go-lives, two risks, two upcoming go-lives: none runs into the next."""
    today = dt.date(2026, 12, 3)
    data = default_store(today)
    impls = list(data.implementations)
    done = [i for i, impl in enumerate(impls) if impl.status is Status.COMPLETED][:2]
    for i in done:
        impls[i] = msgspec.structs.replace(impls[i], production_ready=today - dt.timedelta(days=1))
    path = tmp_path / "store.toml"
    FileStore(path).write(msgspec.structs.replace(data, implementations=impls))
    common = ["--store", str(path), "--today", today.isoformat()]
    outputs = [run(capsys, "report", "weekly", *common), run(capsys, "report", "monthly", *common)]
    for code, out, err in outputs:
        assert code == 0, err
        assert not re.search(r"\S- (\*\*|Opened|Closed|[0-9]{4}-)", out), out
        assert not re.search(r"\n[^\n]+\n##", out), "a heading follows a line without a blank line"
    weekly = outputs[0][1]
    assert sum(1 for line in weekly.splitlines() if "production-ready 2026-12-02" in line) == 2


def test_the_readme_examples_work_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reports", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    assert len(commands) == 4 and all(argv[:2] == ["ps-tui", "report"] for argv in commands)
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        code, _, err = run(capsys, *argv[1:], "--today", GOLDEN_TODAY)
        assert code == 0, (argv, err)
    assert {p.name for p in tmp_path.iterdir()} == {"weekly.html", "customer.html", "monthly.json"}
    code, out, _ = run(capsys, "report", "customer", "IMP-0026", "--today", GOLDEN_TODAY)
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()[1:-1]
    assert out.splitlines()[: len(shown)] == shown
