"""The evaluation of one module, wired from its parts: statements, loops, expressions, calls, TF calls."""
from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.budget import Spent as _Budget
from rnn_reuse_lint.evaluate.calls import Calls
from rnn_reuse_lint.evaluate.context import Records, State, root_ctx
from rnn_reuse_lint.evaluate.expressions import Expressions
from rnn_reuse_lint.evaluate.facts import literal
from rnn_reuse_lint.evaluate.imports import Imports
from rnn_reuse_lint.evaluate.loops import Loops
from rnn_reuse_lint.evaluate.statements import Statements
from rnn_reuse_lint.evaluate.tf_calls import TfCalls
from rnn_reuse_lint.modules import Loader
from rnn_reuse_lint.values import Frame, Value


class Evaluator:
    """Walks statements in execution order, binding names to abstract values and recording RNN facts."""

    def __init__(self, module: cst.Module, defines: Optional[Dict[str, str]] = None,
                 source: Optional[str] = None, loader: Optional[Loader] = None,
                 budget: Optional[Budget] = None) -> None:
        self.state = State(module, {name: literal(text) for name, text in (defines or {}).items()}, source, loader,
                           budget if budget is not None else Budget())
        self.imports = Imports(self.state)
        self.tf = TfCalls(self.state)
        self.calls = Calls(self.state, self.tf)
        self.statements = Statements(self.state, self.imports)
        self.loops = Loops(self.state)
        self.expressions = Expressions(self.state, self.imports)
        self.statements.connect(self.expressions, self.loops)
        self.loops.connect(self.statements, self.expressions)
        self.expressions.connect(self.statements, self.loops, self.calls)
        self.calls.connect(self.statements, self.expressions)

    # What builder.py, modules.py and fixes/ read of an evaluation.
    @property
    def module_frame(self) -> Frame:
        return self.state.module_frame

    @property
    def records(self) -> Records:
        return self.state.records

    @property
    def budget(self) -> Budget:
        return self.state.budget

    @property
    def function_names(self) -> Dict[int, str]:
        return self.state.function_names

    @property
    def name_kinds(self) -> Dict[int, str]:
        return self.state.name_kinds

    @property
    def callees(self) -> Dict[int, Value]:
        return self.state.callees

    def run_top_level(self) -> Frame:
        """Only the module's own statements (an imported module: its names, classes and module-level objects)."""
        try:
            self.statements.exec_block(self.state.module.body, self.state.module_frame, root_ctx())
        except _Budget:
            pass
        return self.state.module_frame

    def run(self) -> Records:
        state = self.state
        try:
            self.statements.exec_block(state.module.body, state.module_frame, root_ctx())
        except _Budget:
            return state.records  # what was recorded before the step budget ran out (huge generated modules)
        # Functions and methods nobody in this module calls still build RNNs: evaluate each once
        # with unknown parameters, methods of a class with `__init__` first so `self.x` is known.
        index = 0
        postponed: set[int] = set()
        while index < len(state.pending):
            func, instance = state.pending[index]
            index += 1
            if id(func.node) in state.generic_done:
                continue
            if func.owner is None and func.name in state.called and id(func.node) not in postponed:
                postponed.add(id(func.node))
                state.pending.append((func, instance))  # after its callers: maybe reached with real arguments
                continue
            state.generic_done.add(id(func.node))
            owner = f"{func.owner.name}." if func.owner is not None else ""
            state.function_names[id(func.node)] = owner + func.name
            try:
                self.calls.call_function(func, [], {}, root_ctx(id(func.node)), instance=instance, generic=True,
                                         site=func.node)
            except _Budget:
                break
        return state.records
