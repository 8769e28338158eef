"""What a synthesized value should be when its name is all there is to go on: a size, a probability, an input."""
from __future__ import annotations

import re
from typing import Any

from rnn_reuse_lint.dynamic.defines import DEPTH, TIME

# What a probability-like name gets: valid both as a keep probability and as a drop rate (keep_prob=0.0 divides
# by zero; rate=1.0 raises), and it keeps units either way.
PROBABILITY = 0.5


def size_value(name: str) -> Any:
    """A small, plausible value for a size-like name (sizes equal the default input depth so stacks fit)."""
    low = name.lower()
    if low.endswith(("name", "_dir", "path", "scope")):
        return name   # a scope, file or folder name: a string (a number fails tf.name_scope and os.path)
    if any(w in low for w in ("prob", "keep")) or "dropout" in low or low.endswith("rate"):
        return PROBABILITY
    if low.startswith(("is_", "use_", "training")):
        return False
    if "layer" in low or "batch" in low or "stack" in low:
        return 2
    if any(w in low for w in ("step", "time", "len", "seq")):
        return TIME
    if any(w in low for w in ("vocab", "class", "symbol")):
        return 5
    return DEPTH


def looks_like_input(name: str) -> bool:
    low = name.lower()
    return low in ("x", "inputs", "data", "xs", "seq", "sequence", "features") or low.startswith(
        ("input", "embedded", "x_", "enc_in", "dec_in", "encoder_in", "decoder_in"))


def looks_like_size(name: str) -> bool:
    """Sizes, counts and the usual scalar knobs (keep_prob, dropout, is_training) that a name alone gives away."""
    low = name.lower()
    return bool(re.search(r"(^n_|^num_|_size$|_dim$|units|^n[a-z]+s$|layers|hidden|depth|steps|^batch|prob|keep|"
                          r"dropout|_rate$|^is_|^use_|^training$)", low))
