"""Import statements: TensorFlow names become qualified names, the project's own modules are loaded and read."""
from __future__ import annotations

from typing import List, Optional, Set, Tuple

import libcst as cst

from rnn_reuse_lint import project
from rnn_reuse_lint.evaluate.context import State
from rnn_reuse_lint.evaluate.facts import dotted, known_items
from rnn_reuse_lint.modules import Loaded
from rnn_reuse_lint.values import UNKNOWN, Const, Frame, Lazy, ListVal, ModuleVal, QName, TupleVal, Value


def public_names(frame: Frame) -> List[str]:
    """What `from module import *` binds: `__all__` when it is a known list, else names without a leading `_`."""
    listed = frame.vars.get("__all__")
    items = known_items(listed) if isinstance(listed, (ListVal, TupleVal)) else None
    if items is not None and all(isinstance(i, Const) and isinstance(i.value, str) for i in items):
        return [str(i.value) for i in items if isinstance(i, Const) and str(i.value) in frame.vars]
    return [name for name in frame.vars if not name.startswith("_") and "." not in name]


class Imports:
    """Binds the names of `import` and `from ... import` statements, and resolves them on first use."""

    def __init__(self, state: State) -> None:
        self.state = state

    def exec_import(self, node: cst.Import, frame: Frame) -> None:
        for alias in node.names:
            full = dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                frame.vars[alias.asname.name.value] = self.project_module(full) or QName(full)
            else:
                head = full.split(".")[0]
                frame.vars[head] = self.project_module(head) or QName(head)

    def project_module(self, dotted_name: Optional[str], level: int = 0) -> Optional[Lazy]:
        """The project's own module a dotted name (with leading dots) names, read on first use; None outside it."""
        if self.state.loader is None:
            return None
        found = project.resolve(self.state.loader.path, dotted_name, level)
        return Lazy(found[0], found[1], None) if found is not None else None

    def exec_import_from(self, node: cst.ImportFrom, frame: Frame) -> None:
        level = len(node.relative)
        dotted_name = dotted(node.module) if node.module is not None else None
        source = self.project_module(dotted_name, level) if node.module is None or dotted_name is not None else None
        if source is not None:
            if isinstance(node.names, cst.ImportStar):
                loaded = self.load(source)
                if loaded is not None:  # `from layers import *`: its public names, and what it star-imported
                    public = public_names(loaded.frame)
                    frame.vars.update((name, loaded.frame.vars[name]) for name in public)
                    frame.star_modules.extend(m for m in loaded.frame.star_modules if m not in frame.star_modules)
                return
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name) and isinstance(alias.name, cst.Name):
                    frame.vars[bound.value] = Lazy(source.path, source.is_package, alias.name.value)
            return
        if node.relative or node.module is None:
            names = node.names
            if not isinstance(names, cst.ImportStar):
                for alias in names:
                    bound = alias.asname.name if alias.asname else alias.name
                    if isinstance(bound, cst.Name):
                        frame.vars[bound.value] = UNKNOWN
            return
        module = dotted(node.module)
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            frame.star_modules.append(module)
            return
        for alias in node.names:
            name = dotted(alias.name)
            bound = alias.asname.name if alias.asname else alias.name
            if name is not None and isinstance(bound, cst.Name):
                frame.vars[bound.value] = QName(f"{module}.{name}")

    def load(self, lazy: Lazy) -> Optional[Loaded]:
        loader = self.state.loader
        return loader.load(lazy.path, lazy.is_package) if loader is not None else None

    def resolve(self, lazy: Lazy, seen: Optional[Set[Tuple[str, Optional[str]]]] = None) -> Value:
        """What an imported name of the project is: the module's value for it, or a submodule of a package."""
        seen = set() if seen is None else seen
        if (lazy.path, lazy.name) in seen or len(seen) > 32:
            return UNKNOWN  # `from pkg import sub` inside pkg/__init__.py names itself until `sub` is loaded
        seen.add((lazy.path, lazy.name))
        loaded = self.load(lazy)
        if loaded is None:
            return UNKNOWN  # a cycle, a module that does not parse, or past the budget: not followed
        if lazy.name is None:
            return ModuleVal(loaded)
        value = loaded.frame.vars.get(lazy.name)
        if isinstance(value, Lazy):
            value = self.resolve(value, seen)
            if value is not UNKNOWN:
                return value
        elif value is not None:
            return value
        if loaded.is_package:  # `from nets import cells`: the submodule
            found = project.resolve(loaded.path, lazy.name, 1)
            if found is not None:
                return self.resolve(Lazy(found[0], found[1], None), seen)
        return UNKNOWN
