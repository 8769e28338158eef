"""What a name read by string key holds: one tensor per split (`inputs['train']`) or a table of settings (`H['size']`)."""
from __future__ import annotations

from typing import Callable, Optional, Set

from rnn_reuse_lint.dynamic.defines import BATCH, DEPTH, TIME, Spec
from rnn_reuse_lint.dynamic.name_values import looks_like_input


def element_spec(name: str, spec: Optional[Spec]) -> Optional[Spec]:
    """What each value of a name read by string key (`labels['train']`) is, from the name: the tensors a model
    takes per split (inputs, integer labels or targets, lengths, masks)."""
    low = name.lower()
    if spec is not None and spec.get("kind") in ("placeholder", "placeholders"):
        return spec
    if looks_like_input(name):
        return {"kind": "placeholder", "dtype": "float32", "shape": [BATCH, TIME, DEPTH]}
    if "label" in low or "target" in low:
        return {"kind": "placeholder", "dtype": "int32", "shape": [BATCH, TIME]}
    if low.endswith(("length", "lengths", "len", "lens")):
        return {"kind": "placeholder", "dtype": "int32", "shape": [BATCH]}
    if "mask" in low or "weight" in low:
        return {"kind": "placeholder", "dtype": "float32", "shape": [BATCH, TIME]}
    return None


def keyed_spec(name: str, keys: Set[str], spec: Optional[Spec], value_for: Callable[[str], Spec]) -> Optional[Spec]:
    """The mapping a parameter read as `name['key']` stands in for, else `spec` unchanged.

    A name of per-split tensors gives every key the same tensor; any other name read only by key is a table of
    settings (TensorBox's `H['lstm_size']`, a hyperparameter dict): each key's value follows the key's own name and
    the comparisons made on it (`value_for`), as a config object's attributes do."""
    if not keys or (spec is not None and spec.get("kind") in ("namespace", "instance", "cell")):
        return spec
    element = element_spec(name, spec)
    if element is not None:
        return {"kind": "mapping", "keys": sorted(keys), "value": element}
    if spec is None:
        return {"kind": "mapping", "keys": sorted(keys), "values": {key: value_for(key) for key in sorted(keys)}}
    return spec
