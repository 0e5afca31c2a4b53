"""The headless command line: --version, --help, schema, validate, init."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import msgspec
import pytest

import ps_tui
import ps_tui.cli as cli_module
import ps_tui.config as config_module
from ps_tui.cli import main
from ps_tui.config import ENV_CONFIG, ENV_ME, ENV_STORE, ENV_TODAY
from ps_tui.core.model import Milestone, Status
from ps_tui.data import default_store, reference_text
from ps_tui.store.file import FileStore, encode_store
from tests.helpers import sample_store, snapshot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway home and user config directory: nothing here touches the
    real user's files, and no PS_TUI_* variable leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    config_dir = home / ".config" / "ps-tui"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in (ENV_CONFIG, ENV_STORE, ENV_TODAY, ENV_ME):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config_module, "user_config_dir", lambda: config_dir)
    monkeypatch.setattr(config_module, "default_config_path", lambda: config_dir / "config.toml")
    return config_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def good_store(directory: Path, kind: str = "toml") -> Path:
    path = directory / f"good.{kind}"
    path.write_bytes(encode_store(sample_store(), kind))
    return path


def subprocess_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PS_TUI_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    return env


# --- version, help, schema -------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert ps_tui.__version__ in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["--help"], ["validate", "--help"], ["init", "--help"], ["schema", "--help"]]
)
def test_help_exits_zero(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("init", "validate", "schema"):
        assert command in out


def test_no_arguments_parse_as_with_every_subcommand() -> None:
    # `ps-tui` alone is parsed without the subcommands' parsers (launch time):
    # it must mean exactly what it means with them.
    assert cli_module.parse_args([]) == cli_module.build_parser().parse_args([])
    assert cli_module.parse_args([]).command is None


def test_each_subcommand_module_names_a_command() -> None:
    # The modules are listed by name, so a missing or misspelled one shows here.
    names = [command.NAME for command in cli_module.commands()]
    assert len(names) == len(set(names)) == len(cli_module.COMMAND_MODULES)
    assert cli_module.parse_args(["kpi", "--json"]).command == "kpi"


def test_failures_are_reported_once_the_subcommands_are_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Importing `ps_tui.cli.report` binds `report` in the package: the
    # function that words a failure must not be that name.
    cli_module.commands()
    assert main(["validate", "--store", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_the_tui_app_is_made_only_for_no_subcommand() -> None:
    with pytest.raises(ValueError, match="subcommand"):
        cli_module.tui_app(["kpi"])


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--no-such-flag"])
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert "implementations" in schema["$defs"]["StoreFile"]["properties"]


def test_version_in_a_subprocess(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ps_tui", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env(tmp_path / "home"),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ps-tui {ps_tui.__version__}"


def test_schema_in_a_subprocess_does_not_load_textual(tmp_path: Path) -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['ps-tui', 'schema']\n"
        "try:\n"
        "    runpy.run_module('ps_tui', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env(tmp_path / "home"),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "implementations" in json.loads(result.stdout)["$defs"]["StoreFile"]["properties"]
    assert result.stderr.strip().splitlines()[-1] == "False"


# --- validate -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_validate_good_store(capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str) -> None:
    path = good_store(tmp_path, kind)
    before = path.read_bytes()
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert str(path) in out
    assert "valid" in out
    assert "3 implementations" in out
    assert path.read_bytes() == before


def test_validate_counts_in_words_that_agree_with_the_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = sample_store()
    path = tmp_path / "one.toml"
    one = msgspec.structs.replace(store, implementations=store.implementations[:1])
    path.write_bytes(encode_store(one, "toml"))
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0, err
    assert f"1 implementation, {len(store.members)} team members, {len(store.offerings)} offerings)" in out


def test_validate_store_flag_and_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = good_store(tmp_path)
    assert run(capsys, "validate", "--store", str(path))[0] == 0
    assert run(capsys, "--store", str(path), "validate")[0] == 0
    monkeypatch.setenv(ENV_STORE, str(path))
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert str(path) in out


def test_validate_broken_store_lists_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    store = sample_store()
    text = encode_store(store, "toml").decode()
    text = text.replace('customer = "Customer 1"', 'customer = "Customer 1"\ncolour = "red"', 1)
    text = text.replace('ie_owner = "Louis Jarvis"', 'ie_owner = "Nobody"', 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    colour_line = lines.index('colour = "red"') + 1
    owner_line = lines.index('ie_owner = "Nobody"') + 1
    before = path.read_bytes()

    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    # On stderr, as every command reports a problem; nothing on stdout.
    assert out == ""
    assert err.startswith(f"ps-tui validate: {path}: 2 problems\n")
    assert f"{path}:{colour_line}: implementations[0].colour: unknown field" in err
    assert f"{path}:{owner_line}: implementations[0].ie_owner: unknown team member 'Nobody'" in err
    assert path.read_bytes() == before


def test_validate_broken_json_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    data = json.loads(encode_store(sample_store(), "json"))
    data["implementations"][2]["arr"] = -1
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    (line,) = [n for n, row in enumerate(path.read_text().splitlines(), 1) if '"arr": -1' in row]
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert out == ""
    assert f"{path}:{line}: implementations[2].arr: must be a whole number >= 0" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("store.toml", b"schema_version = \n", "TOML syntax"),
        ("store.json", b'{"schema_version": 1,', "JSON syntax"),
        ("store.toml", b"", "empty"),
        ("store.yaml", b"a: 1\n", "unknown store format"),
    ],
)
def test_validate_unusable_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert out == ""
    assert str(path) in err
    assert needle in err
    assert path.read_bytes() == data


def test_validate_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    code, out, err = run(capsys, "validate", str(missing))
    assert code == 2
    assert out == ""
    assert str(missing) in err
    assert not missing.exists()


def test_validate_without_a_store_fails(capsys: pytest.CaptureFixture[str], user_dir: Path) -> None:
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert "no store" in err
    assert not user_dir.exists()


def test_bad_today_flag_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--today", "2024-02-30", "validate", str(good_store(tmp_path)))
    assert code == 2
    assert "--today" in err


def test_broken_config_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('store = "s.toml"\nstoer = 1\n', encoding="utf-8")
    code, _, err = run(capsys, "--config", str(cfg), "validate")
    assert code == 2
    assert f"{cfg}:2" in err
    assert "stoer" in err


# --- init ---------------------------------------------------------------------------------


def test_init_writes_store_and_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "team"
    code, out, _ = run(capsys, "init", str(target))
    assert code == 0
    store_path, config_path = target / "store.toml", target / "config.toml"
    assert str(store_path) in out and str(config_path) in out

    store = FileStore(store_path).read()
    assert store.implementations == []
    assert store.members  # the handbook's reference data
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    assert (config_path.parent / config["store"]).resolve() == store_path.resolve()
    assert [p.name for p in target.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_init_writes_the_store_where_store_says(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    """`--store` used to be accepted and ignored: the store went to DIR."""
    target, store_path = tmp_path / "cfg", tmp_path / "team" / f"store.{kind}"
    code, out, _ = run(capsys, "init", str(target), "--store", str(store_path), "--demo")
    assert code == 0, out
    assert not (target / "store.toml").exists()
    assert len(FileStore(store_path).read().implementations) == 42
    config = tomllib.loads((target / "config.toml").read_text(encoding="utf-8"))
    assert Path(config["store"]) == store_path.resolve()
    code, _, err = run(capsys, "init", str(tmp_path / "c2"), "--store", str(tmp_path / "store.txt"))
    assert code == 2 and "a store is a .toml or .json file" in err


def test_init_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "team"
    assert run(capsys, "init", str(target))[0] == 0
    store_path = target / "store.toml"
    # Someone has made the store their own since.
    FileStore(store_path).read()
    edited = store_path.read_bytes() + b"\n# my notes\n"
    store_path.write_bytes(edited)
    before = snapshot(target)

    code, _, err = run(capsys, "init", str(target))
    assert code == 2
    assert "already exist" in err
    assert "--force" in err
    assert snapshot(target) == before


def test_init_refuses_when_only_one_file_exists(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "team"
    target.mkdir()
    (target / "config.toml").write_text('me = "Me"\n', encoding="utf-8")
    before = snapshot(target)
    code, _, err = run(capsys, "init", str(target))
    assert code == 2
    assert "config.toml" in err
    assert snapshot(target) == before


def test_init_force_overwrites(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "team"
    target.mkdir()
    (target / "store.toml").write_text("garbage = [\n", encoding="utf-8")
    (target / "config.toml").write_text("also garbage\n", encoding="utf-8")
    code, _, _ = run(capsys, "init", str(target), "--force")
    assert code == 0
    assert FileStore(target / "store.toml").read().implementations == []
    assert tomllib.loads((target / "config.toml").read_text(encoding="utf-8"))["store"] == "store.toml"


def test_init_defaults_to_the_user_config_dir(capsys: pytest.CaptureFixture[str], user_dir: Path) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert (user_dir / "store.toml").is_file()
    assert (user_dir / "config.toml").is_file()
    # With the default config in place, validate needs no arguments.
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert str(user_dir / "store.toml") in out


def test_config_flag_validates_the_configured_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "team"
    assert run(capsys, "init", str(target))[0] == 0
    config_path = target / "config.toml"

    code, out, _ = run(capsys, "--config", str(config_path), "validate")
    assert code == 0
    assert str(target / "store.toml") in out
    assert "0 implementations" in out

    # After the subcommand works too.
    assert run(capsys, "validate", "--config", str(config_path))[0] == 0

    # A broken store behind the config is reported, with its path.
    store_path = target / "store.toml"
    broken = msgspec.structs.replace(sample_store(1), schema_version=99)
    FileStore(store_path).read()
    store_path.write_bytes(encode_store(broken, "toml"))
    code, out, err = run(capsys, "--config", str(config_path), "validate")
    assert code == 2
    assert f"{store_path}:" in out + err
    assert "schema_version" in out + err


def test_init_and_validate_in_a_subprocess(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path / "home")
    target = tmp_path / "team"
    first = subprocess.run(
        [sys.executable, "-m", "ps_tui", "init", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [sys.executable, "-m", "ps_tui", "--config", str(target / "config.toml"), "validate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert "valid" in second.stdout
    assert not (tmp_path / "home" / ".config").exists()


def test_init_demo_writes_the_demo_in_the_layout_a_save_keeps(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`init --demo`: the commented reference text, then the demo
    implementations appended; the next edit's diff is that edit alone."""
    target = tmp_path / "demo"
    code, _, _ = run(capsys, "--today", "2026-11-30", "init", str(target), "--demo")
    assert code == 0
    text = (target / "store.toml").read_text(encoding="utf-8")
    assert text.startswith(reference_text())
    store = FileStore(target / "store.toml")
    data = store.read()
    assert data == default_store(dt.date(2026, 11, 30))
    first = data.implementations[0]
    store.save_implementation_sync(msgspec.structs.replace(first, notes="edited"))
    after = (target / "store.toml").read_text(encoding="utf-8")
    removed = [line for line in text.splitlines() if line not in after.splitlines()]
    added = [line for line in after.splitlines() if line not in text.splitlines()]
    assert added == ['notes = "edited"']
    assert all(line.startswith("notes = ") for line in removed)  # the old note, if it had one


# --- validate: dates ------------------------------------------------------------------------


def dated_store(directory: Path, kind: str = "toml", **changes: object) -> Path:
    """The sample store with implementation 0 completed on 2026-11-30 (and `changes`)."""
    store = sample_store()
    fields: dict[str, object] = {"status": Status.COMPLETED, "production_ready": dt.date(2026, 11, 30)}
    first = msgspec.structs.replace(store.implementations[0], **{**fields, **changes})
    store = msgspec.structs.replace(store, implementations=[first, *store.implementations[1:]])
    path = directory / f"dated.{kind}"
    path.write_bytes(encode_store(store, kind))
    return path


@pytest.mark.parametrize("kind", ["toml", "json"])
def test_validate_a_date_after_tomorrow_is_a_warning_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = dated_store(tmp_path, kind)
    # Tomorrow is within the grace of a day: nothing to say.
    code, out, _ = run(capsys, "validate", str(path), "--today", "2026-11-29")
    assert code == 0
    assert "warning" not in out
    code, out, _ = run(capsys, "validate", str(path), "--today", "2026-11-28")
    assert code == 0
    assert "valid" in out and "1 warning" in out
    warnings = out.split("warnings:\n", 1)[1]
    text = path.read_text().splitlines()
    (line,) = [n for n, row in enumerate(text, 1) if "2026-11-30" in row and "production_ready" in row]
    assert warnings == (
        f"  {path}:{line}: implementations[0].production_ready: 2026-11-30 is in the future "
        "(today is 2026-11-28; at most 2026-11-29 is accepted)\n"
    )


def test_validate_odd_milestones_are_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    milestones = [
        Milestone(key="kickoff", actual=dt.date(2025, 5, 2)),  # the kickoff is 2025-05-01
        Milestone(key="infrastructure", planned=dt.date(2025, 4, 30)),
    ]
    path = dated_store(tmp_path, milestones=milestones)
    code, out, _ = run(capsys, "validate", str(path), "--today", "2026-11-30")
    assert code == 0
    assert "2 warnings" in out
    assert "implementations[0].milestones[0].actual: 2025-05-02 differs from kickoff (2025-05-01)" in out
    assert "implementations[0].milestones[1].planned: 2025-04-30 is before kickoff (2025-05-01)" in out


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"status": Status.ACTIVE}, "production_ready", "must be empty while status is active"),
        (
            {"milestones": [Milestone(key="kickoff", actual=dt.date(2025, 4, 30))]},
            "milestones[0].actual",
            "2025-04-30 is before kickoff (2025-05-01)",
        ),
    ],
)
def test_validate_impossible_dates_are_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, changes: dict[str, object], path: str, message: str
) -> None:
    store_path = dated_store(tmp_path, **changes)
    code, out, err = run(capsys, "validate", str(store_path), "--today", "2026-11-30")
    assert code == 2
    assert f"implementations[0].{path}: {message}" in out + err
    assert "warnings:" not in out + err
