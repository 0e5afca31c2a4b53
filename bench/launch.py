"""The launch case: process start to the first frame, ps-tui against a bare app.

Both apps run under exactly the same harness (`HARNESS`, run with `python -c`);
only `make_app` and `ready` differ. The harness wraps the app's `_display`,
which the compositor calls with each finished frame (headless, every visible
line is still rendered; only the terminal write is skipped), and exits at the
first frame drawn once `ready(app)` holds. The parent took its timestamp just
before spawning the interpreter, so the figure includes interpreter start-up,
imports, the command line's parsing and config, composing, styling and the
first render (see `env` for the children's environment).
"""

from __future__ import annotations

#: Terminal size for every TUI measurement.
SIZE = (120, 40)

HARNESS = """\
import json, resource, time
{factory}
app = make_app()
frames = {{}}
_display = app._display


def _timed_display(screen, renderable):
    _display(screen, renderable)
    if renderable is None or screen is not app.screen or app._batch_count:
        return
    now = time.perf_counter()
    frames.setdefault("first", now)
    if "ready" not in frames and ready(app):
        frames["ready"] = now
        app.exit()


app._display = _timed_display
app.run(headless=True, size=({width}, {height}))
frames["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("BENCH-RESULT " + json.dumps(frames))
"""

#: `ps-tui` on the bundled demo data, made as the command makes it (its
#: arguments parsed, its config resolved: `ps_tui.cli.tui_app`), with today
#: fixed by `env`; ready once the dashboard shows the data (the portfolio is
#: loaded and its tables are measured).
PS_TUI = """\
def make_app():
    from ps_tui.cli import tui_app
    return tui_app([])


def ready(app):
    if app.portfolio is None:
        return False
    return not any(getattr(t, "_require_update_dimensions", False) for t in app.screen.query("DataTable"))
"""

#: The baseline: a Header, a Static and a Footer; ready at its first frame.
BARE = """\
def make_app():
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class BareApp(App):
        def compose(self):
            yield Header()
            yield Static("Hello from a bare Textual app")
            yield Footer()

    return BareApp()


def ready(app):
    return True
"""

FACTORIES = {"ps-tui": PS_TUI, "bare": BARE}


def env(config_home: str) -> dict[str, str]:
    """The environment of both children: the data's today, and an empty
    config directory, as on a machine where ps-tui was just installed."""
    return {"PS_TUI_TODAY": "2026-11-30", "XDG_CONFIG_HOME": config_home}


def script(variant: str) -> str:
    """The `python -c` program for `variant` ("ps-tui" or "bare")."""
    width, height = SIZE
    return HARNESS.format(factory=FACTORIES[variant], width=width, height=height)
