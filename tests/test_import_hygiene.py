"""core/ is pure domain code: importing it must not pull in the UI or HTTP
stack; and the headless subcommands never load Textual (nor the server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import python_answer


def test_named_core_modules_do_not_import_textual_or_httpx() -> None:
    found = python_answer(
        """
        import json, sys
        import ps_tui.core.model, ps_tui.core.validate, ps_tui.core.parse, ps_tui.core.demo
        import ps_tui.core.portfolio
        print(json.dumps({name: name in sys.modules for name in ("textual", "httpx")}))
        """
    )
    assert found == {"textual": False, "httpx": False}


def test_every_core_module_is_free_of_ui_and_http() -> None:
    found = python_answer(
        """
        import importlib, json, pkgutil, sys
        import ps_tui.core
        names = [
            info.name
            for info in pkgutil.walk_packages(ps_tui.core.__path__, "ps_tui.core.")
        ]
        for name in names:
            importlib.import_module(name)
        heavy = sorted(
            m for m in sys.modules if m.split(".")[0] in ("textual", "httpx")
        )
        print(json.dumps({"modules": names, "heavy": heavy}))
        """
    )
    modules = found["modules"]
    assert isinstance(modules, list)
    # The modules the brief names are among those imported (so the walk worked).
    assert {
        "ps_tui.core.model",
        "ps_tui.core.validate",
        "ps_tui.core.parse",
        "ps_tui.core.demo",
        "ps_tui.core.portfolio",
    } <= set(modules)
    assert found["heavy"] == []


def test_data_and_store_locate_stay_light() -> None:
    # The bundled data and the line locator are used by the CLI's headless
    # commands, which should not pay for the TUI either.
    found = python_answer(
        """
        import json, sys
        import ps_tui.data, ps_tui.store.locate, ps_tui.store.file, ps_tui.store.memory
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "httpx"))))
        """
    )
    assert found == []


#: Every headless subcommand, with what it needs to succeed; {store},
#: {dir} and {csv} are filled in per test.
HEADLESS = {
    "list": ["list", "--status", "all", "--format", "json", "--store", "{store}"],
    "kpi": ["kpi", "--json", "--store", "{store}"],
    "team": ["team", "--json", "--store", "{store}"],
    "lookup": ["lookup", "--segment", "ent", "--json", "--store", "{store}"],
    "validate": ["validate", "{store}"],
    "schema": ["schema"],
    "init": ["init", "{dir}", "--demo"],
    "report": ["report", "weekly", "--format", "html", "--store", "{store}"],
    "import": ["import", "{csv}", "--dry-run", "--store", "{store}"],
    # The demo data, when no store is configured.
    "list (demo)": ["list"],
}


@pytest.mark.parametrize("command", list(HEADLESS))
def test_headless_subcommands_load_no_textual(command: str, tmp_path: Path) -> None:
    from tests.server_process import write_store

    store = write_store(tmp_path / "store.json")
    csv = tmp_path / "rows.csv"
    csv.write_text("Customer,Developers\nHooli,300\n", encoding="utf-8")
    argv = [arg.format(store=store, dir=tmp_path / "init", csv=csv) for arg in HEADLESS[command]]
    found = python_answer(
        f"""
        import contextlib, io, json, sys
        from ps_tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main({argv!r})
        heavy = ("textual", "httpx", "fastapi", "uvicorn", "sqlite3", "psycopg", "psycopg_pool",
                 "textual_serve", "aiohttp")
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
        print(json.dumps({{"code": code, "heavy": heavy}}))
        """
    )
    assert found == {"code": 0, "heavy": []}


def test_a_database_command_loads_only_its_own_driver(tmp_path: Path) -> None:
    # `ps-tui db` on SQLite needs sqlite3 and nothing of the TUI, the HTTP
    # client, the server or the PostgreSQL driver.
    argv = ["db", "upgrade", f"sqlite:///{tmp_path / 'ps-tui.db'}"]
    found = python_answer(
        f"""
        import contextlib, io, json, sys
        from ps_tui.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main({argv!r})
        heavy = ("textual", "httpx", "fastapi", "uvicorn", "psycopg", "psycopg_pool")
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
        print(json.dumps({{"code": code, "heavy": heavy, "sqlite3": "sqlite3" in sys.modules}}))
        """
    )
    assert found == {"code": 0, "heavy": [], "sqlite3": True}


def test_only_the_web_command_imports_textual_serve() -> None:
    # The optional web extra: every other module works without it installed.
    import ast

    import ps_tui

    root = Path(ps_tui.__file__).parent
    importers = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(name.split(".")[0] in ("textual_serve", "aiohttp") for name in names):
                importers.add(path.relative_to(root).as_posix())
    assert importers == {"cli/web.py"}
