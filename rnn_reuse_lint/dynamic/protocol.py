"""Read the tracing child's messages defensively: size and depth caps, a schema check, control characters escaped."""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

MAX_LINE = 16 * 1024 * 1024   # one trace is a few KB; the zygote caps a file's result at 8 MB before re-encoding
MAX_DEPTH = 12                # the deepest real trace: trace > sharing > [] > between > [] > place (6)
MAX_TEXT = 4000               # characters kept of any one string (messages are cut at 1,500 in the child)

Json = Union[None, bool, int, float, str, List[Any], Dict[str, Any]]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class ProtocolError(Exception):
    """A message from the child that does not have the promised shape; the text says what was wrong."""


def printable(text: str) -> str:
    """`text` with control characters, escape sequences and bidi overrides shown as escapes (`\\n`, `\\x1b`): text
    from traced programs never starts a line of its own or colours a terminal."""
    def one(m: "re.Match[str]") -> str:
        c = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or ("\\x%02x" % ord(c) if ord(c) < 0x100 else "\\u%04x" % ord(c))
    return _CONTROL.sub(one, text)


def decode(line: bytes) -> Dict[str, Any]:
    """One protocol line -> a JSON object; ProtocolError for anything else (never RecursionError or TypeError)."""
    if len(line) > MAX_LINE:
        raise ProtocolError("message of %d bytes (limit %d)" % (len(line), MAX_LINE))
    try:
        msg = json.loads(line.decode("utf-8", "replace"))
    except RecursionError:
        raise ProtocolError("message nested too deeply") from None
    except ValueError as e:
        raise ProtocolError("not JSON (%s)" % e) from None
    if not isinstance(msg, dict):
        raise ProtocolError("a JSON %s, not an object" % type(msg).__name__)
    return msg


def _clean(value: Any, depth: int) -> Json:
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested deeper than %d" % MAX_DEPTH)
    if isinstance(value, str):
        return printable(value[:MAX_TEXT])
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {printable(str(k)[:200]): _clean(v, depth + 1) for k, v in value.items()}
    raise ProtocolError("unexpected %s" % type(value).__name__)


# Types of the fields the parent reads (verify.py, render.py, the reports); other fields pass through cleaned.
_OPT_INT = (int, type(None))
_OPT_STR = (str, type(None))
_LAYER = {"index": (int, str, type(None)), "direction": _OPT_STR, "stack_line": _OPT_INT, "cell": _OPT_STR,
          "cell_line": _OPT_INT, "variables": [str], "owns": [str], "borrows": [str]}
_RUN = {"run": _OPT_INT, "line": _OPT_INT, "call_lines": [_OPT_INT], "driver": _OPT_STR, "scope": _OPT_STR,
        "layers": [_LAYER]}
_PLACE = {"line": _OPT_INT, "layer": (int, str, type(None)), "run": _OPT_INT, "direction": _OPT_STR}
_SHARING = {"kind": _OPT_STR, "fact": _OPT_STR, "code": _OPT_STR, "variables": [str], "between": [_PLACE], "evidence": _OPT_STR}
_ERROR = {"type": str, "message": str, "line": _OPT_INT, "stack": [_OPT_INT]}
_TRACE: Dict[str, Any] = {
    "version": int, "path": _OPT_STR, "tf_version": _OPT_STR, "runs": [_RUN], "sharing": [_SHARING],
    "created": [{"name": str, "line": _OPT_INT}], "error": (_ERROR, type(None)), "synthesized": {"*": (str, int, float, bool, type(None))},
    "stacks": [{"line": _OPT_INT, "class": _OPT_STR, "cells": [dict]}], "entries": [dict],
    "stopped_at": ({"what": _OPT_STR, "line": _OPT_INT}, type(None)), "violations": [{"what": str, "detail": str,
                                                                                    "line": _OPT_INT}],
    "seconds": (int, float, type(None)), "sandbox": {"*": str},
}


def _matches(value: Any, schema: Any, where: str) -> Optional[str]:
    """None if value has the shape schema describes, else where it differs."""
    if isinstance(schema, tuple):
        problems = []
        for option in schema:
            p = _matches(value, option, where)
            if p is None:
                return None
            problems.append(p)
        return problems[0]
    if isinstance(schema, list):
        if not isinstance(value, list):
            return "%s: a list expected" % where
        for i, item in enumerate(value):
            p = _matches(item, schema[0], "%s[%d]" % (where, i))
            if p is not None:
                return p
        return None
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return "%s: an object expected" % where
        if "*" in schema:
            for k, v in value.items():
                p = _matches(v, schema["*"], "%s.%s" % (where, k))
                if p is not None:
                    return p
            return None
        for k, sub in schema.items():
            if k in value:
                p = _matches(value[k], sub, "%s.%s" % (where, k))
                if p is not None:
                    return p
        return None
    if schema is int and isinstance(value, bool):
        return "%s: an integer expected" % where
    if isinstance(value, schema):
        return None
    return "%s: %s, not %s" % (where, schema.__name__, type(value).__name__)


def check_trace(trace: Any) -> Dict[str, Any]:
    """A trace from the child with its shape checked and every string made printable; ProtocolError if it has a
    field of the wrong type or nests too deeply (a traced file may lie about itself, never crash the parent)."""
    cleaned = _clean(trace, 0)
    if not isinstance(cleaned, dict):
        raise ProtocolError("the trace is not an object")
    problem = _matches(cleaned, _TRACE, "trace")
    if problem is not None:
        raise ProtocolError(problem)
    return cleaned


def bad_trace(path: str, why: str, tf_version: Optional[str]) -> Dict[str, Any]:
    return {"version": 1, "path": path, "tf_version": tf_version, "runs": [], "sharing": [], "created": [],
            "error": {"type": "ProtocolError", "message": "the tracing child sent a malformed trace for this file: "
                      + printable(why[:300]), "line": None, "stack": []},
            "synthesized": {}, "stacks": [], "entries": [], "stopped_at": None, "violations": []}


def split_message(msg: Mapping[str, Any]) -> Tuple[Optional[int], Optional[Any]]:
    """(id, trace) of a trace message; the trace unchecked."""
    ident = msg.get("id")
    return (ident if isinstance(ident, int) and not isinstance(ident, bool) else None), msg.get("trace")
