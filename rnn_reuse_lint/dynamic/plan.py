"""Decide what the child must synthesize for one file: values for free names and the unreached RNN entry points."""
from __future__ import annotations

import ast
import functools
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from rnn_reuse_lint.dynamic.callers_values import id_tags, initializer_makers
from rnn_reuse_lint.dynamic.compared import threshold
from rnn_reuse_lint.dynamic.defines import BATCH, DEPTH, TIME, Spec, parse_define
from rnn_reuse_lint.dynamic.free_names import free_names
from rnn_reuse_lint.dynamic.keyed_values import keyed_spec
from rnn_reuse_lint.dynamic.name_values import looks_like_input as _looks_like_input, \
    looks_like_size as _looks_like_size, size_value
from rnn_reuse_lint.dynamic.needed_defaults import needed_none_defaults
from rnn_reuse_lint.dynamic.rnn_members import holds as _holds, rnn_attributes, uses_attributes
from rnn_reuse_lint.dynamic.size_tables import size_tables
from rnn_reuse_lint.dynamic.stand_in_aims import stand_in_attrs
from rnn_reuse_lint.dynamic.stub_values import stub_values
from rnn_reuse_lint.dynamic.time_steps import steps_default, with_steps
from rnn_reuse_lint.dynamic.unbound_names import read_at_top


RNN_TOKENS = re.compile(
    r"\b(MultiRNNCell|StackedRNNCells|dynamic_rnn|static_rnn|raw_rnn|bidirectional_dynamic_rnn|"
    r"static_bidirectional_rnn|stack_bidirectional_\w+|dynamic_decode|rnn_cell|\w*LSTMCell|\w*GRUCell|"
    r"BasicRNNCell|SimpleRNNCell|LSTM|GRU|SimpleRNN|RNN|Bidirectional)\b")

_SEQ_DRIVERS = {"dynamic_rnn": 1, "raw_rnn": -1, "bidirectional_dynamic_rnn": 2, "stack_bidirectional_dynamic_rnn": 2}
_LIST_DRIVERS = {"static_rnn": 1, "static_state_saving_rnn": 1, "static_bidirectional_rnn": 2,
                 "stack_bidirectional_rnn": 2, "bidirectional_rnn": 2}   # the last: TF 0.x's name
_SIZE_KEYWORDS = {"num_units", "units", "num_layers", "hidden_size", "batch_size", "num_proj", "output_dim",
                  "input_dim", "size", "depth", "n_hidden", "num_hidden", "vocab_size", "embedding_size"}
_SIZE_CALLEES = {"range", "zero_state", "Dense", "Embedding", "LSTM", "GRU", "SimpleRNN", "get_variable"}
_SEQ_CALLEES = {"unstack", "unpack", "transpose", "reverse_sequence", "reverse"}
_TENSOR_ATTRS = {"get_shape", "shape", "dtype", "name", "op", "eval", "graph", "set_shape", "consumers"}
# Conventional module aliases that pasted snippets use without importing them. The static pass reads a free `tf`
# as TensorFlow (tf_api.IMPLICIT_MODULES); the child binds it to what `import tensorflow as tf` gives there (compat.v1
# on TF 2). A free `keras` is the Keras the TF1-style cells need (tf_keras on TF 2.16+; else `keras`).
_CHILD_MODULES = {"tf": "tensorflow", "keras": "tf_keras", "np": "numpy"}
_PRIORITY = ("cell", "cell_maker", "id_list", "ids", "list_input", "seq_input", "step_input", "seq_len", "namespace",
             "int", "tensor")
_CELL_TAKERS = {"MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "RNN", "StackedRNNCells",
                "Bidirectional"}
_CELL_KEYWORDS = {"cell", "cell_fw", "cell_bw", "cells", "cells_fw", "cells_bw"}
_CELL_ATTRS = {"zero_state", "state_size", "output_size", "get_initial_state"}
_CELL_CLASS = re.compile(r"\b((?:[A-Za-z_]\w*\.)*(?:Basic)?(?:LSTM|GRU|RNN|SimpleRNN)Cell)\b(?=\s*\()")
_TENSOR_ATTR = re.compile(r"(outputs?|inputs?)$")
_CELL_MAKER = re.compile(r"cell_?(fn|func|class|cls|factory|creator|maker)$", re.I)
# A parameter called to make a cell gets LSTMCell, whose constructor takes the most keywords (`use_peepholes`).
CELL_MAKER_CLASS = "tf.nn.rnn_cell.LSTMCell"


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


class _Uses(ast.NodeVisitor):
    """Collect, for the names we care about, how the code uses them."""

    def __init__(self, names: Set[str], targets: Sequence[int] = ()) -> None:
        self.names = names
        self.targets = targets
        self.tags: Dict[str, List[str]] = {n: [] for n in names}
        self.attrs: Dict[str, Set[str]] = {n: set() for n in names}
        # (name, attribute or "") -> string literals it is compared with, each with a score (higher = better aim)
        self.literals: Dict[Tuple[str, str], List[Tuple[int, Any]]] = {}
        self.stored: Dict[str, Tuple[str, str]] = {}   # "self.attr" -> the parameter (attribute) stored there
        self.keys: Dict[str, Set[str]] = {n: set() for n in names}   # string keys a name is subscripted with

    def _compared(self, node: ast.expr) -> Optional[Tuple[str, str]]:
        if isinstance(node, ast.Name) and node.id in self.names:
            return node.id, ""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.names:
            return node.value.id, node.attr
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in self.names \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            return node.value.id, node.slice.value   # `H['num_layers'] > 1`: a settings table's entry
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            return "self." + node.attr, ""   # resolved to the parameter __init__ stores there (see _infer)
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        """`self.cell_type = cell_type` (or `= config.cell_type`) in __init__: comparisons of `self.cell_type` aim
        the parameter (or its attribute)."""
        source = self._compared(node.value)
        if source is not None and not source[0].startswith("self."):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                        target.value.id == "self":
                    self.stored["self." + target.attr] = source
        self.generic_visit(node)

    def _holds_target(self, branch: List[ast.stmt]) -> bool:
        return bool(branch) and any(branch[0].lineno <= t <= max(getattr(n, "end_lineno", None) or n.lineno
                                                                 for n in branch) for t in self.targets)

    def visit_If(self, node: ast.If) -> None:
        """`if args.model == 'lstm':` -> 'lstm' is a candidate for args.model; the branch holding a finding's line
        wins, then any branch that does not give up (`raise`, `sys.exit`) on the way."""
        test = node.test
        flag = self._compared(test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
                              else test)
        if flag is not None and self.targets:
            # `if config.bidirectional:` with the finding in one branch: the truth value that takes it
            negated = isinstance(test, ast.UnaryOp)
            for branch, value in ((node.body, True), (node.orelse, False)):
                if self._holds_target(branch):
                    self.literals.setdefault(flag, []).append((2, value != negated))
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            left, right = test.left, test.comparators[0]
            key = self._compared(left)
            bound = threshold(test.ops[0], right)
            if key is not None and bound is not None and self.targets:
                # `if n_layer > 1:` holding the finding: the smallest count that takes it (else-branch: the bound)
                for branch, count in ((node.body, bound[0]), (node.orelse, bound[1])):
                    if self._holds_target(branch):
                        self.literals.setdefault(key, []).append((2, count))
            values: List[str] = []
            if isinstance(test.ops[0], ast.Eq) and key is not None and isinstance(right, ast.Constant) and \
                    isinstance(right.value, str):
                values = [right.value]
            elif isinstance(test.ops[0], ast.In) and key is not None and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
                values = [e.value for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if key is not None and values:
                lo = node.body[0].lineno
                hi = max(getattr(n, "end_lineno", None) or lo for n in node.body)
                gives_up = any(isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and _callee(n) in ("exit", "_exit"))
                               for stmt in node.body for n in ast.walk(stmt))
                score = 2 if any(lo <= t <= hi for t in self.targets) else (0 if gives_up else 1)
                self.literals.setdefault(key, []).extend((score, v) for v in values)
        self.generic_visit(node)

    def _tag(self, node: ast.AST, tag: str) -> None:
        if isinstance(node, ast.Name) and node.id in self.names:
            self.tags[node.id].append(tag)

    def visit_Call(self, node: ast.Call) -> None:
        callee = _callee(node)
        if callee == "rnn" and len(node.args) >= 2:
            callee = "static_rnn"   # TF 0.x's `rnn.rnn(cell, inputs)` / `tf.nn.rnn`: a list of time steps
        if isinstance(node.func, ast.Name) and node.func.id in self.names and (
                any(kw.arg in ("num_units", "units") for kw in node.keywords) or _CELL_MAKER.search(node.func.id)):
            self.tags[node.func.id].append("cell_maker")   # `cell_fn(num_units=n_hidden)`: a cell class
        for i, arg in enumerate(node.args):
            if i == 0 and (callee in _SEQ_DRIVERS or callee in _LIST_DRIVERS or callee in _CELL_TAKERS):
                self._tag(arg, "cell")
                for elt in _listed(arg):
                    self._tag(elt, "cell")
            elif callee in _SEQ_DRIVERS and i == _SEQ_DRIVERS[callee]:
                self._tag(arg, "seq_input")
            elif callee in _SEQ_DRIVERS and i == _SEQ_DRIVERS[callee] + 1 and _SEQ_DRIVERS[callee] > 0:
                self._tag(arg, "seq_len")   # `dynamic_rnn(cell, x, lengths)`: sequence_length comes next
            elif callee in _LIST_DRIVERS and i == _LIST_DRIVERS[callee]:
                self._tag(arg, "list_input")
            elif callee in _SEQ_CALLEES and i == 0:
                self._tag(arg, "seq_input")
            elif callee in _SIZE_CALLEES or (callee.endswith("Cell") and i == 0):
                self._tag(arg, "int")
            elif callee == "len":
                self._tag(arg, "list_input")
            elif i == 0 and isinstance(node.func, ast.Call):
                self._tag(arg, "seq_input")          # LSTM(4)(x): a Keras layer applied to x
            elif i == 0 and (re.search(r"cell", callee, re.I) or _passes_state(node)):
                self._tag(arg, "step_input")         # cell(x, state), lstm(x, state): one time step
            elif i == 0 and re.search(r"lstm|gru|rnn|layer|bidir|encoder|decoder", callee, re.I):
                self._tag(arg, "seq_input")
            self._shape_ints(arg)
        for kw in node.keywords:
            if kw.arg == "inputs":
                self._tag(kw.value, "list_input" if callee in _LIST_DRIVERS else "seq_input")
            elif kw.arg == "sequence_length":
                self._tag(kw.value, "seq_len")
            elif kw.arg in _CELL_KEYWORDS:
                self._tag(kw.value, "cell")
                for elt in _listed(kw.value):
                    self._tag(elt, "cell")
            elif kw.arg in _SIZE_KEYWORDS:
                self._tag(kw.value, "int")
            elif kw.arg == "shape":
                self._shape_ints(kw.value)
            self._shape_ints(kw.value)
        self.generic_visit(node)

    def _shape_ints(self, node: ast.AST) -> None:
        if isinstance(node, (ast.List, ast.Tuple)):
            for elt in node.elts:
                self._tag(elt, "int")

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mult) and (isinstance(node.left, ast.List) or isinstance(node.right, ast.List)):
            self._tag(node.left, "int")
            self._tag(node.right, "int")
        elif isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, ast.Constant) and isinstance(other.value, int):
                    self._tag(side, "int")
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._tag(node.iter, "list_input")
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._tag(node.iter, "list_input")   # `[lookup(e, i) for i in encoder_inputs]`: one tensor per step
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._tag(node.slice, "int")
        key = node.slice
        if isinstance(node.value, ast.Name) and node.value.id in self.names and isinstance(key, ast.Constant) \
                and isinstance(key.value, str):
            self.keys[node.value.id].add(key.value)   # `inputs['train']`: one value per split
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        inner = node.value
        if (isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id == "self"
                and inner.attr in self.names and not node.attr.startswith("_")):
            # `self.config = config` ... `self.config.hidden_size`: the parameter is a config object
            self.tags[inner.attr].append("namespace")
            self.attrs[inner.attr].add(node.attr)
        if isinstance(node.value, ast.Name) and node.value.id in self.names:
            if node.attr in _CELL_ATTRS:
                self.tags[node.value.id].append("cell")
            elif node.attr in _TENSOR_ATTRS:
                self.tags[node.value.id].append("tensor")
            elif not node.attr.startswith("_"):
                self.tags[node.value.id].append("namespace")
                self.attrs[node.value.id].add(node.attr)
        self.generic_visit(node)


def _passes_state(call: ast.Call) -> bool:
    """`lstm(x, state)`: a callable stepped with a state as its second argument is a cell, its input one step."""
    second = call.args[1] if len(call.args) == 2 else None
    name = second.id if isinstance(second, ast.Name) else second.attr if isinstance(second, ast.Attribute) else ""
    return bool(re.search(r"state", name, re.I))


def _listed(node: ast.AST) -> List[ast.expr]:
    """The elements a cell list is made of: `[a, b]`, `[a] * n`, `[a for _ in range(n)]`."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _listed(node.left) + _listed(node.right)
    if isinstance(node, ast.ListComp):
        return [node.elt]
    return []


def _aimed(literals: Mapping[Tuple[str, str], List[Tuple[int, Any]]], key: Tuple[str, str]) -> Optional[Spec]:
    """The compared literal that best leads on (first written among the best scored), with the others that do
    not give up as alternatives: an entry failing before any RNN runs is retried with them, in order."""
    found = literals.get(key)
    if not found:
        return None
    ranked = sorted(enumerate(found), key=lambda item: (-item[1][0], item[0]))
    values: List[Any] = []
    for _, (score, value) in ranked:
        if value not in values and (score > 0 or not values):
            values.append(value)
    spec: Spec = {"kind": "literal", "value": values[0]}
    if len(values) > 1:
        spec["alternatives"] = values[1:]
    if len({value for score, value in found if score == 2}) > 1:
        spec["rerun"] = True   # findings sit in exclusive branches: the entry runs once per value that reaches one
    return spec


class FileContext:
    """What the file itself offers synthesized values: the cell class it builds, a config class it defines."""

    def __init__(self, tree: Optional[ast.Module] = None, source: str = "") -> None:
        found = _CELL_CLASS.search(source)
        self.cell_class = found.group(1) if found else "tf.nn.rnn_cell.LSTMCell"
        self.config_class: Optional[str] = None
        self.config_attrs: Set[str] = set()
        self.functions: Dict[str, ast.FunctionDef] = {
            node.name: node for node in (tree.body if tree is not None else []) if isinstance(node, ast.FunctionDef)}
        for node in tree.body if tree is not None else []:
            if isinstance(node, ast.ClassDef) and "config" in node.name.lower() and self.config_class is None:
                attrs = {t.id for stmt in node.body if isinstance(stmt, ast.Assign) for t in stmt.targets
                         if isinstance(t, ast.Name)}
                init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
                if init is not None and _params(init, True):
                    continue   # a config class that needs arguments: keep the namespace
                if init is not None:
                    attrs |= {t.attr for n in ast.walk(init) if isinstance(n, ast.Assign) for t in n.targets
                              if isinstance(t, ast.Attribute)}
                self.config_class, self.config_attrs = node.name, attrs


_NO_CONTEXT = FileContext()


def _spec_for(name: str, tags: List[str], attrs: Set[str],
              literals: Mapping[Tuple[str, str], List[Tuple[int, Any]]] = {},
              context: FileContext = _NO_CONTEXT) -> Optional[Spec]:
    aimed = _aimed(literals, (name, ""))
    if aimed is not None:
        return aimed
    best = None
    for tag in _PRIORITY:
        if tag in tags:
            best = tag
            break
    if best in (None, "seq_input", "tensor", "step_input") and re.fullmatch(r"(\w+_)?cell(_fw|_bw)?", name.lower()):
        best = "cell"   # `cell`, `enc_cell`, `cell_fw` handed to a driver this file does not know by name
        # (not `cell_kind`, `cell_type`: those name a kind of cell)
    if best is None:
        if _looks_like_input(name):
            best = "ids" if name.lower().endswith("ids") else "seq_input"   # `input_ids`: [batch, time] int ids
        elif _looks_like_size(name):
            best = "int"
        else:
            return None
    if best == "cell":
        return {"kind": "cell", "class": context.cell_class}
    if best == "cell_maker":
        return {"kind": "cell_class", "class": CELL_MAKER_CLASS}
    if best == "namespace" and context.config_class and ("config" in name.lower() or "conf" == name.lower()
                                                           or attrs <= context.config_attrs):
        return {"kind": "instance", "class": context.config_class}
    if best in ("seq_input", "tensor"):
        return {"kind": "placeholder", "dtype": "float32", "shape": [BATCH, TIME, DEPTH]}
    if best == "list_input":
        return {"kind": "placeholders", "count": TIME, "dtype": "float32", "shape": [BATCH, DEPTH]}
    if best == "ids":     # looked up in an embedding: int ids
        return {"kind": "placeholder", "dtype": "int32", "shape": [BATCH, TIME]}
    if best == "id_list":
        return {"kind": "placeholders", "count": TIME, "dtype": "int32", "shape": [BATCH]}
    if best == "step_input":
        return {"kind": "placeholder", "dtype": "float32", "shape": [BATCH, DEPTH]}
    if best == "seq_len":
        return {"kind": "placeholder", "dtype": "int32", "shape": [BATCH]}
    if best == "namespace":
        return {"kind": "namespace", "attrs": {a: _attr_spec(a, _aimed(literals, (name, a))) for a in sorted(attrs)}}
    return _value_spec(size_value(name))


def _attr_spec(attr: str, aimed: Optional[Spec]) -> Spec:
    if aimed is None and _TENSOR_ATTR.match(attr):
        # `layer.outputs` of the previous layer (TensorLayer's Layer classes, Keras-style wrappers) is the tensor
        # the code runs its RNN over; a number there gives rank-0 tensors ("Can't concatenate scalars")
        return {"kind": "placeholder", "dtype": "float32", "shape": [BATCH, TIME, DEPTH]}
    return aimed if aimed is not None else _value_spec(size_value(attr))


def _keyed_value(literals: Mapping[Tuple[str, str], List[Tuple[int, Any]]], name: str, key: str) -> Spec:
    """`name[key]` of a settings table: as the attribute `name.key` of a config would be."""
    return _attr_spec(key, _aimed(literals, (name, key)))


def _value_spec(value: Any) -> Spec:
    kind = "int" if isinstance(value, int) and not isinstance(value, bool) else "literal"
    return {"kind": kind, "value": value}


def _infer(names: Set[str], nodes: Iterable[ast.AST], targets: Sequence[int] = (),
           context: FileContext = _NO_CONTEXT) -> Dict[str, Spec]:
    uses = _Uses(names, targets)
    nodes = list(nodes)
    for node in nodes:
        uses.visit(node)
    for name, tag in id_tags(nodes, names):
        uses.tags[name].append(tag)
    for attr, key in uses.stored.items():
        uses.literals.setdefault(key, []).extend(uses.literals.get((attr, ""), []))
    out: Dict[str, Spec] = {}
    tables = size_tables(nodes, names)   # `xrange(buckets[-1][0])`: sizes, whatever `for`/`len` suggest
    for name in sorted(names):
        spec = tables.get(name) or _spec_for(name, uses.tags[name], uses.attrs[name], uses.literals, context)
        spec = keyed_spec(name, uses.keys[name], spec, functools.partial(_keyed_value, uses.literals, name))
        if spec is not None:
            out[name] = spec
    return out


def _has_rnn(source_lines: List[str], node: ast.AST) -> bool:
    start = getattr(node, "lineno", 1) - 1
    end = getattr(node, "end_lineno", None) or len(source_lines)
    return bool(RNN_TOKENS.search("\n".join(source_lines[start:end])))


def _params(fn: ast.FunctionDef, skip_self: bool) -> List[str]:
    args = fn.args
    positional = list(getattr(args, "posonlyargs", [])) + list(args.args)
    if skip_self and positional:
        positional = positional[1:]
    required = positional[: len(positional) - len(args.defaults)]
    kwonly = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    return [a.arg for a in required + kwonly]


def _entry_args(fn: Optional[ast.FunctionDef], skip_self: bool, defines: Mapping[str, Spec],
                context: Optional[List[ast.stmt]] = None, targets: Sequence[int] = (),
                file: FileContext = _NO_CONTEXT) -> Dict[str, Spec]:
    if fn is None:
        return {}
    names = _params(fn, skip_self)
    inferred = _infer(set(names), context if context is not None else fn.body, targets, file)
    out: Dict[str, Spec] = {}
    for name in names:
        if name in defines:
            out[name] = defines[name]
        elif name in inferred:
            out[name] = inferred[name]
        elif _looks_like_size(name):
            out[name] = _value_spec(size_value(name))
        else:
            out[name] = _forwarded(name, fn, targets, file) or {"kind": "literal", "value": None}
    needed = [n for n in needed_none_defaults(fn, skip_self) if n not in defines]
    if needed:   # `layer=None` the body reads `layer.outputs` of: what the body's use asks for, if it tells
        found = _infer(set(needed), context if context is not None else fn.body, targets, file)
        out.update((name, found[name]) for name in needed if name in found)
    if targets:
        out.update(_aimed_defaults(fn, skip_self, context if context is not None else fn.body, targets))
    out.update((name, spec) for name, spec in initializer_makers(fn, _all_params(fn, skip_self)).items()
               if name not in defines)
    steps = steps_default(fn)
    if steps is not None:
        out = {name: spec if name in defines else with_steps(spec, steps) for name, spec in out.items()}
    return out


def _all_params(fn: ast.FunctionDef, skip_self: bool) -> List[str]:
    positional = list(getattr(fn.args, "posonlyargs", [])) + list(fn.args.args)
    return [a.arg for a in (positional[1:] if skip_self else positional) + list(fn.args.kwonlyargs)]


def _aimed_defaults(fn: ast.FunctionDef, skip_self: bool, body: Iterable[ast.AST],
                    targets: Sequence[int]) -> Dict[str, Spec]:
    """Parameters with defaults keep them, except where a finding sits in a branch the default does not take
    (`def encode(..., bidirectional=False)` with the finding under `if bidirectional:`): those get the value
    that takes it."""
    positional = list(getattr(fn.args, "posonlyargs", [])) + list(fn.args.args)
    if skip_self and positional:
        positional = positional[1:]
    defaulted = [a.arg for a in positional[len(positional) - len(fn.args.defaults):]] if fn.args.defaults else []
    defaulted += [a.arg for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None]
    if not defaulted:
        return {}
    uses = _Uses(set(defaulted), targets)
    for node in body:
        uses.visit(node)
    for attr, key in uses.stored.items():   # `self.nums_layers = nums_layers` ... `if self.nums_layers > 1:`
        uses.literals.setdefault(key, []).extend(uses.literals.get((attr, ""), []))
    out: Dict[str, Spec] = {}
    for name in defaulted:
        found = uses.literals.get((name, ""))
        if found and any(score == 2 for score, _ in found):
            spec = _aimed(uses.literals, (name, ""))
            if spec is not None:
                out[name] = spec
    return out


def _forwarded(name: str, fn: ast.FunctionDef, targets: Sequence[int], file: FileContext,
               depth: int = 2) -> Optional[Spec]:
    """A parameter the function only hands on to another function of the file (`def tied(src, tgt): return
    model(src, tgt, cell)`) gets what that function's own use of it asks for."""
    for call in ast.walk(fn):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        callee = file.functions.get(call.func.id)
        if callee is None or callee is fn:
            continue
        params = [a.arg for a in list(getattr(callee.args, "posonlyargs", [])) + list(callee.args.args)]
        passed = [(params[i], a) for i, a in enumerate(call.args[:len(params)])]
        passed += [(kw.arg, kw.value) for kw in call.keywords if kw.arg is not None]
        for param, value in passed:
            if isinstance(value, ast.Name) and value.id == name:
                spec = _infer({param}, callee.body, targets, file).get(param)
                if spec is None and depth > 1:
                    spec = _forwarded(param, callee, targets, file, depth - 1)
                if spec is not None:
                    return spec
    return None


def entries(tree: ast.Module, source: str, defines: Mapping[str, Spec],
            targets: Sequence[int] = ()) -> List[Dict[str, Any]]:
    """Module-level functions and classes with RNN code, each with synthesized arguments."""
    lines = source.splitlines()
    file = FileContext(tree, source)
    out: List[Dict[str, Any]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (_has_rnn(lines, node)
                                                                           or _holds(node, targets)):
            if isinstance(node, ast.AsyncFunctionDef):
                continue
            out.append({"kind": "function", "name": node.name, "line": node.body[0].lineno,
                        "args": _entry_args(node, False, defines, None, targets, file)})
        elif isinstance(node, ast.ClassDef) and _has_rnn(lines, node):
            first, aims = len(out), stand_in_attrs(node, targets)
            methods = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
            init = methods.get("__init__")
            init_args = _entry_args(init, True, defines, node.body, targets, file)
            held = rnn_attributes(node, lines, RNN_TOKENS)   # a method stepping `self.lstm1` made in __init__
            if init is not None and _has_rnn(lines, init):
                out.append({"kind": "class", "name": node.name, "class": node.name, "line": init.body[0].lineno,
                            "init_args": init_args})
            for name, m in methods.items():
                if (name.startswith("__") and name != "__call__") or not (   # __call__: a layer's forward
                        _has_rnn(lines, m) or _holds(m, targets) or uses_attributes(m, held)):
                    continue
                if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod", "property")
                       for d in m.decorator_list):
                    continue
                out.append({"kind": "method", "name": "%s.%s" % (node.name, name), "class": node.name,
                            "method": name, "line": m.body[0].lineno, "init_args": init_args,
                            "args": _entry_args(m, True, defines, None, targets, file)})
            for entry in out[first:] if aims else ():
                entry["stand_in_attrs"] = aims
    return out


def make_plan(source: str, filename: str, defines: Mapping[str, str], targets: Sequence[int] = (),
              force: Sequence[Mapping[str, Any]] = ()) -> Dict[str, Any]:
    """The request plan for one file: {"free": {name: spec}, "entries": [...], "force": [...], "cell_class": ...}
    (no free names or entries if it does not parse).

    targets: lines the run should reach (the static findings'); a value compared with string literals gets the
    literal whose branch holds one of them. force: what findings assume, per line (assumptions.forced_lines);
    the child gives those lines at least two layers and a cell of `cell_class` where the code has none."""
    parsed = dict(parse_define("%s=%s" % (k, v)) for k, v in defines.items())
    try:
        tree = ast.parse(source, filename)
        names = free_names(source, filename)
    except (SyntaxError, ValueError):
        return {"free": parsed, "entries": []}   # the child reports the syntax error: nothing to force
    context = FileContext(tree, source)
    free = _infer(names - set(_CHILD_MODULES), [tree], targets, context)
    free = {n: s for n, s in free.items() if s.get("kind") != "cell" or n in read_at_top(tree)}   # see there
    for name in sorted(names & set(_CHILD_MODULES)):
        free[name] = {"kind": "module", "module": _CHILD_MODULES[name]}
    free.update(parsed)
    return {"free": free, "entries": entries(tree, source, parsed, targets), "force": [dict(f) for f in force],
            "cell_class": context.cell_class, "stub_values": stub_values(tree)}
