"""`[tool.rnn-reuse-lint]` in the nearest pyproject.toml: find it, read it, validate every key (CLI only)."""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

if TYPE_CHECKING:
    from rnn_reuse_lint.settings import Settings


SECTION = "rnn-reuse-lint"
_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*[\"']?rnn-reuse-lint[\"']?\s*[\].]", re.MULTILINE)
_CODE = re.compile(r"^RNN\d{0,3}$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")  # `n_layers`, `FLAGS.num_layers`


class ConfigError(Exception):
    """A configuration file that cannot be used; the CLI prints it and exits with status 2."""


@dataclass(frozen=True)
class Config:
    """Validated values of `[tool.rnn-reuse-lint]`, keyed by Settings field names."""

    path: Optional[str] = None
    values: Mapping[str, Any] = field(default_factory=dict)


def read_toml(path: str) -> Dict[str, Any]:
    """Parse a TOML file with tomllib (3.11+) or tomli; ImportError when neither is available."""
    try:
        import tomllib as toml  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python < 3.11
        import tomli as toml  # type: ignore[import-not-found,no-redef,unused-ignore]
    with open(path, "rb") as handle:
        return dict(toml.load(handle))


def has_section(path: str) -> bool:
    """A cheap text test, so pyproject files of other tools are never parsed (or need a TOML parser)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return _HEADER.search(handle.read()) is not None
    except OSError:
        return False


def find(start: str) -> Optional[str]:
    """The nearest pyproject.toml with a `[tool.rnn-reuse-lint]` table at or above `start`."""
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and has_section(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load(path: str) -> Config:
    """Read and validate `[tool.rnn-reuse-lint]` of `path`; raises ConfigError with a precise message."""
    try:
        document = read_toml(path)
    except ImportError:
        raise ConfigError(f"{path}: reading pyproject.toml needs Python 3.11+ or the `tomli` package "
                          f"(pip install tomli)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    tool = document.get("tool", {})
    table = tool.get(SECTION) if isinstance(tool, dict) else None
    if table is None:
        return Config(path, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return Config(path, validate(table, path))


def validate(table: Mapping[str, Any], path: str) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    base = os.path.dirname(os.path.abspath(path))
    for key, raw in table.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"{path}: unknown key `{key}` in [tool.{SECTION}]{hint}; "
                              f"known keys: {', '.join(sorted(_KEYS))}")
        field_name, convert = _KEYS[key]
        try:
            values[field_name] = convert(raw, base)
        except ValueError as exc:
            raise ConfigError(f"{path}: [tool.{SECTION}] `{key}`: {exc}") from None
    return values


# -- converters: raw TOML value (+ the config file's directory) -> Settings field value ------------


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def codes(value: Any, base: str = "") -> Tuple[str, ...]:
    """A list of rule codes or prefixes (`RNN101`, `RNN1`); a comma-separated string is accepted too."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of rule codes such as [\"RNN101\", \"RNN1\"], got {_describe(value)}")
    out = []
    for item in value:
        code = item.strip().upper()
        if code == "ALL":  # ruff's spelling of "every rule"
            code = "RNN"
        if not _CODE.match(code):
            raise ValueError(f"{item!r} is not a rule code or prefix (like \"RNN101\", \"RNN1\" or \"ALL\")")
        out.append(code)
    return tuple(out)


def anchor(pattern: str, base: str) -> str:
    """Glob patterns with a `/` are relative to the config file's directory; bare names match anywhere."""
    pattern = pattern.strip().rstrip("/")
    if "/" in pattern and not os.path.isabs(pattern):
        pattern = os.path.join(base, pattern[2:] if pattern.startswith("./") else pattern)
    return pattern


def _patterns(value: Any, base: str) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"expected a list of glob patterns such as [\"build\", \"legacy/*.py\"], "
                         f"got {_describe(value)}")
    return tuple(anchor(v, base) for v in value)


def _per_file_ignores(value: Any, base: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of glob = [codes], e.g. {{\"tests/*\" = [\"RNN101\"]}}, "
                         f"got {_describe(value)}")
    out = []
    for pattern, listed in value.items():
        if not pattern.strip():
            raise ValueError("empty glob pattern")
        try:
            out.append((anchor(pattern, base), codes(listed)))
        except ValueError as exc:
            raise ValueError(f"pattern {pattern!r}: {exc}") from None
    return tuple(out)


def _tf_version(value: Any, base: str) -> str:
    """Any TensorFlow release as a string (`"1.12"`, `"2.3"`); Settings gets its behaviour class later."""
    from rnn_reuse_lint.pins import parse_release

    if not isinstance(value, str):
        raise ValueError(f"expected a TensorFlow release such as \"1.12\" or \"2.3\" (a string), "
                         f"got {_describe(value)}")
    parse_release(value)  # ValueError names what is wrong
    return value.strip()


def timeout(value: Any, base: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"expected a positive number of seconds, got {_describe(value)}")
    return float(value)


def positive_int(value: Any, base: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"expected a positive whole number, got {_describe(value)}")
    return value


def _python(value: Any, base: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected the path or name of a Python interpreter, got {_describe(value)}")
    text = os.path.expanduser(str(value).strip())
    if os.sep in text or "/" in text:
        text = os.path.normpath(os.path.join(base, text))
    return text


def define_item(item: str) -> Tuple[str, str]:
    """`NAME=VALUE` (as in --define) -> (NAME, VALUE)."""
    name, sep, text = item.partition("=")
    name = name.strip()
    if not sep or not _NAME.match(name):
        raise ValueError(f"{item!r} is not NAME=VALUE with NAME a Python identifier or dotted name (FLAGS.num_layers)")
    return name, text.strip()


def _boolean(value: Any, base: str = "") -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_describe(value)}")
    return value


def _define(value: Any, base: str) -> Tuple[Tuple[str, str], ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(define_item(v) for v in value)
    if not isinstance(value, dict):
        raise ValueError(f"expected a table such as {{n_layers = 3, hidden = 128}}, got {_describe(value)}")
    out = []
    for name, item in value.items():
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a Python identifier or dotted name")
        if isinstance(item, bool):
            text = "True" if item else "False"
        elif isinstance(item, (int, float, str)):
            text = str(item)
        else:
            raise ValueError(f"`{name}` must be a string, number or boolean, got {_describe(item)}")
        out.append((name, text))
    return tuple(out)


def _output_format(value: Any, base: str) -> str:
    from rnn_reuse_lint.report.choice import OUTPUT_FORMATS

    if not isinstance(value, str) or value.strip() not in OUTPUT_FORMATS:
        raise ValueError(f"expected one of {', '.join(OUTPUT_FORMATS)}, got {_describe(value)}")
    return value.strip()


_KEYS: Dict[str, Tuple[str, Callable[[Any, str], Any]]] = {
    "select": ("select", codes),
    "ignore": ("ignore", codes),
    "extend-select": ("extend_select", codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _patterns),
    "tf-version": ("tf_version", _tf_version),
    "timeout": ("timeout", timeout),
    "python": ("python", _python),
    "tf1-python": ("tf1_python", _python),
    "max-work": ("max_work", positive_int),
    "max-file-seconds": ("max_file_seconds", timeout),
    "max-file-size": ("max_file_size", positive_int),
    "define": ("define", _define),
    "project": ("project", _boolean),
    "output-format": ("output_format", _output_format),
}

def unmatched_selectors(settings: "Settings", known: Sequence[str]) -> List[Tuple[str, str]]:
    """(option, selector) pairs that match no known code: `--select RNN9` would otherwise select nothing and
    exit 0, as if the code were clean (ruff refuses such selectors too)."""
    options = (("select", settings.select), ("extend-select", settings.extend_select), ("ignore", settings.ignore))
    return [(option, selector) for option, selectors in options for selector in selectors
            if not any(code.startswith(selector) for code in known)]


def per_file_flag(text: str, base: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """flake8's `--per-file-ignores` syntax: `PATTERN:CODES` pairs separated by spaces or newlines."""
    out: List[Tuple[str, Tuple[str, ...]]] = []
    for item in text.split():
        pattern, sep, listed = item.rpartition(":")
        if not sep or not pattern:
            raise ValueError(f"{item!r} is not PATTERN:CODES")
        out.append((anchor(pattern, base), codes(listed)))
    return tuple(out)
