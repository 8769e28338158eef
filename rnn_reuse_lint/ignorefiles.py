"""The ignore files a directory walk honours, as ruff does: `.gitignore`, `.ignore`, `.git/info/exclude` and
git's global excludes file (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore`)."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    import pathspec

# ripgrep/ruff precedence inside one directory: the global excludes file < .git/info/exclude < .gitignore <
# .ignore (later lines win); the first two hold patterns relative to the repository's top level.
_FILES = (".gitignore", ".ignore")


def _read_lines(path: str) -> List[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


class IgnoreRules:
    """The compiled ignore files of every directory a walk meets, read once each.

    `.gitignore` and `.git/info/exclude` count only inside a git repository (as in git, and ruff's walker);
    `.ignore` counts anywhere. Rules of a directory apply to the paths below it, the deepest decisive
    rule wins, and a path named on the command line is always walked: a rule of a folder above it that
    ignores that path itself is set aside for the walk below it.
    """

    def __init__(self) -> None:
        self._specs: Dict[str, Optional["pathspec.GitIgnoreSpec"]] = {}
        self._repo_roots: Dict[str, Optional[str]] = {}

    def repo_root(self, directory: str) -> Optional[str]:
        """The nearest directory at or above `directory` holding `.git` (a folder, or a worktree's file)."""
        directory = os.path.abspath(directory)
        if directory not in self._repo_roots:
            parent = os.path.dirname(directory)
            if os.path.exists(os.path.join(directory, ".git")):
                self._repo_roots[directory] = directory
            elif parent == directory:
                self._repo_roots[directory] = None
            else:
                self._repo_roots[directory] = self.repo_root(parent)
        return self._repo_roots[directory]

    def _spec(self, directory: str) -> Optional["pathspec.GitIgnoreSpec"]:
        if directory in self._specs:
            return self._specs[directory]
        in_repo = self.repo_root(directory) is not None
        lines: List[str] = []
        if in_repo and self.repo_root(directory) == os.path.abspath(directory):
            lines += _read_lines(excludes_file(directory))
        if in_repo and os.path.isdir(os.path.join(directory, ".git")):
            lines += _read_lines(os.path.join(directory, ".git", "info", "exclude"))
        for name in _FILES:
            if name == ".gitignore" and not in_repo:
                continue
            lines += _read_lines(os.path.join(directory, name))
        spec = None
        if any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            import pathspec  # only when a project has ignore files: most single-file runs never pay for it

            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._specs[directory] = spec
        return spec

    def _governing(self, directory: str) -> List[Tuple[str, "pathspec.GitIgnoreSpec"]]:
        """(directory, spec) pairs that apply inside `directory`, deepest first."""
        directory = os.path.abspath(directory)
        out = []
        while True:  # _spec leaves out .gitignore files outside a repository; .ignore files count up to /
            spec = self._spec(directory)
            if spec is not None:
                out.append((directory, spec))
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        return out

    def walker(self, top: str) -> "Walk":
        """The rules for one walk below `top`, a path the user named."""
        top = os.path.abspath(top)
        kept = []
        for directory, spec in self._governing(top):
            if directory != top and _verdict(spec, _relative(top, directory) + "/"):
                continue  # the user named an ignored folder: its own parent's rule does not hide its contents
            kept.append((directory, spec))
        return Walk(self, top, kept)


class Walk:
    """Ignore decisions below one named directory."""

    def __init__(self, rules: IgnoreRules, top: str, above: List[Tuple[str, "pathspec.GitIgnoreSpec"]]) -> None:
        self._rules = rules
        self._top = top
        self._above = above  # rules of `top` and the folders above it, deepest first

    def ignored(self, path: str, is_dir: bool) -> bool:
        full = os.path.abspath(path)
        specs: List[Tuple[str, "pathspec.GitIgnoreSpec"]] = []
        directory = os.path.dirname(full)
        while directory.startswith(self._top + os.sep):
            spec = self._rules._spec(directory)
            if spec is not None:
                specs.append((directory, spec))
            directory = os.path.dirname(directory)
        for base, spec in specs + self._above:
            verdict = _verdict(spec, _relative(full, base) + ("/" if is_dir else ""))
            if verdict is not None:
                return bool(verdict)
        return False


def excludes_file(root: str) -> str:
    """The repository's `core.excludesFile` as git itself reads it (global, included and repository config,
    `~` expanded), else git's default `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`). One `git
    config` per repository a walk meets; without git, the default."""
    import subprocess

    try:
        done = subprocess.run(["git", "-C", root, "config", "--path", "--get", "core.excludesFile"],
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        if done.returncode == 0 and done.stdout.strip():
            return os.path.join(root, done.stdout.strip())  # a relative value is relative to the work tree
    except (OSError, subprocess.SubprocessError):
        pass
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(config_home, "git", "ignore")


def _verdict(spec: "pathspec.GitIgnoreSpec", path: str) -> Optional[bool]:
    """True: ignored; False: re-included by a `!pattern`; None: no pattern of this file speaks of it."""
    check = getattr(spec, "check_file", None)
    if check is None:  # pathspec before check_file(): a negation cannot be told from no match
        return True if spec.match_file(path) else None
    include: Optional[bool] = check(path).include
    return include


def _relative(path: str, base: str) -> str:
    return os.path.relpath(path, base).replace(os.sep, "/")
