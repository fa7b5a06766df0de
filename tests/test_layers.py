"""The shape of the code: the core never imports the command line or a format, and imports have no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tcmcheck"
CORE = ("actuals", "batch", "cells", "describe", "engine", "errors", "messages", "model", "periods", "plan_yaml",
        "regions", "result", "spec", "text", "workbook", "workers")
ABOVE_THE_CORE = ("click", "rich", "tabulate", "tcmcheck.cli", "tcmcheck.formats", "tcmcheck.views")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(path): imports_of(path) for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize("name", CORE)
def test_core_imports_nothing_above_it(name):
    above = {m for m in MODULES[f"tcmcheck.{name}"] if m.startswith(ABOVE_THE_CORE)}
    assert not above


def test_result_model_depends_only_on_errors_model_periods_and_text():
    ours = {m for m in MODULES["tcmcheck.result"] if m.startswith("tcmcheck.") and m in MODULES}
    assert ours <= {"tcmcheck.errors", "tcmcheck.model", "tcmcheck.periods", "tcmcheck.text"}


def test_imports_have_no_cycles():
    graph = {name: {m for m in imported if m in MODULES and m != name} for name, imported in MODULES.items()}
    for package in [n for n in graph if (PACKAGE.parent / n.replace(".", "/") / "__init__.py").exists()]:
        for name in graph:  # a module's own package is imported before it: not a cycle of ours
            if name.startswith(package + "."):
                graph[name].discard(package)
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            assert state.get(target) != 1, "import cycle: " + " -> ".join(path + [name, target])
            if target not in state:
                visit(target, path + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
