"""Give synthesized sequence tensors the time-step count the entry's own defaulted `n_steps` parameter states."""
from __future__ import annotations

import ast
import re
from typing import Any, Dict, Optional

from rnn_reuse_lint.dynamic.defines import TIME, Spec

_STEPS = re.compile(r"(^|_)(n_steps|num_steps|time_steps|steps|seq_len|seq_length|max_len|maxlen)$", re.I)


def steps_default(fn: ast.FunctionDef) -> Optional[int]:
    """The integer default of a parameter naming the sequence length (`n_steps=5`), if the entry has one."""
    positional = list(getattr(fn.args, "posonlyargs", [])) + list(fn.args.args)
    pairs = list(zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults))
    pairs += [(a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None]
    for arg, default in pairs:
        if _STEPS.search(arg.arg) and isinstance(default, ast.Constant) and type(default.value) is int \
                and default.value > 0:
            return int(default.value)
    return None


def with_steps(spec: Spec, steps: int) -> Spec:
    """`spec` with the time axis of its [batch, time, depth] placeholders set to `steps`: TensorLayer's RNNLayer
    loops `range(n_steps)` over `inputs[:, t, :]` and reshapes its outputs to `[-1, n_steps, n_hidden]`, which a
    stand-in of another length fails ("slice index 3 of dimension 1 out of bounds") before any RNN line."""
    kind = spec.get("kind")
    if kind == "placeholder" and len(spec.get("shape") or []) == 3 and spec["shape"][1] == TIME:
        shape = list(spec["shape"])
        shape[1] = steps
        return dict(spec, shape=shape)
    if kind == "namespace":
        attrs: Dict[str, Any] = {k: with_steps(v, steps) if isinstance(v, dict) else v
                                 for k, v in spec.get("attrs", {}).items()}
        return dict(spec, attrs=attrs)
    return spec
