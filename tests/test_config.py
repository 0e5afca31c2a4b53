"""Settings resolution: defaults < config file < environment < flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ps_tui.config as config_module
from ps_tui.config import (
    ENV_CONFIG,
    ENV_ME,
    ENV_REMOTE,
    ENV_STORE,
    ENV_TODAY,
    ConfigError,
    Settings,
    read_config,
    resolve,
)


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the real user's config: the default location is an empty
    directory under tmp_path, and HOME/XDG point there too."""
    user_dir = tmp_path / "user-config" / "ps-tui"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setattr(config_module, "user_config_dir", lambda: user_dir)
    monkeypatch.setattr(config_module, "default_config_path", lambda: user_dir / "config.toml")
    for name in (ENV_CONFIG, ENV_STORE, ENV_TODAY, ENV_ME, ENV_REMOTE):
        monkeypatch.delenv(name, raising=False)
    return user_dir


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- precedence ------------------------------------------------------------------


def test_defaults_without_any_config() -> None:
    settings = resolve(env={})
    assert settings == Settings()
    assert settings.store is None
    assert settings.today is None
    assert settings.config_path is None
    assert settings.effective_today() == dt.date.today()


def test_config_file_overrides_defaults(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "cfg" / "config.toml",
        'store = "/abs/store.toml"\ntoday = 2024-05-06\nme = "Louis Jarvis"\n',
    )
    settings = resolve(config=str(cfg), env={})
    assert settings.store == Path("/abs/store.toml")
    assert settings.today == dt.date(2024, 5, 6)
    assert settings.me == "Louis Jarvis"
    assert settings.config_path == cfg
    assert settings.effective_today() == dt.date(2024, 5, 6)


def test_today_as_a_string_in_the_config(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'today = "2024-05-06"\n')
    assert resolve(config=str(cfg), env={}).today == dt.date(2024, 5, 6)


def test_environment_overrides_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "from-file.toml"\ntoday = 2024-05-06\nme = "File"\n')
    env = {ENV_STORE: "/env/store.json", ENV_TODAY: "2025-01-02", ENV_ME: "Env"}
    settings = resolve(config=str(cfg), env=env)
    assert settings.store == Path("/env/store.json")
    assert settings.today == dt.date(2025, 1, 2)
    assert settings.me == "Env"


def test_flags_override_environment_and_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "from-file.toml"\ntoday = 2024-05-06\n')
    env = {ENV_STORE: "/env/store.json", ENV_TODAY: "2025-01-02"}
    settings = resolve(config=str(cfg), store="/flag/store.toml", today="2026-03-04", env=env)
    assert settings.store == Path("/flag/store.toml")
    assert settings.today == dt.date(2026, 3, 4)
    assert settings.config_path == cfg


def test_flags_override_environment_without_a_config_file() -> None:
    settings = resolve(store="/flag/s.toml", env={ENV_STORE: "/env/s.toml", ENV_TODAY: "2025-01-02"})
    assert settings.store == Path("/flag/s.toml")
    assert settings.today == dt.date(2025, 1, 2)


def test_a_store_in_the_environment_beats_a_server_in_the_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", '[remote]\nurl = "http://ps.example:8765"\ntoken = "t"\n')
    settings = resolve(config=str(cfg), env={ENV_STORE: "/env/store.toml"})
    assert settings.store == Path("/env/store.toml")
    assert settings.remote_url is None


def test_a_server_in_the_environment_beats_a_store_in_the_config_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "/file/store.toml"\n')
    settings = resolve(config=str(cfg), env={ENV_REMOTE: "http://env.example:8765"})
    assert settings.remote_url == "http://env.example:8765"


def test_the_store_flag_beats_a_server_in_the_environment_and_the_config(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", '[remote]\nurl = "http://ps.example:8765"\n')
    env = {ENV_STORE: "/env/store.toml", ENV_REMOTE: "http://env.example:8765"}
    settings = resolve(config=str(cfg), store="/flag/store.toml", env=env)
    assert settings.store == Path("/flag/store.toml")
    assert settings.remote_url is None


def test_each_layer_only_overrides_what_it_sets(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "/file/store.toml"\ntoday = 2024-05-06\n')
    settings = resolve(config=str(cfg), env={ENV_TODAY: "2025-01-02"})
    assert settings.store == Path("/file/store.toml")  # from the file
    assert settings.today == dt.date(2025, 1, 2)  # from the environment


def test_empty_environment_values_are_ignored(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "/file/store.toml"\n')
    settings = resolve(config=str(cfg), env={ENV_STORE: "", ENV_TODAY: ""})
    assert settings.store == Path("/file/store.toml")
    assert settings.today is None


# --- which config file ----------------------------------------------------------------


def test_ps_tui_config_selects_the_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / "elsewhere" / "my.toml", 'store = "/chosen.toml"\n')
    settings = resolve(env={ENV_CONFIG: str(cfg)})
    assert settings.config_path == cfg
    assert settings.store == Path("/chosen.toml")


def test_config_flag_beats_ps_tui_config(tmp_path: Path) -> None:
    by_env = write(tmp_path / "env.toml", 'store = "/env.toml"\n')
    by_flag = write(tmp_path / "flag.toml", 'store = "/flag.toml"\n')
    settings = resolve(config=str(by_flag), env={ENV_CONFIG: str(by_env)})
    assert settings.config_path == by_flag
    assert settings.store == Path("/flag.toml")


def test_default_config_file_is_used_when_present(no_user_config: Path) -> None:
    cfg = write(no_user_config / "config.toml", 'store = "store.toml"\n')
    settings = resolve(env={})
    assert settings.config_path == cfg
    assert settings.store == no_user_config / "store.toml"


def test_ps_tui_config_beats_the_default_file(no_user_config: Path, tmp_path: Path) -> None:
    write(no_user_config / "config.toml", 'store = "/default.toml"\n')
    chosen = write(tmp_path / "chosen.toml", 'store = "/chosen.toml"\n')
    assert resolve(env={ENV_CONFIG: str(chosen)}).store == Path("/chosen.toml")


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as caught:
        resolve(config=str(missing), env={})
    assert str(missing) in str(caught.value)
    assert "not found" in str(caught.value)
    with pytest.raises(ConfigError, match="not found"):
        resolve(env={ENV_CONFIG: str(missing)})


def test_relative_store_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = write(tmp_path / "team" / "conf" / "config.toml", 'store = "../data/store.toml"\n')
    settings = resolve(config=str(cfg), env={})
    assert settings.store is not None
    assert settings.store.resolve() == (tmp_path / "team" / "data" / "store.toml").resolve()


def test_home_relative_store_in_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    cfg = write(tmp_path / "config.toml", 'store = "~/portfolio/store.toml"\n')
    settings = resolve(config=str(cfg), env={})
    assert settings.store == tmp_path / "home" / "portfolio" / "store.toml"


# --- errors -----------------------------------------------------------------------------


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", '# comment\nstore = "s.toml"\n\nstroe = "typo.toml"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config=str(cfg), env={})
    message = str(caught.value)
    assert f"{cfg}:4" in message
    assert "stroe" in message
    assert "unknown field" in message


def test_bad_value_in_config_names_the_key(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "s.toml"\ntoday = "2024-02-30"\n')
    with pytest.raises(ConfigError) as caught:
        read_config(cfg)
    assert f"{cfg}:2" in str(caught.value)
    assert "today" in str(caught.value)


def test_config_syntax_error(tmp_path: Path) -> None:
    cfg = write(tmp_path / "config.toml", 'store = "unterminated\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config=str(cfg), env={})
    assert str(cfg) in str(caught.value)
    assert "TOML" in str(caught.value)


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_bytes(b'me = "\xff"\n')
    with pytest.raises(ConfigError, match="cannot read"):
        resolve(config=str(cfg), env={})


@pytest.mark.parametrize("value", ["2024-02-30", "tomorrow", "2024/01/01", "1-1-2024"])
def test_bad_today_flag(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(today=value, env={})
    assert "--today" in str(caught.value)
    assert value in str(caught.value)


def test_bad_today_environment() -> None:
    with pytest.raises(ConfigError, match=ENV_TODAY):
        resolve(env={ENV_TODAY: "someday"})


def test_resolve_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_STORE, "/from/os/environ.toml")
    assert resolve().store == Path("/from/os/environ.toml")
