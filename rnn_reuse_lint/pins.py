"""Which TensorFlow a project pins (requirements, pyproject, setup.cfg/.py, environment.yml), as a TF_VERSIONS key."""
from __future__ import annotations

import configparser
import glob
import os
import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

from rnn_reuse_lint.settings import TF_VERSIONS

# Distributions that install the `tensorflow` package (PyPI and conda names).
TF_DISTRIBUTIONS = frozenset({
    "tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel",
    "tensorflow-aarch64", "tensorflow-rocm", "tensorflow-directml", "intel-tensorflow", "tensorflow-mkl",
    "tf-nightly", "tf-nightly-gpu", "tf-nightly-cpu", "tensorflow-gpu-macosx",
})

Version = Tuple[int, ...]

# Every minor line TensorFlow shipped (the patch numbers are generous): "the newest release pip would
# pick" is the highest candidate that satisfies the specifier, and only the minor line matters here.
_CANDIDATES: Tuple[Version, ...] = tuple(
    [(0, minor, patch) for minor in range(5, 13) for patch in range(3)]
    + [(1, minor, patch) for minor in range(16) for patch in range(8)]
    + [(2, minor, patch) for minor in range(40) for patch in range(8)]
)


@dataclass(frozen=True)
class Pin:
    """A TensorFlow requirement found in a project file."""

    tf_version: str  # one of settings.TF_VERSIONS
    path: str
    line: int
    requirement: str

    def describe(self, relative_to: Optional[str] = None) -> str:
        path = self.path
        if relative_to is not None:
            try:
                path = os.path.relpath(self.path, relative_to)
            except ValueError:  # another drive on Windows
                pass
        return f"{path.replace(os.sep, '/')}:{self.line} ({self.requirement})"


def bucket(version: Version) -> str:
    """The TF_VERSIONS key whose RNN behaviour a release has (TF_RNN_SEMANTICS.md)."""
    major = version[0] if version else 2
    minor = version[1] if len(version) > 1 else 0
    if major >= 2:
        return "2"
    if major == 0 or minor == 0:
        return "1.0"
    if minor == 1:
        return "1.1"
    if minor < 15:
        return "1.2"
    return "1.15"


def _parse_version(text: str) -> Optional[Version]:
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def _clause_ok(candidate: Version, op: str, text: str) -> bool:
    text = text.strip()
    if op in ("==", "!=", "=") and text.endswith(".*"):
        prefix = _parse_version(text[:-2])
        matches = prefix is not None and candidate[: len(prefix)] == prefix
        return matches if op != "!=" else not matches
    version = _parse_version(text)
    if version is None:
        return True
    width = max(len(version), len(candidate))
    cand = candidate + (0,) * (width - len(candidate))
    ver = version + (0,) * (width - len(version))
    if op in ("==", "==="):
        return cand == ver
    if op == "=":  # conda: `tensorflow=1.15` means 1.15.*
        return candidate[: len(version)] == version
    if op == "!=":
        return cand != ver
    if op == "<":
        return cand < ver
    if op == "<=":
        return cand <= ver
    if op == ">":
        return cand > ver
    if op == ">=":
        return cand >= ver
    if op == "~=":  # PEP 440: >= version and == version-without-last-part.*
        return cand >= ver and candidate[: max(len(version) - 1, 1)] == version[: max(len(version) - 1, 1)]
    if op == "^":  # poetry: same major (or same minor below 1.0)
        head = 1 if version[0] != 0 else 2
        return cand >= ver and candidate[:head] == version[:head]
    if op == "~":  # poetry: same minor
        return cand >= ver and candidate[:2] == version[:2]
    return True


_CLAUSE = re.compile(r"(===|==|!=|~=|<=|>=|<|>|=|\^|~)?\s*([0-9][0-9a-zA-Z.*+!-]*|\*)")


def version_for(specifier: str) -> Optional[str]:
    """The TF_VERSIONS key of the newest release matching `specifier` (PEP 440, conda or poetry syntax)."""
    specifier = specifier.strip()
    if specifier in ("", "*"):
        return "2"
    clauses: List[Tuple[str, str]] = []
    for part in re.split(r"[,\s]+(?=[<>=!~^\d])|,", specifier):
        part = part.strip()
        if not part:
            continue
        match = _CLAUSE.fullmatch(part)
        if match is None:
            return None
        op, text = match.group(1), match.group(2)
        if text == "*":
            continue
        if op is None:  # conda's bare `1.15.*` / `1.15`
            op = "=="
            if not text.endswith(".*") and text.count(".") < 2:
                text += ".*"
        clauses.append((op, text))
    if not clauses:
        return "2"
    for candidate in reversed(_CANDIDATES):
        if all(_clause_ok(candidate, op, text) for op, text in clauses):
            return bucket(candidate)
    named = _parse_version(clauses[0][1].rstrip(".*"))
    return bucket(named) if named else None


# PEP 508 `name[extras] specifier ; marker` or conda `name=1.15` / `name 1.15.*`
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#@]*)"
)


def parse_requirement(text: str) -> Optional[str]:
    """The TF_VERSIONS key a requirement line asks for, or None when it is not TensorFlow."""
    text = text.strip()
    if text.startswith("- "):  # a YAML list item
        text = text[2:].strip()
    text = text.strip("\"'")
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    name = re.sub(r"[._]+", "-", match.group("name").lower())
    if name not in TF_DISTRIBUTIONS:
        return None
    if name.startswith("tf-nightly"):
        return "2"
    spec = match.group("spec").strip()
    conda_build = re.fullmatch(r"(=?[^=<>!~\s]+)=[^=\s]+", spec)
    if conda_build is not None:  # conda `name=1.15=py37_0`: drop the build string
        spec = conda_build.group(1)
    return version_for(spec)


def _requirement_lines(path: str) -> Iterator[Tuple[int, str]]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return
    for number, line in enumerate(lines, start=1):
        yield number, line


def _from_requirements(path: str) -> Optional[Pin]:
    for number, line in _requirement_lines(path):
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith(("#", "-")):
            continue
        version = parse_requirement(text)
        if version is not None:
            return Pin(version, path, number, text)
    return None


def _from_quoted_strings(path: str) -> Optional[Pin]:
    """setup.py, pyproject.toml, setup.cfg without a parser: the first quoted TensorFlow requirement."""
    for number, line in _requirement_lines(path):
        for match in re.finditer(r"""["']([A-Za-z][^"'\n]*)["']""", line):
            version = parse_requirement(match.group(1))
            if version is not None:
                return Pin(version, path, number, match.group(1))
    return None


def _line_of(path: str, needle: str) -> int:
    for number, line in _requirement_lines(path):
        if needle in line:
            return number
    return 1


def _from_pyproject(path: str) -> Optional[Pin]:
    try:
        from rnn_reuse_lint.config import read_toml
    except ImportError:  # pragma: no cover
        return _from_quoted_strings(path)
    try:
        document = read_toml(path)
    except Exception:  # unreadable or no TOML parser: fall back to the text
        return _from_quoted_strings(path)
    project = document.get("project", {}) if isinstance(document.get("project"), dict) else {}
    candidates: List[str] = []
    if isinstance(project.get("dependencies"), list):
        candidates.extend(d for d in project["dependencies"] if isinstance(d, str))
    extras = project.get("optional-dependencies")
    if isinstance(extras, dict):
        for name in sorted(extras):
            if isinstance(extras[name], list):
                candidates.extend(d for d in extras[name] if isinstance(d, str))
    for requirement in candidates:
        version = parse_requirement(requirement)
        if version is not None:
            return Pin(version, path, _line_of(path, requirement), requirement)
    tool = document.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    if isinstance(deps, dict):
        for name, spec in deps.items():
            if isinstance(spec, dict):
                spec = spec.get("version", "*")
            if not isinstance(spec, str):
                continue
            norm = re.sub(r"[._]+", "-", str(name).lower())
            if norm in TF_DISTRIBUTIONS:
                version = "2" if norm.startswith("tf-nightly") else version_for(spec)
                if version is not None:
                    return Pin(version, path, _line_of(path, str(name)), f"{name} = \"{spec}\"")
    return None


def _from_setup_cfg(path: str) -> Optional[Pin]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return _from_quoted_strings(path)
    if not parser.has_option("options", "install_requires"):
        return None
    for line in parser.get("options", "install_requires").splitlines():
        text = line.split("#", 1)[0].strip()
        version = parse_requirement(text) if text else None
        if version is not None:
            return Pin(version, path, _line_of(path, text), text)
    return None


def _from_environment_yml(path: str) -> Optional[Pin]:
    for number, line in _requirement_lines(path):
        stripped = line.split("#", 1)[0].strip()
        if not stripped.startswith("- "):
            continue
        version = parse_requirement(stripped)
        if version is not None:
            return Pin(version, path, number, stripped[2:].strip())
    return None


def _requirement_files(directory: str) -> List[str]:
    found = sorted(glob.glob(os.path.join(glob.escape(directory), "requirements*.txt")))
    found.sort(key=lambda p: (os.path.basename(p) != "requirements.txt", p))
    found += sorted(glob.glob(os.path.join(glob.escape(directory), "requirements", "*.txt")))
    return found


def pin_in(directory: str) -> Optional[Pin]:
    """The first TensorFlow requirement of one directory's project files, in a fixed order."""
    readers = [(p, _from_requirements) for p in _requirement_files(directory)]
    readers += [
        (os.path.join(directory, "pyproject.toml"), _from_pyproject),
        (os.path.join(directory, "setup.cfg"), _from_setup_cfg),
        (os.path.join(directory, "setup.py"), _from_quoted_strings),
        (os.path.join(directory, "environment.yml"), _from_environment_yml),
        (os.path.join(directory, "environment.yaml"), _from_environment_yml),
    ]
    for path, reader in readers:
        if os.path.isfile(path):
            pin = reader(path)
            if pin is not None and pin.tf_version in TF_VERSIONS:
                return pin
    return None


def detect(start: str) -> Optional[Pin]:
    """Walk up from `start` to the repository root (the directory holding `.git`) looking for a pin."""
    directory = os.path.abspath(start)
    while True:
        pin = pin_in(directory)
        if pin is not None:
            return pin
        if os.path.exists(os.path.join(directory, ".git")):
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def common_directory(paths: Sequence[str]) -> str:
    """The deepest directory containing every path (the current directory when there are none)."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    if not dirs:
        return os.getcwd()
    try:
        return os.path.commonpath(dirs)
    except ValueError:  # different drives
        return dirs[0]
