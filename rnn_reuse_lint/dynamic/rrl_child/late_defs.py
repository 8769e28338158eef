"""Top-level imports, constants, functions and classes a module run never reached (it stopped at a Session.run)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ast
from typing import List


def _definition(node):
    """The import, function or class statement a top-level node is (imports come wrapped by tolerate.Wrapper)."""
    if isinstance(node, ast.Try) and len(node.body) == 1:
        node = node.body[0]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return node
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets) and _literal(node.value):
        return node   # `NUM_LAYERS = 2`: a setting the functions below read, with no side effect to repeat
    return None


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _names(node):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [node.name]


def define_missing(tree, globs, path):
    """Run, in source order, each top-level definition whose names the module's globals lack, so the entries the
    plan aims at (a model class written below a notebook's training cell) exist with the settings they read. Each
    statement runs alone; one that fails is left out (its entry then says it is not defined). Returns the names."""
    defined: List[str] = []
    for node in tree.body:
        stmt = _definition(node)
        if stmt is None:
            continue
        names = _names(stmt)
        if not names or all(name in globs for name in names):
            continue
        module = ast.Module(body=[stmt], type_ignores=[])
        try:
            exec(compile(module, path, "exec", dont_inherit=True), globs)
        except Exception:
            continue
        defined.extend(name for name in names if name in globs)
    return defined
