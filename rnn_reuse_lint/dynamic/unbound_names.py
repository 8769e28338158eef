"""Names a module's own top level reads, to tell a snippet's free globals from a name its functions never bind."""
from __future__ import annotations

import ast
from typing import Set


def read_at_top(tree: ast.Module) -> Set[str]:
    """Names read by module-level statements outside function and class bodies.

    A free name only functions read, used as a cell (TensorLayer's `MultiRNNCell([single_cell] * num_layers)`,
    where the method binds `cell_creator` and never `single_cell`), raises NameError in the program as written;
    a synthesized cell there confirmed a stack that program never builds (a held-out file labelled clean). A cell
    a snippet reads at its top level (`outputs = dynamic_rnn(cell, x)` pasted without its definition) still gets
    one."""
    out: Set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        out |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return out
