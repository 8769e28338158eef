"""The dynamic mode's public entry points: trace_files, verify and is_available (no TensorFlow in this process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tokenize
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from rnn_reuse_lint.dynamic.cells import notebook_program
from rnn_reuse_lint.dynamic.defines import DefineError
from rnn_reuse_lint.dynamic.fallbacks import fallback_tries
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.dynamic.pool import MEMORY_MB, Child, ChildFailed, ChildUnavailable, child_env
from rnn_reuse_lint.dynamic.prepare import package_of, project_paths, runnable_source
from rnn_reuse_lint.dynamic.statements import multiline_statements, place_errors
from rnn_reuse_lint.dynamic.switch import ALTERNATIVE, needs_tf1, switched
from rnn_reuse_lint.dynamic.verify import verify as _verify
from rnn_reuse_lint.finding import FileError, Finding

INSTALL_HINT = 'pip install "rnn-reuse-lint[dynamic]"'

__all__ = ["DynamicUnavailable", "DefineError", "INSTALL_HINT", "is_available", "trace_files", "verify"]


class DynamicUnavailable(Exception):
    """TensorFlow cannot be imported by the tracing child; the message says how to fix that."""


def _empty_trace(path: str, error: Dict[str, Any], tf_version: Optional[str] = None) -> Dict[str, Any]:
    return {"version": 1, "path": path, "tf_version": tf_version, "runs": [], "sharing": [], "created": [],
            "error": error, "synthesized": {}, "stacks": [], "entries": [], "stopped_at": None, "violations": []}


def _read_source(path: str) -> Tuple[Optional[str], Optional[Dict[str, Any]]]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return None, {"type": "FileError", "message": "cannot read %s: %s" % (path, e.strerror), "line": None}
    try:
        encoding, _ = tokenize.detect_encoding(iter(data.splitlines(True)).__next__)
        return data.decode(encoding), None
    except (SyntaxError, UnicodeDecodeError, LookupError) as e:
        return None, {"type": "FileError", "message": "cannot decode %s: %s" % (path, e), "line": None}


def _read_program(path: str) -> Tuple[Optional[str], Optional[Dict[str, Any]], Optional[List[Tuple[int, int]]]]:
    """(source, problem, cell positions): a notebook is the concatenation of its code cells, as `check` reads it."""
    if not path.endswith(".ipynb"):
        source, problem = _read_source(path)
        return source, problem, None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return None, {"type": "FileError", "message": "cannot read %s: %s" % (path, e.strerror), "line": None}, None
    program = notebook_program(data, path)
    if program is None:
        return None, {"type": "FileError", "message": "%s is not a Python notebook" % path, "line": None}, None
    if isinstance(program, FileError):
        return None, {"type": "FileError", "message": program.message, "line": None}, None
    return program[0], None, program[1]


def trace_files(paths: Sequence[str], *, timeout: float = 60.0, python: Optional[str] = None,
                defines: Mapping[str, str] = {}, memory_mb: int = MEMORY_MB, cgroup: bool = True,
                targets: Mapping[str, Sequence[int]] = {}, force: Mapping[str, Sequence[Mapping[str, Any]]] = {},
                tf1_python: Optional[str] = None,
                progress: Optional[Callable[[int, str], None]] = None) -> List[Dict[str, Any]]:
    """Trace each file in a process forked from one warm sandboxed zygote; one trace dict per path, in order.

    `memory_mb` bounds what each file may allocate; `cgroup=False` skips the per-file memory cgroup (the other
    limits still hold). `targets`: per path, the lines of the findings to aim the synthesized values at;
    `force`: per path, what its findings assume (assumptions.forced_lines), given to those lines in the run;
    `tf1_python`: a TF 1.x interpreter; a file whose trace stops on a TF-1-only API (switch.needs_tf1) is traced
    again there (a second warm child, started on the first such file) and keeps the trace that got further;
    `progress(done, path)` is called before each file.

    A file that crashes, hangs or exhausts memory gets a trace whose "error" says so, and the child is restarted
    for the remaining files. Raises DynamicUnavailable when the child cannot import TensorFlow at all, and
    DefineError for a --define value that cannot be read.
    """
    for name, value in defines.items():   # fail early on a bad --define, before starting TensorFlow
        make_plan("", "<define>", {name: value})
    results: List[Dict[str, Any]] = []
    main = _Children(python, memory_mb, cgroup)
    legacy = _Children(tf1_python, memory_mb, cgroup, required=False) if tf1_python and tf1_python != python else None
    try:
        for done, path in enumerate(paths):
            if progress is not None:
                progress(done, path)
            source, problem, cell_lines = _read_program(path)
            if problem is not None or source is None:
                results.append(_empty_trace(path, problem or {}, main.tf_version))
                continue
            source, normalized = runnable_source(source, path)
            request = {"path": path, "abspath": os.path.abspath(path), "source": source,
                       "plan": _planned(source, path, defines, targets.get(path, ()), force.get(path, ())),
                       "normalized": list(normalized), "package": package_of(source, path),
                       "project": project_paths(path)}
            trace = main.trace(request, timeout, first=not results)
            why = needs_tf1(trace) if legacy is not None else None
            if legacy is not None and why is not None:
                other = legacy.trace(request, timeout, first=False)
                trace = switched(trace, other, why)
            for one in [trace] + [t for t in [(trace.get("switch") or {}).get(ALTERNATIVE)] if t]:
                one["path"] = path
                one["statements"] = multiline_statements(source)
                place_errors(one, source)
                _label_facts(one)
            if cell_lines is not None:
                trace["cell_lines"] = cell_lines
            results.append(trace)
    finally:
        main.close()
        if legacy is not None:
            legacy.close()
    return results


def _planned(source: str, path: str, defines: Mapping[str, str], targets: Sequence[int],
             force: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """The file's plan, with the tries whose except: fallback holds a finding (run again with the try failing)."""
    plan = make_plan(source, path, defines, targets, force)
    plan["fallbacks"] = fallback_tries(source, path, targets, plan.get("entries") or [])
    return plan


def _label_facts(trace: Dict[str, Any]) -> None:
    """Give each traced relation the code of the rule that reports its fact, as `trace` and `explain` show it: the
    child names facts only (it cannot import the rules)."""
    from rnn_reuse_lint.rules import code_for

    sharing = trace.get("sharing") or []
    for i, relation in enumerate(sharing):  # the code beside the kind, where a reader of the JSON looks for it
        sharing[i] = dict([("kind", relation.get("kind")), ("code", code_for(relation.get("fact")))]
                          + [(k, v) for k, v in relation.items() if k not in ("kind", "code")])


class _Children:
    """One warm tracing child of one interpreter, started on first use and restarted after a file killed it."""

    def __init__(self, python: Optional[str], memory_mb: int, cgroup: bool, required: bool = True) -> None:
        # required: without this child nothing can be traced (else a child that cannot start gives error traces)
        self.python, self.memory_mb, self.cgroup, self.required = python, memory_mb, cgroup, required
        self.child: Optional[Child] = None
        self.tf_version: Optional[str] = None

    def trace(self, request: Dict[str, Any], timeout: float, first: bool) -> Dict[str, Any]:
        """The file's trace; `first`: no file was traced yet (a required child that cannot start then means no
        TensorFlow at all, rather than one file that broke it)."""
        path = request["path"]
        if self.child is None:
            child = Child(self.python, memory_mb=self.memory_mb, cgroup=self.cgroup)
            try:
                hello = child.start()
            except ChildUnavailable as e:
                if self.required and (first or self.tf_version is None):
                    raise DynamicUnavailable("%s\nThe dynamic mode needs TensorFlow: %s" % (e, INSTALL_HINT)) from None
                return _empty_trace(path, {"type": "ChildError", "message": str(e), "line": None})
            self.child = child
            self.tf_version = hello.get("tf_version")
        try:
            return self.child.trace(request, timeout)
        except ChildFailed as e:
            self.child.kill()
            self.child = None
            kind = {"timeout": "Timeout", "memory": "MemoryError", "protocol": "ProtocolError"}.get(e.kind,
                                                                                               "ChildCrashed")
            return _empty_trace(path, {"type": kind, "message": e.reason, "line": None}, self.tf_version)

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
            self.child = None


def verify(findings: Sequence[Finding], traces: Mapping[str, Dict[str, Any]]) -> List[Finding]:
    """The findings with `dynamic` set to the tracer's verdict (confirmed / refuted / not-reached / error)."""
    return _verify(findings, traces)


_PROBE = r"""
import json, sys
import importlib.util as u
r = {"python": "%d.%d.%d" % sys.version_info[:3], "tf": None, "tf_keras": u.find_spec("tf_keras") is not None}
if u.find_spec("tensorflow") is not None:
    v = None
    for dist in ("tensorflow", "tensorflow-cpu", "tensorflow-gpu"):
        try:
            try:
                from importlib.metadata import version
                v = version(dist)
            except ImportError:
                v = __import__("pkg_resources").get_distribution(dist).version
            break
        except Exception:
            pass
    r["tf"] = v or "unknown"
print(json.dumps(r))
"""


def is_available(python: Optional[str] = None) -> Tuple[bool, str]:
    """Whether the child interpreter can import TensorFlow (checked without importing it); the message says how
    to install it when it cannot."""
    py = python or sys.executable
    if not os.path.exists(py):
        return False, "no such interpreter: %s" % py
    try:
        out = subprocess.run([py, "-I", "-c", _PROBE], capture_output=True, text=True, timeout=60, env=child_env())
    except (OSError, subprocess.SubprocessError) as e:
        return False, "cannot run %s: %s" % (py, e)
    try:
        info = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = " ".join(out.stderr.strip().splitlines()[-2:])
        return False, "cannot run %s (exit status %s): %s" % (py, out.returncode, tail or "no output")
    tf = info.get("tf")
    if not tf:
        return False, "TensorFlow is not installed for %s (Python %s). Install the dynamic extra: %s" % (
            py, info.get("python"), INSTALL_HINT)
    parts = tf.split(".")
    needs_keras = parts[0] == "2" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) >= 16
    if needs_keras and not info.get("tf_keras"):
        return False, "TensorFlow %s needs tf-keras for the TF1 RNN cells (%s). Install: %s" % (
            tf, py, INSTALL_HINT)
    return True, "TensorFlow %s%s in %s (Python %s)" % (tf, " + tf_keras" if info.get("tf_keras") else "", py,
                                                       info.get("python"))
