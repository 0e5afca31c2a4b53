"""Workers that take arguments say what they are: without a description,
Textual names a worker after the repr() of its arguments, on the UI thread.
A portfolio of 1,000,000 implementations took 44 s and 5 GB to repr."""

from __future__ import annotations

import ast
from pathlib import Path

import ps_tui

SOURCE = Path(ps_tui.__file__).parent


def _work_decorator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "work":
            return decorator
        if isinstance(decorator, ast.Name) and decorator.id == "work":
            return ast.Call(func=decorator, args=[], keywords=[])
    return None


def test_every_worker_with_arguments_has_a_description() -> None:
    undescribed = []
    workers = 0
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            decorator = _work_decorator(node)
            if decorator is None:
                continue
            workers += 1
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs][1:]
            described = any(keyword.arg == "description" for keyword in decorator.keywords)
            if (arguments or node.args.vararg or node.args.kwarg) and not described:
                undescribed.append(f"{path.relative_to(SOURCE)}:{node.lineno} {node.name}")
    assert workers > 10  # the scan finds them
    assert undescribed == []
