"""The launch case: process start to the first frame, ps-tui against a bare app.

Both apps run under exactly the same harness (`HARNESS`, run with `python -c`);
only `make_app` and `ready` differ. The harness wraps the app's `_display`,
which the compositor calls with each finished frame (headless, every visible
line is still rendered; only the terminal write is skipped), and exits at the
first frame drawn once `ready(app)` holds. The parent took its timestamp just
before spawning the interpreter, so the figure includes interpreter start-up,
imports, composing, styling and the first render.
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

#: ps-tui on the bundled demo data; ready once the dashboard shows the data
#: (the portfolio is loaded and its tables are measured).
PS_TUI = """\
def make_app():
    import datetime as dt
    from ps_tui.app import PsApp
    from ps_tui.session import open_store
    from ps_tui.config import Settings
    settings = Settings(today=dt.date(2026, 11, 30))
    return PsApp(open_store(settings), settings)


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


def script(variant: str) -> str:
    """The `python -c` program for `variant` ("ps-tui" or "bare")."""
    width, height = SIZE
    return HARNESS.format(factory=FACTORIES[variant], width=width, height=height)
