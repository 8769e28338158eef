"""`[tool.rnn-reuse-lint]` in pyproject.toml, end to end through the CLI: one test per option, flags over the
file, the nearest file wins, and every bad key or value is a clear error with exit status 2."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.integrations.helpers import BAD, BIDI, check_json, codes_at, run_cli, write

BOTH = BAD + BIDI.replace("import tensorflow as tf\n", "")  # RNN101 at line 3, RNN102 at line 5


def project(tmp_path: Path, config: str, files: Dict[str, str]) -> Path:
    body = f"[project]\nname = \"p\"\n\n[tool.rnn-reuse-lint]\n{config}\n" if config is not None else ""
    return write(tmp_path, {"pyproject.toml": body, **files})


def show_settings(cwd: Path, *flags: str) -> Dict[str, Any]:
    code, out, err = run_cli("check", "--show-settings", *flags, ".", cwd=cwd)
    assert code == 0, err
    return json.loads(out)


# --------------------------------------------------------------------------------------------------
# One test per option


def test_select(tmp_path: Path) -> None:
    project(tmp_path, 'select = ["RNN102"]', {"m.py": BOTH})
    assert codes_at(check_json("m.py", cwd=tmp_path)[1]) == [("m.py", 5, "RNN102")]


def test_ignore(tmp_path: Path) -> None:
    project(tmp_path, 'ignore = ["RNN102"]', {"m.py": BOTH})
    assert codes_at(check_json("m.py", cwd=tmp_path)[1]) == [("m.py", 3, "RNN101")]


def test_extend_select(tmp_path: Path) -> None:
    project(tmp_path, 'select = ["RNN102"]\nextend-select = ["RNN101"]', {"m.py": BOTH})
    assert codes_at(check_json("m.py", cwd=tmp_path)[1]) == [("m.py", 3, "RNN101"), ("m.py", 5, "RNN102")]


def test_per_file_ignores(tmp_path: Path) -> None:
    project(tmp_path, '[tool.rnn-reuse-lint.per-file-ignores]\n"tests/*" = ["RNN101"]\n"scratch.py" = ["RNN1"]',
            {"src/m.py": BOTH, "tests/test_m.py": BOTH, "deep/scratch.py": BOTH})
    code, doc = check_json(".", cwd=tmp_path)
    assert codes_at(doc) == [("m.py", 3, "RNN101"), ("m.py", 5, "RNN102"), ("test_m.py", 5, "RNN102")]


def test_exclude(tmp_path: Path) -> None:
    project(tmp_path, 'exclude = ["generated", "src/old_*.py"]',
            {"src/m.py": BAD, "src/old_model.py": BAD, "generated/g.py": BAD, "lib/generated/h.py": BAD})
    assert codes_at(check_json(".", cwd=tmp_path)[1]) == [("m.py", 3, "RNN101")]
    # files named explicitly (as pre-commit passes them) are excluded too
    code, out, _ = run_cli("check", "generated/g.py", "src/old_model.py", cwd=tmp_path)
    assert (code, out) == (0, "")


def test_tf_version(tmp_path: Path) -> None:
    project(tmp_path, 'tf-version = "1.1"', {"m.py": BAD, "requirements.txt": "tensorflow==2.4\n"})
    code, doc = check_json("m.py", cwd=tmp_path)
    assert doc["tf_version"] == "1.1"
    assert doc["tf_version_source"] == "pyproject.toml [tool.rnn-reuse-lint] tf-version"
    assert "TF 1.1 raises" in doc["findings"][0]["message"]


def test_timeout(tmp_path: Path) -> None:
    project(tmp_path, "timeout = 12.5", {})
    assert show_settings(tmp_path)["timeout"] == 12.5


def test_python(tmp_path: Path) -> None:
    project(tmp_path, 'python = "envs/tf1/bin/python"', {})
    assert show_settings(tmp_path)["python"] == str(tmp_path / "envs" / "tf1" / "bin" / "python")


def test_tf1_python(tmp_path: Path) -> None:
    project(tmp_path, 'tf1-python = "envs/tf115/bin/python"', {})
    shown = show_settings(tmp_path)
    assert shown["tf1_python"] == str(tmp_path / "envs" / "tf115" / "bin" / "python") and shown["python"] is None
    assert show_settings(tmp_path, "--tf1-python", "/opt/tf1/bin/python")["tf1_python"] == "/opt/tf1/bin/python"


def test_define(tmp_path: Path) -> None:
    project(tmp_path, '[tool.rnn-reuse-lint.define]\nn_layers = 3\nhidden = "128"\nbidi = true', {})
    assert show_settings(tmp_path)["define"] == [["n_layers", "3"], ["hidden", "128"], ["bidi", "True"]]


def test_dotted_define_decides_a_condition(tmp_path: Path) -> None:
    source = ("import tensorflow as tf\nfw = tf.nn.rnn_cell.LSTMCell(4)\n"
              "bw = fw if FLAGS.tie else tf.nn.rnn_cell.LSTMCell(4)\n"
              "tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)\n")
    project(tmp_path, '[tool.rnn-reuse-lint.define]\n"FLAGS.tie" = 1', {"m.py": source})
    code, doc = check_json("m.py", cwd=tmp_path)
    assert code == 1 and codes_at(doc) == [("m.py", 4, "RNN102")]
    code, _, err = run_cli("check", "--define", "FLAGS.tie=0", "m.py", cwd=tmp_path)
    assert code == 0, err  # the flag adds to the file's defines and wins for the same name


def test_dynamic_settings_reach_the_trace_command(tmp_path: Path) -> None:
    """`trace` reads timeout/python/define from the same Settings: a missing interpreter from the config
    is reported by trace itself, before any TensorFlow is started."""
    project(tmp_path, 'python = "no/such/python"\ntimeout = 5', {"m.py": BAD})
    code, out, err = run_cli("trace", "m.py", cwd=tmp_path)
    if "invalid choice" in err:
        pytest.skip("the trace command is not available")
    assert code == 2 and str(tmp_path / "no" / "such" / "python") in err


# --------------------------------------------------------------------------------------------------
# Precedence and discovery


@pytest.mark.parametrize("flags, expected", [
    pytest.param(["--select", "RNN101"], [("m.py", 3, "RNN101")], id="select-flag-replaces-config"),
    pytest.param(["--ignore", "RNN102"], [], id="ignore-flag"),
    # flake8 semantics: the longest matching prefix decides, so a selected RNN102 beats an ignored RNN1
    pytest.param(["--ignore", "RNN1"], [("m.py", 5, "RNN102")], id="longer-select-beats-shorter-ignore"),
    pytest.param(["--extend-select", "RNN101"], [("m.py", 3, "RNN101"), ("m.py", 5, "RNN102")],
                 id="extend-select-flag-adds"),
    pytest.param(["--isolated"], [("m.py", 3, "RNN101"), ("m.py", 5, "RNN102")], id="isolated-ignores-config"),
])
def test_flags_override_the_file(tmp_path: Path, flags: List[str], expected) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, 'select = ["RNN102"]', {"m.py": BOTH})
    assert codes_at(check_json(*flags, "m.py", cwd=tmp_path)[1]) == expected


def test_flags_override_tf_version_exclude_and_per_file_ignores(tmp_path: Path) -> None:
    project(tmp_path, 'tf-version = "1.1"\nexclude = ["a.py"]\nper-file-ignores = {"b.py" = ["RNN1"]}',
            {"a.py": BAD, "b.py": BAD})
    code, doc = check_json("--tf-version", "1.0", "--exclude", "none", "--per-file-ignores", "a.py:RNN102", ".",
                           cwd=tmp_path)
    assert doc["tf_version"] == "1.0" and doc["tf_version_source"] == "--tf-version"
    assert codes_at(doc) == [("a.py", 3, "RNN101"), ("b.py", 3, "RNN101")]


def test_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    project(tmp_path, 'select = ["RNN102"]', {})
    write(tmp_path, {"svc/pyproject.toml": "[project]\nname = \"svc\"\n",  # no table: keep looking up
                     "svc/m.py": BOTH,
                     "lib/pyproject.toml": "[tool.rnn-reuse-lint]\nselect = [\"RNN101\"]\n",
                     "lib/m.py": BOTH})
    assert codes_at(check_json("svc", cwd=tmp_path)[1]) == [("m.py", 5, "RNN102")]
    assert codes_at(check_json("lib", cwd=tmp_path)[1]) == [("m.py", 3, "RNN101")]
    assert codes_at(check_json("m.py", cwd=tmp_path / "lib")[1]) == [("m.py", 3, "RNN101")]
    assert show_settings(tmp_path / "lib")["config"] == str(tmp_path / "lib" / "pyproject.toml")


def test_explicit_config_file(tmp_path: Path) -> None:
    write(tmp_path, {"ci.toml": "[tool.rnn-reuse-lint]\nselect = [\"RNN102\"]\n", "m.py": BOTH})
    assert codes_at(check_json("--config", "ci.toml", "m.py", cwd=tmp_path)[1]) == [("m.py", 5, "RNN102")]
    code, _, err = run_cli("check", "--config", "missing.toml", "m.py", cwd=tmp_path)
    assert code == 2 and "missing.toml: no such file" in err


# --------------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("config, message", [
    pytest.param('selec = ["RNN101"]', "unknown key `selec` in [tool.rnn-reuse-lint] (did you mean `select`?)",
                 id="unknown-key-with-suggestion"),
    pytest.param('colour = "red"', "unknown key `colour`", id="unknown-key"),
    pytest.param('select = "RNN101,E501"', "'E501' is not a rule code or prefix", id="select-foreign-code"),
    pytest.param("select = [101]", "`select`: expected a list of rule codes", id="select-not-strings"),
    pytest.param('ignore = ["RNN1O1"]', "'RNN1O1' is not a rule code", id="ignore-typo"),
    pytest.param("extend-select = true", "`extend-select`: expected a list", id="extend-select-bool"),
    pytest.param('per-file-ignores = ["tests/*"]', "`per-file-ignores`: expected a table", id="per-file-not-table"),
    pytest.param('per-file-ignores = {"t/*" = ["X1"]}', "pattern 't/*': 'X1' is not a rule code",
                 id="per-file-bad-code"),
    pytest.param('exclude = "build"', "`exclude`: expected a list of glob patterns", id="exclude-string"),
    pytest.param('tf-version = "3"', "`tf-version`: there is no TensorFlow release 3", id="tf-version-unknown"),
    pytest.param('tf-version = "1.x"', "`tf-version`: '1.x' is not a TensorFlow release", id="tf-version-not-a-release"),
    pytest.param("tf-version = 1.15", "got float 1.15", id="tf-version-float"),
    pytest.param("timeout = -1", "`timeout`: expected a positive number of seconds, got int -1",
                 id="timeout-negative"),
    pytest.param('timeout = "60"', "`timeout`: expected a positive number", id="timeout-string"),
    pytest.param("timeout = true", "got bool True", id="timeout-bool"),
    pytest.param("python = 3", "`python`: expected the path or name of a Python interpreter", id="python-int"),
    pytest.param('define = {"1x" = 2}', "'1x' is not a Python identifier", id="define-bad-name"),
    pytest.param("define = {n = [1, 2]}", "`n` must be a string, number or boolean", id="define-list-value"),
    pytest.param('define = ["n"]', "'n' is not NAME=VALUE", id="define-list-without-equals"),
    pytest.param("select = [", "invalid TOML", id="invalid-toml"),
    pytest.param("", None, id="empty-table-is-fine"),
])
def test_bad_config_is_exit_2(tmp_path: Path, config: str, message) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, config, {"m.py": BAD})
    code, out, err = run_cli("check", "m.py", cwd=tmp_path)
    if message is None:
        assert code == 1, err
        return
    assert (code, out) == (2, ""), err
    assert err.startswith(f"rnn-reuse-lint: {tmp_path / 'pyproject.toml'}: "), err
    assert message in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("flags, message", [
    pytest.param(["--per-file-ignores", "tests"], "--per-file-ignores: 'tests' is not PATTERN:CODES",
                 id="per-file-flag-syntax"),
    pytest.param(["--select", "RNN1,flake"], "argument --select: 'flake' is not a rule code", id="select-flag"),
    pytest.param(["--tf-version", "3"], "argument --tf-version: there is no TensorFlow release 3", id="tf-version-flag"),
    pytest.param(["--select", "RNN9"], "select RNN9 matches no rule", id="select-matching-nothing"),
    pytest.param(["--ignore", "RNN3"], "ignore RNN3 matches no rule", id="ignore-matching-nothing"),
])
def test_bad_flags_are_exit_2(tmp_path: Path, flags: List[str], message: str) -> None:
    write(tmp_path, {"m.py": BAD})
    code, out, err = run_cli("check", *flags, "m.py", cwd=tmp_path)
    assert (code, out) == (2, "") and message in err


def test_config_is_read_with_tomllib_not_by_the_engine() -> None:
    """tomllib/argparse stay out of the core: importing and running the engine loads neither."""
    import subprocess
    import sys

    probe = ("import sys; from rnn_reuse_lint import engine; from rnn_reuse_lint.settings import Settings; "
             "engine.analyze_bytes(b'import tensorflow as tf\\nc = tf.nn.rnn_cell.LSTMCell(2)\\n"
             "s = tf.nn.rnn_cell.MultiRNNCell([c] * 2)\\n', 'm.py', Settings()); "
             "print(sorted(m for m in ('tomllib', 'tomli', 'argparse') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
