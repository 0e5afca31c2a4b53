"""The package's import graph has no cycle, type-only imports included.

Every module under `ps_tui/` is parsed (not imported), and every `import` and
`from ... import` counts: at the top, under `if TYPE_CHECKING:` and inside
functions. A cycle there means two layers know each other, even when Python
happens to load them in an order that works.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import ps_tui

ROOT = Path(ps_tui.__file__).parent

#: Imports that close a cycle and are known, as (importer, imported) with the
#: reason. Each entry must still exist (so a fixed one leaves the list); none
#: may be in screens/, widgets/ or app.py.
ALLOWED: dict[tuple[str, str], str] = {}


def module_names(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _imports(name: str, path: Path, modules: Mapping[str, Path]) -> Iterator[str]:
    """The package's modules that `name` imports anywhere in its source.

    A module named in the statement counts. So do the packages Python runs
    on the way to it (importing a.b.c runs a and a.b first), except those
    that hold `name` itself: they are running already, so a package whose
    __init__ re-exports its modules, which import each other by absolute
    name, is no cycle. `from package import module` names the module; the
    package counts as named only when a name is taken from it."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        named: list[str] = []
        if isinstance(node, ast.Import):
            named = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            submodules = [f"{source}.{alias.name}" for alias in node.names]
            named = [module for module in submodules if module in modules]
            if len(named) < len(submodules):
                named.append(source)
        for target in named:
            if target in modules and target != name:
                yield target
            parts = target.split(".")
            for end in range(1, len(parts)):
                passed = ".".join(parts[:end])
                if passed in modules and not (name == passed or name.startswith(passed + ".")):
                    yield passed


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: set(_imports(name, path, modules)) for name, path in modules.items()}


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None: a depth-first search that keeps
    the path it is on."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
                continue
            if step in on_path:
                return [*path[path.index(step) :], step]
            if step in done:
                continue
            path.append(step)
            on_path.add(step)
            stack.append(iter(sorted(graph.get(step, ()))))
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = import_graph()
    for importer, imported in ALLOWED:
        graph[importer].discard(imported)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_every_allowed_import_still_exists_outside_the_screens() -> None:
    graph = import_graph()
    for importer, imported in ALLOWED:
        assert imported in graph[importer], f"{importer} no longer imports {imported}: drop it from ALLOWED"
        assert not importer.startswith(("ps_tui.screens", "ps_tui.widgets", "ps_tui.app")), importer


def test_screens_and_widgets_never_import_the_app() -> None:
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith(("ps_tui.screens", "ps_tui.widgets")):
            assert "ps_tui.app" not in imported, name


#: The standard library's file, process and OS modules: none is for a
#: screen. (`pathlib` is not among them: a screen may hold a path a user
#: typed, as a value, for a worker to write to.)
IO_MODULES = {"io", "os", "shutil", "subprocess", "tempfile"}


def test_screens_and_widgets_do_no_file_or_process_io() -> None:
    """Handing text to the user's editor writes a file and runs a process:
    that is `ps_tui.editor`'s, which the form calls; no screen or widget
    imports what would do it."""
    for name, path in module_names().items():
        if not name.startswith(("ps_tui.screens", "ps_tui.widgets")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                named = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                named = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not named & IO_MODULES, f"{name} imports {sorted(named & IO_MODULES)}"


def test_the_graph_sees_type_only_relative_and_nested_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import b\n"
    )
    (package / "sub" / "b.py").write_text("def f() -> None:\n    from . import c\n")
    (package / "sub" / "c.py").write_text("from ..a import thing\n")
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub", "pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.sub.c"}
    assert graph["pkg.sub.c"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.a"]
    (package / "sub" / "c.py").write_text("import pkg.sub.b\n")
    assert find_cycle(import_graph(package)) == ["pkg.sub.b", "pkg.sub.c", "pkg.sub.b"]
    # A package that re-exports its modules, which import each other by
    # absolute name: no cycle, unless a module asks the package itself.
    (package / "sub" / "__init__.py").write_text("from pkg.sub.b import f\n")
    (package / "sub" / "c.py").write_text("X = 1\n")
    (package / "a.py").write_text("")
    assert find_cycle(import_graph(package)) is None
    (package / "sub" / "c.py").write_text("from pkg.sub import f\n")
    assert find_cycle(import_graph(package)) == ["pkg.sub", "pkg.sub.b", "pkg.sub.c", "pkg.sub"]
