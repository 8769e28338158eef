"""Small walks over libcst nodes that the fixer shares: children, short text, dotted paths, and CannotFollow."""
from __future__ import annotations

import dataclasses
from typing import Dict, List, Optional, Tuple, Type

import libcst as cst

from rnn_reuse_lint.finding import Because

SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
LOOPS = (cst.For, cst.While)


# Fields that hold only whitespace, punctuation or operators: skipping them makes a walk ~10x cheaper
# than libcst's `children` (measured on the benchmark corpus), which builds every child list afresh.
_PUNCTUATION_FIELDS = ("whitespace", "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators",
                       "header", "footer", "trailing_whitespace", "newline", "equal", "colon", "operator",
                       "lbracket", "rbracket", "lbrace", "rbrace", "dot", "asynchronous", "star", "default_indent",
                       "default_newline", "encoding", "indent", "first_line", "empty_lines", "prefix")
_FIELDS: Dict[Type[cst.CSTNode], Tuple[str, ...]] = {}
# CSTNode is an ABC: an isinstance test against it costs an ABC call per value; one issubclass per class instead.
_NODE_CLASSES: Dict[type, bool] = {}


def is_kind(cls: type, kinds: Tuple[type, ...], cache: Dict[type, bool]) -> bool:
    """issubclass(cls, kinds), asked once per class (`cache` is the caller's, one per `kinds`)."""
    found = cache.get(cls)
    if found is None:
        found = cache[cls] = issubclass(cls, kinds)
    return found


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The child nodes that can hold names and statements, in source order."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(
            f.name for f in dataclasses.fields(node) if not f.name.startswith(_PUNCTUATION_FIELDS))
    out: List[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        kind = value.__class__
        if kind is tuple or kind is list:
            out.extend(value)  # node sequences hold only nodes
        elif value is not None and is_kind(kind, (cst.CSTNode,), _NODE_CLASSES):
            out.append(value)
    return out


def short_text(node: cst.CSTNode, limit: int = 40) -> str:
    """A node's code on one line, cut to `limit` characters, for messages."""
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CannotFollow(Exception):
    """The fixer cannot prove where a name's value comes from; `because` says why (for the finding)."""

    def __init__(self, text: str, *nodes: cst.CSTNode) -> None:
        super().__init__(text)
        self.because = Because(text, *nodes)


def dotted_path(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of plain names, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    return ".".join([node.value, *reversed(parts)])
