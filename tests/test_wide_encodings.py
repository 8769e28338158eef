"""A file saved as UTF-16 or UTF-32 with a byte order mark is analysed, and said to be, instead of skipped."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.test_cli import BAD, run


@pytest.mark.parametrize("bom,codec", [
    pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="UTF-16 LE"),
    pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="UTF-16 BE"),
    pytest.param(codecs.BOM_UTF32_LE, "utf-32-le", id="UTF-32 LE"),
])
def test_wide_files_are_decoded_and_not_fixed(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / "wide.py"
    data = bom + BAD.encode(codec)
    path.write_bytes(data)
    code, out, err = run("check", "--isolated", "--fix", "wide.py", cwd=str(tmp_path))
    assert code == 1 and out.startswith("wide.py:3:9: RNN101 "), (out, err)
    assert "[*]" not in out and path.read_bytes() == data
    assert "note: wide.py: read as UTF-%s (byte order mark)" % codec[4:6] in err


def test_a_broken_wide_file_says_why(tmp_path: Path) -> None:
    (tmp_path / "odd.py").write_bytes(codecs.BOM_UTF16_LE + BAD.encode("utf-16-le")[:-1])
    code, out, _ = run("check", "--isolated", "odd.py", cwd=str(tmp_path))
    assert code == 2 and out.startswith("odd.py:1:1: RNN000 cannot decode as utf-16 (it starts with a utf-16 byte")
