"""The names a file reads as globals but never binds (the values the child must synthesize)."""
from __future__ import annotations

import builtins
import symtable
from typing import Set


def free_names(source: str, filename: str) -> Set[str]:
    """Names the file reads as globals but never binds (so running it would raise NameError)."""
    table = symtable.symtable(source, filename, "exec")
    bound: Set[str] = set()
    read: Set[str] = set()

    def walk(t: symtable.SymbolTable, top: bool) -> None:
        for sym in t.get_symbols():
            name = sym.get_name()
            if top:
                if sym.is_assigned() or sym.is_imported() or sym.is_namespace():
                    bound.add(name)
                if sym.is_referenced():
                    read.add(name)
            else:
                if sym.is_global():
                    if sym.is_referenced():
                        read.add(name)
                    if sym.is_declared_global() and sym.is_assigned():
                        bound.add(name)
        for child in t.get_children():
            walk(child, False)
    walk(table, True)
    return {n for n in read - bound if not hasattr(builtins, n) and not n.startswith("__")}
