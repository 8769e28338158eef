"""Cheap checks before parsing, so pathological input gets a clean RNN000 instead of a parser crash."""
from __future__ import annotations

import re
from itertools import accumulate, count, tee
from operator import sub

__all__ = ["MAX_BYTES", "MAX_DEPTH", "NEWLINE_TOKENS", "TOKEN_BYTES", "check_source", "estimate_tokens"]

# Memory follows tokens and statements, not bytes: libcst's native parser peaks at ~2 KB per token and ~5 KB
# more per logical line (estimate_tokens below), then frees it all but its tree (~70 bytes per byte of source),
# and heap.py hands the freed pages back before the evaluation allocates (after any parse that grew the resident
# set by 32 MB: every file anywhere near the limit), so the parse is the peak. Measured
# (benchmarks/README.md, "Growth"; its memory rows hold it to MAX_BYTES_PER_TOKEN = 2,500): the whole analysis
# peaks at 1.6-2.2 KB per estimated token on the growth families at x16, 2.5 KB at most on the densest shapes
# (`[f(), f(), ...]` on one line), less on strings (the parse of pydoc_data/topics.py, 757 KB of mostly
# strings: 0.6 KB per estimated token, 170 bytes per byte). Per byte it varies 8x with density
# (510 for model functions, 1,140 for `fanout`, 4,000 for lines holding one name), so a file's size is the larger
# of its bytes and TOKEN_BYTES per estimated token, and above MAX_BYTES it is refused before parsing: 1.2 MB
# stands for 400,000 tokens, at most ~1.0 GB. Real code has 0.30 estimated tokens per byte (the stdlib's
# median; 0.35 at its 90th percentile, the RNN corpus 0.33), so the two counts meet near 1.2 MB and only dense
# code is refused earlier by its tokens. engine.too_large_error refuses by bytes before decoding;
# --max-file-size raises both.
MAX_BYTES = 1_200_000
TOKEN_BYTES = 3  # bytes one estimated token stands for against MAX_BYTES (see above)
# libcst 1.9's native parser recurses in Rust and dies with SIGSEGV, which no ``except`` can
# catch, when its stack runs out.  Measured with libcst 1.9.0, CPython 3.11, Linux, 8 MB
# main-thread stack (each depth in a fresh subprocess; the CLI's -j workers are processes):
#   x = ((( ... 1 ... )))          parses at 1250, crashes at 1275
#   x = [[[ ... 1 ... ]]]          parses at 1200, crashes at 1225
#   x = {1: {1: ... 1 ... }}       parses at 1275, crashes at 1300
#   x = f(f( ... 1 ... ))          parses at 1000 (66 s)
#   x = a[i[i ... ]]]              parses at 1425 (215 s), crashes at 1450
#   99 nested ifs around [[[...]]]  parses at 1137, crashes at 1150
#   100 nested blocks              clean ParserSyntaxError ("too many indentation levels")
# Parse time grows with the square of the depth (200 nested lists: ~0.4 s, 800: ~5 s), so
# the limit bounds time as well as stack.  CPython itself refuses more than 200 nested
# brackets ("too many nested parentheses"), so no valid Python 3 file is rejected at 200.
# Between ~140 and 200 nested lists, libcst's Python-side visitors exceed the default
# recursion limit of 1000 instead: a RecursionError, which the engine catches and reports.
# Not guarded: long chains without brackets also overflow, but only at thousands of
# operators in one expression: ``lambda: `` x 3500, ``1 if x else `` x 4800, ``1 + `` x 7000,
# unary ``-`` or ``not`` x 8200.
MAX_DEPTH = 200

# Speed: CPython's ``re`` tests a character class at ~30 ns per character but finds a literal
# at memchr speed, and bytes.translate/replace run at ~1 ns per byte.  So the text is first
# shrunk to the few bytes that decide nesting, and only that short "event" string meets a
# regular expression with alternatives (1 MB of stdlib source -> ~80 kB of events).

# Old Mac line ends become newlines (\r\n becomes two, harmless here), and control bytes that
# are our triple-quote markers below become spaces so they cannot fake one.
_TRIPLE_DOUBLE, _TRIPLE_SINGLE = b"\x02", b"\x03"
_PREPARE = bytes.maketrans(b"\r" + _TRIPLE_DOUBLE + _TRIPLE_SINGLE, b"\n  ")
# A backslash escapes the next character, in strings and comments alike (a literal prefix,
# so only backslashes are visited).  Every backslash left stands before a newline: inside a
# string it continues the string, but it cannot continue a comment.
_ESCAPE = re.compile(rb"\\[^\n]")
# Triple quotes become one byte each before anything between quotes is deleted; otherwise
# ``"(a)" "b"`` would shrink to ``"()"""`` and fake one.  Replacing left to right finds the
# same triple quotes as Python's tokenizer.
_EVENTS = b"#'\"\n()[]{}\\" + _TRIPLE_DOUBLE + _TRIPLE_SINGLE
_NOT_EVENT = bytes(c for c in range(256) if c not in _EVENTS)
# Strings and comments over the event string: only where each one ends matters now.  String
# prefixes (r, b, f, u) are letters, already gone; f-string replacement fields are skipped
# with their string, which can only under-count by the depth of an f-string expression.
_STRING_OR_COMMENT = re.compile(
    rb"\x02[^\x02]*\x02"
    rb"|\x03[^\x03]*\x03"
    rb'|"[^"\n]*(?:\\\n[^"\n]*)*"'
    rb"|'[^'\n]*(?:\\\n[^'\n]*)*'"
    rb"|#[^\n\\]*"
)
_STARTS = (b"#", b"'", b'"', _TRIPLE_DOUBLE, _TRIPLE_SINGLE)
_ONLY_BRACKETS = bytes.maketrans(b"([{)]}", b"((()))")
_NOT_BRACKET = b"#'\"\n\\" + _TRIPLE_DOUBLE + _TRIPLE_SINGLE
_STEP = bytes.maketrans(b"()", b"\x02\x00")
# libcst's tokenizer, like CPython's, refuses a 100th indentation level with a clean
# ParserSyntaxError before the parser runs, so deeper blocks alone need no guard.
_MAX_BLOCKS = 99
# The indentation of the first non-blank line after a line ending in ``:`` (a comment may
# follow the colon): one per block body.  Colons in strings only add spurious indents.
_BLOCK_BODY = re.compile(rb":[ \t]*(?:#[^\n]*)?\n\s*?([ \t]*)(?=\S)")


def check_source(source: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> str | None:
    """An RNN000 message when ``source`` is too large or too deeply nested to analyse, else None.

    Nesting is the bracket depth outside strings and comments plus, when that depth alone
    is within 99 of the limit, an upper bound on the block depth (the number of distinct
    block-body indents).  The sum over-estimates, which is the safe side; over every file
    of CPython 3.11's standard library it is at most 24.  Linear time, and no Python-level
    loop runs per character, line or token.
    """
    data = source.encode("utf-8", "surrogatepass")  # surrogateescape-decoded text has lone surrogates
    if len(data) > max_bytes:
        return (f"file too large to analyse ({len(data) / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB); "
                f"raise with --max-file-size")
    # A byte is at most NEWLINE_TOKENS estimated tokens: smaller files need no count.
    if len(data) * NEWLINE_TOKENS * TOKEN_BYTES > max_bytes:
        tokens = estimate_tokens(data)
        if tokens * TOKEN_BYTES > max_bytes:
            return (f"file too large to analyse (dense code: about {tokens:,} tokens, counted as {TOKEN_BYTES} "
                    f"bytes each, {tokens * TOKEN_BYTES / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB); "
                    f"raise with --max-file-size")
    if b"\r" in data or _TRIPLE_DOUBLE in data or _TRIPLE_SINGLE in data:  # memchr: rarely true
        data = data.translate(_PREPARE)
    data = _ESCAPE.sub(b"", data)
    data = data.replace(b'"""', _TRIPLE_DOUBLE).replace(b"'''", _TRIPLE_SINGLE)
    depth = _bracket_depth(_code_brackets(data), max_depth)
    # Blocks only count once brackets come close: any file that libcst gets to parse nests
    # at most _MAX_BLOCKS blocks, so below that margin they cannot tip the sum over.
    if depth + _MAX_BLOCKS > max_depth:
        depth += _block_depth_bound(data)
    if depth > max_depth:
        return f"too deeply nested to analyse (more than {max_depth} levels of brackets or blocks)"
    if _longest_chain(data) > MAX_CHAIN:
        return f"expression too deeply nested to analyse (a chain of more than {MAX_CHAIN} operators)"
    if _longest_trailer_chain(data) > MAX_TRAILERS:
        return (f"expression too deeply nested to analyse (a chain of more than {MAX_TRAILERS} calls, "
                "subscripts or attribute accesses)")
    return None


# Trailers nest in the parser too: `x = f` then `()` x 8,000 (or `[0]` x 8,000) crashed libcst's native parser
# with SIGSEGV after 43 s, though no bracket is deeper than 1. Parse time grows with the square of the chain
# (measured on this 2-core VM under load: 1,000 `()` 2 s, 1,000 `[0]` 12.7 s, 4,000 `[0]` 301 s), so the limit
# bounds time as well as stack; fluent chains in real code are a few dozen trailers long.
MAX_TRAILERS = 300
_SPACE = b" \t\n\r\f\v\\"
# One trailer: `(...)` or `[...]` holding brackets at most one level deep, then any `.name` accesses. A chain is
# a run of trailers, each opening right where the previous one closed (spaces and newlines removed first).
_TRAILER = rb"[(\[](?:[^()\[\]]|[(\[][^()\[\]]*[)\]])*[)\]](?:\.\w+)*"
_TRAILER_RUN = re.compile(rb"(?:%s){%d,}" % (_TRAILER, MAX_TRAILERS + 1))
_BOUNDARIES = (b")(", b")[", b"](", b"][", b").", b"].")


def _longest_trailer_chain(data: bytes) -> int:
    """More than MAX_TRAILERS if some expression chains more trailers than that, else 0 (an existence test: the
    memchr-speed count of trailer boundaries spares the regular expression on ordinary files)."""
    packed = data.translate(None, _SPACE)
    if sum(packed.count(b) for b in _BOUNDARIES) < MAX_TRAILERS:
        return 0
    code = _STRING_OR_COMMENT.sub(b"", data).translate(None, _SPACE)
    return MAX_TRAILERS + 1 if _TRAILER_RUN.search(code) else 0


# Chains without brackets nest too: libcst's native parser crashed at ~3,500 chained `lambda:`, 4,800
# `if/else`, 7,000 `+` terms and 8,200 unary `-`/`not` (tests/test_robustness.py). Real code has at most
# a few dozen operators between two commas or brackets.
MAX_CHAIN = 1000
_LONG_LINE = 2000
_SEGMENT_BREAKS = re.compile(rb"[,;()\[\]{}\n]")
_OPERATOR = re.compile(rb"[-+*/%@&|^~<>=.]|\b(?:not|and|or|if|else|lambda|await)\b")


def _longest_chain(data: bytes) -> int:
    """The most operators between two commas, semicolons, brackets or newlines (0 when no line is long)."""
    if len(data) < _LONG_LINE or max(map(len, data.split(b"\n"))) < _LONG_LINE:
        return 0
    code = _STRING_OR_COMMENT.sub(b"", data)
    longest = 0
    for segment in _SEGMENT_BREAKS.split(code):
        if len(segment) > MAX_CHAIN:
            longest = max(longest, len(_OPERATOR.findall(segment)))
    return longest


def _block_depth_bound(data: bytes) -> int:
    """At least the block depth: depth D needs block bodies at D different indents."""
    return len(set(_BLOCK_BODY.findall(data)))


def _code_brackets(data: bytes) -> bytes:
    """The brackets outside strings and comments, as ``(`` and ``)``."""
    code = data.translate(None, _NOT_EVENT)
    if any(start in code for start in _STARTS):  # memchr; spares the regex on bracket-only input
        code = _STRING_OR_COMMENT.sub(b"", code)
    return code.translate(_ONLY_BRACKETS, _NOT_BRACKET)


def _bracket_depth(brackets: bytes, limit: int) -> int:
    """The deepest nesting of ``(`` and ``)`` if at most ``limit``, else some number above it.

    A stray ``)`` never hides depth: depth is measured from the lowest level reached so far.
    """
    # Each pass deletes every innermost pair, which lowers the deepest point by exactly one
    # level, and ordinary code is mostly innermost pairs (``f(x)``, ``a[i]``): three passes
    # leave a few percent for the exact count below.  "Exactly one" holds because the deepest
    # opener is always followed by a closer; one extra closer per pass at the end makes that
    # true of an unclosed one as well, and closers at the end change no depth before them.
    passes = 3
    brackets += b")" * passes
    removed = 0
    for _ in range(passes):
        shorter = brackets.replace(b"()", b"")
        if len(shorter) == len(brackets):
            break
        brackets = shorter
        removed += 1
    if not brackets:
        return removed
    # Absurd nesting is usually a plain run of openers: find one at memchr speed.
    run = max(limit - removed, 0) + 1
    if run <= len(brackets) and b"(" * run in brackets:
        return removed + run
    # level[i] = openers - closers among the first i + 1 brackets (2 per opener, minus the
    # count), less the lowest level before it.  Iterators all the way: constant memory.
    levels, again = tee(map(sub, accumulate(brackets.translate(_STEP)), count(1)))
    deepest: int = max(map(sub, levels, accumulate(again, min, initial=0)))
    return removed + max(0, deepest)


# What libcst's native parser spends memory on is tokens, and statements: ~2 KB per token and ~5 KB more per
# logical line (each statement descends the whole grammar; measured on 10,000 copies of one line: `a` 8.2 KB,
# `f(x)` 13.7 KB, `a.b.c.d.e.f.g.h` 34 KB, a blank line 0.3 KB). Python's tokenizer runs at ~1 MB/s; this
# estimate runs at memchr speed: every run of word characters (non-ASCII bytes included) and every other visible
# character counts one token, every newline NEWLINE_TOKENS. Multi-character operators, and words and punctuation
# inside strings and comments, count more than Python does (the safe side); INDENT/DEDENT count nothing.
# Measured: the parse peaks at 0.8-2.4 KB per estimated token over 22 one-line shapes (the most:
# `[f(), f(), ...]` on one line), 1.2-2.0 KB on the growth benchmark's families.
NEWLINE_TOKENS = 3
_WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + bytes(range(128, 256))
_TOKEN_CLASSES = bytes(ord("a") if c in _WORD else ord(" ") if c in b" \t\f\r" else c if c == 10 else ord(".")
                       for c in range(256))


def estimate_tokens(data: bytes) -> int:
    """About the parser's cost of `data` in tokens (at most NEWLINE_TOKENS per byte): see _TOKEN_CLASSES."""
    classes = data.translate(_TOKEN_CLASSES)
    words = classes.count(b" a") + classes.count(b".a") + classes.count(b"\na") + classes.startswith(b"a")
    return words + classes.count(b".") + NEWLINE_TOKENS * classes.count(b"\n")
