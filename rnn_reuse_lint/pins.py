"""Which TensorFlow a project pins (requirements, pyproject, setup.cfg/.py, environment.yml), as a TF_VERSIONS key."""
from __future__ import annotations

import configparser
import glob
import os
import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

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
    release: Optional[str] = None  # "1.12" when the requirement names one minor line, else None

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


def _matching(specifier: str) -> Optional[List[Version]]:
    """Every candidate release matching `specifier`, newest first; None when it cannot be read."""
    specifier = specifier.strip()
    if specifier in ("", "*"):
        return list(reversed(_CANDIDATES))
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
    found = [c for c in reversed(_CANDIDATES) if all(_clause_ok(c, op, text) for op, text in clauses)]
    if not found and clauses:  # a release newer than the candidate table: take the version it names
        named = _parse_version(clauses[0][1].rstrip(".*"))
        return [named] if named else None
    return found


def version_for(specifier: str) -> Optional[str]:
    """The TF_VERSIONS key of the newest release matching `specifier` (PEP 440, conda or poetry syntax)."""
    found = _matching(specifier)
    if found is None:
        return None
    return bucket(found[0]) if found else "2"


def release_for(specifier: str) -> Optional[str]:
    """`M.m` when every release matching `specifier` is of one minor line (`==1.12.0`, `~=1.12.0`), else None:
    the summary then names the release the user has instead of only its behaviour class."""
    found = _matching(specifier)
    if not found or not specifier.strip() or specifier.strip() == "*":
        return None
    lines = {c[:2] for c in found}
    if len(lines) != 1:
        return None
    major_minor = next(iter(lines))
    return ".".join(str(part) for part in major_minor) if len(major_minor) == 2 else None


_RELEASE = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$")


def release_option(value: str) -> str:
    """argparse type of `--tf-version` / flake8's `--rnn-tf-version`: any TensorFlow release (`1.4`, `1.12`, `2.3`)."""
    import argparse  # only where an option is parsed: the engine never needs it

    try:
        parse_release(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value.strip()


def parse_release(text: str) -> Tuple[str, Optional[str]]:
    """`--tf-version` / `tf-version` values: any release (`1`, `1.4`, `1.12`, `1.15.5`, `2.3`) ->
    (the TF_VERSIONS behaviour class, the `M.m` release or None for a bare major). ValueError otherwise."""
    match = _RELEASE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a TensorFlow release such as 1.4, 1.12, 1.15 or 2.3")
    major = int(match.group(1))
    minor = int(match.group(2)) if match.group(2) is not None else None
    if major not in (0, 1, 2) or (major == 0 and (minor is None or not 5 <= minor <= 12)) \
            or (major == 1 and minor is not None and minor > 15):
        raise ValueError(f"there is no TensorFlow release {text.strip()} (releases: 0.5-0.12, 1.0-1.15, 2.x)")
    if minor is None:
        return ("2" if major == 2 else "1.15"), (None if major == 2 else "1")
    return bucket((major, minor)), f"{major}.{minor}"


# PEP 508 `name[extras] specifier ; marker` or conda `name=1.15` / `name 1.15.*`
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#@]*)"
)


def parse_requirement(text: str) -> Optional[str]:
    """The TF_VERSIONS key a requirement line asks for, or None when it is not TensorFlow."""
    parsed = requirement_versions(text)
    return parsed[0] if parsed is not None else None


def requirement_versions(text: str) -> Optional[Tuple[str, Optional[str]]]:
    """(TF_VERSIONS key, `M.m` release or None) a requirement line asks for; None when it is not TensorFlow."""
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
        return "2", None
    spec = match.group("spec").strip()
    conda_build = re.fullmatch(r"(=?[^=<>!~\s]+)=[^=\s]+", spec)
    if conda_build is not None:  # conda `name=1.15=py37_0`: drop the build string
        spec = conda_build.group(1)
    version = version_for(spec)
    return (version, release_for(spec)) if version is not None else None


def _pin(requirement: str, path: str, line: int) -> Optional[Pin]:
    versions = requirement_versions(requirement)
    return Pin(versions[0], path, line, requirement, versions[1]) if versions is not None else None


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
        pin = _pin(text, path, number)
        if pin is not None:
            return pin
    return None


def _from_quoted_strings(path: str) -> Optional[Pin]:
    """setup.py, pyproject.toml, setup.cfg without a parser: the first quoted TensorFlow requirement."""
    for number, line in _requirement_lines(path):
        for match in re.finditer(r"""["']([A-Za-z][^"'\n]*)["']""", line):
            pin = _pin(match.group(1), path, number)
            if pin is not None:
                return pin
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
        pin = _pin(requirement, path, _line_of(path, requirement))
        if pin is not None:
            return pin
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
                    release = None if norm.startswith("tf-nightly") else release_for(spec)
                    return Pin(version, path, _line_of(path, str(name)), f"{name} = \"{spec}\"", release)
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
        pin = _pin(text, path, _line_of(path, text)) if text else None
        if pin is not None:
            return pin
    return None


def _from_environment_yml(path: str) -> Optional[Pin]:
    for number, line in _requirement_lines(path):
        stripped = line.split("#", 1)[0].strip()
        if not stripped.startswith("- "):
            continue
        versions = requirement_versions(stripped)
        if versions is not None:
            return Pin(versions[0], path, number, stripped[2:].strip(), versions[1])
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


class PinFinder:
    """`detect` with its answers kept per directory: `check a/ b/ c/` reads each project's files once,
    however many files lie below it."""

    def __init__(self) -> None:
        self._by_directory: Dict[str, Optional[Pin]] = {}

    def detect(self, start: str) -> Optional[Pin]:
        """Walk up from `start` to the repository root (the directory holding `.git`) looking for a pin."""
        directory = os.path.abspath(start)
        visited: List[str] = []
        while True:
            if directory in self._by_directory:
                found = self._by_directory[directory]
                break
            visited.append(directory)
            found = pin_in(directory)
            if found is not None or os.path.exists(os.path.join(directory, ".git")):
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for seen in visited:
            self._by_directory[seen] = found
        return found

    def for_file(self, path: str) -> Optional[Pin]:
        """The pin of the nearest project above a file (its own directory first)."""
        return self.detect(os.path.dirname(os.path.abspath(path)))


def detect(start: str) -> Optional[Pin]:
    """Walk up from `start` to the repository root (the directory holding `.git`) looking for a pin."""
    return PinFinder().detect(start)


def common_directory(paths: Sequence[str]) -> str:
    """The deepest directory containing every path (the current directory when there are none)."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    if not dirs:
        return os.getcwd()
    try:
        return os.path.commonpath(dirs)
    except ValueError:  # different drives
        return dirs[0]
