"""What launch does before the first dashboard frame, counted, not timed.

Launch time is a budget (1.5x a bare Textual app, `python -m bench --only
launch`): each import and restyle before the first frame is paid on
every start. These tests start the app as the benchmark does (as `ps-tui`
alone makes it, `ps_tui.cli.tui_app`), in a fresh interpreter on the demo
data, and record at the first frame drawn with the data (what the user sees
first) what was imported and what was done.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import python_answer

#: Runs in a fresh interpreter: the app on the demo data, headless at
#: 120x40, until the first frame drawn once the data are shown. Prints what
#: it saw as JSON.
PROBE = """
import collections, gc, json, os, sys, tempfile
for name in [name for name in os.environ if name.startswith("PS_TUI_")]:
    del os.environ[name]
os.environ["PS_TUI_TODAY"] = "2026-11-30"
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
from textual.dom import DOMNode

restyled = collections.Counter()
update_node_styles = DOMNode.update_node_styles


def counted_restyle(self, *args, **kwargs):
    restyled[type(self).__name__] += 1
    return update_node_styles(self, *args, **kwargs)


DOMNode.update_node_styles = counted_restyle

from textual.widget import Widget

recomposed = []
recompose = Widget.recompose


async def counted_recompose(self):
    recomposed.append(type(self).__name__)
    await recompose(self)


Widget.recompose = counted_recompose

from ps_tui.cli import tui_app

app = tui_app([])  # as `ps-tui` alone makes it
seen = {}
display = app._display


def first_frame(screen, renderable):
    display(screen, renderable)
    if seen or renderable is None or screen is not app.screen or app._batch_count:
        return
    if app.portfolio is None:
        return
    from textual.widgets._footer import FooterKey

    seen["modules"] = sorted(sys.modules)
    seen["restyled"] = dict(restyled)
    seen["recomposed"] = recomposed
    seen["footer"] = [key.key for key in screen.query(FooterKey)]
    seen["lines"] = [strip.text for strip in screen._compositor.render_strips()]
    seen["collecting_at_first_frame"] = gc.isenabled()
    app.exit()


app._display = first_frame
app.run(headless=True, size=(120, 40))
seen["collecting_after"] = gc.isenabled()
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def first_frame() -> dict[str, Any]:
    seen: dict[str, Any] = python_answer(PROBE, timeout=120)
    assert seen, "no frame with the data was drawn"
    return seen


def test_the_first_frame_shows_the_dashboard_and_its_keys(first_frame: dict[str, Any]) -> None:
    # What the user sees first: the data, the tabs, the status and every key
    # that fits (so the work kept out of launch is not work the frame needed).
    text = "\n".join(first_frame["lines"])
    assert "Needs attention" in text and "Median days by month of completion" in text
    assert "Dashboard" in first_frame["lines"][1]
    assert "DEMO DATA" in first_frame["lines"][-2]
    assert first_frame["footer"] == ["w", "enter", "f1", "q", "ctrl+p"]


def test_launch_on_the_demo_data_reads_no_store_file_and_no_toml(first_frame: dict[str, Any]) -> None:
    # The demo data are in memory: the file backend (hashing, history,
    # locking) and the TOML parser load when a file or a config is read.
    modules = set(first_frame["modules"])
    assert "ps_tui.store.memory" in modules
    assert {"ps_tui.store.file", "hashlib", "tomllib"} & modules == set()


def test_launch_imports_no_subcommand(first_frame: dict[str, Any]) -> None:
    # `ps-tui` alone parses no subcommand: their modules and parsers were a
    # tenth of the time to the first frame.
    commands = {name for name in first_frame["modules"] if name.startswith("ps_tui.cli.")}
    assert commands == {"ps_tui.cli.diagnostics", "ps_tui.cli.tui"}


def test_the_collector_is_held_off_until_the_first_frame(first_frame: dict[str, Any]) -> None:
    # Its passes over what launch makes (all of it lives as long as the
    # app) were a tenth of the time to the first frame; after it, it runs.
    assert first_frame["collecting_at_first_frame"] is False
    assert first_frame["collecting_after"] is True


def test_the_footer_keys_are_styled_once(first_frame: dict[str, Any]) -> None:
    # Each key was styled as compact and restyled as not, before the first frame.
    assert first_frame["restyled"].get("FooterKey", 0) == 0


def test_the_bundled_json_holds_the_reference_toml() -> None:
    # The app reads reference.json; `init` writes reference.toml. After an edit
    # of the TOML: python -c "from ps_tui import data; data._JSON.write_bytes(data.reference_json())"
    import tomllib

    from ps_tui.core.validate import decode_store
    from ps_tui.data import _JSON, reference_json, reference_store, reference_text

    assert _JSON.read_bytes() == reference_json()
    assert reference_store() == decode_store(tomllib.loads(reference_text()))


def test_the_footer_is_composed_with_its_keys(first_frame: dict[str, Any]) -> None:
    # It was composed empty and rebuilt with its keys after the screen's
    # first layout, which was then made and rendered again for them.
    assert first_frame["recomposed"] == []
