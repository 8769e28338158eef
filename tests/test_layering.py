"""The package's layers, read from its import statements: report/ has no import cycle, commands/ does not reach
back into the CLI, and one table says which free names pasted snippets mean as modules."""
from __future__ import annotations

import ast
import os
from typing import Dict, List, Set

from tests.conftest import ROOT

PACKAGE = "rnn_reuse_lint"


def _modules() -> Dict[str, str]:
    """Dotted module name -> file, for every module of the package."""
    out = {}
    for directory, _, files in os.walk(os.path.join(ROOT, PACKAGE)):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                dotted = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                out[dotted[: -len(".__init__")] if dotted.endswith(".__init__") else dotted] = path
    return out


def _imports(module: str, modules: Dict[str, str]) -> Set[str]:
    """The package's modules that `module` imports anywhere (also inside functions: lazy imports run too)."""
    path = modules[module]
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    package = module.split(".") if path.endswith("__init__.py") else module.split(".")[:-1]
    out: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module or ""
            if base in modules:
                out.add(base)
            # `from rnn_reuse_lint.report import text` imports the submodule
            out.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules)
    return out - {module}


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()
    return {module: _imports(module, modules) for module in modules}


def _reaches(graph: Dict[str, Set[str]], start: str) -> Set[str]:
    seen: Set[str] = set()
    todo: List[str] = list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    graph = _graph()
    assert "rnn_reuse_lint.report.text" in graph["rnn_reuse_lint.report"]  # inside formatters()
    assert "rnn_reuse_lint.dynamic.rrl_child.trace_records" in graph["rnn_reuse_lint.dynamic.rrl_child.tracer"]


def test_no_report_module_is_on_an_import_cycle() -> None:
    graph = _graph()
    cyclic = sorted(m for m in graph if m.startswith(f"{PACKAGE}.report") and m in _reaches(graph, m))
    assert cyclic == []


def test_commands_do_not_import_the_cli() -> None:
    graph = _graph()
    importers = sorted(m for m, imported in graph.items()
                       if m.startswith(f"{PACKAGE}.commands") and f"{PACKAGE}.cli" in imported)
    assert importers == []


def test_implicit_modules_table_is_defined_once_in_tf_api() -> None:
    defined = []
    for module, path in _modules().items():
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) else []
            defined += [module for t in targets if isinstance(t, ast.Name) and "IMPLICIT_MODULES" in t.id]
    assert defined == [f"{PACKAGE}.tf_api"]
