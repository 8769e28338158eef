"""Walk a graph tensor's computation back through its ops' inputs, a bounded number of ops."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
from typing import Set


def graph_op(value):
    """The graph op behind a tensor, or None (a stub answers every attribute: walking it would never end)."""
    op = getattr(value, "op", None)
    return op if op is not None and type(op).__name__ == "Operation" else None


def any_op(value, test, limit):
    """Whether `test` holds for an op the tensor is computed from (itself included), looking at `limit` ops."""
    op = graph_op(value)
    if op is None:
        return False
    seen: Set[str] = set()
    todo = [op]
    while todo and len(seen) < limit:
        op = todo.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if test(op):
            return True
        todo.extend(t.op for t in op.inputs)
    return False
