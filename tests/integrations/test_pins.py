"""TensorFlow version awareness: without --tf-version the project's pin decides how verdicts are worded,
and the JSON/SARIF say which version was assumed and where it came from."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

import pytest

from rnn_reuse_lint.pins import parse_requirement
from rnn_reuse_lint.settings import behaves_as
from tests.integrations.helpers import BAD, check_json, git, run_cli, write


@pytest.mark.parametrize("files, version, source", [
    pytest.param({"requirements.txt": "numpy\ntensorflow==1.15.0\n"}, "1.15",
                 "requirements.txt:2 (tensorflow==1.15.0)", id="requirements-exact"),
    pytest.param({"requirements-gpu.txt": "tensorflow-gpu>=1.4,<1.5  # cuda 8\n"}, "1.2",
                 "requirements-gpu.txt:1 (tensorflow-gpu>=1.4,<1.5)", id="requirements-variant-range"),
    pytest.param({"requirements.txt": "-r base.txt\n--index-url x\ntensorflow~=1.1.0\n"}, "1.1",
                 "requirements.txt:3 (tensorflow~=1.1.0)", id="requirements-compatible-release"),
    pytest.param({"requirements/prod.txt": "tensorflow_gpu==1.0.1\n"}, "1.0",
                 "requirements/prod.txt:1 (tensorflow_gpu==1.0.1)", id="requirements-folder"),
    pytest.param({"requirements.txt": "tensorflow\n"}, "2", "requirements.txt:1 (tensorflow)", id="unpinned-is-2"),
    pytest.param({"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "numpy",\n  "tensorflow<2",\n]\n'},
                 "1.15", "pyproject.toml:5 (tensorflow<2)", id="pyproject-dependencies"),
    pytest.param({"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\n'
                                    'gpu = ["tensorflow-gpu==1.2.1"]\n'},
                 "1.2", "pyproject.toml:4 (tensorflow-gpu==1.2.1)", id="pyproject-extras"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.7"\ntensorflow = "^1.15"\n'},
                 "1.15", 'pyproject.toml:3 (tensorflow = "^1.15")', id="poetry"),
    pytest.param({"setup.cfg": "[metadata]\nname = x\n[options]\ninstall_requires =\n    six\n"
                               "    tensorflow==1.1.0\n"},
                 "1.1", "setup.cfg:6 (tensorflow==1.1.0)", id="setup-cfg"),
    pytest.param({"setup.py": "from setuptools import setup\nsetup(\n    name='x',\n"
                              "    install_requires=['numpy', 'tensorflow-gpu==1.0.0'],\n)\n"},
                 "1.0", "setup.py:4 (tensorflow-gpu==1.0.0)", id="setup-py"),
    pytest.param({"environment.yml": "name: x\ndependencies:\n  - python=3.6\n  - tensorflow=1.13\n"},
                 "1.2", "environment.yml:4 (tensorflow=1.13)", id="conda-environment"),
    pytest.param({"environment.yml": "dependencies:\n  - pip\n  - pip:\n    - tensorflow-cpu==2.3.0\n"},
                 "2", "environment.yml:4 (tensorflow-cpu==2.3.0)", id="conda-environment-pip-section"),
    pytest.param({"requirements.txt": "numpy\n"}, "2", "default", id="no-tensorflow-default"),
])
def test_pin_decides_the_version(tmp_path: Path, files: Dict[str, str], version: str, source: str) -> None:
    write(tmp_path, {**files, "src/m.py": BAD})
    code, doc = check_json("src", cwd=tmp_path)
    # `version` is the behaviour class the pin maps to; tf_version is the release it names (issue 16 item 9)
    assert (doc["tf_behaves_as"], doc["tf_version_source"]) == (behaves_as(version), source)
    code, out, _ = run_cli("check", "--format", "sarif", "src", cwd=tmp_path)
    assert json.loads(out)["runs"][0]["properties"] == {"tfVersion": doc["tf_version"],
                                                        "tfBehavesAs": behaves_as(version), "tfVersionSource": source}


@pytest.mark.parametrize("pin, wording", [
    pytest.param("tensorflow==1.0.1", "TF 1.0 gives each layer separate variables", id="tf-1.0"),
    pytest.param("tensorflow==1.1.0", "TF 1.1 raises", id="tf-1.1"),
    pytest.param("tensorflow==1.15.5", "TF 1.15 shares", id="tf-1.15"),
    pytest.param("tensorflow==2.15.0", "TF 2.x compat.v1 and Keras silently share", id="tf-2"),
])
def test_verdict_is_worded_for_the_pinned_version(tmp_path: Path, pin: str, wording: str) -> None:
    write(tmp_path, {"requirements.txt": pin + "\n", "m.py": BAD})
    _, out, err = run_cli("check", "m.py", cwd=tmp_path)
    assert wording in out
    assert f"({pin})" in err  # the summary says which version was assumed and why


def test_flag_beats_pin(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "tensorflow==1.15\n", "m.py": BAD})
    doc = check_json("--tf-version", "1.1", "m.py", cwd=tmp_path)[1]
    assert (doc["tf_version"], doc["tf_version_source"]) == ("1.1", "--tf-version")


def test_requirements_first_then_pyproject(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "tensorflow==1.1\n",
                     "pyproject.toml": '[project]\nname = "x"\ndependencies = ["tensorflow==2.4"]\n', "m.py": BAD})
    assert check_json("m.py", cwd=tmp_path)[1]["tf_version"] == "1.1"


def test_pin_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "tensorflow==1.1\n", "repo/pkg/m.py": BAD})
    git(tmp_path / "repo", "init", "-q")
    assert check_json("pkg", cwd=tmp_path / "repo")[1]["tf_version_source"] == "default"
    write(tmp_path, {"repo/requirements.txt": "tensorflow==1.15\n"})
    assert check_json("pkg", cwd=tmp_path / "repo")[1]["tf_version"] == "1.15"


@pytest.mark.parametrize("requirement, version", [
    pytest.param("tensorflow>=1.4", "2", id="open-range-newest"),
    pytest.param("tensorflow>=1.14,<2.0", "1.15", id="upper-bound"),
    pytest.param("tensorflow<=1.1", "1.1", id="at-most-1.1"),
    pytest.param("tensorflow==1.15.*", "1.15", id="wildcard"),
    pytest.param("tensorflow!=2.*,>=1.2", "1.15", id="exclusion"),
    pytest.param("tensorflow 1.2.*", "1.2", id="conda-match-spec"),
    pytest.param("tensorflow=1.13.1=py37_0", "1.2", id="conda-build-string"),
    pytest.param('tensorflow==1.1.0 ; python_version < "3.8"', "1.1", id="marker"),
    pytest.param("tensorflow[and-cuda]==2.16.1", "2", id="extras"),
    pytest.param("tf-nightly", "2", id="nightly"),
    pytest.param("tensorflow-probability==0.7", None, id="other-package"),
    pytest.param("tensorflowjs==1.0", None, id="other-package-prefix"),
])
def test_requirement_parsing(requirement: str, version) -> None:  # type: ignore[no-untyped-def]
    assert parse_requirement(requirement) == version
