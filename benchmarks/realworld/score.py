"""Score rnn-reuse-lint on the real-code validation set: file-level precision and recall per rule against labels*.tsv.

The labels (``labels*.tsv`` beside this script) name public repositories at exact commits; the code itself is
not in this repository. ``--extract`` rebuilds the checkout from mirrors brought by the session's ``fetch`` tool
(``/work/.mirror/OWNER+REPO/repo``, a git directory); scoring then runs the analyzer once per repository with the
repository's folder as the working directory and the labelled paths as arguments.

A buggy file is *found* when a finding with one of its labelled codes lies within ``--window`` lines of one of its
labelled lines; a buggy file with findings only elsewhere is a miss and, for precision, a false alarm; a clean
file with any RNN10x finding is a false alarm. Per rule the same is done with that rule's findings and the files
labelled with it.

    python benchmarks/realworld/score.py [--repos DIR] [--labels TSV ...] [--json PATH]
    python benchmarks/realworld/score.py --extract [--mirror /work/.mirror] [--repos DIR]

Exit status: 0 scored (or extracted), 1 some repository could not be analysed or extracted, 2 bad input.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
DEFAULT_REPOS = Path("/work/realworld/repos")
DEFAULT_MIRROR = Path("/work/.mirror")
HEADER = ("repo", "commit", "path", "label", "codes", "lines", "verified")
RULES = ("RNN101", "RNN102", "RNN103", "RNN104", "RNN105")
SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")  # what --extract copies: the analyzer follows project imports
ANALYZER_TIMEOUT = 900  # seconds per repository; a hang is reported, not waited on forever


class BadInput(Exception):
    """A labels file that cannot be scored; the message says which file and row."""


@dataclass(frozen=True)
class Label:
    repo: str
    commit: str
    path: str
    buggy: bool
    codes: Tuple[str, ...]
    lines: Tuple[int, ...]
    verified: str
    source: str  # which labels file the row came from

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "+")


@dataclass(frozen=True)
class Finding:
    code: str
    line: int
    message: str


@dataclass
class FileResult:
    label: Label
    findings: List[Finding] = field(default_factory=list)
    error: str = ""

    def found(self, codes: Iterable[str], window: int) -> bool:
        """A finding with one of `codes` near a labelled line."""
        wanted = set(codes)
        return any(f.code in wanted and any(abs(f.line - n) <= window for n in self.label.lines)
                   for f in self.findings)

    def fired(self, codes: Iterable[str]) -> bool:
        wanted = set(codes)
        return any(f.code in wanted for f in self.findings)


@dataclass(frozen=True)
class Score:
    name: str
    files: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


# ------------------------------------------------------------------------------------------------ labels


def read_labels(paths: Sequence[Path]) -> List[Label]:
    labels: List[Label] = []
    seen: Dict[Tuple[str, str], str] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"{path}: cannot read ({exc.strerror})") from exc
        rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
        if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
            raise BadInput(f"{path}:1: header must be {' '.join(HEADER)} (tab-separated)")
        for number, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            label = _parse_row(path, number, row)
            key = (label.repo, label.path)
            if key in seen:
                raise BadInput(f"{path}:{number}: {label.repo} {label.path} is labelled twice (also in {seen[key]})")
            seen[key] = f"{path.name}:{number}"
            labels.append(label)
    return labels


def _parse_row(path: Path, number: int, row: List[str]) -> Label:
    where = f"{path}:{number}"
    if len(row) != len(HEADER):
        raise BadInput(f"{where}: expected {len(HEADER)} tab-separated columns, got {len(row)}")
    repo, commit, file_path, label, codes_text, lines_text, verified = (c.strip() for c in row)
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise BadInput(f"{where}: repo must be owner/name, got {repo!r}")
    if len(commit) != 40 or any(c not in "0123456789abcdef" for c in commit):
        raise BadInput(f"{where}: commit must be 40 lowercase hex digits, got {commit!r}")
    if label not in ("bug", "clean"):
        raise BadInput(f"{where}: label must be bug or clean, got {label!r}")
    codes = tuple(c.strip() for c in codes_text.split(",") if c.strip())
    unknown = [c for c in codes if c not in RULES]
    if unknown:
        raise BadInput(f"{where}: unknown rule code(s) {', '.join(unknown)}")
    try:
        lines = tuple(int(n) for n in lines_text.split(",") if n.strip())
    except ValueError as exc:
        raise BadInput(f"{where}: lines must be comma-separated numbers, got {lines_text!r}") from exc
    if label == "bug" and not (codes and lines):
        raise BadInput(f"{where}: a bug row needs codes and lines")
    if label == "clean" and (codes or lines):
        raise BadInput(f"{where}: a clean row has no codes or lines")
    return Label(repo, commit, file_path, label == "bug", codes, lines, verified, path.name)


# ------------------------------------------------------------------------------------------------ extract


def git_dir(mirror: Path, folder: str) -> Optional[Path]:
    """The fetch tool leaves either a bare repository or a clone without work tree under repo/."""
    base = mirror / folder / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def _git(gdir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "--git-dir", str(gdir), *args], capture_output=True, timeout=300)


def extract(labels: Sequence[Label], mirror: Path, repos: Path) -> int:
    status = 0
    wanted: Dict[Tuple[str, str], str] = {}
    for label in labels:
        wanted.setdefault((label.folder, label.commit), label.repo)
    for (folder, commit), repo in sorted(wanted.items()):
        gdir = git_dir(mirror, folder)
        if gdir is None:
            print(f"{repo}: no mirror at {mirror / folder}; bring it with the fetch tool (github:{repo})", file=sys.stderr)
            status = 1
            continue
        listing = _git(gdir, "ls-tree", "-r", "-z", "--name-only", commit)
        if listing.returncode != 0:
            print(f"{repo}: commit {commit} is not in the mirror ({listing.stderr.decode(errors='replace').strip()});"
                  " fetch a newer snapshot", file=sys.stderr)
            status = 1
            continue
        target = repos / folder
        count = 0
        for name in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            blob = _git(gdir, "show", f"{commit}:{name}")
            if blob.returncode != 0:  # a submodule entry or an LFS oddity: skip, the labelled paths are checked below
                continue
            out = target / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(blob.stdout)
            count += 1
        missing = [lb.path for lb in labels if lb.folder == folder and not (target / lb.path).is_file()]
        for path in missing:
            print(f"{repo}: labelled file {path} is not at {commit}", file=sys.stderr)
            status = 1
        print(f"{repo}@{commit[:12]}: {count} files -> {target}")
    return status


# ------------------------------------------------------------------------------------------------ analyse


def analyse(labels: Sequence[Label], repos: Path) -> Tuple[List[FileResult], List[str]]:
    """One analyzer process per repository, run from the repository's folder (so project imports resolve)."""
    results: List[FileResult] = []
    problems: List[str] = []
    by_folder: Dict[str, List[Label]] = {}
    for label in labels:
        by_folder.setdefault(label.folder, []).append(label)
    for folder, group in sorted(by_folder.items()):
        cwd = repos / folder
        present = [lb for lb in group if (cwd / lb.path).is_file()]
        for lb in group:
            if lb not in present:
                problems.append(f"{lb.repo}: {lb.path} is missing under {cwd} (run with --extract)")
                results.append(FileResult(lb, error="file missing"))
        if not present:
            continue
        cmd = [sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", "--exit-zero", "--quiet",
               "--isolated", *[lb.path for lb in present]]
        try:
            done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=ANALYZER_TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"{group[0].repo}: the analyzer did not finish in {ANALYZER_TIMEOUT} s")
            results.extend(FileResult(lb, error="analyzer timeout") for lb in present)
            continue
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            problems.append(f"{group[0].repo}: the analyzer exited {done.returncode} without a JSON report: {tail}")
            results.extend(FileResult(lb, error="no report") for lb in present)
            continue
        per_path: Dict[str, List[Finding]] = {}
        for item in report.get("findings", []):
            path = str(item.get("path", "")).replace("\\", "/")
            per_path.setdefault(path, []).append(
                Finding(str(item.get("code", "")), int(item.get("line", 0)), str(item.get("message", ""))))
        file_errors: Dict[str, str] = {}
        for item in report.get("errors", []):
            if isinstance(item, dict):
                file_errors[str(item.get("path", "")).replace("\\", "/")] = str(item.get("message", item))
        for lb in present:
            key = lb.path.replace("\\", "/")
            findings = [f for f in per_path.get(key, []) if f.code in RULES]
            error = file_errors.get(key, "")
            if error:
                problems.append(f"{lb.repo}: {lb.path}: {error}")
            results.append(FileResult(lb, sorted(findings, key=lambda f: (f.line, f.code)), error))
    return results, problems


# ------------------------------------------------------------------------------------------------ score


def score(results: Sequence[FileResult], window: int) -> List[Score]:
    scores = [_score("overall", results, RULES, window, lambda r: r.label.buggy)]
    for rule in RULES:
        scores.append(_score(rule, results, (rule,), window, _labelled_with(rule)))
    return scores


def _labelled_with(rule: str) -> Callable[[FileResult], bool]:
    return lambda r: rule in r.label.codes


def _score(name: str, results: Sequence[FileResult], codes: Sequence[str], window: int,
           positive: Callable[[FileResult], bool]) -> Score:
    files = tp = fp = fn = 0
    for r in results:
        if positive(r):
            files += 1
            wanted = [c for c in r.label.codes if c in codes]
            if r.found(wanted, window):
                tp += 1
                continue
            fn += 1
        if r.fired(codes):
            fp += 1
    return Score(name, files, tp, fp, fn)


def _fmt(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2f}"


def render(scores: Sequence[Score], results: Sequence[FileResult], window: int) -> str:
    buggy = sum(r.label.buggy for r in results)
    repos = len({r.label.repo for r in results})
    out = [f"{len(results)} files from {repos} repositories: {buggy} buggy, {len(results) - buggy} clean"
           f" (found = a labelled code within {window} lines of a labelled line)", ""]
    out.append(f"{'rule':<8} {'files':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>6}")
    for s in scores:
        out.append(f"{s.name:<8} {s.files:>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} {_fmt(s.precision):>9} {_fmt(s.recall):>6}")
    missed = [r for r in results if r.label.buggy and not r.found(r.label.codes, window)]
    alarms = [r for r in results if not r.label.buggy and r.fired(RULES)]
    for title, group in (("missed", missed), ("false alarms", alarms)):
        out += ["", f"{title} ({len(group)}):"]
        for r in group:
            want = f" want {','.join(r.label.codes)} at {','.join(map(str, r.label.lines))}" if r.label.buggy else ""
            got = "; ".join(f"{f.code}@{f.line}" for f in r.findings) or "no findings"
            error = f" [{r.error}]" if r.error else ""
            out.append(f"  {r.label.repo} {r.label.path}:{want} got {got}{error}")
    return "\n".join(out)


def as_json(scores: Sequence[Score], results: Sequence[FileResult], problems: Sequence[str], window: int) -> str:
    data = {
        "window": window,
        "scores": [dict(asdict(s), precision=s.precision, recall=s.recall) for s in scores],
        "files": [
            {"label": asdict(r.label), "findings": [asdict(f) for f in r.findings], "error": r.error,
             "found": r.label.buggy and r.found(r.label.codes, window)}
            for r in results
        ],
        "problems": list(problems),
    }
    return json.dumps(data, indent=2)


# ------------------------------------------------------------------------------------------------ main


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="score.py", description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, action="append",
                        help="a labels TSV (repeatable; default: every labels*.tsv beside this script)")
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help=f"checkouts, one OWNER+REPO folder each (default {DEFAULT_REPOS})")
    parser.add_argument("--extract", action="store_true", help="rebuild --repos from --mirror at the labelled commits, then stop")
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help=f"where fetch leaves repositories (default {DEFAULT_MIRROR})")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument("--window", type=int, default=3, help="how many lines a finding may sit from a labelled line (default 3)")
    args = parser.parse_args(argv)
    paths = args.labels or sorted(HERE.glob("labels*.tsv"))
    if not paths:
        print(f"score.py: no labels*.tsv in {HERE} and no --labels given", file=sys.stderr)
        return 2
    try:
        labels = read_labels(paths)
    except BadInput as exc:
        print(f"score.py: {exc}", file=sys.stderr)
        return 2
    if args.extract:
        return extract(labels, args.mirror, args.repos)
    if not args.repos.is_dir():
        print(f"score.py: {args.repos} is not a directory; build it with --extract", file=sys.stderr)
        return 2
    results, problems = analyse(labels, args.repos)
    scores = score(results, args.window)
    print(render(scores, results, args.window))
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if args.json:
        args.json.write_text(as_json(scores, results, problems, args.window) + "\n", encoding="utf-8")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
