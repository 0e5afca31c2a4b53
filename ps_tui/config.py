"""Settings, from lowest to highest precedence: defaults < config file <
environment (`PS_TUI_*`) < command-line flags.

Where the data comes from (a store file or a server) is one choice: the
highest layer that names either decides it, so `PS_TUI_STORE` wins over a
config file's `[remote].url` and `--store` wins over `PS_TUI_REMOTE`. A
layer that names both (a config with `store` and `[remote].url`) uses the
server."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

import msgspec

from ps_tui.core.parse import ParseError, parse_date
from ps_tui.core.views import View, view_problems

APP_NAME = "ps-tui"
ENV_CONFIG = "PS_TUI_CONFIG"
ENV_STORE = "PS_TUI_STORE"
ENV_TODAY = "PS_TUI_TODAY"
ENV_ME = "PS_TUI_ME"
ENV_REMOTE = "PS_TUI_REMOTE"
ENV_TOKEN = "PS_TUI_TOKEN"


class ConfigError(Exception):
    """A config file or setting that cannot be used; the message says where and why."""


class RemoteSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """`[remote]`: a shared `ps-tui serve` instead of a local store file."""

    url: str | None = None
    token: str | None = None
    refresh_seconds: Annotated[int, msgspec.Meta(ge=2)] = 30


class ConfigFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The keys a `config.toml` may hold (see the example at the repository root)."""

    store: str | None = None
    me: str | None = None
    today: dt.date | None = None
    max_store_mb: Annotated[int, msgspec.Meta(ge=1, le=1 << 20)] = 4096
    #: Capture the mouse (false: the terminal's own selection works).
    mouse: bool = True
    #: The colour theme (a Textual theme's name); set when one is chosen in the palette.
    theme: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    #: Binding id -> keys (`"impl.edit" = "E,f2"`), checked when the TUI starts.
    keymap: dict[
        Annotated[str, msgspec.Meta(max_length=100)], Annotated[str, msgspec.Meta(max_length=200)]
    ] = msgspec.field(default_factory=dict)
    remote: RemoteSection = msgspec.field(default_factory=RemoteSection)
    views: Annotated[list[View], msgspec.Meta(max_length=100)] = msgspec.field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    #: The store file; None means the bundled demo data.
    store: Path | None = None
    #: The user's own name on the team, for "mine" filters, and where it
    #: was set (`PS_TUI_ME`, or the config file's `me`), for a message.
    me: str | None = None
    me_origin: str = "me"
    #: A fixed "today" for reproducible views; None means the real date.
    today: dt.date | None = None
    #: The config file that was read, if any.
    config_path: Path | None = None
    #: A shared server to use instead of `store`, its token, and how often to
    #: poll it for changes.
    remote_url: str | None = None
    remote_token: str | None = None
    refresh_seconds: int = 30
    #: Whether a shared server that cannot be reached may be stood in for by
    #: the copy cached from the last good load (`--no-cache` says no).
    use_cache: bool = True
    #: The largest store file read, in MiB: anything bigger is refused
    #: before it is read (a runaway or sparse file).
    max_store_mb: int = 4096
    #: Whether the TUI captures the mouse (`mouse = false`, `--no-mouse`).
    mouse: bool = True
    #: The colour theme's name; None: Textual's default.
    theme: str | None = None
    #: The config's `[keymap]`, as written (checked by `ps_tui.keymap`).
    keymap: Mapping[str, str] = field(default_factory=dict)
    #: The config's saved views (`[[views]]`), checked.
    views: tuple[View, ...] = ()

    def effective_today(self) -> dt.date:
        return self.today or dt.date.today()


def user_config_dir() -> Path:
    """The per-user config directory (platformdirs), e.g. ~/.config/ps-tui."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def user_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def default_config_path() -> Path:
    return user_config_dir() / "config.toml"


def read_config(path: Path) -> ConfigFile:
    """Parse and check a config file; ConfigError names the file, line and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config ({error})") from None
    # Here, not at the top: a launch without a config file never parses TOML.
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: TOML syntax: {error}") from None
    try:
        loaded = msgspec.convert(raw, ConfigFile)
    except msgspec.ValidationError as error:
        # Only a broken config needs these: not imported on every launch.
        from ps_tui.core.validate import problem_from_error
        from ps_tui.store.locate import line_of, toml_lines

        problem = problem_from_error(error)
        line = line_of(problem.path, toml_lines(text))
        raise ConfigError(problem.describe(f"{path}:{line}" if line else str(path))) from None
    if loaded.views:
        problems = view_problems(loaded.views)
        if problems:
            from ps_tui.store.locate import line_of, toml_lines

            index, name, message = problems[0]
            line = line_of(f"views[{index}].{name}", toml_lines(text))
            raise ConfigError(f"{path}:{line}: views[{index}].{name}: {message}")
    return loaded


def origin_of(config_path: Path | None, field: str) -> str:
    """Where the config sets `field` (a path such as `keymap.impl.edit` or
    `views[2].key`), as "PATH:LINE", for a message about it."""
    if config_path is None:
        return field
    from ps_tui.store.locate import line_of, toml_lines

    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return str(config_path)
    line = line_of(field, toml_lines(text))
    return f"{config_path}:{line}" if line else str(config_path)


def _today(value: str, origin: str) -> dt.date:
    try:
        return parse_date(value)
    except ParseError as error:
        raise ConfigError(f"{origin}: {error}") from None


def resolve(
    *,
    config: str | None = None,
    store: str | None = None,
    today: str | None = None,
    remote: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings for one run from flags (the arguments), the
    environment and the config file, in that order of precedence."""
    env = os.environ if env is None else env
    settings = Settings()

    config_path: Path | None = None
    if config:
        config_path = Path(config).expanduser()
    elif env.get(ENV_CONFIG):
        config_path = Path(env[ENV_CONFIG]).expanduser()
    elif default_config_path().is_file():
        config_path = default_config_path()

    if config_path is not None:
        loaded = read_config(config_path)
        settings = replace(
            settings,
            config_path=config_path,
            me=loaded.me,
            me_origin=f"{config_path}: me",
            today=loaded.today,
            remote_url=loaded.remote.url,
            remote_token=loaded.remote.token,
            refresh_seconds=loaded.remote.refresh_seconds,
            max_store_mb=loaded.max_store_mb,
            mouse=loaded.mouse,
            theme=loaded.theme,
            keymap=loaded.keymap,
            views=tuple(loaded.views),
        )
        if loaded.store:
            # A relative store path is relative to the config file that names it.
            settings = replace(settings, store=(config_path.parent / Path(loaded.store).expanduser()))

    if env.get(ENV_STORE):
        settings = replace(settings, store=Path(env[ENV_STORE]).expanduser())
        if not env.get(ENV_REMOTE):
            # A store named in the environment wins over a server in the
            # config file, as one named by a flag wins over both.
            settings = replace(settings, remote_url=None)
    if env.get(ENV_TODAY):
        settings = replace(settings, today=_today(env[ENV_TODAY], ENV_TODAY))
    if env.get(ENV_ME):
        settings = replace(settings, me=env[ENV_ME], me_origin=ENV_ME)
    if env.get(ENV_REMOTE):
        settings = replace(settings, remote_url=env[ENV_REMOTE])
    if env.get(ENV_TOKEN):
        settings = replace(settings, remote_token=env[ENV_TOKEN])

    if store:
        settings = replace(settings, store=Path(store).expanduser())
    if remote:
        settings = replace(settings, remote_url=remote)
    if store and not remote:
        # A store named on the command line wins over a configured server.
        settings = replace(settings, remote_url=None)
    if today:
        settings = replace(settings, today=_today(today, "--today"))
    return settings
