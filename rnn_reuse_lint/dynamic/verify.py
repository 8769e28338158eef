"""Match static findings with a trace and say whether real TensorFlow confirmed, refuted or never reached them.

What confirms a finding is its rule's to say (Rule.evidence); this module only reads the trace."""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type

from rnn_reuse_lint.dynamic.statements import widened
from rnn_reuse_lint.finding import Dynamic, Finding, ReachedVia, Verdict
from rnn_reuse_lint.rules import rule_for
from rnn_reuse_lint.rules.base import Evidence, Rule

Trace = Mapping[str, Any]
# errors after which nothing in the file can be judged
_FATAL = {"Timeout", "ChildCrashed", "MemoryError", "FileError", "ChildError", "InternalError", "SyntaxError",
          "ProtocolError", "SandboxError"}
# how the child words a forced assumption (rrl_child/force.py): "assumed: 2 layers at line 9 (...)"
ASSUMED = "assumed: "
_ASSUMED_LINE = re.compile(r"assumed: .*? at line (\d+)")


def compress(names: Sequence[str], limit: int = 4) -> str:
    """`a/b/kernel`, `a/b/bias` -> `a/b/{kernel,bias}` (what a person can read in one line)."""
    if not names:
        return "(none)"
    groups: Dict[str, List[str]] = {}
    for n in names:
        head, _, leaf = n.rpartition("/")
        groups.setdefault(head, []).append(leaf)
    parts = []
    for head, leaves in groups.items():
        prefix = head + "/" if head else ""
        parts.append(prefix + (leaves[0] if len(leaves) == 1 else "{%s}" % ",".join(leaves)))
    text = ", ".join(parts[:limit])
    return text + (" (+%d more)" % (len(parts) - limit) if len(parts) > limit else "")


class _View:
    """Lookups over one trace."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.runs: List[Mapping[str, Any]] = list(trace.get("runs") or [])
        self.sharing: List[Mapping[str, Any]] = list(trace.get("sharing") or [])
        self.error: Optional[Mapping[str, Any]] = trace.get("error")
        self.tf = trace.get("tf_version") or "?"

    def run_lines(self, run: Mapping[str, Any]) -> List[int]:
        return [ln for ln in (run.get("call_lines") or [run.get("line")]) if ln is not None]

    def layer(self, place: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
        i, j = place.get("run"), place.get("layer")
        if i is None or j is None or not 0 <= i < len(self.runs):
            return None
        for lay in self.runs[i].get("layers") or []:
            if lay.get("index") == j and lay.get("direction") == place.get("direction"):
                found: Mapping[str, Any] = lay
                return found
        return None

    def place_lines(self, place: Mapping[str, Any], stack: bool) -> List[int]:
        """Lines a place answers to: the stack constructor (stack=True) or the driver call chain."""
        i = place.get("run")
        run = self.runs[i] if i is not None and 0 <= i < len(self.runs) else None
        lines: List[int] = []
        if stack:
            lay = self.layer(place)
            if lay is not None and lay.get("stack_line") is not None:
                lines.append(lay["stack_line"])
            elif run is not None and run.get("driver") == "keras_rnn":
                lines.extend(self.run_lines(run))
        elif run is not None:
            lines.extend(self.run_lines(run))
        elif place.get("line") is not None:
            lines.append(place["line"])
        return lines


def _within(lines: Iterable[Optional[int]], lo: int, hi: int) -> bool:
    return any(ln is not None and lo <= ln <= hi for ln in lines)


def _describe_places(view: _View, places: Sequence[Mapping[str, Any]]) -> str:
    def chain(place: Mapping[str, Any]) -> List[int]:
        i = place.get("run")
        return view.run_lines(view.runs[i]) if i is not None and 0 <= i < len(view.runs) else []

    out = []
    for p in places:
        d = (" " + p["direction"]) if p.get("direction") else ""
        via = ""
        # one call site reached through two callers (a helper run under two scopes): name the caller that differs
        others = [chain(q) for q in places if q.get("line") == p.get("line") and q.get("run") != p.get("run")]
        differ = [ln for ln in chain(p) if ln != p.get("line") and any(ln not in other for other in others)]
        if others and differ:
            via = " (called from line %s)" % differ[0]
        out.append("line %s layer %s%s%s" % (p.get("line"), p.get("layer"), d, via))
    return ", ".join(out)


def judge(finding: Finding, trace: Trace) -> Tuple[Verdict, str]:
    """(verdict, evidence) for one rule's finding against the trace of its file."""
    rule = rule_for(finding.code)
    if rule is None:
        raise ValueError(f"no rule reports {finding.code}: nothing to judge it by")
    verdict, evidence, _ = _judge(finding, rule, trace)
    return verdict, evidence


def _judge(finding: Finding, rule: Type[Rule], trace: Trace) -> Tuple[Verdict, str, Optional[List[int]]]:
    """(verdict, evidence, the runs the verdict rests on: None when it rests on no particular run)."""
    return _judge_runs(finding, rule, trace)


def _confirms(rule: Type[Rule], relation: Mapping[str, Any]) -> bool:
    """A traced relation of a fact the rule's evidence names (a trace written without facts: of the rule's code)."""
    if "fact" in relation:
        return relation.get("fact") in rule.evidence.sharing
    return relation.get("code") == rule.code


def reached_via(trace: Trace, runs: Optional[Sequence[int]]) -> Tuple[ReachedVia, List[str]]:
    """("plain" | "synthesized", what was synthesized on the way) for a verdict resting on these runs.

    A run counts as reached plainly when the top level got to it with nothing synthesized before it in that unit;
    a run of a synthesized entry never does. Without a run to place the verdict (a stack, an error), anything
    synthesized anywhere in the file counts."""
    events = list(trace.get("synth_events") or [])
    all_runs = list(trace.get("runs") or [])
    via: List[str] = []
    if runs is None:
        via = [str(e.get("what")) for e in events]
        via += ["entry %s" % e.get("name") for e in trace.get("entries") or [] if e.get("name") != "<module>"
                and e.get("runs")]
        # a stack a synthesized entry built (its class's __init__ with stand-in arguments) though it never ran
        via += ["entry %s" % st.get("entry") for st in trace.get("stacks") or []
                if st.get("entry") not in (None, "<module>")]
    else:
        for i in runs:
            unit = all_runs[i].get("entry") if 0 <= i < len(all_runs) else None
            if unit not in (None, "<module>"):
                via.append("the synthesized entry %s" % unit)
            via += [str(e.get("what")) for e in events if e.get("run", 0) <= i
                    and e.get("unit") in ("<module>", unit)]
    seen: List[str] = []
    for item in via:
        if item not in seen:
            seen.append(item)
    return ("synthesized" if seen else "plain"), seen


def _judge_runs(finding: Finding, rule: Type[Rule], trace: Trace) -> Tuple[Verdict, str, Optional[List[int]]]:
    view = _View(trace)
    # a traced line anywhere in the statement the finding sits in is the finding's place
    lo, hi = widened(trace, finding.span.line, max(finding.span.end_line, finding.span.line))
    err = _error_at(trace, lo, hi)
    err_lines = _error_lines(err) if err else []
    err_here = bool(err) and _within(err_lines, lo, hi)
    err_text = "%s: %s" % (err.get("type"), err.get("message")) if err else ""
    if err and err.get("type") in _FATAL and not view.runs:
        return "error", "tracing failed: %s" % err_text, None
    evidence: Evidence = rule.evidence
    stack_rule = evidence.where == "stack"

    for rel in view.sharing:
        if not _confirms(rule, rel):
            continue
        places = list(rel.get("between") or [])
        borrowers = places[1:] if evidence.where == "second_run" else places
        if any(_within(view.place_lines(p, stack_rule), lo, hi) for p in borrowers):
            runs = [p["run"] for p in places if p.get("run") is not None]
            return "confirmed", "TF %s: %s share %s (%s)%s" % (
                view.tf, _describe_places(view, places), compress(rel.get("variables") or []),
                rel.get("evidence", ""), _then_raised(view, evidence, runs)), runs

    if stack_rule:
        for st in trace.get("stacks") or []:
            if _within([st.get("line")], lo, hi):
                dups = [i for i, c in enumerate(st.get("cells") or []) if c.get("same_as") is not None]
                if dups:
                    first = st["cells"][dups[0]]["same_as"]
                    return "confirmed", "TF %s: the %s built at line %s holds one %s object as layers %s" % (
                        view.tf, st.get("class"), st.get("line"), st["cells"][first].get("cell"),
                        ", ".join(str(i) for i in [first] + dups)), None
    if err_here and err is not None:
        message = err.get("message") or ""
        for known in evidence.errors:
            if any(text in message for text in known.contains):
                return "confirmed", known.says.format(tf=view.tf, message=message[:known.limit]), None
        return "error", "TF %s stopped at line %s: %s" % (view.tf, err.get("line"), err_text[:300]), None

    reached, run_index = _reached(view, stack_rule, lo, hi)
    if reached is not None:
        return "refuted", "TF %s ran it without that sharing: %s" % (view.tf, reached), \
            None if run_index is None else [run_index]
    failed = _stepped_over(trace, lo, hi)
    if failed is not None:
        return "error", "TF %s: line %s raised %s (%s) and was stepped over, so nothing at line %d was built" % (
            view.tf, failed.get("line"), failed.get("type"), str(failed.get("message"))[:200], finding.span.line), None
    if err:
        return "error", "tracing stopped at line %s before reaching line %d: %s" % (
            err.get("line"), finding.span.line, err_text[:300]), None
    stopped = trace.get("stopped_at")
    if stopped:
        return "not-reached", "line %d was not run (tracing stops at the first %s, line %s)" % (
            finding.span.line, stopped.get("what"), stopped.get("line")), None
    return "not-reached", "line %d never ran (no driver or stack there was executed)" % finding.span.line, None


def _error_lines(err: Mapping[str, Any]) -> List[Optional[int]]:
    """The lines an error was raised at: its stack, and every line of the multi-line statements the stack lines
    sit in (statements.place_errors), so an error of a call counts at the argument line a finding names."""
    lines: List[Optional[int]] = list(err.get("stack") or [err.get("line")])
    for first, last in err.get("statements") or []:
        lines.extend(range(first, last + 1))
    return lines


def _then_raised(view: _View, evidence: Evidence, runs: Sequence[int]) -> str:
    """"; TF then raised ..." when the entry that made these runs failed at one of their lines with an error the
    rule knows as the sharing's own symptom (layer 1 calling layer 0's kernel, built for another input depth): the
    traced objects already prove the sharing, the error shows what it does."""
    for i in runs:
        run = view.runs[i] if 0 <= i < len(view.runs) else {}
        for entry in view.trace.get("entries") or []:
            err = entry.get("error")
            if not err or entry.get("name") != run.get("entry"):
                continue
            message = str(err.get("message") or "")
            if _within(_error_lines(err), min(view.run_lines(run) or [0]), max(view.run_lines(run) or [0])) and any(
                    text in message for known in evidence.errors for text in known.contains):
                return "; TF then raised at line %s: %s" % (err.get("line"), message[:160])
    return ""


def _stepped_over(trace: Trace, lo: int, hi: int) -> Optional[Mapping[str, Any]]:
    """A failure at the finding's own statement that the tracer stepped over (rrl_child/tolerate.py): the reason its
    line built nothing, rather than another entry's error elsewhere in the file."""
    for failure in trace.get("tolerated") or []:
        if _within([failure.get("line")], lo, hi):
            found: Mapping[str, Any] = failure
            return found
    return None


def _error_at(trace: Trace, lo: int, hi: int) -> Optional[Mapping[str, Any]]:
    """The error raised at these lines, else the file's: each synthesized entry runs in a graph of its own and can
    fail on its own, while the trace's `error` is only the first of them."""
    for entry in trace.get("entries") or []:
        err = entry.get("error")
        if err and _within(_error_lines(err), lo, hi):
            found: Mapping[str, Any] = err
            return found
    first: Optional[Mapping[str, Any]] = trace.get("error")
    return first


def _reached(view: _View, stack_rule: bool, lo: int, hi: int) -> Tuple[Optional[str], Optional[int]]:
    """If the code at the finding's line ran, a short description of what it did (and the run, if one did it);
    `stack_rule`: the finding sits at a stack constructor."""
    for i, run in enumerate(view.runs):
        layers = run.get("layers") or []
        if stack_rule:
            hit = [lay for lay in layers if _within([lay.get("stack_line")], lo, hi)]
            if not hit and run.get("driver") in ("keras_rnn",) and _within(view.run_lines(run), lo, hi):
                hit = list(layers)
        else:
            hit = list(layers) if _within(view.run_lines(run), lo, hi) else []
        if hit or (not stack_rule and _within(view.run_lines(run), lo, hi)):
            desc = "; ".join("layer %s%s: %s" % (lay.get("index"), (" " + lay["direction"]) if lay.get("direction") else "",
                                                 compress(lay.get("variables") or []))
                             for lay in hit)
            return "%s at line %s, %s" % (run.get("driver"), run.get("line"), desc or "no layers"), i
    if stack_rule:
        for st in view.trace.get("stacks") or []:
            if _within([st.get("line")], lo, hi):
                return "the %s built at line %s holds %d distinct cell objects" % (
                    st.get("class"), st.get("line"), len(st.get("cells") or [])), None
    return None, None


def _assumptions_met(finding: Finding, trace: Trace, runs: Optional[Sequence[int]]) -> bool:
    """Whether a run reached through stand-ins still ran the finding's line as the finding assumes it: the tracer
    forced the assumption there (`assumed: ...` events), or the stack at the line really had two or more layers."""
    lo, hi = widened(trace, finding.span.line, max(finding.span.end_line, finding.span.line))
    for event in trace.get("synth_events") or []:
        line = _ASSUMED_LINE.match(str(event.get("what")))
        if line is not None and _finding_line(finding, trace, int(line.group(1))):
            return True
    rule = rule_for(finding.code)
    if rule is None or rule.evidence.where != "stack" or not runs:
        return False  # only a finding at a stack's line can be met by the stack's own layer count
    all_runs = list(trace.get("runs") or [])
    return any(len([lay for lay in all_runs[i].get("layers") or [] if _within([lay.get("stack_line")], lo, hi)]) >= 2
               for i in runs if 0 <= i < len(all_runs))


def _own_assumption(item: str, finding: Finding, trace: Trace) -> bool:
    """False for what another finding's line assumed (a verdict resting on no particular run lists the whole
    file's synthesized things, and another line's `assumed: ...` would read as this finding's); else True."""
    line = _ASSUMED_LINE.match(item)
    if line is None:
        return True
    return _finding_line(finding, trace, int(line.group(1)))


def _finding_line(finding: Finding, trace: Trace, line: int) -> bool:
    """Whether a line is the finding's own: its statement, or a place it names in the same file (the loop of
    RNN103's "on every pass of the loop at line 9", where the finding's assumption of a second pass is given)."""
    lo, hi = widened(trace, finding.span.line, max(finding.span.end_line, finding.span.line))
    return lo <= line <= hi or any(r.span.line == line for r in finding.related if r.path == finding.path)


def _lookup(traces: Mapping[str, Trace], path: str) -> Optional[Trace]:
    if path in traces:
        return traces[path]
    want = os.path.realpath(path)
    for key, trace in traces.items():
        if os.path.realpath(key) == want:
            return trace
    return None


def verify(findings: Sequence[Finding], traces: Mapping[str, Trace]) -> List[Finding]:
    out: List[Finding] = []
    for f in findings:
        rule = rule_for(f.code)
        if rule is None:  # RNN000 and the like: nothing a trace can say about
            out.append(f)
            continue
        trace = _lookup(traces, f.path)
        if trace is None:
            out.append(dataclasses.replace(f, dynamic=Dynamic("not-reached", "the file was not traced")))
            continue
        verdict, evidence, runs = _judge(f, rule, trace)
        alternative = (trace.get("switch") or {}).get("alternative")
        if verdict not in ("confirmed", "refuted") and alternative:
            # the file was traced under both interpreters and the trace kept (the one that got further overall)
            # does not reach this finding: the other one may (its evidence names its TensorFlow version)
            other = _judge(f, rule, alternative)
            if other[0] in ("confirmed", "refuted"):
                trace = alternative
                verdict, evidence, runs = other
        via: Optional[ReachedVia] = None
        if verdict in ("confirmed", "refuted"):
            via, what = reached_via(trace, runs)
            what = [item for item in what if _own_assumption(item, f, trace)]
            what.sort(key=lambda item: not item.startswith(ASSUMED))   # the finding's own assumptions first
            if what:
                evidence += "; reached only through synthesized values: %s%s" % (
                    ", ".join(what[:3]), " (+%d more)" % (len(what) - 3) if len(what) > 3 else "")
            if verdict == "refuted" and via == "synthesized" and not _assumptions_met(f, trace, runs):
                # Stand-ins need not meet what the finding assumes (a caller's cell, a layer count of 2 or more):
                # no sharing under them refutes nothing about the program as its callers run it.
                verdict = "not-reached"
                evidence = "not reached under the finding's own assumptions (%s)" % evidence
        out.append(dataclasses.replace(f, dynamic=Dynamic(verdict, evidence, via)))
    return out
