"""Exit control and output plumbing: -j N output identical to -j 1, --exit-zero, --quiet, --output, --statistics."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnn_reuse_lint.report import FORMAT_NAMES
from tests.integrations.helpers import BAD, BIDI, GOLDEN, GOOD, ROOT, run_cli, write


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMAT_NAMES])
def test_jobs_output_identical_to_one_job(fmt: str) -> None:
    paths = ["fixtures/", "tests/golden/project/"]
    one = run_cli("check", "--format", fmt, "--show-suppressed", "-j", "1", *paths)
    many = run_cli("check", "--format", fmt, "--show-suppressed", "-j", "3", *paths)
    assert one == many
    assert one[0] == 1 and one[1]


@pytest.mark.parametrize("files, flags, expected", [
    pytest.param({"m.py": BAD}, [], 1, id="findings-exit-1"),
    pytest.param({"m.py": BAD}, ["--exit-zero"], 0, id="exit-zero-with-findings"),
    pytest.param({"m.py": GOOD}, ["--exit-zero"], 0, id="exit-zero-clean"),
    pytest.param({"m.py": "import tensorflow as tf\ndef rnn(:\n"}, ["--exit-zero"], 2, id="exit-zero-keeps-2-when-nothing-analysed"),
    pytest.param({"m.py": BAD}, ["--exit-zero", "--select", "E501"], 2, id="exit-zero-keeps-2-for-usage-errors"),
    pytest.param({"m.py": BAD.replace("* 2)", "* 2)  # noqa")}, [], 0, id="only-suppressed-exit-0"),
])
def test_exit_status(tmp_path: Path, files, flags, expected: int) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, files)
    code, _, _ = run_cli("check", *flags, *files, cwd=tmp_path)
    assert code == expected


def test_summary_goes_to_stderr_and_quiet_drops_it(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD})
    code, out, err = run_cli("check", "m.py", cwd=tmp_path)
    assert out.startswith("m.py:3:9: RNN101") and len(out.splitlines()) == 3  # the finding, its line underlined
    assert err == ("rnn-reuse-lint: 1 finding in 1 file checked; 1 fixable with --fix; "
                   "TensorFlow 2 assumed (default)\n")
    code, quiet_out, quiet_err = run_cli("check", "-q", "m.py", cwd=tmp_path)
    assert (code, quiet_out, quiet_err) == (1, out, "")


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD})
    code, out, _ = run_cli("check", "--format", "sarif", "--output", "report.sarif", "m.py", cwd=tmp_path)
    assert (code, out) == (1, "")
    assert json.loads((tmp_path / "report.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "RNN101"
    code, _, err = run_cli("check", "--output", str(tmp_path / "no" / "such" / "dir.txt"), "m.py", cwd=tmp_path)
    assert code == 2 and "--output" in err


@pytest.mark.parametrize("fmt, stream", [
    pytest.param("text", "stdout", id="text-after-the-report"),
    pytest.param("json", "stderr", id="json-stdout-stays-parseable"),
])
def test_statistics(tmp_path: Path, fmt: str, stream: str) -> None:
    write(tmp_path, {"a.py": BAD, "b.py": BAD + BIDI.replace("import tensorflow as tf\n", ""), "c.py": "tf.rnn(:\n"})
    code, out, err = run_cli("check", "--format", fmt, "--statistics", "-q", ".", cwd=tmp_path)
    stats = out if stream == "stdout" else err
    assert "    2  RNN101  same-cell-in-several-layers\n" in stats
    assert "    1  RNN102  same-cell-both-directions\n" in stats
    assert "    1  RNN000  file-not-analysed\n" in stats
    if fmt == "json":
        json.loads(out)


def test_statistics_go_to_stdout_when_the_report_goes_to_a_file(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": BAD})
    code, out, _ = run_cli("check", "--format", "json", "--statistics", "-o", "r.json", "a.py", cwd=tmp_path)
    assert out == "    1  RNN101  same-cell-in-several-layers\n"


def test_discovery_finds_notebooks_and_skips_checkpoints(tmp_path: Path) -> None:
    from tests.integrations.helpers import notebook

    nb = notebook([("code", BAD)])
    write(tmp_path, {"a.ipynb": nb, ".ipynb_checkpoints/a-checkpoint.ipynb": nb, "notes.txt": BAD})
    code, out, _ = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert [f["path"] for f in json.loads(out)["findings"]] == ["a.ipynb"]


def test_runs_from_repository_root_on_golden_project() -> None:
    code, out, _ = run_cli("check", "-q", str(Path("tests") / "golden" / "project"), cwd=ROOT)
    assert code == 1 and "tests/golden/project/notebooks/explore.ipynb:cell 4:2:11: RNN101" in out
    assert GOLDEN.exists()
