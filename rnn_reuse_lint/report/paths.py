"""File names in reports: undecodable bytes and control characters shown as escapes, raw bytes percent-encoded in URIs."""
from __future__ import annotations

import re
from urllib.parse import quote

# A name is bytes on POSIX; Python hands undecodable ones over as lone surrogates (surrogateescape), which no
# UTF-8 stream can print, and a newline or ESC in a name would start a fake report line or colour the terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\udc80-\udcff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: "re.Match[str]") -> str:
    c = ord(match.group())
    if 0xDC80 <= c <= 0xDCFF:
        return "\\x%02x" % (c - 0xDC00)   # the byte the file system holds
    return "\\x%02x" % c if c < 0x100 else "\\u%04x" % c


def display_path(path: str) -> str:
    """`path` as text every format can print on one line: `caf\\xff.py`, `a\\x0ab.py` (as ruff shows them)."""
    return _UNPRINTABLE.sub(_escape, path)


def uri_path(path: str) -> str:
    """`path` percent-encoded from its file-system bytes (RFC 3986): `caf%FF.py`, `a%0Ab.py`."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")
