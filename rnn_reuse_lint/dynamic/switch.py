"""When a file needs a TF-1-only API: which traces call for the TF 1.x interpreter, and which of two traces to keep."""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

# The TF 2 child's refusal of a tf.contrib piece it cannot serve (rrl_child/shim.py), and the import or attribute
# errors of TF 1 spellings that are gone from TF 2 (`from tensorflow.python import shape`, `tf.contrib.x.y`).
_TF1_ONLY = {"NotSupportedOnTF2"}
_GONE = {"ImportError", "ModuleNotFoundError", "AttributeError"}
ALTERNATIVE = "alternative"
_NAMES_TF = re.compile(r"'tensorflow(?:\.[\w.]+)?'|tensorflow\.(?:contrib|models|python)\b")


def needs_tf1(trace: Dict[str, Any]) -> Optional[str]:
    """Why the file should be traced under TF 1.x (its error names a TF-1-only API), or None."""
    error = trace.get("error") or {}
    kind, message = error.get("type"), str(error.get("message") or "")
    if kind in _TF1_ONLY or (kind in _GONE and _NAMES_TF.search(message)):
        return "%s at line %s: %s" % (kind, error.get("line"), message[:200])
    stood_in = list(trace.get("tf1_only") or [])
    if stood_in:
        return "TF 2 has no %s (stand-ins there)" % ", ".join(stood_in[:3])
    return None


def _progress(trace: Dict[str, Any]) -> int:
    """How far a trace got: its runs and stacks, and one more for ending without an error."""
    return len(trace.get("runs") or []) + len(trace.get("stacks") or []) + (0 if trace.get("error") else 1)


def switched(tf2: Dict[str, Any], tf1: Dict[str, Any], why: str) -> Dict[str, Any]:
    """The trace that got further (the TF 2 one on a tie), saying under which TensorFlow and why it switched."""
    started = (tf1.get("error") or {}).get("type") != "ChildError"
    # TF 1's own API beats TF 2's stand-ins for it when it gets as far and ends cleanly
    ahead = _progress(tf1) - _progress(tf2)
    keep = tf1 if started and (ahead > 0 or (ahead == 0 and tf2.get("tf1_only") and not tf1.get("error"))) else tf2
    out = dict(keep)
    out["switch"] = {"why": why, "tf1_version": tf1.get("tf_version"), "kept": keep.get("tf_version"),
                     "tf1_error": tf1.get("error")}
    if started:
        # per finding, the trace not kept may still be the one that reaches it (verify falls back to it); the
        # trace command's output leaves it out (ALTERNATIVE)
        out["switch"][ALTERNATIVE] = tf2 if keep is tf1 else tf1
    return out
