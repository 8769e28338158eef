"""How often `check --dynamic` reaches a verdict on real projects (issue 22): per rule, confirmed / refuted / not
reached / errored, with the reasons, and verdicts reached plainly vs only through stubs or synthesized values.

Runs one `python -m rnn_reuse_lint check --dynamic --isolated --format json` over every labelled file of the
real-code validation set (labels_*.tsv: repo, commit, path, label, codes, lines; the code itself under
--repos/OWNER+NAME/), then checks the verdicts against the labels: a confirmed verdict on a file labelled clean
is a false confirmation (target: none), and at least 80% of the findings should get confirmed or refuted.

Usage: python benchmarks/bench_dynamic_realworld.py [--repos DIR] [--labels TSV ...] [--timeout S] [--json PATH]
       [--tf1-python PATH]   (a TF 1.x interpreter the files needing TF-1-only APIs switch to)
Run it against another checkout's code (e.g. the baseline) with PYTHONPATH=/path/to/checkout.
Exit status: 0 measured, 1 the analyzer failed, 2 no labels or no code found.
"""
from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_REPOS = "/work/realworld/repos"
DEFAULT_LABELS = (os.path.join(ROOT, "benchmarks", "realworld", "labels_*.tsv"),
                  "/work/wt/realworld*/benchmarks/realworld/labels_*.tsv")
VERDICTS = ("confirmed", "refuted", "not-reached", "error")
TARGET = 0.80
_REASON = re.compile(r"\b((?:[A-Z]\w*)?(?:Error|Exception|Exit|Timeout|Crashed|NotSupportedOnTF2))\b")

Label = Dict[str, str]


def read_labels(patterns: Sequence[str]) -> List[Label]:
    """Every row of every labels TSV matched, deduplicated by (repo, path); later files do not override."""
    rows: Dict[Tuple[str, str], Label] = {}
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            with open(path, encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    if row.get("repo") and row.get("path"):
                        rows.setdefault((row["repo"], row["path"]), dict(row, source=os.path.basename(path)))
    return list(rows.values())


def file_of(label: Label, repos: str) -> str:
    return os.path.join(repos, label["repo"].replace("/", "+"), label["path"])


def run_check(files: Sequence[str], timeout: float, cwd: str,
              tf1_python: Optional[str] = None) -> Tuple[List[Dict[str, Any]], str, float]:
    """(findings, stderr, seconds) of one `check --dynamic` over all the files (one warm tracing child).

    Run from `cwd` (the repositories' folder, not this checkout: `-m` puts the working folder first on sys.path,
    and PYTHONPATH must be able to pick the analyzer's code)."""
    cmd = [sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", "--isolated", "--format", "json",
           "-j", "1", "--timeout", str(timeout), *(["--tf1-python", tf1_python] if tf1_python else []), *files]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                          timeout=max(600.0, timeout * (len(files) + 2) * 2))
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError("check --dynamic exited %d: %s" % (proc.returncode, proc.stderr.strip()[-2000:]))
    findings: List[Dict[str, Any]] = json.loads(proc.stdout)["findings"]
    return findings, proc.stderr, elapsed


def reason(evidence: str) -> str:
    """A short bucket for why a finding got no verdict: the exception type, or what stopped the trace."""
    if "was not traced" in evidence:
        return "file not traced"
    if "tracing stops at the first" in evidence:
        return "stopped at the first Session.run/fit before the line"
    if "never ran" in evidence:
        return "line never ran"
    found = _REASON.search(evidence)
    if found:
        name = found.group(1)
        if name == "ModuleNotFoundError":
            module = re.search(r"No module named '([\w.]+)'", evidence)
            return "ModuleNotFoundError (%s)" % (module.group(1).split(".")[0] if module else "?")
        return name
    return evidence[:60]


def tally(findings: Sequence[Dict[str, Any]], labels: Dict[str, Label]) -> Dict[str, Any]:
    per_rule: Dict[str, Counter[str]] = defaultdict(Counter)
    reasons: Dict[str, Counter[str]] = defaultdict(Counter)
    false_confirmations: List[str] = []
    refuted_bugs: List[str] = []
    for f in findings:
        code = f["code"]
        if not code.startswith("RNN1"):
            continue
        dyn = f.get("dynamic") or {"verdict": "not-reached", "evidence": "the file was not traced"}
        verdict = dyn["verdict"]
        counts = per_rule[code]
        counts["findings"] += 1
        counts[verdict] += 1
        if verdict in ("confirmed", "refuted"):
            counts["%s/%s" % (verdict, dyn.get("reached_via") or "plain")] += 1
        else:
            reasons[verdict][reason(dyn.get("evidence") or "")] += 1
        label = labels.get(os.path.realpath(f["path"]))
        where = "%s:%s %s" % (label["repo"] + "/" + label["path"] if label else f["path"], f["line"], code)
        if label is not None and verdict == "confirmed" and label.get("label") == "clean":
            false_confirmations.append("%s (%s)" % (where, dyn.get("evidence", "")[:160]))
        if label is not None and verdict == "refuted" and label.get("label") == "bug" and code in label.get("codes", ""):
            refuted_bugs.append("%s (%s)" % (where, dyn.get("evidence", "")[:160]))
    return {"per_rule": {k: dict(v) for k, v in sorted(per_rule.items())},
            "reasons": {k: dict(v.most_common()) for k, v in reasons.items()},
            "false_confirmations": false_confirmations, "refuted_bugs": refuted_bugs}


def render(result: Dict[str, Any]) -> str:
    rows = [["rule", "findings", "confirmed", "(plain/synth)", "refuted", "(plain/synth)", "not reached", "errored",
             "verdict rate"]]
    total: Counter[str] = Counter()
    for code, c in list(result["per_rule"].items()) + [("all", None)]:
        if c is None:
            c = dict(total)
        else:
            total.update(c)
        n = c.get("findings", 0)
        rate = (c.get("confirmed", 0) + c.get("refuted", 0)) / n if n else 0.0
        rows.append([code, str(n), str(c.get("confirmed", 0)),
                     "%d/%d" % (c.get("confirmed/plain", 0), c.get("confirmed/synthesized", 0)),
                     str(c.get("refuted", 0)), "%d/%d" % (c.get("refuted/plain", 0), c.get("refuted/synthesized", 0)),
                     str(c.get("not-reached", 0)), str(c.get("error", 0)), "%.0f%%" % (100 * rate)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    n = total.get("findings", 0)
    rate = (total.get("confirmed", 0) + total.get("refuted", 0)) / n if n else 0.0
    out.append("")
    out.append("verdict rate %.0f%% (target %.0f%%): %s" % (100 * rate, 100 * TARGET,
                                                           "met" if rate >= TARGET else "NOT met"))
    for verdict in ("not-reached", "error"):
        reasons = result["reasons"].get(verdict) or {}
        if reasons:
            out.append("%s, why: %s" % (verdict, "; ".join("%s x%d" % kv for kv in reasons.items())))
    out.append("confirmed on files labelled clean: %d (target 0)" % len(result["false_confirmations"]))
    out.extend("  " + line for line in result["false_confirmations"])
    out.append("refuted on a labelled bug of that rule: %d" % len(result["refuted_bugs"]))
    out.extend("  " + line for line in result["refuted_bugs"])
    out.append("files %d (%d labelled bug), %.0f s" % (result["files"], result["buggy"], result["seconds"]))
    return "\n".join(out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repos", default=DEFAULT_REPOS, help="folder holding OWNER+NAME checkouts")
    parser.add_argument("--labels", nargs="*", default=list(DEFAULT_LABELS), help="labels TSV files or globs")
    parser.add_argument("--timeout", type=float, default=60.0, help="tracing time limit per file (seconds)")
    parser.add_argument("--tf1-python", default=None, metavar="PATH",
                        help="a TF 1.x interpreter for the files that need TF-1-only APIs (check --tf1-python)")
    parser.add_argument("--json", default=None, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    labels = read_labels(args.labels)
    present = [(lab, file_of(lab, args.repos)) for lab in labels]
    present = [(lab, path) for lab, path in present if os.path.isfile(path)]
    if not present:
        print("no labelled file found (labels: %s; repos: %s)" % (", ".join(args.labels), args.repos),
              file=sys.stderr)
        return 2
    by_path = {os.path.realpath(path): lab for lab, path in present}
    try:
        findings, _, seconds = run_check([path for _, path in present], args.timeout, args.repos, args.tf1_python)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
        print("bench_dynamic_realworld: %s" % e, file=sys.stderr)
        return 1
    result = tally(findings, by_path)
    result.update({"files": len(present), "buggy": sum(1 for lab, _ in present if lab.get("label") == "bug"),
                   "missing": len(labels) - len(present), "seconds": round(seconds, 1)})
    print(render(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
